"""The async half of blocking (DESIGN.md D3): wait on an anyio event for a key.

``wait_for_keys`` is called when ``Server.execute`` returned a ``Block``. The
waiter's ``wake`` must be safe from any thread and any event loop, and must
not block (it runs inside a writer's critical section). So ``Waker``
remembers the loop the waiter blocked in: a writer running in that same loop
sets the event directly; any other writer (another thread, another loop)
hands ``set`` to the waiter's loop (asyncio: ``call_soon_threadsafe``; trio:
the run's token, ``run_sync_soon``). The waiter re-runs its command under the Server lock
each time it is woken. Timeout and cancellation (cancel scopes, trio, asyncio
``Task.cancel``) leave the waiter queue in a ``finally``; an element is only
ever popped by the waiter itself, synchronously after its wake-up, so a
cancelled waiter never loses one. No polling and no sleeping anywhere.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

import anyio

from .._bridge import Bridge
from .._core.blocking import Waiter
from .._core.replies import Block, Reply
from .._core.server import Server
from .._core.session import Session

__all__ = ["wait_for_keys"]

try:
    from sniffio import current_async_library as _current_library
except ImportError:  # trio needs sniffio, so without it only asyncio runs

    def _current_library() -> str:
        return "asyncio"


class Waker:
    """Sets the current event of one waiter from whichever thread writes.

    ``wake`` returns False when the waiter's event loop is gone (closed, or
    its trio run finished) without the waiter having left the queue: the
    core then drops that waiter and passes the wake-up on.
    """

    __slots__ = ("_at_home", "_schedule", "event")

    def __init__(self) -> None:
        self.event = anyio.Event()
        self._at_home, self._schedule = _home()

    def wake(self) -> bool:
        try:
            if self._at_home():
                self.event.set()
            else:
                self._schedule(self.event.set)
        except RuntimeError:  # asyncio: loop closed; trio: RunFinishedError
            return False
        return True


def _home() -> tuple[Callable[[], bool], Callable[[Callable[[], Any]], Any]]:
    """For the running loop: 'is this code running in it?' and a thread-safe,
    non-blocking 'run this soon in it'."""
    library = _current_library()
    if library == "trio":
        import trio  # type: ignore[import-untyped,unused-ignore]

        token = trio.lowlevel.current_trio_token()

        def in_trio_run() -> bool:
            try:
                return bool(trio.lowlevel.current_trio_token() is token)
            except RuntimeError:
                return False

        return in_trio_run, token.run_sync_soon
    import asyncio

    loop = asyncio.get_running_loop()

    def in_loop() -> bool:
        try:
            return asyncio.get_running_loop() is loop
        except RuntimeError:
            return False

    return in_loop, loop.call_soon_threadsafe


async def wait_for_keys(
    bridge: Bridge, argv: list[bytes], first: Block, session: Session | None = None
) -> Reply:
    """Wait until ``argv`` can run (its reply) or ``first.timeout`` passes
    (``first.timeout_reply``)."""
    server = bridge.server
    lock = bridge.lock
    session = session or bridge.session
    if first.argv is not None:
        argv = first.argv
    deadline = anyio.current_time() + first.timeout if first.timeout else math.inf
    waker = Waker()
    waiter = Waiter(session, first.keys, first.kind, waker.wake, first.timeout_reply)
    waiter.wake_on_delete = first.wake_on_delete
    blocking = server.blocking
    with lock:
        # A write may have landed between the caller's try and this lock.
        reply = server.execute(session, argv)
        if type(reply) is not Block:
            return reply
        blocking.add(waiter)
    try:
        if deadline == math.inf:
            return await _serve(server, lock, session, argv, waiter, waker)
        reply = first.timeout_reply
        with anyio.CancelScope(deadline=deadline):
            reply = await _serve(server, lock, session, argv, waiter, waker)
        return reply
    finally:
        with lock:
            blocking.done(waiter)


async def _serve(
    server: Server,
    lock: threading.RLock,
    session: Session,
    argv: list[bytes],
    waiter: Waiter,
    waker: Waker,
) -> Reply:
    """Sleep until signaled, run ``argv`` again; repeat until it replies."""
    blocking = server.blocking
    while True:
        await waker.event.wait()
        with lock:
            if waiter.unblocked:  # CLIENT UNBLOCK
                return waiter.outcome
            if not waiter.signaled:
                waker.event = anyio.Event()
                continue
            session.retrying = True
            try:
                again = server.execute(session, argv)
            finally:
                session.retrying = False
            if type(again) is not Block:
                blocking.done(waiter)
                return again
            waker.event = anyio.Event()
            blocking.rearm(waiter)
