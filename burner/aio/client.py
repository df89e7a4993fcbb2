"""``Redis``: redis-py's asyncio client, running its commands on an in-process Server.

The same bridge as the sync client; the only differences are ``async def``
and awaiting a callback that returns an awaitable. Nothing here touches
asyncio: waits go through anyio, so the client runs under trio too.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import anyio
import redis.asyncio
import redis.asyncio.client
from redis.exceptions import WatchError
from redis.typing import KeyT

from .._bridge import attach, memory_server
from .._core.replies import Block
from .._core.server import Server
from ._wait import wait_for_keys
from .lock import Lock
from .pipeline import Pipeline
from .pubsub import PubSub


class Redis(redis.asyncio.Redis):
    """A drop-in ``redis.asyncio.Redis`` backed by an in-process ``Server``."""

    def __init__(self, *args: Any, server: Server | None = None, **kwargs: Any) -> None:
        kwargs["single_connection_client"] = False
        super().__init__(*args, **kwargs)
        self.server, self._bridge, self._finalizer = attach(self, server)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Redis:  # type: ignore[override,unused-ignore]
        """``memory://name`` shares the Server registered as ``name``."""
        server, options = memory_server(url, kwargs)
        return cls(server=server, **options)

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        bridge = self._bridge
        argv = bridge.encode(args)
        with bridge.lock:
            server = bridge.server
            server.sweep_if_due()
            reply = server.execute(bridge.session, argv)
        if type(reply) is Block:
            reply = await wait_for_keys(bridge, argv, reply)
        result = bridge.finish(args[0], reply, options)
        if inspect.isawaitable(result):
            return await result
        return result

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> Pipeline:
        """A pipeline whose commands run on this client's Server (see aio/pipeline.py)."""
        return Pipeline(self, transaction, shard_hint)

    async def transaction(
        self,
        func: Callable[[redis.asyncio.client.Pipeline], Any | Awaitable[Any]],
        *watches: KeyT,
        shard_hint: str | None = None,
        value_from_callable: bool = False,
        watch_delay: float | None = None,
    ) -> Any:
        """redis-py's ``transaction`` helper, sleeping through anyio (not asyncio)."""
        async with self.pipeline(True, shard_hint) as pipe:
            while True:
                try:
                    if watches:
                        await pipe.watch(*watches)
                    func_value = func(pipe)
                    if inspect.isawaitable(func_value):
                        func_value = await func_value
                    exec_value = await pipe.execute()
                    return func_value if value_from_callable else exec_value
                except WatchError:
                    if watch_delay is not None and watch_delay > 0:
                        await anyio.sleep(watch_delay)
                    continue

    def lock(self, *args: Any, **kwargs: Any) -> Lock:
        """redis-py's ``lock()``, with burner's anyio-waiting Lock as the default class."""
        if len(args) < 6 and kwargs.get("lock_class") is None:
            kwargs["lock_class"] = Lock
        lock = super().lock(*args, **kwargs)
        assert isinstance(lock, Lock) or kwargs.get("lock_class") is not Lock
        return lock  # type: ignore[return-value]

    def pubsub(self, **kwargs: Any) -> PubSub:
        """A PubSub on an in-process subscriber session of this client's Server."""
        return PubSub(self, **kwargs)

    async def initialize(self) -> Redis:  # type: ignore[override,unused-ignore]
        return self

    async def __aenter__(self) -> Redis:  # type: ignore[override,unused-ignore]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        self._finalizer()

    async def close(self, close_connection_pool: bool | None = None) -> None:  # type: ignore[override,unused-ignore]
        await self.aclose()

    def __del__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __repr__(self) -> str:
        return f"<burner.aio.Redis(server={self.server!r}, db={self._bridge.session.db.index})>"

