"""The sync half of blocking (DESIGN.md D3): wait in this thread for a key.

``wait_for_keys`` is called when ``Server.execute`` returned a ``Block``. It
registers a waiter whose ``wake`` is ``threading.Event.set`` (non-blocking and
thread-safe, as the core requires of it), re-runs the command under the
Server lock each time it is woken, and leaves the waiter queue in a
``finally`` whatever happens (timeout, KeyboardInterrupt). While waiting the
thread sleeps in ``Event.wait``: no polling, no CPU.
"""

from __future__ import annotations

import threading
import time

from .._bridge import Bridge
from .._core.blocking import Waiter
from .._core.replies import Block, Reply
from .._core.session import Session

__all__ = ["wait_for_keys"]

_MAX_WAIT = min(threading.TIMEOUT_MAX, 86400.0 * 365)


def wait_for_keys(
    bridge: Bridge, argv: list[bytes], first: Block, session: Session | None = None
) -> Reply:
    """Block until ``argv`` can run (its reply) or ``first.timeout`` passes
    (``first.timeout_reply``)."""
    server = bridge.server
    lock = bridge.lock
    session = session or bridge.session
    if first.argv is not None:
        argv = first.argv
    deadline = time.monotonic() + first.timeout if first.timeout else None
    event = threading.Event()
    waiter = Waiter(session, first.keys, first.kind, event.set, first.timeout_reply)
    waiter.wake_on_delete = first.wake_on_delete
    blocking = server.blocking
    with lock:
        # A write may have landed between the caller's try and this lock.
        reply = server.execute(session, argv)
        if type(reply) is not Block:
            return reply
        blocking.add(waiter)
    try:
        while True:
            if deadline is None:
                event.wait(_MAX_WAIT)
            else:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return first.timeout_reply
                event.wait(min(remaining, _MAX_WAIT))
            with lock:
                if waiter.unblocked:  # CLIENT UNBLOCK
                    return waiter.outcome
                if not waiter.signaled:
                    continue
                event.clear()
                session.retrying = True
                try:
                    reply = server.execute(session, argv)
                finally:
                    session.retrying = False
                if type(reply) is not Block:
                    blocking.done(waiter)
                    return reply
                blocking.rearm(waiter)
    finally:
        with lock:
            blocking.done(waiter)
