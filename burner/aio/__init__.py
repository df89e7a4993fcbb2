"""The async facade: ``burner.aio.Redis`` is a ``redis.asyncio.Redis`` that runs
under asyncio and trio (it waits with anyio only)."""

from __future__ import annotations

from typing import Any

import redis.asyncio

from .client import Redis as Redis

__all__ = ["Redis", "from_url"]


def from_url(url: str, **kwargs: Any) -> redis.asyncio.Redis:
    """An async client for ``url``: ``memory://name`` gives a ``burner.aio.Redis``
    on the named process-wide Server; other URLs a plain ``redis.asyncio.Redis``."""
    if url.startswith("memory://"):
        return Redis.from_url(url, **kwargs)
    return redis.asyncio.Redis.from_url(url, **kwargs)
