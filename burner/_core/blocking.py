"""Blocked clients, the core half (DESIGN.md D3). Pure: no threads, no waits.

How a blocking command works, for every family that has one (lists, sorted
sets, streams):

1. The handler tries to run. When it cannot proceed it returns
   ``block(s, keys, kind, timeout, timeout_reply)``: a ``Block`` reply, or
   ``timeout_reply`` itself when the session may not block (inside MULTI/EXEC,
   i.e. ``s.multi``, and inside scripts, ``s.no_block``). ``kind`` is the value
   class the command waits for (``List``...); ``timeout`` comes from
   ``parse_timeout`` (seconds, 0 = forever). Re-running the same argv later
   recomputes everything, so the handler keeps no state between tries; a
   command whose retry must differ (XREAD's ``$`` is resolved once, when the
   wait starts) puts the argv to retry with in ``Block.argv``, and one that
   must also hear of its key's deletion sets ``Block.wake_on_delete``.
2. The facade (``burner.sync._wait`` / ``burner.aio._wait``) makes a
   ``Waiter`` with an opaque ``wake`` callback and, holding Server.lock, runs
   the command once more and, if it still blocks, ``Blocking.add``s it: the
   waiter joins, last, a FIFO queue per (db, key). The facade tracks the
   deadline itself from the first Block's timeout.
3. Every write ends in ``Db.modified(key)``, which calls ``Blocking.signal``:
   the first waiter queued on that key whose ``kind`` is the type now stored
   there gets its ``wake()`` called, once (``signaled``). Nobody else is woken:
   one wake-up per write, passed on as below, serves waiters in arrival order.
4. A woken waiter re-runs its own argv under Server.lock:
   - it got a reply: ``Blocking.done(waiter)`` removes it from all its queues
     and passes the signal to the next waiter of each of its keys that still
     hold a value of the right kind (its own pop modified the key while it was
     still queued, so this is how the next waiter learns of what is left);
   - it got a Block again: ``Blocking.rearm(waiter)`` keeps its place,
     un-signaled, and passes the signal to the next waiter behind it (another
     waiter may be able to use what this one could not, e.g. XREAD ids).
5. A waiter that times out or is cancelled calls ``Blocking.done`` (in a
   ``finally``): it leaves no trace, and a signal it had not used is passed on,
   so a wake-up is never lost.
6. CLIENT UNBLOCK (``Blocking.unblock``) sets ``waiter.unblocked`` and
   ``waiter.outcome`` (its timeout reply, or the UNBLOCKED error) and wakes
   it; a woken waiter that finds ``unblocked`` set replies ``outcome`` without
   re-running its command.
Only a waiter pops for itself, after it is woken, under the lock: an element
is never taken for a waiter that is gone. ``wake`` runs in the writer's
thread with Server.lock held: it must not block and must be thread-safe; it
returns False if the waiter can never run again (its event loop is closed),
and the core then drops that waiter and passes the signal on.

Complexity: signal is O(1) when the head of the queue matches (the usual
case); add is O(keys); done is O(keys x position in queue), so O(keys) for
the usual head-of-queue waiter.

Known difference from Redis: Redis hands the element to the blocked client
inside the pushing command; here the woken client takes it on its next turn.
So what it gets can differ when other commands run in between: a client that
pops without blocking can take the element first, and several pushes before
the woken client runs are seen together (a BRPOP waiter then takes the last
element of the later push). FIFO among waiters, directions and counts are as
Redis serves them once the waiters have run (tests/clients/test_blocking.py
compares them with the real server).
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import TYPE_CHECKING, Any

from . import errors
from .replies import Block, Reply

if TYPE_CHECKING:
    from .db import Db
    from .session import Session

__all__ = ["Blocking", "Waiter", "block", "parse_timeout"]


def block(
    s: Session, keys: list[bytes], kind: type, timeout: float, timeout_reply: Reply
) -> Reply:
    """What a blocking handler returns when it cannot proceed."""
    if s.multi or s.no_block:
        return timeout_reply
    return Block(keys, kind, timeout, timeout_reply)


# strtold's forms: decimal with optional exponent, hex with optional binary
# exponent, inf/infinity, nan (refused later). No leading space, no trailing junk.
_TIMEOUT_RE = re.compile(
    rb"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    rb"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    rb"|inf|infinity|nan)\Z",
    re.IGNORECASE,
)
_LONG_DOUBLE_MAX_EXP10 = 4932  # x87 long double: about 1.19e4932
_LONG_DOUBLE_MIN_EXP10 = -4951  # smallest subnormal: about 3.6e-4951
_MS_LIMIT = 2.0**63  # past this the cast to long long wraps negative


def parse_timeout(raw: bytes) -> float:
    """A blocking command's timeout in seconds (0: wait forever), read the way
    Redis 7.0 reads it: a long double of seconds, rounded up to whole ms."""
    if raw.isdigit() and len(raw) < 16:  # the common case: whole seconds
        return float(int(raw))
    if not _TIMEOUT_RE.match(raw):
        raise errors.err(errors.TIMEOUT_NOT_FLOAT)
    text = raw.decode()
    lowered = text.lower()
    if "nan" in lowered:
        raise errors.err(errors.TIMEOUT_NOT_FLOAT)
    if "x" in lowered:
        sign = -1.0 if text.startswith("-") else 1.0
        try:
            value = sign * float.fromhex(text.lstrip("+-"))
        except OverflowError:
            raise errors.err(errors.TIMEOUT_NEGATIVE)
    else:
        value = float(text)
        if "inf" not in lowered and (math.isinf(value) or value == 0.0):
            # Past a double's range but maybe not a long double's.
            try:
                exact = Decimal(text)
            except InvalidOperation:
                raise errors.err(errors.TIMEOUT_NOT_FLOAT)
            if exact:
                magnitude = exact.adjusted()
                if magnitude > _LONG_DOUBLE_MAX_EXP10 or magnitude < _LONG_DOUBLE_MIN_EXP10:
                    raise errors.err(errors.TIMEOUT_NOT_FLOAT)
    ms = value * 1000.0
    if math.isinf(ms) or ms >= _MS_LIMIT or ms <= -_MS_LIMIT:
        raise errors.err(errors.TIMEOUT_NEGATIVE)
    whole = math.ceil(ms)
    if whole < 0:
        raise errors.err(errors.TIMEOUT_NEGATIVE)
    return whole / 1000.0


class Waiter:
    """One blocked client: its session, the keys it waits on (deduplicated),
    the value kind it needs there, and how to wake it."""

    __slots__ = (
        "db",
        "keys",
        "kind",
        "outcome",
        "session",
        "signaled",
        "timeout_reply",
        "unblocked",
        "wake",
        "wake_on_delete",
    )

    def __init__(
        self,
        session: Session,
        keys: list[bytes],
        kind: type,
        wake: Callable[[], Any],
        timeout_reply: Reply = None,
    ) -> None:
        self.session = session
        self.db: Db = session.db
        self.keys = list(dict.fromkeys(keys))
        self.kind = kind
        self.wake = wake
        self.timeout_reply = timeout_reply
        self.signaled = False
        self.unblocked = False
        self.outcome: Reply = None
        self.wake_on_delete = False


class Blocking:
    """Per (db index, key), the FIFO queue of waiters on that key."""

    __slots__ = ("by_session", "on_delete", "queues")

    def __init__(self) -> None:
        self.queues: dict[tuple[int, bytes], deque[Waiter]] = {}
        # Per session id, its waiters (several when one async client is shared
        # by concurrent tasks: a facade client is one session).
        self.by_session: dict[int, list[Waiter]] = {}
        # How many queued waiters want waking when their key is deleted.
        self.on_delete = 0

    def __len__(self) -> int:
        """How many waiters are blocked."""
        return sum(len(waiters) for waiters in self.by_session.values())

    def _check(self) -> None:
        """Assert the invariants: every registered waiter is queued exactly
        once on each of its keys and nowhere else; no queue is empty."""
        registered = [w for waiters in self.by_session.values() for w in waiters]
        assert len({id(w) for w in registered}) == len(registered)
        assert self.on_delete == sum(1 for w in registered if w.wake_on_delete)
        queued = 0
        for (index, key), queue in self.queues.items():
            assert queue, "an empty queue must not be kept"
            assert len({id(w) for w in queue}) == len(queue)
            for waiter in queue:
                assert waiter.db.index == index and key in waiter.keys
                assert waiter in self.by_session.get(waiter.session.id, ())
            queued += len(queue)
        assert queued == sum(len(w.keys) for w in registered)

    def is_blocked(self, session_id: int) -> bool:
        return session_id in self.by_session

    def unblock(self, session_id: int, error: bool) -> bool:
        """CLIENT UNBLOCK: end a blocked client's wait (its oldest, if it has
        several) with its timeout reply or the UNBLOCKED error. False if that
        client is not blocked."""
        for waiter in self.by_session.get(session_id, ()):
            if not waiter.unblocked:
                break
        else:
            return False
        waiter.unblocked = True
        waiter.outcome = errors.err(errors.UNBLOCKED) if error else waiter.timeout_reply
        if not waiter.signaled and waiter.wake() is False:
            self.done(waiter)
        return True

    def add(self, waiter: Waiter) -> None:
        if waiter.wake_on_delete:
            self.on_delete += 1
        self.by_session.setdefault(waiter.session.id, []).append(waiter)
        index = waiter.db.index
        queues = self.queues
        for key in waiter.keys:
            queue = queues.get((index, key))
            if queue is None:
                queue = queues[(index, key)] = deque()
            queue.append(waiter)

    def signal(self, db: Db, key: bytes) -> None:
        """``key`` in ``db`` was written: wake the first waiter that may use it."""
        queue = self.queues.get((db.index, key))
        if queue:
            dead = _signal_from(queue, db, key, 0, self.on_delete)
            if dead is not None:
                self.done(dead)

    def rearm(self, waiter: Waiter) -> None:
        """``waiter`` was woken but still blocks: it keeps its place, and the
        signal moves to whoever waits behind it."""
        if not waiter.signaled:
            return
        waiter.signaled = False
        db = waiter.db
        for key in waiter.keys:
            queue = self.queues.get((db.index, key))
            if queue:
                try:
                    position = queue.index(waiter)
                except ValueError:
                    continue
                dead = _signal_from(queue, db, key, position + 1, self.on_delete)
                if dead is not None:
                    self.done(dead)

    def done(self, waiter: Waiter) -> None:
        """``waiter`` leaves (served, timed out or cancelled). Idempotent."""
        db = waiter.db
        queues = self.queues
        passing = waiter.signaled
        waiter.signaled = False
        mine = self.by_session.get(waiter.session.id)
        if mine is not None and waiter in mine:
            mine.remove(waiter)
            if not mine:
                del self.by_session[waiter.session.id]
            if waiter.wake_on_delete:
                self.on_delete -= 1
        for key in waiter.keys:
            queue = queues.get((db.index, key))
            if queue is None:
                continue
            try:
                position = queue.index(waiter)
            except ValueError:
                continue
            del queue[position]
            if not queue:
                del queues[(db.index, key)]
            elif passing:
                dead = _signal_from(queue, db, key, position, self.on_delete)
                if dead is not None:
                    self.done(dead)


def _signal_from(
    queue: deque[Waiter], db: Db, key: bytes, start: int, on_delete: int
) -> Waiter | None:
    """Signal the first waiter from ``start`` that can use what ``key`` holds
    (unless it is signaled already). Returns that waiter if its wake found
    it gone (its event loop closed under it): the caller drops it with
    ``done``, which passes the signal on."""
    value = db.data.get(key)
    if value is None:
        if not on_delete:
            return None
        # A deleted key wakes only the waiters that answer deletion (XREADGROUP).
        for waiter in islice(queue, start, None):
            if waiter.wake_on_delete:
                return _wake(waiter)
        return None
    kind = type(value)
    for waiter in islice(queue, start, None):
        if waiter.kind is kind:
            return _wake(waiter)
    return None


def _wake(waiter: Waiter) -> Waiter | None:
    if waiter.signaled:
        return None
    waiter.signaled = True
    if waiter.wake() is False:
        return waiter
    return None
