"""Pub/Sub inside the core: who listens to what, and delivery into mailboxes.

Rules:
- A session that subscribes gets a ``Subscriber`` (its mailbox). PUBLISH
  appends messages to each matching subscriber's ``outbox`` (channel
  subscribers first, then pattern subscribers, as Redis does) and calls its
  ``wake`` callable, which the facade provides and which must be cheap and
  thread-safe. Nothing here waits.
- Messages and subscribe confirmations are plain reply lists
  (``[b"message", channel, data]`` ...); in RESP3 they are pushes.
- A subscriber whose unread backlog passes the pubsub output-buffer limits
  (Redis's defaults: hard 32 MiB, or soft 8 MiB for 60 s; CONFIG
  ``client-output-buffer-limit``) is dropped: all its subscriptions go, its
  backlog is discarded and ``dropped`` says why; the facade reports that as
  a connection error, as Redis closes such a client's connection.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from .glob import compile_glob
from .replies import Reply

if TYPE_CHECKING:
    from .session import Session

DEFAULT_LIMITS = (32 * 1024 * 1024, 8 * 1024 * 1024, 60)


class Subscriber:
    __slots__ = (
        "channels",
        "dropped",
        "outbox",
        "outbox_bytes",
        "patterns",
        "shard_channels",
        "soft_since_ms",
        "wake",
    )

    def __init__(self, wake: Callable[[], None] | None = None) -> None:
        self.channels: dict[bytes, None] = {}
        self.patterns: dict[bytes, None] = {}
        self.shard_channels: dict[bytes, None] = {}
        self.outbox: deque[tuple[Reply, int]] = deque()
        self.outbox_bytes = 0
        self.soft_since_ms: int | None = None
        self.wake = wake
        self.dropped: str | None = None

    @property
    def count(self) -> int:
        """What SUBSCRIBE/PSUBSCRIBE replies report: channels plus patterns."""
        return len(self.channels) + len(self.patterns)

    @property
    def active(self) -> bool:
        return bool(self.channels or self.patterns or self.shard_channels)

    def put(self, message: Reply, size: int = 0) -> None:
        self.outbox.append((message, size))
        self.outbox_bytes += size
        if self.wake is not None:
            self.wake()

    def take(self) -> Reply | None:
        """The oldest undelivered message, or None."""
        if not self.outbox:
            return None
        message, size = self.outbox.popleft()
        self.outbox_bytes -= size
        if self.outbox_bytes < DEFAULT_LIMITS[1]:
            self.soft_since_ms = None
        return message


class PubSubRegistry:
    """Channel and pattern subscriptions of one Server."""

    def __init__(self) -> None:
        self.channels: dict[bytes, dict[Session, None]] = {}
        self.patterns: dict[bytes, dict[Session, None]] = {}
        self.shard_channels: dict[bytes, dict[Session, None]] = {}
        self._matchers: dict[bytes, Callable[[bytes], bool]] = {}

    # --- subscriptions ---------------------------------------------------------
    def subscribe(self, session: Session, sub: Subscriber, channel: bytes) -> None:
        if channel not in sub.channels:
            sub.channels[channel] = None
            self.channels.setdefault(channel, {})[session] = None

    def unsubscribe(self, session: Session, sub: Subscriber, channel: bytes) -> bool:
        if channel not in sub.channels:
            return False
        del sub.channels[channel]
        _discard(self.channels, channel, session)
        return True

    def psubscribe(self, session: Session, sub: Subscriber, pattern: bytes) -> None:
        if pattern not in sub.patterns:
            sub.patterns[pattern] = None
            self.patterns.setdefault(pattern, {})[session] = None
            if pattern not in self._matchers:
                self._matchers[pattern] = compile_glob(pattern)

    def punsubscribe(self, session: Session, sub: Subscriber, pattern: bytes) -> bool:
        if pattern not in sub.patterns:
            return False
        del sub.patterns[pattern]
        _discard(self.patterns, pattern, session)
        if pattern not in self.patterns:
            self._matchers.pop(pattern, None)
        return True

    def ssubscribe(self, session: Session, sub: Subscriber, channel: bytes) -> None:
        if channel not in sub.shard_channels:
            sub.shard_channels[channel] = None
            self.shard_channels.setdefault(channel, {})[session] = None

    def sunsubscribe(self, session: Session, sub: Subscriber, channel: bytes) -> bool:
        if channel not in sub.shard_channels:
            return False
        del sub.shard_channels[channel]
        _discard(self.shard_channels, channel, session)
        return True

    def drop(self, session: Session, sub: Subscriber) -> None:
        """Forget every subscription of ``session``."""
        for channel in list(sub.channels):
            self.unsubscribe(session, sub, channel)
        for pattern in list(sub.patterns):
            self.punsubscribe(session, sub, pattern)
        for channel in list(sub.shard_channels):
            self.sunsubscribe(session, sub, channel)

    # --- delivery --------------------------------------------------------------------
    def publish(self, channel: bytes, data: bytes, now_ms: int, limits: tuple[int, int, int]) -> int:
        receivers = 0
        size = len(channel) + len(data) + 32
        listeners = self.channels.get(channel)
        if listeners:
            for session in list(listeners):
                if self._deliver(session, [b"message", channel, data], size, now_ms, limits):
                    receivers += 1
        if self.patterns:
            for pattern, sessions in list(self.patterns.items()):
                if not self._matchers[pattern](channel):
                    continue
                message: Reply = [b"pmessage", pattern, channel, data]
                for session in list(sessions):
                    if self._deliver(session, message, size + len(pattern), now_ms, limits):
                        receivers += 1
        return receivers

    def spublish(self, channel: bytes, data: bytes, now_ms: int, limits: tuple[int, int, int]) -> int:
        receivers = 0
        listeners = self.shard_channels.get(channel)
        if listeners:
            size = len(channel) + len(data) + 32
            for session in list(listeners):
                if self._deliver(session, [b"smessage", channel, data], size, now_ms, limits):
                    receivers += 1
        return receivers

    def _deliver(
        self, session: Session, message: Reply, size: int, now_ms: int, limits: tuple[int, int, int]
    ) -> bool:
        sub = session.sub
        if sub is None or sub.dropped is not None:
            return False
        sub.put(message, size)
        hard, soft, soft_seconds = limits
        backlog = sub.outbox_bytes
        over = hard and backlog > hard
        if soft and backlog > soft:
            if sub.soft_since_ms is None:
                sub.soft_since_ms = now_ms
            elif now_ms - sub.soft_since_ms >= soft_seconds * 1000:
                over = True
        if over:
            self.drop(session, sub)
            sub.outbox.clear()
            sub.outbox_bytes = 0
            sub.dropped = (
                "Connection closed by server: the subscriber fell behind past the pubsub "
                "output buffer limit (client-output-buffer-limit pubsub)"
            )
            if sub.wake is not None:
                sub.wake()
        return True

    # --- introspection -------------------------------------------------------------
    def channel_names(self, pattern: bytes | None, shard: bool = False) -> list[bytes]:
        table = self.shard_channels if shard else self.channels
        if pattern is None:
            return list(table)
        match = compile_glob(pattern)
        return [name for name in table if match(name)]

    def numsub(self, channel: bytes, shard: bool = False) -> int:
        table = self.shard_channels if shard else self.channels
        return len(table.get(channel, ()))


def _discard(table: dict[bytes, dict[Session, None]], name: bytes, session: Session) -> None:
    sessions = table.get(name)
    if sessions is not None:
        sessions.pop(session, None)
        if not sessions:
            del table[name]


def parse_limits(config_value: bytes) -> tuple[int, int, int]:
    """The pubsub class of ``client-output-buffer-limit`` as (hard, soft, seconds)."""
    words = config_value.split()
    for i in range(0, len(words) - 3, 4):
        if words[i].lower() == b"pubsub":
            try:
                return (
                    _memory(words[i + 1]),
                    _memory(words[i + 2]),
                    int(words[i + 3]),
                )
            except ValueError:
                break
    return DEFAULT_LIMITS


def _memory(raw: bytes) -> int:
    units = {b"k": 1000, b"kb": 1024, b"m": 1000**2, b"mb": 1024**2, b"g": 1000**3, b"gb": 1024**3}
    lowered = raw.lower()
    for suffix in (b"kb", b"mb", b"gb", b"k", b"m", b"g"):
        if lowered.endswith(suffix):
            return int(lowered[: -len(suffix)]) * units[suffix]
    return int(lowered)
