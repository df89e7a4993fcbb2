"""Keyspace and keyevent notifications (CONFIG notify-keyspace-events).

Commands report what they did with ``notify(s, CLASS, event, key)``; nothing
is published unless the configured flags enable both the class and at least
one of K (``__keyspace@<db>__:<key>``, message = event) or E
(``__keyevent@<db>__:<event>``, message = key). The flags live parsed in
``ServerState.notify_flags`` so the disabled case costs one integer test.

Class ``m`` (``keymiss``, not part of ``A``) is published by the keyspace
itself: ``Db.read`` and ``Db.read_typed`` are the lookups of commands Redis
counts as reads of a key (its lookupKeyRead), and announce each miss, once per
lookup; an expired key is ``expired`` first, then ``keymiss``. Writes and the
lookups Redis makes without notifying (OBJECT, RENAME, the pops...) use
``Db.lookup``/``Db.get_typed``, which never do. A blocked XREAD or XREADGROUP
that runs again after a wake-up is silent, as Redis serves it without a lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import errors
from .pubsub import parse_limits

if TYPE_CHECKING:
    from .db import Db
    from .state import ServerState

KEYSPACE = 1 << 0  # K
KEYEVENT = 1 << 1  # E
GENERIC = 1 << 2  # g
STRING = 1 << 3  # $
LIST = 1 << 4  # l
SET = 1 << 5  # s
HASH = 1 << 6  # h
ZSET = 1 << 7  # z
EXPIRED = 1 << 8  # x
EVICTED = 1 << 9  # e
STREAM = 1 << 10  # t
KEY_MISS = 1 << 11  # m
MODULE = 1 << 12  # d
NEW = 1 << 13  # n
ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE

# Flag characters in the order Redis prints them back (CONFIG GET).
_CLASS_CHARS = [
    ("g", GENERIC), ("$", STRING), ("l", LIST), ("s", SET), ("h", HASH), ("z", ZSET),
    ("x", EXPIRED), ("e", EVICTED), ("t", STREAM), ("d", MODULE), ("n", NEW),
]
_PARSE = {c: f for c, f in _CLASS_CHARS} | {"A": ALL, "K": KEYSPACE, "E": KEYEVENT, "m": KEY_MISS}

INVALID_FLAGS = (
    "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
)


def parse_flags(raw: bytes) -> int:
    flags = 0
    for ch in raw.decode("latin-1"):
        bit = _PARSE.get(ch)
        if bit is None:
            raise errors.err(INVALID_FLAGS)
        flags |= bit
    return flags


def format_flags(flags: int) -> bytes:
    out = []
    if flags & ALL == ALL:
        out.append("A")
        rest = [(c, f) for c, f in _CLASS_CHARS if f & ~ALL]
    else:
        rest = _CLASS_CHARS
    out.extend(c for c, f in rest if flags & f)
    if flags & KEYSPACE:
        out.append("K")
    if flags & KEYEVENT:
        out.append("E")
    if flags & KEY_MISS:
        out.append("m")
    return "".join(out).encode()


def notify(server: ServerState, db: Db, kind: int, event: bytes, key: bytes) -> None:
    """Publish ``event`` on ``key`` if the configuration asks for it."""
    flags = server.notify_flags
    if not flags & kind:
        return
    limits = parse_limits(server.config.get("client-output-buffer-limit", b""))
    now = server.clock.ms()
    if flags & KEYSPACE:
        channel = b"__keyspace@%d__:" % db.index + key
        server.pubsub.publish(channel, event, now, limits)
    if flags & KEYEVENT:
        channel = b"__keyevent@%d__:" % db.index + event
        server.pubsub.publish(channel, key, now, limits)
