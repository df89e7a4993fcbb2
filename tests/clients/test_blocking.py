"""Blocking commands (DESIGN.md D3) on both facades.

Timeouts are compared with the real server; wake-ups use several burner
clients on one Server: threads for the sync client, tasks (asyncio and trio)
and separate event loops in separate threads for the async one.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest
import redis

import burner
import burner.aio
from burner._core.server import Server
from tests.oracle import Pair


def _waiters(server: Server) -> int:
    with server.lock:
        return len(server.blocking)


def _until(predicate: Callable[[], bool], limit: float = 5.0) -> None:
    """Wait (test-side only) until ``predicate`` holds."""
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.002)


async def _until_async(predicate: Callable[[], bool], limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, "condition never held"
        await anyio.sleep(0.002)


def _no_trace(server: Server) -> None:
    with server.lock:
        assert server.blocking.queues == {}
        assert server.blocking.by_session == {}
        assert server.blocking.on_delete == 0


# --- against the real server ---------------------------------------------------
def test_timeouts_match_redis(pair: Pair) -> None:
    pair.check(lambda r: r.blpop(["nokey"], 0.05))
    pair.check(lambda r: r.brpop(["nokey", "other"], 0.05))
    pair.check(lambda r: r.brpoplpush("nokey", "dst", 0.05))
    pair.cmd("BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.05")
    pair.check(lambda r: r.blmove("nokey", "dst", 0, "LEFT", "RIGHT") if r.rpush("nokey", "x") else 0)
    pair.check(lambda r: r.blmpop(0.05, 2, "nokey", "other", direction="LEFT", count=2))
    pair.cmd("BLPOP", "nokey", "0.01")
    pair.cmd("BLMPOP", "0.01", "1", "nokey", "RIGHT")
    pair.check(lambda r: r.exists("dst"))


def test_blocking_commands_with_data_match_redis(pair: Pair) -> None:
    pair.both(lambda r: r.rpush("a", "1", "2", "3"))
    pair.check(lambda r: r.blpop(["nokey", "a"], 0.05))
    pair.check(lambda r: r.brpop(["a", "nokey"], 0))
    pair.check(lambda r: r.brpoplpush("a", "b", 0))
    pair.check(lambda r: r.blmove("b", "a", 0, "RIGHT", "LEFT"))
    pair.check(lambda r: r.blmpop(0, 2, "nokey", "a", direction="RIGHT", count=5))
    pair.check(lambda r: r.lrange("a", 0, -1))
    pair.check(lambda r: r.exists("a", "b"))


def test_blocking_inside_multi_answers_at_once(pair: Pair) -> None:
    def run(r: Any) -> Any:
        pipe = r.pipeline(transaction=True)
        pipe.blpop(["nokey"], 0)
        pipe.brpoplpush("nokey", "dst", 0)
        pipe.blmpop(0, 1, "nokey", direction="LEFT")
        pipe.rpush("full", "x")
        pipe.blpop(["full"], 0)
        return pipe.execute()

    pair.check(run)


# --- sync facade -------------------------------------------------------------------
def test_sync_wakeup_from_another_thread() -> None:
    server = burner.Server()
    waiter = burner.Redis(server=server)
    writer = burner.Redis(server=server)
    got: queue.Queue[Any] = queue.Queue()
    thread = threading.Thread(target=lambda: got.put(waiter.blpop(["k"], 0)))
    thread.start()
    _until(lambda: _waiters(server) == 1)
    writer.rpush("k", "v")
    assert got.get(timeout=5) == (b"k", b"v")
    thread.join(5)
    _no_trace(server)
    assert writer.exists("k") == 0


def test_sync_fifo_among_waiters() -> None:
    server = burner.Server()
    got: queue.Queue[tuple[int, Any]] = queue.Queue()
    threads = []
    for i in range(5):
        client = burner.Redis(server=server, decode_responses=True)

        def run(c: burner.Redis = client, i: int = i) -> None:
            got.put((i, c.blpop(["k"], 0)))

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
        _until(lambda n=i + 1: _waiters(server) == n)  # type: ignore[misc]
    writer = burner.Redis(server=server, decode_responses=True)
    writer.rpush("k", "0", "1", "2")
    writer.rpush("k", "3")
    writer.rpush("k", "4")
    results = dict(got.get(timeout=5) for _ in range(5))
    for thread in threads:
        thread.join(5)
    # First come, first served: the i-th waiter gets the i-th element.
    assert results == {i: ("k", str(i)) for i in range(5)}
    _no_trace(server)


def test_sync_timeout_is_fractional_and_leaves_no_trace() -> None:
    r = burner.Redis()
    start = time.monotonic()
    assert r.blpop(["k"], 0.15) is None
    elapsed = time.monotonic() - start
    assert 0.14 <= elapsed < 1.0
    _no_trace(r.server)
    r.rpush("k", "v")
    assert r.lpop("k") == b"v"


def test_sync_timeout_zero_waits_until_a_push() -> None:
    server = burner.Server()
    got: queue.Queue[Any] = queue.Queue()
    c = burner.Redis(server=server)
    thread = threading.Thread(target=lambda: got.put(c.blmove("src", "dst", 0, "LEFT", "LEFT")))
    thread.start()
    time.sleep(0.3)
    assert got.empty()
    burner.Redis(server=server).rpush("src", "x")
    assert got.get(timeout=5) == b"x"
    thread.join(5)
    assert c.lrange("dst", 0, -1) == [b"x"]


def test_sync_block_uses_no_cpu() -> None:
    r = burner.Redis()
    cpu = time.process_time()
    wall = time.monotonic()
    assert r.blpop(["k"], 2) is None
    assert time.monotonic() - wall >= 1.9
    assert time.process_time() - cpu < 0.2


def test_wrong_type_write_does_not_wake_list_waiter() -> None:
    # Redis keeps a BLPOP client blocked when the key becomes a string.
    server = burner.Server()
    got: queue.Queue[Any] = queue.Queue()
    c = burner.Redis(server=server)
    thread = threading.Thread(target=lambda: got.put(c.blpop(["k"], 0)))
    thread.start()
    _until(lambda: _waiters(server) == 1)
    w = burner.Redis(server=server)
    w.set("k", "string")
    time.sleep(0.1)
    assert got.empty()
    w.delete("k")
    w.lpush("k", "v")
    assert got.get(timeout=5) == (b"k", b"v")
    thread.join(5)


def test_multi_key_waiter_served_by_either_key() -> None:
    server = burner.Server()
    got: queue.Queue[Any] = queue.Queue()
    c = burner.Redis(server=server)
    thread = threading.Thread(target=lambda: got.put(c.blmpop(0, 2, "a", "b", direction="LEFT")))
    thread.start()
    _until(lambda: _waiters(server) == 1)
    burner.Redis(server=server).rpush("b", "1", "2")
    assert got.get(timeout=5) == [b"b", [b"1"]]
    thread.join(5)
    _no_trace(server)


def test_other_database_does_not_wake() -> None:
    server = burner.Server()
    got: queue.Queue[Any] = queue.Queue()
    c = burner.Redis(server=server, db=1)
    thread = threading.Thread(target=lambda: got.put(c.blpop(["k"], 0.5)))
    thread.start()
    _until(lambda: _waiters(server) == 1)
    burner.Redis(server=server, db=0).rpush("k", "v")
    assert got.get(timeout=5) is None
    thread.join(5)
    assert burner.Redis(server=server).llen("k") == 1


# --- async facade ------------------------------------------------------------------
@pytest.mark.anyio
async def test_async_wakeup_and_fifo() -> None:
    server = burner.Server()
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:
        for i in range(4):

            async def run(i: int = i) -> None:
                client = burner.aio.Redis(server=server)
                results[i] = await client.blpop(["k"], 0)

            tg.start_soon(run)
            await _until_async(lambda n=i + 1: _waiters(server) == n)  # type: ignore[misc]
        writer = burner.aio.Redis(server=server)
        await writer.rpush("k", "a", "b")
        await writer.rpush("k", "c")
        await writer.rpush("k", "d")
    assert results == {0: (b"k", b"a"), 1: (b"k", b"b"), 2: (b"k", b"c"), 3: (b"k", b"d")}
    _no_trace(server)


@pytest.mark.anyio
async def test_async_timeout() -> None:
    r = burner.aio.Redis()
    start = time.monotonic()
    assert await r.brpop(["k"], 0.1) is None
    assert await r.blmpop(0.05, 1, "k", direction="LEFT") is None
    assert 0.14 <= time.monotonic() - start < 1.0
    _no_trace(r.server)


@pytest.mark.anyio
async def test_async_cancel_scope_loses_nothing() -> None:
    server = burner.Server()
    r = burner.aio.Redis(server=server)
    with anyio.move_on_after(0.05) as scope:
        await r.blpop(["k"], 0)
    assert scope.cancelled_caught
    _no_trace(server)
    await r.rpush("k", "v")
    assert await r.lrange("k", 0, -1) == [b"v"]


@pytest.mark.anyio
async def test_async_cancel_after_wakeup_passes_element_on() -> None:
    # A waiter signaled after its cancellation passes the element on to the
    # next waiter instead of dropping the wake-up.
    server = burner.Server()
    first = burner.aio.Redis(server=server)
    second = burner.aio.Redis(server=server)
    got: list[Any] = []
    async with anyio.create_task_group() as tg:
        scope = anyio.CancelScope()

        async def cancelled() -> None:
            with scope:
                got.append(("first", await first.blpop(["k"], 0)))

        async def patient() -> None:
            got.append(("second", await second.blpop(["k"], 0)))

        tg.start_soon(cancelled)
        await _until_async(lambda: _waiters(server) == 1)
        tg.start_soon(patient)
        await _until_async(lambda: _waiters(server) == 2)
        # The first waiter is cancelled and, before its task runs again, a
        # push signals it (it is still the head of the queue).
        scope.cancel()
        burner.Redis(server=server).rpush("k", "v")
    assert got == [("second", (b"k", b"v"))]
    _no_trace(server)


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_asyncio_task_cancel_loses_nothing() -> None:
    server = burner.Server()
    r = burner.aio.Redis(server=server)
    task = asyncio.ensure_future(r.blpop(["k"], 0))
    await _until_async(lambda: _waiters(server) == 1)
    burner.Redis(server=server).rpush("k", "v")  # signals the task...
    task.cancel()  # ...which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await task
    _no_trace(server)
    assert await r.lrange("k", 0, -1) == [b"v"]


@pytest.mark.anyio
async def test_thousand_waiters_thousand_pushes() -> None:
    server = burner.Server()
    client = burner.aio.Redis(server=server)
    out: list[Any] = []
    async with anyio.create_task_group() as tg:

        async def wait() -> None:
            reply = await client.blpop(["q"], 0)
            assert reply is not None
            out.append(reply[1])

        for _ in range(1000):
            tg.start_soon(wait)
        await _until_async(lambda: _waiters(server) == 1000)
        for i in range(1000):
            await client.rpush("q", i)
    assert sorted(int(v) for v in out) == list(range(1000))
    assert await client.exists("q") == 0
    _no_trace(server)


@pytest.mark.anyio
async def test_async_waiter_woken_by_sync_writer_in_another_thread() -> None:
    server = burner.Server()
    r = burner.aio.Redis(server=server)

    def push_later() -> None:
        _until(lambda: _waiters(server) == 1)
        burner.Redis(server=server).rpush("k", "v")

    thread = threading.Thread(target=push_later)
    thread.start()
    with anyio.fail_after(5):
        assert await r.brpoplpush("k", "d", 0) == b"v"
    thread.join(5)


@pytest.mark.anyio
async def test_async_block_uses_no_cpu() -> None:
    r = burner.aio.Redis()
    cpu = time.process_time()
    assert await r.blpop(["k"], 2) is None
    assert time.process_time() - cpu < 0.2


def test_waiter_in_one_loop_woken_from_another_loop() -> None:
    # A trio loop in one thread blocks; an asyncio loop in another pushes.
    server = burner.Server()
    got: queue.Queue[Any] = queue.Queue()

    async def wait() -> None:
        got.put(await burner.aio.Redis(server=server).blpop(["k"], 0))

    async def push() -> None:
        await burner.aio.Redis(server=server).rpush("k", "v")

    waiter = threading.Thread(target=lambda: anyio.run(wait, backend="trio"))
    waiter.start()
    _until(lambda: _waiters(server) == 1)
    anyio.run(push, backend="asyncio")
    assert got.get(timeout=5) == (b"k", b"v")
    waiter.join(5)

    # And the other way round, with the writer inside trio.
    waiter = threading.Thread(target=lambda: anyio.run(wait, backend="asyncio"))
    waiter.start()
    _until(lambda: _waiters(server) == 1)
    anyio.run(push, backend="trio")
    assert got.get(timeout=5) == (b"k", b"v")
    waiter.join(5)
    _no_trace(server)


def test_sync_timeout_races_with_pushes() -> None:
    # Many short waits racing with pushes: every element is either popped by
    # a waiter or still in the list; none is lost or duplicated.
    server = burner.Server()
    popped: list[Any] = []
    lock = threading.Lock()

    def consume() -> None:
        c = burner.Redis(server=server)
        for _ in range(40):
            reply = c.blpop(["k"], 0.005)
            if reply is not None:
                with lock:
                    popped.append(reply[1])

    threads = [threading.Thread(target=consume) for _ in range(4)]
    for thread in threads:
        thread.start()
    writer = burner.Redis(server=server)
    for i in range(200):
        writer.rpush("k", i)
        if i % 20 == 0:
            time.sleep(0.005)
    for thread in threads:
        thread.join(10)
    left = writer.lrange("k", 0, -1)
    assert sorted(int(v) for v in popped + left) == list(range(200))
    _no_trace(server)


# --- CLIENT UNBLOCK ------------------------------------------------------------------
def test_client_unblock_errors_match_redis(pair: Pair) -> None:
    for args in (
        ["999999"], ["999999", "TIMEOUT"], ["999999", "error"], ["x"], ["x", "foo"],
        ["1", "foo"], ["1", "timeout", "extra"], [],
    ):
        pair.cmd("CLIENT", "UNBLOCK", *args)
    pair.check(lambda r: r.client_unblock(999999))
    pair.check(lambda r: r.client_unblock(999999, error=True))


@pytest.mark.parametrize("error", [False, True])
def test_client_unblock_sync(error: bool) -> None:
    server = burner.Server()
    blocked = burner.Redis(server=server)
    other = burner.Redis(server=server)
    got: queue.Queue[Any] = queue.Queue()

    def run() -> None:
        try:
            got.put(blocked.blmpop(0, 1, "k", direction="LEFT"))
        except Exception as exc:
            got.put(exc)

    thread = threading.Thread(target=run)
    thread.start()
    _until(lambda: _waiters(server) == 1)
    blocked_id = blocked.client_id()
    assert other.client_unblock(blocked_id, error=error) == 1
    result = got.get(timeout=5)
    thread.join(5)
    if error:
        assert isinstance(result, redis.ResponseError)
        assert str(result) == "UNBLOCKED client unblocked via CLIENT UNBLOCK"
    else:
        assert result is None
    assert other.client_unblock(blocked_id) == 0
    _no_trace(server)
    other.rpush("k", "v")
    assert other.llen("k") == 1


@pytest.mark.anyio
async def test_client_unblock_async() -> None:
    server = burner.Server()
    blocked = burner.aio.Redis(server=server)
    other = burner.aio.Redis(server=server)
    blocked_id = await blocked.client_id()
    got: list[Any] = []
    async with anyio.create_task_group() as tg:

        async def run() -> None:
            got.append(await blocked.brpoplpush("k", "d", 0))

        tg.start_soon(run)
        await _until_async(lambda: _waiters(server) == 1)
        assert await other.client_unblock(blocked_id) == 1
    assert got == [None]
    _no_trace(server)


def test_blocking_command_in_plain_pipeline_waits() -> None:
    # As on a real connection, a plain pipeline waits at a blocking command.
    r = burner.Redis()
    pipe = r.pipeline(transaction=False)
    pipe.rpush("a", "1")
    pipe.blpop(["nokey"], 0.1)
    pipe.blpop(["a"], 0)
    start = time.monotonic()
    assert pipe.execute() == [1, None, (b"a", b"1")]
    assert time.monotonic() - start >= 0.09
    _no_trace(r.server)


def test_waiter_whose_loop_closed_does_not_jam_the_queue() -> None:
    # A task left blocked in an event loop that was then closed (never
    # cancelled) can never take anything: a push must skip it and serve the
    # next waiter.
    server = burner.Server()
    loop = asyncio.new_event_loop()

    async def wait() -> Any:
        return await burner.aio.Redis(server=server).blpop(["k"], 0)

    stuck = loop.create_task(wait())
    loop.run_until_complete(asyncio.sleep(0.05))
    assert _waiters(server) == 1
    loop.close()
    got: queue.Queue[Any] = queue.Queue()
    c = burner.Redis(server=server)
    thread = threading.Thread(target=lambda: got.put(c.blpop(["k"], 0)))
    thread.start()
    _until(lambda: _waiters(server) == 2)
    burner.Redis(server=server).rpush("k", "v")
    assert got.get(timeout=5) == (b"k", b"v")
    thread.join(5)
    _no_trace(server)
    assert not stuck.done()


def test_sync_waiter_woken_by_async_writer_in_another_thread() -> None:
    server = burner.Server()
    got: queue.Queue[Any] = queue.Queue()
    c = burner.Redis(server=server)
    thread = threading.Thread(target=lambda: got.put(c.brpop(["k"], 0)))
    thread.start()
    _until(lambda: _waiters(server) == 1)

    async def push() -> None:
        await burner.aio.Redis(server=server).rpush("k", "v")

    anyio.run(push, backend="trio")
    assert got.get(timeout=5) == (b"k", b"v")
    thread.join(5)
    _no_trace(server)


def test_blocked_client_shows_in_info_and_client_list() -> None:
    server = burner.Server()
    c = burner.Redis(server=server)
    other = burner.Redis(server=server, decode_responses=True)
    assert other.info("clients")["blocked_clients"] == 0
    thread = threading.Thread(target=lambda: c.blpop(["k"], 0))
    thread.start()
    _until(lambda: _waiters(server) == 1)
    assert other.info("clients")["blocked_clients"] == 1
    flags = {entry["id"]: entry["flags"] for entry in other.client_list()}
    assert flags[str(c.client_id())] == "b"
    assert flags[str(other.client_id())] == "N"
    other.rpush("k", "v")
    thread.join(5)
    assert other.info("clients")["blocked_clients"] == 0


def test_mixed_threads_and_loops_share_the_pushes() -> None:
    # Sync waiters in threads, asyncio and trio waiters in loops of their own
    # threads, pushers in three more threads: every element is popped exactly
    # once.
    server = burner.Server()
    popped: queue.Queue[Any] = queue.Queue()

    def sync_consumer() -> None:
        c = burner.Redis(server=server)
        for _ in range(40):
            reply = c.blpop(["a", "b"], 0)
            assert reply is not None
            popped.put(reply[1])

    def async_consumer(backend: str) -> None:
        async def main() -> None:
            c = burner.aio.Redis(server=server)

            async def one() -> None:
                reply = await c.brpop(["b", "a"], 0)
                assert reply is not None
                popped.put(reply[1])

            async with anyio.create_task_group() as tg:
                for _ in range(40):
                    tg.start_soon(one)

        anyio.run(main, backend=backend)

    def pusher(start: int) -> None:
        w = burner.Redis(server=server)
        for i in range(start, 240, 3):
            w.rpush("a" if i % 2 else "b", i)

    threads = [threading.Thread(target=sync_consumer) for _ in range(4)]
    threads += [threading.Thread(target=async_consumer, args=(b,)) for b in ("asyncio", "trio")]
    for thread in threads:
        thread.start()
    _until(lambda: _waiters(server) >= 4)
    pushers = [threading.Thread(target=pusher, args=(k,)) for k in range(3)]
    for thread in pushers:
        thread.start()
    for thread in pushers + threads:
        thread.join(20)
        assert not thread.is_alive()
    values = sorted(int(popped.get_nowait()) for _ in range(popped.qsize()))
    assert values == list(range(240))
    _no_trace(server)


# --- wake-ups compared with the real server ---------------------------------------------
def _settled(server: Server) -> bool:
    with server.lock:
        return not any(
            w.signaled for queue in server.blocking.queues.values() for w in queue
        )


def _wake_scenario(
    make: Callable[[], Any], admin: Any, settle: Callable[[], None] = lambda: None
) -> list[Any]:
    """Blocked clients, in arrival order, then writes that serve them; what each
    got and what is left, as real Redis decides it. (Redis serves blocked
    clients inside the pushing command; burner's woken clients serve
    themselves, so the burner run lets them settle before the next write.)"""
    waits: list[tuple[str, tuple[Any, ...]]] = [
        ("blpop", (["k"], 0)),
        ("brpop", (["k", "other"], 0)),
        ("blmpop", (0, 2, "m", "k", "direction=LEFT")),
        ("blmove", ("k", "dst", 0, "LEFT", "RIGHT")),
        ("blpop", (["k"], 0)),
    ]
    results: dict[int, Any] = {}
    threads = []
    for i, (name, args) in enumerate(waits):
        client = make()

        def run(client: Any = client, name: str = name, args: tuple[Any, ...] = args, i: int = i) -> None:
            if name == "blmpop":
                results[i] = client.blmpop(*args[:-1], direction="LEFT", count=2)
            else:
                results[i] = getattr(client, name)(*args)

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
        _until(lambda n=i + 1: admin.info("clients")["blocked_clients"] == n)  # type: ignore[misc]
    admin.rpush("k", "1", "2", "3")
    settle()
    admin.rpush("k", "4", "5", "6", "7")
    settle()
    for thread in threads:
        thread.join(5)
    return [results, admin.lrange("k", 0, -1), admin.lrange("dst", 0, -1)]


def test_wake_order_matches_redis(pair: Pair) -> None:
    port = pair.real.connection_pool.connection_kwargs["port"]
    want = _wake_scenario(lambda: redis.Redis(port=port, **pair.kwargs), pair.real)
    server = pair.burner.server  # type: ignore[attr-defined]
    got = _wake_scenario(
        lambda: burner.Redis(server=server, **pair.kwargs),
        pair.burner,
        lambda: _until(lambda: _settled(server)),
    )
    assert got == want
