"""The hot redis-py methods on ``burner.Redis``, compared with a real server.

``get``, ``set``, ``mget``, ``incr``, ``incrby``, ``hget``, ``hset``,
``hgetall``, ``sadd``, ``sismember``, ``zadd``, ``zrangebyscore``, ``zrem``,
``xadd``, ``xreadgroup``, ``xack``, ``expire``, ``delete``, ``exists`` and
``evalsha`` are called as *methods* (never through ``execute_command``) on
burner and on a redis-py client of the oracle server built with the same
keywords; each call must give the same value, or raise the same exception
class with the same message (redis-py's own DataError and decoding errors
included). Whether burner runs a method through ``execute_command`` or
through a direct override, these results must not change.

Replies that depend on the wall clock (TTLs, IDs made by ``*``) go through
normalizers that keep what is deterministic about them.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from hypothesis import strategies as st
from hypothesis.stateful import initialize, rule

import burner
from tests.machine import DifferentialMachine, run_machine
from tests.oracle import Outcome, Pair, RedisServerProcess

Call = Callable[[redis.Redis], Any]
Normalizer = Callable[[Any], Any]


def outcome(fn: Callable[[], Any]) -> Outcome:
    """What a call did, Python errors (DataError, UnicodeDecodeError...) included."""
    try:
        return Outcome(value=fn())
    except Exception as exc:
        return Outcome(error=(type(exc).__name__, str(exc)))


def _identity(value: Any) -> Any:
    return value


def loose(value: object) -> Any:
    """An argument outside redis-py's annotations, passed on purpose."""
    return value


def _key_bytes(key: Any) -> bytes:
    return key if isinstance(key, bytes) else str(key).encode()


def same(pair: Pair, fn: Call, normalize: Normalizer = _identity) -> Any:
    """``fn`` on burner and on Redis: equal values or equal errors. Returns burner's value."""
    got = outcome(lambda: normalize(fn(pair.burner)))
    want = outcome(lambda: normalize(fn(pair.real)))
    assert got == want, f"burner {got} != redis {want}"
    return got.value


def same_all(pair: Pair, calls: list[Call]) -> None:
    for i, call in enumerate(calls):
        got = outcome(lambda c=call: c(pair.burner))  # type: ignore[misc]
        want = outcome(lambda c=call: c(pair.real))  # type: ignore[misc]
        assert got == want, f"call {i}: burner {got} != redis {want}"


def ttl_bucket(value: Any) -> Any:
    """A TTL in seconds, coarse enough that the clocks of two servers agree."""
    if isinstance(value, int) and value > 0:
        return ("ttl", round(value / 50))
    return value


def pttl_bucket(value: Any) -> Any:
    if isinstance(value, int) and value > 0:
        return ("pttl", round(value / 50_000))
    return value


_STREAM_ID = re.compile(r"^[0-9]+-[0-9]+$")


def stream_id_shape(value: Any) -> Any:
    """An ID made from the clock: only its shape and type are deterministic."""
    if isinstance(value, (bytes, str)):
        text = value.decode() if isinstance(value, bytes) else value
        return (type(value).__name__, bool(_STREAM_ID.match(text)))
    return value


def ttl(key: Any) -> Call:
    return lambda r: ttl_bucket(r.ttl(key))


def setup(pair: Pair, fn: Call) -> None:
    """Setup on both sides; the two setups must agree too."""
    same(pair, fn)


@pytest.fixture
def clean(pair: Pair) -> Iterator[Pair]:
    pair.real.flushall()
    pair.real.script_flush()
    yield pair


# --- keys of every type a caller may pass ---------------------------------

KEY_FORMS: list[Any] = [b"key", "key", "caf\u00e9", 7, 7.5, memoryview(b"mv"), b"\xff\xfe", b""]
VALUE_FORMS: list[Any] = [
    b"v",
    "v",
    "caf\u00e9",
    b"\xff\x00",
    0,
    -12,
    2**70,
    1.5,
    -0.0,
    float("inf"),
    1e300,
    memoryview(b"view"),
    b"",
]


@pytest.mark.parametrize("key", KEY_FORMS, ids=repr)
def test_key_forms(clean: Pair, key: Any) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.get(key),
            lambda r: r.set(key, "1"),
            lambda r: r.get(key),
            lambda r: r.incr(key),
            lambda r: r.incrby(key, 5),
            lambda r: r.mget(key, "missing", key),
            lambda r: r.exists(key, key, "missing"),
            lambda r: r.expire(key, 100),
            lambda r: ttl_bucket(r.ttl(key)),
            lambda r: r.delete(key),
            lambda r: r.hset(key, "f", "v"),
            lambda r: r.hget(key, "f"),
            lambda r: r.hgetall(key),
            lambda r: r.delete(key),
            lambda r: r.sadd(key, key),
            lambda r: r.sismember(key, key),
            lambda r: r.delete(key),
            lambda r: r.zadd(key, {key: 1}),
            lambda r: r.zrangebyscore(key, "-inf", "+inf", withscores=True),
            lambda r: r.zrem(key, key),
            lambda r: r.xadd(key, {key: key}, id="1-1"),
            lambda r: r.xgroup_create(key, "g", id="0"),
            lambda r: r.xreadgroup("g", "c", {key: ">"}),
            lambda r: r.xack(key, "g", "1-1"),
            lambda r: r.delete(key, key),
            lambda r: r.exists(key),
        ],
    )


@pytest.mark.parametrize("value", VALUE_FORMS, ids=repr)
def test_value_forms(clean: Pair, value: Any) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.set("s", value),
            lambda r: r.get("s"),
            lambda r: r.set("s", value, get=True),
            lambda r: r.mget(["s", "s"]),
            lambda r: r.hset("h", "f", value),
            lambda r: r.hset("h", value, value),
            lambda r: r.hget("h", "f"),
            lambda r: r.hget("h", value),
            lambda r: r.hgetall("h"),
            lambda r: r.sadd("set", value),
            lambda r: r.sismember("set", value),
            lambda r: r.zadd("z", {value: 1}),
            lambda r: r.zrangebyscore("z", 1, 1),
            lambda r: r.zrem("z", value),
            lambda r: r.xadd("x", {"f": value, value: "g"}, id="1-0"),
            lambda r: r.exists("s", "h", "set", "z", "x"),
            lambda r: r.delete("s", "h", "set", "z", "x"),
        ],
    )


@pytest.mark.parametrize(
    "bad", [True, False, None, [1], {"a": 1}, object()], ids=["True", "False", "None", "list", "dict", "object"]
)
def test_unencodable_arguments(clean: Pair, bad: Any) -> None:
    """redis-py's Encoder refuses these before anything is sent: same DataError."""
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.set("k", bad),
            lambda r: r.get(bad),
            lambda r: r.set(bad, "v"),
            lambda r: r.hset("h", "f", bad),
            lambda r: r.hset("h", mapping={"f": bad}),
            lambda r: r.sadd("s", bad),
            lambda r: r.sismember("s", bad),
            lambda r: r.zadd("z", {"m": bad}),
            lambda r: r.xadd("x", {"f": bad}),
            lambda r: r.exists("k"),
            lambda r: r.exists("h", "s", "z", "x"),
        ],
    )


def test_invalid_utf8_under_decode(clean: Pair) -> None:
    """With decode_responses the decode error is redis-py's, text and all."""
    pair = clean
    bad = b"ok\xff\xfe"
    same_all(
        pair,
        [
            lambda r: r.set("b", bad),
            lambda r: r.get("b"),
            lambda r: r.set("b", "x", get=True),
            lambda r: r.set("b", bad),
            lambda r: r.mget("b", "missing"),
            lambda r: r.hset("h", mapping={"ok": "fine", bad: "v"}),
            lambda r: r.hget("h", "ok"),
            lambda r: r.hget("h", bad),
            lambda r: r.hgetall("h"),
            lambda r: r.hset("h2", "f", "caf\u00e9 \u2603"),
            lambda r: r.hgetall("h2"),
            lambda r: r.get("h2"),
            lambda r: r.sadd("s", bad),
            lambda r: r.sismember("s", loose(bad)),
            lambda r: r.zadd("z", {loose(bad): 1, "caf\u00e9": 2}),
            lambda r: r.zrangebyscore("z", 2, 2, withscores=True),
            lambda r: r.zrangebyscore("z", "-inf", "inf"),
            lambda r: r.xadd("x", {"f": bad}, id="1-0"),
            lambda r: r.xgroup_create("x", "g", id="0"),
            lambda r: r.xreadgroup("g", "c", {"x": ">"}),
            lambda r: r.xack("x", "g", "1-0"),
            lambda r: r.script_load("return ARGV[1]"),
            lambda r: r.evalsha("b9a0e0d4a8a4d5e6f3c7b70bd9a6b2ab3e2c4a6f", 0),
            lambda r: r.set("after", "caf\u00e9"),
            lambda r: r.get("after"),
        ],
    )
    sha = same(pair, lambda r: r.script_load("return ARGV[1]"))
    same(pair, lambda r: r.evalsha(sha, 0, bad))
    same(pair, lambda r: r.evalsha(sha, 0, "caf\u00e9"))


# --- GET / SET ------------------------------------------------------------


def test_get(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.get("missing"),
            lambda r: r.set("k", "v"),
            lambda r: r.get("k"),
            lambda r: r.set("empty", ""),
            lambda r: r.get("empty"),
            lambda r: r.hset("h", "f", "v"),
            lambda r: r.get("h"),
            lambda r: r.sadd("s", "m"),
            lambda r: r.get("s"),
            lambda r: r.zadd("z", {"m": 1}),
            lambda r: r.get("z"),
            lambda r: r.xadd("x", {"f": "v"}, id="1-0"),
            lambda r: r.get("x"),
        ],
    )


def test_set_conditions(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.set("k", "a", xx=True),
            lambda r: r.get("k"),
            lambda r: r.set("k", "a", nx=True),
            lambda r: r.set("k", "b", nx=True),
            lambda r: r.get("k"),
            lambda r: r.set("k", "c", xx=True),
            lambda r: r.get("k"),
            lambda r: r.set("k", "d", nx=True, xx=True),
            lambda r: r.set("k", "d", get=True),
            lambda r: r.set("k", "e", nx=True, get=True),
            lambda r: r.set("new", "e", nx=True, get=True),
            lambda r: r.set("k", "f", xx=True, get=True),
            lambda r: r.set("other", "f", xx=True, get=True),
            lambda r: r.get("other"),
            lambda r: r.set("missing-get", "g", get=True),
            lambda r: r.get("missing-get"),
            lambda r: r.hset("h", "f", "v"),
            lambda r: r.set("h", "v", get=True),
            lambda r: r.set("h", "v", nx=True),
            lambda r: r.set("h", "v", xx=True),
            lambda r: r.get("h"),
            lambda r: r.sadd("s", "m"),
            lambda r: r.set("s", "v"),
            lambda r: r.get("s"),
        ],
    )


def test_set_expiry_keywords(clean: Pair) -> None:
    pair = clean
    now = time.time()
    later_s = int(now) + 500
    later_ms = int(now * 1000) + 500_000
    later_dt = datetime.datetime.fromtimestamp(now + 500, tz=datetime.timezone.utc)
    later_naive = datetime.datetime.fromtimestamp(now + 500)
    same_all(
        pair,
        [
            lambda r: r.set("ex", "v", ex=100),
            ttl("ex"),
            lambda r: r.set("ex-td", "v", ex=datetime.timedelta(seconds=100)),
            ttl("ex-td"),
            lambda r: r.set("ex-td-frac", "v", ex=datetime.timedelta(seconds=100, milliseconds=999)),
            ttl("ex-td-frac"),
            lambda r: r.set("px", "v", px=100_000),
            lambda r: pttl_bucket(r.pttl("px")),
            lambda r: r.set("px-td", "v", px=datetime.timedelta(seconds=100)),
            lambda r: pttl_bucket(r.pttl("px-td")),
            lambda r: r.set("exat", "v", exat=later_s),
            ttl("exat"),
            lambda r: r.set("exat-dt", "v", exat=later_dt),
            ttl("exat-dt"),
            lambda r: r.set("exat-naive", "v", exat=later_naive),
            ttl("exat-naive"),
            lambda r: r.set("pxat", "v", pxat=later_ms),
            ttl("pxat"),
            lambda r: r.set("pxat-dt", "v", pxat=later_dt),
            ttl("pxat-dt"),
            lambda r: r.set("ex", "w", keepttl=True),
            ttl("ex"),
            lambda r: r.get("ex"),
            lambda r: r.set("ex", "x"),
            ttl("ex"),
            lambda r: r.set("ex", "y", ex=200, get=True),
            ttl("ex"),
            lambda r: r.set("ex", "z", xx=True, px=300_000),
            ttl("ex"),
            lambda r: r.set("ex", "z", nx=True, ex=10),
            ttl("ex"),
            lambda r: r.set("ex", "z", xx=True, keepttl=True, get=True),
            ttl("ex"),
            lambda r: r.set("persist-kept", "v", keepttl=True),
            ttl("persist-kept"),
        ],
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ex": 0},
        {"ex": -1},
        {"px": 0},
        {"px": -5},
        {"exat": 0},
        {"exat": -1},
        {"pxat": 0},
        {"pxat": -1},
        {"ex": 2**63},
        {"ex": 2**62},
        {"px": 2**63},
        {"ex": "abc"},
        {"px": "1.5"},
        {"ex": 1.5},
        {"ex": datetime.timedelta(0)},
        {"ex": datetime.timedelta(seconds=-3)},
        {"ex": 1, "px": 1000},
        {"ex": 1, "keepttl": True},
        {"exat": 1, "pxat": 1},
        {"px": 100_000, "exat": 1},  # (redis-py 6 sends both; a 1 ms TTL would race)
        {"nx": True, "xx": True},
        {"ex": 1, "px": 1, "nx": True, "xx": True},
    ],
    ids=repr,
)
def test_set_bad_expiry(clean: Pair, kwargs: dict[str, Any]) -> None:
    pair = clean
    pair.both(lambda r: r.set("k", "old"))
    same(pair, lambda r: r.set("k", "new", **kwargs))
    same(pair, lambda r: r.set("k", "new", get=True, **kwargs))
    same(pair, lambda r: r.get("k"))
    same(pair, ttl("k"))


# --- MGET -----------------------------------------------------------------


def test_mget(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.mget("a"),
            lambda r: r.mget(["a"]),
            lambda r: r.mget([]),
            lambda r: r.mget(()),
            lambda r: r.set("a", "1"),
            lambda r: r.set("b", b"\x00two"),
            lambda r: r.hset("h", "f", "v"),
            lambda r: r.zadd("z", {"m": 1}),
            lambda r: r.mget("a", "b", "c"),
            lambda r: r.mget(["a", "b", "c"]),
            lambda r: r.mget(("a", "b")),
            lambda r: r.mget(["a", "b"], "c", "a"),
            lambda r: r.mget("a", "h", "z", "b"),
            lambda r: r.mget(["h"]),
            lambda r: r.mget(b"a", 1, 2.5, memoryview(b"b")),
            lambda r: r.mget("a", "a", "a"),
        ],
    )


# --- INCR / INCRBY --------------------------------------------------------


def test_incr(clean: Pair) -> None:
    pair = clean
    big = 2**63 - 1
    same_all(
        pair,
        [
            lambda r: r.incr("n"),
            lambda r: r.incr("n", 10),
            lambda r: r.incr("n", -30),
            lambda r: r.incr("n", amount=0),
            lambda r: r.incrby("n"),
            lambda r: r.incrby("n", 7),
            lambda r: r.incrby("n", amount=-7),
            lambda r: r.incrby("fresh", -3),
            lambda r: r.get("n"),
            lambda r: r.set("max", big),
            lambda r: r.incr("max"),
            lambda r: r.incrby("max", -1),
            lambda r: r.set("min", -big - 1),
            lambda r: r.incr("min", -1),
            lambda r: r.incrby("min", 0),
            lambda r: r.incr("n", big),
            lambda r: r.incrby("n", 2**63),
            lambda r: r.incrby("n", -(2**63)),
            lambda r: r.incr("n", loose("5")),
            lambda r: r.incr("n", loose(b"-5")),
            lambda r: r.incr("n", loose(1.5)),
            lambda r: r.incr("n", loose("abc")),
            lambda r: r.incrby("n", loose("")),
            lambda r: r.incrby("n", loose(" 1")),
            lambda r: r.set("f", "1.5"),
            lambda r: r.incr("f"),
            lambda r: r.set("s", "abc"),
            lambda r: r.incrby("s", 2),
            lambda r: r.set("sp", " 1"),
            lambda r: r.incr("sp"),
            lambda r: r.set("lead", "01"),
            lambda r: r.incr("lead"),
            lambda r: r.set("empty", ""),
            lambda r: r.incr("empty"),
            lambda r: r.set("neg0", "-0"),
            lambda r: r.incr("neg0"),
            lambda r: r.hset("h", "f", "1"),
            lambda r: r.incr("h"),
            lambda r: r.incrby("h", 3),
            lambda r: r.set("ttl", "1", ex=300),
            lambda r: r.incr("ttl"),
            ttl("ttl"),
        ],
    )


# --- HASHES ---------------------------------------------------------------


def test_hset_forms(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.hset("h", "a", "1"),
            lambda r: r.hset("h", "a", "2"),
            lambda r: r.hset("h", key="b", value="3"),
            lambda r: r.hset("h", mapping={"c": "4", "d": 5}),
            lambda r: r.hset("h", mapping={"c": "4", "e": 6.5}),
            lambda r: r.hset("h", items=["f", "7", "g", "8"]),
            lambda r: r.hset("h", items=("f", "9")),
            lambda r: r.hset("h", "i", "10", mapping={"j": "11"}, items=["k", "12"]),
            lambda r: r.hset("h", "a", "13", mapping={"a": "14"}),
            lambda r: r.hset("h", mapping={b"\x00": b"\xff", 3: 4}),
            lambda r: r.hgetall("h"),
            lambda r: r.hget("h", "a"),
            lambda r: r.hget("h", "missing"),
            lambda r: r.hget("missing", "a"),
            lambda r: r.hgetall("missing"),
            lambda r: r.hget("h", 3),
            lambda r: r.hset("h"),
            lambda r: r.hset("h", mapping={}),
            lambda r: r.hset("h", items=[]),
            lambda r: r.hset("h", value="orphan"),
            lambda r: r.hset("h", items=["odd"]),
            lambda r: r.hset("h", items=["x", "1", "odd"]),
            lambda r: r.hset("h", "n"),
            lambda r: r.hgetall("h"),
            lambda r: r.hset("h", "", ""),
            lambda r: r.hget("h", ""),
        ],
    )


def test_hash_wrongtype(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.set("s", "v"),
            lambda r: r.hset("s", "f", "v"),
            lambda r: r.hset("s", mapping={"f": "v"}),
            lambda r: r.hget("s", "f"),
            lambda r: r.hgetall("s"),
            lambda r: r.sadd("set", "m"),
            lambda r: r.hgetall("set"),
            lambda r: r.get("s"),
        ],
    )


# --- SETS -----------------------------------------------------------------


def test_sets(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.sadd("s", "a"),
            lambda r: r.sadd("s", "a", "b", "b", "c"),
            lambda r: r.sadd("s", 1, 2.5, b"\x00"),
            lambda r: r.sadd("s", *[str(i) for i in range(200)]),
            lambda r: r.sismember("s", "a"),
            lambda r: r.sismember("s", "z"),
            lambda r: r.sismember("s", "1"),
            lambda r: r.sismember("s", loose(1)),
            lambda r: r.sismember("s", loose(2.5)),
            lambda r: r.sismember("missing", "a"),
            lambda r: r.sadd("ints", 1, 2, 3),
            lambda r: r.sismember("ints", "2"),
            lambda r: r.sismember("ints", "02"),
            lambda r: r.sadd("s"),
            lambda r: r.set("str", "v"),
            lambda r: r.sadd("str", "a"),
            lambda r: r.sismember("str", "a"),
            lambda r: r.exists("s", "ints"),
        ],
    )


# --- SORTED SETS ----------------------------------------------------------


def test_zadd_flags(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.zadd("z", {"a": 1, "b": 2, "c": 3}),
            lambda r: r.zadd("z", {"a": 1, "d": 4}),
            lambda r: r.zadd("z", {"a": 10, "e": 5}, ch=True),
            lambda r: r.zadd("z", {"a": 20, "f": 6}, nx=True),
            lambda r: r.zadd("z", {"a": 30, "g": 7}, xx=True),
            lambda r: r.zadd("z", {"a": 31, "g": 7}, xx=True, ch=True),
            lambda r: r.zadd("z", {"a": 5, "b": 50}, gt=True),
            lambda r: r.zadd("z", {"a": 5, "b": 50}, gt=True, ch=True),
            lambda r: r.zadd("z", {"a": 1, "b": 60}, lt=True, ch=True),
            lambda r: r.zadd("z", {"h": 1}, gt=True),
            lambda r: r.zadd("z", {"i": 1}, lt=True, xx=True),
            lambda r: r.zadd("z", {"a": 2.5}, incr=True),
            lambda r: r.zadd("z", {"a": -2.5}, incr=True, xx=True),
            lambda r: r.zadd("z", {"new": 1}, incr=True, xx=True),
            lambda r: r.zadd("z", {"a": 1}, incr=True, nx=True),
            lambda r: r.zadd("z", {"new2": 1.25}, incr=True, nx=True),
            lambda r: r.zadd("z", {"a": 100}, incr=True, gt=True),
            lambda r: r.zadd("z", {"a": -100}, incr=True, gt=True),
            lambda r: r.zadd("z", {"a": -100}, incr=True, lt=True),
            lambda r: r.zadd("z", {"a": 0}, incr=True, lt=True, ch=True),
            lambda r: r.zadd("z", {"inf": float("inf")}),
            lambda r: r.zadd("z", {"inf": "-inf"}, incr=True),
            lambda r: r.zadd("z", {"inf": "+inf"}, incr=True),
            lambda r: r.zadd("z", {"m": 1e-300, "n": "1e308", "o": "-0"}),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", withscores=True),
            lambda r: r.zadd("z", {"a": 1, "b": 2}, nx=True, xx=True),
            lambda r: r.zadd("z", {"a": 1}, gt=True, lt=True),
            lambda r: r.zadd("z", {"a": 1, "b": 2}, incr=True),
            lambda r: r.zadd("z", {"a": 1}, nx=True, gt=True),
            lambda r: r.zadd("z", {"a": 1}, nx=True, lt=True),
            lambda r: r.zadd("z", {}),
            lambda r: r.zadd("z", {}, nx=True, xx=True),
            lambda r: r.zadd("z", {"a": "abc"}),
            lambda r: r.zadd("z", {"a": "nan"}),
            lambda r: r.zadd("z", {"a": float("nan")}),
            lambda r: r.zadd("z", {"a": ""}),
            lambda r: r.zadd("z", {"a": "1 "}),
            lambda r: r.zadd("z", {"ok": 1, "bad": "x"}),
            lambda r: r.zadd("z", {"a": "abc"}, incr=True),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", withscores=True),
            lambda r: r.set("str", "v"),
            lambda r: r.zadd("str", {"a": 1}),
            lambda r: r.zadd("str", {"a": 1}, incr=True),
            lambda r: r.zadd("str", {"a": "bad"}),
        ],
    )


def test_zrangebyscore(clean: Pair) -> None:
    pair = clean
    setup(pair, lambda r: r.zadd("z", {"a": 1, "b": 1.5, "c": 2, "d": 2, "e": -3, "f": 10, "g": "inf"}))
    same_all(
        pair,
        [
            lambda r: r.zrangebyscore("z", "-inf", "+inf"),
            lambda r: r.zrangebyscore("z", "-inf", "inf", withscores=True),
            lambda r: r.zrangebyscore("z", 1, 2),
            lambda r: r.zrangebyscore("z", "(1", 2),
            lambda r: r.zrangebyscore("z", loose(b"(1"), "(2"),
            lambda r: r.zrangebyscore("z", 1.5, "+inf", withscores=True),
            lambda r: r.zrangebyscore("z", 2, 1),
            lambda r: r.zrangebyscore("z", "(2", "(2"),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", start=1, num=2),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", start=0, num=0),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", start=2, num=-1, withscores=True),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", start=100, num=5),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", start=-1, num=5),
            lambda r: r.zrangebyscore("z", 0, 5, withscores=True, score_cast_func=str),
            lambda r: r.zrangebyscore("z", 0, 5, withscores=True, score_cast_func=int),
            lambda r: r.zrangebyscore("z", 1, 1, withscores=True, score_cast_func=lambda s: ("cast", s)),
            lambda r: r.zrangebyscore("z", 0, 5, score_cast_func=int),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", start=1),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", num=1),
            lambda r: r.zrangebyscore("z", "abc", 1),
            lambda r: r.zrangebyscore("z", 1, "(abc"),
            lambda r: r.zrangebyscore("z", "nan", 1),
            lambda r: r.zrangebyscore("z", "((1", 1),
            lambda r: r.zrangebyscore("z", "", 1),
            lambda r: r.zrangebyscore("z", "-inf", "+inf", start=loose("x"), num=1),
            lambda r: r.zrangebyscore("missing", "-inf", "+inf"),
            lambda r: r.zrangebyscore("missing", "abc", 1),
            lambda r: r.zrangebyscore("missing", "-inf", "+inf", withscores=True),
            lambda r: r.set("str", "v"),
            lambda r: r.zrangebyscore("str", 0, 1),
            lambda r: r.zrangebyscore("str", "abc", 1),
        ],
    )


def test_zrem(clean: Pair) -> None:
    pair = clean
    setup(pair, lambda r: r.zadd("z", {"a": 1, "b": 2, "c": 3, "1": 4}))
    same_all(
        pair,
        [
            lambda r: r.zrem("z", "a"),
            lambda r: r.zrem("z", "a"),
            lambda r: r.zrem("z", "b", "b", "x", 1),
            lambda r: r.zrem("missing", "a"),
            lambda r: r.zrem("z"),
            lambda r: r.zrem("z", "c"),
            lambda r: r.exists("z"),
            lambda r: r.zrangebyscore("z", "-inf", "+inf"),
            lambda r: r.set("str", "v"),
            lambda r: r.zrem("str", "a"),
        ],
    )


# --- STREAMS --------------------------------------------------------------


def test_xadd_ids(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.xadd("x", {"f": "v"}, id="1-1"),
            lambda r: r.xadd("x", {"f": "v"}, id="1-1"),
            lambda r: r.xadd("x", {"f": "v"}, id="1-0"),
            lambda r: r.xadd("x", {"f": "v"}, id="1-*"),
            lambda r: r.xadd("x", {"f": "v"}, id="5"),
            lambda r: r.xadd("x", {"f": "v"}, id=b"6-0"),
            lambda r: r.xadd("x", {"f": "v"}, id="7-*"),
            lambda r: r.xadd("x", {"f": "v"}, id="4-*"),
            lambda r: r.xadd("x", {"a": 1, "b": 2.5, b"\x00": b"\xff"}, id="8-18446744073709551615"),
            lambda r: r.xadd("x", {"f": "v"}, id="8-*"),
            lambda r: r.xadd("new", {"f": "v"}, id="0-0"),
            lambda r: r.xadd("new", {"f": "v"}, id="0-*"),
            lambda r: r.xadd("new2", {"f": "v"}, id="0"),
            lambda r: r.xadd("x", {"f": "v"}, id="abc"),
            lambda r: r.xadd("x", {"f": "v"}, id="1-abc"),
            lambda r: r.xadd("x", {"f": "v"}, id="-1"),
            lambda r: r.xadd("x", {"f": "v"}, id="18446744073709551616-0"),
            lambda r: r.xadd("x", {"f": "v"}, id=""),
            lambda r: r.xadd("x", {"f": "v"}, id="*-1"),
            lambda r: r.xadd("x", {}, id="100-0"),
            lambda r: r.xadd("x", {"f": "v"}, id=100),
            lambda r: r.xadd("max", {"f": "v"}, id="18446744073709551615-18446744073709551615"),
            lambda r: r.xadd("max", {"f": "v"}),
            lambda r: r.xadd("max", {"f": "v"}, id="18446744073709551615-*"),
            lambda r: r.set("str", "v"),
            lambda r: r.xadd("str", {"f": "v"}, id="1-0"),
            lambda r: r.xadd("str", {"f": "v"}),
            lambda r: r.exists("x", "new", "new2", "max"),
        ],
    )


def test_xadd_auto_id(clean: Pair) -> None:
    pair = clean
    same(pair, lambda r: r.xadd("auto", {"f": "v"}), stream_id_shape)
    same(pair, lambda r: r.xadd("auto", {"f": "v"}, id="*"), stream_id_shape)
    same(pair, lambda r: r.xadd("auto", {"f": "v"}, id=b"*", maxlen=1), stream_id_shape)
    same(pair, lambda r: r.xadd("auto", {"f": "v"}, id="*", nomkstream=True), stream_id_shape)
    same(pair, lambda r: r.xadd("none", {"f": "v"}, nomkstream=True), stream_id_shape)
    same(pair, lambda r: r.exists("auto", "none"))
    same(pair, lambda r: r.xlen("auto"))


def test_xadd_trimming(clean: Pair) -> None:
    pair = clean
    calls: list[Call] = []
    for i in range(1, 11):
        calls.append(lambda r, i=i: r.xadd("x", {"n": i}, id=f"{i}-0", maxlen=5, approximate=False))  # type: ignore[misc]
    calls += [
        lambda r: r.xlen("x"),
        lambda r: r.xadd("x", {"n": 11}, id="11-0", maxlen=3, approximate=False),
        lambda r: r.xrange("x"),
        lambda r: r.xadd("x", {"n": 12}, id="12-0", maxlen=0, approximate=False),
        lambda r: r.xlen("x"),
        lambda r: r.xadd("x", {"n": 13}, id="13-0", maxlen=0),
        lambda r: r.xadd("x", {"n": 14}, id="14-0", maxlen=1),
        lambda r: r.xlen("x"),
        lambda r: r.xadd("x", {"n": 15}, id="15-0", minid="15-0", approximate=False),
        lambda r: r.xrange("x"),
        lambda r: r.xadd("x", {"n": 16}, id="16-0", minid=0),
        lambda r: r.xadd("x", {"n": 17}, id="17-0", minid="16", approximate=False),
        lambda r: r.xrange("x"),
        lambda r: r.xadd("x", {"n": 18}, id="18-0", maxlen=1, limit=10),
        lambda r: r.xadd("x", {"n": 19}, id="19-0", minid="18-0", limit=0),
        lambda r: r.xadd("x", {"n": 20}, id="20-0", maxlen=1, approximate=False, limit=10),
        lambda r: r.xadd("x", {"n": 21}, id="21-0", minid="5", approximate=False, limit=1),
        lambda r: r.xadd("x", {"n": 22}, id="22-0", maxlen=1, limit=-1),
        lambda r: r.xadd("x", {"n": 23}, id="23-0", maxlen=1, minid="1"),
        lambda r: r.xadd("x", {"n": 24}, id="24-0", maxlen=-1),
        lambda r: r.xadd("x", {"n": 25}, id="25-0", maxlen="3"),  # type: ignore[arg-type]
        lambda r: r.xadd("x", {"n": 26}, id="26-0", minid="abc"),
        lambda r: r.xadd("x", {"n": 27}, id="27-0", minid="abc", approximate=False),
        lambda r: r.xadd("x", {"n": 28}, id="28-0", maxlen=2**63),
        lambda r: r.xadd("x", {"n": 29}, id="29-0", limit=5),
        lambda r: r.xrange("x"),
        lambda r: r.xadd("x", {"n": 30}, id="30-0", nomkstream=True, maxlen=2, approximate=False),
        lambda r: r.xadd("gone", {"n": 1}, id="1-0", nomkstream=True),
        lambda r: r.xadd("gone", {"n": 1}, id="1-0", nomkstream=True, maxlen=1),
        lambda r: r.xadd("gone", {"n": 1}, id="abc", nomkstream=True),
        lambda r: r.exists("gone"),
        lambda r: r.xrange("x"),
    ]
    same_all(pair, calls)


def test_xreadgroup_and_xack(clean: Pair) -> None:
    pair = clean
    calls: list[Call] = [
        lambda r: r.xreadgroup("g", "c", {"x": ">"}),
        lambda r: r.xadd("x", {"a": "1"}, id="1-0"),
        lambda r: r.xreadgroup("g", "c", {"x": ">"}),
        lambda r: r.xreadgroup("g", "c", {"x": "0"}),
        lambda r: r.xgroup_create("x", "g", id="0"),
        lambda r: r.xgroup_create("y", "g", id="$", mkstream=True),
        lambda r: r.xadd("x", {"b": "2"}, id="2-0"),
        lambda r: r.xadd("x", {"c": "3", "d": "4"}, id="3-0"),
        lambda r: r.xadd("y", {"e": "5"}, id="1-0"),
        lambda r: r.xreadgroup("g", "c1", {"x": ">"}, count=2),
        lambda r: r.xreadgroup("g", "c1", {"x": ">", "y": ">"}),
        lambda r: r.xreadgroup("g", "c1", {"x": ">", "y": ">"}),
        lambda r: r.xreadgroup("g", "c1", {"x": "0"}),
        lambda r: r.xreadgroup("g", "c1", {"x": "0"}, count=1),
        lambda r: r.xreadgroup("g", "c1", {"x": "1-0", "y": 0}),
        lambda r: r.xreadgroup("g", "c2", {"x": "0"}),
        lambda r: r.xack("x", "g", "1-0"),
        lambda r: r.xack("x", "g", "1-0", "2-0", "2-0", "99-0"),
        lambda r: r.xack("x", "g"),
        lambda r: r.xack("x", "nogroup", "3-0"),
        lambda r: r.xack("missing", "g", "3-0"),
        lambda r: r.xack("x", "g", "abc"),
        lambda r: r.xack("x", "g", "3-0", "abc"),
        lambda r: r.xreadgroup("g", "c1", {"x": "0"}),
        lambda r: r.xack("x", "g", 3),
        lambda r: r.xreadgroup("g", "c1", {"x": "0"}),
        lambda r: r.xadd("x", {"f": "6"}, id="6-0"),
        lambda r: r.xadd("x", {"f": "7"}, id="7-0"),
        lambda r: r.xreadgroup("g", "c3", {"x": ">"}, noack=True),
        lambda r: r.xreadgroup("g", "c3", {"x": "0"}),
        lambda r: r.xadd("x", {"f": "8"}, id="8-0"),
        lambda r: r.xreadgroup("g", "c3", {"x": ">"}, count=1, noack=True),
        lambda r: r.xreadgroup("g", "c3", {"x": ">"}, count=5),
        lambda r: r.xreadgroup("g", "c3", {"x": "0"}),
        lambda r: r.xdel("x", "8-0"),
        lambda r: r.xreadgroup("g", "c3", {"x": "0"}),
        lambda r: r.xreadgroup("nogroup", "c", {"x": ">"}),
        lambda r: r.xreadgroup("g", "c", {"missing": ">"}),
        lambda r: r.xreadgroup("g", "c", {"x": ">", "missing": ">"}),
        lambda r: r.xreadgroup("g", "c", {"x": "abc"}),
        lambda r: r.xreadgroup("g", "c", {"x": "$"}),
        lambda r: r.xreadgroup("g", "c", {"x": ">"}, count=0),
        lambda r: r.xreadgroup("g", "c", {"x": ">"}, count=-1),
        lambda r: r.xreadgroup("g", "c", {}),
        lambda r: r.set("str", "v"),
        lambda r: r.xreadgroup("g", "c", {"str": ">"}),
        lambda r: r.xack("str", "g", "1-0"),
        lambda r: r.xinfo_consumers("x", "g"),
    ]

    def drop_idle(value: Any) -> Any:
        if isinstance(value, list):
            return [
                {k: v for k, v in d.items() if k not in ("idle", b"idle", "inactive", b"inactive")}
                if isinstance(d, dict)
                else d
                for d in value
            ]
        return value

    same_all(pair, calls[:-1])
    same(pair, calls[-1], drop_idle)


# --- EXPIRE ---------------------------------------------------------------


def test_expire(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.expire("missing", 100),
            lambda r: r.expire("missing", 100, nx=True),
            lambda r: r.set("k", "v"),
            lambda r: r.expire("k", 100, xx=True),
            lambda r: r.ttl("k"),
            lambda r: r.expire("k", 100, gt=True),
            lambda r: r.ttl("k"),
            lambda r: r.expire("k", 100, lt=True),
            ttl("k"),
            lambda r: r.expire("k", 1000, nx=True),
            ttl("k"),
            lambda r: r.expire("k", 2000, xx=True),
            ttl("k"),
            lambda r: r.expire("k", 500, gt=True),
            ttl("k"),
            lambda r: r.expire("k", 3000, gt=True),
            ttl("k"),
            lambda r: r.expire("k", 4000, lt=True),
            ttl("k"),
            lambda r: r.expire("k", 1500, lt=True),
            ttl("k"),
            lambda r: r.expire("k", 1400, xx=True, gt=True),
            lambda r: r.expire("k", 1000, xx=True, lt=True),
            ttl("k"),
            lambda r: r.expire("k", datetime.timedelta(minutes=10)),
            ttl("k"),
            lambda r: r.expire("k", datetime.timedelta(seconds=800, milliseconds=700)),
            ttl("k"),
            lambda r: r.expire("k", loose("900")),
            ttl("k"),
            lambda r: r.expire("k", 100, nx=True, xx=True),
            lambda r: r.expire("k", 100, gt=True, lt=True),
            lambda r: r.expire("k", 100, nx=True, gt=True),
            lambda r: r.expire("k", 100, nx=True, lt=True),
            lambda r: r.expire("k", loose("abc")),
            lambda r: r.expire("k", loose(1.5)),
            lambda r: r.expire("k", loose("")),
            lambda r: r.expire("k", 2**63),
            lambda r: r.expire("k", 2**62),
            lambda r: r.expire("k", -(2**63)),
            lambda r: r.expire("k", -(2**62)),
            ttl("k"),
            lambda r: r.expire("k", 0, gt=True),
            ttl("k"),
            lambda r: r.expire("k", -1, lt=True),
            lambda r: r.exists("k"),
            lambda r: r.hset("h", "f", "v"),
            lambda r: r.expire("h", 0),
            lambda r: r.exists("h"),
            lambda r: r.sadd("s", "m"),
            lambda r: r.expire("s", -5),
            lambda r: r.exists("s"),
            lambda r: r.zadd("z", {"m": 1}),
            lambda r: r.expire("z", 300),
            ttl("z"),
            lambda r: r.expire("z", datetime.timedelta(0)),
            lambda r: r.exists("z"),
            lambda r: r.set("p", "v"),
            lambda r: r.expire("p", 100, gt=True),
            lambda r: r.expire("p", 100, lt=True),
            ttl("p"),
        ],
    )


# --- DELETE / EXISTS ------------------------------------------------------


def test_delete_and_exists(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.exists("a"),
            lambda r: r.delete("a"),
            lambda r: r.set("a", "1"),
            lambda r: r.hset("h", "f", "v"),
            lambda r: r.sadd("s", "m"),
            lambda r: r.zadd("z", {"m": 1}),
            lambda r: r.xadd("x", {"f": "v"}, id="1-0"),
            lambda r: r.exists("a"),
            lambda r: r.exists("a", "a", "b"),
            lambda r: r.exists("a", "h", "s", "z", "x", "missing"),
            lambda r: r.delete("a", "a", "b"),
            lambda r: r.delete("h", "s", "missing", "z"),
            lambda r: r.exists("a", "h", "s", "z", "x"),
            lambda r: r.delete(*[f"k{i}" for i in range(50)], "x"),
            lambda r: r.exists("x"),
            lambda r: r.delete(),
            lambda r: r.exists(),
            lambda r: r.set("e", "1", px=1),
        ],
    )
    time.sleep(0.02)
    same(pair, lambda r: r.exists("e"))
    same(pair, lambda r: r.delete("e"))


# --- EVALSHA --------------------------------------------------------------

SCRIPTS = {
    "echo": "return {KEYS[1], ARGV[1], #KEYS, #ARGV}",
    "get": "return redis.call('GET', KEYS[1])",
    "set": "return redis.call('SET', KEYS[1], ARGV[1])",
    "incr": "return redis.call('INCR', KEYS[1])",
    "types": "return {1, 2.9, -3.5, 'x', false, true, {7, 'n'}}",
    "nil": "return nil",
    "status": "return redis.status_reply('FINE')",
    "error": "return redis.error_reply('MYERR custom failure')",
    "plain_error": "return redis.error_reply('no prefix')",
    "raise": "error('boom')",
    "raise_table": "error({err='TABLEERR from table'})",
    "pcall": "return redis.pcall('INCR', KEYS[1])",
    "global": "return undefined_global.x",
    "hgetall": "return redis.call('HGETALL', KEYS[1])",
    "wrongtype": "return redis.call('HGET', KEYS[1], 'f')",
    "bad_command": "return redis.call('NOSUCHCOMMAND')",
    "arity": "return redis.call('GET')",
    "zadd": "return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])",
    "bignum": "return 9007199254740993",
}


def test_evalsha(clean: Pair) -> None:
    pair = clean
    shas = {name: same(pair, lambda r, s=src: r.script_load(s)) for name, src in SCRIPTS.items()}  # type: ignore[misc]
    same_all(
        pair,
        [
            lambda r: r.evalsha(shas["echo"], 1, "k", "a"),
            lambda r: r.evalsha(shas["echo"], 2, "k1", "k2", "a", "b"),
            lambda r: r.evalsha(shas["echo"], 0),
            lambda r: r.evalsha(shas["echo"], 0, "a", 1, 2.5),
            lambda r: r.evalsha(shas["echo"], 1, b"\xff", memoryview(b"mv")),
            lambda r: r.evalsha(shas["echo"].upper(), 1, "k", "a"),
            lambda r: r.evalsha(loose(shas["echo"].encode()), 1, "k", "a"),
            lambda r: r.evalsha(shas["get"], 1, "s"),
            lambda r: r.evalsha(shas["set"], 1, "s", "value"),
            lambda r: r.evalsha(shas["get"], 1, "s"),
            lambda r: r.evalsha(shas["incr"], 1, "n"),
            lambda r: r.evalsha(shas["incr"], 1, "s"),
            lambda r: r.evalsha(shas["pcall"], 1, "s"),
            lambda r: r.evalsha(shas["types"], 0),
            lambda r: r.evalsha(shas["nil"], 0),
            lambda r: r.evalsha(shas["status"], 0),
            lambda r: r.evalsha(shas["error"], 0),
            lambda r: r.evalsha(shas["plain_error"], 0),
            lambda r: r.evalsha(shas["raise"], 0),
            lambda r: r.evalsha(shas["raise_table"], 0),
            lambda r: r.evalsha(shas["global"], 0),
            lambda r: r.hset("h", mapping={"f": "v", "g": "w"}),
            lambda r: r.evalsha(shas["hgetall"], 1, "h"),
            lambda r: r.evalsha(shas["wrongtype"], 1, "s"),
            lambda r: r.evalsha(shas["bad_command"], 0),
            lambda r: r.evalsha(shas["arity"], 0),
            lambda r: r.evalsha(shas["zadd"], 1, "z", "1.5", "m"),
            lambda r: r.evalsha(shas["zadd"], 1, "z", "nan", "m"),
            lambda r: r.evalsha(shas["bignum"], 0),
            lambda r: r.evalsha("0" * 40, 0),
            lambda r: r.evalsha("ffffffffffffffffffffffffffffffffffffffff", 1, "k"),
            lambda r: r.evalsha("short", 0),
            lambda r: r.evalsha("", 0),
            lambda r: r.evalsha(shas["echo"], 2, "k"),
            lambda r: r.evalsha(shas["echo"], -1),
            lambda r: r.evalsha(shas["echo"], "x"),  # type: ignore[arg-type]
            lambda r: r.evalsha(shas["echo"], 1.5),  # type: ignore[arg-type]
        ],
    )
    pair.real.script_flush()
    pair.burner.script_flush()
    same(pair, lambda r: r.evalsha(shas["echo"], 1, "k", "a"))


# --- A random walk over the hot methods ----------------------------------


def _pool(*names: str) -> st.SearchStrategy[Any]:
    """Each family's keys (as str and as bytes), plus one key every family shares."""
    forms: list[Any] = []
    for name in (*names, "shared"):
        forms += [name, name.encode()]
    return st.sampled_from(forms)


STRING_KEYS = _pool("s1", "s2")
HASH_KEYS = _pool("h1", "h2")
SET_KEYS = _pool("set1")
ZSET_KEYS = _pool("z1", "z2")
STREAM_KEYS = _pool("x1", "x2")
ANY_KEYS = st.one_of(STRING_KEYS, HASH_KEYS, SET_KEYS, ZSET_KEYS, STREAM_KEYS, st.just("missing"))
MFIELDS = st.sampled_from(["f1", b"f2", "f3", b"", "\u00e9", b"\xff"])
MVALUES = st.one_of(
    st.sampled_from([b"", b"v", "w", b"\xff\xfe", "caf\u00e9", 0, 1, -1, "10", 1.5, b"9223372036854775807"]),
    st.binary(max_size=4),
    st.integers(min_value=-100, max_value=100),
)
SCORES = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([1.5, "2", "-inf", "inf", float("inf"), -0.0, 1e-9]),
    st.floats(allow_nan=False, width=32),
)
BAD_SCORES = st.sampled_from(["nan", "abc", "(1", "", float("nan")])
LOW_BOUNDS = st.sampled_from(["-inf", "(1", 0, 1, 1.5, b"2", "(-inf", -1, "+inf"])
HIGH_BOUNDS = st.sampled_from(["+inf", "(3", 3, 2.5, b"2", "(2", "(+inf", 0, "-inf"])
BAD_BOUNDS = st.sampled_from(["abc", "", "nan", "((1"])
BAD_IDS = st.sampled_from(["0-0", "abc", "1-x", "-1", "", "0-*"])
GROUPS = st.sampled_from(["g1", "g2"])
CONSUMERS = st.sampled_from(["c1", "c2"])
EXPIRES = st.sampled_from([100, 1000, 5000, datetime.timedelta(seconds=3000), 0, -1, "abc"])
ZADD_FLAGS: st.SearchStrategy[list[str]] = st.one_of(
    st.just([]),
    st.sampled_from([["nx"], ["xx"], ["ch"], ["gt"], ["lt"], ["incr"], ["xx", "ch"], ["gt", "ch"]]),
    st.lists(st.sampled_from(["nx", "xx", "ch", "incr", "gt", "lt"]), max_size=3, unique=True),
)
MACHINE_SCRIPTS = [
    "return redis.call('GET', KEYS[1])",
    "return {KEYS[1], ARGV[1]}",
    "return redis.call('INCRBY', KEYS[1], ARGV[1])",
    "return redis.call('HGETALL', KEYS[1])",
    "return redis.error_reply('NOPE ' .. ARGV[1])",
]


class HotMethodsMachine(DifferentialMachine):
    """Rules call redis-py methods; every result is compared with Redis.

    Each family has its own keys plus a shared one, so most calls do real work
    and some meet a key of another type. Stream IDs mostly increase (a counter),
    so XREADGROUP and XACK have entries to serve.
    """

    shas: list[str]
    next_ms: int

    def call(self, fn: Call, normalize: Normalizer = _identity) -> Any:
        got = outcome(lambda: normalize(fn(self.burner)))
        want = outcome(lambda: normalize(fn(self.real)))
        assert got == want, f"burner {got} != redis {want}"
        return got.value

    @initialize()
    def seed(self) -> None:
        self.shas = [self.call(lambda r, s=src: r.script_load(s)) for src in MACHINE_SCRIPTS]  # type: ignore[misc]
        self.next_ms = 2
        self.call(lambda r: r.set("s1", "1"))
        self.call(lambda r: r.hset("h1", mapping={"f1": "a", "f3": "b"}))
        self.call(lambda r: r.sadd("set1", "f1", "\u00e9"))
        self.call(lambda r: r.zadd("z1", {"f1": 1, "f2": 2, "f3": 3}))
        self.call(lambda r: r.xgroup_create("x1", "g1", id="0", mkstream=True))
        self.call(lambda r: r.xadd("x1", {"f1": "a"}, id="1-1"))
        self.call(lambda r: r.xadd("x1", {"f2": "b"}, id="2-1"))

    # strings
    @rule(key=st.one_of(STRING_KEYS, ANY_KEYS))
    def get(self, key: Any) -> None:
        self.call(lambda r: r.get(key))

    @rule(
        key=STRING_KEYS,
        value=MVALUES,
        condition=st.sampled_from([{}, {}, {"nx": True}, {"xx": True}]),
        expiry=st.sampled_from([{}, {}, {"ex": 500}, {"px": 700_000}, {"keepttl": True}, {"ex": 0}]),
        get=st.booleans(),
    )
    def set(
        self, key: Any, value: Any, condition: dict[str, Any], expiry: dict[str, Any], get: bool
    ) -> None:
        self.call(lambda r: r.set(key, value, get=get, **condition, **expiry))
        self.call(lambda r: r.ttl(key), ttl_bucket)

    @rule(keys=st.lists(st.one_of(STRING_KEYS, ANY_KEYS), max_size=4), as_list=st.booleans())
    def mget(self, keys: list[Any], as_list: bool) -> None:
        if as_list:
            self.call(lambda r: r.mget(keys))
        elif keys:
            self.call(lambda r: r.mget(keys[0], *keys[1:]))

    @rule(
        key=STRING_KEYS,
        amount=st.one_of(
            st.none(),
            st.integers(-10, 10),
            st.integers(-(2**63), 2**63 - 1),
            st.sampled_from([2**63, "x"]),
        ),
    )
    def incr(self, key: Any, amount: Any) -> None:
        if amount is None:
            self.call(lambda r: r.incr(key))
        else:
            self.call(lambda r: r.incrby(key, amount))

    # hashes
    @rule(key=HASH_KEYS, field=MFIELDS)
    def hget(self, key: Any, field: Any) -> None:
        self.call(lambda r: r.hget(key, field))

    @rule(key=HASH_KEYS, field=MFIELDS, value=MVALUES)
    def hset(self, key: Any, field: Any, value: Any) -> None:
        self.call(lambda r: r.hset(key, field, value))

    @rule(
        key=HASH_KEYS,
        field=st.one_of(st.none(), MFIELDS),
        value=MVALUES,
        mapping=st.one_of(st.none(), st.dictionaries(MFIELDS, MVALUES, max_size=3)),
        items=st.one_of(st.none(), st.lists(MVALUES, max_size=4)),
    )
    def hset_forms(
        self, key: Any, field: Any, value: Any, mapping: dict[Any, Any] | None, items: list[Any] | None
    ) -> None:
        self.call(lambda r: r.hset(key, field, value, mapping=mapping, items=items))

    @rule(key=HASH_KEYS)
    def hgetall(self, key: Any) -> None:
        self.call(lambda r: r.hgetall(key))

    # sets
    @rule(key=SET_KEYS, members=st.lists(MFIELDS, min_size=1, max_size=3))
    def sadd(self, key: Any, members: list[Any]) -> None:
        self.call(lambda r: r.sadd(key, *members))

    @rule(key=st.one_of(SET_KEYS, ANY_KEYS), member=MFIELDS)
    def sismember(self, key: Any, member: Any) -> None:
        self.call(lambda r: r.sismember(key, member))

    # sorted sets
    @rule(
        key=ZSET_KEYS,
        mapping=st.dictionaries(MFIELDS, SCORES, min_size=1, max_size=3),
        flags=ZADD_FLAGS,
    )
    def zadd(self, key: Any, mapping: dict[Any, Any], flags: list[str]) -> None:
        options = dict.fromkeys(flags, True)
        self.call(lambda r: r.zadd(key, mapping, **options))

    @rule(key=ZSET_KEYS, mapping=st.dictionaries(MFIELDS, BAD_SCORES, max_size=2), flags=ZADD_FLAGS)
    def zadd_bad(self, key: Any, mapping: dict[Any, Any], flags: list[str]) -> None:
        options = dict.fromkeys(flags, True)
        self.call(lambda r: r.zadd(key, mapping, **options))

    @rule(
        key=ZSET_KEYS,
        low=LOW_BOUNDS,
        high=HIGH_BOUNDS,
        limit=st.one_of(st.none(), st.tuples(st.integers(-1, 3), st.integers(-1, 3))),
        withscores=st.booleans(),
    )
    def zrangebyscore(
        self, key: Any, low: Any, high: Any, limit: tuple[int, int] | None, withscores: bool
    ) -> None:
        if limit is None:
            self.call(lambda r: r.zrangebyscore(key, low, high, withscores=withscores))
        else:
            start, num = limit
            self.call(
                lambda r: r.zrangebyscore(key, low, high, start=start, num=num, withscores=withscores)
            )

    @rule(key=ZSET_KEYS, low=st.one_of(LOW_BOUNDS, BAD_BOUNDS), high=BAD_BOUNDS, start=st.none() | st.just(0))
    def zrangebyscore_bad(self, key: Any, low: Any, high: Any, start: int | None) -> None:
        self.call(lambda r: r.zrangebyscore(key, low, high, start=start))

    @rule(key=ZSET_KEYS, members=st.lists(MFIELDS, min_size=1, max_size=3))
    def zrem(self, key: Any, members: list[Any]) -> None:
        self.call(lambda r: r.zrem(key, *members))

    # streams
    @rule(
        key=STREAM_KEYS,
        fields=st.dictionaries(MFIELDS, MVALUES, min_size=1, max_size=2),
        form=st.sampled_from(["next", "next", "seq", "same-ms", "bad"]),
        bad=BAD_IDS,
        trim=st.sampled_from(
            [
                {},
                {},
                {"maxlen": 3, "approximate": False},
                {"maxlen": 0},
                {"maxlen": 1, "approximate": False, "nomkstream": True},
                {"minid": "3-0", "approximate": False},
                {"minid": "abc"},
                {"maxlen": 3, "limit": 5},
                {"maxlen": 2, "approximate": False, "limit": 5},
                {"nomkstream": True},
            ]
        ),
    )
    def xadd(self, key: Any, fields: dict[Any, Any], form: str, bad: str, trim: dict[str, Any]) -> None:
        if form == "next":
            self.next_ms += 1
            sid = f"{self.next_ms}-1"
        elif form == "seq":
            sid = f"{self.next_ms}-*"
        elif form == "same-ms":
            sid = f"{self.next_ms}-0"
        else:
            sid = bad
        self.call(lambda r: r.xadd(key, fields, id=sid, **trim))

    @rule(key=STREAM_KEYS, group=GROUPS, start=st.sampled_from(["0", "0", "$"]), mkstream=st.booleans())
    def xgroup_create(self, key: Any, group: str, start: str, mkstream: bool) -> None:
        self.call(lambda r: r.xgroup_create(key, group, id=start, mkstream=mkstream))

    @rule(
        keys=st.one_of(
            st.just(["x1"]),
            st.lists(STREAM_KEYS, min_size=1, max_size=2, unique_by=_key_bytes),
        ),
        group=st.sampled_from(["g1", "g1", "g2"]),
        consumer=CONSUMERS,
        start=st.sampled_from([">", ">", "0", "2-0"]),
        count=st.one_of(st.none(), st.integers(1, 3)),
        noack=st.booleans(),
    )
    def xreadgroup(
        self, keys: list[Any], group: str, consumer: str, start: str, count: int | None, noack: bool
    ) -> None:
        streams: dict[Any, Any] = dict.fromkeys(keys, start)
        self.call(lambda r: r.xreadgroup(group, consumer, streams, count=count, noack=noack))

    @rule(
        key=STREAM_KEYS,
        group=GROUPS,
        ms=st.lists(st.integers(0, 12), min_size=1, max_size=3),
        bad=st.one_of(st.none(), BAD_IDS),
    )
    def xack(self, key: Any, group: str, ms: list[int], bad: str | None) -> None:
        ids = [f"{m}-1" for m in ms] + ([bad] if bad is not None else [])
        self.call(lambda r: r.xack(key, group, *ids))

    # keys
    @rule(
        key=ANY_KEYS,
        seconds=EXPIRES,
        flags=st.one_of(
            st.just([]), st.lists(st.sampled_from(["nx", "xx", "gt", "lt"]), max_size=2, unique=True)
        ),
    )
    def expire(self, key: Any, seconds: Any, flags: list[str]) -> None:
        if "gt" in flags or "lt" in flags:
            # GT/LT compare absolute deadlines: let both clocks move past the last one.
            time.sleep(0.002)
        options = dict.fromkeys(flags, True)
        self.call(lambda r: r.expire(key, seconds, **options))
        self.call(lambda r: r.ttl(key), ttl_bucket)

    @rule(keys=st.lists(ANY_KEYS, min_size=1, max_size=3))
    def delete(self, keys: list[Any]) -> None:
        self.call(lambda r: r.delete(*keys))

    @rule(keys=st.lists(ANY_KEYS, min_size=1, max_size=3))
    def exists(self, keys: list[Any]) -> None:
        self.call(lambda r: r.exists(*keys))

    @rule(script=st.integers(0, len(MACHINE_SCRIPTS)), key=ANY_KEYS, arg=MVALUES)
    def evalsha(self, script: int, key: Any, arg: Any) -> None:
        sha = self.shas[script] if script < len(self.shas) else "f" * 40
        self.call(lambda r: r.evalsha(sha, 1, key, arg))

    def teardown(self) -> None:
        self.real.flushall()
        super().teardown()


@pytest.mark.parametrize(
    "config",
    [{"protocol": 2, "decode_responses": False}, {"protocol": 3, "decode_responses": True}],
    ids=["resp2-bytes", "resp3-str"],
)
def test_hot_methods_machine(redis_server: Any, config: dict[str, Any]) -> None:
    run_machine(HotMethodsMachine, redis_server, config, max_examples=60, steps=40)


@pytest.mark.parametrize(
    "argv",
    [
        ("XADD", "t", "LIMIT", "5", "1-0", "a", "1"),
        ("XADD", "t", "LIMIT", "0", "1-0", "a", "1"),
        ("XADD", "t", "LIMIT", "5", "1-0", "a"),
        ("XADD", "t", "NOMKSTREAM", "LIMIT", "5", "1-0", "a", "1"),
        ("XADD", "t", "LIMIT", "5", "MAXLEN", "1", "1-0", "a", "1"),
        ("XADD", "t", "LIMIT", "5", "abc", "a", "1"),
        ("XTRIM", "t", "LIMIT", "5"),
        ("XTRIM", "t", "LIMIT", "0"),
        ("XTRIM", "t", "MAXLEN", "1", "LIMIT", "0"),
        ("XTRIM", "t", "MAXLEN", "~", "1", "LIMIT", "0"),
    ],
    ids=" ".join,
)
def test_trim_limit_checks(clean: Pair, argv: tuple[str, ...]) -> None:
    """The order of XADD/XTRIM's LIMIT checks (the one case xadd() reaches is above)."""
    clean.both(lambda r: r.xadd("t", {"f": "v"}, id="1-0"))
    clean.cmd(*argv)


# --- what the client layer around the methods may change -------------------


def ex(client: redis.Redis, *args: Any, **options: Any) -> Any:
    """``execute_command`` (untyped in redis-py's sync client)."""
    return client.execute_command(*args, **options)  # type: ignore[no-untyped-call,unused-ignore]


HOT_CALLS: list[Call] = [
    lambda r: r.set("s", "1"),
    lambda r: r.set("s", "2", nx=True),
    lambda r: r.set("s", "3", ex=100),
    lambda r: r.set("s", "4", get=True),
    lambda r: r.get("s"),
    lambda r: r.mget(["s", "missing"]),
    lambda r: r.mget("s", "missing"),
    lambda r: r.incr("s"),
    lambda r: r.incrby("s", 3),
    lambda r: r.hset("h", "f", "v"),
    lambda r: r.hset("h", mapping={"g": "w"}),
    lambda r: r.hget("h", "f"),
    lambda r: r.hgetall("h"),
    lambda r: r.sadd("set", "a", "b"),
    lambda r: r.sismember("set", "a"),
    lambda r: r.zadd("z", {"a": 1, "b": 2}),
    lambda r: r.zadd("z", {"a": 5}, incr=True),
    lambda r: r.zrangebyscore("z", "-inf", "+inf", withscores=True),
    lambda r: r.zrem("z", "b"),
    lambda r: r.xadd("x", {"f": "v"}, id="1-0"),
    lambda r: r.xgroup_create("x", "g", id="0"),
    lambda r: r.xreadgroup("g", "c", {"x": ">"}, count=1),
    lambda r: r.xack("x", "g", "1-0"),
    lambda r: r.expire("s", 300),
    lambda r: r.exists("s", "h", "nope"),
    lambda r: r.evalsha(sha1_of("return KEYS[1]"), 1, "k"),
    lambda r: r.delete("s", "h", "set", "z", "x"),
]


def sha1_of(script: str) -> str:
    return hashlib.sha1(script.encode()).hexdigest()


def test_response_callbacks(clean: Pair) -> None:
    """A callback set with set_response_callback is used by every hot method."""
    pair = clean
    commands = [
        "GET", "SET", "MGET", "INCRBY", "HGET", "HSET", "HGETALL", "SADD", "SISMEMBER",
        "ZADD", "ZRANGEBYSCORE", "ZREM", "XADD", "XREADGROUP", "XACK", "EXPIRE", "DEL",
        "EXISTS", "EVALSHA",
    ]

    def install(r: redis.Redis) -> None:
        for name in commands:
            r.set_response_callback(name, lambda value, name=name, **options: (name, value, sorted(options)))

    same(pair, lambda r: r.script_load("return KEYS[1]"))
    pair.both(install)
    same_all(pair, HOT_CALLS)


def test_inside_multi(clean: Pair) -> None:
    """Inside MULTI (sent by hand) each method's command is queued, then EXEC runs them."""
    pair = clean
    same(pair, lambda r: r.script_load("return KEYS[1]"))
    same(pair, lambda r: ex(r, "MULTI"))
    same_all(pair, HOT_CALLS)
    same(pair, lambda r: r.get("missing"))
    same(pair, lambda r: ex(r, "EXEC"))
    # A command that cannot queue makes EXEC fail, as for any other command.
    same(pair, lambda r: ex(r, "MULTI"))
    same(pair, lambda r: r.set("k", "v"))
    same(pair, lambda r: r.delete())
    same(pair, lambda r: r.get("k"))
    same(pair, lambda r: ex(r, "EXEC"))
    same(pair, lambda r: r.exists("k"))


def test_select(clean: Pair) -> None:
    pair = clean
    same_all(
        pair,
        [
            lambda r: r.set("k", "db0"),
            lambda r: r.select(3),
            lambda r: r.get("k"),
            lambda r: r.set("k", "db3"),
            lambda r: r.hset("h", "f", "db3"),
            lambda r: r.exists("k", "h"),
            lambda r: r.select(0),
            lambda r: r.get("k"),
            lambda r: r.hget("h", "f"),
            lambda r: r.select(3),
            lambda r: r.delete("k", "h"),
            lambda r: r.select(0),
        ],
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"decode_responses": True, "encoding": "latin-1"},
        {"decode_responses": True, "encoding_errors": "replace"},
        {"decode_responses": True, "encoding_errors": "ignore", "protocol": 3},
        {"encoding": "ascii"},
        {"encoding": "ascii", "encoding_errors": "replace", "decode_responses": True},
        # Option words redis-py sends as str come out in utf-16 too, which
        # Redis does not recognise: burner runs these clients on the general path.
        {"encoding": "utf-16", "decode_responses": True, "protocol": 2},
        {},
    ],
    ids=repr,
)
def test_other_client_settings(redis_server: RedisServerProcess, kwargs: dict[str, Any]) -> None:
    """Encoding, decoding errors and the default protocol, through the methods."""
    real = redis_server.client(**kwargs)
    real.flushall()
    real.script_flush()
    pair = Pair(burner=burner.Redis(**kwargs), real=real, kwargs=kwargs)
    text = "caf\u00e9 \u2603"
    members: dict[Any, int] = {text: 1, b"\xff": 2}
    try:
        same(pair, lambda r: r.script_load("return {KEYS[1], ARGV[1]}"))
        same_all(
            pair,
            [
                lambda r: r.set(text, text),
                lambda r: r.get(text),
                lambda r: r.set("bin", b"\xe9\xff"),
                lambda r: r.get("bin"),
                lambda r: r.mget(["bin", text, "missing"]),
                lambda r: r.set("bin", text, get=True),
                lambda r: r.set(text, "x", ex=100),
                lambda r: r.incr(text),
                lambda r: r.incr("n", 5),
                lambda r: r.hset("h", text, b"\xff"),
                lambda r: r.hset("h", mapping={b"\xfe": text}),
                lambda r: r.hget("h", text),
                lambda r: r.hgetall("h"),
                lambda r: r.sadd("s", text, b"\xff"),
                lambda r: r.sismember("s", text),
                lambda r: r.zadd("z", members),
                lambda r: r.zrangebyscore("z", "-inf", "+inf", withscores=True),
                lambda r: r.zrem("z", text),
                lambda r: r.xadd("x", {text: b"\xff"}, id="1-0"),
                lambda r: r.xgroup_create("x", "g", id="0"),
                lambda r: r.xreadgroup("g", text, {"x": ">"}),
                lambda r: r.xack("x", "g", "1-0"),
                lambda r: r.expire(text, 100),
                lambda r: r.exists(text, "bin", "h"),
                lambda r: r.evalsha(sha1_of("return {KEYS[1], ARGV[1]}"), 1, text, b"\xff"),
                lambda r: r.delete(text, "h", "s"),
            ],
        )
    finally:
        real.close()
        pair.burner.close()


def test_expired_keys(clean: Pair) -> None:
    """Keys whose TTL has passed are gone for every method (lazy expiry)."""
    pair = clean
    setup_calls: list[Call] = [
        lambda r: r.set("s", "1", px=1),
        lambda r: r.set("n", "5", px=1),
        lambda r: r.hset("h", "f", "v"),
        lambda r: r.sadd("set", "m"),
        lambda r: r.zadd("z", {"m": 1}),
        lambda r: r.xadd("x", {"f": "v"}, id="5-0"),
        lambda r: r.xgroup_create("x", "g", id="0"),
        lambda r: r.pexpire("h", 1),
        lambda r: r.pexpire("set", 1),
        lambda r: r.pexpire("z", 1),
        lambda r: r.pexpire("x", 1),
    ]
    same_all(pair, setup_calls)
    time.sleep(0.02)
    same_all(
        pair,
        [
            lambda r: r.get("s"),
            lambda r: r.mget(["s", "n"]),
            lambda r: r.incr("n"),
            lambda r: r.hget("h", "f"),
            lambda r: r.hgetall("h"),
            lambda r: r.sismember("set", "m"),
            lambda r: r.zrangebyscore("z", "-inf", "+inf"),
            lambda r: r.zrem("z", "m"),
            lambda r: r.xreadgroup("g", "c", {"x": ">"}),
            lambda r: r.xack("x", "g", "5-0"),
            lambda r: r.xadd("x", {"f": "v"}, id="1-0"),
            lambda r: r.expire("set", 100),
            lambda r: r.exists("s", "n", "h", "set", "z", "x"),
            lambda r: r.delete("s", "h", "set", "z"),
            lambda r: r.set("s", "again", xx=True),
            lambda r: r.set("s", "again", nx=True),
            lambda r: r.get("s"),
        ],
    )


# Each hot write: (setup, the call made by another client while the key is watched).
TOUCHES: dict[str, tuple[Call, Call]] = {
    "set": (lambda r: r.set("k", "1"), lambda r: r.set("k", "2")),
    "set-same-value": (lambda r: r.set("k", "1"), lambda r: r.set("k", "1")),
    "set-nx-refused": (lambda r: r.set("k", "1"), lambda r: r.set("k", "2", nx=True)),
    "set-xx-missing": (lambda r: r.set("o", "1"), lambda r: r.set("k", "2", xx=True)),
    "set-ex": (lambda r: r.set("k", "1"), lambda r: r.set("k", "1", ex=100)),
    "incr": (lambda r: r.set("k", "1"), lambda r: r.incr("k")),
    "incr-refused": (lambda r: r.set("k", "x"), lambda r: r.incr("k")),
    "incrby-zero": (lambda r: r.set("k", "1"), lambda r: r.incrby("k", 0)),
    "get": (lambda r: r.set("k", "1"), lambda r: r.get("k")),
    "hset": (lambda r: r.hset("k", "f", "v"), lambda r: r.hset("k", "f", "w")),
    "hset-same": (lambda r: r.hset("k", "f", "v"), lambda r: r.hset("k", "f", "v")),
    "hset-mapping": (lambda r: r.hset("k", "f", "v"), lambda r: r.hset("k", mapping={"g": "v"})),
    "hgetall": (lambda r: r.hset("k", "f", "v"), lambda r: r.hgetall("k")),
    "sadd": (lambda r: r.sadd("k", "a"), lambda r: r.sadd("k", "b")),
    "sadd-existing": (lambda r: r.sadd("k", "a"), lambda r: r.sadd("k", "a")),
    "sismember": (lambda r: r.sadd("k", "a"), lambda r: r.sismember("k", "a")),
    "zadd": (lambda r: r.zadd("k", {"a": 1}), lambda r: r.zadd("k", {"a": 2})),
    "zadd-same": (lambda r: r.zadd("k", {"a": 1}), lambda r: r.zadd("k", {"a": 1})),
    "zadd-nx-refused": (lambda r: r.zadd("k", {"a": 1}), lambda r: r.zadd("k", {"a": 5}, nx=True)),
    "zadd-incr-zero": (lambda r: r.zadd("k", {"a": 1}), lambda r: r.zadd("k", {"a": 0}, incr=True)),
    "zrem": (lambda r: r.zadd("k", {"a": 1, "b": 2}), lambda r: r.zrem("k", "a")),
    "zrem-missing": (lambda r: r.zadd("k", {"a": 1}), lambda r: r.zrem("k", "x")),
    "zrangebyscore": (lambda r: r.zadd("k", {"a": 1}), lambda r: r.zrangebyscore("k", 0, 1)),
    "xadd": (lambda r: r.xadd("k", {"f": "v"}, id="1-0"), lambda r: r.xadd("k", {"f": "v"}, id="2-0")),
    "xadd-refused": (
        lambda r: r.xadd("k", {"f": "v"}, id="5-0"),
        lambda r: r.xadd("k", {"f": "v"}, id="1-0"),
    ),
    "xadd-nomkstream": (lambda r: r.set("o", "1"), lambda r: r.xadd("k", {"f": "v"}, nomkstream=True)),
    "xreadgroup": (
        lambda r: r.xgroup_create("k", "g", id="0", mkstream=True) and r.xadd("k", {"f": "v"}, id="1-0"),
        lambda r: r.xreadgroup("g", "c", {"k": ">"}),
    ),
    "xreadgroup-nothing": (
        lambda r: r.xgroup_create("k", "g", id="$", mkstream=True),
        lambda r: r.xreadgroup("g", "c", {"k": ">"}),
    ),
    "xreadgroup-history": (
        lambda r: r.xgroup_create("k", "g", id="0", mkstream=True) and r.xadd("k", {"f": "v"}, id="1-0"),
        lambda r: r.xreadgroup("g", "c", {"k": "0"}),
    ),
    "xack": (
        lambda r: (
            r.xgroup_create("k", "g", id="0", mkstream=True)
            and r.xadd("k", {"f": "v"}, id="1-0")
            and r.xreadgroup("g", "c", {"k": ">"})
        ),
        lambda r: r.xack("k", "g", "1-0"),
    ),
    "xack-nothing": (
        lambda r: r.xgroup_create("k", "g", id="0", mkstream=True),
        lambda r: r.xack("k", "g", "1-0"),
    ),
    "expire": (lambda r: r.set("k", "1"), lambda r: r.expire("k", 100)),
    "expire-refused": (lambda r: r.set("k", "1"), lambda r: r.expire("k", 100, xx=True)),
    "expire-zero": (lambda r: r.set("k", "1"), lambda r: r.expire("k", 0)),
    "delete": (lambda r: r.set("k", "1"), lambda r: r.delete("k")),
    "delete-missing": (lambda r: r.set("o", "1"), lambda r: r.delete("k")),
    "exists": (lambda r: r.set("k", "1"), lambda r: r.exists("k")),
    "evalsha-write": (
        lambda r: r.set("k", "1"),
        lambda r: r.evalsha(sha1_of("return redis.call('INCR', KEYS[1])"), 1, "k"),
    ),
    "evalsha-read": (
        lambda r: r.set("k", "1"),
        lambda r: r.evalsha(sha1_of("return redis.call('GET', KEYS[1])"), 1, "k"),
    ),
}


@pytest.mark.parametrize(
    "touch",
    list(TOUCHES),  # XREADGROUP and XACK: a change of consumer-group state only

)
def test_watch_touched_by_method(clean: Pair, touch: str) -> None:
    """WATCH sees what each method does to the key, made by another client."""
    pair = clean
    setup_call, touch_call = TOUCHES[touch]
    kwargs = pair.kwargs
    assert isinstance(pair.burner, burner.Redis)
    other_burner = burner.Redis(server=pair.burner.server, **kwargs)
    other_real = redis.Redis(
        host="127.0.0.1", port=pair.real.connection_pool.connection_kwargs["port"], **kwargs
    )

    def run(main: redis.Redis, other: redis.Redis) -> Outcome:
        other.script_load("return redis.call('INCR', KEYS[1])")
        other.script_load("return redis.call('GET', KEYS[1])")
        setup_call(other)
        with main.pipeline() as pipe:
            pipe.watch("k")  # type: ignore[no-untyped-call,unused-ignore]
            touched = outcome(lambda: touch_call(other))
            pipe.multi()
            pipe.set("done", "1")
            result = outcome(lambda: pipe.execute())
        return Outcome(value=(touched, result))

    try:
        got = run(pair.burner, other_burner)
        want = run(pair.real, other_real)
        assert got == want, f"burner {got} != redis {want}"
    finally:
        other_burner.close()
        other_real.close()


def _results(values: Any) -> Any:
    """A pipeline's results, with exceptions as (class name, text)."""
    if isinstance(values, list):
        return [(type(v).__name__, str(v)) if isinstance(v, Exception) else v for v in values]
    return values


PIPELINE_CALLS: list[Callable[[Any], Any]] = [
    lambda p: p.set("s", "1"),
    lambda p: p.set("s", "2", nx=True),
    lambda p: p.set("s", "3", xx=True, get=True),
    lambda p: p.set("s", "4", ex=100),
    lambda p: p.set("s", "5", px=100_000, get=True),
    lambda p: p.set("s", "6", keepttl=True),
    lambda p: p.set("s", b"\xff", ex=datetime.timedelta(seconds=50)),
    lambda p: p.set("s", "7", ex=0),
    lambda p: p.set("s", 2.5),
    lambda p: p.set(7, memoryview(b"mv")),
    lambda p: p.get("s"),
    lambda p: p.get(7),
    lambda p: p.get("missing"),
    lambda p: p.mget(["s", 7, "missing"]),
    lambda p: p.incr("n"),
    lambda p: p.incrby("n", 5),
    lambda p: p.incr("s"),
    lambda p: p.hset("h", "f", "v"),
    lambda p: p.hset("h", mapping={"g": "w"}),
    lambda p: p.hget("h", "f"),
    lambda p: p.hgetall("h"),
    lambda p: p.get("h"),
    lambda p: p.sadd("set", "a"),
    lambda p: p.sismember("set", "a"),
    lambda p: p.zadd("z", {"a": 1}),
    lambda p: p.zadd("z", {"a": 2}, incr=True),
    lambda p: p.zadd("z", {"a": "x"}),
    lambda p: p.zrangebyscore("z", "-inf", "+inf", withscores=True),
    lambda p: p.zrem("z", "a"),
    lambda p: p.xadd("x", {"f": "v"}, id="1-0"),
    lambda p: p.xadd("x", {"f": "v"}, id="1-0"),
    lambda p: p.xgroup_create("x", "g", id="0"),
    lambda p: p.xreadgroup("g", "c", {"x": ">"}),
    lambda p: p.xack("x", "g", "1-0"),
    lambda p: p.expire("s", 100),
    lambda p: p.ttl("s"),
    lambda p: p.exists("s", "h", "n"),
    lambda p: p.evalsha(sha1_of("return KEYS[1]"), 1, "k"),
    lambda p: p.evalsha("0" * 40, 0),
    lambda p: p.delete("s", "h", "set"),
    lambda p: p.get("s"),
]


def _ttl_in_results(values: Any) -> Any:
    out = _results(values)
    if isinstance(out, list):
        ttl_at = len(PIPELINE_CALLS) - 6  # the ttl("s") call
        out[ttl_at] = ttl_bucket(out[ttl_at])
    return out


@pytest.mark.parametrize("transaction", [True, False], ids=["multi", "plain"])
def test_methods_in_pipelines(clean: Pair, transaction: bool) -> None:
    pair = clean
    same(pair, lambda r: r.script_load("return KEYS[1]"))

    def run(r: redis.Redis) -> Any:
        with r.pipeline(transaction=transaction) as pipe:
            for queue in PIPELINE_CALLS:
                queue(pipe)
            return _ttl_in_results(pipe.execute(raise_on_error=False))

    same(pair, run)

    def run_raising(r: redis.Redis) -> Any:
        with r.pipeline(transaction=transaction) as pipe:
            pipe.set("a", "1")
            pipe.incr("a")
            pipe.hget("a", "f")
            pipe.get("a")
            return pipe.execute()

    same(pair, run_raising)
