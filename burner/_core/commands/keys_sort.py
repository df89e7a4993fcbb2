"""SORT and SORT_RO: sort a list, set or sorted set, optionally by other keys.

Rules (Redis 7.0's sortCommandGeneric):
- Options parse first, left to right; LIMIT's numbers must be integers; then
  the key must be a list, set or sorted set (missing: empty).
- ``BY`` a pattern without ``*`` means "do not sort" (and stays so even if a
  later BY has a ``*``): lists and sorted sets keep their order (DESC walks it
  backwards), a set keeps its own order unless the result is STOREd, where it
  is sorted ALPHA so that replicas agree.
- A pattern is ``prefix*suffix`` with ``*`` replaced by the element, or
  ``prefix*suffix->field`` for a hash field; ``#`` alone is the element.
  Missing keys, wrong types and missing fields read as nothing.
- Numeric sorting reads each weight with strtod (an empty string is 0, a
  missing BY weight is 0); ties fall back to the elements' bytes. ALPHA
  compares bytes; with BY, a missing weight sorts first.
- STORE writes a list (GET of nothing stores ""), deletes the destination
  when the result is empty, and replies with the count.
"""

from __future__ import annotations

import math

from .. import errors
from ..db import Db
from ..notify import GENERIC, LIST, notify
from ..parse import strtod, strtod_erange, to_int
from ..registry import command
from ..replies import Reply
from ..session import Session
from ..values.hash import Hash
from ..values.list import List
from ..values.set import Set
from ..values.zset import ZSet

_SCORES = "ERR One or more scores can't be converted into double"


def _weight(raw: bytes) -> float | None:
    """strtod over the C string ``raw`` (up to a NUL); None when Redis
    refuses it."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        raw = raw[:nul]
    if not raw:
        return 0.0
    value = strtod(raw)
    if value is None or math.isnan(value):
        return None
    if (value == 0.0 or math.isinf(value)) and strtod_erange(raw, value):
        return None
    return value


def _by_pattern(db: Db, pattern: bytes, element: bytes) -> bytes | None:
    if pattern == b"#":
        return element
    star = pattern.find(b"*")
    if star < 0:
        return None
    arrow = pattern.find(b"->", star + 1)
    field: bytes | None = None
    end = len(pattern)
    if arrow >= 0 and arrow + 2 < len(pattern):
        field = pattern[arrow + 2:]
        end = arrow
    value = db.read(pattern[:star] + element + pattern[star + 1:end])
    if value is None:
        return None
    if field is not None:
        return value.get(field) if type(value) is Hash else None
    return value if type(value) is bytes else None


def _sort(s: Session, argv: list[bytes], readonly: bool) -> Reply:
    desc = alpha = dontsort = False
    limit_start, limit_count = 0, -1
    by: bytes | None = None
    store: bytes | None = None
    gets: list[bytes] = []
    i = 2
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        left = n - i - 1
        if opt == b"asc":
            desc = False
        elif opt == b"desc":
            desc = True
        elif opt == b"alpha":
            alpha = True
        elif opt == b"limit" and left >= 2:
            limit_start = to_int(argv[i + 1])
            limit_count = to_int(argv[i + 2])
            i += 2
        elif opt == b"store" and not readonly and left >= 1:
            store = argv[i + 1]
            i += 1
        elif opt == b"by" and left >= 1:
            by = argv[i + 1]
            if b"*" not in by:
                dontsort = True
            i += 1
        elif opt == b"get" and left >= 1:
            gets.append(argv[i + 1])
            i += 1
        else:
            raise errors.err(errors.SYNTAX)
        i += 1

    db = s.db
    value = db.read(argv[1])
    if value is not None and type(value) not in (List, Set, ZSet):
        raise errors.err(errors.WRONGTYPE)
    if type(value) is Set and dontsort and store is not None:
        dontsort, alpha, by = False, True, None

    size = 0 if value is None else len(value)
    start = max(limit_start, 0)
    end = size - 1 if limit_count < 0 else start + limit_count - 1
    if start >= size:
        start, end = size - 1, size - 2
    end = min(end, size - 1)

    elements: list[bytes]
    if value is None:
        elements = []
    elif dontsort and type(value) is List:
        ordered = list(reversed(value)) if desc else list(value)
        elements = ordered[start:end + 1] if end >= start else []
        start, end = 0, len(elements) - 1
    elif dontsort and type(value) is ZSet:
        if end < start:
            ranked = []
        elif desc:  # ranks counted from the top: ascending positions, reversed
            ranked = value.items(size - 1 - end, size - start, reverse=True)
        else:
            ranked = value.items(start, end + 1)
        elements = [member for _, member in ranked]
        start, end = 0, len(elements) - 1
    elif type(value) is ZSet:
        elements = list(value.scores)
    else:
        elements = list(value)
        if type(value) is Set and value.encoding() == b"intset":
            elements.sort(key=int)  # an intset's own order
    if not dontsort and elements:
        elements = _ordered(db, elements, by, alpha, desc, store is not None)

    chosen = elements[start:end + 1] if end >= start else []
    if gets:
        out: list[bytes | None] = []
        for element in chosen:
            for pattern in gets:
                out.append(_by_pattern(db, pattern, element))
    else:
        out = list(chosen)

    if store is None:
        return out
    if out:
        db.put(store, List(b"" if item is None else item for item in out))
        if s.server.notify_flags:
            notify(s.server, db, LIST, b"sortstore", store)
    elif db.delete(store) and s.server.notify_flags:
        notify(s.server, db, GENERIC, b"del", store)
    return len(out)


def _ordered(
    db: Db, elements: list[bytes], by: bytes | None, alpha: bool, desc: bool, storing: bool
) -> list[bytes]:
    if alpha:
        if by is None:
            return sorted(elements, reverse=desc)
        # A missing weight sorts first; equal weights keep no defined order.
        keyed: list[tuple[bool, bytes, bytes]] = []
        for element in elements:
            weight = _by_pattern(db, by, element)
            keyed.append((weight is not None, weight or b"", element))
        keyed.sort(key=lambda t: (t[0], t[1]), reverse=desc)
        return [e for _, _, e in keyed]
    scored: list[tuple[float, bytes]] = []
    bad_weight = False  # reported after every weight is looked up, as Redis
    for element in elements:
        raw = element if by is None else _by_pattern(db, by, element)
        if raw is None:
            scored.append((0.0, element))
            continue
        score = _weight(raw)
        if score is None:
            bad_weight = True
            continue
        scored.append((score, element))
    if bad_weight:
        raise errors.err(_SCORES)
    # Equal weights fall back to the elements' bytes; DESC reverses both.
    scored.sort(reverse=desc)
    return [e for _, e in scored]


@command("sort", -2, "write denyoom movablekeys", keys=(1, 1, 1), category="list")
def sort(s: Session, argv: list[bytes]) -> Reply:
    return _sort(s, argv, False)


@command("sort_ro", -2, "readonly movablekeys", keys=(1, 1, 1), category="list")
def sort_ro(s: Session, argv: list[bytes]) -> Reply:
    return _sort(s, argv, True)
