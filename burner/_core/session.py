"""A client's state inside the core: the Redis notion of a connection.

Every facade client (and every pipeline with WATCH/MULTI, and every RESP
connection) owns one Session. Commands receive it as their first argument and
reach the server's shared parts through ``session.server``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .db import Db
    from .pubsub import Subscriber
    from .registry import Command
    from .state import ServerState


class Session:
    __slots__ = (
        "created_ms",
        "db",
        "dirty",
        "id",
        "last_ms",
        "lib_name",
        "lib_ver",
        "multi",
        "multi_error",
        "name",
        "no_block",
        "queued",
        "resp",
        "retrying",
        "server",
        "sub",
        "watched",
    )

    def __init__(self, server: ServerState, client_id: int, resp: int = 2) -> None:
        self.server = server
        self.id = client_id
        self.db: Db = server.dbs[0]
        self.resp = resp
        self.name = b""
        self.lib_name = b""
        self.lib_ver = b""
        now = server.clock.ms()
        self.created_ms = now
        self.last_ms = now
        # transaction state (MULTI/EXEC/WATCH)
        self.multi = False
        # blocking commands answer at once instead of blocking (scripts)
        self.no_block = False
        self.multi_error = False
        self.queued: list[tuple[Command, list[bytes]]] = []  # (command, argv)
        self.watched: list[tuple[Db, bytes]] = []
        self.dirty = False
        # pub/sub mailbox, created by the first subscribe (or by the facade)
        self.sub: Subscriber | None = None
        # True while a blocked command runs again after a wake-up (D3)
        self.retrying = False

    def select(self, index: int) -> None:
        self.db = self.server.dbs[index]

    def unwatch(self) -> None:
        for db, key in self.watched:
            db.unwatch(key, self)
        self.watched.clear()
        self.dirty = False
