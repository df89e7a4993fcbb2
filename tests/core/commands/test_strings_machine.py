"""Random sequences of string commands, on burner and on the real redis-server.

Keys collide on a small pool (and one of them sometimes holds a hash), values
mix integers, floats and junk, so counters, type errors and option errors all
come up. Every reply and every error must match; after each step the stored
values are compared too.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from tests.machine import (
    FLOATS,
    KEYS,
    NOT_NUMBERS,
    NUMBERS,
    SMALL_INTS,
    VALUES,
    DifferentialMachine,
    run_machine,
)
from tests.oracle import RedisServerProcess

ALL_KEYS = [b"k1", b"k2", b"k3", b"{k}4"]
INTS = st.one_of(NUMBERS, NOT_NUMBERS, SMALL_INTS.map(lambda i: b"%d" % i))
FLOAT_ARGS = st.one_of(
    FLOATS, NOT_NUMBERS, st.sampled_from([b"nan", b"1e400", b"0x1p3", b"1e4932", b"-1e-30"])
)
OFFSETS = st.one_of(
    st.integers(min_value=-3, max_value=20).map(lambda i: b"%d" % i),
    st.sampled_from([b"x", b"536870912", b"9223372036854775807", b"-9223372036854775808"]),
)
EXPIRES = st.one_of(
    st.sampled_from([b"EX", b"PX", b"ex", b"px"]).flatmap(
        lambda word: st.sampled_from(
            [(word, b"1000"), (word, b"100000"), (word, b"0"), (word, b"-5"), (word, b"x")]
        )
    ),
    st.sampled_from(
        [
            (b"EXAT", b"99999999999"),
            (b"PXAT", b"99999999999000"),
            (b"EXAT", b"1"),
            (b"PXAT", b"1"),
            (b"EXAT", b"9223372036854776"),
            (b"EX",),
        ]
    ),
)
SET_FLAGS = st.sampled_from(
    [(), (b"NX",), (b"XX",), (b"GET",), (b"KEEPTTL",), (b"NX", b"GET"), (b"XX", b"GET"),
     (b"NX", b"XX"), (b"PERSIST",), (b"BOGUS",)]
)
BIT_OFFSETS = st.one_of(
    st.integers(min_value=0, max_value=100).map(lambda i: b"%d" % i),
    st.sampled_from([b"-1", b"x", b"4294967295", b"4294967296"]),
)
BIT_RANGE = st.one_of(
    st.just(()),
    st.tuples(SMALL_INTS.map(lambda i: b"%d" % i), SMALL_INTS.map(lambda i: b"%d" % i)),
    st.tuples(
        st.integers(-40, 40).map(lambda i: b"%d" % i),
        st.integers(-40, 40).map(lambda i: b"%d" % i),
        st.sampled_from([b"BIT", b"BYTE", b"bogus"]),
    ),
    st.tuples(st.sampled_from([b"0", b"x"])),
)
BITFIELD_OP = st.one_of(
    st.tuples(st.just(b"GET"), st.sampled_from([b"u8", b"i5", b"i64", b"u63", b"u64"]),
              st.sampled_from([b"0", b"3", b"#2", b"-1"])),
    st.tuples(
        st.sampled_from([b"SET", b"INCRBY"]),
        st.sampled_from([b"u8", b"i5", b"i64", b"u1"]),
        st.sampled_from([b"0", b"7", b"#1", b"40"]),
        st.one_of(NUMBERS, st.sampled_from([b"x", b"-1", b"300"])),
    ),
    st.tuples(st.just(b"OVERFLOW"), st.sampled_from([b"WRAP", b"SAT", b"FAIL", b"nope"])),
)
GETEX_FLAGS = st.sampled_from([(), (b"PERSIST",), (b"persist",), (b"NX",), (b"KEEPTTL",)])


def _ttl_sign(value: Any) -> Any:
    """Deadlines move with the wall clock; compare what kind of TTL a key has."""
    if isinstance(value, int) and value > 0:
        return "positive"
    return value


class StringMachine(DifferentialMachine):
    @rule(key=KEYS, value=VALUES, flags=SET_FLAGS, expire=st.one_of(st.just(()), EXPIRES))
    def set(self, key: bytes, value: bytes, flags: tuple[bytes, ...], expire: tuple[bytes, ...]) -> None:
        self.check(b"SET", key, value, *flags, *expire)

    @rule(key=KEYS, value=VALUES)
    def plain_set(self, key: bytes, value: bytes) -> None:
        self.check(b"SET", key, value)

    @rule(key=KEYS)
    def get(self, key: bytes) -> None:
        self.check(b"GET", key)

    @rule(key=KEYS, value=VALUES)
    def setnx(self, key: bytes, value: bytes) -> None:
        self.check(b"SETNX", key, value)

    @rule(name=st.sampled_from([b"SETEX", b"PSETEX"]), key=KEYS, ttl=st.sampled_from([b"100000", b"0", b"-1", b"x"]), value=VALUES)
    def setex(self, name: bytes, key: bytes, ttl: bytes, value: bytes) -> None:
        self.check(name, key, ttl, value)

    @rule(key=KEYS, value=VALUES)
    def getset(self, key: bytes, value: bytes) -> None:
        self.check(b"GETSET", key, value)

    @rule(key=KEYS)
    def getdel(self, key: bytes) -> None:
        self.check(b"GETDEL", key)

    @rule(key=KEYS, flags=GETEX_FLAGS, expire=st.one_of(st.just(()), EXPIRES))
    def getex(self, key: bytes, flags: tuple[bytes, ...], expire: tuple[bytes, ...]) -> None:
        self.check(b"GETEX", key, *flags, *expire)

    @rule(keys=st.lists(KEYS, min_size=1, max_size=4))
    def mget(self, keys: list[bytes]) -> None:
        self.check(b"MGET", *keys)

    @rule(name=st.sampled_from([b"MSET", b"MSETNX"]), pairs=st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=3), odd=st.booleans())
    def mset(self, name: bytes, pairs: list[tuple[bytes, bytes]], odd: bool) -> None:
        argv = [item for pair in pairs for item in pair]
        if odd:
            argv.append(b"k1")
        self.check(name, *argv)

    @rule(name=st.sampled_from([b"INCR", b"DECR"]), key=KEYS)
    def incr(self, name: bytes, key: bytes) -> None:
        self.check(name, key)

    @rule(name=st.sampled_from([b"INCRBY", b"DECRBY"]), key=KEYS, amount=INTS)
    def incrby(self, name: bytes, key: bytes, amount: bytes) -> None:
        self.check(name, key, amount)

    @rule(key=KEYS, amount=FLOAT_ARGS)
    def incrbyfloat(self, key: bytes, amount: bytes) -> None:
        self.check(b"INCRBYFLOAT", key, amount)

    @rule(key=KEYS, value=VALUES)
    def append(self, key: bytes, value: bytes) -> None:
        self.check(b"APPEND", key, value)

    @rule(key=KEYS)
    def strlen(self, key: bytes) -> None:
        self.check(b"STRLEN", key)

    @rule(name=st.sampled_from([b"GETRANGE", b"SUBSTR"]), key=KEYS, start=OFFSETS, end=OFFSETS)
    def getrange(self, name: bytes, key: bytes, start: bytes, end: bytes) -> None:
        self.check(name, key, start, end)

    @rule(key=KEYS, offset=OFFSETS, value=st.one_of(VALUES, st.just(b"")))
    def setrange(self, key: bytes, offset: bytes, value: bytes) -> None:
        self.check(b"SETRANGE", key, offset, value)

    @rule(
        a=KEYS,
        b=KEYS,
        options=st.sampled_from(
            [(), (b"LEN",), (b"IDX",), (b"IDX", b"WITHMATCHLEN"), (b"IDX", b"MINMATCHLEN", b"2"),
             (b"LEN", b"IDX"), (b"MINMATCHLEN",), (b"NOPE",)]
        ),
    )
    def lcs(self, a: bytes, b: bytes, options: tuple[bytes, ...]) -> None:
        self.check(b"LCS", a, b, *options)

    # --- bitmaps on the same keys ---
    # (4294967295, the last valid offset, is left to GETBIT: SETBIT there builds 512 MB.)
    @rule(key=KEYS, offset=BIT_OFFSETS.filter(lambda o: o != b"4294967295"), bit=st.sampled_from([b"0", b"1", b"2", b"x"]))
    def setbit(self, key: bytes, offset: bytes, bit: bytes) -> None:
        self.check(b"SETBIT", key, offset, bit)

    @rule(key=KEYS, offset=BIT_OFFSETS)
    def getbit(self, key: bytes, offset: bytes) -> None:
        self.check(b"GETBIT", key, offset)

    @rule(key=KEYS, args=BIT_RANGE)
    def bitcount(self, key: bytes, args: tuple[bytes, ...]) -> None:
        self.check(b"BITCOUNT", key, *args)

    @rule(key=KEYS, bit=st.sampled_from([b"0", b"1", b"2"]), args=BIT_RANGE)
    def bitpos(self, key: bytes, bit: bytes, args: tuple[bytes, ...]) -> None:
        self.check(b"BITPOS", key, bit, *args)

    @rule(
        op=st.sampled_from([b"AND", b"OR", b"XOR", b"NOT", b"nope"]),
        dest=KEYS,
        sources=st.lists(KEYS, min_size=1, max_size=3),
    )
    def bitop(self, op: bytes, dest: bytes, sources: list[bytes]) -> None:
        self.check(b"BITOP", op, dest, *sources)

    @rule(
        name=st.sampled_from([b"BITFIELD", b"BITFIELD_RO"]),
        key=KEYS,
        ops=st.lists(BITFIELD_OP, max_size=3),
    )
    def bitfield(self, name: bytes, key: bytes, ops: list[tuple[bytes, ...]]) -> None:
        self.check(name, key, *[word for op in ops for word in op])

    @rule(key=KEYS)
    def make_hash(self, key: bytes) -> None:
        self.check(b"DEL", key)
        self.check(b"HSET", key, b"f", b"v")

    @rule(key=KEYS)
    def delete(self, key: bytes) -> None:
        self.check(b"DEL", key)

    @invariant()
    def same_state(self) -> None:
        for key in ALL_KEYS:
            kind = self.check(b"TYPE", key)
            if kind in (b"string", "string"):
                self.check(b"GET", key)
            self.check(b"TTL", key, normalize=_ttl_sign)


MACHINE_CONFIGS = [
    pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
    pytest.param({"protocol": 3, "decode_responses": False}, id="resp3-bytes"),
]


@pytest.mark.parametrize("config", MACHINE_CONFIGS)
def test_string_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(StringMachine, redis_server, config, max_examples=60, steps=30)
