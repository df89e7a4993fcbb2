"""``PubSub``: redis-py's asyncio PubSub on an in-process subscriber session,
waiting with anyio so it runs under trio too."""

from __future__ import annotations

import inspect
import math
from typing import TYPE_CHECKING, Any

import anyio
import redis.asyncio.client
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import PubSubError

from .._pubsub import ConnectionFacade, PubSubLink
from ._wait import Waker

if TYPE_CHECKING:
    from .client import Redis


class PubSubConnection(ConnectionFacade):
    def __init__(self, link: PubSubLink) -> None:
        super().__init__(link)
        self.retry = Retry(NoBackoff(), 0)
        self._waker: Waker | None = None
        link.sub.wake = self._wake

    def _wake(self) -> None:
        waker = self._waker
        if waker is not None:
            waker.wake()

    async def connect(self) -> None:
        self.link.check_open()

    async def disconnect(self, *args: Any, **kwargs: Any) -> None:
        self.link.close()
        self._wake()

    async def send_command(self, *args: Any, **kwargs: Any) -> None:
        self.link.send(args)

    async def _wait(self, timeout: float | None) -> bool:
        if timeout is not None and math.isinf(timeout):
            timeout = None
        deadline = None if timeout is None else anyio.current_time() + timeout
        while True:
            waker = self._waker = Waker()
            try:
                with self.link.bridge.lock:
                    ready = self.link.has_data()
                if ready:
                    return True
                if self.link.closed:
                    return False
                remaining = None if deadline is None else deadline - anyio.current_time()
                if remaining is not None and remaining <= 0:
                    return False
                if remaining is None:
                    await waker.event.wait()
                else:
                    with anyio.move_on_after(remaining):
                        await waker.event.wait()
            finally:
                self._waker = None

    async def can_read_destructive(self) -> bool:
        return self.link.has_data()

    async def read_response(
        self,
        disable_decoding: bool = False,
        timeout: float | None = None,
        *,
        disconnect_on_error: bool = True,
        push_request: bool | None = False,
        **kwargs: Any,
    ) -> Any:
        while True:
            if not await self._wait(timeout):
                self.link.check_open()
                return None
            found, message = self.link.take(not disable_decoding)
            if found:
                return message


class _Pool:
    def __init__(self, client: Redis) -> None:
        self.client = client

    async def get_connection(self, *args: Any, **kwargs: Any) -> PubSubConnection:
        return PubSubConnection(PubSubLink(self.client._bridge))

    async def release(self, connection: Any) -> None:
        pass

    def get_encoder(self) -> Any:
        return self.client.get_encoder()  # type: ignore[no-untyped-call,unused-ignore]

    @property
    def connection_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = self.client.connection_pool.connection_kwargs
        return kwargs


class PubSub(redis.asyncio.client.PubSub):
    def __init__(self, client: Redis, **kwargs: Any) -> None:
        kwargs.setdefault("encoder", client.get_encoder())  # type: ignore[no-untyped-call,unused-ignore]
        super().__init__(_Pool(client), **kwargs)  # type: ignore[arg-type]

    async def aclose(self) -> None:
        # redis-py guards this with an asyncio.Lock; closing an in-process link
        # needs no lock and must work under trio.
        connection = self.connection
        if connection is not None:
            self.connection = None
            await connection.disconnect()
        self.channels = {}
        self.pending_unsubscribe_channels = set()
        self.patterns = {}
        self.pending_unsubscribe_patterns = set()
        self.shard_channels = {}
        self.pending_unsubscribe_shard_channels = set()

    async def reset(self) -> None:  # type: ignore[override,unused-ignore]
        await self.aclose()

    async def close(self) -> None:  # type: ignore[override,unused-ignore]
        await self.aclose()

    async def run(
        self,
        *,
        exception_handler: Any = None,
        poll_timeout: float = 1.0,
        pubsub: Any = None,
    ) -> None:
        """Dispatch messages to the registered handlers until cancelled (anyio)."""
        for channel, handler in self.channels.items():
            if handler is None:
                raise PubSubError(f"Channel: '{channel}' has no handler registered")
        for pattern, handler in self.patterns.items():
            if handler is None:
                raise PubSubError(f"Pattern: '{pattern}' has no handler registered")
        await self.connect()  # type: ignore[no-untyped-call,unused-ignore]
        source = self if pubsub is None else pubsub
        cancelled = anyio.get_cancelled_exc_class()
        while True:
            try:
                await source.get_message(ignore_subscribe_messages=True, timeout=poll_timeout)
            except cancelled:
                raise
            except Exception as exc:
                if exception_handler is None:
                    raise
                result = exception_handler(exc, self)
                if inspect.isawaitable(result):
                    await result
            await anyio.lowlevel.checkpoint()
