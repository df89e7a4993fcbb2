"""Hash commands.

Rules:
- Every argument is validated before the keyspace is touched, so a bad
  argument leaves no half-written state.
- A hash that loses its last field is deleted; a write that changes a hash in
  place calls ``db.modified``; a command that changes nothing does not.
- After a write, ``_grew`` applies Redis's listpack -> hashtable rule (see
  ``values/hash.py``); it reads the limits from CONFIG only while the hash is
  still small.
- Replies are RESP3-shaped: HGETALL is a map; HRANDFIELD ... WITHVALUES is a
  flat array under RESP2 and an array of [field, value] pairs under RESP3,
  as Redis 7 sends it.
- HSCAN runs on the shared cursors of ``scan.py``: a listpack hash comes back
  whole with cursor 0 (COUNT ignored), as in Redis; a hashtable in steps.
- Keyspace events as Redis 7.0 sends them: ``new`` when a write creates the
  key, then the command's event (HSET, HMSET and HSETNX all say ``hset``); ``hdel``
  then ``del`` when HDEL empties the hash; nothing when nothing changed.
"""

from __future__ import annotations

import random
from itertools import islice

from .. import errors, longdouble, scan
from ..notify import GENERIC, HASH, notify
from ..parse import INT64_MAX, INT64_MIN, maybe_int, to_int
from ..registry import command
from ..replies import OK, Reply
from ..session import Session
from ..values.hash import Hash

# HRANDFIELD's count range (Redis reads it as a long in [-LONG_MAX, LONG_MAX]),
# and the tighter bound it applies with WITHVALUES (the reply has 2*count items).
_RAND_COUNT_MAX = INT64_MAX
_RAND_WITHVALUES_MAX = INT64_MAX // 2


_limits_cache: dict[tuple[bytes | None, bytes | None], tuple[int, int]] = {}


def _parse_limit(raw: bytes | None, default: int) -> int:
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        return default


def _grew(s: Session, h: Hash, longest: int) -> None:
    """Apply the listpack -> hashtable rule with the configured limits."""
    if h.big:
        return
    config = s.server.config
    raw = (config.get("hash-max-listpack-entries"), config.get("hash-max-listpack-value"))
    limits = _limits_cache.get(raw)
    if limits is None:
        if len(_limits_cache) > 64:
            _limits_cache.clear()
        limits = _limits_cache[raw] = (
            _parse_limit(raw[0], Hash.MAX_LISTPACK_ENTRIES),
            _parse_limit(raw[1], Hash.MAX_LISTPACK_VALUE),
        )
    if longest > limits[1] or len(h) > limits[0]:
        h.big = True


def _written(s: Session, event: bytes, key: bytes) -> None:
    """Publish a hash write (callers test ``notify_flags`` first)."""
    notify(s.server, s.db, HASH, event, key)


def _set_pairs(s: Session, argv: list[bytes], name: str) -> int:
    """HSET/HMSET: store argv[2:] as field/value pairs; the count of new fields."""
    if len(argv) % 2:
        raise errors.err(errors.wrong_arity(name))
    key = argv[1]
    db = s.db
    h = db.get_typed(key, Hash)
    created = h is None
    if h is None:
        h = Hash()
    before = len(h)
    n = len(argv)
    if n == 4:
        field, value = argv[2], argv[3]
        h[field] = value
        if not h.big:
            _grew(s, h, max(len(field), len(value)))
    else:
        for i in range(2, n, 2):
            h[argv[i]] = argv[i + 1]
        if not h.big:
            _grew(s, h, max(map(len, argv[2:])))
    if created:
        db.add(key, h)
    else:
        db.modified(key)
    if s.server.notify_flags:
        _written(s, b"hset", key)
    return len(h) - before


@command("hset", -4, "write denyoom fast", keys=(1, 1, 1), category="hash")
def hset(s: Session, argv: list[bytes]) -> Reply:
    return _set_pairs(s, argv, "hset")


@command("hmset", -4, "write denyoom fast", keys=(1, 1, 1), category="hash")
def hmset(s: Session, argv: list[bytes]) -> Reply:
    _set_pairs(s, argv, "hmset")
    return OK


@command("hsetnx", 4, "write denyoom fast", keys=(1, 1, 1), category="hash")
def hsetnx(s: Session, argv: list[bytes]) -> Reply:
    key, field, value = argv[1], argv[2], argv[3]
    db = s.db
    h = db.get_typed(key, Hash)
    if h is None:
        h = Hash()
        h[field] = value
        _grew(s, h, max(len(field), len(value)))
        db.add(key, h)
        if s.server.notify_flags:
            _written(s, b"hset", key)
        return 1
    if field in h:
        return 0
    h[field] = value
    _grew(s, h, max(len(field), len(value)))
    db.modified(key)
    if s.server.notify_flags:
        _written(s, b"hset", key)
    return 1


@command("hget", 3, "readonly fast", keys=(1, 1, 1), category="hash")
def hget(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.read_typed(argv[1], Hash)
    return None if h is None else h.get(argv[2])


@command("hmget", -3, "readonly fast", keys=(1, 1, 1), category="hash")
def hmget(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.read_typed(argv[1], Hash)
    if h is None:
        return [None] * (len(argv) - 2)
    get = h.get
    return [get(field) for field in argv[2:]]


@command("hgetall", 2, "readonly", keys=(1, 1, 1), category="hash")
def hgetall(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.read_typed(argv[1], Hash)
    return {} if h is None else dict(h)


@command("hkeys", 2, "readonly", keys=(1, 1, 1), category="hash")
def hkeys(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.read_typed(argv[1], Hash)
    return [] if h is None else list(h)


@command("hvals", 2, "readonly", keys=(1, 1, 1), category="hash")
def hvals(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.read_typed(argv[1], Hash)
    return [] if h is None else list(h.values())


@command("hlen", 2, "readonly fast", keys=(1, 1, 1), category="hash")
def hlen(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.read_typed(argv[1], Hash)
    return 0 if h is None else len(h)


@command("hexists", 3, "readonly fast", keys=(1, 1, 1), category="hash")
def hexists(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.read_typed(argv[1], Hash)
    return 1 if h is not None and argv[2] in h else 0


@command("hstrlen", 3, "readonly fast", keys=(1, 1, 1), category="hash")
def hstrlen(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.read_typed(argv[1], Hash)
    if h is None:
        return 0
    value = h.get(argv[2])
    return 0 if value is None else len(value)


@command("hdel", -3, "write fast", keys=(1, 1, 1), category="hash")
def hdel(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    db = s.db
    h = db.get_typed(key, Hash)
    if h is None:
        return 0
    before = len(h)
    pop = h.pop
    for field in argv[2:]:
        pop(field, None)
        if not h:
            break
    deleted = before - len(h)
    if not h:
        db.remove(key)
    elif deleted:
        db.modified(key)
    else:
        return 0
    if s.server.notify_flags:
        notify(s.server, db, HASH, b"hdel", key)
        if not h:
            notify(s.server, db, GENERIC, b"del", key)
    return deleted


@command("hincrby", 4, "write denyoom fast", keys=(1, 1, 1), category="hash")
def hincrby(s: Session, argv: list[bytes]) -> Reply:
    key, field = argv[1], argv[2]
    incr = to_int(argv[3])
    db = s.db
    h = db.get_typed(key, Hash)
    old = None if h is None else h.get(field)
    if old is None:
        current = 0
    else:
        parsed = maybe_int(old)
        if parsed is None:
            raise errors.err(errors.HASH_NOT_INTEGER)
        current = parsed
    result = current + incr
    if result > INT64_MAX or result < INT64_MIN:
        raise errors.err(errors.OVERFLOW)
    text = b"%d" % result
    if h is None:
        h = Hash()
        h[field] = text
        _grew(s, h, max(len(field), len(text)))
        db.add(key, h)
    else:
        h[field] = text
        _grew(s, h, max(len(field), len(text)))
        db.modified(key)
    if s.server.notify_flags:
        _written(s, b"hincrby", key)
    return result


@command("hincrbyfloat", 4, "write denyoom fast", keys=(1, 1, 1), category="hash")
def hincrbyfloat(s: Session, argv: list[bytes]) -> Reply:
    key, field = argv[1], argv[2]
    incr = longdouble.parse(argv[3])
    if incr is None:
        raise errors.err(errors.NOT_FLOAT)
    if not incr.finite:
        raise errors.err(errors.HASH_INCR_NOT_FINITE)
    db = s.db
    h = db.get_typed(key, Hash)
    old = None if h is None else h.get(field)
    if old is None:
        current = longdouble.ZERO
    else:
        parsed = longdouble.parse(old)
        if parsed is None:
            raise errors.err(errors.HASH_NOT_FLOAT)
        current = parsed
    total = longdouble.add(current, incr)
    if not total.finite:
        raise errors.err(errors.INCR_NAN_OR_INF)
    text = longdouble.format_human(total)
    if h is None:
        h = Hash()
        h[field] = text
        _grew(s, h, max(len(field), len(text)))
        db.add(key, h)
    else:
        h[field] = text
        _grew(s, h, max(len(field), len(text)))
        db.modified(key)
    if s.server.notify_flags:
        _written(s, b"hincrbyfloat", key)
    return text


# --- HRANDFIELD ------------------------------------------------------------------


def _random_field(h: Hash) -> bytes:
    return next(islice(h, random.randrange(len(h)), None))


@command("hrandfield", -2, "readonly", keys=(1, 1, 1), category="hash")
def hrandfield(s: Session, argv: list[bytes]) -> Reply:
    argc = len(argv)
    if argc == 2:
        h = s.db.read_typed(argv[1], Hash)
        return None if h is None else _random_field(h)
    count = to_int(argv[2])
    if count < -_RAND_COUNT_MAX:
        raise errors.err(errors.HASH_RANDFIELD_COUNT_RANGE)
    withvalues = False
    if argc > 4 or (argc == 4 and argv[3].lower() != b"withvalues"):
        raise errors.err(errors.SYNTAX)
    if argc == 4:
        withvalues = True
        if count < -_RAND_WITHVALUES_MAX or count > _RAND_WITHVALUES_MAX:
            raise errors.err(errors.HASH_VALUE_OUT_OF_RANGE)
    h = s.db.read_typed(argv[1], Hash)
    if h is None or count == 0:
        return []
    size = len(h)
    fields: list[bytes]
    if count < 0:
        fields = random.choices(list(h), k=-count)
    elif count >= size:
        fields = list(h)
    elif count == 1:
        fields = [_random_field(h)]
    else:
        fields = random.sample(list(h), count)
    if not withvalues:
        return fields
    if s.resp == 3:
        return [[f, h[f]] for f in fields]
    flat: list[bytes] = []
    for f in fields:
        flat.append(f)
        flat.append(h[f])
    return flat


# --- HSCAN ---------------------------------------------------------------------------


@command("hscan", -3, "readonly", keys=(1, 1, 1), category="hash")
def hscan(s: Session, argv: list[bytes]) -> Reply:
    cursor = scan.parse_cursor(argv[2])
    h = s.db.read_typed(argv[1], Hash)
    if h is None:
        return scan.empty()
    # NOVALUES (Redis 7.4) is a bare flag among the options; take it out and
    # leave MATCH/COUNT (whose arguments may spell "novalues") to scan.
    no_values = False
    n = len(argv)
    if n > 3:
        options = argv[:3]
        i = 3
        while i < n:
            word = argv[i].lower()
            if (word == b"count" or word == b"match") and i + 1 < n:
                options.append(argv[i])
                options.append(argv[i + 1])
                i += 2
                continue
            if word == b"novalues":
                no_values = True
            else:
                options.append(argv[i])
            i += 1
        argv = options
    return scan.scan_container(
        s, argv, 3, cursor, h, h, small=not h.big, value=None if no_values else h.__getitem__
    )
