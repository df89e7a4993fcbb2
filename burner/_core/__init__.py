"""The engine: pure, synchronous, no I/O.

Nothing under this package imports asyncio, anyio, threading or socket, and
nothing sleeps. Callers (the facades, the RESP server) hold the Server's mutex
around each call to ``Server.execute``.
"""
