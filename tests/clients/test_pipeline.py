"""Pipelines and transactions on both facades, compared with the real server.

A scenario is a list of steps (create a pipeline, queue a command, WATCH,
MULTI, execute, reset, a write by another client, ...). ``run_sync`` plays it
on a sync client, ``run_async`` on an async one; each step's outcome (value,
or exception class and message) is recorded. The same scenario must give the
same outcomes on burner and on a real redis-py client talking to
redis-server: sync against sync, and async (asyncio and trio) against a real
``redis.asyncio`` client run in its own thread and event loop (redis-py's
async pipeline words its error annotations differently from the sync one).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import anyio
import pytest
import redis
import redis.asyncio
import redis.asyncio.client
import redis.client
from redis.exceptions import WatchError

import burner
import burner.aio
from burner._core import registry
from tests.oracle import Pair, RedisServerProcess

Step = tuple[Any, ...]


def plain(value: Any) -> Any:
    """Outcomes as comparable data: error instances become (class, message)."""
    if isinstance(value, Exception):
        return ("error", type(value).__name__, str(value))
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


class _SyncRun:
    """Plays steps on one sync client; ``pipe`` is the current pipeline."""

    def __init__(self, client: redis.Redis, other: redis.Redis) -> None:
        self.client: Any = client
        self.other: Any = other
        self.pipe: Any = client.pipeline()

    def step(self, op: str, args: tuple[Any, ...]) -> Any:
        pipe = self.pipe
        if op == "q":  # a redis-py method on the pipeline
            result = getattr(pipe, args[0])(*args[1:])
            return "queued" if result is pipe else result
        if op == "raw":
            return "queued" if pipe.execute_command(*args) is pipe else "ran"
        if op == "client":
            return self.client.execute_command(*args)
        if op == "other":
            return self.other.execute_command(*args)
        # watch, multi, execute, reset, unwatch, discard
        return getattr(pipe, op)(*args)


def run_sync(client: redis.Redis, other: redis.Redis, steps: list[Step]) -> list[Any]:
    out: list[Any] = []
    run = _SyncRun(client, other)
    for step in steps:
        op, args = step[0], step[1:]
        if op == "pipe":
            run.pipe.reset()
            run.pipe = client.pipeline(transaction=args[0])
        elif op == "len":
            out.append(len(run.pipe))
        else:
            try:
                out.append(plain(run.step(op, args)))
            except (redis.RedisError, TypeError) as exc:
                out.append(("raised", type(exc).__name__, str(exc)))
    run.pipe.reset()
    return out


async def run_async(client: Any, other: Any, steps: list[Step]) -> list[Any]:
    out: list[Any] = []

    async def record(awaitable: Any) -> None:
        try:
            out.append(plain(await awaitable))
        except (redis.RedisError, TypeError) as exc:
            out.append(("raised", type(exc).__name__, str(exc)))

    pipe: Any = client.pipeline()
    for step in steps:
        op, args = step[0], step[1:]
        if op == "pipe":
            await pipe.reset()
            pipe = client.pipeline(transaction=args[0])
            continue
        if op == "q":
            try:
                result = getattr(pipe, args[0])(*args[1:])
            except (redis.RedisError, TypeError) as exc:
                out.append(("raised", type(exc).__name__, str(exc)))
                continue
            if result is pipe:
                out.append("queued")
            else:
                await record(result)
        elif op == "raw":
            result = pipe.execute_command(*args)
            if result is pipe:
                out.append("queued")
            else:
                await record(result)
                out[-1] = "ran" if out[-1][0] != "raised" else out[-1]
        elif op == "watch":
            await record(pipe.watch(*args))
        elif op == "multi":
            try:
                out.append(plain(pipe.multi()))
            except redis.RedisError as exc:
                out.append(("raised", type(exc).__name__, str(exc)))
        elif op == "execute":
            await record(pipe.execute(*args))
        elif op == "reset":
            await record(pipe.reset())
        elif op == "unwatch":
            await record(pipe.unwatch())
        elif op == "discard":
            await record(pipe.discard())
        elif op == "len":
            out.append(len(pipe))
        elif op == "client":
            await record(client.execute_command(*args))
        elif op == "other":
            await record(other.execute_command(*args))
        else:
            raise AssertionError(op)
    await pipe.reset()
    return out


# --- scenarios ----------------------------------------------------------------------------
SCENARIOS: dict[str, list[Step]] = {
    "transaction": [
        ("q", "set", "a", "1"),
        ("q", "incr", "a"),
        ("q", "incrby", "a", 5),
        ("q", "get", "a"),
        ("q", "hset", "h", "f", "v"),
        ("q", "hgetall", "h"),
        ("q", "exists", "a", "h", "nope"),
        ("q", "delete", "nope"),
        ("q", "ping"),
        ("len",),
        ("execute",),
        ("len",),
        ("execute",),  # empty: []
    ],
    "plain pipeline": [
        ("pipe", False),
        ("q", "set", "a", "1"),
        ("q", "incr", "a"),
        ("q", "get", "a"),
        ("q", "hset", "h", "f", "v"),
        ("q", "hgetall", "h"),
        ("q", "set", "a", "2", None, None, None, None, False, False, True),  # GET
        ("execute",),
    ],
    "set and get with options": [
        ("q", "set", "a", "1", 100),  # ex, positionally
        ("q", "set", "a", "2", None, 5000, True),  # px, nx
        ("q", "set", "a", "3", None, None, False, True, False, True),  # xx, get
        ("q", "get", "a"),
        ("q", "get", "missing"),
        ("q", "set", "b", b"\x00\xff"),
        ("q", "set", "c", 1.5),
        ("q", "get", "c"),
        ("execute",),
        ("client", "TTL", "a"),
    ],
    "runtime error raises by default": [
        ("q", "set", "s", "x"),
        ("q", "hset", "s", "f", "v"),
        ("q", "incr", "s"),
        ("q", "get", "s"),
        ("execute",),
        ("client", "GET", "s"),
    ],
    "runtime error in place": [
        ("q", "set", "s", "x"),
        ("q", "hset", "s", "f", "v"),
        ("q", "incr", "s"),
        ("q", "get", "s"),
        ("execute", False),
    ],
    "plain runtime errors": [
        ("pipe", False),
        ("q", "set", "s", "x"),
        ("q", "hset", "s", "f", "v"),
        ("q", "get", "s"),
        ("execute", False),
        ("q", "set", "s", "x"),
        ("q", "hset", "s", "f", "v"),
        ("q", "get", "s"),
        ("execute",),
    ],
    "queue-time error aborts": [
        ("q", "set", "a", "1"),
        ("raw", "GET"),
        ("raw", "NOSUCHCOMMAND", "x"),
        ("q", "set", "b", "2"),
        ("execute",),
        ("client", "EXISTS", "a", "b"),
    ],
    "queue-time error with raise_on_error off": [
        ("q", "set", "a", "1"),
        ("raw", "SET", "a"),
        ("execute", False),
        ("client", "EXISTS", "a"),
    ],
    "plain pipeline arity error": [
        ("pipe", False),
        ("q", "set", "a", "1"),
        ("raw", "GET"),
        ("q", "get", "a"),
        ("execute", False),
    ],
    "watch then immediate reads then multi": [
        ("client", "SET", "w", "10"),
        ("watch", "w"),
        ("q", "get", "w"),  # runs at once
        ("q", "exists", "w"),
        ("len",),
        ("multi",),
        ("q", "set", "w", "11"),
        ("q", "get", "w"),
        ("len",),
        ("execute",),
        ("client", "GET", "w"),
    ],
    "watch error": [
        ("client", "SET", "w", "10"),
        ("watch", "w"),
        ("q", "get", "w"),
        ("other", "SET", "w", "changed"),
        ("multi",),
        ("q", "set", "w", "11"),
        ("execute",),
        ("client", "GET", "w"),
        # the pipeline is reusable after the WatchError
        ("watch", "w"),
        ("multi",),
        ("q", "set", "w", "12"),
        ("execute",),
        ("client", "GET", "w"),
    ],
    "watch error on missing key created": [
        ("watch", "n"),
        ("other", "SET", "n", "1"),
        ("multi",),
        ("q", "incr", "n"),
        ("execute",),
    ],
    "watch with empty transaction": [
        ("watch", "w"),
        ("other", "SET", "w", "1"),
        ("execute",),  # watching, nothing queued: MULTI/EXEC still sent
        ("watch", "w"),
        ("execute",),
    ],
    "own write after watch": [
        ("watch", "w"),
        ("q", "set", "w", "mine"),  # immediate: the watch sees it
        ("multi",),
        ("q", "get", "w"),
        ("execute",),
    ],
    "unwatch": [
        ("watch", "w"),
        ("other", "SET", "w", "1"),
        ("unwatch",),
        ("multi",),
        ("q", "get", "w"),
        ("execute",),
        ("unwatch",),
    ],
    "reset forgets the watch": [
        ("watch", "w"),
        ("reset",),
        ("other", "SET", "w", "1"),
        ("multi",),
        ("q", "get", "w"),
        ("execute",),
    ],
    "reset drops queued commands": [
        ("q", "set", "r", "1"),
        ("len",),
        ("reset",),
        ("len",),
        ("execute",),
        ("client", "EXISTS", "r"),
    ],
    "explicit multi on a plain pipeline": [
        ("pipe", False),
        ("multi",),
        ("q", "set", "m", "1"),
        ("q", "incr", "m"),
        ("execute",),
    ],
    "client-side misuse": [
        ("multi",),
        ("multi",),  # nested
        ("watch", "x"),  # WATCH after MULTI
        ("reset",),
        ("q", "set", "a", "1"),
        ("multi",),  # commands already issued
        ("execute",),
    ],
    "discard queued in a transaction": [
        ("multi",),
        ("q", "set", "d", "1"),
        ("discard",),
        ("execute",),
        ("client", "EXISTS", "d"),
    ],
    "raw MULTI inside a plain pipeline": [
        ("pipe", False),
        ("raw", "MULTI"),
        ("raw", "SET", "x", "1"),
        ("raw", "EXEC"),
        ("execute",),
    ],
    "bad argument type": [
        ("q", "set", "a", "1"),
        ("q", "set", "b", True),
        ("execute",),
        ("client", "EXISTS", "a"),
        ("pipe", False),
        ("q", "set", "a", "1"),
        ("q", "set", "b", {"not": "allowed"}),
        ("execute",),
        ("client", "EXISTS", "a"),
    ],
    "select inside a transaction": [
        ("raw", "SELECT", "2"),
        ("q", "set", "sel", "1"),
        ("execute",),
        # (redis-py's pooled connection keeps the SELECT; burner's pipeline
        # session does not leak it to the client, so look in db 2 explicitly)
        ("client", "SELECT", "2"),
        ("client", "EXISTS", "sel"),
        ("client", "FLUSHDB"),
        ("client", "SELECT", "0"),
    ],
    "resp-specific replies": [
        ("q", "hset", "h", "f", "1.5"),
        ("q", "hincrbyfloat", "h", "f", "1"),
        ("q", "hgetall", "h"),
        ("q", "hkeys", "h"),
        ("q", "config_get", "maxmemory"),
        ("execute",),
        ("pipe", False),
        ("q", "hgetall", "h"),
        ("q", "hincrbyfloat", "h", "f", "1"),
        ("q", "config_get", "maxmemory"),
        ("execute",),
    ],
}


@pytest.fixture
def other_real(redis_server: RedisServerProcess, pair: Pair) -> Iterator[redis.Redis]:
    client = redis_server.client(**pair.kwargs)
    try:
        yield client
    finally:
        client.close()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_sync_scenario(pair: Pair, other_real: redis.Redis, name: str) -> None:
    steps = SCENARIOS[name]
    fake = cast(burner.Redis, pair.burner)
    other_fake = burner.Redis(server=fake.server, **pair.kwargs)
    got = run_sync(fake, other_fake, steps)
    want = run_sync(pair.real, other_real, steps)
    assert got == want, f"{name}:\nburner {got}\nredis  {want}"


def _real_async_outcomes(
    server: RedisServerProcess, kwargs: dict[str, Any], steps: list[Step]
) -> list[Any]:
    async def main() -> list[Any]:
        client = server.async_client(**kwargs)
        other = server.async_client(**kwargs)
        await client.flushall()
        try:
            return await run_async(client, other, steps)
        finally:
            await client.aclose()
            await other.aclose()

    return asyncio.run(main())


ASYNC_CONFIGS = [
    pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
    pytest.param({"protocol": 3, "decode_responses": True}, id="resp3-str"),
]


@pytest.mark.anyio
@pytest.mark.parametrize("config", ASYNC_CONFIGS)
@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_async_scenario(
    redis_server: RedisServerProcess, config: dict[str, Any], name: str
) -> None:
    steps = SCENARIOS[name]
    fake = burner.aio.Redis(**config)
    other_fake = burner.aio.Redis(server=fake.server, **config)
    got = await run_async(fake, other_fake, steps)
    want = await anyio.to_thread.run_sync(_real_async_outcomes, redis_server, config, steps)
    assert got == want, f"{name}:\nburner {got}\nredis  {want}"


# --- transaction() helper -------------------------------------------------------------------
def _increment_with_interference(
    client: redis.Redis, other: redis.Redis, interfere: int
) -> tuple[Any, int]:
    """transaction() with a function that, the first ``interfere`` times, lets
    another client change the watched key: each of those attempts must fail
    with WatchError and be retried."""
    attempts = 0

    def body(pipe: redis.client.Pipeline) -> str:
        nonlocal attempts
        attempts += 1
        value = int(pipe.get("counter") or 0)
        if attempts <= interfere:
            other.incr("counter")
        pipe.multi()  # type: ignore[no-untyped-call,unused-ignore]
        pipe.set("counter", value + 1)
        pipe.get("counter")
        return f"saw {value}"

    result = client.transaction(
        cast(Any, body), "counter", value_from_callable=True, watch_delay=0.001
    )
    return result, attempts


def test_transaction_helper_retries(pair: Pair, other_real: redis.Redis) -> None:
    fake = cast(burner.Redis, pair.burner)
    other_fake = burner.Redis(server=fake.server, **pair.kwargs)
    for interfere in (0, 1, 3):
        got = _increment_with_interference(fake, other_fake, interfere)
        want = _increment_with_interference(pair.real, other_real, interfere)
        assert got == want
        assert got[1] == interfere + 1
    pair.cmd("GET", "counter")

    def func(pipe: redis.client.Pipeline) -> None:
        pipe.set("x", "1")
        pipe.incr("x")

    pair.check(lambda r: r.transaction(func))
    pair.check(lambda r: r.transaction(func, value_from_callable=True))

    def read_then_write(pipe: redis.client.Pipeline) -> Any:
        value = pipe.get("x")  # watching: runs at once
        pipe.multi()  # type: ignore[no-untyped-call,unused-ignore]
        pipe.set("y", value or "none")
        pipe.incr("x")
        return value

    pair.check(lambda r: r.transaction(read_then_write, "x", "y"))
    pair.check(lambda r: r.transaction(read_then_write, "x", value_from_callable=True))


@pytest.mark.anyio
async def test_async_transaction_helper_retries() -> None:
    r = burner.aio.Redis()
    other = burner.aio.Redis(server=r.server)
    attempts = 0

    async def body(pipe: redis.asyncio.client.Pipeline) -> int:
        nonlocal attempts
        attempts += 1
        value = int(await pipe.get("counter") or 0)
        if attempts <= 2:
            await other.incr("counter")
        pipe.multi()  # type: ignore[no-untyped-call,unused-ignore]
        pipe.set("counter", value + 1)
        return value

    # watch_delay sleeps through anyio: under trio an asyncio.sleep would fail.
    assert await r.transaction(body, "counter", value_from_callable=True, watch_delay=0.001) == 2
    assert attempts == 3
    assert await r.get("counter") == b"3"

    def sync_body(pipe: redis.asyncio.client.Pipeline) -> None:
        pipe.set("x", "1")
        pipe.incr("x")

    assert await r.transaction(sync_body) == [True, 2]


# --- many commands at once -----------------------------------------------------------------
def _many(r: redis.Redis, transaction: bool) -> list[Any]:
    with r.pipeline(transaction=transaction) as pipe:
        for i in range(10_000):
            pipe.set(f"k{i}", i)
        for i in range(0, 10_000, 7):
            pipe.incr(f"k{i}")
        pipe.dbsize()
        return pipe.execute()


@pytest.mark.parametrize("transaction", [True, False])
def test_ten_thousand_commands(redis_server: RedisServerProcess, transaction: bool) -> None:
    real = redis_server.client()
    real.flushall()
    fake = burner.Redis()
    try:
        got = _many(fake, transaction)
        assert got == _many(real, transaction)
        assert len(got) == 10_000 + 1429 + 1 and got[-1] == 10_000
    finally:
        real.close()


@pytest.mark.anyio
async def test_ten_thousand_commands_async() -> None:
    r = burner.aio.Redis(decode_responses=True)
    for transaction in (True, False):
        async with r.pipeline(transaction=transaction) as pipe:
            for i in range(10_000):
                pipe.set(f"k{i}", i)
            pipe.incr("k7")
            pipe.get("k9999")
            result = await pipe.execute()
        assert result[:10_000] == [True] * 10_000
        assert result[10_000:] == [8, "9999"]


def test_queued_entries_are_redis_pys(redis_server: RedisServerProcess) -> None:
    """The hot-command shortcuts queue exactly what redis-py's methods queue."""
    real = redis_server.client()
    fake = burner.Redis()

    def fill(pipe: Any) -> list[Any]:
        pipe.set("a", "1")
        pipe.set("a", "1", ex=5, get=True)
        pipe.set(b"b", 2, nx=True)
        pipe.get("a")
        pipe.get(b"b")
        stack: list[Any] = pipe.command_stack
        return stack

    try:
        assert fill(fake.pipeline()) == fill(real.pipeline())
    finally:
        real.close()


# --- sessions ------------------------------------------------------------------------------
def test_pipeline_state_is_its_own() -> None:
    r = burner.Redis(db=3)
    server = r.server
    sessions = len(server.sessions)
    pipe = r.pipeline()
    pipe.watch("w")  # type: ignore[no-untyped-call,unused-ignore]
    assert len(server.sessions) == sessions + 1
    # The client is not watching: its own transaction is unaffected.
    r.set("w", "1")
    r.execute_command("MULTI")
    r.execute_command("SET", "mine", "1")
    assert r.execute_command("EXEC") == [b"OK"]
    pipe.multi()  # type: ignore[no-untyped-call,unused-ignore]
    pipe.get("w")
    with pytest.raises(WatchError):
        pipe.execute()
    assert len(server.sessions) == sessions
    assert server.dbs[3].watchers == {}
    # The pipeline runs in the client's database.
    with r.pipeline() as p:
        p.get("mine")
        assert p.execute() == [b"1"]
    assert server.dbs[0].data == {}


def test_abandoned_pipeline_releases_its_session() -> None:
    r = burner.Redis()
    sessions = len(r.server.sessions)
    pipe = r.pipeline()
    pipe.watch("w")  # type: ignore[no-untyped-call,unused-ignore]
    del pipe
    import gc

    gc.collect()
    assert len(r.server.sessions) == sessions
    assert r.server.dbs[0].watchers == {}


@pytest.mark.anyio
async def test_async_pipeline_state_is_its_own() -> None:
    r = burner.aio.Redis()
    sessions = len(r.server.sessions)
    async with r.pipeline() as pipe:
        await pipe.watch("w")
        assert len(r.server.sessions) == sessions + 1
        await r.set("w", "1")
        pipe.multi()  # type: ignore[no-untyped-call,unused-ignore]
        pipe.get("w")
        with pytest.raises(WatchError):
            await pipe.execute()
    assert len(r.server.sessions) == sessions
    pipe2 = r.pipeline()
    await pipe2.watch("w")
    del pipe2
    import gc

    gc.collect()
    assert len(r.server.sessions) == sessions
    assert r.server.dbs[0].watchers == {}


# --- blocking commands ------------------------------------------------------------------
def _has(name: bytes) -> bool:
    return registry.TABLE.get(name) is not None


@pytest.mark.skipif(not _has(b"blpop"), reason="BLPOP is not implemented yet")
def test_blocking_command_in_a_transaction_does_not_block(pair: Pair) -> None:
    def run(r: redis.Redis) -> Any:
        pipe = r.pipeline()
        pipe.blpop(["empty"], 0)
        pipe.rpush("l", "a")
        pipe.blpop(["l"], 0)
        return pipe.execute()

    pair.check(run, normalize=plain)


@pytest.mark.skipif(not _has(b"blpop"), reason="BLPOP is not implemented yet")
def test_blocking_command_in_a_plain_pipeline_waits() -> None:
    r = burner.Redis()
    other = burner.Redis(server=r.server)
    timer = threading.Timer(0.05, lambda: other.rpush("l", "x"))
    timer.start()
    pipe = r.pipeline(transaction=False)
    pipe.set("before", "1")
    pipe.blpop(["l"], 5)
    pipe.get("after-set-by-other")
    start = time.monotonic()
    result = pipe.execute()
    assert time.monotonic() - start >= 0.04
    assert result[0] is True and list(result[1]) == [b"l", b"x"] and result[2] is None
    # A timeout that passes gives the timeout reply, after waiting.
    pipe.blpop(["l"], 0.05)
    assert pipe.execute() == [None]


@pytest.mark.anyio
@pytest.mark.skipif(not _has(b"blpop"), reason="BLPOP is not implemented yet")
async def test_blocking_command_in_an_async_plain_pipeline_waits() -> None:
    r = burner.aio.Redis(decode_responses=True)
    other = burner.aio.Redis(server=r.server)

    async def push_later() -> None:
        await anyio.sleep(0.05)
        await other.rpush("l", "x")

    async with anyio.create_task_group() as tg:
        tg.start_soon(push_later)
        pipe = r.pipeline(transaction=False)
        pipe.blpop(["l"], 5)
        pipe.llen("l")
        popped, length = await pipe.execute()
        assert list(popped) == ["l", "x"] and length == 0


# --- scripts --------------------------------------------------------------------------------
@pytest.mark.skipif(not _has(b"evalsha"), reason="EVALSHA is not implemented yet")
def test_script_objects_in_pipelines(pair: Pair) -> None:
    source = "return redis.call('INCRBY', KEYS[1], ARGV[1])"

    def run(r: redis.Redis) -> Any:
        script = r.register_script(source)
        out = []
        for transaction in (True, False):
            r.script_flush()
            with r.pipeline(transaction=transaction) as pipe:
                script(keys=["n"], args=[2], client=pipe)
                pipe.get("n")
                script(keys=["n"], args=[3], client=pipe)
                out.append(pipe.execute())
        return out

    pair.check(run)


@pytest.mark.anyio
@pytest.mark.skipif(not _has(b"evalsha"), reason="EVALSHA is not implemented yet")
async def test_script_objects_in_async_pipelines() -> None:
    r = burner.aio.Redis()
    script = r.register_script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    async with r.pipeline() as pipe:
        await script(keys=["n"], args=[2], client=pipe)
        pipe.get("n")
        assert await pipe.execute() == [2, b"2"]


# --- atomicity and concurrency ------------------------------------------------------------
def test_transactions_are_atomic_across_threads() -> None:
    r = burner.Redis(decode_responses=True)
    r.mset({"a": 0, "b": 0})
    stop = threading.Event()
    torn: list[list[Any]] = []

    def writer() -> None:
        c = burner.Redis(server=r.server)
        while not stop.is_set():
            with c.pipeline() as pipe:
                pipe.incr("a")
                pipe.incr("b")
                pipe.execute()

    def reader() -> None:
        c = burner.Redis(server=r.server, decode_responses=True)
        for _ in range(2000):
            with c.pipeline(transaction=False) as pipe:
                pipe.get("a")
                pipe.get("b")
                a, b = pipe.execute()
            # A plain pipeline is not atomic in Redis, but burner runs it under
            # one hold of the lock; MGET is the real atomicity check.
            values = c.mget("a", "b")
            if values[0] != values[1] or a != b:
                torn.append([values, a, b])

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        reader()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert torn == []
    assert r.get("a") == r.get("b") != "0"


def test_watch_increments_from_threads_and_event_loops() -> None:
    """Threads and async tasks (on asyncio and on trio, in their own threads)
    all increment shared counters with GET + SET under WATCH: without the
    WATCH check some increments would be lost."""
    server = burner.Server()
    keys = ["c1", "c2"]
    per_worker = 60
    n_threads, n_tasks = 4, 8

    calls = [0]  # body calls, all workers: more than the increments = retries happened
    calls_lock = threading.Lock()

    def called() -> None:
        with calls_lock:
            calls[0] += 1

    def sync_worker(i: int) -> None:
        r = burner.Redis(server=server)
        key = keys[i % 2]

        def body(pipe: redis.client.Pipeline) -> None:
            called()
            value = int(pipe.get(key) or 0)
            time.sleep(0)  # let others in between GET and EXEC
            pipe.multi()  # type: ignore[no-untyped-call,unused-ignore]
            pipe.set(key, value + 1)

        for _ in range(per_worker):
            r.transaction(body, key)

    async def async_main() -> None:
        r = burner.aio.Redis(server=server)

        async def task(i: int) -> None:
            key = keys[i % 2]

            async def body(pipe: redis.asyncio.client.Pipeline) -> None:
                called()
                value = int(await pipe.get(key) or 0)
                await anyio.sleep(0)
                pipe.multi()  # type: ignore[no-untyped-call,unused-ignore]
                pipe.set(key, value + 1)

            for _ in range(per_worker):
                await r.transaction(body, key)

        async with anyio.create_task_group() as tg:
            for i in range(n_tasks):
                tg.start_soon(task, i)

    threads = [threading.Thread(target=sync_worker, args=(i,)) for i in range(n_threads)]
    threads.append(threading.Thread(target=anyio.run, args=(async_main,)))
    threads.append(
        threading.Thread(target=anyio.run, args=(async_main,), kwargs={"backend": "trio"})
    )
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    r = burner.Redis(server=server)
    total = per_worker * (n_threads + 2 * n_tasks)
    assert int(r.get("c1") or 0) + int(r.get("c2") or 0) == total
    assert int(r.get("c1") or 0) == total // 2
    assert calls[0] > total  # WatchError retries did happen
