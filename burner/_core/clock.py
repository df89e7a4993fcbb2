"""Clocks: where the Server reads the time (DESIGN.md D8).

A clock answers ``ms()``: Unix time in whole milliseconds, the unit of every
expiry in the core. ``VirtualClock`` only moves when told to, so tests can
exercise TTLs without sleeping.
"""

from __future__ import annotations

import time


class Clock:
    """The real wall clock."""

    __slots__ = ()

    def time(self) -> float:
        return time.time()

    def ms(self) -> int:
        return time.time_ns() // 1_000_000


class VirtualClock(Clock):
    """A clock that stands still until ``advance`` or ``set`` moves it."""

    __slots__ = ("_ns",)

    def __init__(self, start: float | None = None) -> None:
        self._ns = time.time_ns() if start is None else int(start * 1_000_000_000)

    def time(self) -> float:
        return self._ns / 1_000_000_000

    def ms(self) -> int:
        return self._ns // 1_000_000

    def advance(self, seconds: float) -> None:
        """Move forward (or, with a negative value, backward) by ``seconds``."""
        self._ns += int(seconds * 1_000_000_000)

    def set(self, timestamp: float) -> None:
        """Jump to the Unix time ``timestamp`` (seconds)."""
        self._ns = int(timestamp * 1_000_000_000)
