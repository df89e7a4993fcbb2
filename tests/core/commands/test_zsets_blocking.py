"""BZPOPMIN, BZPOPMAX and BZMPOP: replies and errors against the real server,
wake-ups between burner clients on one Server (threads, and tasks under
asyncio and trio)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest

import burner
import burner.aio
from burner._core.server import Server
from tests.oracle import Pair


def _waiters(server: Server) -> int:
    with server.lock:
        return len(server.blocking)


def _until(predicate: Callable[[], bool], limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.002)


async def _until_async(predicate: Callable[[], bool], limit: float = 5.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, "condition never held"
        await anyio.sleep(0.002)


def _no_trace(server: Server) -> None:
    with server.lock:
        assert server.blocking.queues == {}


# --- against the real server ---------------------------------------------------------
def test_timeouts_match_redis(pair: Pair) -> None:
    pair.check(lambda r: r.bzpopmin(["nokey"], 0.05))
    pair.check(lambda r: r.bzpopmax(["nokey", "other"], 0.05))
    pair.check(lambda r: r.bzmpop(0.05, 2, ["nokey", "other"], min=True, count=2))
    pair.cmd("BZPOPMIN", "nokey", "0.01")
    pair.cmd("BZMPOP", "0.01", "1", "nokey", "MAX")


def test_with_data_match_redis(pair: Pair) -> None:
    pair.both(lambda r: r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4}))
    pair.check(lambda r: r.bzpopmin(["nokey", "z"], 0.05))
    pair.check(lambda r: r.bzpopmax(["z", "nokey"], 0))
    pair.check(lambda r: r.bzmpop(0, 2, ["nokey", "z"], max=True, count=5))
    pair.check(lambda r: r.exists("z"))
    pair.both(lambda r: r.zadd("z", {"a": 1.5}))
    pair.cmd("BZPOPMIN", "z", "0")
    pair.both(lambda r: r.zadd("z", {"a": 1.5, "b": 2.25}))
    pair.cmd("BZMPOP", "0", "1", "z", "MIN", "COUNT", "1")
    pair.cmd("BZPOPMAX", "z", "0")


@pytest.mark.parametrize(
    "command",
    [
        "BZPOPMIN z x",
        "BZPOPMIN z -1",
        "BZPOPMIN z nan",
        "BZPOPMIN z 1e400",
        "BZPOPMAX z inf",
        "BZPOPMIN str 0",
        "BZPOPMIN nokey str 0",
        "BZPOPMIN z",
        "BZMPOP x 1 z MIN",
        "BZMPOP -1 1 z MIN",
        "BZMPOP x 0 z MIN",
        "BZMPOP 0 0 z MIN",
        "BZMPOP 0 2 z MIN",
        "BZMPOP 0 1 z MIDDLE",
        "BZMPOP 0 1 z MIN COUNT 0",
        "BZMPOP 0 1 z MIN COUNT x",
        "BZMPOP 0 1 z MIN COUNT 1 COUNT 1",
        "BZMPOP 0 1 str MIN",
        "BZMPOP 0 1 z",
    ],
)
def test_errors_match_redis(pair: Pair, command: str) -> None:
    pair.both(lambda r: r.set("str", "x"))
    pair.both(lambda r: r.zadd("z", {"a": 1}))
    pair.cmd(*command.split())


def test_inside_multi_answers_at_once(pair: Pair) -> None:
    def run(r: Any) -> Any:
        pipe = r.pipeline(transaction=True)
        pipe.bzpopmin(["nokey"], 0)
        pipe.bzpopmax(["nokey"], 0)
        pipe.bzmpop(0, 1, ["nokey"], min=True)
        pipe.zadd("full", {"x": 1})
        pipe.bzpopmax(["full"], 0)
        return pipe.execute()

    pair.check(run)


# --- wake-ups --------------------------------------------------------------------------
def test_sync_wakeup_from_another_thread() -> None:
    server = burner.Server()
    waiter = burner.Redis(server=server)
    writer = burner.Redis(server=server)
    got: queue.Queue[Any] = queue.Queue()
    thread = threading.Thread(target=lambda: got.put(waiter.bzpopmin(["k1", "k2"], 0)))
    thread.start()
    _until(lambda: _waiters(server) == 1)
    writer.zadd("k2", {"m": 2.5, "n": 1})
    assert got.get(timeout=5) == (b"k2", b"n", 1.0)
    thread.join(5)
    _no_trace(server)
    assert writer.zrange("k2", 0, -1, withscores=True) == [(b"m", 2.5)]


def test_sync_fifo_and_bzmpop() -> None:
    server = burner.Server()
    got: queue.Queue[tuple[int, Any]] = queue.Queue()
    threads = []
    for i in range(3):
        client = burner.Redis(server=server, decode_responses=True, protocol=3)

        def run(i: int = i, client: burner.Redis = client) -> None:
            if i == 1:
                got.put((i, client.bzmpop(0, 1, ["k"], max=True, count=2)))
            else:
                got.put((i, client.bzpopmax(["k"], 0)))

        thread = threading.Thread(target=run)
        thread.start()
        threads.append(thread)
        _until(lambda n=i + 1: _waiters(server) == n)  # type: ignore[misc]
    writer = burner.Redis(server=server)
    writer.zadd("k", {"a": 1, "b": 2, "c": 3, "d": 4})
    results = dict(got.get(timeout=5) for _ in range(3))
    for thread in threads:
        thread.join(5)
    assert results == {0: ["k", "d", 4.0], 1: ["k", [["c", 3.0], ["b", 2.0]]], 2: ["k", "a", 1.0]}
    _no_trace(server)


def test_other_type_does_not_wake_zset_waiter() -> None:
    server = burner.Server()
    waiter = burner.Redis(server=server)
    writer = burner.Redis(server=server)
    got: queue.Queue[Any] = queue.Queue()
    thread = threading.Thread(target=lambda: got.put(waiter.bzpopmin(["k"], 0.3)))
    thread.start()
    _until(lambda: _waiters(server) == 1)
    writer.rpush("k", "x")
    assert got.get(timeout=5) is None
    thread.join(5)
    assert writer.llen("k") == 1
    _no_trace(server)


def test_sync_timeout() -> None:
    r = burner.Redis()
    start = time.monotonic()
    assert r.bzpopmin(["k"], 0.1) is None
    assert r.bzmpop(0.05, 1, ["k"], min=True) is None
    assert 0.14 <= time.monotonic() - start < 1.0
    _no_trace(r.server)


@pytest.mark.anyio
async def test_async_wakeup() -> None:
    server = burner.Server()
    results: dict[int, Any] = {}
    async with anyio.create_task_group() as tg:

        async def first() -> None:
            client = burner.aio.Redis(server=server, protocol=3)
            results[0] = await client.bzpopmin(["z"], 0)

        async def second() -> None:
            client = burner.aio.Redis(server=server, protocol=3)
            results[1] = await client.bzmpop(0, 1, ["z"], min=True, count=5)

        tg.start_soon(first)
        await _until_async(lambda: _waiters(server) == 1)
        tg.start_soon(second)
        await _until_async(lambda: _waiters(server) == 2)
        writer = burner.aio.Redis(server=server)
        await writer.zadd("z", {"a": 1, "b": 2, "c": 3})
    assert results == {0: [b"z", b"a", 1.0], 1: [b"z", [[b"b", 2.0], [b"c", 3.0]]]}
    _no_trace(server)
