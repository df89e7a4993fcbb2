"""A wake-up an async task can wait for and any thread or event loop can fire.

``Signal.fire`` may be called with the Server lock held, from any thread,
under any backend: it never blocks. When the waiter's own thread fires it,
the event is set directly; from elsewhere it is scheduled on the waiter's
loop (asyncio's ``call_soon_threadsafe`` or trio's ``run_sync_soon``), the
only thread-safe door each backend offers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import anyio
import sniffio


class Signal:
    __slots__ = ("_event", "_schedule", "_thread", "fired")

    def __init__(self) -> None:
        self._event = anyio.Event()
        self._thread = threading.get_ident()
        self._schedule = _scheduler()
        self.fired = False

    def fire(self) -> None:
        if self.fired:
            return
        self.fired = True
        if threading.get_ident() == self._thread:
            self._event.set()
        else:
            try:
                self._schedule(self._event.set)
            except RuntimeError:  # the waiter's loop is gone; nobody waits any more
                pass

    async def wait(self, timeout: float | None) -> bool:
        """Wait until fired or ``timeout`` seconds pass (None: forever); True if fired."""
        if timeout is None:
            await self._event.wait()
            return True
        with anyio.move_on_after(timeout):
            await self._event.wait()
        return self._event.is_set()


def _scheduler() -> Callable[[Callable[[], None]], None]:
    library = sniffio.current_async_library()
    if library == "trio":
        import trio

        token = trio.lowlevel.current_trio_token()

        def trio_schedule(fn: Callable[[], None]) -> None:
            token.run_sync_soon(fn)

        return trio_schedule
    import asyncio

    loop = asyncio.get_running_loop()

    def asyncio_schedule(fn: Callable[[], None]) -> None:
        loop.call_soon_threadsafe(fn)

    return asyncio_schedule
