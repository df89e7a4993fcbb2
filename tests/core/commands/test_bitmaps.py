"""Bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO),
compared with the real redis-server."""

from __future__ import annotations

from functools import partial

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oracle import Pair, RedisServerProcess, make_pair


def raw_get(pair: Pair, key: str) -> None:
    """GET without decoding: bitmaps are rarely valid UTF-8."""
    pair.cmd("GET", key, NEVER_DECODE=True)


def test_setbit_getbit(pair: Pair) -> None:
    pair.check(lambda r: r.setbit("b", 7, 1))
    pair.check(lambda r: r.setbit("b", 7, 1))
    pair.check(lambda r: r.setbit("b", 100, 1))
    pair.check(lambda r: r.setbit("b", 7, 0))
    raw_get(pair, "b")
    pair.check(lambda r: r.getbit("b", 100))
    pair.check(lambda r: r.getbit("b", 99))
    pair.check(lambda r: r.getbit("b", 10000))
    pair.check(lambda r: r.getbit("missing", 0))
    pair.check(lambda r: r.setbit("z", 20, 0))
    raw_get(pair, "z")
    pair.both(lambda r: r.set("t", "abc", ex=100))
    pair.check(lambda r: r.setbit("t", 30, 1))
    pair.check(lambda r: r.ttl("t"))
    pair.both(lambda r: r.set("n", 255))
    pair.check(lambda r: r.setbit("n", 0, 1))
    raw_get(pair, "n")


@pytest.mark.parametrize(
    ("offset", "value"),
    [("-1", "1"), ("x", "1"), ("4294967296", "1"), ("4294967295", "2"), ("0", "-1"),
     ("0", "x"), ("0", "1.0"), ("1.5", "1"), ("", "1"), ("0", "")],
)
def test_setbit_errors(pair: Pair, offset: str, value: str) -> None:
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("SETBIT", "k", offset, value)
    pair.cmd("SETBIT", "h", offset, value)
    pair.cmd("GETBIT", "k", offset)
    pair.cmd("GETBIT", "h", offset)
    pair.cmd("EXISTS", "k")


def test_bit_commands_wrong_type_and_arity(pair: Pair) -> None:
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("SETBIT", "h", "0", "1")
    pair.cmd("GETBIT", "h", "0")
    pair.cmd("BITCOUNT", "h")
    pair.cmd("BITPOS", "h", "1")
    pair.cmd("BITOP", "AND", "d", "h")
    pair.cmd("BITOP", "AND", "h", "missing")
    pair.cmd("TYPE", "h")
    pair.cmd("BITFIELD", "h", "GET", "u8", "0")
    pair.cmd("BITFIELD", "h")
    pair.cmd("BITFIELD_RO", "h", "GET", "u8", "0")
    for argv in (["SETBIT", "k", "1"], ["GETBIT", "k"], ["BITCOUNT"], ["BITPOS", "k"],
                 ["BITOP", "AND", "d"], ["BITFIELD"], ["BITFIELD_RO"], ["GETBIT", "k", "1", "2"]):
        pair.cmd(*argv)


BIT_RANGES = [
    [], ["0", "-1"], ["1", "1"], ["0", "0"], ["-2", "-1"], ["-1", "-2"], ["5", "1"],
    ["0", "100"], ["-100", "100"], ["1", "2", "BYTE"], ["1", "2", "bit"], ["5", "30", "BIT"],
    ["-5", "-1", "BIT"], ["-1", "-5", "BIT"], ["0", "-1", "BIT"], ["7", "7", "BIT"],
    ["9", "200", "BIT"], ["-200", "3", "BIT"],
    # errors
    ["0"], ["x", "1"], ["0", "1.5"], ["0", "1", "bogus"], ["0", "1", "BIT", "x"],
    ["-1", "-2", "bogus"], ["0", "x", "bogus"], ["x", "0", "bogus"], ["-1", "-2", "BIT"],
]


@pytest.mark.parametrize("args", BIT_RANGES, ids=lambda a: " ".join(a) or "whole")
def test_bitcount(pair: Pair, args: list[str]) -> None:
    pair.both(lambda r: r.set("k", "foobar\x00\xff"))
    pair.both(lambda r: r.set("e", ""))
    pair.cmd("BITCOUNT", "k", *args)
    pair.cmd("BITCOUNT", "e", *args)
    pair.cmd("BITCOUNT", "missing", *args)


def test_bitcount_redis_py(pair: Pair) -> None:
    pair.both(lambda r: r.set("k", "foobar"))
    pair.check(lambda r: r.bitcount("k"))
    pair.check(lambda r: r.bitcount("k", 1, 1))
    pair.check(lambda r: r.bitcount("k", 5, 30, mode="BIT"))
    pair.check(lambda r: r.bitcount("k", 0, -1, mode="byte"))


@pytest.mark.parametrize("bit", ["0", "1"])
@pytest.mark.parametrize("args", BIT_RANGES, ids=lambda a: " ".join(a) or "whole")
def test_bitpos(pair: Pair, bit: str, args: list[str]) -> None:
    pair.both(lambda r: r.mset({"ones": b"\xff\xff\xff", "zeros": b"\x00\x00\x00",
                                "mixed": b"\xff\xf0\x00\x0f\xff", "e": b""}))
    for key in ("ones", "zeros", "mixed", "e", "missing"):
        pair.cmd("BITPOS", key, bit, *args)


def test_bitpos_errors(pair: Pair) -> None:
    pair.both(lambda r: r.set("k", "abc"))
    for bit in ("2", "-1", "x", ""):
        pair.cmd("BITPOS", "k", bit)
        pair.cmd("BITPOS", "missing", bit)
    pair.cmd("BITPOS", "k", "1", "0", "1", "BIT", "extra")
    pair.cmd("BITPOS", "missing", "1", "x")
    pair.check(lambda r: r.bitpos("k", 1))
    pair.check(lambda r: r.bitpos("k", 0, 1))
    pair.check(lambda r: r.bitpos("k", 1, 2, -1, mode="BIT"))


@pytest.mark.parametrize("op", ["AND", "or", "XOR", "NOT"])
def test_bitop(pair: Pair, op: str) -> None:
    pair.both(lambda r: r.mset({"a": "foobar", "b": "abcdef\x01\xff", "c": "", "n": "1"}))
    pair.both(lambda r: r.hset("h", "f", "v"))
    for sources in (["a"], ["a", "b"], ["b", "a", "missing"], ["c"], ["missing"],
                    ["missing", "c"], ["a", "a", "b"], ["n"]):
        pair.cmd("BITOP", op, "dest", *sources)
        raw_get(pair, "dest")
    pair.both(lambda r: r.set("dest", "old", ex=100))
    pair.cmd("BITOP", op, "dest", "a")
    pair.cmd("TTL", "dest")
    pair.cmd("BITOP", op, "h", "missing")
    pair.cmd("TYPE", "h")
    pair.cmd("BITOP", op, "h", "a")
    pair.cmd("TYPE", "h")
    pair.cmd("BITOP", op, "a", "a")
    raw_get(pair, "a")


def test_bitop_errors_and_redis_py(pair: Pair) -> None:
    pair.both(lambda r: r.mset({"a": "foobar", "b": "xyz"}))
    pair.cmd("BITOP", "NAND", "d", "a")
    pair.cmd("BITOP", "NOT", "d", "a", "b")
    pair.check(lambda r: r.bitop("AND", "d", "a", "b"))
    pair.check(lambda r: r.bitop("NOT", "d", "a"))
    raw_get(pair, "d")


BITFIELD_CASES: list[list[str]] = [
    ["GET", "u8", "0"],
    ["GET", "i8", "0", "GET", "u4", "4", "GET", "i64", "3", "GET", "u63", "1"],
    ["GET", "u8", "#1", "GET", "i16", "#2"],
    ["GET", "u8", "1000"],
    ["SET", "u8", "0", "255", "GET", "u8", "0"],
    ["SET", "i8", "0", "-128", "GET", "i8", "0", "GET", "u8", "0"],
    ["SET", "u8", "#3", "7"],
    ["SET", "i5", "13", "100"],
    ["SET", "u3", "5", "9"],
    ["INCRBY", "u8", "0", "300"],
    ["INCRBY", "i8", "0", "-300"],
    ["INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1"],
    ["INCRBY", "u63", "0", "9223372036854775807", "INCRBY", "u63", "0", "1"],
    ["OVERFLOW", "SAT", "INCRBY", "u8", "0", "300", "INCRBY", "i8", "8", "-300"],
    ["OVERFLOW", "FAIL", "INCRBY", "u8", "0", "300", "INCRBY", "u8", "0", "1"],
    ["OVERFLOW", "fail", "SET", "i4", "0", "8", "SET", "i4", "0", "7"],
    ["OVERFLOW", "SAT", "SET", "u8", "0", "-1", "GET", "u8", "0"],
    ["OVERFLOW", "WRAP", "SET", "u8", "0", "-1", "OVERFLOW", "SAT", "SET", "i8", "8", "1000"],
    ["OVERFLOW", "SAT", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1"],
    ["INCRBY", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1"],
    ["OVERFLOW", "FAIL", "INCRBY", "u2", "100", "5"],
    ["SET", "u8", "100000", "1"],
    ["set", "U8", "0", "1"],
    ["GET", "I8", "0"],
    ["GET", "u0", "0"],
    ["GET", "i65", "0"],
    ["GET", "u64", "0"],
    ["GET", "x8", "0"],
    ["GET", "u8", "-1"],
    ["GET", "u8", "#-1"],
    ["GET", "u8", "4294967295"],
    ["GET", "u8", "4294967296"],
    ["GET", "u8", "#536870912"],
    ["GET", "i64", "#1152921504606846976"],
    ["GET", "u8", "x"],
    ["SET", "u8", "0", "x"],
    ["SET", "u8", "0", "1.5"],
    ["INCRBY", "u8", "0", "99999999999999999999"],
    ["OVERFLOW", "bogus", "GET", "u8", "0"],
    ["GET", "u8", "0", "OVERFLOW"],
    ["GET", "u8"],
    ["SET", "u8", "0"],
    ["BOGUS", "u8", "0"],
    ["GET", "u8", "0", "SET", "u8", "x", "1"],
    ["SET", "u8", "0", "1", "GET", "bad", "0"],
    [],
]


@pytest.mark.parametrize("ops", BITFIELD_CASES, ids=lambda o: " ".join(o) or "none")
@pytest.mark.parametrize("start", ["missing", "string-ttl"])
def test_bitfield(pair: Pair, start: str, ops: list[str]) -> None:
    if start == "string-ttl":
        pair.both(lambda r: r.set("k", b"\xa5\x0f\xf0abc", ex=100))
    pair.cmd("BITFIELD", "k", *ops)
    raw_get(pair, "k")
    pair.cmd("TTL", "k")
    pair.cmd("BITFIELD_RO", "k", *ops)


def test_bitfield_redis_py(pair: Pair) -> None:
    pair.check(
        lambda r: r.bitfield("k").set("u8", 0, 200).incrby("u8", 0, 100).get("i8", "#1").execute()
    )
    pair.check(
        lambda r: r.bitfield("k", default_overflow="SAT").incrby("i4", 0, 100).execute()
    )
    pair.check(
        lambda r: r.bitfield("k").overflow("FAIL").incrby("u4", 4, 100).execute()
    )
    pair.check(lambda r: r.bitfield_ro("k", "u8", 0, items=[("i4", 4), ("u16", 3)]))
    raw_get(pair, "k")


_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("GET"), st.sampled_from(["u1", "u7", "i8", "u13", "i33", "i64", "u63"]),
                  st.integers(0, 80).map(str)),
        st.tuples(st.sampled_from(["SET", "INCRBY"]),
                  st.sampled_from(["u1", "i3", "u8", "i8", "u16", "i31", "i64", "u63"]),
                  st.one_of(st.integers(0, 80).map(str), st.integers(0, 9).map(lambda i: f"#{i}")),
                  st.integers(-(2**63), 2**63 - 1).map(str)),
        st.tuples(st.just("OVERFLOW"), st.sampled_from(["WRAP", "SAT", "FAIL"])),
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.binary(max_size=12), ops=_OPS)
def test_bitfield_differential(
    redis_server: RedisServerProcess, start: bytes, ops: list[tuple[str, ...]]
) -> None:
    pair = _bytes_pair(redis_server)
    pair.both(lambda r: r.set("k", start))
    pair.cmd("BITFIELD", "k", *[word for op in ops for word in op])
    raw_get(pair, "k")


_RANGE_ARGS = st.one_of(
    st.just(()),
    st.tuples(st.integers(-20, 20).map(str), st.integers(-20, 20).map(str)),
    st.tuples(st.integers(-100, 100).map(str)),
    st.tuples(st.integers(-100, 100).map(str), st.integers(-100, 100).map(str),
              st.sampled_from(["BIT", "BYTE"])),
)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.binary(max_size=10), bit=st.sampled_from(["0", "1"]), args=_RANGE_ARGS)
def test_bitpos_bitcount_differential(
    redis_server: RedisServerProcess, value: bytes, bit: str, args: tuple[str, ...]
) -> None:
    pair = _bytes_pair(redis_server)
    pair.both(lambda r: r.set("k", value))
    pair.cmd("BITPOS", "k", bit, *args)
    pair.cmd("BITCOUNT", "k", *args)


_PAIRS: dict[int, Pair] = {}


def _bytes_pair(server: RedisServerProcess) -> Pair:
    pair = _PAIRS.get(server.port)
    if pair is None:
        pair = _PAIRS[server.port] = make_pair(server)
    return pair


def _store(client: redis.Redis, value: bytes) -> None:
    client.set("k", value)


@pytest.mark.parametrize("mode", ["SAT", "WRAP", "FAIL"])
@pytest.mark.parametrize("field", ["i8", "i16", "i63", "i64", "u8", "u63"])
@pytest.mark.parametrize(
    "op",
    [
        ("SET", "-9223372036854775681"),  # int64 min + 127: Redis's check wraps
        ("SET", "-9223372036854775808"),
        ("SET", "-9223372036854743041"),
        ("SET", "9223372036854775807"),
        ("SET", "-129"),
        ("INCRBY", "-9223372036854775808"),
        ("INCRBY", "9223372036854775807"),
        ("INCRBY", "-9223372036854775681"),
    ],
)
def test_bitfield_overflow_near_int64_limits(
    redis_server: RedisServerProcess, mode: str, field: str, op: tuple[str, str]
) -> None:
    """Redis decides an overflow's direction with 64-bit arithmetic that can
    wrap (checkSignedBitfieldOverflow); SAT then saturates the other way."""
    pair = _bytes_pair(redis_server)
    for start in (b"", b"\x7f\xff", b"\x80\x00"):
        pair.both(partial(_store, value=start))
        pair.cmd("BITFIELD", "k", "OVERFLOW", mode, op[0], field, "0", op[1])
        raw_get(pair, "k")
