"""List commands, blocking ones included (DESIGN.md D3, see ../blocking.py).

Rules, as Redis 7.0 has them:
- Arguments are validated before anything is written; the order in which a
  command checks its arguments and the key's type is Redis's own (it decides
  which error wins), so each handler spells it out.
- A list that becomes empty is deleted; every in-place change ends in
  ``db.modified(key)`` (which also wakes blocked clients).
- A blocking command first tries its non-blocking twin; if there is nothing
  to take it returns ``block(...)`` waiting on its source keys for a List.
"""

from __future__ import annotations

from .. import errors
from ..blocking import block, parse_timeout
from ..notify import GENERIC, LIST, notify
from ..parse import INT64_MIN, maybe_int, to_int
from ..registry import command
from ..replies import OK, Reply
from ..session import Session
from ..values.list import List

LEFT = True
RIGHT = False

_WHERE: dict[bytes, bool] = {b"left": LEFT, b"right": RIGHT}
_PUSHED = {LEFT: b"lpush", RIGHT: b"rpush"}
_POPPED = {LEFT: b"lpop", RIGHT: b"rpop"}


def _event(s: Session, event: bytes, key: bytes, deleted: bool = False) -> None:
    """Keyspace notifications: the list event, then ``del`` if it emptied the key."""
    if s.server.notify_flags:
        notify(s.server, s.db, LIST, event, key)
        if deleted:
            notify(s.server, s.db, GENERIC, b"del", key)


def _where(raw: bytes) -> bool:
    side = _WHERE.get(raw.lower())
    if side is None:
        raise errors.err(errors.SYNTAX)
    return side


def _positive_count(raw: bytes) -> int:
    value = maybe_int(raw)
    if value is None or value < 0:
        raise errors.err(errors.COUNT_POSITIVE)
    return value


# --- push ----------------------------------------------------------------------
def _push(s: Session, argv: list[bytes], left: bool, only_existing: bool) -> Reply:
    key = argv[1]
    db = s.db
    lst = db.get_typed(key, List)
    if lst is None:
        if only_existing:
            return 0
        lst = List()
        (lst.extendleft if left else lst.extend)(argv[2:])
        db.add(key, lst)
    else:
        (lst.extendleft if left else lst.extend)(argv[2:])
        db.modified(key)
    _event(s, _PUSHED[left], key)
    return len(lst)


@command("lpush", -3, "write denyoom fast", keys=(1, 1, 1), category="list")
def lpush(s: Session, argv: list[bytes]) -> Reply:
    return _push(s, argv, LEFT, False)


@command("rpush", -3, "write denyoom fast", keys=(1, 1, 1), category="list")
def rpush(s: Session, argv: list[bytes]) -> Reply:
    return _push(s, argv, RIGHT, False)


@command("lpushx", -3, "write denyoom fast", keys=(1, 1, 1), category="list")
def lpushx(s: Session, argv: list[bytes]) -> Reply:
    return _push(s, argv, LEFT, True)


@command("rpushx", -3, "write denyoom fast", keys=(1, 1, 1), category="list")
def rpushx(s: Session, argv: list[bytes]) -> Reply:
    return _push(s, argv, RIGHT, True)


# --- pop -----------------------------------------------------------------------
def _take(s: Session, key: bytes, lst: List, left: bool, count: int) -> list[bytes]:
    """Pop up to ``count`` elements from a stored list; delete it if emptied."""
    pop = lst.popleft if left else lst.pop
    if count >= len(lst):
        out = list(lst) if left else list(reversed(lst))
        s.db.remove(key)
        _event(s, _POPPED[left], key, True)
        return out
    out = [pop() for _ in range(count)]
    s.db.modified(key)
    _event(s, _POPPED[left], key)
    return out


def _pop_one(s: Session, key: bytes, lst: List, left: bool) -> bytes:
    value = lst.popleft() if left else lst.pop()
    if lst:
        s.db.modified(key)
        _event(s, _POPPED[left], key)
    else:
        s.db.remove(key)
        _event(s, _POPPED[left], key, True)
    return value


def _pop(s: Session, argv: list[bytes], left: bool) -> Reply:
    if len(argv) > 3:
        raise errors.err(errors.wrong_arity(argv[0].decode("utf-8", "replace").lower()))
    count = _positive_count(argv[2]) if len(argv) == 3 else -1
    key = argv[1]
    lst = s.db.get_typed(key, List)
    if lst is None:
        return None
    if count < 0:
        return _pop_one(s, key, lst, left)
    if count == 0:
        return []
    return _take(s, key, lst, left, count)


@command("lpop", -2, "write fast", keys=(1, 1, 1), category="list")
def lpop(s: Session, argv: list[bytes]) -> Reply:
    return _pop(s, argv, LEFT)


@command("rpop", -2, "write fast", keys=(1, 1, 1), category="list")
def rpop(s: Session, argv: list[bytes]) -> Reply:
    return _pop(s, argv, RIGHT)


# --- reads ---------------------------------------------------------------------
@command("llen", 2, "readonly fast", keys=(1, 1, 1), category="list")
def llen(s: Session, argv: list[bytes]) -> Reply:
    lst = s.db.read_typed(argv[1], List)
    return 0 if lst is None else len(lst)


def _clamp_range(start: int, stop: int, n: int) -> tuple[int, int] | None:
    """Redis's start/stop normalisation; None for an empty range."""
    if start < 0:
        start += n
    if stop < 0:
        stop += n
    if start < 0:
        start = 0
    if start > stop or start >= n:
        return None
    if stop >= n:
        stop = n - 1
    return start, stop


@command("lrange", 4, "readonly", keys=(1, 1, 1), category="list")
def lrange(s: Session, argv: list[bytes]) -> Reply:
    start = to_int(argv[2])
    stop = to_int(argv[3])
    lst = s.db.read_typed(argv[1], List)
    if lst is None:
        return []
    bounds = _clamp_range(start, stop, len(lst))
    if bounds is None:
        return []
    return lst.window(*bounds)


@command("lindex", 3, "readonly", keys=(1, 1, 1), category="list")
def lindex(s: Session, argv: list[bytes]) -> Reply:
    lst = s.db.read_typed(argv[1], List)
    if lst is None:
        return None
    index = to_int(argv[2])
    n = len(lst)
    if index < 0:
        index += n
    if 0 <= index < n:
        return lst[index]
    return None


@command("lpos", -3, "readonly", keys=(1, 1, 1), category="list")
def lpos(s: Session, argv: list[bytes]) -> Reply:
    rank = 1
    count = -1
    maxlen = 0
    i = 3
    argc = len(argv)
    while i < argc:
        opt = argv[i].lower()
        if i + 1 >= argc:
            raise errors.err(errors.SYNTAX)
        if opt == b"rank":
            rank = to_int(argv[i + 1])
            if rank == 0:
                raise errors.err(errors.LPOS_RANK_ZERO)
        elif opt == b"count":
            value = maybe_int(argv[i + 1])
            if value is None or value < 0:
                raise errors.err(errors.LPOS_COUNT_NEGATIVE)
            count = value
        elif opt == b"maxlen":
            value = maybe_int(argv[i + 1])
            if value is None or value < 0:
                raise errors.err(errors.LPOS_MAXLEN_NEGATIVE)
            maxlen = value
        else:
            raise errors.err(errors.SYNTAX)
        i += 2
    lst = s.db.read_typed(argv[1], List)
    if lst is None:
        return [] if count >= 0 else None
    want = argv[2]
    n = len(lst)
    from_tail = rank < 0
    if rank == INT64_MIN:
        # Redis negates the rank in a long long, which leaves it negative: every
        # match qualifies and COUNT never stops the scan.
        skip = 0
        if count > 0:
            count = 0
    else:
        skip = (-rank if from_tail else rank) - 1
    limit = maxlen if maxlen else n
    found: list[int] = []
    scanned = 0
    it = reversed(lst) if from_tail else iter(lst)
    for item in it:
        if scanned >= limit:
            break
        if item == want:
            if skip:
                skip -= 1
            else:
                found.append(n - 1 - scanned if from_tail else scanned)
                if count < 0:
                    break
                if count and len(found) >= count:
                    break
        scanned += 1
    if count < 0:
        return found[0] if found else None
    return found


# --- in-place edits ------------------------------------------------------------
@command("lset", 4, "write denyoom", keys=(1, 1, 1), category="list")
def lset(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    lst = s.db.get_typed(key, List)
    if lst is None:
        raise errors.err(errors.NO_SUCH_KEY)
    index = to_int(argv[2])
    n = len(lst)
    if index < 0:
        index += n
    if not 0 <= index < n:
        raise errors.err(errors.LIST_INDEX_RANGE)
    lst[index] = argv[3]
    s.db.modified(key)
    _event(s, b"lset", key)
    return OK


@command("linsert", 5, "write denyoom", keys=(1, 1, 1), category="list")
def linsert(s: Session, argv: list[bytes]) -> Reply:
    where = argv[2].lower()
    if where == b"before":
        after = False
    elif where == b"after":
        after = True
    else:
        raise errors.err(errors.SYNTAX)
    key = argv[1]
    lst = s.db.get_typed(key, List)
    if lst is None:
        return 0
    try:
        position = lst.index(argv[3])
    except ValueError:
        return -1
    lst.insert(position + 1 if after else position, argv[4])
    s.db.modified(key)
    _event(s, b"linsert", key)
    return len(lst)


@command("lrem", 4, "write", keys=(1, 1, 1), category="list")
def lrem(s: Session, argv: list[bytes]) -> Reply:
    count = to_int(argv[2])
    key = argv[1]
    lst = s.db.get_typed(key, List)
    if lst is None:
        return 0
    want = argv[3]
    if want not in lst:
        return 0
    # |INT64_MIN| does not fit a long in Redis either; any huge count means all.
    limit = abs(count) if count else len(lst)
    removed = 0
    kept: list[bytes] = []
    if count >= 0:
        for item in lst:
            if removed < limit and item == want:
                removed += 1
            else:
                kept.append(item)
    else:
        for item in reversed(lst):
            if removed < limit and item == want:
                removed += 1
            else:
                kept.append(item)
        kept.reverse()
    if not kept:
        s.db.remove(key)
        _event(s, b"lrem", key, True)
        return removed
    lst.clear()
    lst.extend(kept)
    s.db.modified(key)
    _event(s, b"lrem", key)
    return removed


@command("ltrim", 4, "write", keys=(1, 1, 1), category="list")
def ltrim(s: Session, argv: list[bytes]) -> Reply:
    start = to_int(argv[2])
    stop = to_int(argv[3])
    key = argv[1]
    lst = s.db.get_typed(key, List)
    if lst is None:
        return OK
    n = len(lst)
    bounds = _clamp_range(start, stop, n)
    if bounds is None:
        s.db.remove(key)
        _event(s, b"ltrim", key, True)
        return OK
    first, last = bounds
    for _ in range(first):
        lst.popleft()
    for _ in range(n - 1 - last):
        lst.pop()
    s.db.modified(key)  # even when nothing went: Redis touches the key anyway
    _event(s, b"ltrim", key)
    return OK


# --- moves ---------------------------------------------------------------------
def _move(s: Session, source: bytes, destination: bytes, src_left: bool, dst_left: bool) -> Reply:
    """LMOVE once both sides are parsed; None when the source is missing."""
    db = s.db
    src = db.get_typed(source, List)
    if src is None:
        return None
    dst = db.get_typed(destination, List)
    value = src.popleft() if src_left else src.pop()
    if dst is None:
        db.add(destination, List((value,)))
    else:
        if dst_left:
            dst.appendleft(value)
        else:
            dst.append(value)
        db.modified(destination)
    _event(s, _PUSHED[dst_left], destination)
    if src:
        if source != destination:
            db.modified(source)
        _event(s, _POPPED[src_left], source)
    else:
        db.remove(source)
        _event(s, _POPPED[src_left], source, True)
    return value


@command("lmove", 5, "write denyoom", keys=(1, 2, 1), category="list")
def lmove(s: Session, argv: list[bytes]) -> Reply:
    src_left = _where(argv[3])
    dst_left = _where(argv[4])
    return _move(s, argv[1], argv[2], src_left, dst_left)


@command("rpoplpush", 3, "write denyoom", keys=(1, 2, 1), category="list")
def rpoplpush(s: Session, argv: list[bytes]) -> Reply:
    return _move(s, argv[1], argv[2], RIGHT, LEFT)


# --- multi-key pop -------------------------------------------------------------
def _parse_mpop(argv: list[bytes], numkeys_at: int) -> tuple[list[bytes], bool, int]:
    """LMPOP/BLMPOP's ``numkeys key... LEFT|RIGHT [COUNT n]``."""
    numkeys = maybe_int(argv[numkeys_at])
    if numkeys is None or numkeys < 1:
        raise errors.err(errors.NUMKEYS_POSITIVE)
    where_at = numkeys_at + numkeys + 1
    if where_at >= len(argv):
        raise errors.err(errors.SYNTAX)
    left = _where(argv[where_at])
    count = -1
    i = where_at + 1
    argc = len(argv)
    while i < argc:
        if count == -1 and argv[i].lower() == b"count" and i + 1 < argc:
            value = maybe_int(argv[i + 1])
            if value is None or value < 1:
                raise errors.err(errors.MPOP_COUNT_POSITIVE)
            count = value
            i += 2
        else:
            raise errors.err(errors.SYNTAX)
    return argv[numkeys_at + 1 : where_at], left, (1 if count == -1 else count)


def _mpop(s: Session, keys: list[bytes], left: bool, count: int) -> Reply:
    db = s.db
    for key in keys:
        lst = db.get_typed(key, List)
        if lst is not None:
            return [key, _take(s, key, lst, left, count)]
    return None


@command("lmpop", -4, "write movablekeys", keys=(0, 0, 0), category="list")
def lmpop(s: Session, argv: list[bytes]) -> Reply:
    keys, left, count = _parse_mpop(argv, 1)
    return _mpop(s, keys, left, count)


# --- blocking ------------------------------------------------------------------
def _bpop(s: Session, argv: list[bytes], left: bool) -> Reply:
    timeout = parse_timeout(argv[-1])
    keys = argv[1:-1]
    db = s.db
    for key in keys:
        lst = db.get_typed(key, List)
        if lst is not None:
            return [key, _pop_one(s, key, lst, left)]
    return block(s, keys, List, timeout, None)


@command("blpop", -3, "write noscript blocking", keys=(1, -2, 1), category="list")
def blpop(s: Session, argv: list[bytes]) -> Reply:
    return _bpop(s, argv, LEFT)


@command("brpop", -3, "write noscript blocking", keys=(1, -2, 1), category="list")
def brpop(s: Session, argv: list[bytes]) -> Reply:
    return _bpop(s, argv, RIGHT)


def _bmove(
    s: Session, argv: list[bytes], src_left: bool, dst_left: bool, timeout_raw: bytes
) -> Reply:
    timeout = parse_timeout(timeout_raw)
    reply = _move(s, argv[1], argv[2], src_left, dst_left)
    if reply is None:
        return block(s, [argv[1]], List, timeout, None)
    return reply


@command("blmove", 6, "write denyoom noscript blocking", keys=(1, 2, 1), category="list")
def blmove(s: Session, argv: list[bytes]) -> Reply:
    src_left = _where(argv[3])
    dst_left = _where(argv[4])
    return _bmove(s, argv, src_left, dst_left, argv[5])


@command("brpoplpush", 4, "write denyoom noscript blocking", keys=(1, 2, 1), category="list")
def brpoplpush(s: Session, argv: list[bytes]) -> Reply:
    return _bmove(s, argv, RIGHT, LEFT, argv[3])


@command("blmpop", -5, "write blocking movablekeys", keys=(0, 0, 0), category="list")
def blmpop(s: Session, argv: list[bytes]) -> Reply:
    keys, left, count = _parse_mpop(argv, 2)
    timeout = parse_timeout(argv[1])
    reply = _mpop(s, keys, left, count)
    if reply is None:
        return block(s, keys, List, timeout, None)
    return reply


# --- CLIENT UNBLOCK ------------------------------------------------------------
# A CLIENT subcommand, kept here beside the blocking commands whose waits it ends.
@command("client|unblock", -3, "admin noscript loading stale", category="connection")
def client_unblock(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) > 4:
        raise errors.err(errors.subcommand_arity(argv[1], "client"))
    error = False
    if len(argv) == 4:
        reason = argv[3].lower()
        if reason == b"error":
            error = True
        elif reason != b"timeout":
            raise errors.err(errors.UNBLOCK_REASON)
    client_id = to_int(argv[2])
    return 1 if s.server.blocking.unblock(client_id, error) else 0
