"""Random sequences of HyperLogLog commands, on burner and on the real redis-server.

Keys collide on a small pool; besides PFADD (a few elements, or hundreds so
that sparse values turn dense), PFCOUNT, PFMERGE and PFDEBUG, the rules store
hand-made strings: sparse bodies with odd but valid opcodes, bodies that cover
too few or too many registers, dense bodies with any register values, fresh
and stale cached cardinalities, and strings that are no HyperLogLog at all.
``hll-sparse-max-bytes`` changes too. After every step each key's type and
its bytes must be the same on both sides.

Not generated: bodies that end one byte into a two-byte opcode. Redis reads
the missing byte from memory past the string's end, which its edits can
leave non-zero from one command to the next; burner keeps only the string.
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from burner._core import hll
from tests.core.commands.test_hyperloglog import element_for
from tests.machine import KEYS, DifferentialMachine, run_machine
from tests.oracle import RedisServerProcess

ALL_KEYS = [b"k1", b"k2", b"k3", b"{k}4"]
ELEMENTS = st.one_of(
    st.binary(max_size=10),
    st.integers(min_value=0, max_value=3000).map(lambda i: b"e%d" % i),
)


def _xzero(n: int) -> bytes:
    return bytes((0x40 | ((n - 1) >> 8), (n - 1) & 0xFF))


def _zero(n: int) -> bytes:
    return bytes((n - 1,))


def _val(value: int, run: int) -> bytes:
    return bytes((0x80 | ((value - 1) << 2) | (run - 1),))


HEADERS = st.tuples(
    st.sampled_from([b"\x00\x00\x00", b"\x01\x02\x03"]),
    st.one_of(
        st.just(bytes(7) + b"\x80"),  # stale
        st.integers(min_value=0, max_value=2**40).map(lambda n: n.to_bytes(8, "little")),
        st.binary(min_size=7, max_size=7).map(lambda b: b + b"\xff"),
    ),
)


@st.composite
def sparse_values(draw: st.DrawFn) -> bytes:
    pieces = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["z", "Z", "v", "v", "v"]),
                st.one_of(st.integers(min_value=1, max_value=3), st.integers(min_value=1, max_value=64)),
                st.sampled_from([1, 2, 2, 3, 3, 5, 32]),
                st.integers(min_value=1, max_value=4),
            ),
            max_size=24,
        )
    )
    ops: list[bytes] = []
    total = 0
    for kind, n, value, run in pieces:
        if kind == "z":
            op, span = _zero(n), n
        elif kind == "Z":
            op, span = _xzero(n * 97 + 64), n * 97 + 64
        else:
            op, span = _val(value, run), run
        if total + span > hll.REGISTERS:
            continue
        ops.append(op)
        total += span
    left = hll.REGISTERS - total
    while left:
        chunk = min(left, draw(st.sampled_from([hll.REGISTERS, 5000, 64, 1])))
        ops.append(_xzero(chunk) if chunk > 1 else _zero(1))
        left -= chunk
    damage = draw(st.sampled_from(["none", "none", "none", "short", "extra-zero", "extra-val"]))
    if damage == "short":
        ops.pop()
    elif damage == "extra-zero":
        ops.append(_zero(3))
    elif damage == "extra-val":
        ops.append(_val(2, 1))
    body = b"".join(ops)
    unused, card = draw(HEADERS)
    return b"HYLL\x01" + unused + card + body


@st.composite
def dense_values(draw: st.DrawFn) -> bytes:
    base = draw(st.sampled_from([0, 0, 1, 3]))
    registers = bytearray([base]) * hll.REGISTERS
    for index, register in draw(
        st.dictionaries(
            st.integers(min_value=0, max_value=hll.REGISTERS - 1),
            st.integers(min_value=0, max_value=63),
            max_size=12,
        )
    ).items():
        registers[index] = register
    unused, card = draw(HEADERS)
    value = b"HYLL\x00" + unused + card + hll.pack_dense(bytes(registers))
    size = draw(st.sampled_from(["ok", "ok", "ok", "short", "long"]))
    if size == "short":
        return value[:-1]
    if size == "long":
        return value + b"\x00"
    return value


NOT_HLL = st.sampled_from(
    [b"", b"plain", b"HYLL", b"HYLL\x02\x00\x00\x00" + bytes(8) + b"\x7f\xff", b"1234567890123456789"]
)
RAW_VALUES = st.one_of(sparse_values(), dense_values(), NOT_HLL)


class HyperLogLogMachine(DifferentialMachine):
    def __init__(self) -> None:
        super().__init__()
        self.real.config_set("hll-sparse-max-bytes", 3000)

    def teardown(self) -> None:
        self.real.config_set("hll-sparse-max-bytes", 3000)
        super().teardown()

    @rule(key=KEYS, elements=st.lists(ELEMENTS, max_size=8))
    def pfadd(self, key: bytes, elements: list[bytes]) -> None:
        self.check(b"PFADD", key, *elements)

    # Elements aimed at chosen registers (mostly the first few dozen, where
    # the hand-made bodies keep their VAL opcodes) with chosen run lengths.
    @rule(
        key=KEYS,
        aims=st.lists(
            st.tuples(
                st.one_of(
                    st.integers(min_value=0, max_value=40),
                    st.integers(min_value=0, max_value=hll.REGISTERS - 1),
                ),
                st.one_of(
                    st.integers(min_value=1, max_value=5),
                    st.integers(min_value=1, max_value=51),
                ),
            ),
            min_size=1,
            max_size=5,
        ),
        salt=st.integers(min_value=0, max_value=3),
    )
    def pfadd_aimed(self, key: bytes, aims: list[tuple[int, int]], salt: int) -> None:
        self.check(b"PFADD", key, *[element_for(i, c, salt) for i, c in aims])

    # Elements aimed just before or after a VAL opcode with its value (read
    # from the state both sides share), so that neighbouring VALs merge.
    @rule(
        key=KEYS,
        pick=st.integers(min_value=0, max_value=10_000),
        after=st.booleans(),
        bump=st.sampled_from([0, 0, 0, 1]),
    )
    def pfadd_beside_val(self, key: bytes, pick: int, after: bool, bump: int) -> None:
        try:
            value = self.burner.execute_command("GET", key, NEVER_DECODE=True)  # type: ignore[no-untyped-call,unused-ignore]
        except redis.ResponseError:  # not a string
            return
        if not isinstance(value, bytes) or not hll.is_hll(value) or value[4] != hll.SPARSE:
            return
        ops, spans, _ = hll.scan_sparse(value[hll.HEADER :])
        vals = []
        first = 0
        for op, span in zip(ops, spans):
            if 0x80 <= op < 0x100:
                vals.append((first, span, ((op >> 2) & 31) + 1))
            first += span
        if not vals:
            return
        first, span, count = vals[pick % len(vals)]
        index = first + span if after else first - 1
        if 0 <= index < hll.REGISTERS:
            self.check(b"PFADD", key, element_for(index, count + bump, pick))

    @rule(
        key=KEYS,
        seed=st.integers(min_value=0, max_value=30),
        n=st.sampled_from([20, 150, 600, 1800]),
    )
    def pfadd_many(self, key: bytes, seed: int, n: int) -> None:
        self.check(b"PFADD", key, *[b"m%d:%d" % (seed, i) for i in range(n)])

    @rule(keys=st.lists(KEYS, min_size=1, max_size=3))
    def pfcount(self, keys: list[bytes]) -> None:
        self.check(b"PFCOUNT", *keys)

    @rule(dest=KEYS, sources=st.lists(KEYS, max_size=3))
    def pfmerge(self, dest: bytes, sources: list[bytes]) -> None:
        self.check(b"PFMERGE", dest, *sources)

    @rule(
        sub=st.sampled_from([b"GETREG", b"DECODE", b"ENCODING", b"TODENSE", b"todense", b"nope"]),
        key=KEYS,
    )
    def pfdebug(self, sub: bytes, key: bytes) -> None:
        self.check(b"PFDEBUG", sub, key)

    @rule(limit=st.sampled_from([b"3000", b"3000", b"0", b"40", b"300", b"1200"]))
    def sparse_limit(self, limit: bytes) -> None:
        self.check(b"CONFIG", b"SET", b"hll-sparse-max-bytes", limit)

    @rule(key=KEYS, value=RAW_VALUES)
    def set_raw(self, key: bytes, value: bytes) -> None:
        self.check(b"SET", key, value)

    @rule(key=KEYS, source=KEYS)
    def copy_bytes(self, key: bytes, source: bytes) -> None:
        value = self.check(b"GET", source, NEVER_DECODE=True)
        if isinstance(value, bytes):
            self.check(b"SET", key, value, b"KEEPTTL")

    @rule(key=KEYS)
    def expire(self, key: bytes) -> None:
        self.check(b"EXPIRE", key, b"1000")

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
                self.check(b"GET", key, NEVER_DECODE=True)
            self.check(b"TTL", key)


MACHINE_CONFIGS = [
    pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
    pytest.param({"protocol": 3, "decode_responses": True}, id="resp3-str"),
]


@pytest.mark.parametrize("config", MACHINE_CONFIGS)
def test_hyperloglog_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(HyperLogLogMachine, redis_server, config, max_examples=50, steps=30)
