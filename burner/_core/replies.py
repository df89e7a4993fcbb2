"""Reply values returned by the core (RESP3-shaped, per DESIGN.md D1).

Rules:
- bytes is a bulk string; int an integer; float a double; bool a boolean;
  None a null; list an array; dict a map.
- The marker types below carry what plain Python values cannot say.
- An error is a ``CommandError`` instance; it is raised inside commands and
  returned (never raised) by ``Server.execute``.
The facades turn these into what redis-py's parsers would have produced for
the client's protocol (see ``burner._bridge``).
"""

from __future__ import annotations

from typing import Any


class Simple(bytes):
    """A simple string (``+OK``)."""

    __slots__ = ()


class Verbatim(bytes):
    """A verbatim string; the bytes are the payload, ``fmt`` its 3-letter format."""

    fmt: bytes

    def __new__(cls, payload: bytes, fmt: bytes = b"txt") -> Verbatim:
        self = super().__new__(cls, payload)
        self.fmt = fmt
        return self


class BigNumber(int):
    """A RESP3 big number."""

    __slots__ = ()


class SetReply(list[Any]):
    """A RESP3 set (kept as an ordered list: Redis's sets have an order too)."""

    __slots__ = ()


class Pairs(list[Any]):
    """A flat array ``[m1, s1, m2, s2, ...]`` (RESP2, and what a plain-list
    reader sees) that RESP3 shows as ``[[m1, s1], [m2, s2], ...]`` (Redis 7's
    WITHSCORES replies)."""

    __slots__ = ()


class CommandError(Exception):
    """An error reply; ``message`` is Redis's full text, prefix included."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CommandError) and other.message == self.message

    def __hash__(self) -> int:
        return hash(self.message)

    def __repr__(self) -> str:
        return f"CommandError({self.message!r})"


class Block:
    """Not a reply: a blocking command's request to wait (DESIGN.md D3).

    ``keys`` are the keys whose writes may let the command proceed, ``kind``
    the value class it waits for there (List, ZSet, Stream...), ``timeout``
    the wait in seconds (0: forever) and ``timeout_reply`` what the command
    replies when the wait runs out. See ``burner._core.blocking``.
    """

    __slots__ = ("argv", "keys", "kind", "timeout", "timeout_reply", "wake_on_delete")

    def __init__(self, keys: list[bytes], kind: type, timeout: float, timeout_reply: Any) -> None:
        self.keys = keys
        self.kind = kind
        self.timeout = timeout
        self.timeout_reply = timeout_reply
        # The argv to retry with, when it differs from the one sent (XREAD
        # resolves "$" once, when it starts to wait), and whether deleting a
        # key must wake the waiter too (XREADGROUP answers with an error then).
        self.argv: list[bytes] | None = None
        self.wake_on_delete = False

    def __repr__(self) -> str:
        return f"Block(keys={self.keys!r}, timeout={self.timeout!r})"


# What a reply may be: bytes | int | float | bool | None | list | dict | the
# markers above. Spelled ``Any`` for the type checker because list and dict are
# invariant (a list[bytes] is a perfectly good reply); the reply-shape tests
# check the rule.
Reply = Any

class _NoReply:
    """Returned by commands that answer through the session's mailbox (SUBSCRIBE)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_REPLY"


NO_REPLY = _NoReply()
OK = Simple(b"OK")
PONG = Simple(b"PONG")
QUEUED = Simple(b"QUEUED")
