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


# What a reply may be: bytes | int | float | bool | None | list | dict | the
# markers above. Spelled ``Any`` for the type checker because list and dict are
# invariant (a list[bytes] is a perfectly good reply); the reply-shape tests
# check the rule.
Reply = Any

OK = Simple(b"OK")
PONG = Simple(b"PONG")
QUEUED = Simple(b"QUEUED")
