"""``PubSub``: redis-py's sync PubSub on an in-process subscriber session.

The subscription bookkeeping, handlers, ``listen``, ``get_message`` and
``run_in_thread`` are redis-py's own; only the connection is burner's.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import redis.client
from redis.backoff import NoBackoff
from redis.retry import Retry

from .._pubsub import ConnectionFacade, PubSubLink

if TYPE_CHECKING:
    from .client import Redis

_SENTINEL = object()


class PubSubConnection(ConnectionFacade):
    def __init__(self, link: PubSubLink) -> None:
        super().__init__(link)
        self.retry = Retry(NoBackoff(), 0)
        self._ready = threading.Event()
        link.sub.wake = self._ready.set

    def connect(self) -> None:
        self.link.check_open()

    def disconnect(self, *args: Any, **kwargs: Any) -> None:
        self.link.close()
        self._ready.set()

    def send_command(self, *args: Any, **kwargs: Any) -> None:
        self.link.send(args)

    def _wait(self, timeout: float | None) -> bool:
        """Wait until the mailbox has something (or ``timeout`` passes)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self._ready.clear()
            if self.link.has_data():
                return True
            if self.link.closed:
                return False
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            self._ready.wait(remaining)

    def can_read(self, timeout: float | None = 0) -> bool:
        return self._wait(timeout or 0)

    def read_response(
        self,
        disable_decoding: bool = False,
        *,
        timeout: Any = _SENTINEL,
        disconnect_on_error: bool = True,
        push_request: bool = False,
        **kwargs: Any,
    ) -> Any:
        wait_for = None if timeout is _SENTINEL else timeout
        while True:
            if not self._wait(wait_for):
                self.link.check_open()
                return None
            found, message = self.link.take(not disable_decoding)
            if found:
                return message


class _Pool:
    """The pool-shaped object redis-py's PubSub asks for its connection."""

    def __init__(self, client: Redis) -> None:
        self.client = client

    def get_connection(self, *args: Any, **kwargs: Any) -> PubSubConnection:
        return PubSubConnection(PubSubLink(self.client._bridge))

    def release(self, connection: Any) -> None:
        pass

    def get_encoder(self) -> Any:
        return self.client.get_encoder()

    @property
    def connection_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = self.client.connection_pool.connection_kwargs
        return kwargs


class PubSub(redis.client.PubSub):
    def __init__(self, client: Redis, **kwargs: Any) -> None:
        kwargs.setdefault("encoder", client.get_encoder())
        super().__init__(_Pool(client), **kwargs)
