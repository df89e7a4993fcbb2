"""Random sequences of generic key commands, on burner and on the real
redis-server: existence, types, renames, copies, moves between databases,
expiry with every option, KEYS and SCAN.

Time-dependent replies stay comparable because relative deadlines are at
least 1000 s away (so TTL rounds to the same second on both sides), the
options that compare deadlines (GT/LT) are only used with absolute ones,
(P)EXPIRETIME of a relative deadline is compared only as "some future time",
and the TTL of an absolute deadline only as "far" (EXPIRETIME is exact).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from tests.machine import FIELDS, KEYS, NOT_NUMBERS, VALUES, DifferentialMachine, run_machine
from tests.oracle import RedisServerProcess

FAR = 4_000_000_000  # seconds; absolute deadlines are FAR + small offsets

OPTION = st.sampled_from([b"NX", b"XX", b"GT", b"LT", b"nx", b"gt", b"BOGUS"])
RELATIVE_OPTION = st.sampled_from([b"NX", b"XX", b"xx", b"BOGUS"])
RELATIVE_SECONDS = st.sampled_from([1000, 5000, 100_000, 2_000_000])
IMMEDIATE = st.sampled_from([0, -1, -100, -9223372036854775, -9223372036854776])
HUGE = st.sampled_from([b"9223372036854775807", b"-9223372036854775808", b"9223372036854776",
                        b"9223372036854775808"])
DB_ARGS = st.sampled_from([b"0", b"1", b"2", b"15", b"16", b"-1", b"x", b"4294967296"])
PATTERNS = st.sampled_from([b"*", b"k*", b"k?", b"*4", b"{k}*", b"[k]1", b"[^k]*", b"\\{*",
                            b"k[1-2]", b"*[", b"?", b""])
TYPES = st.sampled_from([b"string", b"hash", b"HASH", b"stream", b"list", b"set", b"zset",
                         b"none", b"x"])


def _ttl_s(value: Any) -> Any:
    """A TTL: exact for a relative deadline (whole seconds away, so both
    sides round alike); for an absolute one EXPIRETIME is the exact check."""
    if isinstance(value, int) and value > 100_000_000:
        return "absolute"
    return value


def _ttl(value: Any) -> Any:
    """PTTL in whole seconds, as ``_ttl_s``."""
    if isinstance(value, int) and value > 0:
        return _ttl_s((value + 500) // 1000)
    return value


def _deadline(value: Any) -> Any:
    """A PEXPIRETIME: exact when absolute (near FAR), else only "relative"."""
    if isinstance(value, int) and value > 0 and abs(value - FAR * 1000) > 10_000_000:
        return "relative"
    return value


def _deadline_s(value: Any) -> Any:
    if isinstance(value, int) and value > 0 and abs(value - FAR) > 10_000:
        return "relative"
    return value


def _scan(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and len(value) == 2 and isinstance(value[1], list):
        return value[0], sorted(value[1], key=repr)
    return value


def _sorted(value: Any) -> Any:
    return sorted(value, key=repr) if isinstance(value, (list, set)) else value


def _flat_pairs(value: Any) -> Any:
    if isinstance(value, list):
        it = iter(value)
        return sorted(zip(it, it), key=repr)
    return value


class KeysMachine(DifferentialMachine):
    unordered = frozenset({b"KEYS"})

    # --- writes that create keys of a few types
    @rule(key=KEYS, value=VALUES)
    def set_string(self, key: bytes, value: bytes) -> None:
        self.check("SET", key, value)

    @rule(key=KEYS, field=FIELDS, value=VALUES)
    def hset(self, key: bytes, field: bytes, value: bytes) -> None:
        self.check("HSET", key, field, value)

    @rule(key=KEYS, values=st.lists(FIELDS, min_size=1, max_size=3))
    def rpush(self, key: bytes, values: list[bytes]) -> None:
        self.check("RPUSH", key, *values)

    @rule(key=KEYS, members=st.lists(FIELDS, min_size=1, max_size=3))
    def sadd(self, key: bytes, members: list[bytes]) -> None:
        self.check("SADD", key, *members)

    @rule(key=KEYS, score=st.integers(min_value=-3, max_value=3), member=FIELDS)
    def zadd(self, key: bytes, score: int, member: bytes) -> None:
        self.check("ZADD", key, score, member)

    @rule(key=KEYS, sid=st.sampled_from([b"1-1", b"2-0", b"5-3", b"9-9"]), field=FIELDS,
          value=VALUES)
    def xadd(self, key: bytes, sid: bytes, field: bytes, value: bytes) -> None:
        self.check("XADD", key, sid, field, value)

    @rule(key=KEYS, value=VALUES, seconds=RELATIVE_SECONDS)
    def set_with_ttl(self, key: bytes, value: bytes, seconds: int) -> None:
        self.check("SET", key, value, "EX", seconds)

    @rule(db=st.sampled_from([b"0", b"1"]))
    def select(self, db: bytes) -> None:
        self.check("SELECT", db)

    # --- existence, deletion, type
    @rule(name=st.sampled_from(["DEL", "UNLINK", "EXISTS", "TOUCH"]),
          keys=st.lists(KEYS, max_size=4))
    def multi_key(self, name: str, keys: list[bytes]) -> None:
        self.check(name, *keys)

    @rule(key=KEYS)
    def type_(self, key: bytes) -> None:
        self.check("TYPE", key)

    @rule(key=KEYS)
    def read_back(self, key: bytes) -> None:
        kind = self.real.type(key)
        if isinstance(kind, bytes):
            kind = kind.decode()
        if kind == "hash":
            self.check("HGETALL", key, normalize=_flat_pairs)
        elif kind == "list":
            self.check("LRANGE", key, 0, -1)
        elif kind == "set":
            self.check("SMEMBERS", key, normalize=_sorted)
        elif kind == "zset":
            self.check("ZRANGE", key, 0, -1, "WITHSCORES")
        elif kind == "stream":
            self.check("XRANGE", key, "-", "+")
        else:
            self.check("GET", key)

    @rule(key=KEYS, sub=st.sampled_from([b"ENCODING", b"FREQ", b"encoding", b"NOPE"]))
    def object_(self, key: bytes, sub: bytes) -> None:
        self.check("OBJECT", sub, key)

    @rule()
    def dbsize(self) -> None:
        self.check("DBSIZE")

    @rule()
    def randomkey(self) -> None:
        self.check("RANDOMKEY", normalize=lambda v: v is None)

    # --- rename, copy, move
    @rule(nx=st.booleans(), src=KEYS, dst=KEYS)
    def rename(self, nx: bool, src: bytes, dst: bytes) -> None:
        self.check("RENAMENX" if nx else "RENAME", src, dst)

    @rule(src=KEYS, dst=KEYS, db=st.none() | DB_ARGS, replace=st.booleans(),
          junk=st.sampled_from([None, b"FOO", b"DB"]))
    def copy(self, src: bytes, dst: bytes, db: bytes | None, replace: bool,
             junk: bytes | None) -> None:
        args: list[bytes] = []
        if db is not None:
            args += [b"DB", db]
        if replace:
            args.append(b"REPLACE")
        if junk is not None:
            args.append(junk)
        self.check("COPY", src, dst, *args)

    @rule(key=KEYS, db=DB_ARGS)
    def move(self, key: bytes, db: bytes) -> None:
        self.check("MOVE", key, db)

    @rule(src=KEYS, dst=KEYS, replace=st.booleans(), ours=st.booleans(),
          ttl=st.sampled_from([b"0", b"100000000", b"-1", b"x"]))
    def dump_restore(self, src: bytes, dst: bytes, replace: bool, ours: bool, ttl: bytes) -> None:
        # One side's payload restored on both: each server must read it.
        payload = (self.burner if ours else self.real).dump(src)
        if payload is None:
            payload = b"\x00\x01x\x0a\x00" + b"\x00" * 8  # a bad checksum
        args = [b"REPLACE"] if replace else []
        self.check("RESTORE", dst, ttl, payload, *args)

    @rule(name=st.sampled_from(["SORT", "SORT_RO"]), key=KEYS, alpha=st.booleans(),
          desc=st.booleans(), limit=st.none() | st.tuples(st.integers(-1, 3), st.integers(-1, 3)),
          by=st.sampled_from([None, b"nosort", b"k*", b"*->f1"]), get=st.none() | PATTERNS,
          store=st.none() | KEYS)
    def sort(self, name: str, key: bytes, alpha: bool, desc: bool,
             limit: tuple[int, int] | None, by: bytes | None, get: bytes | None,
             store: bytes | None) -> None:
        args: list[Any] = []
        if by is not None:
            if by == b"nosort" and store is None and self.real.type(key) in (b"set", "set"):
                by = None  # a set's own order differs between servers
            else:
                args += [b"BY", by]
        if alpha:
            args.append(b"ALPHA")
            if by is not None and b"*" in by:
                args.pop()  # equal ALPHA weights have no defined order
        if desc:
            args.append(b"DESC")
        if limit is not None:
            args += [b"LIMIT", *limit]
        if get is not None:
            args += [b"GET", get]
        if store is not None:
            args += [b"STORE", store]
        self.check(name, key, *args)

    # --- expiry
    @rule(name=st.sampled_from(["EXPIREAT", "PEXPIREAT"]), key=KEYS,
          offset=st.integers(min_value=-3, max_value=3),
          options=st.lists(OPTION, max_size=2))
    def expire_absolute(self, name: str, key: bytes, offset: int, options: list[bytes]) -> None:
        amount = FAR + offset * 100
        if name == "PEXPIREAT":
            amount *= 1000
        self.check(name, key, amount, *options)

    @rule(name=st.sampled_from(["EXPIRE", "PEXPIRE"]), key=KEYS, seconds=RELATIVE_SECONDS,
          options=st.lists(RELATIVE_OPTION, max_size=2))
    def expire_relative(self, name: str, key: bytes, seconds: int, options: list[bytes]) -> None:
        amount = seconds * 1000 if name == "PEXPIRE" else seconds
        self.check(name, key, amount, *options)

    @rule(name=st.sampled_from(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]), key=KEYS,
          amount=IMMEDIATE, options=st.lists(OPTION, max_size=2))
    def expire_now(self, name: str, key: bytes, amount: int, options: list[bytes]) -> None:
        self.check(name, key, amount, *options)

    @rule(name=st.sampled_from(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]), key=KEYS,
          amount=st.one_of(NOT_NUMBERS, HUGE))
    def expire_bad(self, name: str, key: bytes, amount: bytes) -> None:
        self.check(name, key, amount)

    @rule(key=KEYS)
    def persist(self, key: bytes) -> None:
        self.check("PERSIST", key)

    @rule(key=KEYS)
    def ttls(self, key: bytes) -> None:
        self.check("TTL", key, normalize=_ttl_s)
        self.check("PTTL", key, normalize=_ttl)
        self.check("EXPIRETIME", key, normalize=_deadline_s)
        self.check("PEXPIRETIME", key, normalize=_deadline)

    # --- enumeration
    @rule(pattern=PATTERNS)
    def keys(self, pattern: bytes) -> None:
        self.check("KEYS", pattern)

    # Only cursors whose meaning is fixed: a mid-scan cursor means different
    # things to the two servers.
    @rule(cursor=st.sampled_from([b"0", b"0", b"", b"x", b" 0"]),
          match=st.none() | PATTERNS, count=st.none() | st.sampled_from([b"1", b"10", b"0", b"x"]),
          type_=st.none() | TYPES)
    def scan(self, cursor: bytes, match: bytes | None, count: bytes | None,
             type_: bytes | None) -> None:
        args: list[bytes] = []
        if match is not None:
            args += [b"MATCH", match]
        if count is not None:
            args += [b"COUNT", count]
        if type_ is not None:
            args += [b"TYPE", type_]
        if count == b"1" and cursor in (b"0", b""):
            # steps of one key each: compare the whole iteration instead
            self._full_scan(args)
            return
        self.check("SCAN", cursor, *args, normalize=_scan)

    def _full_scan(self, args: list[bytes]) -> None:
        def run(client: Any) -> list[Any]:
            seen: list[Any] = []
            cursor: Any = 0
            for _ in range(100):
                cursor, items = client.execute_command("SCAN", cursor, *args)
                seen.extend(items)
                if cursor in (0, b"0", "0"):
                    return sorted(set(seen), key=repr)
            raise AssertionError("SCAN did not finish")

        assert run(self.burner) == run(self.real), args

    @invariant()
    def same_keyspace(self) -> None:
        for index in (0, 1):
            db = self.burner.server.dbs[index]
            assert set(db.expires) <= set(db.data)
            for value in db.data.values():
                check = getattr(value, "_check", None)
                if check is not None:
                    check()


MACHINE_CONFIGS = [
    pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
    pytest.param(
        {"protocol": 3, "decode_responses": True, "encoding_errors": "replace"}, id="resp3-str"
    ),
]


@pytest.mark.parametrize("config", MACHINE_CONFIGS)
def test_keys_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(KeysMachine, redis_server, config, max_examples=60, steps=30)
