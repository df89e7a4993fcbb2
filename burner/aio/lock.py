"""``Lock``: redis-py's asyncio Lock, waiting with anyio so it runs under trio.

Only ``acquire`` is redis-py's asyncio-bound part (its loop clock and
``asyncio.sleep``); the Lua-backed release/extend/reacquire are inherited.
"""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import redis.asyncio.lock


class Lock(redis.asyncio.lock.Lock):
    async def acquire(
        self,
        blocking: bool | None = None,
        blocking_timeout: float | None = None,
        token: str | bytes | None = None,
    ) -> bool:
        if token is None:
            token = uuid.uuid1().hex.encode()
        else:
            encoder: Any = self.redis.get_encoder()  # type: ignore[no-untyped-call,unused-ignore]
            token = encoder.encode(token)
        if blocking is None:
            blocking = self.blocking
        if blocking_timeout is None:
            blocking_timeout = self.blocking_timeout
        stop_trying_at = None
        if blocking_timeout is not None:
            stop_trying_at = anyio.current_time() + blocking_timeout
        while True:
            if await self.do_acquire(token):
                self.local.token = token
                return True
            if not blocking:
                return False
            next_try_at = anyio.current_time() + self.sleep
            if stop_trying_at is not None and next_try_at > stop_trying_at:
                return False
            await anyio.sleep(self.sleep)
