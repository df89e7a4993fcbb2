"""HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.

Rules:
- A HyperLogLog is a string in Redis's byte layout (see ``hll.py``); any
  string passing Redis's header checks is one, anything else is
  "WRONGTYPE Key is not a valid HyperLogLog string value.".
- New keys start sparse and turn dense when a register needs a value above
  32 or the string would outgrow ``hll-sparse-max-bytes``.
- PFCOUNT of one key answers from the cached cardinality when it is fresh,
  and otherwise stores the new one (a write, as in Redis: WATCH sees it).
- Where Redis edits a string in place and then stops on a corrupt opcode
  (PFADD), or changes the encoding without signalling (PFDEBUG GETREG and
  TODENSE), the stored bytes change the same way without touching WATCH.
"""

from __future__ import annotations

import math
import random

from .. import errors, hll
from ..notify import STRING, notify
from ..parse import maybe_int
from ..registry import command
from ..replies import OK, Reply, Simple
from ..session import Session


def _value(s: Session, key: bytes, read: bool = False) -> bytes | None:
    """The HyperLogLog string at ``key`` (None if missing), else WRONGTYPE.
    ``read``: PFCOUNT and PFMERGE's sources, which announce a miss (keymiss)."""
    value = s.db.read_typed(key, bytes) if read else s.db.get_typed(key, bytes)
    if value is not None and not hll.is_hll(value):
        raise errors.err(errors.HLL_WRONGTYPE)
    return value


# Memory units as Redis's configuration reads them ("3kb", "1M", ...).
_UNITS = {b"": 1, b"b": 1, b"k": 1000, b"kb": 1024, b"m": 1000**2, b"mb": 1024**2,
          b"g": 1000**3, b"gb": 1024**3}


def _max_bytes(s: Session) -> int:
    """hll-sparse-max-bytes (the default when it does not read as a size)."""
    raw = s.server.config.get("hll-sparse-max-bytes", b"").strip().lower()
    digits = raw.rstrip(b"bkmg")
    number = maybe_int(digits) if digits else None
    unit = _UNITS.get(raw[len(digits) :])
    if number is None or number < 0 or unit is None:
        return hll.SPARSE_MAX_BYTES
    return number * unit


def _quiet_store(s: Session, key: bytes, value: bytes) -> None:
    """Replace an existing key's bytes without signalling (Redis's in-place edit)."""
    s.db.data[key] = value


def _stale(value: bytes) -> bytes:
    """``value`` with its cached cardinality marked stale."""
    return value[:15] + bytes((value[15] | hll.CACHE_STALE,)) + value[16:]


@command("pfadd", -2, "write denyoom fast", keys=(1, 1, 1), category="hyperloglog")
def pfadd(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    old = _value(s, key)
    updated = 0
    value = old
    if value is None:
        value = hll.EMPTY_SPARSE
        updated = 1
    elements = argv[2:]
    if value[4] == hll.SPARSE and elements:
        sparse = hll.Sparse(value)
        limit = _max_bytes(s)
        dense: bytearray | None = None
        for n, element in enumerate(elements):
            index, count = hll.pattern(element)
            result = sparse.set(index, count, limit)
            if result == hll.PROMOTE:
                converted = sparse.dense()
                if converted is not None:
                    dense = bytearray(converted)
                    hll.dense_set(dense, index, count)
                    updated += 1 + hll.dense_add(dense, elements[n + 1 :])
                    break
                result = hll.INVALID
            if result == hll.INVALID:
                if old is not None and updated:
                    _quiet_store(s, key, sparse.finish())
                raise errors.err(errors.HLL_INVALIDOBJ)
            updated += result
        value = bytes(dense) if dense is not None else sparse.finish()
    elif elements:
        buf = bytearray(value)
        changed = hll.dense_add(buf, elements)
        if changed:
            updated += changed
            value = bytes(buf)
    if not updated:
        return 0
    value = _stale(value)
    if old is None:
        s.db.add(key, value)
    else:
        s.db.put(key, value, keep_ttl=True)
    if s.server.notify_flags:
        notify(s.server, s.db, STRING, b"pfadd", key)
    return 1


@command("pfcount", -2, "readonly", keys=(1, -1, 1), category="hyperloglog")
def pfcount(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) > 2:
        merged = _union(s, argv[1:])[0]
        return hll.signed(hll.estimate(hll.raw_histogram(merged)))
    key = argv[1]
    value = _value(s, key, True)
    if value is None:
        return 0
    if not value[15] & hll.CACHE_STALE:
        return int.from_bytes(value[8:16], "little")
    histo = hll.histogram(value)
    if histo is None:
        raise errors.err(errors.HLL_INVALIDOBJ)
    card = hll.estimate(histo)
    s.db.put(key, value[:8] + card.to_bytes(8, "little") + value[16:], keep_ttl=True)
    return hll.signed(card)


def _union(s: Session, keys: list[bytes]) -> tuple[bytes, bool]:
    """Registerwise maximum over ``keys`` (missing keys count as empty), and
    whether any of them is dense. Errors as Redis meets them, key by key."""
    merged = hll.ZERO_REGISTERS
    any_dense = False
    for key in keys:
        value = _value(s, key, True)
        if value is None:
            continue
        if value[4] == hll.DENSE:
            any_dense = True
        raw = hll.registers(value)
        if raw is None:
            raise errors.err(errors.HLL_INVALIDOBJ)
        merged = raw if merged is hll.ZERO_REGISTERS else hll.register_max(merged, raw)
    return merged, any_dense


@command("pfmerge", -2, "write denyoom", keys=(1, -1, 1), category="hyperloglog")
def pfmerge(s: Session, argv: list[bytes]) -> Reply:
    merged, any_dense = _union(s, argv[1:])
    key = argv[1]
    old = s.db.get_typed(key, bytes)  # checked by _union when present
    value = old if old is not None else hll.EMPTY_SPARSE
    result: bytes | None = None
    if value[4] == hll.SPARSE and not any_dense:
        sparse = hll.Sparse(value)
        limit = _max_bytes(s)
        for index, count in hll.nonzero_registers(merged):
            if sparse.set(index, count, limit) == hll.PROMOTE:
                value = sparse.value()
                break
        else:
            result = sparse.finish()
    if result is None:
        # Dense destination: the registers end as the maximum of its own and
        # the union (which includes them already), under its header.
        if value[4] == hll.SPARSE:
            converted = hll.to_dense(value)
            if converted is None:  # unreachable: _union accepted it
                raise errors.err(errors.HLL_INVALIDOBJ)
            value = converted
        current = hll.unpack_dense(value[hll.HEADER :])
        result = value[: hll.HEADER] + hll.pack_dense(hll.register_max(current, merged))
    result = _stale(result)
    if old is None:
        s.db.add(key, result)
    else:
        s.db.put(key, result, keep_ttl=True)
    if s.server.notify_flags:
        notify(s.server, s.db, STRING, b"pfadd", key)
    return OK


@command("pfdebug", 3, "write denyoom admin", keys=(2, 2, 1), category="hyperloglog")
def pfdebug(s: Session, argv: list[bytes]) -> Reply:
    key = argv[2]
    value = _value(s, key)
    if value is None:
        raise errors.err(errors.HLL_NO_KEY)
    sub = argv[1].lower()
    if sub == b"getreg":
        if value[4] == hll.SPARSE:
            converted = hll.to_dense(value)
            if converted is None:
                raise errors.err(errors.HLL_INVALIDOBJ)
            _quiet_store(s, key, converted)
            value = converted
        return list(hll.unpack_dense(value[hll.HEADER :]))
    if sub == b"decode":
        if value[4] != hll.SPARSE:
            raise errors.err(errors.HLL_NOT_SPARSE)
        return hll.decode_sparse(value[hll.HEADER :])
    if sub == b"encoding":
        return Simple(b"sparse" if value[4] == hll.SPARSE else b"dense")
    if sub == b"todense":
        if value[4] == hll.DENSE:
            return 0
        converted = hll.to_dense(value)
        if converted is None:
            raise errors.err(errors.HLL_INVALIDOBJ)
        _quiet_store(s, key, converted)
        return 1
    raise errors.err(errors.hll_unknown_debug(argv[1]))


@command("pfselftest", 1, "admin", category="hyperloglog")
def pfselftest(s: Session, argv: list[bytes]) -> Reply:
    """A lighter version of Redis's self-test: register packing round trips,
    and sparse and dense counts agreeing within the error bound up to 10^4
    elements (Redis goes to 10^7, which takes minutes in Python)."""
    rng = random.Random()
    for _ in range(4):
        raw = bytes(rng.getrandbits(6) for _ in range(hll.REGISTERS))
        back = hll.unpack_dense(hll.pack_dense(raw))
        if back != raw:
            i = next(j for j in range(hll.REGISTERS) if back[j] != raw[j])
            raise errors.err(errors.hll_selftest_register(i, raw[i], back[i]))
    dense = bytearray(b"HYLL" + bytes(hll.HEADER - 4 + hll.DENSE_BYTES))
    sparse = hll.Sparse(hll.EMPTY_SPARSE)
    sparse_dense: bytearray | None = None
    relerr = 1.04 / hll.REGISTERS**0.5
    seed = rng.getrandbits(64)
    checkpoint = 1
    for j in range(1, 10001):
        element = (j ^ seed).to_bytes(8, "little")
        index, count = hll.pattern(element)
        hll.dense_set(dense, index, count)
        if sparse_dense is not None:
            hll.dense_set(sparse_dense, index, count)
        elif sparse.set(index, count, hll.SPARSE_MAX_BYTES) == hll.PROMOTE:
            converted = sparse.dense()
            assert converted is not None
            sparse_dense = bytearray(converted)
            hll.dense_set(sparse_dense, index, count)
        if j != checkpoint:
            continue
        if j < hll.SPARSE_MAX_BYTES // 2 and sparse_dense is not None:
            raise errors.err(errors.HLL_SELFTEST_SPARSE)
        other = bytes(sparse_dense) if sparse_dense is not None else sparse.value()
        histo = hll.histogram(bytes(dense))
        other_histo = hll.histogram(other)
        assert histo is not None and other_histo is not None
        card = hll.estimate(histo)
        if card != hll.estimate(other_histo):
            raise errors.err(errors.HLL_SELFTEST_DISAGREE)
        maxerr = 1 if j == 10 else math.ceil(relerr * 6 * checkpoint)
        if abs(checkpoint - card) > maxerr:
            raise errors.err(errors.hll_selftest_error(checkpoint, abs(checkpoint - card)))
        checkpoint *= 10
    return OK
