"""Random pipelines against the real server: what is queued, how, and edits.

A pipeline encodes a plain SET or GET of str or bytes as it is queued and the
rest when it executes (burner/sync/pipeline.py, ``Queue``). These tests queue
random mixes on a burner pipeline and on a real redis-py pipeline talking to
redis-server: plain and optioned SETs, GETs, other commands, arguments of
every type redis-py takes or refuses (a str with a lone surrogate, bool,
None, bytearray...), unknown commands and wrong arities; some runs also edit
``command_stack`` by hand before ``execute``. The outcome (results or the
exception, class and message) and the keyspace left behind must be the same,
for transactions and plain pipelines, both ``raise_on_error`` settings, RESP2
and RESP3, bytes and decoded replies; and on the async pipeline under asyncio
and trio.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import anyio
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import burner
import burner.aio
from tests.oracle import RedisServerProcess

KEYS: list[Any] = ["k1", b"k2", "k\u00e9"]
KEY = st.sampled_from(KEYS)
VALUE = st.one_of(
    st.sampled_from(["v", "1", "", "caf\u00e9", "\ud800", b"\xff", b"2"]),
    st.binary(max_size=3),
    st.integers(-3, 3),
    st.floats(-2, 2, width=16),
    st.booleans(),
    st.none(),
    st.binary(max_size=2).map(bytearray),
)
RAW = st.sampled_from(
    [
        ("SET", "k1"),
        ("NOSUCH", "x"),
        ("CLIENT", "NOPE"),
        ("LPUSH", "k1", "x"),
        ("STRLEN", b"k2"),
        ("APPEND", "k\u00e9", "+"),
    ]
)

# One step: what to do to the pipeline (queue a call, or edit its stack).
Step = tuple[Any, ...]
STEPS: st.SearchStrategy[Step] = st.one_of(
    st.tuples(st.just("set"), KEY, VALUE),
    st.tuples(st.just("set"), st.just("\ud800"), st.just("v")),
    st.tuples(st.just("set_ex"), KEY, VALUE),
    st.tuples(st.just("get"), KEY),
    st.tuples(st.just("get"), st.just("\ud800")),
    st.tuples(st.just("incr"), KEY),
    st.tuples(st.just("hset"), KEY, VALUE),
    st.tuples(st.just("raw"), RAW),
    st.tuples(st.just("pop")),
    st.tuples(st.just("replace")),
    st.tuples(st.just("insert")),
)


def _queue(pipe: Any, step: Step) -> None:
    kind = step[0]
    stack = pipe.command_stack
    if kind == "set":
        pipe.set(step[1], step[2])
    elif kind == "set_ex":
        pipe.set(step[1], step[2], ex=100)
    elif kind == "get":
        pipe.get(step[1])
    elif kind == "incr":
        pipe.incr(step[1])
    elif kind == "hset":
        pipe.hset(step[1], "f", step[2])
    elif kind == "raw":
        pipe.execute_command(*step[1])
    elif kind == "pop":
        if stack:
            stack.pop()
    elif kind == "replace":
        if stack:
            stack[0] = (("SET", "k1", "replaced"), {})
    elif kind == "insert":
        stack.insert(0, (("SET", b"k2", "inserted"), {}))


def _outcome(fn: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return ("value", _plain(fn()))
    except Exception as exc:
        return ("error", (type(exc).__name__, str(exc)))


def _plain(value: Any) -> Any:
    if isinstance(value, Exception):
        return (type(value).__name__, str(value))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _keyspace(client: redis.Redis) -> list[Any]:
    seen: list[Any] = []
    for key in KEYS:
        kind = client.type(key)
        if kind in (b"string", "string"):
            seen.append((key, _outcome(partial(client.get, key))))  # (may not decode)
        elif kind in (b"hash", "hash"):
            seen.append((key, _outcome(partial(client.hgetall, key))))
        else:
            seen.append((key, kind, client.exists(key)))
    return seen


# Commands given a callback of the test's own (with ``callbacks``): it notes
# each call, so the order of calls, their options, and calls that must not
# happen (a transaction raising its first error runs none) are compared too.
LOGGED = ("SET", "GET", "INCR", "LPUSH")


def _logging_callbacks(
    client: Any, log: list[Any], awaited: list[Any] | None = None
) -> None:
    """With ``awaited``, the callbacks return awaitables, which note in it
    that they were awaited (redis-py awaits each one as it goes; burner
    awaits them after the loop, also when the loop raised)."""
    for name in LOGGED:

        def callback(response: Any, name: str = name, **options: Any) -> Any:
            log.append((name, _plain(response), sorted(options)))
            result = (name, response)
            if awaited is None:
                return result
            done = awaited

            async def later() -> Any:
                done.append(repr((name, response)))
                return result

            return later()

        client.set_response_callback(name, callback)


def _sync_run(
    client: redis.Redis,
    steps: list[Step],
    transaction: bool,
    raise_on_error: bool,
    callbacks: bool = False,
) -> Any:
    log: list[Any] = []
    if callbacks:
        _logging_callbacks(client, log)
    try:
        pipe = client.pipeline(transaction=transaction)
        for step in steps:
            _queue(pipe, step)
        return _outcome(lambda: pipe.execute(raise_on_error=raise_on_error)), log
    finally:
        if callbacks:
            for name in LOGGED:
                client.response_callbacks.pop(name, None)


CONFIGS = [
    pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
    pytest.param({"protocol": 3, "decode_responses": True}, id="resp3-str"),
    pytest.param({"protocol": 2, "decode_responses": True}, id="resp2-str"),
    # (not utf-8: nothing is encoded while queuing, all of it at execute)
    pytest.param(
        {"protocol": 2, "decode_responses": True, "encoding": "latin-1"}, id="resp2-latin1"
    ),
]


@pytest.fixture(params=CONFIGS)
def clients(
    request: pytest.FixtureRequest, redis_server: RedisServerProcess
) -> Iterator[tuple[redis.Redis, redis.Redis, dict[str, Any]]]:
    kwargs: dict[str, Any] = dict(request.param)
    real = redis_server.client(**kwargs)
    fake = burner.Redis(**kwargs)
    try:
        yield fake, real, kwargs
    finally:
        real.flushall()
        real.close()
        fake.close()


def _fresh(*clients: redis.Redis) -> None:
    for client in clients:
        client.flushall()
        client.set("k1", "0")


def _examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        database=None,
    )


# What a test is given: the steps, and how the pipeline is run.
PIPELINES = given(
    steps=st.lists(STEPS, max_size=12),
    transaction=st.booleans(),
    raise_on_error=st.booleans(),
    callbacks=st.booleans(),
)


@_examples(150)
@PIPELINES
def test_pipelines_match_redis(
    clients: tuple[redis.Redis, redis.Redis, dict[str, Any]],
    steps: list[Step],
    transaction: bool,
    raise_on_error: bool,
    callbacks: bool,
) -> None:
    fake, real, _ = clients
    _fresh(fake, real)
    got = _sync_run(fake, steps, transaction, raise_on_error, callbacks)
    want = _sync_run(real, steps, transaction, raise_on_error, callbacks)
    assert got == want, steps
    assert _keyspace(fake) == _keyspace(real), steps


FIXED: list[list[Step]] = [
    # An item of EXEC's reply that does not decode: redis-py decodes the whole
    # reply first, so no callback runs (not even SET's, before it).
    [("set", "k1", b"\x80"), ("get", "k1")],
    [("get", "k1"), ("set", "k1", b"\xff"), ("incr", "k1"), ("get", "k1")],
]


@pytest.mark.parametrize("transaction", [True, False])
@pytest.mark.parametrize("steps", FIXED)
def test_fixed_pipelines_match_redis(
    clients: tuple[redis.Redis, redis.Redis, dict[str, Any]],
    steps: list[Step],
    transaction: bool,
) -> None:
    fake, real, _ = clients
    _fresh(fake, real)
    for raise_on_error in (True, False):
        got = _sync_run(fake, steps, transaction, raise_on_error, callbacks=True)
        want = _sync_run(real, steps, transaction, raise_on_error, callbacks=True)
        assert got == want
        assert _keyspace(fake) == _keyspace(real)


async def _async_pipeline(
    client: Any, steps: list[Step], transaction: bool, raise_on_error: bool, callbacks: bool
) -> tuple[tuple[str, Any], list[Any]]:
    await client.flushall()
    await client.set("k1", "0")
    log: list[Any] = []
    awaited: list[Any] = []
    if callbacks:
        _logging_callbacks(client, log, awaited)
    pipe = client.pipeline(transaction=transaction)
    for step in steps:
        _queue(pipe, step)
    try:
        outcome: tuple[str, Any] = ("value", _plain(await pipe.execute(raise_on_error)))
    except Exception as exc:
        outcome = ("error", (type(exc).__name__, str(exc)))
    return outcome, [log, sorted(awaited)]


async def _burner_async(
    kwargs: dict[str, Any],
    steps: list[Step],
    transaction: bool,
    raise_on_error: bool,
    callbacks: bool,
) -> tuple[tuple[tuple[str, Any], list[Any]], list[Any]]:
    client = burner.aio.Redis(**kwargs)
    try:
        outcome = await _async_pipeline(client, steps, transaction, raise_on_error, callbacks)
        return outcome, _keyspace(burner.Redis(server=client.server, **kwargs))
    finally:
        await client.aclose()


async def _real_async(
    server: RedisServerProcess,
    kwargs: dict[str, Any],
    steps: list[Step],
    transaction: bool,
    raise_on_error: bool,
    callbacks: bool,
) -> tuple[tuple[str, Any], list[Any]]:
    client = server.async_client(**kwargs)
    try:
        return await _async_pipeline(client, steps, transaction, raise_on_error, callbacks)
    finally:
        await client.aclose()


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@_examples(60)
@PIPELINES
def test_async_pipelines_match_redis(
    clients: tuple[redis.Redis, redis.Redis, dict[str, Any]],
    redis_server: RedisServerProcess,
    backend: str,
    steps: list[Step],
    transaction: bool,
    raise_on_error: bool,
    callbacks: bool,
) -> None:
    """The async pipeline, under asyncio and trio, against redis-py's asyncio
    pipeline on the real server (whose error annotations differ from the sync
    one's): the same outcome and keyspace. The callbacks return awaitables,
    which both must await."""
    _, real, kwargs = clients
    args = (steps, transaction, raise_on_error, callbacks)
    want = anyio.run(_real_async, redis_server, kwargs, *args)
    got, keyspace = anyio.run(_burner_async, kwargs, *args, backend=backend)
    assert got == want, steps
    assert keyspace == _keyspace(real), steps


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize("transaction", [True, False])
@pytest.mark.parametrize("steps", FIXED)
def test_fixed_async_pipelines_match_redis(
    clients: tuple[redis.Redis, redis.Redis, dict[str, Any]],
    redis_server: RedisServerProcess,
    backend: str,
    steps: list[Step],
    transaction: bool,
) -> None:
    """The fixed cases on the async pipeline, awaitable callbacks included:
    those made before an item fails to decode are awaited, as redis-py
    awaits each one as it goes."""
    _, real, kwargs = clients
    for raise_on_error in (True, False):
        args = (steps, transaction, raise_on_error, True)
        want = anyio.run(_real_async, redis_server, kwargs, *args)
        got, keyspace = anyio.run(_burner_async, kwargs, *args, backend=backend)
        assert got == want
        assert keyspace == _keyspace(real)
