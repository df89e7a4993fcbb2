"""Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis 7 semantics).

Rules:
- While ``session.multi`` is set, ``Server.execute`` queues every command but
  EXEC, DISCARD, MULTI, WATCH, QUIT and RESET, and sets ``multi_error`` when a
  command is rejected at queue time (unknown, wrong arity, not allowed); EXEC
  then fails with EXECABORT and runs nothing.
- An error at run time lands in its slot of EXEC's reply; the others still run.
- EXEC replies nil when a watched key was touched after WATCH (``dirty``), or
  when a watched key has expired by the time EXEC runs, even if nobody
  noticed yet. WATCH first expires a key already past its deadline, so such a
  key counts as missing, as in Redis.
- EXEC, DISCARD and an EXECABORT all forget the watched keys.
- Queued commands run with ``session.multi`` still set: blocking commands
  read it and answer at once instead of blocking.
"""

from __future__ import annotations

from .. import errors
from ..registry import command
from ..replies import OK, CommandError, Reply
from ..session import Session


def discard_transaction(s: Session) -> None:
    """Leave MULTI: drop the queue, the error flag and the watched keys."""
    s.multi = False
    s.multi_error = False
    s.queued = []
    s.unwatch()


def exec_rejected(s: Session, message: str) -> CommandError:
    """EXEC refused before it ran (wrong arity): Redis discards the
    transaction, MULTI or not, and says why."""
    discard_transaction(s)
    if message.startswith("ERR "):
        message = message[4:]
    return CommandError("EXECABORT Transaction discarded because of: " + message)


@command("multi", 1, "noscript loading stale fast allow_busy", category="transaction")
def multi(s: Session, argv: list[bytes]) -> Reply:
    if s.multi:
        raise errors.err(errors.NESTED_MULTI)
    s.multi = True
    s.multi_error = False
    s.queued = []
    return OK


@command("discard", 1, "noscript loading stale fast allow_busy", category="transaction")
def discard(s: Session, argv: list[bytes]) -> Reply:
    if not s.multi:
        raise errors.err(errors.DISCARD_WITHOUT_MULTI)
    discard_transaction(s)
    return OK


@command(
    "watch", -2, "noscript loading stale fast allow_busy", keys=(1, -1, 1),
    category="transaction",
)
def watch(s: Session, argv: list[bytes]) -> Reply:
    if s.multi:
        raise errors.err(errors.WATCH_IN_MULTI)
    db = s.db
    watched = s.watched
    for i in range(1, len(argv)):
        key = argv[i]
        # A key already past its deadline is gone as far as WATCH is concerned.
        db.lookup(key)
        sessions = db.watchers.get(key)
        if sessions is not None and s in sessions:
            continue
        db.watch(key, s)
        watched.append((db, key))
    return OK


@command("unwatch", 1, "noscript loading stale fast allow_busy", category="transaction")
def unwatch(s: Session, argv: list[bytes]) -> Reply:
    s.unwatch()
    return OK


def _watched_key_expired(s: Session) -> bool:
    now = -1
    for db, key in s.watched:
        expires = db.expires
        if expires:
            deadline = expires.get(key)
            if deadline is not None:
                if now < 0:
                    now = db.clock.ms()
                if deadline <= now:
                    return True
    return False


@command("exec", 1, "noscript loading stale skip_slowlog", category="transaction")
def exec_(s: Session, argv: list[bytes]) -> Reply:
    if not s.multi:
        raise errors.err(errors.EXEC_WITHOUT_MULTI)
    if s.multi_error:
        discard_transaction(s)
        raise errors.err(errors.EXECABORT)
    if s.dirty or (s.watched and _watched_key_expired(s)):
        discard_transaction(s)
        return None
    s.unwatch()
    queued = s.queued
    s.queued = []
    replies: list[Reply] = []
    append = replies.append
    try:
        for cmd, args in queued:
            try:
                append(cmd.handler(s, args))  # type: ignore[misc]
            except CommandError as exc:
                append(exc)
    finally:
        s.multi = False
        s.multi_error = False
    return replies
