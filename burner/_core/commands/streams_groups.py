"""Consumer-group commands: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM,
XAUTOCLAIM, and XINFO.

A group's pending entries list (PEL) maps ID -> (consumer, delivery time,
delivery count); ``>`` reads deliver new entries and add them to the PEL
(unless NOACK); history reads return the consumer's own pending entries, with
a nil body for entries deleted from the stream since.

Consumers come into being as in Redis 7.0: XGROUP CREATECONSUMER, an
XREADGROUP that serves the stream (new entries for ``>``, or any history
read), and an XCLAIM/XAUTOCLAIM that claims an entry; each creation sends
the ``xgroup-createconsumer`` keyspace event. The other events are the XGROUP
subcommands' (``xgroup-create``, after ``new`` when MKSTREAM made the key,
``xgroup-setid``, ``xgroup-destroy``, ``xgroup-delconsumer``), sent only when
the subcommand changed something.

Consumer-group state is not the key's value for WATCH: Redis 7 leaves a WATCH
alone when only groups, consumers or pending entries change (XGROUP CREATE
with MKSTREAM excepted: it creates the key), so these handlers wake blocked
readers (``Db.wake``) but do not touch watchers.
"""

from __future__ import annotations

from .. import errors
from ..notify import STREAM, notify
from ..parse import to_int
from ..registry import command
from ..replies import OK, Reply
from ..session import Session
from ..values.stream import (
    INVALID,
    MAX_ID,
    ZERO_ID,
    Consumer,
    Group,
    PendingEntry,
    Stream,
    StreamID,
    format_id,
)
from .streams import (
    _next_id,
    blocked_read,
    entries_reply,
    get_stream,
    keyed_reply,
    new_stream,
    parse_block,
    parse_id,
    parse_range_end,
    parse_range_start,
    parse_streams_tail,
    read_stream,
)


def _new_consumer(s: Session, key: bytes, group: Group, name: bytes, now: int) -> Consumer:
    consumer = group.consumers[name] = Consumer(name, now)
    if s.server.notify_flags:
        notify(s.server, s.db, STREAM, b"xgroup-createconsumer", key)
    return consumer


def _text(raw: bytes) -> str:
    # Redis formats these names with %s: a C string, cut at the first NUL.
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def _group_or_error(s: Session, key: bytes, name: bytes, looked_up: bool = False) -> tuple[Stream, Group]:
    """The stream and its group, else NOGROUP. A read of the key (keymiss)
    unless the command ``looked_up`` the key already."""
    stream = get_stream(s, key) if looked_up else read_stream(s, key)
    group = stream.groups.get(name) if stream is not None else None
    if stream is None or group is None:
        raise errors.err(f"NOGROUP No such key '{_text(key)}' or consumer group '{_text(name)}'")
    return stream, group


# --- XGROUP ------------------------------------------------------------------------
def _xgroup_stream(s: Session, key: bytes) -> Stream:
    stream = get_stream(s, key)
    if stream is None:
        raise errors.err(errors.XGROUP_NO_KEY)
    return stream


def _group_id(stream: Stream, raw: bytes) -> StreamID:
    if raw == b"$":
        return stream.last_id
    return parse_id(raw, 0, strict=True)


def _entries_read_option(argv: list[bytes], i: int, sub: bytes) -> tuple[int | None, bool]:
    """Parse trailing [MKSTREAM] [ENTRIESREAD n] options (MKSTREAM for create only)."""
    mkstream = False
    entries_read: int | None = None
    while i < len(argv):
        opt = argv[i].lower()
        if opt == b"mkstream" and sub.lower() == b"create":
            mkstream = True
            i += 1
        elif opt == b"entriesread" and i + 1 < len(argv):
            entries_read = to_int(argv[i + 1])
            if entries_read < 0 and entries_read != INVALID:
                raise errors.err("ERR value for ENTRIESREAD must be positive or -1")
            i += 2
        else:
            raise errors.err(
                f"ERR unknown subcommand or wrong number of arguments for '{_text(sub)}'. "
                "Try XGROUP HELP."
            )
    return entries_read, mkstream


@command("xgroup|create", -5, "write denyoom", keys=(2, 2, 1), category="stream")
def xgroup_create(s: Session, argv: list[bytes]) -> Reply:
    key, name, raw_id = argv[2], argv[3], argv[4]
    entries_read, mkstream = _entries_read_option(argv, 5, argv[1])
    stream = get_stream(s, key)
    created = False
    if stream is None:
        if not mkstream:
            raise errors.err(errors.XGROUP_NO_KEY)
        stream = new_stream(s)
        created = True
    sid = _group_id(stream, raw_id)
    if name in stream.groups:
        raise errors.err("BUSYGROUP Consumer Group name already exists")
    stream.groups[name] = Group(name, sid, INVALID if entries_read is None else entries_read)
    if created:
        s.db.add(key, stream)
    else:
        s.db.wake(key)
    if s.server.notify_flags:
        notify(s.server, s.db, STREAM, b"xgroup-create", key)
    return OK


@command("xgroup|setid", -5, "write", keys=(2, 2, 1), category="stream")
def xgroup_setid(s: Session, argv: list[bytes]) -> Reply:
    key, name = argv[2], argv[3]
    entries_read, _ = _entries_read_option(argv, 5, argv[1])
    stream = _xgroup_stream(s, key)
    group = stream.groups.get(name)
    if group is None:
        raise errors.err(
            f"NOGROUP No such consumer group '{_text(name)}' for key name '{_text(key)}'"
        )
    group.last_id = _group_id(stream, argv[4])
    group.entries_read = INVALID if entries_read is None else entries_read
    s.db.wake(key)
    if s.server.notify_flags:
        notify(s.server, s.db, STREAM, b"xgroup-setid", key)
    return OK


@command("xgroup|destroy", 4, "write", keys=(2, 2, 1), category="stream")
def xgroup_destroy(s: Session, argv: list[bytes]) -> Reply:
    stream = _xgroup_stream(s, argv[2])
    if stream.groups.pop(argv[3], None) is None:
        return 0
    s.db.wake(argv[2])
    if s.server.notify_flags:
        notify(s.server, s.db, STREAM, b"xgroup-destroy", argv[2])
    return 1


def _group_for_consumer_cmd(s: Session, key: bytes, name: bytes) -> Group:
    stream = _xgroup_stream(s, key)
    group = stream.groups.get(name)
    if group is None:
        raise errors.err(
            f"NOGROUP No such consumer group '{_text(name)}' for key name '{_text(key)}'"
        )
    return group


@command("xgroup|createconsumer", 5, "write denyoom", keys=(2, 2, 1), category="stream")
def xgroup_createconsumer(s: Session, argv: list[bytes]) -> Reply:
    group = _group_for_consumer_cmd(s, argv[2], argv[3])
    if argv[4] in group.consumers:
        return 0
    _new_consumer(s, argv[2], group, argv[4], s.server.clock.ms())
    s.db.wake(argv[2])
    return 1


@command("xgroup|delconsumer", 5, "write", keys=(2, 2, 1), category="stream")
def xgroup_delconsumer(s: Session, argv: list[bytes]) -> Reply:
    group = _group_for_consumer_cmd(s, argv[2], argv[3])
    consumer = group.consumers.pop(argv[4], None)
    if consumer is None:
        return 0
    pending = len(consumer.pending)
    for sid in consumer.pending:
        del group.pel[sid]
    s.db.wake(argv[2])
    if s.server.notify_flags:
        notify(s.server, s.db, STREAM, b"xgroup-delconsumer", argv[2])
    return pending


@command("xgroup|help", 2, "loading stale", category="stream")
def xgroup_help(s: Session, argv: list[bytes]) -> Reply:
    return [
        b"XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        b"CREATE <key> <groupname> <id|$> [option]",
        b"CREATECONSUMER <key> <groupname> <consumer>",
        b"DELCONSUMER <key> <groupname> <consumer>",
        b"DESTROY <key> <groupname>",
        b"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        b"HELP",
        b"    Print this help.",
    ]


# --- XREADGROUP ------------------------------------------------------------------------
@command("xreadgroup", -7, "write blocking movablekeys", keys=(0, 0, 0), category="stream")
def xreadgroup(s: Session, argv: list[bytes]) -> Reply:
    count: int | None = None
    block: int | None = None
    noack = False
    group_name = consumer_name = b""
    have_group = False
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
        elif opt == b"group" and i + 2 < n:
            group_name, consumer_name = argv[i + 1], argv[i + 2]
            have_group = True
            i += 3
        elif opt == b"noack":
            noack = True
            i += 1
        elif opt == b"streams":
            i += 1
            break
        else:
            raise errors.err(errors.SYNTAX)
    else:
        raise errors.err(errors.SYNTAX)
    if not have_group:
        raise errors.err("ERR Missing GROUP option for XREADGROUP")
    keys, raw_ids = parse_streams_tail(argv, i, "xreadgroup")
    # Validate everything before touching any state.
    starts: list[StreamID | None] = []  # None means ">"
    groups: list[tuple[Stream, Group]] = []
    for key, raw in zip(keys, raw_ids):
        # A retry after a wake-up is silent: Redis serves a blocked client
        # without looking its keys up again.
        stream = get_stream(s, key) if s.retrying else read_stream(s, key)
        group = stream.groups.get(group_name) if stream is not None else None
        if s.retrying and (stream is None or group is None):
            # A blocked XREADGROUP whose stream or group went away meanwhile.
            if stream is None:
                raise errors.err("UNBLOCKED the stream key no longer exists")
            raise errors.err("NOGROUP the consumer group this client was blocked on no longer exists")
        if stream is None or group is None:
            raise errors.err(
                f"NOGROUP No such key '{_text(key)}' or consumer group "
                f"'{_text(group_name)}' in XREADGROUP with GROUP option"
            )
        if raw == b"$":
            raise errors.err(errors.XREADGROUP_DOLLAR)
        # Redis stores ">" as the maximal ID, so spelling that ID means ">" too.
        sid = MAX_ID if raw == b">" else parse_id(raw, 0, strict=True)
        starts.append(None if sid == MAX_ID else sid)
        groups.append((stream, group))
    now = s.server.clock.ms()
    pairs: list[tuple[bytes, Reply]] = []
    served = False
    for key, start, (stream, group) in zip(keys, starts, groups):
        # Redis 7.0 creates the consumer only when it serves this stream.
        found = group.consumers.get(consumer_name)
        if found is not None:
            found.seen_ms = now
        if start is None:
            items = stream.range(_next_id(group.last_id), MAX_ID, count) if group.last_id < MAX_ID else []
            if not items:
                continue
            consumer = found or _new_consumer(s, key, group, consumer_name, now)
            served = True
            consumer.active_ms = now
            for sid, _fields in items:
                _advance_group(stream, group, sid)
                if not noack:
                    _deliver(group, consumer, sid, now)
            pairs.append((key, entries_reply(items)))
            s.db.wake(key)
        else:
            consumer = found or _new_consumer(s, key, group, consumer_name, now)
            served = True
            consumer.active_ms = now
            history: list[Reply] = []
            for sid in consumer.pending.irange(start, None, inclusive=(False, True)):
                if count is not None and len(history) >= count:
                    break
                pe = group.pel[sid]
                pe.delivered_ms = now
                pe.count += 1
                fields = stream.entries.get(sid)
                history.append([format_id(sid), fields])
            pairs.append((key, history))
            s.db.wake(key)
    if pairs or block is None or served:
        return keyed_reply(s, pairs)
    return blocked_read(s, argv, keys, None, block)


def _advance_group(stream: Stream, group: Group, sid: StreamID) -> None:
    if sid > group.last_id:
        if group.entries_read != INVALID and not stream.has_tombstones_after(sid):
            group.entries_read += 1
        elif stream.entries_added:
            group.entries_read = stream.estimate_read_counter(sid)
        group.last_id = sid


def _deliver(group: Group, consumer: Consumer, sid: StreamID, now: int) -> None:
    pe = group.pel.get(sid)
    if pe is None:
        group.pel[sid] = PendingEntry(consumer, now, 1)
        consumer.pending.add(sid)
        return
    # Already pending (group ID moved back with SETID): hand it to this consumer.
    if pe.consumer is not consumer:
        pe.consumer.pending.discard(sid)
        consumer.pending.add(sid)
        pe.consumer = consumer
    pe.delivered_ms = now
    pe.count = 1


# --- XACK ---------------------------------------------------------------------------------
@command("xack", -4, "write fast", keys=(1, 1, 1), category="stream")
def xack(s: Session, argv: list[bytes]) -> Reply:
    stream = read_stream(s, argv[1])
    group = stream.groups.get(argv[2]) if stream is not None else None
    if group is None:
        return 0
    ids = [parse_id(raw, 0, strict=True) for raw in argv[3:]]
    acked = sum(1 for sid in ids if group.ack(sid))
    if acked:
        s.db.wake(argv[1])
    return acked


# --- XPENDING -----------------------------------------------------------------------------
@command("xpending", -3, "readonly", keys=(1, 1, 1), category="stream")
def xpending(s: Session, argv: list[bytes]) -> Reply:
    n = len(argv)
    if n != 3 and (n < 6 or n > 9):
        raise errors.err(errors.SYNTAX)
    min_idle = 0
    i = 3
    extended = n > 3
    if extended and argv[3].lower() == b"idle":
        if n < 8:
            raise errors.err(errors.SYNTAX)
        min_idle = to_int(argv[4])
        i = 5
    start = end = ZERO_ID
    count = 0
    consumer_name: bytes | None = None
    if extended:
        if n - i not in (3, 4):
            raise errors.err(errors.SYNTAX)
        start = parse_range_start(argv[i])
        end = parse_range_end(argv[i + 1])
        count = max(to_int(argv[i + 2]), 0)
        if n - i == 4:
            consumer_name = argv[i + 3]
    _, group = _group_or_error(s, argv[1], argv[2])
    if not extended:
        if not group.pel:
            return [0, None, None, None]
        per_consumer: list[Reply] = []
        for _, consumer in sorted(group.consumers.items()):
            if consumer.pending:
                per_consumer.append([consumer.name, b"%d" % len(consumer.pending)])
        return [
            len(group.pel),
            format_id(group.pel.peekitem(0)[0]),
            format_id(group.pel.peekitem(-1)[0]),
            per_consumer,
        ]
    now = s.server.clock.ms()
    out: list[Reply] = []
    if count == 0 or start > end:
        return out
    if consumer_name is not None:
        owner = group.consumers.get(consumer_name)
        if owner is None:
            return out
        ids = owner.pending.irange(start, end)
    else:
        ids = group.pel.irange(start, end)
    for sid in ids:
        pe = group.pel[sid]
        idle = max(now - pe.delivered_ms, 0)
        if idle < min_idle:
            continue
        out.append([format_id(sid), pe.consumer.name, idle, pe.count])
        if len(out) >= count:
            break
    return out


# --- XCLAIM / XAUTOCLAIM --------------------------------------------------------------------
def _claim(group: Group, consumer: Consumer, sid: StreamID, pe: PendingEntry) -> None:
    if pe.consumer is not consumer:
        pe.consumer.pending.discard(sid)
        consumer.pending.add(sid)
        pe.consumer = consumer


@command("xclaim", -6, "write fast", keys=(1, 1, 1), category="stream")
def xclaim(s: Session, argv: list[bytes]) -> Reply:
    key, group_name, consumer_name = argv[1], argv[2], argv[3]
    stream, group = _group_or_error(s, key, group_name)
    min_idle = to_int(argv[4], "ERR Invalid min-idle-time argument for XCLAIM")
    if min_idle < 0:
        min_idle = 0
    ids: list[StreamID] = []
    i = 5
    n = len(argv)
    while i < n:
        try:
            ids.append(parse_id(argv[i], 0, strict=True))
        except Exception:
            break
        i += 1
    now = s.server.clock.ms()
    delivery: int | None = None
    retry: int | None = None
    force = justid = False
    last_id: StreamID | None = None
    while i < n:
        opt = argv[i].lower()
        more = i + 1 < n
        if opt == b"force":
            force = True
            i += 1
        elif opt == b"justid":
            justid = True
            i += 1
        elif opt == b"idle" and more:
            idle = to_int(argv[i + 1], "ERR Invalid IDLE option argument for XCLAIM")
            delivery = now - idle
            i += 2
        elif opt == b"time" and more:
            delivery = to_int(argv[i + 1], "ERR Invalid TIME option argument for XCLAIM")
            i += 2
        elif opt == b"retrycount" and more:
            retry = to_int(argv[i + 1], "ERR Invalid RETRYCOUNT option argument for XCLAIM")
            i += 2
        elif opt == b"lastid" and more:
            last_id = parse_id(argv[i + 1], 0, strict=True)
            i += 2
        else:
            raise errors.err(f"ERR Unrecognized XCLAIM option '{_text(argv[i])}'")
    if delivery is not None and (delivery < 0 or delivery > now):
        delivery = now
    if last_id is not None and last_id > group.last_id:
        group.last_id = last_id
    consumer: Consumer | None = None
    out: list[Reply] = []
    changed = last_id is not None
    for sid in ids:
        pe = group.pel.get(sid)
        if sid not in stream.entries:
            if pe is not None:
                group.ack(sid)
                changed = True
            continue
        forced = pe is None
        if pe is None:
            if not force:
                continue
            if consumer is None:
                consumer = group.consumers.get(consumer_name) or _new_consumer(
                    s, key, group, consumer_name, now
                )
            # Redis starts a forced entry's delivery count at 1, then the claim
            # below counts one more delivery (unless JUSTID or RETRYCOUNT).
            pe = group.pel[sid] = PendingEntry(consumer, now, 1)
            consumer.pending.add(sid)
        # An entry FORCE just added to the PEL has no owner yet: MIN-IDLE-TIME
        # does not apply to it.
        if min_idle and not forced and now - pe.delivered_ms < min_idle:
            continue
        if consumer is None:
            consumer = group.consumers.get(consumer_name) or _new_consumer(
                s, key, group, consumer_name, now
            )
        _claim(group, consumer, sid, pe)
        pe.delivered_ms = delivery if delivery is not None else now
        if retry is not None:
            pe.count = retry
        elif not justid:
            pe.count += 1
        consumer.seen_ms = now
        consumer.active_ms = now
        changed = True
        out.append(format_id(sid) if justid else [format_id(sid), stream.entries[sid]])
    if changed:
        s.db.wake(key)
    return out


@command("xautoclaim", -6, "write fast", keys=(1, 1, 1), category="stream")
def xautoclaim(s: Session, argv: list[bytes]) -> Reply:
    key, group_name, consumer_name = argv[1], argv[2], argv[3]
    read_stream(s, key)  # WRONGTYPE comes before argument errors
    min_idle = to_int(argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM")
    if min_idle < 0:
        min_idle = 0
    start = parse_range_start(argv[5])
    count = 100
    justid = False
    i = 6
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        if opt == b"count" and i + 1 < n:
            count = to_int(argv[i + 1], "ERR COUNT must be > 0")
            if count < 1 or count > (2**63 - 1) // 10:
                raise errors.err("ERR COUNT must be > 0")
            i += 2
        elif opt == b"justid":
            justid = True
            i += 1
        else:
            raise errors.err(errors.SYNTAX)
    stream, group = _group_or_error(s, key, group_name, looked_up=True)
    now = s.server.clock.ms()
    attempts = count * 10
    claimed: list[Reply] = []
    deleted: list[Reply] = []
    consumer: Consumer | None = None
    cursor = ZERO_ID
    ids = group.pel.irange(start, None)
    for sid in ids:
        if attempts <= 0 or count <= 0:
            cursor = sid
            break
        attempts -= 1
        pe = group.pel[sid]
        if sid not in stream.entries:
            deleted.append(format_id(sid))
            count -= 1  # COUNT bounds the reply, deleted IDs included
            continue
        if min_idle and now - pe.delivered_ms < min_idle:
            continue
        if consumer is None:
            consumer = group.consumers.get(consumer_name) or _new_consumer(
                s, key, group, consumer_name, now
            )
        _claim(group, consumer, sid, pe)
        pe.delivered_ms = now
        if not justid:
            pe.count += 1
        claimed.append(format_id(sid) if justid else [format_id(sid), stream.entries[sid]])
        count -= 1
    for raw in deleted:
        ms, _, seq = raw.partition(b"-")
        group.ack((int(ms), int(seq)))
    if consumer is not None:
        consumer.seen_ms = now
        consumer.active_ms = now
    if claimed or deleted:
        s.db.wake(key)
    return [format_id(cursor), claimed, deleted]


# --- XINFO ------------------------------------------------------------------------------------
@command("xinfo|stream", -3, "readonly", keys=(2, 2, 1), category="stream")
def xinfo_stream(s: Session, argv: list[bytes]) -> Reply:
    stream = read_stream(s, argv[2])
    if stream is None:  # before the options are read, as Redis
        raise errors.err(errors.NO_SUCH_KEY)
    full = False
    count = 10
    if len(argv) > 3:
        if argv[3].lower() != b"full" or len(argv) not in (4, 6) or (
            len(argv) == 6 and argv[4].lower() != b"count"
        ):
            raise errors.err(
                f"ERR unknown subcommand or wrong number of arguments for '{_text(argv[1])}'. "
                "Try XINFO HELP."
            )
        full = True
        if len(argv) == 6:
            count = to_int(argv[5])
    head: dict[bytes, Reply] = {
        b"length": len(stream),
        b"radix-tree-keys": len(stream.nodes),
        b"radix-tree-nodes": len(stream.nodes) + 1,
        b"last-generated-id": format_id(stream.last_id),
        b"max-deleted-entry-id": format_id(stream.max_deleted_id),
        b"entries-added": stream.entries_added,
        b"recorded-first-entry-id": format_id(stream.first_id),
    }
    if not full:
        head[b"groups"] = len(stream.groups)
        first = stream.range(ZERO_ID, MAX_ID, 1)
        last = stream.range(ZERO_ID, MAX_ID, 1, reverse=True)
        head[b"first-entry"] = entries_reply(first)[0] if first else None
        head[b"last-entry"] = entries_reply(last)[0] if last else None
        return head
    limit = None if count <= 0 else count
    head[b"entries"] = entries_reply(stream.range(ZERO_ID, MAX_ID, limit))
    now = s.server.clock.ms()
    groups: list[Reply] = []
    for _, group in sorted(stream.groups.items()):
        pel: list[Reply] = []
        for sid, pe in group.pel.items():
            if limit is not None and len(pel) >= limit:
                break
            pel.append([format_id(sid), pe.consumer.name, pe.delivered_ms, pe.count])
        consumers: list[Reply] = []
        for _, consumer in sorted(group.consumers.items()):
            cpel: list[Reply] = []
            for sid in consumer.pending:
                if limit is not None and len(cpel) >= limit:
                    break
                pe = group.pel[sid]
                cpel.append([format_id(sid), pe.delivered_ms, pe.count])
            consumers.append(
                {
                    b"name": consumer.name,
                    b"seen-time": consumer.seen_ms,
                    b"active-time": consumer.active_ms,
                    b"pel-count": len(consumer.pending),
                    b"pending": cpel,
                }
            )
        groups.append(
            {
                b"name": group.name,
                b"last-delivered-id": format_id(group.last_id),
                b"entries-read": None if group.entries_read == INVALID else group.entries_read,
                b"lag": stream.lag(group),
                b"pel-count": len(group.pel),
                b"pending": pel,
                b"consumers": consumers,
            }
        )
    head[b"groups"] = groups
    del now
    return head


@command("xinfo|groups", 3, "readonly", keys=(2, 2, 1), category="stream")
def xinfo_groups(s: Session, argv: list[bytes]) -> Reply:
    stream = read_stream(s, argv[2])
    if stream is None:
        raise errors.err(errors.NO_SUCH_KEY)
    return [
        {
            b"name": group.name,
            b"consumers": len(group.consumers),
            b"pending": len(group.pel),
            b"last-delivered-id": format_id(group.last_id),
            b"entries-read": None if group.entries_read == INVALID else group.entries_read,
            b"lag": stream.lag(group),
        }
        for _, group in sorted(stream.groups.items())
    ]


@command("xinfo|consumers", 4, "readonly", keys=(2, 2, 1), category="stream")
def xinfo_consumers(s: Session, argv: list[bytes]) -> Reply:
    stream = read_stream(s, argv[2])
    if stream is None:
        raise errors.err(errors.NO_SUCH_KEY)
    group = stream.groups.get(argv[3])
    if group is None:
        raise errors.err(
            f"NOGROUP No such consumer group '{_text(argv[3])}' for key name '{_text(argv[2])}'"
        )
    now = s.server.clock.ms()
    out: list[Reply] = []
    for _, consumer in sorted(group.consumers.items()):
        out.append(
            {
                b"name": consumer.name,
                b"pending": len(consumer.pending),
                b"idle": max(now - consumer.seen_ms, 0),
                b"inactive": -1 if consumer.active_ms < 0 else max(now - consumer.active_ms, 0),
            }
        )
    return out


@command("xinfo|help", 2, "loading stale", category="stream")
def xinfo_help(s: Session, argv: list[bytes]) -> Reply:
    return [
        b"XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        b"CONSUMERS <key> <groupname>",
        b"    Show consumers of <groupname>.",
        b"GROUPS <key>",
        b"    Show the stream consumer groups.",
        b"STREAM <key> [FULL [COUNT <count>]",
        b"    Show information about the stream.",
        b"HELP",
        b"    Print this help.",
    ]
