"""Random sequences of hash commands, on burner and on the real redis-server.

Every reply must match; HRANDFIELD's random replies must have the properties
Redis's have; after every step each hash burner holds passes ``_check()`` and
has the encoding (listpack or hashtable) the real server reports.
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from burner._core.values.hash import Hash
from tests.core.commands.test_hashes import check_hrandfield
from tests.machine import (
    FIELDS,
    FLOATS,
    KEYS,
    NOT_NUMBERS,
    NUMBERS,
    SMALL_INTS,
    VALUES,
    DifferentialMachine,
    run_machine,
)
from tests.oracle import Outcome, RedisServerProcess

LONG = st.sampled_from([b"x" * 64, b"y" * 65, b"1" * 70])
ANY_VALUE = st.one_of(VALUES, LONG)
PAIRS = st.lists(st.tuples(FIELDS, ANY_VALUE), min_size=1, max_size=4)
INCREMENTS = st.one_of(NUMBERS, NOT_NUMBERS, SMALL_INTS.map(lambda i: str(i).encode()))
FLOAT_INCREMENTS = st.one_of(FLOATS, NOT_NUMBERS, st.sampled_from([b"nan", b"1e400", b"0x1p3"]))
COUNTS = st.one_of(
    SMALL_INTS,
    st.sampled_from([b"x", b"1.0", b"", b"9223372036854775808", b"-9223372036854775808"]),
)


SCAN_OPTIONS = st.sampled_from(
    [
        (b"MATCH", b"f*"),
        (b"MATCH", b"*1"),
        (b"match", b"[f]?"),
        (b"COUNT", b"1"),
        (b"count", b"3"),
        (b"COUNT", b"0"),
        (b"COUNT", b"x"),
        (b"MATCH",),
        (b"NOPE", b"1"),
    ]
)


def _full_scan(client: Any, key: bytes, args: list[bytes]) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    cursor: Any = 0
    for _ in range(1000):
        cursor, items = client.execute_command("HSCAN", key, cursor, *args)
        seen.update(items)
        if cursor == 0:
            return seen
    raise AssertionError("HSCAN did not finish")


def _flat_pairs(value: Any) -> Any:
    """HGETALL under RESP2 (a flat list) in an order-free form; a RESP3 map
    compares without order already."""
    if isinstance(value, list):
        it = iter(value)
        return sorted(zip(it, it), key=repr)
    return value


class HashMachine(DifferentialMachine):
    unordered = frozenset({b"HKEYS", b"HVALS"})

    @rule(key=KEYS, pairs=PAIRS)
    def hset(self, key: bytes, pairs: list[tuple[bytes, bytes]]) -> None:
        self.check("HSET", key, *[x for p in pairs for x in p])

    @rule(key=KEYS, pairs=PAIRS)
    def hmset(self, key: bytes, pairs: list[tuple[bytes, bytes]]) -> None:
        self.check("HMSET", key, *[x for p in pairs for x in p])

    @rule(name=st.sampled_from(["HSET", "HMSET"]), key=KEYS, args=st.lists(FIELDS, max_size=5))
    def hset_odd(self, name: str, key: bytes, args: list[bytes]) -> None:
        if len(args) % 2 == 0:
            args.append(b"dangling")
        self.check(name, key, *args)

    @rule(key=KEYS, field=FIELDS, value=ANY_VALUE)
    def hsetnx(self, key: bytes, field: bytes, value: bytes) -> None:
        self.check("HSETNX", key, field, value)

    @rule(key=KEYS, field=FIELDS)
    def hget(self, key: bytes, field: bytes) -> None:
        self.check("HGET", key, field)

    @rule(key=KEYS, fields=st.lists(FIELDS, min_size=1, max_size=4))
    def hmget(self, key: bytes, fields: list[bytes]) -> None:
        self.check("HMGET", key, *fields)

    @rule(key=KEYS)
    def hgetall(self, key: bytes) -> None:
        self.check("HGETALL", key, normalize=_flat_pairs)

    @rule(name=st.sampled_from(["HKEYS", "HVALS", "HLEN"]), key=KEYS)
    def whole(self, name: str, key: bytes) -> None:
        self.check(name, key)

    @rule(name=st.sampled_from(["HEXISTS", "HSTRLEN"]), key=KEYS, field=FIELDS)
    def per_field(self, name: str, key: bytes, field: bytes) -> None:
        self.check(name, key, field)

    @rule(key=KEYS, fields=st.lists(FIELDS, min_size=1, max_size=4))
    def hdel(self, key: bytes, fields: list[bytes]) -> None:
        self.check("HDEL", key, *fields)

    @rule(key=KEYS, field=FIELDS, incr=INCREMENTS)
    def hincrby(self, key: bytes, field: bytes, incr: bytes) -> None:
        self.check("HINCRBY", key, field, incr)

    @rule(key=KEYS, field=FIELDS, incr=FLOAT_INCREMENTS)
    def hincrbyfloat(self, key: bytes, field: bytes, incr: bytes) -> None:
        self.check("HINCRBYFLOAT", key, field, incr)

    @rule(key=KEYS, count=st.none() | COUNTS, withvalues=st.booleans())
    def hrandfield(self, key: bytes, count: int | bytes | None, withvalues: bool) -> None:
        args: list[Any] = []
        if count is not None:
            args.append(count)
            if withvalues:
                args.append(b"WITHVALUES")
        if isinstance(count, bytes):
            self.check("HRANDFIELD", key, *args)  # every such count is an error
            return
        mine: Any = self.burner
        theirs: Any = self.real
        try:
            content = theirs.hgetall(key)
        except redis.ResponseError:
            self.check("HRANDFIELD", key, *args)  # WRONGTYPE on both
            return
        got = mine.execute_command("HRANDFIELD", key, *args)
        want = theirs.execute_command("HRANDFIELD", key, *args)
        check_hrandfield(got, want, content, count, withvalues and count is not None)

    @rule(
        key=KEYS,
        cursor=st.sampled_from([b"0", b"0", b"0", b"7", b"-1", b"x", b""]),
        options=st.lists(SCAN_OPTIONS, max_size=2),
    )
    def hscan(self, key: bytes, cursor: bytes, options: list[tuple[bytes, ...]]) -> None:
        args = [x for option in options for x in option]
        value = self.burner.server.dbs[0].data.get(key)
        if type(value) is not Hash or not value.big or cursor == b"x":
            # a small hash comes back whole whatever the cursor; errors are exact
            self.check("HSCAN", key, cursor, *args)
            return
        if cursor not in (b"0", b""):
            # a cursor into the middle of a hashtable names a different place in
            # each implementation: only the outcome's kind and membership compare
            mine: Any = self.burner
            theirs: Any = self.real
            got = Outcome.of(lambda: mine.execute_command("HSCAN", key, cursor, *args))
            want = Outcome.of(lambda: theirs.execute_command("HSCAN", key, cursor, *args))
            assert got.error == want.error, f"burner {got} != redis {want}"
            if got.error is None:
                content = theirs.hgetall(key)
                assert all(content[f] == v for f, v in got.value[1].items())
            return
        # a hashtable is scanned in steps whose boundaries differ: compare the
        # union of a full iteration
        got = Outcome.of(lambda: _full_scan(self.burner, key, args))
        want = Outcome.of(lambda: _full_scan(self.real, key, args))
        assert got == want, f"HSCAN {key!r} {args!r}: burner {got} != redis {want}"

    @rule(key=KEYS, value=VALUES)
    def set_string(self, key: bytes, value: bytes) -> None:
        self.check("SET", key, value)

    @rule(key=KEYS)
    def delete(self, key: bytes) -> None:
        self.check("DEL", key)

    @invariant()
    def hashes_are_sound(self) -> None:
        data = self.burner.server.dbs[0].data
        for key, value in data.items():
            if type(value) is Hash:
                value._check()
                want = self.real.object("encoding", key)
                if isinstance(want, str):
                    want = want.encode()
                assert value.encoding() == want, key


MACHINE_CONFIGS = [
    pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
    pytest.param(
        {"protocol": 3, "decode_responses": True, "encoding_errors": "replace"}, id="resp3-str"
    ),
]


@pytest.mark.parametrize("config", MACHINE_CONFIGS)
def test_hash_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(HashMachine, redis_server, config, max_examples=60, steps=30)
