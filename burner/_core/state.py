"""The server's shared parts, as commands see them through ``session.server``.

``Server`` (server.py) adds the entry point; this module holds the data so
command modules can use it without importing server.py (DESIGN.md D2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .blocking import Blocking
from .clock import Clock
from .db import NEVER, Db
from .pubsub import PubSubRegistry

if TYPE_CHECKING:
    from .session import Session

NUM_DATABASES = 16

# CONFIG parameters the core knows, with Redis's defaults.
DEFAULT_CONFIG: dict[str, bytes] = {
    "databases": b"16",
    "notify-keyspace-events": b"",
    "lua-time-limit": b"5000",
    "busy-reply-threshold": b"5000",
    "hash-max-listpack-entries": b"512",
    "hash-max-listpack-value": b"64",
    "list-max-listpack-size": b"-2",
    "set-max-intset-entries": b"512",
    "set-max-listpack-entries": b"128",
    "set-max-listpack-value": b"64",
    "zset-max-listpack-entries": b"128",
    "zset-max-listpack-value": b"64",
    "stream-node-max-entries": b"100",
    "stream-node-max-bytes": b"4096",
    "hll-sparse-max-bytes": b"3000",
    "maxmemory": b"0",
    "maxmemory-policy": b"noeviction",
    "timeout": b"0",
    "save": b"",
    "appendonly": b"no",
    "requirepass": b"",
    "port": b"0",
    "client-output-buffer-limit": (
        b"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
    ),
}


# Old names Redis 7 still accepts for some parameters (CONFIG GET answers
# with the name asked for; both names share one value).
CONFIG_ALIASES: dict[str, str] = {
    "hash-max-ziplist-entries": "hash-max-listpack-entries",
    "hash-max-ziplist-value": "hash-max-listpack-value",
    "zset-max-ziplist-entries": "zset-max-listpack-entries",
    "zset-max-ziplist-value": "zset-max-listpack-value",
    "list-max-ziplist-size": "list-max-listpack-size",
}


class ServerState:
    SWEEP_INTERVAL_MS = 100

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock: Clock = clock if clock is not None else Clock()
        # Blocked clients (D3): per (db, key) the FIFO of waiters; see blocking.py.
        self.blocking = Blocking()  # before the databases, which keep a reference
        self.dbs: list[Db] = [Db(self, i) for i in range(NUM_DATABASES)]
        self.config: dict[str, bytes] = dict(DEFAULT_CONFIG)
        self.sessions: dict[int, Session] = {}
        self.pubsub = PubSubRegistry()
        self.notify_flags = 0  # parsed notify-keyspace-events (see notify.py)
        self._next_client_id = 1
        self.next_sweep_ms = 0
        self.started_ms = self.clock.ms()

    def next_client_id(self) -> int:
        cid = self._next_client_id
        self._next_client_id += 1
        return cid

    def sweep_if_due(self) -> None:
        """Run the active expiry sweep at most every SWEEP_INTERVAL_MS, and not
        at all while no key has a deadline (``next_sweep_ms`` is then NEVER)."""
        if self.next_sweep_ms == NEVER:
            return
        now = self.clock.ms()
        if now < self.next_sweep_ms:
            return
        self.next_sweep_ms = now + self.SWEEP_INTERVAL_MS
        pending = False
        for db in self.dbs:
            if db.deadlines:
                db.sweep(now)
                pending = pending or bool(db.deadlines)
        if not pending:
            # Nothing left to sweep: the hot paths skip the clock until
            # Db.set_expiry arms the sweep again.
            self.next_sweep_ms = NEVER
