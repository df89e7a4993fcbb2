"""One keyspace: key -> value, key -> expiry (ms), and who watches which key.

Rules:
- Every read goes through ``lookup`` (or ``get_typed``), which expires a key
  whose deadline has passed (lazy expiry). ``sweep`` does the active part.
- Every write goes through a method here, or is followed by ``modified(key)``
  when a command changes a container in place: that is how WATCH (D6) and
  blocked clients (D3) learn about it.
- A stored container is never empty: a command that empties one deletes the key.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from . import errors
from .notify import EXPIRED, KEY_MISS, NEW, notify
from .values import Value

if TYPE_CHECKING:
    from .session import Session
    from .state import ServerState

T = TypeVar("T")

# ``ServerState.next_sweep_ms`` when no database has a deadline to sweep.
NEVER = 1 << 62


class Db:
    __slots__ = (
        "blocking", "clock", "data", "deadlines", "expires", "index", "server", "watchers",
    )

    def __init__(self, server: ServerState, index: int) -> None:
        self.server = server
        self.clock = server.clock
        self.blocking = server.blocking
        self.index = index
        self.data: dict[bytes, Value] = {}
        self.expires: dict[bytes, int] = {}
        self.deadlines: list[tuple[int, bytes]] = []  # heap for the active sweep
        self.watchers: dict[bytes, list[Session]] = {}

    # --- reads ---------------------------------------------------------------
    def lookup(self, key: bytes) -> Value | None:
        value = self.data.get(key)
        if value is not None and self.expires:
            deadline = self.expires.get(key)
            if deadline is not None and deadline <= self.clock.ms():
                self.expire_now(key)
                return None
        return value

    def get_typed(self, key: bytes, cls: type[T]) -> T | None:
        """The value at ``key`` if it is a ``cls``, None if missing; else WRONGTYPE."""
        value = self.lookup(key)
        if value is None or type(value) is cls:
            return value
        raise errors.err(errors.WRONGTYPE)

    # Commands that *read* a key (Redis's lookupKeyRead) use ``read`` and
    # ``read_typed``: the same as above, plus a ``keymiss`` event (class m)
    # when the key is missing. Writes, and reads Redis makes without notifying
    # (OBJECT, the key checks of RENAME, MOVE, ...), keep ``lookup``.
    def read(self, key: bytes) -> Value | None:
        value = self.data.get(key)
        if value is None:
            if self.server.notify_flags & KEY_MISS:
                notify(self.server, self, KEY_MISS, b"keymiss", key)
            return None
        if self.expires:
            deadline = self.expires.get(key)
            if deadline is not None and deadline <= self.clock.ms():
                self._expired_read(key)
                return None
        return value

    def read_typed(self, key: bytes, cls: type[T]) -> T | None:
        """``get_typed`` for a read: a miss publishes ``keymiss``. The body of
        ``read`` is repeated here rather than called: this is GET's path, and
        a call costs a tenth of it."""
        value = self.data.get(key)
        if value is None:
            if self.server.notify_flags & KEY_MISS:
                notify(self.server, self, KEY_MISS, b"keymiss", key)
            return None
        if self.expires:
            deadline = self.expires.get(key)
            if deadline is not None and deadline <= self.clock.ms():
                self._expired_read(key)
                return None
        if type(value) is cls:
            return value
        raise errors.err(errors.WRONGTYPE)

    def _expired_read(self, key: bytes) -> None:
        self.expire_now(key)  # "expired" first, then "keymiss", as Redis
        if self.server.notify_flags & KEY_MISS:
            notify(self.server, self, KEY_MISS, b"keymiss", key)

    def exists(self, key: bytes) -> bool:
        return self.lookup(key) is not None

    def ttl_ms(self, key: bytes) -> int | None:
        """Remaining time to live in ms (key assumed to exist), None if persistent."""
        deadline = self.expires.get(key)
        if deadline is None:
            return None
        return deadline - self.clock.ms()

    def __len__(self) -> int:
        return len(self.data)

    # --- writes --------------------------------------------------------------
    def put(self, key: bytes, value: Value, keep_ttl: bool = False) -> None:
        """Store ``value`` at ``key`` (the SET rule: any old TTL goes unless kept).
        The plain SET (commands/strings.py) repeats this body: change both."""
        data = self.data
        created = key not in data
        data[key] = value
        if not keep_ttl and self.expires:
            self.expires.pop(key, None)
        if self.watchers or self.blocking.queues:  # anyone to tell (most often not)
            self.modified(key)
        if created and self.server.notify_flags:
            notify(self.server, self, NEW, b"new", key)

    def add(self, key: bytes, value: Value) -> None:
        """Store a new value at a key known to be absent."""
        self.data[key] = value
        self.modified(key)
        if self.server.notify_flags:
            notify(self.server, self, NEW, b"new", key)

    def delete(self, key: bytes) -> bool:
        if self.lookup(key) is None:
            return False
        self.remove(key)
        return True

    def remove(self, key: bytes) -> None:
        """Delete a key known to exist (and not expired)."""
        del self.data[key]
        if self.expires:
            self.expires.pop(key, None)
        self.modified(key)

    def expire_now(self, key: bytes) -> None:
        """Drop ``key`` because its deadline passed."""
        del self.data[key]
        del self.expires[key]
        self.modified(key)
        if self.server.notify_flags:
            notify(self.server, self, EXPIRED, b"expired", key)

    def set_expiry(self, key: bytes, deadline_ms: int) -> None:
        """Give an existing key a deadline; one in the past deletes it."""
        if deadline_ms <= self.clock.ms():
            self.remove(key)
        else:
            self.expires[key] = deadline_ms
            heapq.heappush(self.deadlines, (deadline_ms, key))
            server = self.server
            if server.next_sweep_ms == NEVER:
                server.next_sweep_ms = 0  # the active sweep has work again
            self.modified(key)

    def persist(self, key: bytes) -> bool:
        if self.expires.pop(key, None) is None:
            return False
        self.modified(key)
        return True

    def clear(self) -> None:
        # Redis touches only the watched keys that exist (FLUSHDB/FLUSHALL).
        data = self.data
        keys = [key for key in self.watchers if key in data]
        self.data.clear()
        self.expires.clear()
        self.deadlines.clear()
        for key in keys:
            self.modified(key)

    # --- signals ---------------------------------------------------------------
    def modified(self, key: bytes) -> None:
        watchers = self.watchers.get(key)
        if watchers:
            for session in watchers:
                session.dirty = True
        blocking = self.blocking
        if blocking.queues:
            blocking.signal(self, key)

    def wake(self, key: bytes) -> None:
        """A change Redis does not count as touching the key for WATCH (a
        stream's consumer groups, XSETID) but that blocked readers must see
        (a destroyed group, a moved group ID)."""
        blocking = self.blocking
        if blocking.queues:
            blocking.signal(self, key)

    def watch(self, key: bytes, session: Session) -> None:
        self.watchers.setdefault(key, []).append(session)

    def unwatch(self, key: bytes, session: Session) -> None:
        sessions = self.watchers.get(key)
        if sessions is not None:
            try:
                sessions.remove(session)
            except ValueError:
                pass
            if not sessions:
                del self.watchers[key]

    # --- active expiry -----------------------------------------------------------
    def sweep(self, now: int, budget: int = 1000) -> int:
        """Expire up to ``budget`` keys whose deadline passed (the active part of
        expiry). The heap may hold stale entries; ``expires`` is the truth."""
        heap = self.deadlines
        removed = 0
        while heap and heap[0][0] <= now and removed < budget:
            deadline, key = heapq.heappop(heap)
            if self.expires.get(key) == deadline:
                self.expire_now(key)
                removed += 1
        if len(heap) > 64 and len(heap) > 2 * len(self.expires):
            self.deadlines = [(d, k) for k, d in self.expires.items()]
            heapq.heapify(self.deadlines)
        return removed

    def random_key(self) -> bytes | None:
        while self.data:
            key = _sample(self.data, 1)[0]
            if self.lookup(key) is not None:
                return key
        return None


def _sample(mapping: dict[bytes, Any], n: int) -> list[bytes]:
    if len(mapping) <= n:
        return list(mapping)
    # Sample positions without building a list of every key.
    size = len(mapping)
    picks = sorted(random.sample(range(size), n))
    out: list[bytes] = []
    it = iter(mapping)
    pos = 0
    for target in picks:
        while pos < target:
            next(it)
            pos += 1
        out.append(next(it))
        pos += 1
    return out


KeyPredicate = Callable[[bytes], bool]
