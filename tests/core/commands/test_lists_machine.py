"""Random sequences of list commands, on burner and on the real redis-server.

Keys collide with strings (for WRONGTYPE); indexes, counts and timeouts
include invalid ones. Blocking commands use a timeout that is either invalid
or tiny, so a sequence never stalls. After every step each list burner holds
passes ``_check()``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from burner._core.values.list import List
from tests.machine import KEYS, NOT_NUMBERS, DifferentialMachine, run_machine
from tests.oracle import RedisServerProcess

ELEMENTS = st.sampled_from([b"a", b"b", b"c", b"", b"1", b"\x00"])
INDEXES = st.one_of(
    st.integers(min_value=-8, max_value=8).map(lambda i: str(i).encode()),
    st.sampled_from([b"9223372036854775807", b"-9223372036854775808"]),
    NOT_NUMBERS,
)
COUNTS = st.one_of(
    st.integers(min_value=-3, max_value=6).map(lambda i: str(i).encode()),
    st.sampled_from([b"x", b"1.5", b"9223372036854775807"]),
)
SIDES = st.sampled_from([b"LEFT", b"RIGHT", b"left", b"right", b"UP"])
TIMEOUTS = st.sampled_from([b"0.01", b"0.001", b"x", b"-1", b"inf", b"nan", b"1e400"])
LPOS_OPTIONS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from([b"RANK", b"rank"]), st.sampled_from([b"1", b"-1", b"2", b"-2", b"0", b"x"])),
        st.tuples(st.sampled_from([b"COUNT", b"count"]), st.sampled_from([b"0", b"1", b"2", b"-1", b"y"])),
        st.tuples(st.just(b"MAXLEN"), st.sampled_from([b"0", b"1", b"3", b"-1"])),
        st.tuples(st.just(b"BOGUS")),
    ),
    max_size=3,
)


class ListMachine(DifferentialMachine):
    @rule(name=st.sampled_from([b"LPUSH", b"RPUSH", b"LPUSHX", b"RPUSHX"]), key=KEYS,
          values=st.lists(ELEMENTS, min_size=0, max_size=4))
    def push(self, name: bytes, key: bytes, values: list[bytes]) -> None:
        self.check(name, key, *values)

    @rule(key=KEYS, value=ELEMENTS)
    def set_string(self, key: bytes, value: bytes) -> None:
        self.check(b"SET", key, value)

    @rule(key=KEYS)
    def delete(self, key: bytes) -> None:
        self.check(b"DEL", key)

    @rule(name=st.sampled_from([b"LPOP", b"RPOP"]), key=KEYS,
          count=st.one_of(st.none(), COUNTS))
    def pop(self, name: bytes, key: bytes, count: bytes | None) -> None:
        self.check(name, key, *([] if count is None else [count]))

    @rule(name=st.sampled_from([b"LLEN", b"TYPE", b"EXISTS"]), key=KEYS)
    def inspect(self, name: bytes, key: bytes) -> None:
        self.check(name, key)

    @rule(key=KEYS, start=INDEXES, stop=INDEXES)
    def lrange(self, key: bytes, start: bytes, stop: bytes) -> None:
        self.check(b"LRANGE", key, start, stop)

    @rule(key=KEYS, start=INDEXES, stop=INDEXES)
    def ltrim(self, key: bytes, start: bytes, stop: bytes) -> None:
        self.check(b"LTRIM", key, start, stop)

    @rule(key=KEYS, index=INDEXES)
    def lindex(self, key: bytes, index: bytes) -> None:
        self.check(b"LINDEX", key, index)

    @rule(key=KEYS, index=INDEXES, value=ELEMENTS)
    def lset(self, key: bytes, index: bytes, value: bytes) -> None:
        self.check(b"LSET", key, index, value)

    @rule(key=KEYS, where=st.sampled_from([b"BEFORE", b"after", b"MIDDLE"]), pivot=ELEMENTS,
          value=ELEMENTS)
    def linsert(self, key: bytes, where: bytes, pivot: bytes, value: bytes) -> None:
        self.check(b"LINSERT", key, where, pivot, value)

    @rule(key=KEYS, count=st.one_of(INDEXES, COUNTS), value=ELEMENTS)
    def lrem(self, key: bytes, count: bytes, value: bytes) -> None:
        self.check(b"LREM", key, count, value)

    @rule(key=KEYS, value=ELEMENTS, options=LPOS_OPTIONS)
    def lpos(self, key: bytes, value: bytes, options: list[tuple[bytes, ...]]) -> None:
        self.check(b"LPOS", key, value, *[part for option in options for part in option])

    @rule(src=KEYS, dst=KEYS, a=SIDES, b=SIDES)
    def lmove(self, src: bytes, dst: bytes, a: bytes, b: bytes) -> None:
        self.check(b"LMOVE", src, dst, a, b)

    @rule(src=KEYS, dst=KEYS)
    def rpoplpush(self, src: bytes, dst: bytes) -> None:
        self.check(b"RPOPLPUSH", src, dst)

    @rule(keys=st.lists(KEYS, min_size=1, max_size=3), side=SIDES,
          count=st.one_of(st.none(), COUNTS), numkeys_delta=st.sampled_from([0, 0, 0, -1, 1]),
          blocking=st.booleans(), timeout=TIMEOUTS)
    def mpop(self, keys: list[bytes], side: bytes, count: bytes | None, numkeys_delta: int,
             blocking: bool, timeout: bytes) -> None:
        args: list[Any] = [str(len(keys) + numkeys_delta).encode(), *keys, side]
        if count is not None:
            args += [b"COUNT", count]
        if blocking:
            self.check(b"BLMPOP", timeout, *args)
        else:
            self.check(b"LMPOP", *args)

    @rule(name=st.sampled_from([b"BLPOP", b"BRPOP"]), keys=st.lists(KEYS, min_size=1, max_size=3),
          timeout=TIMEOUTS)
    def bpop(self, name: bytes, keys: list[bytes], timeout: bytes) -> None:
        self.check(name, *keys, timeout)

    @rule(src=KEYS, dst=KEYS, a=SIDES, b=SIDES, timeout=TIMEOUTS, legacy=st.booleans())
    def bmove(self, src: bytes, dst: bytes, a: bytes, b: bytes, timeout: bytes,
              legacy: bool) -> None:
        if legacy:
            self.check(b"BRPOPLPUSH", src, dst, timeout)
        else:
            self.check(b"BLMOVE", src, dst, a, b, timeout)

    @invariant()
    def lists_are_sound(self) -> None:
        with self.burner.server.lock:
            for value in self.burner.server.dbs[0].data.values():
                if type(value) is List:
                    value._check()


@pytest.mark.parametrize(
    "config",
    [{"protocol": 2, "decode_responses": False}, {"protocol": 3, "decode_responses": True}],
    ids=["resp2-bytes", "resp3-str"],
)
def test_list_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(ListMachine, redis_server, config, max_examples=40, steps=25)
