"""Sorted set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD.

Rules (Redis's):
- Inputs may be sorted sets or plain sets (a set member scores 1); every key's
  type is checked before the options are read.
- Sources are combined from the smallest to the largest (a stable sort by
  size, as Redis sorts them), which fixes the order of floating-point sums.
- ``weight * score`` that is NaN (inf * 0) counts as 0; a SUM that turns NaN
  (inf + -inf) is 0.
- A STORE whose result is empty deletes the destination.
"""

from __future__ import annotations

from .. import errors
from ..db import Db
from ..parse import to_float, to_int
from ..registry import command
from ..replies import Reply
from ..session import Session
from ..values.set import Set
from ..values.zset import ZSet
from .zsets import fits_listpack, flat_pairs, store_result

UNION, INTER, DIFF = 0, 1, 2
SUM, MIN, MAX = 0, 1, 2
_AGGREGATES = {b"sum": SUM, b"min": MIN, b"max": MAX}

Source = ZSet | Set | None


def _size(src: Source) -> int:
    return 0 if src is None else len(src)


def _elements(src: ZSet | Set) -> list[tuple[bytes, float]]:
    if isinstance(src, ZSet):
        return list(src.scores.items())
    return [(member, 1.0) for member in src.members]


def _find(src: ZSet | Set, member: bytes) -> float | None:
    if isinstance(src, ZSet):
        return src.scores.get(member)
    return 1.0 if member in src.index else None


def _aggregate(target: float, value: float, how: int) -> float:
    if how == SUM:
        target = target + value
        return 0.0 if target != target else target
    if how == MIN:
        return value if value < target else target
    return value if value > target else target


def _combine(
    op: int, sources: list[Source], weights: list[float], how: int, limit: int = 0
) -> dict[bytes, float]:
    """The result as member -> score (in no particular order)."""
    result: dict[bytes, float] = {}
    if op == DIFF:
        first = sources[0]
        if first is None:
            return result
        others = [src for src in sources[1:] if src is not None]
        for member, score in _elements(first):
            for other in others:
                if member in other:
                    break
            else:
                result[member] = score
        return result
    order = sorted(range(len(sources)), key=lambda i: _size(sources[i]))
    if op == INTER:
        first = sources[order[0]]
        if first is None or not len(first):
            return result
        rest = [(sources[i], weights[i]) for i in order[1:]]
        w0 = weights[order[0]]
        for member, value in _elements(first):
            score = w0 * value
            if score != score:
                score = 0.0
            for src, weight in rest:
                found = _find(src, member) if src is not None else None
                if found is None:
                    break
                score = _aggregate(score, found * weight, how)
            else:
                result[member] = score
                if limit and len(result) >= limit:
                    break
        return result
    for i in order:
        src = sources[i]
        if src is None:
            continue
        weight = weights[i]
        for member, value in _elements(src):
            score = weight * value
            if score != score:
                score = 0.0
            old = result.get(member)
            result[member] = score if old is None else _aggregate(old, score, how)
    return result


def _sorted_items(result: dict[bytes, float]) -> list[tuple[float, bytes]]:
    return sorted((score, member) for member, score in result.items())


def _algebra(
    s: Session,
    argv: list[bytes],
    name: str,
    op: int,
    numkeys_at: int,
    store: bool = False,
    card_only: bool = False,
) -> Reply:
    n = len(argv)
    numkeys = to_int(argv[numkeys_at])
    if numkeys < 1:
        raise errors.err(errors.at_least_one_key(name))
    if numkeys > n - numkeys_at - 1:
        raise errors.err(errors.SYNTAX)
    db: Db = s.db
    sources: list[Source] = []
    for key in argv[numkeys_at + 1 : numkeys_at + 1 + numkeys]:
        value = db.read(key)
        if value is not None and type(value) is not ZSet and type(value) is not Set:
            raise errors.err(errors.WRONGTYPE)
        sources.append(value)
    weights = [1.0] * numkeys
    how = SUM
    withscores = False
    limit = 0
    j = numkeys_at + 1 + numkeys
    while j < n:
        remaining = n - j
        opt = argv[j].lower()
        if op != DIFF and not card_only and remaining >= numkeys + 1 and opt == b"weights":
            for i in range(numkeys):
                weights[i] = to_float(argv[j + 1 + i], errors.WEIGHT_NOT_FLOAT)
            j += 1 + numkeys
        elif op != DIFF and not card_only and remaining >= 2 and opt == b"aggregate":
            found = _AGGREGATES.get(argv[j + 1].lower())
            if found is None:
                raise errors.err(errors.SYNTAX)
            how = found
            j += 2
        elif not store and not card_only and opt == b"withscores":
            withscores = True
            j += 1
        elif card_only and remaining >= 2 and opt == b"limit":
            limit = to_int(argv[j + 1], errors.LIMIT_NEGATIVE)
            if limit < 0:
                raise errors.err(errors.LIMIT_NEGATIVE)
            j += 2
        else:
            raise errors.err(errors.SYNTAX)
    result = _combine(op, sources, weights, how, limit if card_only else 0)
    if card_only:
        return len(result)
    items = _sorted_items(result)
    if store:
        # Redis builds a skiplist, then converts it if the result fits.
        return store_result(s, argv[1], items, name.encode(), not fits_listpack(s, items))
    if withscores:
        return flat_pairs(items)
    return [member for _score, member in items]


@command("zunion", -3, "readonly movablekeys", keys=(0, 0, 0), category="sortedset")
def zunion(s: Session, argv: list[bytes]) -> Reply:
    return _algebra(s, argv, "zunion", UNION, 1)


@command("zinter", -3, "readonly movablekeys", keys=(0, 0, 0), category="sortedset")
def zinter(s: Session, argv: list[bytes]) -> Reply:
    return _algebra(s, argv, "zinter", INTER, 1)


@command("zdiff", -3, "readonly movablekeys", keys=(0, 0, 0), category="sortedset")
def zdiff(s: Session, argv: list[bytes]) -> Reply:
    return _algebra(s, argv, "zdiff", DIFF, 1)


@command("zunionstore", -4, "write denyoom movablekeys", keys=(1, 1, 1), category="sortedset")
def zunionstore(s: Session, argv: list[bytes]) -> Reply:
    return _algebra(s, argv, "zunionstore", UNION, 2, store=True)


@command("zinterstore", -4, "write denyoom movablekeys", keys=(1, 1, 1), category="sortedset")
def zinterstore(s: Session, argv: list[bytes]) -> Reply:
    return _algebra(s, argv, "zinterstore", INTER, 2, store=True)


@command("zdiffstore", -4, "write denyoom movablekeys", keys=(1, 1, 1), category="sortedset")
def zdiffstore(s: Session, argv: list[bytes]) -> Reply:
    return _algebra(s, argv, "zdiffstore", DIFF, 2, store=True)


@command("zintercard", -3, "readonly movablekeys", keys=(0, 0, 0), category="sortedset")
def zintercard(s: Session, argv: list[bytes]) -> Reply:
    return _algebra(s, argv, "zintercard", INTER, 1, card_only=True)
