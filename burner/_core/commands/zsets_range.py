"""Sorted set ranges: ZRANGE (BYSCORE/BYLEX/REV/LIMIT/WITHSCORES), ZRANGESTORE,
the legacy ZRANGEBYSCORE/ZREVRANGEBYSCORE/ZRANGEBYLEX/ZREVRANGEBYLEX/
ZREVRANGE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBYRANK/SCORE/LEX.

Rules (Redis's order of checks): options first, then the range arguments,
then the key's type. A score bound is strtod text after an optional ``(``
(leading blanks allowed, ``""`` reads as 0, NaN refused); a lex bound is
``-``, ``+``, or ``[``/``(`` and a member.
"""

from __future__ import annotations

from typing import cast

from .. import errors
from ..parse import strtod, to_int
from ..registry import command
from ..replies import Reply
from ..session import Session
from ..values.zset import LexBound, ZSet
from .zsets import after_removal, flat_pairs, limits, store_result

RANK, SCORE, LEX = 0, 1, 2
_REMRANGE_EVENTS = {RANK: b"zremrangebyrank", SCORE: b"zremrangebyscore", LEX: b"zremrangebylex"}


def parse_score_bound(raw: bytes) -> tuple[float, bool]:
    exclusive = raw[:1] == b"("
    body = raw[1:] if exclusive else raw
    if not body:
        return 0.0, exclusive
    value = strtod(body)
    if value is None or value != value:
        raise errors.err(errors.ZRANGE_NOT_FLOAT)
    return value, exclusive


# A parsed lex range: (lo, hi), or None when it can hold nothing ("+" as the
# minimum, "-" as the maximum).
LexRange = tuple[LexBound, LexBound] | None


def _lex_item(raw: bytes) -> tuple[int, LexBound]:
    """(-1 for "-", 1 for "+", 0 otherwise; the bound)."""
    head = raw[:1]
    if head == b"[":
        return 0, (raw[1:], False)
    if head == b"(":
        return 0, (raw[1:], True)
    if (head == b"+" or head == b"-") and (len(raw) == 1 or raw[1] == 0):
        return (1 if head == b"+" else -1), None
    raise errors.err(errors.ZRANGE_NOT_LEX)


def parse_lex_range(lo_raw: bytes, hi_raw: bytes) -> LexRange:
    lo_kind, lo = _lex_item(lo_raw)
    hi_kind, hi = _lex_item(hi_raw)
    if lo_kind == 1 or hi_kind == -1:
        return None
    return lo, hi


def _span(z: ZSet, kind: int, rng: object) -> tuple[int, int]:
    if kind == SCORE:
        lo, lo_ex, hi, hi_ex = cast("tuple[float, bool, float, bool]", rng)
        return z.score_span(lo, lo_ex, hi, hi_ex)
    if rng is None:
        return 0, 0
    lo_b, hi_b = cast("tuple[LexBound, LexBound]", rng)
    return z.lex_span(lo_b, hi_b)


def _parse_range(kind: int, lo_raw: bytes, hi_raw: bytes) -> object:
    if kind == RANK:
        return to_int(lo_raw), to_int(hi_raw)
    if kind == SCORE:
        lo, lo_ex = parse_score_bound(lo_raw)
        hi, hi_ex = parse_score_bound(hi_raw)
        return lo, lo_ex, hi, hi_ex
    return parse_lex_range(lo_raw, hi_raw)


def _select(
    z: ZSet, kind: int, rng: object, reverse: bool, offset: int, limit: int
) -> list[tuple[float, bytes]]:
    n = len(z.order)
    if kind == RANK:
        start, end = cast("tuple[int, int]", rng)
        if start < 0:
            start += n
        if end < 0:
            end += n
        if start < 0:
            start = 0
        if start > end or start >= n:
            return []
        if end >= n:
            end = n - 1
        if reverse:
            return z.items(n - 1 - end, n - start, reverse=True)
        return z.items(start, end + 1)
    if offset < 0:
        return []
    if kind == LEX and n and not z.uniform():
        if rng is None:
            return []
        lo_b, hi_b = cast("tuple[LexBound, LexBound]", rng)
        return z.lex_walk(lo_b, hi_b, reverse, offset, limit)
    lo, hi = _span(z, kind, rng)
    avail = hi - lo - offset
    if avail <= 0:
        return []
    take = avail if limit < 0 else min(limit, avail)
    if reverse:
        return z.items(hi - offset - take, hi - offset, reverse=True)
    return z.items(lo + offset, lo + offset + take)


def _zrange(
    s: Session,
    argv: list[bytes],
    key_at: int,
    kind: int,
    reverse: bool | None,
    store: bool,
) -> Reply:
    """The one ZRANGE engine; ``kind``/``reverse`` None-like defaults mean the
    command takes BYSCORE/BYLEX/REV as options (ZRANGE, ZRANGESTORE)."""
    auto_kind = kind < 0
    auto_dir = reverse is None
    withscores = False
    offset, limit = 0, -1
    n = len(argv)
    j = key_at + 3
    while j < n:
        opt = argv[j].lower()
        if not store and opt == b"withscores":
            withscores = True
        elif opt == b"limit" and n - j - 1 >= 2:
            offset = to_int(argv[j + 1])
            limit = to_int(argv[j + 2])
            j += 2
        elif auto_dir and reverse is None and opt == b"rev":
            reverse = True
        elif auto_kind and kind < 0 and opt == b"bylex":
            kind = LEX
        elif auto_kind and kind < 0 and opt == b"byscore":
            kind = SCORE
        else:
            raise errors.err(errors.SYNTAX)
        j += 1
    if reverse is None:
        reverse = False
    if kind < 0:
        kind = RANK
    if limit != -1 and kind == RANK:
        raise errors.err(errors.ZRANGE_LIMIT)
    if withscores and kind == LEX:
        raise errors.err(errors.ZRANGE_LEX_WITHSCORES)
    lo_raw, hi_raw = argv[key_at + 1], argv[key_at + 2]
    if reverse and kind != RANK:
        lo_raw, hi_raw = hi_raw, lo_raw
    rng = _parse_range(kind, lo_raw, hi_raw)
    db = s.db
    z = db.read_typed(argv[key_at], ZSet)
    items = [] if z is None else _select(z, kind, rng, reverse, offset, limit)
    if store:
        # A rank range knows its length and starts as a skiplist past the
        # listpack limit; score and lex ranges start as a listpack.
        big = kind == RANK and len(items) > limits(s)[0]
        return store_result(s, argv[1], items, b"zrangestore", big)
    if withscores:
        return flat_pairs(items)
    return [member for _score, member in items]


@command("zrange", -4, "readonly", keys=(1, 1, 1), category="sortedset")
def zrange(s: Session, argv: list[bytes]) -> Reply:
    return _zrange(s, argv, 1, -1, None, False)


@command("zrangestore", -5, "write denyoom", keys=(1, 2, 1), category="sortedset")
def zrangestore(s: Session, argv: list[bytes]) -> Reply:
    return _zrange(s, argv, 2, -1, None, True)


@command("zrevrange", -4, "readonly", keys=(1, 1, 1), category="sortedset")
def zrevrange(s: Session, argv: list[bytes]) -> Reply:
    return _zrange(s, argv, 1, RANK, True, False)


@command("zrangebyscore", -4, "readonly", keys=(1, 1, 1), category="sortedset")
def zrangebyscore(s: Session, argv: list[bytes]) -> Reply:
    return _zrange(s, argv, 1, SCORE, False, False)


@command("zrevrangebyscore", -4, "readonly", keys=(1, 1, 1), category="sortedset")
def zrevrangebyscore(s: Session, argv: list[bytes]) -> Reply:
    return _zrange(s, argv, 1, SCORE, True, False)


@command("zrangebylex", -4, "readonly", keys=(1, 1, 1), category="sortedset")
def zrangebylex(s: Session, argv: list[bytes]) -> Reply:
    return _zrange(s, argv, 1, LEX, False, False)


@command("zrevrangebylex", -4, "readonly", keys=(1, 1, 1), category="sortedset")
def zrevrangebylex(s: Session, argv: list[bytes]) -> Reply:
    return _zrange(s, argv, 1, LEX, True, False)


# --- counts ------------------------------------------------------------------------
@command("zcount", 4, "readonly fast", keys=(1, 1, 1), category="sortedset")
def zcount(s: Session, argv: list[bytes]) -> Reply:
    rng = _parse_range(SCORE, argv[2], argv[3])
    z = s.db.read_typed(argv[1], ZSet)
    if z is None:
        return 0
    lo, hi = _span(z, SCORE, rng)
    return hi - lo


@command("zlexcount", 4, "readonly fast", keys=(1, 1, 1), category="sortedset")
def zlexcount(s: Session, argv: list[bytes]) -> Reply:
    rng = _parse_range(LEX, argv[2], argv[3])
    z = s.db.read_typed(argv[1], ZSet)
    if z is None:
        return 0
    lo, hi = _span(z, LEX, rng)
    return hi - lo


# --- removals ----------------------------------------------------------------------
def _zremrange(s: Session, argv: list[bytes], kind: int) -> Reply:
    rng = _parse_range(kind, argv[2], argv[3])
    key = argv[1]
    db = s.db
    z = db.get_typed(key, ZSet)
    if z is None:
        return 0
    if kind == RANK:
        n = len(z.order)
        start, end = cast("tuple[int, int]", rng)
        if start < 0:
            start += n
        if end < 0:
            end += n
        if start < 0:
            start = 0
        if start > end or start >= n:
            return 0
        lo, hi = start, min(end, n - 1) + 1
    else:
        lo, hi = _span(z, kind, rng)
    removed = z.delete_span(lo, hi)
    if removed:
        after_removal(s, key, z, _REMRANGE_EVENTS[kind])
    return removed


@command("zremrangebyrank", 4, "write", keys=(1, 1, 1), category="sortedset")
def zremrangebyrank(s: Session, argv: list[bytes]) -> Reply:
    return _zremrange(s, argv, RANK)


@command("zremrangebyscore", 4, "write", keys=(1, 1, 1), category="sortedset")
def zremrangebyscore(s: Session, argv: list[bytes]) -> Reply:
    return _zremrange(s, argv, SCORE)


@command("zremrangebylex", 4, "write", keys=(1, 1, 1), category="sortedset")
def zremrangebylex(s: Session, argv: list[bytes]) -> Reply:
    return _zremrange(s, argv, LEX)


__all__ = ["parse_lex_range", "parse_score_bound"]
