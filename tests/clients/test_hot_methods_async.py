"""The hot redis-py methods on ``burner.aio.Redis``, under asyncio and trio.

Each scenario is a table of (method, args, kwargs) calls run in order on a
``burner.aio.Redis`` and on a *sync* redis-py client of the oracle server built
with the same keywords (redis.asyncio cannot run under trio; redis-py's sync
and asyncio clients shape replies alike). Every call must give the same value
or the same exception class and message, for RESP2/RESP3 x decode_responses.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis

import burner.aio
from tests.clients.test_hot_methods import stream_id_shape, ttl_bucket
from tests.oracle import Outcome, RedisServerProcess

pytestmark = pytest.mark.anyio

Normalizer = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Step:
    """One method call: ``getattr(client, name)(*args, **kwargs)``."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    normalize: Normalizer = _identity


def m(name: str, *args: Any, **kwargs: Any) -> Step:
    return Step(name, args, kwargs)


def m_ttl(key: Any) -> Step:
    return Step("ttl", (key,), {}, ttl_bucket)


def sha(script: str) -> str:
    return hashlib.sha1(script.encode()).hexdigest()


ECHO = "return {KEYS[1], ARGV[1], #KEYS, #ARGV}"
INCR = "return redis.call('INCR', KEYS[1])"
ERROR = "return redis.error_reply('MYERR custom failure')"
RAISE = "error('boom')"
TYPES = "return {1, 2.9, 'x', false, true, {7}}"
STATUS = "return redis.status_reply('FINE')"

# Absolute deadlines far enough ahead that a long test session cannot reach them.
_NOW = time.time()
LATER_S = int(_NOW) + 1_000_000
LATER_DT = datetime.datetime.fromtimestamp(_NOW + 1_000_000, tz=datetime.timezone.utc)

SCENARIOS: dict[str, list[Step]] = {
    "get_set": [
        m("get", "k"),
        m("set", "k", "v"),
        m("get", "k"),
        m("set", "k", "w", nx=True),
        m("set", "k", "w", xx=True),
        m("set", "k2", "w", xx=True),
        m("set", "k", "x", get=True),
        m("set", "fresh", "x", get=True),
        m("set", "k", "y", nx=True, get=True),
        m("set", "k", "z", nx=True, xx=True),
        m("set", 1, 2.5),
        m("get", 1),
        m("set", b"\x00bin", memoryview(b"mv")),
        m("get", b"\x00bin"),
        m("set", "k", True),
        m("get", None),
        m("hset", "h", "f", "v"),
        m("get", "h"),
        m("set", "h", "v", get=True),
        m("set", "h", "v", xx=True),
        m("get", "h"),
    ],
    "set_expiry": [
        m("set", "ex", "v", ex=100),
        m_ttl("ex"),
        m("set", "td", "v", ex=datetime.timedelta(seconds=100)),
        m_ttl("td"),
        m("set", "px", "v", px=100_000),
        m_ttl("px"),
        m("set", "pxtd", "v", px=datetime.timedelta(seconds=100)),
        m_ttl("pxtd"),
        m("set", "exat", "v", exat=LATER_S),
        m_ttl("exat"),
        m("set", "exat-dt", "v", exat=LATER_DT),
        m_ttl("exat-dt"),
        m("set", "pxat", "v", pxat=LATER_S * 1000),
        m_ttl("pxat"),
        m("set", "pxat-dt", "v", pxat=LATER_DT),
        m_ttl("pxat-dt"),
        m("set", "ex", "w", keepttl=True),
        m_ttl("ex"),
        m("set", "ex", "w"),
        m_ttl("ex"),
        m("set", "ex", "v", ex=0),
        m("set", "ex", "v", ex=-1),
        m("set", "ex", "v", px=0),
        m("set", "ex", "v", exat=0),
        m("set", "ex", "v", ex=2**63),
        m("set", "ex", "v", ex="abc"),
        m("set", "ex", "v", ex=1, px=1),
        m("set", "ex", "v", ex=1, keepttl=True),
        m("get", "ex"),
        m_ttl("ex"),
    ],
    "mget": [
        m("mget", "a"),
        m("mget", []),
        m("set", "a", "1"),
        m("set", "b", b"\xff"),
        m("sadd", "s", "m"),
        m("mget", "a", "b", "c", "s"),
        m("mget", ["a", "b"]),
        m("mget", ["a"], "b", "a"),
        m("mget", ("a", "missing")),
    ],
    "incr": [
        m("incr", "n"),
        m("incr", "n", 10),
        m("incr", "n", amount=-3),
        m("incrby", "n"),
        m("incrby", "n", 100),
        m("incrby", "n", "5"),
        m("incrby", "n", 1.5),
        m("incrby", "n", 2**63),
        m("set", "max", 2**63 - 1),
        m("incr", "max"),
        m("set", "s", "abc"),
        m("incr", "s"),
        m("set", "f", "1.5"),
        m("incrby", "f", 1),
        m("hset", "h", "f", "1"),
        m("incr", "h"),
        m("get", "n"),
    ],
    "hashes": [
        m("hset", "h", "a", "1"),
        m("hset", "h", key="b", value=2),
        m("hset", "h", mapping={"c": 3.5, b"\xff": b"\x00"}),
        m("hset", "h", items=["d", "4", "e", "5"]),
        m("hset", "h", "a", "x", mapping={"f": "6"}, items=["g", "7"]),
        m("hset", "h"),
        m("hset", "h", mapping={}),
        m("hset", "h", items=["odd"]),
        m("hget", "h", "a"),
        m("hget", "h", "nope"),
        m("hget", "nope", "a"),
        m("hget", "h", b"\xff"),
        m("hgetall", "h"),
        m("hgetall", "nope"),
        m("set", "s", "v"),
        m("hset", "s", "f", "v"),
        m("hget", "s", "f"),
        m("hgetall", "s"),
    ],
    "sets": [
        m("sadd", "s", "a", "b", "a"),
        m("sadd", "s", 1, 2.5, b"\xff"),
        m("sadd", "s"),
        m("sismember", "s", "a"),
        m("sismember", "s", "z"),
        m("sismember", "s", "1"),
        m("sismember", "nope", "a"),
        m("set", "str", "v"),
        m("sadd", "str", "a"),
        m("sismember", "str", "a"),
    ],
    "zsets": [
        m("zadd", "z", {"a": 1, "b": 2, "c": 3}),
        m("zadd", "z", {"a": 10, "d": 4}, ch=True),
        m("zadd", "z", {"a": 20, "e": 5}, nx=True),
        m("zadd", "z", {"a": 30, "f": 6}, xx=True),
        m("zadd", "z", {"a": 5}, gt=True, ch=True),
        m("zadd", "z", {"a": 5}, lt=True, ch=True),
        m("zadd", "z", {"a": 1.5}, incr=True),
        m("zadd", "z", {"x": 1}, incr=True, xx=True),
        m("zadd", "z", {"a": 1}, incr=True, nx=True),
        m("zadd", "z", {"inf": "inf"}),
        m("zadd", "z", {"inf": "-inf"}, incr=True),
        m("zadd", "z", {}),
        m("zadd", "z", {"a": 1}, nx=True, xx=True),
        m("zadd", "z", {"a": 1}, gt=True, lt=True),
        m("zadd", "z", {"a": 1}, nx=True, gt=True),
        m("zadd", "z", {"a": 1, "b": 2}, incr=True),
        m("zadd", "z", {"a": "nan"}),
        m("zadd", "z", {"a": float("nan")}),
        m("zadd", "z", {"a": "abc"}),
        m("zrangebyscore", "z", "-inf", "+inf"),
        m("zrangebyscore", "z", "-inf", "+inf", withscores=True),
        m("zrangebyscore", "z", "(1", 5),
        m("zrangebyscore", "z", 1, "(5", withscores=True, score_cast_func=str),
        m("zrangebyscore", "z", "-inf", "inf", start=1, num=2),
        m("zrangebyscore", "z", "-inf", "inf", start=1, num=2, withscores=True),
        m("zrangebyscore", "z", "-inf", "inf", start=1),
        m("zrangebyscore", "z", "abc", 1),
        m("zrangebyscore", "nope", "-inf", "+inf"),
        m("zrem", "z", "a", "b", "missing"),
        m("zrem", "z", "a"),
        m("zrem", "nope", "a"),
        m("zrem", "z"),
        m("zrangebyscore", "z", "-inf", "+inf", withscores=True),
        m("set", "str", "v"),
        m("zadd", "str", {"a": 1}),
        m("zrangebyscore", "str", 0, 1),
        m("zrem", "str", "a"),
    ],
    "xadd": [
        m("xadd", "x", {"f": "v"}, id="1-1"),
        m("xadd", "x", {"f": "v"}, id="1-1"),
        m("xadd", "x", {"f": "v"}, id="1-*"),
        m("xadd", "x", {"f": "v", "g": 2}, id=b"2"),
        m("xadd", "x", {"f": "v"}, id="0-0"),
        m("xadd", "y", {"f": "v"}, id="0-0"),
        m("xadd", "x", {"f": "v"}, id="abc"),
        m("xadd", "x", {}, id="5-0"),
        m("xadd", "x", {"n": 3}, id="3-0", maxlen=2, approximate=False),
        m("xadd", "x", {"n": 4}, id="4-0", maxlen=2),
        m("xadd", "x", {"n": 5}, id="5-0", minid="4", approximate=False),
        m("xadd", "x", {"n": 6}, id="6-0", maxlen=1, limit=10),
        m("xadd", "x", {"n": 7}, id="7-0", maxlen=1, approximate=False, limit=10),
        m("xadd", "x", {"n": 8}, id="8-0", limit=10),
        m("xadd", "x", {"n": 9}, id="9-0", maxlen=1, minid="1"),
        m("xadd", "x", {"n": 9}, id="9-0", maxlen=-1),
        m("xlen", "x"),
        m("xadd", "gone", {"f": "v"}, id="1-0", nomkstream=True),
        m("exists", "gone"),
        Step("xadd", ("auto", {"f": "v"}), {}, stream_id_shape),
        Step("xadd", ("auto", {"f": "v"}), {"maxlen": 1, "approximate": False}, stream_id_shape),
        m("xlen", "auto"),
        m("set", "str", "v"),
        m("xadd", "str", {"f": "v"}, id="1-0"),
    ],
    "xreadgroup_xack": [
        m("xreadgroup", "g", "c", {"x": ">"}),
        m("xadd", "x", {"a": "1"}, id="1-0"),
        m("xreadgroup", "g", "c", {"x": ">"}),
        m("xgroup_create", "x", "g", id="0"),
        m("xadd", "x", {"b": "2"}, id="2-0"),
        m("xadd", "x", {"c": "3"}, id="3-0"),
        m("xreadgroup", "g", "c", {"x": ">"}, count=1),
        m("xreadgroup", "g", "c", {"x": ">"}),
        m("xreadgroup", "g", "c", {"x": ">"}),
        m("xreadgroup", "g", "c", {"x": "0"}),
        m("xack", "x", "g", "1-0", "2-0", "9-0"),
        m("xack", "x", "g", "1-0"),
        m("xack", "x", "nogroup", "3-0"),
        m("xack", "x", "g", "abc"),
        m("xack", "missing", "g", "3-0"),
        m("xreadgroup", "g", "c", {"x": "0"}),
        m("xadd", "x", {"d": "4"}, id="4-0"),
        m("xreadgroup", "g", "c2", {"x": ">"}, noack=True),
        m("xreadgroup", "g", "c2", {"x": "0"}),
        m("xreadgroup", "nogroup", "c", {"x": ">"}),
        m("xreadgroup", "g", "c", {"missing": ">"}),
        m("xreadgroup", "g", "c", {"x": "abc"}),
        m("xreadgroup", "g", "c", {"x": ">"}, count=0),
        m("xreadgroup", "g", "c", {}),
        m("set", "str", "v"),
        m("xreadgroup", "g", "c", {"str": ">"}),
        m("xack", "str", "g", "1-0"),
    ],
    "expire_delete_exists": [
        m("expire", "missing", 100),
        m("set", "k", "v"),
        m("expire", "k", 100, xx=True),
        m("expire", "k", 100, gt=True),
        m("expire", "k", 1000, nx=True),
        m_ttl("k"),
        m("expire", "k", 2000, nx=True),
        m("expire", "k", 2000, xx=True),
        m_ttl("k"),
        m("expire", "k", 500, gt=True),
        m("expire", "k", 3000, gt=True),
        m_ttl("k"),
        m("expire", "k", 4000, lt=True),
        m("expire", "k", 1500, lt=True),
        m_ttl("k"),
        m("expire", "k", datetime.timedelta(minutes=20)),
        m_ttl("k"),
        m("expire", "k", 100, nx=True, xx=True),
        m("expire", "k", 100, gt=True, lt=True),
        m("expire", "k", "abc"),
        m("expire", "k", 2**63),
        m("exists", "k", "k", "missing"),
        m("expire", "k", 0),
        m("exists", "k"),
        m("set", "a", "1"),
        m("hset", "h", "f", "v"),
        m("exists", "a", "h", "missing"),
        m("delete", "a", "h", "missing", "a"),
        m("exists", "a", "h"),
        m("delete"),
        m("exists"),
    ],
    "evalsha": [
        m("evalsha", sha(ECHO), 1, "k", "a"),
        m("script_load", ECHO),
        m("script_load", INCR),
        m("script_load", ERROR),
        m("script_load", RAISE),
        m("script_load", TYPES),
        m("script_load", STATUS),
        m("evalsha", sha(ECHO), 1, "k", "a"),
        m("evalsha", sha(ECHO), 2, "k1", "k2", "a", 1.5),
        m("evalsha", sha(ECHO), 0),
        m("evalsha", sha(ECHO).upper(), 1, "k", b"\xff"),
        m("evalsha", sha(ECHO), 3, "k"),
        m("evalsha", sha(ECHO), -1),
        m("evalsha", sha(INCR), 1, "n"),
        m("set", "s", "abc"),
        m("evalsha", sha(INCR), 1, "s"),
        m("evalsha", sha(ERROR), 0),
        m("evalsha", sha(RAISE), 0),
        m("evalsha", sha(TYPES), 0),
        m("evalsha", sha(STATUS), 0),
        m("evalsha", "0" * 40, 0),
        m("evalsha", "nope", 1, "k"),
    ],
    "decode": [
        m("set", "bad", b"ok\xff"),
        m("get", "bad"),
        m("mget", "bad", "missing"),
        m("set", "bad", "x", get=True),
        m("set", "good", "caf\u00e9"),
        m("get", "good"),
        m("hset", "h", mapping={b"\xfe": "v", "caf\u00e9": b"\xff"}),
        m("hget", "h", b"\xfe"),
        m("hget", "h", "caf\u00e9"),
        m("hgetall", "h"),
        m("zadd", "z", {b"\xff": 1}),
        m("zrangebyscore", "z", "-inf", "+inf", withscores=True),
        m("xadd", "x", {"f": b"\xff"}, id="1-0"),
        m("xgroup_create", "x", "g", id="0"),
        m("xreadgroup", "g", "c", {"x": ">"}),
        m("script_load", ECHO),
        m("evalsha", sha(ECHO), 1, "k", b"\xff"),
        m("get", "good"),
    ],
}


def _outcome(fn: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(value=fn())
    except Exception as exc:
        return Outcome(error=(type(exc).__name__, str(exc)))


@pytest.fixture
def real_client(redis_server: RedisServerProcess, client_config: dict[str, Any]) -> Iterator[redis.Redis]:
    client = redis_server.client(**client_config)
    client.flushall()
    client.script_flush()
    try:
        yield client
    finally:
        client.close()


@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_hot_methods_async(
    real_client: redis.Redis, client_config: dict[str, Any], scenario: str
) -> None:
    fake = burner.aio.Redis(**client_config)
    try:
        for i, step in enumerate(SCENARIOS[scenario]):
            try:
                got = Outcome(
                    value=step.normalize(await getattr(fake, step.name)(*step.args, **step.kwargs))
                )
            except Exception as exc:
                got = Outcome(error=(type(exc).__name__, str(exc)))
            want = _outcome(
                lambda s=step: s.normalize(getattr(real_client, s.name)(*s.args, **s.kwargs))  # type: ignore[misc]
            )
            assert got == want, f"step {i} {step.name}{step.args}{step.kwargs}: burner {got} != redis {want}"
    finally:
        await fake.aclose()


async def test_methods_are_coroutines() -> None:
    """Every hot method returns an awaitable on the async client, errors included."""
    fake = burner.aio.Redis()
    try:
        assert await fake.set("k", "v") is True
        assert await fake.get("k") == b"v"
        assert await fake.mget(["k", "x"]) == [b"v", None]
        with pytest.raises(redis.DataError):
            await fake.zadd("z", {})
        with pytest.raises(redis.exceptions.NoScriptError):
            await fake.evalsha("0" * 40, 0)
        with pytest.raises(redis.ResponseError, match=r"^WRONGTYPE"):
            await fake.hget("k", "f")
    finally:
        await fake.aclose()


HOT_COMMANDS = [
    "GET", "SET", "MGET", "INCRBY", "HGET", "HSET", "HGETALL", "SADD", "SISMEMBER", "ZADD",
    "ZRANGEBYSCORE", "ZREM", "XADD", "XREADGROUP", "XACK", "EXPIRE", "DEL", "EXISTS", "EVALSHA",
]

CALLBACK_STEPS = [
    m("script_load", ECHO),
    m("set", "s", "1"),
    m("set", "s", "2", ex=100),
    m("set", "s", "3", get=True),
    m("get", "s"),
    m("mget", ["s", "missing"]),
    m("mget", "s", "missing"),
    m("incr", "s"),
    m("incrby", "s", 2),
    m("hset", "h", "f", "v"),
    m("hset", "h", mapping={"g": "w"}),
    m("hget", "h", "f"),
    m("hgetall", "h"),
    m("sadd", "set", "a"),
    m("sismember", "set", "a"),
    m("zadd", "z", {"a": 1}),
    m("zadd", "z", {"a": 1}, incr=True),
    m("zrangebyscore", "z", 0, 5, withscores=True),
    m("zrem", "z", "a"),
    m("xadd", "x", {"f": "v"}, id="1-0"),
    m("xgroup_create", "x", "g", id="0"),
    m("xreadgroup", "g", "c", {"x": ">"}),
    m("xack", "x", "g", "1-0"),
    m("expire", "s", 100),
    m("exists", "s", "h"),
    m("evalsha", sha(ECHO), 1, "k", "a"),
    m("delete", "s", "h"),
    m("get", "s"),
]


async def test_async_response_callbacks(
    real_client: redis.Redis, client_config: dict[str, Any]
) -> None:
    """A callback set with set_response_callback may return an awaitable (as
    redis.asyncio allows); the hot methods await it. The real server's sync
    client gets the same callback, synchronous."""

    def tag(name: str) -> Callable[..., Any]:
        def sync_callback(value: Any, **options: Any) -> Any:
            return (name, value, sorted(options))

        return sync_callback

    def async_tag(name: str) -> Callable[..., Any]:
        async def async_callback(value: Any, **options: Any) -> Any:
            return (name, value, sorted(options))

        return async_callback

    fake = burner.aio.Redis(**client_config)
    for name in HOT_COMMANDS:
        real_client.set_response_callback(name, tag(name))
        fake.set_response_callback(name, async_tag(name))
    try:
        for i, step in enumerate(CALLBACK_STEPS):
            try:
                got = Outcome(value=await getattr(fake, step.name)(*step.args, **step.kwargs))
            except Exception as exc:
                got = Outcome(error=(type(exc).__name__, str(exc)))
            want = _outcome(lambda s=step: getattr(real_client, s.name)(*s.args, **s.kwargs))  # type: ignore[misc]
            assert got == want, f"step {i} {step.name}{step.args}: burner {got} != redis {want}"
    finally:
        await fake.aclose()
