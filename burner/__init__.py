"""burner: an embedded, in-process, Redis-compatible database.

``burner.Redis`` is a ``redis.Redis``; ``burner.aio.Redis`` is a
``redis.asyncio.Redis`` that runs under asyncio and trio. Both run commands on
an in-process ``Server``: no server process, no socket.
"""

from __future__ import annotations

from typing import Any

import redis

from ._core.clock import Clock as Clock
from ._core.clock import VirtualClock as VirtualClock
from ._core.server import Server as Server
from ._version import __version__ as __version__
from .sync import Redis as Redis


def from_url(url: str, **kwargs: Any) -> redis.Redis:
    """A sync client for ``url``.

    ``memory://name`` returns a ``burner.Redis`` on the process-wide Server
    called ``name`` (``memory://`` alone: a private one); any other URL
    (``redis://``, ``rediss://``, ``unix://``) returns a plain ``redis.Redis``.
    """
    if url.startswith("memory://"):
        return Redis.from_url(url, **kwargs)
    return redis.Redis.from_url(url, **kwargs)


__all__ = ["Clock", "Redis", "Server", "VirtualClock", "__version__", "from_url"]
