"""The connection class burner hands to redis-py's pools: it cannot connect.

burner clients run every command in process; if any redis-py code path ever
tried to make a connection, it gets this error instead of a socket.
"""

from __future__ import annotations

from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError

MESSAGE = "burner clients run in process and never open a connection"


class NoSocketConnection:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RedisConnectionError(MESSAGE)


def parse_memory_url(url: str) -> tuple[str, dict[str, Any]]:
    """``memory://name?db=1&decode_responses=true`` -> ("name", {...})."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    name = (parts.netloc + parts.path).strip("/")
    options: dict[str, Any] = {}
    for key, value in parse_qsl(parts.query):
        if key == "db":
            options["db"] = int(value)
        elif key == "protocol":
            options["protocol"] = int(value)
        elif key == "decode_responses":
            options["decode_responses"] = value.lower() in ("1", "true", "yes", "y", "on")
        elif key in ("encoding", "encoding_errors", "client_name"):
            options[key] = value
    return name, options
