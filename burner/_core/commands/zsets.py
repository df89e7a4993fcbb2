"""Sorted set commands: members, scores, ranks, pops, random members, ZSCAN.

Ranges (ZRANGE and friends, ZCOUNT, ZREMRANGEBY*) live in zsets_range.py and
the algebra (ZUNION, ZINTER, ZDIFF, ZINTERCARD) in zsets_algebra.py.

Rules:
- Scores are parsed with Redis's strtod rules (``parse.to_float``) and reach
  the client as doubles (float): RESP3 shows a double, RESP2 the ``%.17g``
  text. WITHSCORES replies are ``Pairs`` (flat in RESP2, pairs in RESP3).
- Every argument is validated before the first write; a sorted set that
  becomes empty is deleted.
"""

from __future__ import annotations

import random

from .. import errors, scan
from ..blocking import block, parse_timeout
from ..db import Db
from ..notify import GENERIC, ZSET, notify
from ..parse import INT64_MIN, format_double, to_float, to_int
from ..registry import command
from ..replies import Pairs, Reply
from ..session import Session
from ..values.zset import ZSet

_HALF_LONG = (2**63 - 1) // 2


def get_zset(db: Db, key: bytes) -> ZSet | None:
    return db.get_typed(key, ZSet)


_limits_cache: dict[tuple[bytes | None, bytes | None], tuple[int, int]] = {}


def _config_int(raw: bytes | None, default: int) -> int:
    try:
        return int(raw) if raw is not None else default
    except ValueError:
        return default


def limits(s: Session) -> tuple[int, int]:
    """(zset-max-listpack-entries, zset-max-listpack-value) as configured."""
    config = s.server.config
    raw = (config.get("zset-max-listpack-entries"), config.get("zset-max-listpack-value"))
    found = _limits_cache.get(raw)
    if found is None:
        if len(_limits_cache) > 64:
            _limits_cache.clear()
        found = _limits_cache[raw] = (
            _config_int(raw[0], ZSet.MAX_LISTPACK_ENTRIES),
            _config_int(raw[1], ZSet.MAX_LISTPACK_VALUE),
        )
    return found


def new_zset(s: Session) -> ZSet:
    return ZSet(*limits(s))


def configure(s: Session, z: ZSet) -> None:
    """Copy the current listpack limits into ``z`` before adding to it."""
    z.max_entries, z.max_value = limits(s)


def event(s: Session, name: bytes, key: bytes, deleted: bool = False) -> None:
    """Keyspace notifications: the sorted set event, then ``del`` if the key went."""
    if s.server.notify_flags:
        notify(s.server, s.db, ZSET, name, key)
        if deleted:
            notify(s.server, s.db, GENERIC, b"del", key)


def after_removal(s: Session, key: bytes, z: ZSet, name: bytes) -> None:
    """Signal a removal from ``key`` (event ``name``), deleting the key when
    ``z`` became empty."""
    if z.scores:
        s.db.modified(key)
        event(s, name, key)
    else:
        s.db.remove(key)
        event(s, name, key, True)


def fits_listpack(s: Session, items: list[tuple[float, bytes]]) -> bool:
    max_entries, max_value = limits(s)
    return len(items) <= max_entries and all(
        len(member) <= max_value for _score, member in items
    )


def store_result(
    s: Session, dst: bytes, items: list[tuple[float, bytes]], name: bytes, skiplist: bool
) -> int:
    """Write a STORE command's result (event ``name``); an empty one deletes
    the destination. ``skiplist``: the encoding the result starts with before
    its elements go in one by one (it matters for -0, which only a skiplist
    keeps)."""
    db = s.db
    if not items:
        if db.delete(dst) and s.server.notify_flags:
            notify(s.server, db, GENERIC, b"del", dst)
        return 0
    result = new_zset(s)
    result.skiplist = skiplist
    insert = result.insert
    for score, member in items:
        insert(member, score)
    db.put(dst, result)
    event(s, name, dst)
    return len(items)


# --- ZADD / ZINCRBY ----------------------------------------------------------
@command("zadd", -4, "write denyoom fast", keys=(1, 1, 1), category="sortedset")
def zadd(s: Session, argv: list[bytes]) -> Reply:
    nx = xx = gt = lt = ch = incr = False
    n = len(argv)
    i = 2
    while i < n:
        opt = argv[i].lower()
        if opt == b"nx":
            nx = True
        elif opt == b"xx":
            xx = True
        elif opt == b"gt":
            gt = True
        elif opt == b"lt":
            lt = True
        elif opt == b"ch":
            ch = True
        elif opt == b"incr":
            incr = True
        else:
            break
        i += 1
    elements = n - i
    if elements % 2 or not elements:
        raise errors.err(errors.SYNTAX)
    if nx and xx:
        raise errors.err(errors.ZADD_XX_NX)
    if (gt and nx) or (lt and nx) or (gt and lt):
        raise errors.err(errors.GT_LT_NX)
    if incr and elements > 2:
        raise errors.err(errors.ZADD_INCR_PAIR)
    scores = [to_float(argv[j]) for j in range(i, n, 2)]
    key = argv[1]
    db = s.db
    z = db.get_typed(key, ZSet)
    if z is None:
        if xx:
            return None if incr else 0
        z = new_zset(s)
        db.add(key, z)
        if not (nx or gt or lt or incr or ch):
            # The common case: a new key takes every pair as it comes.
            for j, score in enumerate(scores):
                z.set(argv[i + 1 + 2 * j], score)
            event(s, b"zadd", key)
            return len(z)
    else:
        configure(s, z)
    if incr:
        member = argv[i + 1]
        result, changed_one = _incr(z, member, scores[0], nx, xx, gt, lt)
        if changed_one:
            db.modified(key)
            event(s, b"zincr", key)
        return result
    added = changed = 0
    current = z.scores
    for j, score in enumerate(scores):
        member = argv[i + 1 + 2 * j]
        old = current.get(member)
        if old is None:
            if not xx:
                z.insert(member, score)
                added += 1
        elif not nx and old != score and not (gt and score <= old) and not (lt and score >= old):
            z.update(member, old, score)
            changed += 1
    if added or changed:
        db.modified(key)
        event(s, b"zadd", key)
    return added + changed if ch else added


def _incr(
    z: ZSet, member: bytes, by: float, nx: bool, xx: bool, gt: bool, lt: bool
) -> tuple[float | None, bool]:
    """ZADD INCR on one member: the new score (None when skipped) and whether
    the set changed."""
    old = z.scores.get(member)
    if old is None:
        if xx:
            return None, False
        z.insert(member, by)
        return by, True
    if nx:
        return None, False
    new = old + by
    if new != new:
        raise errors.err(errors.ZSCORE_NAN)
    if (gt and new <= old) or (lt and new >= old):
        return None, False
    if new != old:
        z.update(member, old, new)
        return new, True
    return new, False


@command("zincrby", 4, "write denyoom fast", keys=(1, 1, 1), category="sortedset")
def zincrby(s: Session, argv: list[bytes]) -> Reply:
    by = to_float(argv[2])
    key = argv[1]
    db = s.db
    z = db.get_typed(key, ZSet)
    if z is None:
        z = new_zset(s)
        z.insert(argv[3], by)
        db.add(key, z)
        event(s, b"zincr", key)
        return by
    configure(s, z)
    new, changed = _incr(z, argv[3], by, False, False, False, False)
    if changed:
        db.modified(key)
        event(s, b"zincr", key)
    return new


# --- reads and removals -----------------------------------------------------------
@command("zrem", -3, "write fast", keys=(1, 1, 1), category="sortedset")
def zrem(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    db = s.db
    z = db.get_typed(key, ZSet)
    if z is None:
        return 0
    remove = z.remove
    removed = 0
    for member in argv[2:]:
        if remove(member):
            removed += 1
    if removed:
        after_removal(s, key, z, b"zrem")
    return removed


@command("zcard", 2, "readonly fast", keys=(1, 1, 1), category="sortedset")
def zcard(s: Session, argv: list[bytes]) -> Reply:
    z = s.db.read_typed(argv[1], ZSet)
    return 0 if z is None else len(z.scores)


@command("zscore", 3, "readonly fast", keys=(1, 1, 1), category="sortedset")
def zscore(s: Session, argv: list[bytes]) -> Reply:
    z = s.db.read_typed(argv[1], ZSet)
    return None if z is None else z.scores.get(argv[2])


@command("zmscore", -3, "readonly fast", keys=(1, 1, 1), category="sortedset")
def zmscore(s: Session, argv: list[bytes]) -> Reply:
    z = s.db.read_typed(argv[1], ZSet)
    if z is None:
        return [None] * (len(argv) - 2)
    get = z.scores.get
    return [get(m) for m in argv[2:]]


def _rank(s: Session, argv: list[bytes], reverse: bool) -> Reply:
    # ZRANK key member [WITHSCORE] (WITHSCORE is Redis 7.2).
    if len(argv) > 4:
        raise errors.err(errors.wrong_arity(argv[0].decode("utf-8", "replace").lower()))
    withscore = False
    if len(argv) == 4:
        if argv[3].lower() != b"withscore":
            raise errors.err(errors.SYNTAX)
        withscore = True
    z = s.db.read_typed(argv[1], ZSet)
    if z is None:
        return None
    rank = z.rank(argv[2])
    if rank is None:
        return None
    if reverse:
        rank = len(z.scores) - 1 - rank
    if withscore:
        return [rank, z.scores[argv[2]]]
    return rank


@command("zrank", -3, "readonly fast", keys=(1, 1, 1), category="sortedset")
def zrank(s: Session, argv: list[bytes]) -> Reply:
    return _rank(s, argv, False)


@command("zrevrank", -3, "readonly fast", keys=(1, 1, 1), category="sortedset")
def zrevrank(s: Session, argv: list[bytes]) -> Reply:
    return _rank(s, argv, True)


# --- pops ------------------------------------------------------------------------
def pop(s: Session, key: bytes, z: ZSet, count: int, top: bool) -> list[tuple[float, bytes]]:
    """Remove and return up to ``count`` elements from the bottom (or top)."""
    n = len(z.order)
    count = min(count, n)
    if top:
        items = z.items(n - count, n, reverse=True)
        z.delete_span(n - count, n)
    else:
        items = z.items(0, count)
        z.delete_span(0, count)
    after_removal(s, key, z, b"zpopmax" if top else b"zpopmin")
    return items


def flat_pairs(items: list[tuple[float, bytes]]) -> Pairs:
    out = Pairs()
    append = out.append
    for score, member in items:
        append(member)
        append(score)
    return out


def _zpop(s: Session, argv: list[bytes], top: bool) -> Reply:
    if len(argv) > 3:
        raise errors.err(errors.SYNTAX)
    count = 1
    if len(argv) == 3:
        count = to_int(argv[2], errors.COUNT_POSITIVE)
        if count < 0:
            raise errors.err(errors.COUNT_POSITIVE)
    key = argv[1]
    db = s.db
    z = db.get_typed(key, ZSet)
    if z is None or count == 0:
        return Pairs() if len(argv) == 3 else []
    items = pop(s, key, z, count, top)
    if len(argv) == 3:
        return flat_pairs(items)
    score, member = items[0]
    return [member, score]


@command("zpopmin", -2, "write fast", keys=(1, 1, 1), category="sortedset")
def zpopmin(s: Session, argv: list[bytes]) -> Reply:
    return _zpop(s, argv, False)


@command("zpopmax", -2, "write fast", keys=(1, 1, 1), category="sortedset")
def zpopmax(s: Session, argv: list[bytes]) -> Reply:
    return _zpop(s, argv, True)


def parse_mpop(argv: list[bytes], numkeys_at: int) -> tuple[list[bytes], bool, int]:
    """ZMPOP-style arguments from ``numkeys_at``: (keys, from the top?, count)."""
    numkeys = to_int(argv[numkeys_at], errors.NUMKEYS_POSITIVE)
    if numkeys < 1:
        raise errors.err(errors.NUMKEYS_POSITIVE)
    where = numkeys_at + numkeys + 1
    if where >= len(argv):
        raise errors.err(errors.SYNTAX)
    side = argv[where].lower()
    if side == b"min":
        top = False
    elif side == b"max":
        top = True
    else:
        raise errors.err(errors.SYNTAX)
    count = -1
    i = where + 1
    while i < len(argv):
        if count == -1 and argv[i].lower() == b"count" and i + 1 < len(argv):
            count = to_int(argv[i + 1], errors.COUNT_GREATER_ZERO)
            if count < 1:
                raise errors.err(errors.COUNT_GREATER_ZERO)
            i += 2
        else:
            raise errors.err(errors.SYNTAX)
    return argv[numkeys_at + 1 : where], top, max(count, 1)


def first_zset(db: Db, keys: list[bytes]) -> tuple[bytes, ZSet] | None:
    """The first key holding a sorted set (WRONGTYPE stops the search)."""
    for key in keys:
        z = db.get_typed(key, ZSet)
        if z is not None:
            return key, z
    return None


def mpop_reply(s: Session, key: bytes, z: ZSet, top: bool, count: int) -> Reply:
    items = pop(s, key, z, count, top)
    return [key, [[member, score] for score, member in items]]


@command("zmpop", -4, "write movablekeys", keys=(0, 0, 0), category="sortedset")
def zmpop(s: Session, argv: list[bytes]) -> Reply:
    keys, top, count = parse_mpop(argv, 1)
    db = s.db
    found = first_zset(db, keys)
    if found is None:
        return None
    return mpop_reply(s, found[0], found[1], top, count)


# --- random members ----------------------------------------------------------------
@command("zrandmember", -2, "readonly", keys=(1, 1, 1), category="sortedset")
def zrandmember(s: Session, argv: list[bytes]) -> Reply:
    db = s.db
    if len(argv) == 2:
        z = db.read_typed(argv[1], ZSet)
        if z is None:
            return None
        return z.order[random.randrange(len(z.order))][1]
    count = to_int(argv[2])
    if count == INT64_MIN:
        raise errors.err(errors.RANDOM_COUNT_RANGE)
    withscores = False
    if len(argv) > 4 or (len(argv) == 4 and argv[3].lower() != b"withscores"):
        raise errors.err(errors.SYNTAX)
    if len(argv) == 4:
        withscores = True
        if count < -_HALF_LONG or count > _HALF_LONG:
            raise errors.err(errors.VALUE_OUT_OF_RANGE)
    z = db.read_typed(argv[1], ZSet)
    if z is None or count == 0:
        return Pairs() if withscores else []
    order = z.order
    n = len(order)
    if count > 0:
        if count >= n:
            picked = list(order)
            random.shuffle(picked)
        else:
            picked = [order[i] for i in random.sample(range(n), count)]
    else:
        picked = [order[random.randrange(n)] for _ in range(-count)]
    if withscores:
        return flat_pairs(picked)
    return [member for _score, member in picked]


# --- ZSCAN ---------------------------------------------------------------------------
@command("zscan", -3, "readonly", keys=(1, 1, 1), category="sortedset")
def zscan(s: Session, argv: list[bytes]) -> Reply:
    cursor = scan.parse_cursor(argv[2])
    z = s.db.read_typed(argv[1], ZSet)
    if z is None:
        return scan.empty()
    scores = z.scores

    def score_text(member: bytes) -> bytes:
        return format_double(scores[member])

    if z.skiplist:
        return scan.scan_container(s, argv, 3, cursor, z, scores, value=score_text)
    # A listpack comes back whole, in score order.
    members = [member for _score, member in z.order]
    return scan.scan_container(s, argv, 3, cursor, z, members, small=True, value=score_text)


# --- blocking pops (DESIGN.md D3, see ../blocking.py) --------------------------------
def _bzpop(s: Session, argv: list[bytes], top: bool) -> Reply:
    timeout = parse_timeout(argv[-1])
    keys = argv[1:-1]
    db = s.db
    for key in keys:
        z = db.get_typed(key, ZSet)
        if z is not None:
            score, member = pop(s, key, z, 1, top)[0]
            return [key, member, score]
    return block(s, keys, ZSet, timeout, None)


@command("bzpopmin", -3, "write noscript blocking fast", keys=(1, -2, 1), category="sortedset")
def bzpopmin(s: Session, argv: list[bytes]) -> Reply:
    return _bzpop(s, argv, False)


@command("bzpopmax", -3, "write noscript blocking fast", keys=(1, -2, 1), category="sortedset")
def bzpopmax(s: Session, argv: list[bytes]) -> Reply:
    return _bzpop(s, argv, True)


@command("bzmpop", -5, "write blocking movablekeys", keys=(0, 0, 0), category="sortedset")
def bzmpop(s: Session, argv: list[bytes]) -> Reply:
    keys, top, count = parse_mpop(argv, 2)
    timeout = parse_timeout(argv[1])
    db = s.db
    found = first_zset(db, keys)
    if found is None:
        return block(s, keys, ZSet, timeout, None)
    return mpop_reply(s, found[0], found[1], top, count)
