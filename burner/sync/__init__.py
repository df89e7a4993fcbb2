"""The synchronous facade: ``burner.sync.Redis`` is a ``redis.Redis``."""

from .client import Redis as Redis

__all__ = ["Redis"]
