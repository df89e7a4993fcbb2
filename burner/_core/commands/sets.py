"""Set commands.

Rules:
- A set that becomes empty is deleted; a STORE whose result is empty deletes
  the destination.
- Multi-key commands check every key's type before answering (Redis does),
  so a WRONGTYPE key anywhere is an error even when the answer is known.
- Sets are RESP3 sets (SetReply) where Redis replies with one: SMEMBERS,
  SINTER, SUNION, SDIFF, SPOP with a count. SRANDMEMBER with a count is an
  array.
"""

from __future__ import annotations

from .. import errors, scan
from ..db import Db
from ..notify import GENERIC, SET, notify
from ..parse import INT64_MIN, maybe_int, to_int
from ..registry import command
from ..replies import Reply, SetReply
from ..session import Session
from ..values.set import Set


def _event(s: Session, event: bytes, key: bytes, deleted: bool = False) -> None:
    """Keyspace notifications: the set event, then ``del`` if the key went."""
    if s.server.notify_flags:
        notify(s.server, s.db, SET, event, key)
        if deleted:
            notify(s.server, s.db, GENERIC, b"del", key)


def _deleted(s: Session, key: bytes) -> None:
    if s.server.notify_flags:
        notify(s.server, s.db, GENERIC, b"del", key)


_limit_cache: dict[bytes | None, int] = {}


def _max_intset(s: Session) -> int:
    """set-max-intset-entries as configured."""
    raw = s.server.config.get("set-max-intset-entries")
    found = _limit_cache.get(raw)
    if found is None:
        if len(_limit_cache) > 64:
            _limit_cache.clear()
        try:
            found = int(raw) if raw is not None else Set.MAX_INTSET_ENTRIES
        except ValueError:
            found = Set.MAX_INTSET_ENTRIES
        _limit_cache[raw] = found
    return found


def _sets(db: Db, keys: list[bytes]) -> list[Set | None]:
    """The sets at ``keys`` (None where missing); WRONGTYPE if any is not a set."""
    return [db.read_typed(key, Set) for key in keys]


def _store(s: Session, key: bytes, result: Set, event: bytes) -> int:
    if result:
        s.db.put(key, result)
        _event(s, event, key)
    elif s.db.delete(key):
        _deleted(s, key)
    return len(result)


@command("sadd", -3, "write denyoom fast", keys=(1, 1, 1), category="set")
def sadd(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    db = s.db
    st = db.get_typed(key, Set)
    if st is None:
        st = Set(argv[2:], _max_intset(s))
        db.add(key, st)
        _event(s, b"sadd", key)
        return len(st)
    st.max_intset = _max_intset(s)
    add = st.add
    added = 0
    for member in argv[2:]:
        if add(member):
            added += 1
    if added:
        db.modified(key)
        _event(s, b"sadd", key)
    return added


@command("srem", -3, "write fast", keys=(1, 1, 1), category="set")
def srem(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    db = s.db
    st = db.get_typed(key, Set)
    if st is None:
        return 0
    discard = st.discard
    removed = 0
    for member in argv[2:]:
        if discard(member):
            removed += 1
    if removed:
        if st:
            db.modified(key)
        else:
            db.remove(key)
        _event(s, b"srem", key, not st)
    return removed


@command("smembers", 2, "readonly", keys=(1, 1, 1), category="set")
def smembers(s: Session, argv: list[bytes]) -> Reply:
    st = s.db.read_typed(argv[1], Set)
    return SetReply() if st is None else SetReply(st.members)


@command("sismember", 3, "readonly fast", keys=(1, 1, 1), category="set")
def sismember(s: Session, argv: list[bytes]) -> Reply:
    st = s.db.read_typed(argv[1], Set)
    return 1 if st is not None and argv[2] in st.index else 0


@command("smismember", -3, "readonly fast", keys=(1, 1, 1), category="set")
def smismember(s: Session, argv: list[bytes]) -> Reply:
    st = s.db.read_typed(argv[1], Set)
    if st is None:
        return [0] * (len(argv) - 2)
    index = st.index
    return [1 if m in index else 0 for m in argv[2:]]


@command("scard", 2, "readonly fast", keys=(1, 1, 1), category="set")
def scard(s: Session, argv: list[bytes]) -> Reply:
    st = s.db.read_typed(argv[1], Set)
    return 0 if st is None else len(st)


@command("spop", -2, "write fast", keys=(1, 1, 1), category="set")
def spop(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    db = s.db
    if len(argv) > 3:
        raise errors.err(errors.SYNTAX)
    if len(argv) == 2:
        st = db.get_typed(key, Set)
        if st is None:
            return None
        member = st.pop_random()
        if st:
            db.modified(key)
        else:
            db.remove(key)
        _event(s, b"spop", key, not st)
        return member
    count = to_int(argv[2], errors.COUNT_POSITIVE)
    if count < 0:
        raise errors.err(errors.COUNT_POSITIVE)
    st = db.get_typed(key, Set)
    if st is None or count == 0:
        return SetReply()
    if count >= len(st):
        db.remove(key)
        _event(s, b"spop", key, True)
        return SetReply(st.sample(len(st)))
    popped = st.sample(count)
    discard = st.discard
    for member in popped:
        discard(member)
    if len(st) * 5 <= count:
        # Redis builds a new set from the few members left: its encoding
        # starts over.
        st.max_intset = _max_intset(s)
        st.hashtable = len(st) > st.max_intset or any(
            maybe_int(m) is None for m in st.members
        )
    db.modified(key)
    _event(s, b"spop", key)
    return SetReply(popped)


@command("srandmember", -2, "readonly", keys=(1, 1, 1), category="set")
def srandmember(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) > 3:
        raise errors.err(errors.SYNTAX)
    if len(argv) == 2:
        st = s.db.read_typed(argv[1], Set)
        return None if st is None else st.random_member()
    count = to_int(argv[2])
    if count == INT64_MIN:
        raise errors.err(errors.RANDOM_COUNT_RANGE)
    st = s.db.read_typed(argv[1], Set)
    if st is None or count == 0:
        return []
    if count > 0:
        return st.sample(count)
    return st.choices(-count)


@command("smove", 4, "write fast", keys=(1, 2, 1), category="set")
def smove(s: Session, argv: list[bytes]) -> Reply:
    src_key, dst_key, member = argv[1], argv[2], argv[3]
    db = s.db
    src = db.get_typed(src_key, Set)
    if src is None:
        return 0  # Redis answers before looking at the destination's type
    dst = db.get_typed(dst_key, Set)
    if src is dst:
        return 1 if member in src else 0
    if not src.discard(member):
        return 0
    if src:
        db.modified(src_key)
    else:
        db.remove(src_key)
    _event(s, b"srem", src_key, not src)
    if dst is None:
        db.add(dst_key, Set((member,), _max_intset(s)))
        _event(s, b"sadd", dst_key)
        return 1
    dst.max_intset = _max_intset(s)
    if dst.add(member):
        db.modified(dst_key)
        _event(s, b"sadd", dst_key)
    return 1


# --- algebra -----------------------------------------------------------------
def _inter(sets: list[Set | None], limit: int = 0) -> list[bytes]:
    """Members in every set, at most ``limit`` of them when limit > 0."""
    if not sets or any(st is None for st in sets):
        return []
    present = sorted((st for st in sets if st is not None), key=len)
    first, rest = present[0], present[1:]
    if not rest:
        members = list(first.members)
        return members[:limit] if limit else members
    out: list[bytes] = []
    for member in first.members:
        for other in rest:
            if member not in other.index:
                break
        else:
            out.append(member)
            if limit and len(out) >= limit:
                break
    return out


def _union(sets: list[Set | None], max_intset: int = Set.MAX_INTSET_ENTRIES) -> Set:
    result = Set(max_intset=max_intset)
    add = result.add
    for st in sets:
        if st is not None:
            for member in st.members:
                add(member)
    return result


def _diff(sets: list[Set | None], max_intset: int = Set.MAX_INTSET_ENTRIES) -> Set:
    first = sets[0]
    result = Set(max_intset=max_intset)
    if first is None:
        return result
    others = [st for st in sets[1:] if st is not None]
    add = result.add
    for member in first.members:
        for other in others:
            if member in other.index:
                break
        else:
            add(member)
    return result


@command("sinter", -2, "readonly", keys=(1, -1, 1), category="set")
def sinter(s: Session, argv: list[bytes]) -> Reply:
    return SetReply(_inter(_sets(s.db, argv[1:])))


@command("sintercard", -3, "readonly movablekeys", keys=(0, 0, 0), category="set")
def sintercard(s: Session, argv: list[bytes]) -> Reply:
    numkeys = to_int(argv[1], errors.NUMKEYS_POSITIVE)
    if numkeys < 1:
        raise errors.err(errors.NUMKEYS_POSITIVE)
    if numkeys > len(argv) - 2:
        raise errors.err(errors.NUMKEYS_TOO_MANY)
    limit = 0
    i = 2 + numkeys
    while i < len(argv):
        if argv[i].lower() == b"limit" and i + 1 < len(argv):
            limit = to_int(argv[i + 1], errors.LIMIT_NEGATIVE)
            if limit < 0:
                raise errors.err(errors.LIMIT_NEGATIVE)
            i += 2
        else:
            raise errors.err(errors.SYNTAX)
    return len(_inter(_sets(s.db, argv[2 : 2 + numkeys]), limit))


@command("sinterstore", -3, "write denyoom", keys=(1, -1, 1), category="set")
def sinterstore(s: Session, argv: list[bytes]) -> Reply:
    result = Set(_inter(_sets(s.db, argv[2:])), _max_intset(s))
    return _store(s, argv[1], result, b"sinterstore")


@command("sunion", -2, "readonly", keys=(1, -1, 1), category="set")
def sunion(s: Session, argv: list[bytes]) -> Reply:
    return SetReply(_union(_sets(s.db, argv[1:])).members)


@command("sunionstore", -3, "write denyoom", keys=(1, -1, 1), category="set")
def sunionstore(s: Session, argv: list[bytes]) -> Reply:
    result = _union(_sets(s.db, argv[2:]), _max_intset(s))
    return _store(s, argv[1], result, b"sunionstore")


@command("sdiff", -2, "readonly", keys=(1, -1, 1), category="set")
def sdiff(s: Session, argv: list[bytes]) -> Reply:
    return SetReply(_diff(_sets(s.db, argv[1:])).members)


@command("sdiffstore", -3, "write denyoom", keys=(1, -1, 1), category="set")
def sdiffstore(s: Session, argv: list[bytes]) -> Reply:
    result = _diff(_sets(s.db, argv[2:]), _max_intset(s))
    return _store(s, argv[1], result, b"sdiffstore")


@command("sscan", -3, "readonly", keys=(1, 1, 1), category="set")
def sscan(s: Session, argv: list[bytes]) -> Reply:
    cursor = scan.parse_cursor(argv[2])
    st = s.db.read_typed(argv[1], Set)
    if st is None:
        return scan.empty()
    if st.hashtable:
        return scan.scan_container(s, argv, 3, cursor, st, st.keys())
    # An intset comes back whole, in its (numeric) order.
    return scan.scan_container(
        s, argv, 3, cursor, st, sorted(st.members, key=int), small=True
    )
