"""The in-process connection behind burner's PubSub objects.

redis-py's ``PubSub`` classes keep all the subscription bookkeeping, handler
dispatch and message shaping; they only need a connection that can send a
command and read the next reply or message. ``PubSubLink`` is that
connection's core half, shared by the sync and async facades: a Session of
its own (a subscribed client is a connection of its own in Redis too) whose
mailbox receives confirmations, messages and command replies in order.
Nothing is encoded to RESP.
"""

from __future__ import annotations

from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError

from ._bridge import Bridge
from ._core.pubsub import Subscriber
from ._core.replies import NO_REPLY, CommandError, Reply


class PubSubLink:
    """A subscriber session plus the bridge that encodes and shapes for it."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self.session = bridge.new_session(bridge.session.db.index)
        self.sub = Subscriber()
        self.session.sub = self.sub
        self.closed = False

    def send(self, args: tuple[Any, ...]) -> None:
        """Run one command; its reply (if it has one) joins the mailbox in order."""
        self.check_open()
        bridge = self.bridge
        argv = bridge.encode(args)
        with bridge.lock:
            reply = bridge.server.execute(self.session, argv)
            if reply is not NO_REPLY:
                self.sub.put(reply)

    def take(self, decode: bool) -> tuple[bool, Any]:
        """(True, message) for the next mailbox item, or (False, None) if none."""
        with self.bridge.lock:
            if self.sub.dropped is not None:
                raise RedisConnectionError(self.sub.dropped)
            if not self.sub.outbox:
                return False, None
            item: Reply = self.sub.take()
        shaped = self.bridge.shape(item, decode and self.bridge.decode)
        if type(item) is CommandError:
            raise shaped
        return True, shaped

    def has_data(self) -> bool:
        return bool(self.sub.outbox) or self.sub.dropped is not None

    def check_open(self) -> None:
        if self.sub.dropped is not None:
            raise RedisConnectionError(self.sub.dropped)
        if self.closed:
            raise RedisConnectionError("the PubSub connection is closed")

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        bridge = self.bridge
        with bridge.lock:
            bridge.server.close_session(self.session)
            self.sub.outbox.clear()
            self.sub.outbox_bytes = 0


class _NullParser:
    """Stands in for the socket parser redis-py reaches into."""

    def set_pubsub_push_handler(self, handler: Any) -> None:
        pass

    def set_invalidation_push_handler(self, handler: Any) -> None:
        pass


class ConnectionFacade:
    """Attributes redis-py reads from any connection it holds."""

    host = "memory"
    port = 0
    socket_timeout: float | None = None
    health_check_interval = 0
    next_health_check = 0.0
    is_connected = True
    credential_provider = None

    def __init__(self, link: PubSubLink) -> None:
        self.link = link
        self.db = link.session.db.index
        self._parser = _NullParser()
        self._callbacks: list[Any] = []

    def register_connect_callback(self, callback: Any) -> None:
        pass

    def deregister_connect_callback(self, callback: Any) -> None:
        pass

    def should_reconnect(self) -> bool:
        return False

    def get_protocol(self) -> int:
        return self.link.bridge.resp

    def set_parser(self, parser_class: Any) -> None:
        pass
