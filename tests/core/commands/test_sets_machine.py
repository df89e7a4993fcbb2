"""Random sequences of set commands, on burner and on the real redis-server.

Every reply must match (member order ignored where Redis leaves it open);
SPOP and SRANDMEMBER are checked by their properties. After every step each
set burner holds passes ``_check()`` and has the encoding (intset or
hashtable) the real server reports.
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from burner._core.values.set import Set
from tests.machine import KEYS, SMALL_INTS, VALUES, DifferentialMachine, run_machine
from tests.oracle import Outcome, RedisServerProcess

MEMBERS = st.one_of(
    st.sampled_from([b"a", b"b", b"c", b"", b"1", b"2", b"-3", b"01", b"-0", b"x\xff"]),
    st.integers(min_value=-20, max_value=20).map(lambda i: str(i).encode()),
)
MEMBER_LISTS = st.lists(MEMBERS, min_size=1, max_size=6)
ANY_KEYS = st.one_of(KEYS, st.just(b"nokey"))
KEY_LISTS = st.lists(ANY_KEYS, min_size=1, max_size=4)
COUNTS = st.one_of(
    SMALL_INTS.map(lambda i: str(i).encode()),
    st.sampled_from([b"x", b"1.0", b"", b"100", b"9223372036854775808", b"-9223372036854775808"]),
)
SCAN_OPTIONS = st.sampled_from(
    [(b"MATCH", b"1*"), (b"MATCH", b"[a-c]"), (b"COUNT", b"2"), (b"COUNT", b"0"), (b"NOPE",)]
)


def _decoded_set(value: Any) -> set[Any]:
    return set(value)


class SetMachine(DifferentialMachine):
    unordered = frozenset({b"SMEMBERS", b"SINTER", b"SUNION", b"SDIFF"})

    def __init__(self) -> None:
        super().__init__()
        self.raw = self.server.client()  # bytes, whatever the config

    @rule(key=KEYS, members=MEMBER_LISTS)
    def sadd(self, key: bytes, members: list[bytes]) -> None:
        self.check("SADD", key, *members)

    @rule(key=KEYS, n=st.integers(min_value=500, max_value=520))
    def sadd_many(self, key: bytes, n: int) -> None:
        self.check("SADD", key, *range(n))

    @rule(key=KEYS, members=MEMBER_LISTS)
    def srem(self, key: bytes, members: list[bytes]) -> None:
        self.check("SREM", key, *members)

    @rule(key=ANY_KEYS, member=MEMBERS)
    def sismember(self, key: bytes, member: bytes) -> None:
        self.check("SISMEMBER", key, member)

    @rule(key=ANY_KEYS, members=MEMBER_LISTS)
    def smismember(self, key: bytes, members: list[bytes]) -> None:
        self.check("SMISMEMBER", key, *members)

    @rule(name=st.sampled_from(["SMEMBERS", "SCARD"]), key=ANY_KEYS)
    def whole(self, name: str, key: bytes) -> None:
        self.check(name, key)

    @rule(src=ANY_KEYS, dst=ANY_KEYS, member=MEMBERS)
    def smove(self, src: bytes, dst: bytes, member: bytes) -> None:
        self.check("SMOVE", src, dst, member)

    @rule(name=st.sampled_from(["SINTER", "SUNION", "SDIFF"]), keys=KEY_LISTS)
    def algebra(self, name: str, keys: list[bytes]) -> None:
        self.check(name, *keys)

    @rule(
        name=st.sampled_from(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]),
        dst=KEYS,
        keys=KEY_LISTS,
    )
    def algebra_store(self, name: str, dst: bytes, keys: list[bytes]) -> None:
        self.check(name, dst, *keys)

    @rule(
        numkeys=st.one_of(st.integers(min_value=-1, max_value=5).map(lambda i: str(i).encode()), st.just(b"x")),
        keys=KEY_LISTS,
        limit=st.none() | COUNTS,
    )
    def sintercard(self, numkeys: bytes, keys: list[bytes], limit: bytes | None) -> None:
        extra = [b"LIMIT", limit] if limit is not None else []
        self.check("SINTERCARD", numkeys, *keys, *extra)

    @rule(key=ANY_KEYS, count=st.none() | COUNTS)
    def srandmember(self, key: bytes, count: bytes | None) -> None:
        args = [] if count is None else [count]
        content = self._content(key)
        if content is None or (count is not None and _as_count(count) is None):
            self.check("SRANDMEMBER", key, *args)  # errors, exactly
            return
        got = self.burner.execute_command("SRANDMEMBER", key, *args)
        real: Any = self.real
        want = real.execute_command("SRANDMEMBER", key, *args)
        n = _as_count(count) if count is not None else None
        if n is None:
            assert (got is None) == (want is None)
            assert got is None or got in content
            return
        assert isinstance(got, list) and set(got) <= content
        if n >= 0:
            assert len(got) == len(want) == min(n, len(content))
            assert len(set(got)) == len(got)
        else:
            assert len(got) == len(want) == (-n if content else 0)

    @rule(key=ANY_KEYS, count=st.none() | COUNTS)
    def spop(self, key: bytes, count: bytes | None) -> None:
        args = [] if count is None else [count]
        content = self._content(key)
        n = _as_count(count) if count is not None else 1
        if content is None or n is None or n < 0 or (count is not None and n == 0):
            self.check("SPOP", key, *args)  # errors and empty answers, exactly
            return
        got = self.burner.execute_command("SPOP", key, *args)
        real: Any = self.real
        want = real.execute_command("SPOP", key, *args)
        popped = [got] if count is None else list(got)
        wanted = [want] if count is None else list(want)
        if not content:
            assert popped == wanted == [None] or popped == wanted == []
            return
        assert set(popped) <= content and len(set(popped)) == len(popped)
        assert len(popped) == len(wanted) == min(n, len(content))
        # Both servers popped a random choice: make burner's set the one Redis
        # kept, with Redis's encoding, so the runs stay comparable.
        remaining: set[bytes] = self.raw.smembers(key)  # type: ignore[assignment]
        data = self.burner.server.dbs[0].data
        if not remaining:
            assert key not in data
            return
        replacement = Set(remaining)
        replacement.hashtable = _encoding(self.real, key) == b"hashtable"
        assert type(data[key]) is Set
        data[key] = replacement

    @rule(
        key=ANY_KEYS,
        cursor=st.sampled_from([b"0", b"0", b"x", b""]),
        options=st.lists(SCAN_OPTIONS, max_size=2),
    )
    def sscan(self, key: bytes, cursor: bytes, options: list[tuple[bytes, ...]]) -> None:
        args = [x for option in options for x in option]
        got = Outcome.of(lambda: _full_scan(self.burner, key, cursor, args))
        want = Outcome.of(lambda: _full_scan(self.real, key, cursor, args))
        assert got == want, f"SSCAN {key!r} {cursor!r} {args!r}: burner {got} != redis {want}"

    def teardown(self) -> None:
        self.raw.close()
        super().teardown()

    @rule(key=KEYS, value=VALUES)
    def set_string(self, key: bytes, value: bytes) -> None:
        self.check("SET", key, value)

    @rule(key=KEYS)
    def delete(self, key: bytes) -> None:
        self.check("DEL", key)

    def _content(self, key: bytes) -> set[Any] | None:
        """The real server's members at ``key``; None when it is not a set."""
        try:
            return _decoded_set(self.real.smembers(key))
        except redis.ResponseError:
            return None

    @invariant()
    def sets_are_sound(self) -> None:
        data = self.burner.server.dbs[0].data
        for key, value in data.items():
            if type(value) is Set:
                value._check()
                assert value.encoding() == _encoding(self.real, key), key


def _encoding(client: Any, key: bytes) -> bytes:
    want = client.object("encoding", key)
    return want.encode() if isinstance(want, str) else bytes(want)


def _as_count(raw: bytes) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        return None
    if raw != str(value).encode() or not -(2**63) < value < 2**63:
        return None
    return value


def _full_scan(client: Any, key: bytes, cursor: bytes, args: list[bytes]) -> list[Any]:
    seen: list[Any] = []
    current: Any = cursor
    for _ in range(1000):
        current, items = client.execute_command("SSCAN", key, current, *args)
        seen.extend(items)
        if int(current) == 0:
            return sorted(set(seen), key=repr)
    raise AssertionError("SSCAN did not finish")


MACHINE_CONFIGS = [
    pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
    pytest.param(
        {"protocol": 3, "decode_responses": True, "encoding_errors": "replace"}, id="resp3-str"
    ),
]


@pytest.mark.parametrize("config", MACHINE_CONFIGS)
def test_set_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(SetMachine, redis_server, config, max_examples=60, steps=30)
