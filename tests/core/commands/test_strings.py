"""String commands, compared with the real redis-server."""

from __future__ import annotations

import random
import time

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import burner
from tests.oracle import Pair, RedisServerProcess, make_pair


def setup_key(pair: Pair, ttl: bool = False) -> None:
    pair.both(lambda r: r.set("k", "old", ex=1000 if ttl else None))
    pair.both(lambda r: r.hset("h", "f", "v"))


# --- GET / SET ------------------------------------------------------------------
def test_get_set_basic(pair: Pair) -> None:
    pair.cmd("GET", "k")
    pair.cmd("SET", "k", "v")
    pair.cmd("GET", "k")
    pair.cmd("SET", "k", "")
    pair.cmd("GET", "k")
    pair.cmd("SET", "k", b"\x00\x01 caf\xc3\xa9")
    pair.check(lambda r: r.get("k"))
    pair.check(lambda r: r.set("n", 12))
    pair.check(lambda r: r.set("f", 1.5))
    pair.check(lambda r: r.get("n"))
    pair.check(lambda r: r.get("f"))
    pair.cmd("GET")
    pair.cmd("SET", "k")
    pair.cmd("get", "a", "b")


SET_OPTIONS: list[list[str]] = [
    ["NX"],
    ["XX"],
    ["GET"],
    ["KEEPTTL"],
    ["EX", "100"],
    ["PX", "100000"],
    ["EXAT", "99999999999"],
    ["PXAT", "99999999999000"],
    ["EXAT", "1"],
    ["PXAT", "1"],
    ["NX", "GET"],
    ["XX", "GET"],
    ["NX", "EX", "100"],
    ["XX", "PX", "100000", "GET"],
    ["GET", "KEEPTTL", "XX"],
    ["nx", "nx"],
    ["get", "get"],
    ["EX", "10", "EX", "200"],
    ["KEEPTTL", "KEEPTTL"],
    ["ex", "100", "get"],
    # errors
    ["NX", "XX"],
    ["XX", "NX"],
    ["EX", "10", "PX", "10"],
    ["PX", "10", "EXAT", "10"],
    ["EXAT", "10", "PXAT", "10"],
    ["KEEPTTL", "EX", "10"],
    ["EX", "10", "KEEPTTL"],
    ["EX"],
    ["PX"],
    ["GET", "EX"],
    ["PERSIST"],
    ["BOGUS"],
    ["EX", "0"],
    ["EX", "-1"],
    ["PX", "0"],
    ["EXAT", "0"],
    ["PXAT", "-5"],
    ["EX", "abc"],
    ["EX", "1.5"],
    ["EX", "9223372036854775"],
    ["EX", "9223372036854776"],
    ["PX", "9223372036854775807"],
    ["EXAT", "9223372036854775"],
    ["EXAT", "9223372036854776"],
    ["PXAT", "9223372036854775807"],
    ["EX", "99999999999999999999"],
    ["EX", "abc", "NX", "XX"],
    ["EX", "abc", "GET"],
    ["EX", "0", "GET"],
    ["PERSIST", "EX", "abc"],
]


@pytest.mark.parametrize("options", SET_OPTIONS, ids=lambda o: " ".join(o) or "none")
@pytest.mark.parametrize("start", ["missing", "string", "string-ttl", "hash"])
def test_set_options(pair: Pair, start: str, options: list[str]) -> None:
    key = "h" if start == "hash" else "k"
    if start != "missing":
        setup_key(pair, ttl=start == "string-ttl")
    pair.cmd("SET", key, "new", *options)
    pair.cmd("TYPE", key)
    pair.cmd("GET", key) if key == "k" else pair.cmd("HGETALL", key)
    pair.check_ttl(lambda r: r.ttl(key))


def test_set_redis_py_signature(pair: Pair) -> None:
    pair.check(lambda r: r.set("k", "v", ex=100))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.check(lambda r: r.set("k", "v", px=50000, xx=True))
    pair.check(lambda r: r.set("k", "w", nx=True))
    pair.check(lambda r: r.set("k", "w", nx=True, get=True))
    pair.check(lambda r: r.set("k", "x", xx=True, get=True, keepttl=True))
    pair.check_ttl(lambda r: r.ttl("k"))
    future = int(time.time()) + 1000
    pair.check(lambda r: r.set("k", "y", exat=future))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.check(lambda r: r.set("k", "z", pxat=future * 1000, get=True))
    pair.check(lambda r: r.set("m", "z", xx=True))
    pair.check(lambda r: r.set("m", "z", xx=True, get=True))
    pair.check(lambda r: r.get("m"))
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.check(lambda r: r.set("h", "z", get=True))
    pair.check(lambda r: r.set("h", "z"))
    pair.check(lambda r: r.type("h"))


@pytest.mark.filterwarnings("ignore:Call to deprecated setex")
def test_setnx_setex_psetex(pair: Pair) -> None:
    pair.check(lambda r: r.setnx("k", "v"))
    pair.check(lambda r: r.setnx("k", "w"))
    pair.check(lambda r: r.get("k"))
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("SETNX", "h", "v")
    pair.cmd("SETNX", "k")
    pair.check(lambda r: r.setex("k", 100, "v2"))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.check(lambda r: r.psetex("k", 100000, "v3"))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.check(lambda r: r.get("k"))
    pair.cmd("SETEX", "h", "100", "v")
    pair.cmd("TYPE", "h")
    for bad in ["0", "-1", "abc", "1.5", "9223372036854776", "99999999999999999999", ""]:
        pair.cmd("SETEX", "k", bad, "v")
        pair.cmd("PSETEX", "k", bad, "v")
    pair.cmd("PSETEX", "k", "9223372036854775807", "v")
    pair.cmd("GET", "k")
    pair.cmd("SETEX", "k", "10")
    pair.cmd("PSETEX", "k", "10", "v", "x")


def test_setex_drops_old_ttl_set_keeps_with_keepttl(pair: Pair) -> None:
    setup_key(pair, ttl=True)
    pair.cmd("SET", "k", "v")
    pair.cmd("TTL", "k")
    pair.cmd("SET", "k", "v", "EX", "500")
    pair.cmd("SET", "k", "w", "KEEPTTL")
    pair.check_ttl(lambda r: r.ttl("k"))


def test_getset_getdel(pair: Pair) -> None:
    pair.check(lambda r: r.getset("k", "a"))
    pair.check(lambda r: r.getset("k", "b"))
    pair.both(lambda r: r.expire("k", 100))
    pair.check(lambda r: r.getset("k", "c"))
    pair.check(lambda r: r.ttl("k"))
    pair.check(lambda r: r.getdel("k"))
    pair.check(lambda r: r.getdel("k"))
    pair.check(lambda r: r.exists("k"))
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("GETSET", "h", "x")
    pair.cmd("GETDEL", "h")
    pair.cmd("TYPE", "h")
    pair.cmd("GETSET", "k")
    pair.cmd("GETDEL", "k", "x")


GETEX_OPTIONS: list[list[str]] = [
    [],
    ["EX", "100"],
    ["PX", "100000"],
    ["EXAT", "99999999999"],
    ["PXAT", "99999999999000"],
    ["EXAT", "1"],
    ["PXAT", "1"],
    ["PERSIST"],
    ["persist", "persist"],
    ["EX", "10", "EX", "200"],
    ["EX", "10", "PX", "10"],
    ["PERSIST", "EX", "10"],
    ["EX", "10", "PERSIST"],
    ["NX"],
    ["GET"],
    ["KEEPTTL"],
    ["EX"],
    ["EX", "0"],
    ["PX", "-1"],
    ["EX", "abc"],
    ["EX", "9223372036854776"],
    ["EXAT", "9223372036854776"],
    ["PXAT", "0"],
    ["EX", "abc", "NX"],
]


@pytest.mark.parametrize("options", GETEX_OPTIONS, ids=lambda o: " ".join(o) or "none")
@pytest.mark.parametrize("start", ["missing", "string-ttl", "hash"])
def test_getex(pair: Pair, start: str, options: list[str]) -> None:
    key = "h" if start == "hash" else "k"
    if start != "missing":
        setup_key(pair, ttl=True)
    pair.cmd("GETEX", key, *options)
    pair.cmd("TYPE", key)
    pair.check_ttl(lambda r: r.ttl(key))


def test_getex_redis_py(pair: Pair) -> None:
    setup_key(pair)
    pair.check(lambda r: r.getex("k"))
    pair.check(lambda r: r.getex("k", ex=100))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.check(lambda r: r.getex("k", px=200000))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.check(lambda r: r.getex("k", persist=True))
    pair.check(lambda r: r.ttl("k"))
    future = int(time.time()) + 1000
    pair.check(lambda r: r.getex("k", exat=future))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.check(lambda r: r.getex("k", pxat=future * 1000))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.check(lambda r: r.getex("k", ex=1, px=1))
    pair.check(lambda r: r.getex("missing", ex=5))
    pair.check(lambda r: r.getex("h", ex=5))


# --- multi-key ------------------------------------------------------------------
def test_mget_mset_msetnx(pair: Pair) -> None:
    pair.check(lambda r: r.mset({"a": "1", "b": "2", "c": "3"}))
    pair.check(lambda r: r.mget("a", "b", "missing", "c"))
    pair.check(lambda r: r.mget(["a", "c"]))
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("MGET", "a", "h", "a")
    pair.check(lambda r: r.msetnx({"x": "1", "y": "2"}))
    pair.check(lambda r: r.msetnx({"y": "3", "z": "4"}))
    pair.check(lambda r: r.mget("x", "y", "z"))
    pair.cmd("MSETNX", "p", "1", "p", "2")
    pair.cmd("GET", "p")
    pair.cmd("MSETNX", "h", "1")
    pair.cmd("MSET", "h", "now-a-string", "a", "again")
    pair.cmd("TYPE", "h")
    pair.both(lambda r: r.expire("a", 100))
    pair.cmd("MSET", "a", "x")
    pair.cmd("TTL", "a")
    pair.cmd("MSET", "a")
    pair.cmd("MSET", "a", "1", "b")
    pair.cmd("MSETNX", "a", "1", "b")
    pair.cmd("MSETNX", "a")
    pair.cmd("MGET")
    pair.cmd("MSET", "dup", "1", "dup", "2")
    pair.cmd("GET", "dup")


# --- counters -------------------------------------------------------------------
def test_incr_decr(pair: Pair) -> None:
    pair.check(lambda r: r.incr("n"))
    pair.check(lambda r: r.incr("n", 10))
    pair.check(lambda r: r.incrby("n", -3))
    pair.check(lambda r: r.decr("n"))
    pair.check(lambda r: r.decr("n", 5))
    pair.check(lambda r: r.decrby("n", 2))
    pair.check(lambda r: r.get("n"))
    pair.both(lambda r: r.expire("n", 100))
    pair.cmd("INCR", "n")
    pair.check_ttl(lambda r: r.ttl("n"))
    pair.cmd("DECRBY", "fresh", "7")
    pair.cmd("INCRBY", "fresh2", "-9223372036854775808")


@pytest.mark.parametrize(
    "stored",
    ["0", "-0", "01", " 1", "1 ", "+1", "1.0", "abc", "", "9223372036854775807",
     "-9223372036854775808", "9223372036854775808", "12345678901234567890123"],
)
def test_incr_stored_values(pair: Pair, stored: str) -> None:
    pair.both(lambda r: r.set("n", stored))
    pair.cmd("INCR", "n")
    pair.cmd("DECR", "n")
    pair.cmd("INCRBY", "n", "5")
    pair.cmd("DECRBY", "n", "-5")
    pair.cmd("GET", "n")


@pytest.mark.parametrize(
    "delta",
    ["1", "-1", "0", "abc", "1.5", "", " 1", "9223372036854775807", "-9223372036854775808",
     "9223372036854775808", "-9223372036854775809"],
)
def test_incrby_deltas(pair: Pair, delta: str) -> None:
    pair.cmd("INCRBY", "n", delta)
    pair.cmd("DECRBY", "m", delta)
    pair.both(lambda r: r.set("big", "9223372036854775800"))
    pair.cmd("INCRBY", "big", delta)
    pair.cmd("DECRBY", "big", delta)
    pair.both(lambda r: r.set("small", "-9223372036854775800"))
    pair.cmd("INCRBY", "small", delta)
    pair.cmd("DECRBY", "small", delta)
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("INCRBY", "h", delta)
    pair.cmd("DECRBY", "h", delta)
    pair.cmd("MGET", "n", "m", "big", "small")


def test_counter_errors(pair: Pair) -> None:
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("INCR", "h")
    pair.cmd("DECR", "h")
    pair.cmd("INCRBYFLOAT", "h", "1")
    pair.cmd("INCRBYFLOAT", "h", "x")
    pair.cmd("INCR")
    pair.cmd("INCR", "a", "b")
    pair.cmd("INCRBY", "a")
    pair.cmd("DECRBY", "a", "1", "2")
    pair.cmd("INCRBYFLOAT", "a")
    pair.both(lambda r: r.set("max", "9223372036854775807"))
    pair.cmd("INCR", "max")
    pair.both(lambda r: r.set("min", "-9223372036854775808"))
    pair.cmd("DECR", "min")
    pair.cmd("GET", "max")


@pytest.mark.parametrize(
    ("stored", "incr"),
    [
        (None, "0.1"), ("0.1", "0.2"), ("10.5", "0.1"), ("5.0e3", "2.0e2"), ("3", "-3"),
        (None, "1e300"), (None, "inf"), (None, "-inf"), ("inf", "1"), (None, "nan"),
        (None, " 1"), (None, "1 "), (None, "0x10"), (None, "0x1p-3"), (None, "1e"), (None, "."),
        (None, "1."), (None, ".5e1"), (None, "INFINITY"), (None, ""), (None, "1e-5000"),
        (None, "1e5000"), (None, "1e-4940"), (None, "-0"), (None, "+.5"),
        (None, "0.000003814697265625"), (None, "0.000011444091796875"), (None, "1.5e-17"),
        (None, "-1e-20"), ("abc", "1"), ("1 ", "1"), ("", "1"), ("1.18973149535723176502e4932", "1e4932"),
        ("9223372036854775807", "1"), ("0.1", "-0.1"), ("1e17", "0.5"), (None, "1\x00z"),
        (None, "123456789012345678901234567890"),
        # the edges of the x87 format: the largest finite value, subnormals, ties
        (None, "1.18973149535723176502e4932"), ("1.18973149535723176502e4932", "1e4913"),
        ("-1.18973149535723176502e4932", "-1e4913"), (None, "1.18973149535723176503e4932"),
        (None, "3.64519953188247460253e-4951"), (None, "1.8e-4951"), (None, "1.9e-4951"),
        ("3.3621031431120935063e-4932", "-3.6e-4951"), (None, "0x1p-16445"), (None, "0x1p-16446"),
        (None, "0x1.8p-16446"), (None, "0x1p16383"), (None, "0x1p16384"),
        (None, "0x1.00000000000000008p0"), (None, "0x1.00000000000000018p0"),
        ("18446744073709551615", "1"), ("9.99999999999999999e-1", "5e-18"),
        # lengths around the 5120-byte limit
        (None, "0" * 5000 + "1"), (None, "1" + "0" * 5118), (None, "1" + "0" * 5119),
        (None, "0." + "0" * 5000 + "1"), (None, "1e0000000000000000000000000000000001"),
    ],
    ids=lambda v: repr(v if v is None or len(v) < 30 else f"{v[:12]}...{len(v)}"),
)
def test_incrbyfloat_cases(pair: Pair, stored: str | None, incr: str) -> None:
    if stored is not None:
        pair.both(lambda r: r.set("f", stored))
    pair.cmd("INCRBYFLOAT", "f", incr)
    pair.cmd("GET", "f")


def test_incrbyfloat_redis_py(pair: Pair) -> None:
    pair.check(lambda r: r.incrbyfloat("f"))
    pair.check(lambda r: r.incrbyfloat("f", 0.1))
    pair.check(lambda r: r.incrbyfloat("f", -2.75))
    pair.check(lambda r: r.incrbyfloat("f", 1e-10))
    pair.check(lambda r: r.get("f"))
    pair.both(lambda r: r.set("g", "1", ex=100))
    pair.check(lambda r: r.incrbyfloat("g", 1))
    pair.check_ttl(lambda r: r.ttl("g"))


_FLOAT_TEXT = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda f: f"{f:.{abs(hash(f)) % 25}f}"),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.tuples(st.integers(-(10**20), 10**20), st.integers(-4960, 4940)).map(lambda t: f"{t[0]}e{t[1]}"),
    st.tuples(st.integers(0, 2**80), st.integers(-16500, 16400)).map(lambda t: f"{t[0]:#x}p{t[1]}"),
    st.sampled_from(["inf", "-inf", "nan", "1e", "0x", " 1", "+0", "-0", "00012.5000", "1e+5"]),
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
@given(stored=st.one_of(st.none(), _FLOAT_TEXT), incr=_FLOAT_TEXT)
def test_incrbyfloat_differential(
    redis_server: RedisServerProcess, stored: str | None, incr: str
) -> None:
    pair = _shared_pair(redis_server)
    pair.both(lambda r: r.delete("f"))
    if stored is not None:
        pair.both(lambda r: r.set("f", stored))
    pair.cmd("INCRBYFLOAT", "f", incr)
    pair.cmd("GET", "f")


@pytest.mark.parametrize("seed", range(3))
def test_incrbyfloat_chains(redis_server: RedisServerProcess, seed: int) -> None:
    # Long runs of increments on one key: the stored text is re-read every
    # time, so any drift in rounding or printing shows up here.
    rng = random.Random(seed)
    pair = _shared_pair(redis_server)
    pair.both(lambda r: r.delete("chain"))
    for _ in range(80):
        pick = rng.random()
        if pick < 0.4:
            step = repr(rng.uniform(-1, 1))
        elif pick < 0.7:
            step = f"{rng.uniform(-1000, 1000):.{rng.randint(0, 6)}f}"
        elif pick < 0.85:
            step = repr(rng.uniform(-1e-10, 1e-10))
        else:
            step = repr(rng.uniform(-1e18, 1e18))
        pair.cmd("INCRBYFLOAT", "chain", step)


_PAIRS: dict[int, Pair] = {}


def _shared_pair(server: RedisServerProcess) -> Pair:
    pair = _PAIRS.get(server.port)
    if pair is None:
        pair = _PAIRS[server.port] = make_pair(server)
    return pair


def test_incrbyfloat_is_fast_enough() -> None:
    r = burner.Redis()
    for _ in range(100):
        r.incrbyfloat("f", 0.1)
    assert r.get("f") == b"10"


# --- APPEND / STRLEN / ranges --------------------------------------------------------
def test_append_strlen(pair: Pair) -> None:
    pair.check(lambda r: r.append("k", "abc"))
    pair.check(lambda r: r.append("k", "def"))
    pair.check(lambda r: r.append("k", ""))
    pair.check(lambda r: r.append("e", ""))
    pair.check(lambda r: r.exists("e"))
    pair.check(lambda r: r.strlen("k"))
    pair.check(lambda r: r.strlen("missing"))
    pair.check(lambda r: r.get("k"))
    pair.both(lambda r: r.set("n", 42))
    pair.check(lambda r: r.append("n", 7))
    pair.check(lambda r: r.incr("n"))
    pair.both(lambda r: r.expire("k", 100))
    pair.check(lambda r: r.append("k", "g"))
    pair.check_ttl(lambda r: r.ttl("k"))
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("APPEND", "h", "x")
    pair.cmd("STRLEN", "h")
    pair.cmd("APPEND", "k")
    pair.cmd("STRLEN")


RANGES = [
    (0, -1), (0, 0), (1, 3), (-3, -1), (-1, -3), (-100, -1), (0, -100), (-100, 100), (5, 2),
    (10, 20), (3, 3), (-1, -1), (2, 100), (0, 9223372036854775807),
    (-9223372036854775808, 9223372036854775807),
]


@pytest.mark.parametrize(("start", "end"), RANGES)
def test_getrange_substr(pair: Pair, start: int, end: int) -> None:
    pair.both(lambda r: r.set("k", "Hello World"))
    pair.both(lambda r: r.set("n", "12345"))
    pair.check(lambda r: r.getrange("k", start, end))
    pair.check(lambda r: r.substr("k", start, end))
    pair.check(lambda r: r.getrange("missing", start, end))
    pair.both(lambda r: r.set("empty", ""))
    pair.check(lambda r: r.getrange("empty", start, end))
    pair.check(lambda r: r.getrange("n", start, end))


def test_getrange_errors(pair: Pair) -> None:
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("GETRANGE", "h", "0", "1")
    pair.cmd("GETRANGE", "h", "x", "1")
    pair.cmd("GETRANGE", "missing", "x", "1")
    pair.cmd("GETRANGE", "missing", "0", "1.5")
    pair.cmd("GETRANGE", "missing", "0", "9223372036854775808")
    pair.cmd("SUBSTR", "h", "0", "1")
    pair.cmd("GETRANGE", "k", "0")
    pair.cmd("SUBSTR", "k", "0", "1", "2")


@pytest.mark.parametrize(
    ("offset", "value"),
    [(0, "xy"), (3, "ABC"), (11, "!"), (15, "far"), (0, ""), (20, ""), (5, "")],
)
@pytest.mark.parametrize("start", ["missing", "string-ttl", "hash"])
def test_setrange(pair: Pair, start: str, offset: int, value: str) -> None:
    if start == "string-ttl":
        pair.both(lambda r: r.set("k", "Hello World", ex=100))
    elif start == "hash":
        pair.both(lambda r: r.hset("k", "f", "v"))
    pair.check(lambda r: r.setrange("k", offset, value))
    pair.cmd("TYPE", "k")
    pair.check_ttl(lambda r: r.ttl("k"))
    if start != "hash":
        pair.cmd("GET", "k")


def test_setrange_errors(pair: Pair) -> None:
    pair.both(lambda r: r.set("k", "abc"))
    pair.cmd("SETRANGE", "k", "-1", "x")
    pair.cmd("SETRANGE", "k", "abc", "x")
    pair.cmd("SETRANGE", "k", "1.5", "x")
    pair.cmd("SETRANGE", "k", "536870912", "x")
    pair.cmd("SETRANGE", "k", "536870911", "xy")
    pair.cmd("SETRANGE", "new", "536870912", "x")
    pair.cmd("SETRANGE", "new", "536870912", "")
    pair.cmd("SETRANGE", "k", "9223372036854775807", "x")
    pair.cmd("SETRANGE", "k", "9223372036854775808", "x")
    pair.cmd("SETRANGE", "k", "-1", "")
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("SETRANGE", "h", "0", "")
    pair.cmd("SETRANGE", "h", "-1", "x")
    pair.cmd("SETRANGE", "h", "536870912", "x")
    pair.cmd("SETRANGE", "k", "0")
    pair.cmd("GET", "k")
    pair.cmd("EXISTS", "new")


# --- LCS ------------------------------------------------------------------------
LCS_STRINGS = [
    ("ohmytext", "mynewtext"),
    ("", "abc"),
    ("abc", "abc"),
    ("abcdef", "fedcba"),
    ("aaaa", "aa"),
    ("xhelxlo", "hello"),
    ("ACCGGTCGAGTGCGCGGAAGCCGGCCGAA", "GTCGTTCGGAATGCCGTTGCTCTGTAAA"),
]

LCS_OPTIONS: list[list[str]] = [
    [],
    ["LEN"],
    ["IDX"],
    ["IDX", "WITHMATCHLEN"],
    ["IDX", "MINMATCHLEN", "2"],
    ["IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
    ["IDX", "MINMATCHLEN", "-3"],
    ["idx", "minmatchlen", "0", "withmatchlen"],
    ["WITHMATCHLEN"],
    ["MINMATCHLEN", "1"],
    ["LEN", "IDX"],
    ["IDX", "LEN"],
    ["LEN", "WITHMATCHLEN"],
    ["MINMATCHLEN"],
    ["IDX", "MINMATCHLEN", "x"],
    ["BOGUS"],
    ["LEN", "LEN"],
]


@pytest.mark.parametrize("options", LCS_OPTIONS, ids=lambda o: " ".join(o) or "none")
def test_lcs(pair: Pair, options: list[str]) -> None:
    for a, b in LCS_STRINGS:
        pair.cmd("DEL", "a")
        pair.cmd("SET", "b", b)
        if a:
            pair.cmd("SET", "a", a)
        pair.cmd("LCS", "a", "b", *options)
        pair.cmd("LCS", "b", "a", *options)


def test_lcs_redis_py_and_errors(pair: Pair) -> None:
    pair.both(lambda r: r.mset({"a": "ohmytext", "b": "mynewtext"}))
    pair.check(lambda r: r.lcs("a", "b"))
    pair.check(lambda r: r.lcs("a", "b", len=True))
    pair.check(lambda r: r.lcs("a", "b", idx=True))
    pair.check(lambda r: r.lcs("a", "b", idx=True, minmatchlen=4, withmatchlen=True))
    pair.check(lambda r: r.lcs("a", "missing"))
    pair.check(lambda r: r.lcs("missing", "missing2", idx=True))
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("LCS", "a", "h")
    pair.cmd("LCS", "h", "a", "BOGUS")
    pair.cmd("LCS", "a", "b", "BOGUS")
    pair.cmd("LCS", "a")


_DNA = st.text(alphabet="acgt", max_size=40)
_LCS_OPTIONS = st.sampled_from(
    [(), ("LEN",), ("IDX",), ("IDX", "WITHMATCHLEN"), ("IDX", "MINMATCHLEN", "3", "WITHMATCHLEN")]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
@given(a=_DNA, b=_DNA, options=_LCS_OPTIONS)
def test_lcs_differential(
    redis_server: RedisServerProcess, a: str, b: str, options: tuple[str, ...]
) -> None:
    pair = _shared_pair(redis_server)
    pair.both(lambda r: r.mset({"a": a, "b": b}))
    pair.cmd("LCS", "a", "b", *options)


def test_lcs_long_differential(pair: Pair) -> None:
    a = "".join("acgt"[(i * i + 3 * i) % 4] for i in range(700))
    b = "".join("acgt"[(i * 7 + i // 3) % 4] for i in range(500))
    pair.both(lambda r: r.mset({"a": a, "b": b}))
    pair.cmd("LCS", "a", "b")
    pair.cmd("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")
    pair.cmd("LCS", "b", "a", "LEN")


def test_lcs_long_strings_in_resp3_map_shape() -> None:
    r = burner.Redis(protocol=3)
    r.mset({"a": "x" * 300 + "hello", "b": "hello" + "y" * 300})
    reply = r.lcs("a", "b", idx=True, withmatchlen=True)
    assert reply == {b"matches": [[[300, 304], [0, 4], 5]], b"len": 5}
    assert r.lcs("a", "b") == b"hello"


# --- wrong type / arity across the family -------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["GET", "h"], ["GETSET", "h", "v"], ["GETDEL", "h"], ["GETEX", "h"], ["STRLEN", "h"],
        ["APPEND", "h", "v"], ["INCR", "h"], ["DECR", "h"], ["INCRBY", "h", "1"],
        ["DECRBY", "h", "1"], ["INCRBYFLOAT", "h", "1"], ["GETRANGE", "h", "0", "1"],
        ["SETRANGE", "h", "0", "v"], ["LCS", "h", "h"], ["SET", "h", "v", "GET"],
    ],
)
def test_wrong_type(pair: Pair, argv: list[str]) -> None:
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd(*argv)
    pair.cmd("TYPE", "h")


@pytest.mark.parametrize(
    "name",
    ["GET", "SET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "GETEX", "MGET", "MSET",
     "MSETNX", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "APPEND", "STRLEN",
     "GETRANGE", "SETRANGE", "SUBSTR", "LCS"],
)
def test_arity(pair: Pair, name: str) -> None:
    pair.cmd(name)
    pair.cmd(name, "k")
    pair.cmd(name, "k", "1", "2", "3", "4")


def test_conflicting_expiry_arguments_fail_as_with_redis_py(pair: Pair) -> None:
    # redis-py 8 refuses these itself (DataError); redis-py 6 sends them and
    # the server answers with a syntax error. Either way burner matches.
    pair.check(lambda r: r.set("k", "v", ex=1, px=1))
    pair.check(lambda r: r.getex("k", ex=1, persist=True))


@pytest.mark.filterwarnings("ignore:Call to deprecated setex")
def test_virtual_clock_expiry() -> None:
    clock = burner.VirtualClock()
    r = burner.Redis(server=burner.Server(clock=clock))
    r.set("k", "v", px=1500)
    r.setex("s", 2, "1")
    r.set("p", "v")
    r.getex("p", ex=3)
    clock.advance(1.0)
    assert r.mget("k", "s", "p") == [b"v", b"1", b"v"]
    clock.advance(0.6)
    assert r.mget("k", "s", "p") == [None, b"1", b"v"]
    r.incr("s")  # keeps the TTL
    clock.advance(0.5)
    assert r.mget("k", "s", "p") == [None, None, b"v"]
    clock.advance(1.0)
    assert r.get("p") is None
    assert r.exists("k", "s", "p") == 0


# --- keyspace notifications ---------------------------------------------------------
EVENT_SCRIPT: list[list[str]] = [
    ["SET", "a", "1", "PXAT", "1"],
    ["EXISTS", "a"],
    ["SET", "a", "1", "EXAT", "99999999999"],
    ["SET", "a", "1", "NX"],
    ["GETEX", "a", "EXAT", "1"],
    ["SET", "a", "1", "EX", "100"],
    ["GETEX", "a", "PERSIST"],
    ["GETEX", "a", "PERSIST"],
    ["GETEX", "a", "EX", "100"],
    ["GETDEL", "a"],
    ["GETDEL", "a"],
    ["SETRANGE", "a", "0", ""],
    ["SETRANGE", "a", "3", "x"],
    ["APPEND", "a", "y"],
    ["APPEND", "a", ""],
    ["INCRBYFLOAT", "f", "1"],
    ["INCR", "n"],
    ["DECRBY", "n", "0"],
    ["INCR", "a"],
    ["SETBIT", "b", "1", "1"],
    ["SETBIT", "b", "1", "1"],
    ["SETBIT", "b", "2", "0"],
    ["SETBIT", "b", "100", "0"],
    ["BITFIELD", "b", "GET", "u8", "0"],
    ["BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "100"],
    ["BITFIELD", "b", "SET", "u8", "0", "1"],
    ["BITFIELD", "nb", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "100"],
    ["BITOP", "AND", "d", "b"],
    ["BITOP", "AND", "d", "nokey"],
    ["BITOP", "AND", "d", "nokey"],
    ["SETEX", "a", "100", "v"],
    ["PSETEX", "a", "100000", "v"],
    ["MSET", "a", "1", "b", "2"],
    ["MSETNX", "c", "1", "d", "2"],
    ["MSETNX", "c", "1", "e", "2"],
    ["GETSET", "a", "5"],
    ["SET", "a", "1", "GET"],
    ["SET", "a", "1", "KEEPTTL"],
    ["SETNX", "q", "1"],
    ["SETNX", "q", "1"],
    ["SET", "a", "x", "XX", "PX", "100000"],
]


def _events(client: redis.Redis, script: list[list[str]]) -> list[tuple[bytes, bytes]]:
    client.config_set("notify-keyspace-events", "KEA")
    sub = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
    try:
        sub.psubscribe("__key*")
        sub.subscribe("end-of-script")
        for argv in script:
            try:
                client.execute_command(*argv)  # type: ignore[no-untyped-call,unused-ignore]
            except redis.ResponseError:
                pass
        client.publish("end-of-script", "done")
        got: list[tuple[bytes, bytes]] = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = sub.get_message(timeout=0.5)
            if message is None or message["type"] not in ("pmessage", "message"):
                continue
            channel, data = message["channel"], message["data"]
            if isinstance(channel, str):
                channel, data = channel.encode(), data.encode()
            if channel == b"end-of-script":
                return got
            got.append((channel, data))
        raise AssertionError("the end-of-script marker never arrived")
    finally:
        sub.close()
        client.config_set("notify-keyspace-events", "")


def test_keyspace_events(pair: Pair) -> None:
    want = _events(pair.real, EVENT_SCRIPT)
    got = _events(pair.burner, EVENT_SCRIPT)
    assert len(want) > 40
    assert got == want
