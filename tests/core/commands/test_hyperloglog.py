"""HyperLogLog commands (PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST), compared
with the real redis-server: replies, errors, and the stored strings byte for
byte (GET without decoding), sparse and dense, valid and corrupt."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Iterator

import pytest
import redis

import burner
from burner._core import hll
from tests.oracle import Pair, RedisServerProcess

SPARSE_HEADER = b"HYLL\x01\x00\x00\x00" + bytes(7) + b"\x80"  # stale cache
DENSE_HEADER = b"HYLL\x00\x00\x00\x00" + bytes(7) + b"\x80"


def raw_get(pair: Pair, key: str) -> bytes:
    """GET without decoding (HyperLogLogs are binary); equal on both sides."""
    value: bytes = pair.cmd("GET", key, NEVER_DECODE=True)
    return value


def sparse(*ops: bytes) -> bytes:
    return SPARSE_HEADER + b"".join(ops)


def xzero(n: int) -> bytes:
    return bytes((0x40 | ((n - 1) >> 8), (n - 1) & 0xFF))


def zero(n: int) -> bytes:
    return bytes((n - 1,))


def val(value: int, run: int) -> bytes:
    return bytes((0x80 | ((value - 1) << 2) | (run - 1),))


_M = 0xC6A4A7935BD1E995
_M_INVERSE = pow(_M, -1, 1 << 64)
_MASK = (1 << 64) - 1


def _unshift(h: int) -> int:
    return h ^ (h >> 47)  # its own inverse (47 >= 32)


def element_for(index: int, count: int, salt: int = 0) -> bytes:
    """An 8-byte element that lands in register ``index`` with run length
    ``count`` (1..51): MurmurHash64A run backwards from a chosen hash."""
    high = ((salt * 2 + 1) << (14 + count)) if count < 50 else 0
    h = (index | (1 << (14 + count - 1)) | high) & _MASK
    h = _unshift((_unshift(h) * _M_INVERSE) & _MASK)
    h = (h * _M_INVERSE) & _MASK  # undo the block loop's last multiply
    k = h ^ ((0xADC83B19 ^ (8 * _M)) & _MASK)
    k = (_unshift((k * _M_INVERSE) & _MASK) * _M_INVERSE) & _MASK
    return k.to_bytes(8, "little")


def test_element_for() -> None:
    for index, count in [(0, 1), (5, 3), (100, 32), (7, 33), (16383, 51), (16383, 50)]:
        assert hll.pattern(element_for(index, count)) == (index, count)
        assert hll.pattern(element_for(index, count, salt=9)) == (index, count)


def dense_of(register_value: int) -> bytes:
    return DENSE_HEADER + hll.pack_dense(bytes((register_value,)) * hll.REGISTERS)


def pfadd(pair: Pair, key: str, *members: str | bytes) -> int:
    added: int = pair.check(lambda r: r.pfadd(key, *members))
    return added


def pfcount(pair: Pair, *keys: str) -> int:
    count: int = pair.check(lambda r: r.pfcount(*keys))
    return count


def pfmerge(pair: Pair, dest: str, *sources: str) -> None:
    pair.check(lambda r: r.pfmerge(dest, *sources))


def store(pair: Pair, key: str, value: str | bytes) -> None:
    pair.both(lambda r: r.set(key, value))


def sparse_max(pair: Pair, limit: int | str) -> None:
    pair.both(lambda r: r.config_set("hll-sparse-max-bytes", limit))


@pytest.fixture
def sparse_limit(pair: Pair) -> Iterator[None]:
    """Lets a test change hll-sparse-max-bytes; puts the default back."""
    try:
        yield
    finally:
        sparse_max(pair, 3000)


# --- PFADD / PFCOUNT ---------------------------------------------------------------
def test_pfadd_and_count_small(pair: Pair) -> None:
    pair.cmd("PFADD", "h")
    raw_get(pair, "h")
    pair.cmd("PFADD", "h")
    pfcount(pair, "h")
    raw_get(pair, "h")
    pfadd(pair, "h", "a", "b", "c")
    raw_get(pair, "h")
    pfadd(pair, "h", "a", "b", "c")
    pfadd(pair, "h", "c", "d")
    pfcount(pair, "h")
    raw_get(pair, "h")  # the cached cardinality is stored
    pfcount(pair, "h")
    pfcount(pair, "missing")
    pair.cmd("EXISTS", "missing")
    pair.cmd("TYPE", "h")
    pair.cmd("STRLEN", "h")
    pfadd(pair, "e", "")
    pfadd(pair, "e", b"\x00\xff", "x" * 1000)
    raw_get(pair, "e")
    pfcount(pair, "e")


def test_hash_of_every_length(pair: Pair) -> None:
    # One element per key: the sparse bytes show the register index and the
    # run length MurmurHash64A gives, for each tail length and block count.
    rng = random.Random(7)
    for n in [*range(34), 100, 255, 4096]:
        element = bytes(rng.getrandbits(8) for _ in range(n))
        pfadd(pair, f"k{n}", element)
        raw_get(pair, f"k{n}")
    pair.cmd("PFDEBUG", "GETREG", "k33")


def test_sparse_growth_then_dense(pair: Pair) -> None:
    for chunk in range(40):
        members = [f"m{chunk}-{i}" for i in range(60)]
        pfadd(pair, "h", *members)
        raw_get(pair, "h")
        pair.cmd("PFDEBUG", "ENCODING", "h")
        if chunk % 5 == 0:
            pfcount(pair, "h")
    pfcount(pair, "h")
    raw_get(pair, "h")


def test_one_element_at_a_time_until_dense(pair: Pair) -> None:
    def adds(r: redis.Redis, first: int) -> list[object]:
        with r.pipeline(transaction=False) as p:
            for i in range(first, first + 150):
                p.pfadd("h", f"e{i}")
            p.execute_command("GET", "h", NEVER_DECODE=True)  # type: ignore[no-untyped-call,unused-ignore]
            return p.execute()

    for first in range(0, 1800, 150):
        pair.check(functools.partial(adds, first=first))
    pair.cmd("PFDEBUG", "ENCODING", "h")
    raw_get(pair, "h")
    pfcount(pair, "h")


def test_many_elements(pair: Pair) -> None:
    rng = random.Random(100_000)
    members = [rng.randbytes(rng.randint(1, 24)) for _ in range(100_000)]
    for start in range(0, len(members), 5000):
        chunk = members[start : start + 5000]
        pfadd(pair, "big", *chunk)
        pfcount(pair, "big")
    raw_get(pair, "big")
    pfadd(pair, "big", *members[:1000])
    count = pfcount(pair, "big")
    distinct = len(set(members))
    assert abs(count - distinct) < distinct * 0.03


def test_pfadd_speed() -> None:
    r = burner.Redis()
    members = [f"member:{i}" for i in range(1000)]
    started = time.perf_counter()
    r.pfadd("h", *members)  # sparse, then promoted
    r.pfadd("h", *[m + "x" for m in members])  # dense
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, elapsed
    assert 1900 < r.pfcount("h") < 2100


def test_cached_cardinality(pair: Pair) -> None:
    # A fresh cache is answered as stored, whatever the registers say.
    fresh = b"HYLL\x01\x00\x00\x00" + (12345).to_bytes(8, "little") + xzero(16384)
    store(pair, "h", fresh)
    pfcount(pair, "h")
    pfadd(pair, "h", "x")
    raw_get(pair, "h")  # stale bit set, old bytes kept
    pfcount(pair, "h")
    raw_get(pair, "h")
    dense_fresh = b"HYLL\x00\x01\x02\x03" + (77).to_bytes(8, "little") + bytes(hll.DENSE_BYTES)
    store(pair, "d", dense_fresh)
    pfcount(pair, "d")
    pfadd(pair, "d", "x", "y")
    raw_get(pair, "d")
    pfcount(pair, "d")
    raw_get(pair, "d")


@pytest.mark.parametrize("register_value", [0, 1, 20, 32, 33, 50, 51, 52, 63])
def test_dense_extremes(pair: Pair, register_value: int) -> None:
    value = dense_of(register_value)
    store(pair, "d", value)
    pfcount(pair, "d")
    raw_get(pair, "d")
    pfcount(pair, "d", "missing")
    pfadd(pair, "d", "a", "b")
    pfcount(pair, "d")


def test_sparse_extremes(pair: Pair) -> None:
    # Every register at 32 (the largest sparse value), then one at 1.
    store(pair, "s", sparse(*[val(32, 4)] * 4096))
    pfcount(pair, "s")
    pfadd(pair, "s", "a")
    pair.cmd("PFDEBUG", "ENCODING", "s")
    store(pair, "t", sparse(val(1, 1), xzero(16383)))
    pfcount(pair, "t")
    pfadd(pair, "t", *[f"x{i}" for i in range(30)])
    raw_get(pair, "t")


def test_non_canonical_sparse(pair: Pair) -> None:
    # Valid bodies Redis would never write: short XZEROs, ZEROs in a row,
    # VAL runs that could merge, a one-register XZERO.
    bodies = [
        [xzero(1), xzero(16383)],
        [zero(64)] * 256,
        [val(3, 1), val(3, 1), val(3, 2), xzero(16380)],
        [xzero(100), val(5, 4), val(5, 4), zero(1), xzero(16275)],
        [xzero(8192), xzero(8192)],
    ]
    for n, ops in enumerate(bodies):
        key = f"s{n}"
        store(pair, key, sparse(*ops))
        pair.cmd("PFDEBUG", "DECODE", key)
        pfcount(pair, key)
        pfadd(pair, key, *[f"v{i}" for i in range(40)])
        raw_get(pair, key)
        pfmerge(pair, "dest", key)
        raw_get(pair, "dest")
        pair.cmd("DEL", "dest")


SPLITS_AND_MERGES = [
    # (body, (register, count) to add)
    ([val(2, 3), zero(1), xzero(16380)], (3, 2)),  # ZERO(1) becomes VAL, merges left
    ([val(2, 2), zero(1), val(2, 1), xzero(16380)], (2, 2)),  # merges both ways
    ([val(2, 1), zero(3), val(2, 1), xzero(16379)], (2, 2)),  # split, then merge right
    ([zero(1), val(2, 3), xzero(16380)], (0, 2)),  # first opcode, no previous one
    ([val(1, 4), xzero(16380)], (0, 2)),
    ([val(1, 4), xzero(16380)], (1, 2)),
    ([val(1, 4), xzero(16380)], (3, 2)),
    ([val(1, 4), xzero(16380)], (2, 1)),  # nothing to do
    ([val(3, 4), xzero(16380)], (2, 3)),
    ([zero(64), xzero(16320)], (0, 1)),
    ([zero(64), xzero(16320)], (63, 1)),
    ([zero(64), xzero(16320)], (30, 1)),
    ([xzero(16384)], (0, 4)),
    ([xzero(16384)], (64, 4)),
    ([xzero(16384)], (65, 4)),
    ([xzero(16384)], (16383, 4)),
    ([xzero(16384)], (16318, 4)),
    ([xzero(16384)], (16319, 4)),
    ([xzero(16384)], (8000, 32)),
    ([xzero(16384)], (8000, 33)),  # above 32: dense
    ([xzero(1), xzero(16383)], (0, 5)),  # a one-register XZERO becomes a VAL
    ([val(1, 1), val(1, 1), val(1, 1), val(1, 1), val(1, 1), val(1, 1), zero(1), val(1, 1),
      xzero(16376)], (6, 1)),  # a run of mergeable VALs: only five opcodes are looked at
    ([zero(1), val(1, 1), val(1, 1), val(1, 1), val(1, 1), val(1, 1), val(1, 1),
      xzero(16377)], (0, 1)),
    ([val(5, 1), val(5, 1), val(5, 1), zero(1), xzero(16380)], (3, 5)),
    ([xzero(16383), zero(1)], (16383, 7)),  # the last register
]


@pytest.mark.parametrize(("ops", "add"), SPLITS_AND_MERGES, ids=range(len(SPLITS_AND_MERGES)))
def test_sparse_splits_and_merges(pair: Pair, ops: list[bytes], add: tuple[int, int]) -> None:
    store(pair, "s", sparse(*ops))
    pfadd(pair, "s", element_for(*add))
    raw_get(pair, "s")
    pair.cmd("PFDEBUG", "DECODE", "s")
    pfadd(pair, "s", element_for(add[0], add[1] + 1, salt=1), element_for(add[0] + 1 & 16383, 2))
    raw_get(pair, "s")
    pfcount(pair, "s")


def test_sparse_limit_boundary(pair: Pair, sparse_limit: None) -> None:
    # Splitting XZERO:16384 in the middle makes 5 body bytes, 21 in all:
    # a limit of 21 keeps it sparse, 20 turns it dense.
    for limit in (20, 21, 22):
        sparse_max(pair, limit)
        pair.cmd("DEL", "s")
        pfadd(pair, "s", element_for(5000, 1))
        pair.cmd("PFDEBUG", "ENCODING", "s")
        raw_get(pair, "s")
        pfadd(pair, "s", element_for(9000, 1), element_for(5001, 1))
        pair.cmd("PFDEBUG", "ENCODING", "s")
        raw_get(pair, "s")


@pytest.mark.parametrize("limit", ["1k", "1KB", "1024b", "2kb"])
def test_sparse_limit_with_units(pair: Pair, sparse_limit: None, limit: str) -> None:
    sparse_max(pair, limit)
    for chunk in range(12):
        pfadd(pair, "s", *[f"{chunk}/{i}" for i in range(60)])
        pair.cmd("PFDEBUG", "ENCODING", "s")
    raw_get(pair, "s")


def test_ttl_kept(pair: Pair) -> None:
    pair.both(lambda r: r.pfadd("h", "a"))
    pair.both(lambda r: r.expire("h", 1000))
    pfadd(pair, "h", "b", "c")
    pair.check(lambda r: r.ttl("h"))
    pfcount(pair, "h")
    pair.check(lambda r: r.ttl("h"))
    pfmerge(pair, "h", "h")
    pair.check(lambda r: r.ttl("h"))


# --- PFMERGE -----------------------------------------------------------------------
def test_pfmerge_sparse_and_dense(pair: Pair) -> None:
    pfadd(pair, "a", *[f"a{i}" for i in range(50)])
    pfadd(pair, "b", *[f"b{i}" for i in range(50)], "a1", "a2")
    pfadd(pair, "big", *[f"c{i}" for i in range(5000)])
    pair.cmd("PFDEBUG", "ENCODING", "big")
    pfmerge(pair, "ab", "a", "b")
    raw_get(pair, "ab")
    pair.cmd("PFDEBUG", "ENCODING", "ab")
    pfcount(pair, "ab")
    pfmerge(pair, "all", "a", "big", "missing", "b")
    raw_get(pair, "all")
    pair.cmd("PFDEBUG", "ENCODING", "all")
    pfcount(pair, "all")
    # Into existing destinations, sparse and dense.
    pfmerge(pair, "a", "b")
    raw_get(pair, "a")
    pfmerge(pair, "a", "big")
    raw_get(pair, "a")
    pfmerge(pair, "big", "b")
    raw_get(pair, "big")
    pfmerge(pair, "only")
    raw_get(pair, "only")
    pfmerge(pair, "none", "missing1", "missing2")
    raw_get(pair, "none")
    pfmerge(pair, "b", "b", "b")
    raw_get(pair, "b")


def test_pfmerge_sparse_overflows_to_dense(pair: Pair) -> None:
    for n in range(6):
        pfadd(pair, f"p{n}", *[f"{n}:{i}" for i in range(400)])
    pfmerge(pair, "m", "p0", "p1")
    pair.cmd("PFDEBUG", "ENCODING", "m")
    raw_get(pair, "m")
    pfmerge(pair, "m", "p2", "p3", "p4", "p5")
    pair.cmd("PFDEBUG", "ENCODING", "m")
    raw_get(pair, "m")
    pfcount(pair, "m")
    # A register above 32 forces the dense encoding too.
    store(pair, "tall", sparse(xzero(1000), val(32, 1), xzero(15383)))
    pair.both(lambda r: r.set("taller", dense_of(0)[:-1] + b"\xfc"))  # last register 63
    pfmerge(pair, "t", "tall")
    raw_get(pair, "t")
    pfmerge(pair, "t2", "tall", "taller")
    raw_get(pair, "t2")


def test_pfcount_several_keys(pair: Pair) -> None:
    pfadd(pair, "a", *[f"a{i}" for i in range(100)])
    pfadd(pair, "b", *[f"b{i}" for i in range(3000)])
    pfcount(pair, "a", "b")
    pfcount(pair, "a", "a")
    pfcount(pair, "missing", "a", "missing2")
    pfcount(pair, "missing", "missing2")
    raw_get(pair, "a")  # several keys: no cache written
    store(pair, "s", "plain")
    pfcount(pair, "a", "s")
    pair.both(lambda r: r.hset("hash", "f", "v"))
    pfcount(pair, "hash", "s")
    pfcount(pair, "s", "hash")


# --- errors ------------------------------------------------------------------------
NOT_HLL = [
    b"",
    b"hello",
    b"HYLL",
    b"HYLL\x01\x00\x00\x00" + bytes(7),  # 15 bytes
    b"hyll\x01\x00\x00\x00" + bytes(8) + xzero(16384),
    b"HYLL\x02\x00\x00\x00" + bytes(8) + xzero(16384),
    b"HYLL\xff\x00\x00\x00" + bytes(8),
    DENSE_HEADER + bytes(hll.DENSE_BYTES - 1),
    DENSE_HEADER + bytes(hll.DENSE_BYTES + 1),
    DENSE_HEADER,
    b"12345678901234567890",
]


@pytest.mark.parametrize("value", NOT_HLL, ids=range(len(NOT_HLL)))
def test_not_a_hyperloglog(pair: Pair, value: bytes) -> None:
    store(pair, "s", value)
    pfadd(pair, "s", "a")
    pfadd(pair, "s")
    pfcount(pair, "s")
    pfcount(pair, "s", "missing")
    pfcount(pair, "missing", "s")
    pfmerge(pair, "d", "s")
    pfmerge(pair, "s", "missing")
    pair.cmd("EXISTS", "d")
    pair.cmd("PFDEBUG", "ENCODING", "s")
    raw_get(pair, "s")


def test_wrong_type(pair: Pair) -> None:
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.both(lambda r: r.rpush("l", "x"))
    pair.both(lambda r: r.pfadd("ok", "x"))
    pfadd(pair, "h", "a")
    pfcount(pair, "h")
    pfcount(pair, "ok", "l")
    pfmerge(pair, "h", "ok")
    pfmerge(pair, "d", "ok", "l")
    pair.cmd("EXISTS", "d")
    pair.cmd("PFDEBUG", "GETREG", "h")
    pair.cmd("PFDEBUG", "NOSUCH", "l")


CORRUPT_SPARSE = [
    [xzero(16383)],  # one register short
    [xzero(16384), zero(1)],  # one too many
    [xzero(16384), val(3, 1)],  # a VAL past the end
    [xzero(16382), val(3, 4)],  # a VAL run across the end
    [],  # no opcodes at all
    [xzero(1000), val(2, 2), zero(64)],  # far too short
    [xzero(16384), xzero(16384)],
    [xzero(16383), b"\x40"],  # ends inside an XZERO (its second byte reads as 0)
    [xzero(10000), b"\x7f"],  # ends inside a long XZERO
    [b"\x40"],
]


@pytest.mark.parametrize("ops", CORRUPT_SPARSE, ids=range(len(CORRUPT_SPARSE)))
def test_corrupt_sparse(pair: Pair, ops: list[bytes]) -> None:
    value = sparse(*ops)
    store(pair, "c", value)
    pfcount(pair, "c")
    raw_get(pair, "c")
    pfcount(pair, "c", "missing")
    pfmerge(pair, "d", "c")
    pair.cmd("EXISTS", "d")
    pair.cmd("PFDEBUG", "DECODE", "c")
    pair.cmd("PFDEBUG", "ENCODING", "c")
    pair.cmd("PFDEBUG", "TODENSE", "c")
    raw_get(pair, "c")
    store(pair, "c", value)
    pair.cmd("PFDEBUG", "GETREG", "c")
    raw_get(pair, "c")
    # PFADD edits what it can in place, then stops at the first element it
    # cannot place: the edits made so far stay (as in Redis).
    for n in range(6):
        store(pair, "c", value)
        pfadd(pair, "c", *[f"e{n}-{i}" for i in range(25 * n + 1)])
        raw_get(pair, "c")


def test_corrupt_sparse_promotion(pair: Pair, sparse_limit: None) -> None:
    # A promotion to dense re-reads the whole body: one too short fails then.
    sparse_max(pair, 30)
    store(pair, "c", sparse(xzero(16000)))
    pfadd(pair, "c", *[f"x{i}" for i in range(40)])
    raw_get(pair, "c")
    store(pair, "c", sparse(xzero(16384), zero(3)))
    pfadd(pair, "c", *[f"y{i}" for i in range(40)])
    raw_get(pair, "c")


def test_arity(pair: Pair) -> None:
    pair.cmd("PFADD")
    pair.cmd("PFCOUNT")
    pair.cmd("PFMERGE")
    pair.cmd("PFDEBUG")
    pair.cmd("PFDEBUG", "GETREG")
    pair.cmd("PFDEBUG", "GETREG", "k", "extra")
    pair.cmd("PFSELFTEST", "x")
    pair.cmd("pfadd")
    pair.cmd("PfCount")


# --- PFDEBUG -----------------------------------------------------------------------
def test_pfdebug(pair: Pair) -> None:
    pair.cmd("PFDEBUG", "ENCODING", "missing")
    pair.cmd("PFDEBUG", "NOSUCH", "missing")
    pfadd(pair, "h", *[f"x{i}" for i in range(20)])
    pair.cmd("PFDEBUG", "ENCODING", "h")
    pair.cmd("PFDEBUG", "encoding", "h")
    pair.cmd("PFDEBUG", "DECODE", "h")
    pair.cmd("PFDEBUG", "nosuch", "h")
    pair.cmd("PFDEBUG", "bad\r\nsub", "h")
    pair.cmd("PFDEBUG", "GETREG", "h")  # converts to dense
    pair.cmd("PFDEBUG", "ENCODING", "h")
    raw_get(pair, "h")
    pair.cmd("PFDEBUG", "DECODE", "h")
    pair.cmd("PFDEBUG", "TODENSE", "h")
    pfadd(pair, "g", "a", "b")
    pfcount(pair, "g")
    pair.cmd("PFDEBUG", "ToDense", "g")
    raw_get(pair, "g")  # the cached cardinality travels along
    pair.cmd("PFDEBUG", "TODENSE", "g")
    pair.cmd("PFDEBUG", "GETREG", "g")
    pfcount(pair, "g")
    store(pair, "e", sparse())
    pair.cmd("PFDEBUG", "DECODE", "e")


def test_pfdebug_quiet_conversion_keeps_watch(pair: Pair) -> None:
    # GETREG and TODENSE change the encoding without touching WATCH.
    def run(r: redis.Redis) -> object:
        r.pfadd("h", "a", "b")
        with r.pipeline() as p:
            p.watch("h")  # type: ignore[no-untyped-call,unused-ignore]
            r.execute_command("PFDEBUG", "TODENSE", "h")  # type: ignore[no-untyped-call,unused-ignore]
            p.multi()
            p.get("other")
            return p.execute()

    pair.check(run)


def test_pfcount_touches_watch_when_it_stores(pair: Pair) -> None:
    def run(r: redis.Redis, fresh: bool) -> object:
        r.delete("h")
        r.pfadd("h", "a", "b")
        if fresh:
            r.pfcount("h")
        with r.pipeline() as p:
            p.watch("h")  # type: ignore[no-untyped-call,unused-ignore]
            r.pfcount("h")
            p.multi()
            p.get("other")
            return p.execute()

    pair.check(lambda r: run(r, fresh=False))
    pair.check(lambda r: run(r, fresh=True))


def test_sparse_max_bytes(pair: Pair, sparse_limit: None) -> None:
    for limit in [0, 17, 40, 200, 5000]:
        sparse_max(pair, limit)
        pair.cmd("DEL", "h")
        for chunk in range(5):
            pfadd(pair, "h", *[f"{chunk}.{i}" for i in range(30)])
            pair.cmd("PFDEBUG", "ENCODING", "h")
            raw_get(pair, "h")
        pfmerge(pair, "m", "h")
        raw_get(pair, "m")
        pair.cmd("DEL", "m")


def test_raw_strings_move_between_servers(pair: Pair) -> None:
    # What real Redis wrote, burner reads and continues, and the other way.
    real: redis.Redis = pair.real
    mine: redis.Redis = pair.burner
    real.pfadd("r", *[f"r{i}" for i in range(700)])
    mine.pfadd("b", *[f"b{i}" for i in range(5000)])
    from_real = real.execute_command("GET", "r", NEVER_DECODE=True)  # type: ignore[no-untyped-call,unused-ignore]
    from_burner = mine.execute_command("GET", "b", NEVER_DECODE=True)  # type: ignore[no-untyped-call,unused-ignore]
    store(pair, "r", from_real)
    store(pair, "b", from_burner)
    pfcount(pair, "r")
    pfcount(pair, "b")
    pfadd(pair, "r", *[f"s{i}" for i in range(300)])
    raw_get(pair, "r")
    pfcount(pair, "r", "b")


def test_pfselftest() -> None:
    r = burner.Redis()
    started = time.perf_counter()
    assert r.execute_command("PFSELFTEST") in (b"OK", True, "OK")
    assert time.perf_counter() - started < 5


def test_pfselftest_arity_matches_redis(redis_server: RedisServerProcess) -> None:
    real = redis_server.client()
    mine = burner.Redis()
    for client in (real, mine):
        with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'pfselftest'"):
            client.execute_command("PFSELFTEST", "now")  # type: ignore[no-untyped-call,unused-ignore]


def test_keyspace_events() -> None:
    r = burner.Redis()
    r.config_set("notify-keyspace-events", "KE$")
    p = r.pubsub()
    p.psubscribe("__key*__:*")
    p.get_message(timeout=0)
    r.pfadd("h", "a")
    r.pfadd("h", "a")  # nothing changed: no event
    r.pfmerge("m", "h")
    r.pfcount("h")
    events = []
    while (message := p.get_message(timeout=0)) is not None:
        if message["type"] == "pmessage":
            events.append((message["channel"], message["data"]))
    assert events == [
        (b"__keyspace@0__:h", b"pfadd"),
        (b"__keyevent@0__:pfadd", b"h"),
        (b"__keyspace@0__:m", b"pfadd"),
        (b"__keyevent@0__:pfadd", b"m"),
    ]
