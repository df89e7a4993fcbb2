"""String commands: GET/SET and friends, counters, ranges, LCS.

Rules:
- A string is stored as plain ``bytes``; every other type is WRONGTYPE here.
- Arguments are all checked before anything is written, in Redis's order
  (syntax, then numbers, then the key's type, unless Redis does otherwise,
  which each handler notes).
- Commands that rewrite a string in place (INCR*, APPEND, SETRANGE) keep the
  key's TTL; SET, GETSET, MSET, SETEX drop it (``Db.put``).
- Each write reports the keyspace event Redis reports for it (``_event``).
"""

from __future__ import annotations

from .. import errors, longdouble
from ..notify import GENERIC, NEW, STRING, notify
from ..parse import INT64_MAX, INT64_MIN, to_int
from ..registry import command
from ..replies import OK, Reply
from ..session import Session

# proto-max-bulk-len: the largest string APPEND/SETRANGE may build.
MAX_STRING = 512 * 1024 * 1024

# Option flags of SET and GETEX (parseExtendedStringArgumentsOrReply).
_NX, _XX, _GET, _KEEPTTL, _PERSIST = 1, 2, 4, 8, 16
_EX, _PX, _EXAT, _PXAT = 32, 64, 128, 256
_ANY_EXPIRE = _EX | _PX | _EXAT | _PXAT

# option word -> (its flag, flags it cannot be combined with, allowed in SET, in GETEX)
_OPTIONS: dict[bytes, tuple[int, int, bool, bool]] = {
    b"nx": (_NX, _XX, True, False),
    b"xx": (_XX, _NX, True, False),
    b"get": (_GET, 0, True, False),
    b"keepttl": (_KEEPTTL, _PERSIST | _ANY_EXPIRE, True, False),
    b"persist": (_PERSIST, _KEEPTTL | _ANY_EXPIRE, False, True),
    b"ex": (_EX, _KEEPTTL | _PERSIST | _PX | _EXAT | _PXAT, True, True),
    b"px": (_PX, _KEEPTTL | _PERSIST | _EX | _EXAT | _PXAT, True, True),
    b"exat": (_EXAT, _KEEPTTL | _PERSIST | _EX | _PX | _PXAT, True, True),
    b"pxat": (_PXAT, _KEEPTTL | _PERSIST | _EX | _PX | _EXAT, True, True),
}


def _parse_options(argv: list[bytes], start: int, for_set: bool) -> tuple[int, bytes | None]:
    """The option flags from ``argv[start:]`` and the raw expire argument."""
    flags = 0
    expire: bytes | None = None
    i = start
    n = len(argv)
    while i < n:
        spec = _OPTIONS.get(argv[i].lower())
        if spec is None:
            raise errors.err(errors.SYNTAX)
        flag, excludes, in_set, in_getex = spec
        if flags & excludes or not (in_set if for_set else in_getex):
            raise errors.err(errors.SYNTAX)
        if flag & _ANY_EXPIRE:
            if i + 1 >= n:
                raise errors.err(errors.SYNTAX)
            i += 1
            expire = argv[i]  # a repeated EX (say) overrides the earlier one
        flags |= flag
        i += 1
    return flags, expire


def _deadline(s: Session, raw: bytes, flags: int, name: str) -> int:
    """The absolute deadline (ms) an EX/PX/EXAT/PXAT argument asks for."""
    amount = to_int(raw)
    seconds = flags & (_EX | _EXAT)
    if amount <= 0 or (seconds and amount > INT64_MAX // 1000):
        raise errors.err(errors.invalid_expire(name))
    if seconds:
        amount *= 1000
    if flags & (_EX | _PX):
        amount += s.server.clock.ms()
        if amount > INT64_MAX:  # Redis sees the sum wrap negative
            raise errors.err(errors.invalid_expire(name))
    return amount


def _event(s: Session, kind: int, event: bytes, key: bytes) -> None:
    """Publish a keyspace notification if any are enabled."""
    if s.server.notify_flags:
        notify(s.server, s.db, kind, event, key)


def _expire(s: Session, key: bytes, deadline: int) -> None:
    """Give a key just written a deadline, with Redis's events: a deadline
    already past leaves the key to expire (Redis drops it on the next access)."""
    db = s.db
    if s.server.notify_flags:
        notify(s.server, db, GENERIC, b"expire", key)
        if deadline <= s.server.clock.ms():
            db.expires[key] = deadline
            db.lookup(key)  # expires it, with the "expired" event
            return
    db.set_expiry(key, deadline)


def _string(s: Session, key: bytes) -> bytes | None:
    return s.db.read_typed(key, bytes)


@command("get", 2, "readonly fast", keys=(1, 1, 1), category="string")
def get(s: Session, argv: list[bytes]) -> Reply:
    return s.db.read_typed(argv[1], bytes)


@command("set", -3, "write denyoom", keys=(1, 1, 1), category="string")
def set_(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) == 3:
        # Db.put's body, inlined: a plain SET is what pipelines and bulk loads
        # run, and the call would cost a third of it.
        key = argv[1]
        db = s.db
        data = db.data
        created = key not in data
        data[key] = argv[2]
        if db.expires:
            db.expires.pop(key, None)
        if db.watchers or db.blocking.queues:
            db.modified(key)
        if s.server.notify_flags:
            if created:
                notify(s.server, db, NEW, b"new", key)
            notify(s.server, db, STRING, b"set", key)
        return OK
    key, value = argv[1], argv[2]
    db = s.db
    flags, expire = _parse_options(argv, 3, True)
    deadline = _deadline(s, expire, flags, "set") if expire is not None else None
    get_old = flags & _GET
    old = db.read(key) if get_old else db.lookup(key)
    if get_old and old is not None and type(old) is not bytes:
        raise errors.err(errors.WRONGTYPE)
    if (flags & _NX and old is not None) or (flags & _XX and old is None):
        return old if get_old else None
    db.put(key, value, keep_ttl=bool(flags & _KEEPTTL))
    _event(s, STRING, b"set", key)
    if deadline is not None:
        _expire(s, key, deadline)
    return old if get_old else OK


@command("setnx", 3, "write denyoom fast", keys=(1, 1, 1), category="string")
def setnx(s: Session, argv: list[bytes]) -> Reply:
    db = s.db
    if db.lookup(argv[1]) is not None:
        return 0
    db.add(argv[1], argv[2])
    _event(s, STRING, b"set", argv[1])
    return 1


def _set_with_ttl(s: Session, argv: list[bytes], flag: int, name: str) -> Reply:
    deadline = _deadline(s, argv[2], flag, name)
    db = s.db
    db.put(argv[1], argv[3])
    _event(s, STRING, b"set", argv[1])
    _expire(s, argv[1], deadline)
    return OK


@command("setex", 4, "write denyoom", keys=(1, 1, 1), category="string")
def setex(s: Session, argv: list[bytes]) -> Reply:
    return _set_with_ttl(s, argv, _EX, "setex")


@command("psetex", 4, "write denyoom", keys=(1, 1, 1), category="string")
def psetex(s: Session, argv: list[bytes]) -> Reply:
    return _set_with_ttl(s, argv, _PX, "psetex")


@command("getset", 3, "write denyoom fast", keys=(1, 1, 1), category="string")
def getset(s: Session, argv: list[bytes]) -> Reply:
    old = _string(s, argv[1])
    s.db.put(argv[1], argv[2])
    _event(s, STRING, b"set", argv[1])
    return old


@command("getdel", 2, "write fast", keys=(1, 1, 1), category="string")
def getdel(s: Session, argv: list[bytes]) -> Reply:
    old = _string(s, argv[1])
    if old is not None:
        s.db.remove(argv[1])
        _event(s, GENERIC, b"del", argv[1])
    return old


@command("getex", -2, "write fast", keys=(1, 1, 1), category="string")
def getex(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    flags, expire = _parse_options(argv, 2, False) if len(argv) > 2 else (0, None)
    value = _string(s, key)
    if value is None:
        return None
    db = s.db
    if expire is not None:
        deadline = _deadline(s, expire, flags, "getex")
        if deadline <= s.server.clock.ms():
            db.remove(key)
            _event(s, GENERIC, b"del", key)
        else:
            db.set_expiry(key, deadline)
            _event(s, GENERIC, b"expire", key)
    elif flags & _PERSIST and db.persist(key):
        _event(s, GENERIC, b"persist", key)
    return value


@command("mget", -2, "readonly fast", keys=(1, -1, 1), category="string")
def mget(s: Session, argv: list[bytes]) -> Reply:
    read = s.db.read
    out: list[bytes | None] = []
    for key in argv[1:]:
        value = read(key)
        out.append(value if type(value) is bytes else None)
    return out


@command("mset", -3, "write denyoom", keys=(1, -1, 2), category="string")
def mset(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) % 2 == 0:
        raise errors.err(errors.wrong_arity("mset"))
    put = s.db.put
    if not s.server.notify_flags:
        for i in range(1, len(argv), 2):
            put(argv[i], argv[i + 1])
        return OK
    # Redis announces each key as it sets it ("new" then "set", key by key).
    for i in range(1, len(argv), 2):
        put(argv[i], argv[i + 1])
        notify(s.server, s.db, STRING, b"set", argv[i])
    return OK


@command("msetnx", -3, "write denyoom", keys=(1, -1, 2), category="string")
def msetnx(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) % 2 == 0:
        raise errors.err(errors.wrong_arity("msetnx"))
    db = s.db
    for i in range(1, len(argv), 2):
        if db.lookup(argv[i]) is not None:
            return 0
    for i in range(1, len(argv), 2):
        db.put(argv[i], argv[i + 1])
        _event(s, STRING, b"set", argv[i])
    return 1


# --- counters -------------------------------------------------------------------
def _incr(s: Session, key: bytes, delta: int) -> Reply:
    db = s.db
    old = db.get_typed(key, bytes)
    if old is None:
        value = delta
        db.add(key, b"%d" % value)
    else:
        value = to_int(old) + delta
        if value > INT64_MAX or value < INT64_MIN:
            raise errors.err(errors.OVERFLOW)
        db.put(key, b"%d" % value, keep_ttl=True)
    if s.server.notify_flags:
        notify(s.server, db, STRING, b"incrby", key)
    return value


@command("incr", 2, "write denyoom fast", keys=(1, 1, 1), category="string")
def incr(s: Session, argv: list[bytes]) -> Reply:
    return _incr(s, argv[1], 1)


@command("decr", 2, "write denyoom fast", keys=(1, 1, 1), category="string")
def decr(s: Session, argv: list[bytes]) -> Reply:
    return _incr(s, argv[1], -1)


@command("incrby", 3, "write denyoom fast", keys=(1, 1, 1), category="string")
def incrby(s: Session, argv: list[bytes]) -> Reply:
    return _incr(s, argv[1], to_int(argv[2]))


@command("decrby", 3, "write denyoom fast", keys=(1, 1, 1), category="string")
def decrby(s: Session, argv: list[bytes]) -> Reply:
    delta = to_int(argv[2])
    if delta == INT64_MIN:  # checked before the key, as Redis does
        raise errors.err(errors.DECR_OVERFLOW)
    return _incr(s, argv[1], -delta)


@command("incrbyfloat", 3, "write denyoom fast", keys=(1, 1, 1), category="string")
def incrbyfloat(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    db = s.db
    old = db.get_typed(key, bytes)
    try:
        text = longdouble.incr(old, argv[2])
    except ValueError:
        raise errors.err(errors.NOT_FLOAT)
    except ArithmeticError:
        raise errors.err(errors.INCR_NAN_OR_INF)
    if old is None:
        db.add(key, text)
    else:
        db.put(key, text, keep_ttl=True)
    _event(s, STRING, b"incrbyfloat", key)
    return text


# --- ranges ---------------------------------------------------------------------
@command("append", 3, "write denyoom fast", keys=(1, 1, 1), category="string")
def append(s: Session, argv: list[bytes]) -> Reply:
    key, tail = argv[1], argv[2]
    db = s.db
    old = db.get_typed(key, bytes)
    if old is None:
        value = tail
        db.add(key, value)
    else:
        if len(old) + len(tail) > MAX_STRING:
            raise errors.err(errors.STRING_TOO_LONG)
        value = old + tail
        db.put(key, value, keep_ttl=True)
    _event(s, STRING, b"append", key)
    return len(value)


@command("strlen", 2, "readonly fast", keys=(1, 1, 1), category="string")
def strlen(s: Session, argv: list[bytes]) -> Reply:
    value = _string(s, argv[1])
    return 0 if value is None else len(value)


def _getrange(s: Session, argv: list[bytes]) -> Reply:
    start = to_int(argv[2])
    end = to_int(argv[3])
    value = _string(s, argv[1])
    if not value:
        return b""
    n = len(value)
    if start < 0 and end < 0 and start > end:
        return b""
    if start < 0:
        start = max(n + start, 0)
    if end < 0:
        end = max(n + end, 0)
    if end >= n:
        end = n - 1
    if start > end:
        return b""
    return value[start : end + 1]


@command("getrange", 4, "readonly", keys=(1, 1, 1), category="string")
def getrange(s: Session, argv: list[bytes]) -> Reply:
    return _getrange(s, argv)


@command("substr", 4, "readonly", keys=(1, 1, 1), category="string")
def substr(s: Session, argv: list[bytes]) -> Reply:
    return _getrange(s, argv)


@command("setrange", 4, "write denyoom", keys=(1, 1, 1), category="string")
def setrange(s: Session, argv: list[bytes]) -> Reply:
    key, patch = argv[1], argv[3]
    offset = to_int(argv[2])
    if offset < 0:
        raise errors.err(errors.OFFSET_RANGE)
    db = s.db
    old = db.get_typed(key, bytes)
    if not patch:
        return 0 if old is None else len(old)
    end = offset + len(patch)
    if end > MAX_STRING:
        raise errors.err(errors.STRING_TOO_LONG)
    if old is None:
        value = bytes(offset) + patch
        db.add(key, value)
    else:
        if end > len(old):
            value = old[:offset] + bytes(offset - len(old)) + patch if offset > len(old) else old[:offset] + patch
        else:
            value = old[:offset] + patch + old[end:]
        db.put(key, value, keep_ttl=True)
    _event(s, STRING, b"setrange", key)
    return len(value)


# --- LCS ------------------------------------------------------------------------
@command("lcs", -3, "readonly", keys=(1, 2, 1), category="string")
def lcs(s: Session, argv: list[bytes]) -> Reply:
    db = s.db
    a = db.read(argv[1])
    b = db.read(argv[2])
    if (a is not None and type(a) is not bytes) or (b is not None and type(b) is not bytes):
        raise errors.err(errors.LCS_NOT_STRINGS)
    want_len = want_idx = with_len = False
    min_len = 0
    i, n = 3, len(argv)
    while i < n:
        opt = argv[i].lower()
        if opt == b"idx":
            want_idx = True
        elif opt == b"len":
            want_len = True
        elif opt == b"withmatchlen":
            with_len = True
        elif opt == b"minmatchlen" and i + 1 < n:
            i += 1
            min_len = max(to_int(argv[i]), 0)
        else:
            raise errors.err(errors.SYNTAX)
        i += 1
    if want_idx and want_len:
        raise errors.err(errors.LCS_LEN_AND_IDX)
    x: bytes = a if type(a) is bytes else b""
    y: bytes = b if type(b) is bytes else b""
    rows = _lcs_rows(x, y)
    total = len(y) - rows[-1].bit_count()
    if want_len:
        return total
    return _lcs_walk(x, y, rows, total, want_idx, min_len, with_len)


def _lcs_rows(x: bytes, y: bytes) -> list[int]:
    """The LCS table of ``x`` against ``y``, one bit-vector per row (the
    bit-parallel method of Allison and Dix): in row ``i``, bit ``j`` is clear
    exactly where ``LCS(x[:i], y[:j+1])`` is one more than ``LCS(x[:i], y[:j])``.
    So ``LCS(x[:i], y[:j]) == j - popcount(rows[i] & (2**j - 1))``."""
    masks: dict[int, int] = {}
    for j, ch in enumerate(y):
        masks[ch] = masks.get(ch, 0) | (1 << j)
    full = (1 << len(y)) - 1
    row = full
    rows = [row]
    for ch in x:
        match = row & masks.get(ch, 0)
        row = ((row + match) | (row - match)) & full
        rows.append(row)
    return rows


def _lcs_walk(
    x: bytes,
    y: bytes,
    rows: list[int],
    total: int,
    want_idx: bool,
    min_len: int,
    with_len: bool,
) -> Reply:
    """Walk the table back from the end, as Redis does, collecting the common
    subsequence and (for IDX) the matching ranges, last range first."""

    def cell(i: int, j: int) -> int:
        return j - (rows[i] & ((1 << j) - 1)).bit_count()

    picked = bytearray(total)
    k = total
    matches: list[list[object]] = []
    i, j = len(x), len(y)
    run = False  # a range is open: x[xs..xe] matches y[ys..ye]
    xs = xe = ys = ye = 0
    while i > 0 and j > 0:
        close = False
        if x[i - 1] == y[j - 1]:
            k -= 1
            picked[k] = x[i - 1]
            i -= 1
            j -= 1
            if not run:
                run = True
                xs = xe = i
                ys = ye = j
            elif xs == i + 1 and ys == j + 1:
                xs, ys = i, j
            else:
                close = True
            if xs == 0 or ys == 0:
                close = True
        else:
            if cell(i - 1, j) > cell(i, j - 1):
                i -= 1
            else:
                j -= 1
            close = run
        if close:
            size = xe - xs + 1
            if want_idx and (min_len == 0 or size >= min_len):
                entry: list[object] = [[xs, xe], [ys, ye]]
                if with_len:
                    entry.append(size)
                matches.append(entry)
            run = False
    if want_idx:
        return {b"matches": matches, b"len": total}
    return bytes(picked)
