"""The direct paths of the hot commands against the general path, call by call.

``burner.Redis.get`` (and the other hot methods) run through burner/_direct.py;
redis-py's own method, called on the same kind of client
(``redis.Redis.get(client, ...)``), builds the command and goes through
``execute_command``: the general path. Two Servers on one virtual clock get the
same calls, one through each path, and every result must be the same value or
the same exception (class and message): replies, errors, redis-py's own
DataErrors, decoding, RESP2 and RESP3, sync and async. The oracle tests in
test_hot_methods.py compare the direct paths with a real server as well.

Also: a session inside MULTI, and callbacks set by the user (async ones on the
async client), which the direct paths must honour as redis-py does.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import anyio
import pytest
import redis
import redis.asyncio
from hypothesis import given, settings
from hypothesis import strategies as st

import burner
import burner.aio
from burner import Server, VirtualClock

CONFIGS = [(2, False), (2, True), (3, False), (3, True)]

KEYS = st.sampled_from(["k1", "k2", b"k3", "h", "z", "x", "s"])
VALUES = st.one_of(
    st.sampled_from(["v", "1", "10", "-3", "1.5", "", "inf", "nan", "abc"]),
    st.binary(max_size=3),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
)
FIELDS = st.sampled_from(["f1", "f2", b"f3", 7])
SCORES = st.one_of(
    st.integers(-3, 3),
    st.floats(-3, 3, width=16),
    st.sampled_from(["1", "(1", "-inf", "+inf", "x", "nan"]),
)
IDS = st.sampled_from(["*", "0-1", "5-0", "5-*", "bad", "9999999999999-0", "0"])

# One call: method name, positional arguments, keyword arguments.
Call = tuple[str, tuple[Any, ...], dict[str, Any]]

CALLS: st.SearchStrategy[Call] = st.one_of(
    st.tuples(st.just("get"), st.tuples(KEYS), st.just({})),
    st.tuples(
        st.just("set"),
        st.tuples(KEYS, VALUES),
        st.fixed_dictionaries(
            {},
            optional={
                "ex": st.one_of(st.integers(-1, 100), st.just(datetime.timedelta(seconds=5))),
                "nx": st.booleans(),
                "xx": st.booleans(),
                "get": st.booleans(),
                "keepttl": st.booleans(),
            },
        ),
    ),
    st.tuples(st.just("mget"), st.tuples(st.lists(KEYS, max_size=4)), st.just({})),
    st.tuples(st.just("incr"), st.tuples(KEYS), st.just({})),
    st.tuples(st.just("incrby"), st.tuples(KEYS, st.integers(-3, 3)), st.just({})),
    st.tuples(
        st.just("expire"),
        st.tuples(KEYS, st.integers(-1, 50)),
        st.fixed_dictionaries({}, optional={"nx": st.booleans(), "gt": st.booleans()}),
    ),
    st.tuples(st.just("delete"), st.lists(KEYS, max_size=3).map(tuple), st.just({})),
    st.tuples(st.just("exists"), st.lists(KEYS, max_size=3).map(tuple), st.just({})),
    st.tuples(st.just("hget"), st.tuples(KEYS, FIELDS), st.just({})),
    st.tuples(st.just("hset"), st.tuples(KEYS, FIELDS, VALUES), st.just({})),
    st.tuples(
        st.just("hset"),
        st.tuples(KEYS),
        st.fixed_dictionaries({"mapping": st.dictionaries(FIELDS, VALUES, max_size=3)}),
    ),
    st.tuples(st.just("hgetall"), st.tuples(KEYS), st.just({})),
    st.tuples(st.just("sadd"), st.tuples(KEYS).flatmap(
        lambda k: st.lists(VALUES, max_size=3).map(lambda vs: (*k, *vs))
    ), st.just({})),
    st.tuples(st.just("sismember"), st.tuples(KEYS, VALUES), st.just({})),
    st.tuples(
        st.just("zadd"),
        st.tuples(KEYS, st.dictionaries(FIELDS, SCORES, max_size=3)),
        st.fixed_dictionaries({}, optional={"nx": st.booleans(), "ch": st.booleans()}),
    ),
    st.tuples(
        st.just("zrangebyscore"),
        st.tuples(KEYS, SCORES, SCORES),
        st.fixed_dictionaries(
            {},
            optional={
                "start": st.integers(-1, 3),
                "num": st.integers(-1, 3),
                "withscores": st.booleans(),
            },
        ),
    ),
    st.tuples(st.just("zrem"), st.tuples(KEYS, FIELDS), st.just({})),
    st.tuples(
        st.just("xadd"),
        st.tuples(KEYS, st.dictionaries(FIELDS, VALUES, max_size=2), IDS),
        st.fixed_dictionaries({}, optional={"maxlen": st.integers(0, 3)}),
    ),
    st.tuples(
        st.just("xreadgroup"),
        st.tuples(st.sampled_from(["g", "nog"]), st.just("c"), st.fixed_dictionaries(
            {}, optional={"x": st.sampled_from([">", "0"]), "k1": st.just(">")}
        )),
        st.fixed_dictionaries({}, optional={"count": st.integers(-1, 3), "noack": st.booleans()}),
    ),
    st.tuples(st.just("xack"), st.tuples(KEYS, st.just("g"), IDS), st.just({})),
    st.tuples(st.just("lrange"), st.tuples(KEYS, st.integers(-3, 3), st.integers(-3, 3)), st.just({})),
    st.tuples(
        st.sampled_from(["lpush", "rpush", "srem", "hdel"]),
        st.tuples(KEYS).flatmap(lambda k: st.lists(VALUES, max_size=3).map(lambda vs: (*k, *vs))),
        st.just({}),
    ),
    st.tuples(
        st.sampled_from(["lpop", "rpop"]),
        st.tuples(KEYS),
        st.fixed_dictionaries({}, optional={"count": st.integers(-1, 3)}),
    ),
    st.tuples(
        st.sampled_from(["llen", "zcard", "scard", "smembers", "hlen", "ttl", "pttl", "xlen"]),
        st.tuples(KEYS),
        st.just({}),
    ),
    st.tuples(st.sampled_from(["zscore", "hexists"]), st.tuples(KEYS, FIELDS), st.just({})),
    st.tuples(st.just("hincrby"), st.tuples(KEYS, FIELDS, st.integers(-3, 3)), st.just({})),
    st.tuples(st.just("evalsha"), st.tuples(
        st.sampled_from(["script", "0" * 40]), st.integers(0, 2), KEYS, VALUES
    ), st.just({})),
)

SCRIPT = "redis.call('INCR', KEYS[1]) return {KEYS[1], ARGV[1], redis.call('GET', KEYS[1])}"

# The same keyspace on both Servers before the calls, so that reads find
# values of every type (and WRONGTYPE comes up) from the first call.
SEED: list[tuple[Any, ...]] = [
    ("SET", "k1", "5"),
    ("RPUSH", "k2", "a", "b", "c", "d"),
    ("HSET", "h", "f1", "1", "f2", "x", "f3", "2.5"),
    ("ZADD", "z", "1", "f1", "2", "f2", "2.5", "f3", "-1", "7"),
    ("SADD", "s", "v", "1", "abc"),
    ("XADD", "x", "1-1", "f", "v"),
    ("XADD", "x", "2-1", "g", "w"),
    ("EXPIRE", "h", "1000"),
]


def _comparable(value: Any) -> Any:
    """Exceptions inside replies (EXEC's) as (class, message): instances
    compare by identity."""
    if isinstance(value, Exception):
        return (type(value).__name__, str(value))
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return value


def _outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    try:
        return ("value", _comparable(fn(*args, **kwargs)))
    except Exception as exc:
        return ("error", (type(exc).__name__, str(exc)))


def _resolve(args: tuple[Any, ...], sha: str) -> tuple[Any, ...]:
    return tuple(sha if a == "script" else a for a in args)


def _clients(protocol: int, decode: bool) -> tuple[burner.Redis, burner.Redis, str]:
    clock = VirtualClock(1_700_000_000.0)
    direct = burner.Redis(server=Server(clock=clock), protocol=protocol, decode_responses=decode)
    general = burner.Redis(server=Server(clock=clock), protocol=protocol, decode_responses=decode)
    sha = ""
    for r in (direct, general):
        for command in SEED:
            r.execute_command(*command)
        r.xgroup_create("x", "g", "0", mkstream=True)
        sha = r.script_load(SCRIPT)
    return direct, general, sha


@pytest.mark.parametrize(("protocol", "decode"), CONFIGS)
@settings(max_examples=60, deadline=None)
@given(calls=st.lists(CALLS, min_size=1, max_size=25))
def test_sync_direct_and_general_paths_agree(
    protocol: int, decode: bool, calls: list[Call]
) -> None:
    direct, general, sha = _clients(protocol, decode)
    for name, args, kwargs in calls:
        args = _resolve(args, sha)
        got = _outcome(getattr(direct, name), *args, **kwargs)
        want = _outcome(getattr(redis.Redis, name), general, *args, **kwargs)
        assert got == want, (name, args, kwargs)


async def _async_outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, Any]:
    try:
        return ("value", _comparable(await fn(*args, **kwargs)))
    except Exception as exc:
        return ("error", (type(exc).__name__, str(exc)))


async def _run_async(protocol: int, decode: bool, calls: list[Call]) -> None:
    clock = VirtualClock(1_700_000_000.0)
    direct = burner.aio.Redis(server=Server(clock=clock), protocol=protocol, decode_responses=decode)
    general = burner.aio.Redis(
        server=Server(clock=clock), protocol=protocol, decode_responses=decode
    )
    sha = ""
    for r in (direct, general):
        for command in SEED:
            await r.execute_command(*command)
        await r.xgroup_create("x", "g", "0", mkstream=True)
        sha = await r.script_load(SCRIPT)
    for name, args, kwargs in calls:
        args = _resolve(args, sha)
        got = await _async_outcome(getattr(direct, name), *args, **kwargs)
        want = await _async_outcome(getattr(redis.asyncio.Redis, name), general, *args, **kwargs)
        assert got == want, (name, args, kwargs)


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@pytest.mark.parametrize(("protocol", "decode"), [(2, False), (3, True)])
@settings(max_examples=25, deadline=None)
@given(calls=st.lists(CALLS, min_size=1, max_size=25))
def test_async_direct_and_general_paths_agree(
    backend: str, protocol: int, decode: bool, calls: list[Call]
) -> None:
    """``burner.aio.Redis``'s overrides against redis-py's asyncio methods on
    the same kind of client, under asyncio and trio."""
    anyio.run(_run_async, protocol, decode, calls, backend=backend)


# --- MULTI and callbacks ------------------------------------------------------------------
@pytest.mark.parametrize(("protocol", "decode"), CONFIGS)
def test_direct_paths_inside_multi_queue_like_the_general_path(
    protocol: int, decode: bool
) -> None:
    direct, general, _ = _clients(protocol, decode)
    results = []
    for r, use_direct in ((direct, True), (general, False)):
        r.execute_command("MULTI")
        out = []
        for name, args in (("set", ("k1", "v")), ("get", ("k1",)), ("incr", ("k1",)),
                           ("hset", ("h", "f", "v")), ("exists", ("k1", "h"))):
            method = getattr(r, name) if use_direct else getattr(redis.Redis, name).__get__(r)
            out.append(_outcome(method, *args))
        out.append(_outcome(r.execute_command, "EXEC"))
        results.append(out)
    assert results[0] == results[1]
    queued = b"QUEUED" if not decode else "QUEUED"
    assert results[0][1] == ("value", queued)
    exec_reply = results[0][-1][1]
    assert exec_reply[2] == ("ResponseError", "value is not an integer or out of range")


def test_direct_paths_use_callbacks_set_by_the_user() -> None:
    r = burner.Redis(protocol=2)
    r.set("k", "v")
    r.set_response_callback("GET", lambda response, **options: ("wrapped", response))
    wrapped: Any = r.get("k")
    assert wrapped == ("wrapped", b"v")
    r.set_response_callback("SET", lambda response, **options: "set!")
    assert r.set("k", "w") == "set!"
    r.set_response_callback("HGETALL", lambda response, **options: len(response))
    r.hset("h", mapping={"a": 1, "b": 2})
    counted: Any = r.hgetall("h")
    assert counted == 4  # RESP2 flat list before the callback
    general: Any = redis.Redis.hgetall(r, "h")
    assert general == 4


@pytest.mark.anyio
async def test_async_direct_paths_await_async_callbacks() -> None:
    r = burner.aio.Redis(decode_responses=True)
    await r.set("k", "v")

    async def later(response: Any, **options: Any) -> str:
        return f"later:{response}"

    r.set_response_callback("GET", later)
    assert await r.get("k") == "later:v"
    r.set_response_callback("EXISTS", lambda response, **options: ("n", response))
    tagged: Any = await r.exists("k", "nope")
    assert tagged == ("n", 1)


def test_direct_paths_wait_for_the_sweep_like_the_general_path() -> None:
    """An expired key is gone for the direct paths too, and the active sweep
    runs from them (the 'expired' event arrives without reading the key)."""
    clock = VirtualClock(1_700_000_000.0)
    r = burner.Redis(server=Server(clock=clock))
    r.config_set("notify-keyspace-events", "Ex")
    p = r.pubsub()
    p.subscribe("__keyevent@0__:expired")
    assert p.get_message(timeout=0) is not None
    r.set("gone", "v", ex=1)
    clock.advance(2)
    assert r.exists("other") == 0  # a direct path; runs the due sweep
    message = p.get_message(timeout=0)
    assert message is not None and message["data"] == b"gone"
    assert r.get("gone") is None
    p.close()


def test_the_sweep_rearms_after_every_deadline_is_gone() -> None:
    """With no deadline left the sweep stops reading the clock; a new
    deadline must bring it back, on the direct and on the general path."""
    from burner._core.db import NEVER

    clock = VirtualClock(1_700_000_000.0)
    server = Server(clock=clock)
    r = burner.Redis(server=server)
    r.config_set("notify-keyspace-events", "Ex")
    p = r.pubsub()
    p.subscribe("__keyevent@0__:expired")
    assert p.get_message(timeout=0) is not None
    touches: list[Callable[[], Any]] = [
        lambda: r.exists("other"),
        lambda: r.execute_command("DBSIZE"),
        lambda: r.get("x"),
    ]
    for round_, touch in enumerate(touches):
        key = f"gone{round_}"
        r.set(key, "v", ex=1)
        assert server.next_sweep_ms != NEVER
        clock.advance(2)
        touch()  # any command runs the due sweep
        message = p.get_message(timeout=0)
        assert message is not None and message["data"] == key.encode()
        touch()
        assert server.next_sweep_ms == NEVER  # nothing left to sweep
    p.close()
