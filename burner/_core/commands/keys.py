"""Generic key commands: existence, type, renaming, copying, moving, expiry,
KEYS/SCAN, RANDOMKEY, OBJECT, DUMP/RESTORE (payloads in ``rdb.py``). SORT is
in ``keys_sort.py``; glob matching and SCAN cursors are ``glob.py`` and
``scan.py``, shared with other families.

Rules:
- Expiry deadlines are absolute Unix milliseconds (``Db.expires``); relative
  forms add the server clock's ``ms()``. A deadline at or before now deletes
  the key on the spot (and the command still replies 1).
- Every argument is validated before anything is written.
- COPY duplicates a value: strings are shared (immutable), containers are
  copied through their class's own ``copy()`` when it defines one, else deeply.
- Writes publish Redis's generic keyspace events (del, rename_from/rename_to,
  copy_to, move_from/move_to, expire, persist, restore) when enabled.
- OBJECT ENCODING of a string follows SET's rule (int, embstr up to 44 bytes,
  raw); IDLETIME is always 0 (access times are not tracked).
"""

from __future__ import annotations

import copy as _copy
import re
import struct

from .. import errors, rdb, scan
from ..db import Db
from ..glob import compile_glob
from ..notify import GENERIC, notify
from ..parse import INT64_MAX, maybe_int, to_int
from ..registry import command
from ..replies import OK, Reply, Simple
from ..session import Session
from ..values import Value, type_name
from ..values.stream import Stream

_GLOB_SPECIAL = re.compile(rb"[*?\[\\]")
_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1

# OBJECT ENCODING for strings: Redis keeps integers as "int", short strings
# in one allocation ("embstr") and longer ones as "raw".
_EMBSTR_LIMIT = 44
# Integers below this are Redis's shared objects (OBJECT REFCOUNT INT_MAX).
_SHARED_INTEGERS = 10000


def _event(s: Session, db: Db, event: bytes, key: bytes) -> None:
    """A generic keyspace notification (when any are enabled)."""
    if s.server.notify_flags:
        notify(s.server, db, GENERIC, event, key)


# --- existence and deletion ---------------------------------------------------
def _delete(s: Session, argv: list[bytes]) -> int:
    db = s.db
    delete = db.delete
    if not s.server.notify_flags:
        if len(argv) == 2:
            return 1 if delete(argv[1]) else 0
        return sum(1 for key in argv[1:] if delete(key))
    count = 0
    for key in argv[1:]:
        if delete(key):
            count += 1
            notify(s.server, db, GENERIC, b"del", key)
    return count


@command("del", -2, "write", keys=(1, -1, 1), category="keyspace")
def del_(s: Session, argv: list[bytes]) -> Reply:
    return _delete(s, argv)


@command("unlink", -2, "write fast", keys=(1, -1, 1), category="keyspace")
def unlink(s: Session, argv: list[bytes]) -> Reply:
    return _delete(s, argv)


@command("exists", -2, "readonly fast", keys=(1, -1, 1), category="keyspace")
def exists(s: Session, argv: list[bytes]) -> Reply:
    read = s.db.read
    if len(argv) == 2:
        return 0 if read(argv[1]) is None else 1
    return sum(1 for key in argv[1:] if read(key) is not None)


@command("touch", -2, "readonly fast", keys=(1, -1, 1), category="keyspace")
def touch(s: Session, argv: list[bytes]) -> Reply:
    read = s.db.read
    return sum(1 for key in argv[1:] if read(key) is not None)


@command("type", 2, "readonly fast", keys=(1, 1, 1), category="keyspace")
def type_(s: Session, argv: list[bytes]) -> Reply:
    value = s.db.read(argv[1])
    return Simple(b"none" if value is None else type_name(value))


# --- enumeration -------------------------------------------------------------
def _live_keys(db: Db, keys: list[bytes]) -> list[bytes]:
    """``keys`` without those whose deadline has passed (not deleted here)."""
    expires = db.expires
    if not expires:
        return keys
    now = db.clock.ms()
    get = expires.get
    return [k for k in keys if (d := get(k)) is None or d > now]


@command("keys", 2, "readonly", category="keyspace")
def keys(s: Session, argv: list[bytes]) -> Reply:
    db = s.db
    pattern = argv[1]
    if pattern == b"*":
        return _live_keys(db, list(db.data))
    if not _GLOB_SPECIAL.search(pattern):  # a plain name: one lookup
        return _live_keys(db, [pattern]) if pattern in db.data else []
    match = compile_glob(pattern)
    return _live_keys(db, [k for k in db.data if match(k)])


@command("scan", -2, "readonly", category="keyspace")
def scan_(s: Session, argv: list[bytes]) -> Reply:
    cursor = scan.parse_cursor(argv[1])
    opts = scan.parse_options(argv, 2, allow_type=True)
    db = s.db
    nxt, chosen = scan.step(s.server, cursor, db, db.data, opts.count)
    if opts.match is not None:
        chosen = [k for k in chosen if opts.match(k)]
    wanted = opts.type
    if wanted is not None:
        data = db.data
        chosen = [k for k in chosen if type_name(data[k]) == wanted]
    return [b"%d" % nxt, _live_keys(db, chosen)]


@command("randomkey", 1, "readonly", category="keyspace")
def randomkey(s: Session, argv: list[bytes]) -> Reply:
    return s.db.random_key()


# --- renaming, copying, moving ---------------------------------------------------
def _rename(s: Session, argv: list[bytes], nx: bool) -> Reply:
    src, dst = argv[1], argv[2]
    db = s.db
    value = db.lookup(src)
    if value is None:
        raise errors.err(errors.NO_SUCH_KEY)
    if src == dst:
        return 0 if nx else OK
    if nx and db.lookup(dst) is not None:
        return 0
    deadline = db.expires.get(src)
    db.remove(src)
    db.put(dst, value)
    if deadline is not None:
        db.set_expiry(dst, deadline)
    _event(s, db, b"rename_from", src)
    _event(s, db, b"rename_to", dst)
    return 1 if nx else OK


@command("rename", 3, "write", keys=(1, 2, 1), category="keyspace")
def rename(s: Session, argv: list[bytes]) -> Reply:
    return _rename(s, argv, False)


@command("renamenx", 3, "write fast", keys=(1, 2, 1), category="keyspace")
def renamenx(s: Session, argv: list[bytes]) -> Reply:
    return _rename(s, argv, True)


def _db_index(s: Session, raw: bytes) -> Db:
    index = to_int(raw)
    if index < _INT32_MIN or index > _INT32_MAX:
        raise errors.err(errors.int_range(_INT32_MIN, _INT32_MAX))
    dbs = s.server.dbs
    if index < 0 or index >= len(dbs):
        raise errors.err(errors.DB_INDEX_RANGE)
    return dbs[index]


def duplicate(value: Value) -> Value:
    """An independent copy of a stored value (what COPY stores)."""
    if type(value) is bytes:
        return value
    for klass in type(value).__mro__:
        if klass.__module__ == "builtins":
            break
        if "copy" in klass.__dict__:
            return value.copy()
    return _copy.deepcopy(value)


@command("copy", -3, "write denyoom", keys=(1, 2, 1), category="keyspace")
def copy(s: Session, argv: list[bytes]) -> Reply:
    src, dst = argv[1], argv[2]
    db = s.db
    target = db
    replace = False
    i = 3
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        if opt == b"replace":
            replace = True
        elif opt == b"db" and i + 1 < n:
            i += 1
            target = _db_index(s, argv[i])
        else:
            raise errors.err(errors.SYNTAX)
        i += 1
    if target is db and src == dst:
        raise errors.err(errors.SAME_OBJECT)
    value = db.read(src)
    if value is None:
        return 0
    if target.lookup(dst) is not None and not replace:
        return 0
    deadline = db.expires.get(src)
    target.put(dst, duplicate(value))
    if deadline is not None:
        target.set_expiry(dst, deadline)
    _event(s, target, b"copy_to", dst)
    return 1


@command("move", 3, "write fast", keys=(1, 1, 1), category="keyspace")
def move(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    db = s.db
    target = _db_index(s, argv[2])
    if target is db:
        raise errors.err(errors.SAME_OBJECT)
    value = db.lookup(key)
    if value is None or target.lookup(key) is not None:
        return 0
    deadline = db.expires.get(key)
    db.remove(key)
    target.add(key, value)
    if deadline is not None:
        target.set_expiry(key, deadline)
    _event(s, db, b"move_from", key)
    _event(s, target, b"move_to", key)
    return 1


# --- expiry --------------------------------------------------------------------
_NX, _XX, _GT, _LT = 1, 2, 4, 8
_EXPIRE_FLAGS = {b"nx": _NX, b"xx": _XX, b"gt": _GT, b"lt": _LT}


def _expire(s: Session, argv: list[bytes], name: str, unit_ms: int, relative: bool) -> Reply:
    flags = 0
    for raw in argv[3:]:
        flag = _EXPIRE_FLAGS.get(raw.lower())
        if flag is None:
            raise errors.err(errors.unsupported_option(raw))
        flags |= flag
    if flags & _NX and flags & (_XX | _GT | _LT):
        raise errors.err(errors.NX_XX)
    if flags & _GT and flags & _LT:
        raise errors.err(errors.GT_LT)
    when = to_int(argv[2])
    if unit_ms != 1:
        if when > INT64_MAX // 1000 or when < -(INT64_MAX // 1000):
            raise errors.err(errors.invalid_expire(name))
        when *= 1000
    db = s.db
    now = db.clock.ms()
    if relative:
        if when > INT64_MAX - now:
            raise errors.err(errors.invalid_expire(name))
        when += now
    key = argv[1]
    if db.lookup(key) is None:
        return 0
    if flags:
        current = db.expires.get(key)
        if flags & _NX and current is not None:
            return 0
        if flags & _XX and current is None:
            return 0
        if flags & _GT and (current is None or when <= current):
            return 0
        if flags & _LT and current is not None and when >= current:
            return 0
    if when <= now:
        db.remove(key)
        _event(s, db, b"del", key)
    else:
        db.set_expiry(key, when)
        _event(s, db, b"expire", key)
    return 1


@command("expire", -3, "write fast", keys=(1, 1, 1), category="keyspace")
def expire(s: Session, argv: list[bytes]) -> Reply:
    return _expire(s, argv, "expire", 1000, True)


@command("pexpire", -3, "write fast", keys=(1, 1, 1), category="keyspace")
def pexpire(s: Session, argv: list[bytes]) -> Reply:
    return _expire(s, argv, "pexpire", 1, True)


@command("expireat", -3, "write fast", keys=(1, 1, 1), category="keyspace")
def expireat(s: Session, argv: list[bytes]) -> Reply:
    return _expire(s, argv, "expireat", 1000, False)


@command("pexpireat", -3, "write fast", keys=(1, 1, 1), category="keyspace")
def pexpireat(s: Session, argv: list[bytes]) -> Reply:
    return _expire(s, argv, "pexpireat", 1, False)


def _remaining(s: Session, key: bytes) -> int:
    """ms left before ``key`` expires; -2 missing, -1 persistent as negatives."""
    db = s.db
    if db.read(key) is None:
        return -2
    left = db.ttl_ms(key)
    if left is None:
        return -1
    return max(left, 0)


@command("ttl", 2, "readonly fast", keys=(1, 1, 1), category="keyspace")
def ttl(s: Session, argv: list[bytes]) -> Reply:
    left = _remaining(s, argv[1])
    return left if left < 0 else (left + 500) // 1000


@command("pttl", 2, "readonly fast", keys=(1, 1, 1), category="keyspace")
def pttl(s: Session, argv: list[bytes]) -> Reply:
    return _remaining(s, argv[1])


def _deadline(s: Session, key: bytes) -> int:
    db = s.db
    if db.read(key) is None:
        return -2
    deadline = db.expires.get(key)
    return -1 if deadline is None else deadline


@command("expiretime", 2, "readonly fast", keys=(1, 1, 1), category="keyspace")
def expiretime(s: Session, argv: list[bytes]) -> Reply:
    deadline = _deadline(s, argv[1])
    return deadline if deadline < 0 else (deadline + 500) // 1000


@command("pexpiretime", 2, "readonly fast", keys=(1, 1, 1), category="keyspace")
def pexpiretime(s: Session, argv: list[bytes]) -> Reply:
    return _deadline(s, argv[1])


@command("persist", 2, "write fast", keys=(1, 1, 1), category="keyspace")
def persist(s: Session, argv: list[bytes]) -> Reply:
    db = s.db
    key = argv[1]
    if db.lookup(key) is None or not db.persist(key):
        return 0
    _event(s, db, b"persist", key)
    return 1


# --- DUMP / RESTORE ----------------------------------------------------------------
@command("dump", 2, "readonly", keys=(1, 1, 1), category="keyspace")
def dump(s: Session, argv: list[bytes]) -> Reply:
    value = s.db.read(argv[1])
    if value is None:
        return None
    payload = rdb.dump(value)
    if payload is None:
        raise errors.err(errors.DUMP_UNSUPPORTED)
    return payload


@command("restore", -4, "write denyoom", keys=(1, 1, 1), category="keyspace")
def restore(s: Session, argv: list[bytes]) -> Reply:
    replace = absttl = False
    idle = freq = -1
    i = 4
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        if opt == b"replace":
            replace = True
        elif opt == b"absttl":
            absttl = True
        elif opt == b"idletime" and i + 1 < n and freq == -1:
            i += 1
            idle = to_int(argv[i])
            if idle < 0:
                raise errors.err(errors.RESTORE_BAD_IDLETIME)
        elif opt == b"freq" and i + 1 < n and idle == -1:
            i += 1
            freq = to_int(argv[i])
            if freq < 0 or freq > 255:
                raise errors.err(errors.RESTORE_BAD_FREQ)
        else:
            raise errors.err(errors.SYNTAX)
        i += 1
    db = s.db
    key = argv[1]
    if not replace and db.lookup(key) is not None:
        raise errors.err(errors.BUSYKEY)
    ttl = to_int(argv[2])
    if ttl < 0:
        raise errors.err(errors.RESTORE_BAD_TTL)
    payload = argv[3]
    if not rdb.verify(payload):
        raise errors.err(errors.DUMP_PAYLOAD)
    try:
        value = rdb.load(payload)
    except (ValueError, IndexError, struct.error):
        raise errors.err(errors.BAD_DATA_FORMAT) from None
    if isinstance(value, Stream):
        config = s.server.config
        value.node_max_entries = int(config.get("stream-node-max-entries", b"100"))
        value.node_max_bytes = int(config.get("stream-node-max-bytes", b"4096"))
    if ttl and not absttl:
        ttl += db.clock.ms()
    if ttl and ttl <= db.clock.ms():
        if replace and db.delete(key):
            _event(s, db, b"del", key)
        return OK
    db.put(key, value)
    if ttl:
        db.set_expiry(key, ttl)
    _event(s, db, b"restore", key)
    return OK


# --- OBJECT --------------------------------------------------------------------
def string_encoding(value: bytes) -> bytes:
    """What OBJECT ENCODING says for a string as SET stores it."""
    if len(value) <= 20 and maybe_int(value) is not None:
        return b"int"
    return b"embstr" if len(value) <= _EMBSTR_LIMIT else b"raw"


def _lfu(s: Session) -> bool:
    return b"lfu" in s.server.config.get("maxmemory-policy", b"").lower()


@command("object|encoding", 3, "readonly", keys=(2, 2, 1), category="keyspace")
def object_encoding(s: Session, argv: list[bytes]) -> Reply:
    value = s.db.lookup(argv[2])
    if value is None:
        return None
    if type(value) is bytes:
        return string_encoding(value)
    encoding: bytes = value.encoding()
    return encoding


@command("object|refcount", 3, "readonly", keys=(2, 2, 1), category="keyspace")
def object_refcount(s: Session, argv: list[bytes]) -> Reply:
    value = s.db.lookup(argv[2])
    if value is None:
        return None
    if type(value) is bytes and len(value) <= 20:
        number = maybe_int(value)
        if number is not None and 0 <= number < _SHARED_INTEGERS:
            return _INT32_MAX
    return 1


@command("object|idletime", 3, "readonly", keys=(2, 2, 1), category="keyspace")
def object_idletime(s: Session, argv: list[bytes]) -> Reply:
    if s.db.lookup(argv[2]) is None:
        return None
    if _lfu(s):
        raise errors.err(errors.IDLETIME_LFU)
    return 0


@command("object|freq", 3, "readonly", keys=(2, 2, 1), category="keyspace")
def object_freq(s: Session, argv: list[bytes]) -> Reply:
    if s.db.lookup(argv[2]) is None:
        return None
    if not _lfu(s):
        raise errors.err(errors.FREQ_NOT_LFU)
    return 5


_OBJECT_HELP = [
    Simple(line)
    for line in (
        b"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        b"ENCODING <key>",
        b"    Return the kind of internal representation used in order to store the value",
        b"    associated with a <key>.",
        b"FREQ <key>",
        b"    Return the access frequency index of the <key>. The returned integer is",
        b"    proportional to the logarithm of the recent access frequency of the key.",
        b"IDLETIME <key>",
        b"    Return the idle time of the <key>, that is the approximated number of",
        b"    seconds elapsed since the last access to the key.",
        b"REFCOUNT <key>",
        b"    Return the number of references of the value associated with the specified",
        b"    <key>.",
        b"HELP",
        b"    Prints this help.",
    )
]


@command("object|help", 2, "loading stale", category="keyspace")
def object_help(s: Session, argv: list[bytes]) -> Reply:
    return list(_OBJECT_HELP)


__all__ = ["duplicate", "string_encoding"]
