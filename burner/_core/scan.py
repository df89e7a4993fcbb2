"""SCAN cursors, shared by SCAN, HSCAN, SSCAN and ZSCAN.

Guarantees (Redis's): an element present from the first call (cursor 0) to
the last (the reply whose cursor is 0) is returned at least once; COUNT is a
hint; MATCH (and TYPE, for SCAN) filter after the elements are chosen, so a
call may return nothing and still not be the last.

How: a scan that starts at cursor 0 snapshots the container's members into a
list kept in a bounded per-server cache under a fresh generation number; the
cursor it returns is ``generation << 32 | position`` (below 2**63). Later
calls continue from that position in the snapshot, skipping members that are
gone. A cursor whose snapshot is unknown (evicted, from another container,
typed by hand) continues at its position in a fresh snapshot, and one past
the end finishes the scan, so every unsigned integer is a sane cursor. Small
containers (Redis's listpack/intset encodings) come back whole with cursor 0,
as Redis does, and so does any container no bigger than COUNT. The cache
holds at most 256 snapshots and 4M members per server, oldest dropped first;
a finished scan drops its own.

Using it for a container command (HSCAN shown; SSCAN and ZSCAN are alike)::

    @command("hscan", -3, "readonly", keys=(1, 1, 1), category="hash")
    def hscan(s: Session, argv: list[bytes]) -> Reply:
        cursor = scan.parse_cursor(argv[2])           # ERR invalid cursor first
        h = s.db.read_typed(argv[1], Hash)            # then WRONGTYPE
        if h is None:
            return scan.empty()                       # missing key: [b"0", []]
        return scan.scan_container(
            s, argv, 3, cursor, h, h,                 # options start at argv[3]
            small=h.encoding() == b"listpack",
            value=h.__getitem__,                      # HSCAN/ZSCAN emit pairs
        )

``members`` (the sixth argument) must support ``in`` and iteration (a dict,
a set, a dict's keys view). ``value``, when given, maps a member to the bytes
emitted after it (the field value, the score text). Options are parsed by
``scan_container`` (MATCH, COUNT; TYPE only where Redis allows it: SCAN).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from . import errors
from .glob import Matcher, compile_glob
from .parse import to_int
from .replies import Reply

if TYPE_CHECKING:
    from .session import Session
    from .state import ServerState

__all__ = [
    "ScanOptions",
    "empty",
    "parse_cursor",
    "parse_options",
    "scan_container",
    "step",
]

_CURSOR_RE = re.compile(rb"[+-]?[0-9]+\Z")
_U64 = 1 << 64
_POS_BITS = 32
_POS_MASK = (1 << _POS_BITS) - 1
_GEN_LIMIT = 1 << 31
_MAX_SNAPSHOTS = 256
_MAX_SNAPSHOT_ITEMS = 1 << 22  # members held across all snapshots of a server


def parse_cursor(raw: bytes) -> int:
    """A cursor as Redis reads it (``strtoul`` without leading spaces): any
    unsigned 64-bit number, a negative one wrapping around, ``""`` as 0;
    anything else is ``ERR invalid cursor``."""
    if not raw:
        return 0
    if len(raw) > 21 or not _CURSOR_RE.match(raw):
        raise errors.err(errors.INVALID_CURSOR)
    value = int(raw)
    if value >= _U64 or value <= -_U64:
        raise errors.err(errors.INVALID_CURSOR)
    return value % _U64


class ScanOptions:
    __slots__ = ("count", "match", "type")

    def __init__(self) -> None:
        self.count = 10
        self.match: Matcher | None = None
        self.type: bytes | None = None


def parse_options(argv: list[bytes], start: int, allow_type: bool = False) -> ScanOptions:
    """MATCH pattern, COUNT n (>= 1), and TYPE name when ``allow_type``."""
    opts = ScanOptions()
    i = start
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        if i + 1 >= n:
            raise errors.err(errors.SYNTAX)
        if opt == b"count":
            count = to_int(argv[i + 1])
            if count < 1:
                raise errors.err(errors.SYNTAX)
            opts.count = count
        elif opt == b"match":
            pattern = argv[i + 1]
            opts.match = None if pattern == b"*" else compile_glob(pattern)
        elif opt == b"type" and allow_type:
            opts.type = argv[i + 1].lower()
        else:
            raise errors.err(errors.SYNTAX)
        i += 2
    return opts


def empty() -> Reply:
    """The reply to a scan of a missing key."""
    return [b"0", []]


class _Snapshot:
    __slots__ = ("items", "owner")

    def __init__(self, owner: object, items: list[bytes]) -> None:
        self.owner = owner
        self.items = items


class _Cache:
    """Snapshots by generation, oldest first; bounded in count and in the
    members they hold, so abandoned scans cost nothing for long."""

    __slots__ = ("generation", "held", "snapshots")

    def __init__(self) -> None:
        self.generation = 0
        self.held = 0
        self.snapshots: dict[int, _Snapshot] = {}

    def new(self, owner: object, items: list[bytes]) -> int:
        gen = self.generation + 1
        if gen >= _GEN_LIMIT:
            gen = 1
        self.generation = gen
        self.drop(gen)
        snapshots = self.snapshots
        while snapshots and (
            len(snapshots) >= _MAX_SNAPSHOTS or self.held + len(items) > _MAX_SNAPSHOT_ITEMS
        ):
            self.drop(next(iter(snapshots)))
        snapshots[gen] = _Snapshot(owner, items)
        self.held += len(items)
        return gen

    def drop(self, gen: int) -> None:
        snap = self.snapshots.pop(gen, None)
        if snap is not None:
            self.held -= len(snap.items)


_caches: weakref.WeakKeyDictionary[ServerState, _Cache] = weakref.WeakKeyDictionary()


def _cache(server: ServerState) -> _Cache:
    cache = _caches.get(server)
    if cache is None:
        cache = _caches[server] = _Cache()
    return cache


def step(
    server: ServerState,
    cursor: int,
    owner: object,
    members: Collection[bytes],
    count: int,
    small: bool = False,
) -> tuple[int, list[bytes]]:
    """One scan step: the next cursor and up to about ``count`` members
    (before any filtering). ``owner`` identifies the container (the value
    object, or the Db for SCAN)."""
    if small:
        return 0, list(members)
    if cursor == 0 and len(members) <= count:
        return 0, list(members)
    cache = _cache(server)
    gen = cursor >> _POS_BITS
    pos = cursor & _POS_MASK
    snap = cache.snapshots.get(gen) if cursor else None
    if snap is None or snap.owner is not owner:
        items = list(members)
        if cursor and pos >= len(items):
            return 0, []
        gen = cache.new(owner, items)
    else:
        items = snap.items
    end = pos + count
    chosen = [m for m in items[pos:end] if m in members]
    if end >= len(items):
        cache.drop(gen)
        return 0, chosen
    return (gen << _POS_BITS) | end, chosen


def scan_container(
    s: Session,
    argv: list[bytes],
    start: int,
    cursor: int,
    owner: object,
    members: Collection[bytes],
    small: bool = False,
    value: Callable[[bytes], bytes] | None = None,
) -> Reply:
    """The whole reply of HSCAN/SSCAN/ZSCAN once the key is resolved: parses
    the options at ``argv[start:]``, takes a step, filters by MATCH, and
    emits ``[cursor, [member, (value,) ...]]``."""
    opts = parse_options(argv, start)
    nxt, chosen = step(s.server, cursor, owner, members, opts.count, small)
    match = opts.match
    selected: Iterable[bytes] = chosen if match is None else filter(match, chosen)
    if value is None:
        out = list(selected)
    else:
        out = []
        for m in selected:
            out.append(m)
            out.append(value(m))
    return [b"%d" % nxt, out]
