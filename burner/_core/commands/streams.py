"""Stream commands: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID, XREAD.

Consumer-group commands live in streams_groups.py. ID parsing follows
Redis's streamParseID: "ms-seq", or "ms" with the sequence filled in by
context; "-" and "+" for the extremes; "(" for exclusive range bounds.

Keyspace events follow Redis 7.0: XADD sends ``new`` (when it creates the
stream), ``xadd``, then ``xtrim`` if its MAXLEN/MINID removed entries; XDEL
and XTRIM speak only when they removed something; XSETID always does. A
stream is never deleted for being empty, so no ``del`` comes from here.
"""

from __future__ import annotations

import re

from .. import errors
from ..blocking import block
from ..notify import STREAM, notify
from ..parse import maybe_int, to_int
from ..registry import command
from ..replies import Block, Reply
from ..session import Session
from ..values.stream import MAX_ID, ZERO_ID, Stream, StreamID, format_id

U64_MAX = 2**64 - 1
_STRTOULL = re.compile(rb"[ \t\n\v\f\r]*([+-]?)([0-9]+)\Z")


# --- ID parsing -------------------------------------------------------------------
def _u64(raw: bytes) -> int | None:
    """Redis's string2ull: string2ll first, then strtoull's looser rules."""
    value = maybe_int(raw)
    if value is not None:
        return value if value >= 0 else None
    match = _STRTOULL.match(raw)
    if match is None:
        return None
    number = int(match.group(2))
    if number > U64_MAX:
        return None
    if match.group(1) == b"-":
        number = (U64_MAX + 1 - number) % (U64_MAX + 1)
    return number


def parse_id(raw: bytes, missing_seq: int = 0, strict: bool = False) -> StreamID:
    """An ID; ``missing_seq`` fills in an absent sequence part.

    ``strict`` refuses "-" and "+" (commands that name one entry)."""
    if not strict and len(raw) == 1:
        if raw == b"-":
            return ZERO_ID
        if raw == b"+":
            return MAX_ID
    if len(raw) > 127:
        raise errors.err(errors.INVALID_STREAM_ID)
    ms_raw, dash, seq_raw = raw.partition(b"-")
    if dash and ms_raw.isdigit() and seq_raw.isdigit() and len(ms_raw) < 20 and len(seq_raw) < 20:
        return (int(ms_raw), int(seq_raw))  # the common "<ms>-<seq>" (strtoull reads 0-padding too)
    ms = _u64(ms_raw)
    if ms is None:
        raise errors.err(errors.INVALID_STREAM_ID)
    if not dash:
        return (ms, missing_seq)
    seq = _u64(seq_raw)
    if seq is None:
        raise errors.err(errors.INVALID_STREAM_ID)
    return (ms, seq)


def parse_range_start(raw: bytes) -> StreamID:
    if raw[:1] == b"(" and len(raw) > 1:
        sid = parse_id(raw[1:], 0, strict=True)
        if sid == MAX_ID:
            raise errors.err("ERR invalid start ID for the interval")
        return _next_id(sid)
    return parse_id(raw, 0)


def parse_range_end(raw: bytes) -> StreamID:
    if raw[:1] == b"(" and len(raw) > 1:
        sid = parse_id(raw[1:], U64_MAX, strict=True)
        if sid == ZERO_ID:
            raise errors.err("ERR invalid end ID for the interval")
        return _prev_id(sid)
    return parse_id(raw, U64_MAX)


def _next_id(sid: StreamID) -> StreamID:
    ms, seq = sid
    if seq == U64_MAX:
        return (ms + 1, 0)
    return (ms, seq + 1)


def _prev_id(sid: StreamID) -> StreamID:
    ms, seq = sid
    if seq == 0:
        return (ms - 1, U64_MAX)
    return (ms, seq - 1)


# --- helpers shared with streams_groups ---------------------------------------------
def get_stream(s: Session, key: bytes) -> Stream | None:
    return s.db.get_typed(key, Stream)


def read_stream(s: Session, key: bytes) -> Stream | None:
    """``get_stream`` for the commands Redis counts as reads of the key: a
    missing key publishes ``keymiss``."""
    return s.db.read_typed(key, Stream)


class RetryArgv(list[bytes]):
    """The argv a blocked XREAD runs again with (its ``$`` IDs resolved). Redis
    serves a blocked reader without looking its keys up again, so a run with
    this argv announces no ``keymiss``."""

    __slots__ = ()


def new_stream(s: Session) -> Stream:
    config = s.server.config
    return Stream(
        int(config.get("stream-node-max-entries", b"100")),
        int(config.get("stream-node-max-bytes", b"4096")),
    )


def entry_reply(sid: StreamID, fields: list[bytes] | None) -> Reply:
    return [format_id(sid), fields]


def entries_reply(items: list[tuple[StreamID, list[bytes]]]) -> Reply:
    return [[format_id(sid), fields] for sid, fields in items]


def keyed_reply(s: Session, pairs: list[tuple[bytes, Reply]]) -> Reply:
    """XREAD/XREADGROUP's outer shape: a map in RESP3, an array of pairs in RESP2."""
    if not pairs:
        return None
    if s.resp == 3:
        return dict(pairs)
    return [[key, value] for key, value in pairs]


# --- trimming options ------------------------------------------------------------------
class TrimSpec:
    __slots__ = ("approx", "limit", "maxlen", "minid")

    def __init__(self) -> None:
        self.maxlen: int | None = None
        self.minid: StreamID | None = None
        self.approx = False
        self.limit: int | None = None


def parse_trim_option(argv: list[bytes], i: int, spec: TrimSpec) -> int:
    """Parse MAXLEN/MINID [=|~] threshold at argv[i]; returns the next index."""
    opt = argv[i].lower()
    if spec.maxlen is not None or spec.minid is not None:
        raise errors.err(
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
        )
    if i + 1 >= len(argv):
        raise errors.err(errors.SYNTAX)
    i += 1
    if argv[i] in (b"=", b"~"):
        spec.approx = argv[i] == b"~"
        i += 1
        if i >= len(argv):
            raise errors.err(errors.SYNTAX)
    if opt == b"maxlen":
        value = to_int(argv[i])
        if value < 0:
            raise errors.err("ERR The MAXLEN argument must be >= 0.")
        spec.maxlen = value
    else:
        spec.minid = parse_id(argv[i], 0, strict=True)
    return i + 1


def parse_limit(argv: list[bytes], i: int, spec: TrimSpec) -> int:
    if i + 1 >= len(argv):
        raise errors.err(errors.SYNTAX)
    value = to_int(argv[i + 1])
    if value < 0:
        raise errors.err("ERR The LIMIT argument must be >= 0.")
    spec.limit = value
    return i + 2


def apply_trim(s: Session, stream: Stream, spec: TrimSpec) -> int:
    if spec.maxlen is None and spec.minid is None:
        return 0
    if spec.approx:
        per_node = int(s.server.config.get("stream-node-max-entries", b"100"))
        limit = spec.limit if spec.limit is not None else per_node * 100
    else:
        limit = 0
    return stream.trim(spec.maxlen, spec.minid, spec.approx, limit)


def _check_limit_usage(spec: TrimSpec, xtrim: bool = False) -> None:
    # Redis's order: a non-zero LIMIT needs a strategy, XTRIM needs one anyway,
    # and any LIMIT (even 0) needs "~".
    no_strategy = spec.maxlen is None and spec.minid is None
    if spec.limit and no_strategy:
        raise errors.err(errors.LIMIT_WITHOUT_STRATEGY)
    if xtrim and no_strategy:
        raise errors.err("ERR syntax error, XTRIM must be called with a trimming strategy")
    if spec.limit is not None and not spec.approx:
        raise errors.err("ERR syntax error, LIMIT cannot be used without the special ~ option")


# --- XADD ------------------------------------------------------------------------------
@command("xadd", -5, "write denyoom fast", keys=(1, 1, 1), category="stream")
def xadd(s: Session, argv: list[bytes]) -> Reply:
    key = argv[1]
    spec = TrimSpec()
    nomkstream = False
    i = 2
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        if opt == b"nomkstream":
            nomkstream = True
            i += 1
        elif opt in (b"maxlen", b"minid"):
            i = parse_trim_option(argv, i, spec)
        elif opt == b"limit":
            i = parse_limit(argv, i, spec)
        else:
            break
    if i >= n:
        raise errors.err(errors.SYNTAX)
    id_raw = argv[i]
    # The ID: "*", "<ms>-*", or explicit; parsed before the arity check, as Redis does.
    explicit: StreamID | None = None
    seq_auto_ms: int | None = None
    if id_raw != b"*":
        if id_raw.endswith(b"-*"):
            ms = _u64(id_raw[:-2])
            if ms is None or len(id_raw) > 127:
                raise errors.err(errors.INVALID_STREAM_ID)
            seq_auto_ms = ms
        else:
            explicit = parse_id(id_raw, 0, strict=True)
    _check_limit_usage(spec)
    fields = argv[i + 1 :]
    if not fields or len(fields) % 2:
        raise errors.err(errors.wrong_arity("xadd"))
    if explicit == ZERO_ID:
        raise errors.err("ERR The ID specified in XADD must be greater than 0-0")
    stream = get_stream(s, key)
    if stream is None:
        if nomkstream:
            return None
        stream = new_stream(s)
        created = True
    else:
        created = False
    last = stream.last_id
    if last == MAX_ID:
        raise errors.err(errors.STREAM_EXHAUSTED)
    if explicit is not None:
        if explicit <= last:
            raise errors.err(errors.XADD_ID_TOO_SMALL)
        sid = explicit
    elif seq_auto_ms is not None:
        if seq_auto_ms < last[0]:
            raise errors.err(errors.XADD_ID_TOO_SMALL)
        if seq_auto_ms == last[0]:
            if last[1] == U64_MAX:
                raise errors.err(errors.XADD_SEQ_OVERFLOW)
            sid = (seq_auto_ms, last[1] + 1)
        else:
            sid = (seq_auto_ms, 0)
    else:
        now = s.server.clock.ms()
        if now > last[0]:
            sid = (now, 0)
        else:
            sid = _next_id(last)
    stream.append(sid, list(fields))
    trimmed = apply_trim(s, stream, spec)
    if created:
        s.db.add(key, stream)
    else:
        s.db.modified(key)
    if s.server.notify_flags:
        server, db = s.server, s.db
        notify(server, db, STREAM, b"xadd", key)
        if trimmed:
            notify(server, db, STREAM, b"xtrim", key)
    return format_id(sid)


@command("xlen", 2, "readonly fast", keys=(1, 1, 1), category="stream")
def xlen(s: Session, argv: list[bytes]) -> Reply:
    stream = read_stream(s, argv[1])
    return 0 if stream is None else len(stream)


def _range(s: Session, argv: list[bytes], reverse: bool) -> Reply:
    if reverse:
        end_raw, start_raw = argv[2], argv[3]
    else:
        start_raw, end_raw = argv[2], argv[3]
    start = parse_range_start(start_raw)
    end = parse_range_end(end_raw)
    count: int | None = None
    i = 4
    while i < len(argv):
        if argv[i].lower() == b"count" and i + 1 < len(argv):
            count = max(to_int(argv[i + 1]), 0)
            i += 2
        else:
            raise errors.err(errors.SYNTAX)
    stream = read_stream(s, argv[1])
    if stream is None:
        return []
    if count == 0:
        return None
    return entries_reply(stream.range(start, end, count, reverse))


@command("xrange", -4, "readonly", keys=(1, 1, 1), category="stream")
def xrange(s: Session, argv: list[bytes]) -> Reply:
    return _range(s, argv, reverse=False)


@command("xrevrange", -4, "readonly", keys=(1, 1, 1), category="stream")
def xrevrange(s: Session, argv: list[bytes]) -> Reply:
    return _range(s, argv, reverse=True)


@command("xdel", -3, "write fast", keys=(1, 1, 1), category="stream")
def xdel(s: Session, argv: list[bytes]) -> Reply:
    stream = get_stream(s, argv[1])
    if stream is None:
        return 0
    ids = [parse_id(raw, 0, strict=True) for raw in argv[2:]]
    deleted = sum(1 for sid in ids if stream.delete(sid))
    if deleted:
        s.db.modified(argv[1])
        if s.server.notify_flags:
            notify(s.server, s.db, STREAM, b"xdel", argv[1])
    return deleted


@command("xtrim", -4, "write", keys=(1, 1, 1), category="stream")
def xtrim(s: Session, argv: list[bytes]) -> Reply:
    spec = TrimSpec()
    i = 2
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        if opt in (b"maxlen", b"minid"):
            i = parse_trim_option(argv, i, spec)
        elif opt == b"limit":
            i = parse_limit(argv, i, spec)
        else:
            raise errors.err(errors.SYNTAX)
    _check_limit_usage(spec, xtrim=True)
    stream = get_stream(s, argv[1])
    if stream is None:
        return 0
    removed = apply_trim(s, stream, spec)
    if removed:
        s.db.modified(argv[1])
        if s.server.notify_flags:
            notify(s.server, s.db, STREAM, b"xtrim", argv[1])
    return removed


@command("xsetid", -3, "write denyoom fast", keys=(1, 1, 1), category="stream")
def xsetid(s: Session, argv: list[bytes]) -> Reply:
    sid = parse_id(argv[2], 0, strict=True)
    entries_added: int | None = None
    max_deleted: StreamID | None = None
    i = 3
    while i < len(argv):
        opt = argv[i].lower()
        if opt == b"entriesadded" and i + 1 < len(argv):
            entries_added = to_int(argv[i + 1])
            if entries_added < 0:
                raise errors.err("ERR entries_added must be positive")
            i += 2
        elif opt == b"maxdeletedid" and i + 1 < len(argv):
            max_deleted = parse_id(argv[i + 1], 0, strict=True)
            if sid < max_deleted:
                raise errors.err(
                    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
                )
            i += 2
        else:
            raise errors.err(errors.SYNTAX)
    stream = get_stream(s, argv[1])
    if stream is None:
        raise errors.err(errors.NO_SUCH_KEY)
    if entries_added is not None and len(stream) > entries_added:
        raise errors.err(
            "ERR The entries_added specified in XSETID is smaller than the target stream length"
        )
    # Redis compares with the newest entry still in the stream, not with the
    # last ID ever given out: XSETID may move last_id back down to that entry.
    if len(stream) and sid < stream.entries.peekitem(-1)[0]:
        raise errors.err(
            "ERR The ID specified in XSETID is smaller than the target stream top item"
        )
    stream.last_id = sid
    if entries_added is not None:
        stream.entries_added = entries_added
    if max_deleted is not None:
        stream.max_deleted_id = max_deleted
    s.db.wake(argv[1])  # Redis 7.0 does not count XSETID as touching a WATCHed key
    if s.server.notify_flags:
        notify(s.server, s.db, STREAM, b"xsetid", argv[1])
    from ..replies import OK

    return OK


# --- XREAD -----------------------------------------------------------------------------
def parse_streams_tail(argv: list[bytes], i: int, command_name: str) -> tuple[list[bytes], list[bytes]]:
    """Split the arguments after STREAMS into keys and IDs."""
    rest = argv[i:]
    if not rest or len(rest) % 2:
        raise errors.err(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified."
        )
    half = len(rest) // 2
    return rest[:half], rest[half:]


def parse_block(raw: bytes) -> int:
    value = to_int(raw, "ERR timeout is not an integer or out of range")
    if value < 0:
        raise errors.err("ERR timeout is negative")
    return value


@command("xread", -4, "readonly blocking movablekeys", keys=(0, 0, 0), category="stream")
def xread(s: Session, argv: list[bytes]) -> Reply:
    count: int | None = None
    block: int | None = None
    i = 1
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        if opt == b"count" and i + 1 < n:
            count = to_int(argv[i + 1])
            if count <= 0:
                count = None
            i += 2
        elif opt == b"block" and i + 1 < n:
            block = parse_block(argv[i + 1])
            i += 2
        elif opt == b"streams":
            i += 1
            break
        else:
            raise errors.err(errors.SYNTAX)
    else:
        raise errors.err(errors.SYNTAX)
    keys, raw_ids = parse_streams_tail(argv, i, "xread")
    # Redis looks each key up (type checked) before reading its ID, and again
    # to serve it: a missing key is two keymiss events, a retry none.
    find = get_stream if type(argv) is RetryArgv else read_stream
    starts: list[StreamID] = []
    for key, raw in zip(keys, raw_ids):
        stream = find(s, key)
        if raw == b"$":
            starts.append(stream.last_id if stream is not None else ZERO_ID)
        else:
            starts.append(parse_id(raw, 0, strict=True))
    pairs: list[tuple[bytes, Reply]] = []
    for key, start in zip(keys, starts):
        stream = find(s, key)
        if stream is None or not len(stream) or start >= stream.last_id:
            continue
        items = stream.range(_next_id(start), MAX_ID, count)
        if items:
            pairs.append((key, entries_reply(items)))
    if pairs or block is None:
        return keyed_reply(s, pairs)
    return blocked_read(s, argv, keys, starts, block)


def blocked_read(
    s: Session,
    argv: list[bytes],
    keys: list[bytes],
    starts: list[StreamID] | None,
    block_ms: int,
) -> Reply:
    """Nothing to read and BLOCK given: ask the facade to wait (D3).

    XREAD passes the IDs it resolved: the retry reads with them, so ``$``
    means "after the last entry when the wait began", as in Redis. XREADGROUP
    passes None: ``>`` is re-read from the group, and deleting the stream (or
    destroying the group) wakes it with Redis's error."""
    reply = block(s, keys, Stream, block_ms / 1000, None)
    if type(reply) is Block:
        if starts is not None:
            tail = len(argv) - len(starts)
            reply.argv = RetryArgv(argv[:tail] + [format_id(sid) for sid in starts])
        else:
            reply.wake_on_delete = True
    return reply
