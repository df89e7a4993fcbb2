"""Blocking stream reads (D3): XREAD/XREADGROUP BLOCK woken by XADD across
threads and tasks, ``$`` resolved when the wait starts, errors when the
stream or group goes away (compared with the real redis-server), and
cancellation that leaves nothing pending; plus a crash-and-recover consumer
group run through XAUTOCLAIM."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest
import redis

import burner
import burner.aio
from tests.oracle import RedisServerProcess


def _later(delay: float, fn: Callable[[], Any]) -> threading.Thread:
    def run() -> None:
        time.sleep(delay)
        fn()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_xread_dollar_waits_for_the_next_entry() -> None:
    r = burner.Redis()
    r.xadd("s", {"old": 1}, id="1-1")
    writer = burner.Redis(server=r.server)
    t = _later(0.1, lambda: writer.xadd("s", {"new": 1}, id="2-1"))
    start = time.monotonic()
    got = r.xread({"s": "$"}, block=5000)
    t.join()
    assert got == [[b"s", [(b"2-1", {b"new": b"1"})]]]
    assert time.monotonic() - start < 4
    start = time.monotonic()
    assert r.xread({"s": "$"}, block=150) == []
    assert time.monotonic() - start >= 0.14


def _unblocked_outcomes(make: Callable[[], redis.Redis], action: str) -> Any:
    client = make()
    client.delete("bs")
    client.xadd("bs", {"a": 1})
    client.xgroup_create("bs", "g", "$")
    other = make()
    if action == "delete":
        t = _later(0.2, lambda: other.delete("bs"))
    else:
        t = _later(0.2, lambda: other.xgroup_destroy("bs", "g"))
    try:
        return client.xreadgroup("g", "c", {"bs": ">"}, block=3000)
    except redis.ResponseError as exc:
        return (type(exc).__name__, str(exc))
    finally:
        t.join()


@pytest.mark.parametrize("action", ["delete", "destroy"])
def test_xreadgroup_block_ends_when_stream_or_group_goes(
    redis_server: RedisServerProcess, action: str
) -> None:
    server = burner.Server()
    got = _unblocked_outcomes(lambda: burner.Redis(server=server), action)
    want = _unblocked_outcomes(lambda: redis_server.client(protocol=2), action)
    assert got == want
    assert isinstance(got, tuple)


def test_xread_block_stays_blocked_on_delete(redis_server: RedisServerProcess) -> None:
    server = burner.Server()
    makers: list[Callable[[], redis.Redis]] = [
        lambda: burner.Redis(server=server),
        lambda: redis_server.client(protocol=2),
    ]
    for make in makers:
        client = make()
        client.delete("s")
        client.xadd("s", {"a": 1})
        other = make()
        t = _later(0.1, lambda: other.delete("s"))  # noqa: B023
        start = time.monotonic()
        assert client.xread({"s": "$"}, block=400) in ([], None)
        assert time.monotonic() - start >= 0.35
        t.join()


@pytest.mark.anyio
async def test_async_xreadgroup_woken_by_another_task() -> None:
    r = burner.aio.Redis()
    await r.xgroup_create("s", "g", "$", mkstream=True)

    async def produce() -> None:
        await anyio.sleep(0.05)
        await burner.aio.Redis(server=r.server).xadd("s", {"k": "v"}, id="5-1")

    async with anyio.create_task_group() as tg:
        tg.start_soon(produce)
        with anyio.fail_after(5):
            got = await r.xreadgroup("g", "c", {"s": ">"}, block=0)
    assert got == [[b"s", [(b"5-1", {b"k": b"v"})]]]
    assert (await r.xpending("s", "g"))["pending"] == 1


@pytest.mark.anyio
async def test_cancelled_xreadgroup_leaves_nothing_pending() -> None:
    r = burner.aio.Redis()
    await r.xgroup_create("s", "g", "$", mkstream=True)
    with anyio.move_on_after(0.1):
        await r.xreadgroup("g", "c", {"s": ">"}, block=0)
    assert r.server.blocking.by_session == {} or not any(r.server.blocking.by_session.values())
    await r.xadd("s", {"k": "v"})
    info = await r.xpending("s", "g")
    assert info["pending"] == 0
    # The entry is still there for the next reader.
    got: Any = await r.xreadgroup("g", "c2", {"s": ">"}, count=10)
    assert len(got[0][1]) == 1


def test_sync_waiters_in_threads_each_get_one_entry() -> None:
    server = burner.Server()
    admin = burner.Redis(server=server)
    admin.xgroup_create("jobs", "workers", "$", mkstream=True)
    results: list[bytes] = []
    lock = threading.Lock()

    def consume(name: str) -> None:
        client = burner.Redis(server=server)
        got: Any = client.xreadgroup("workers", name, {"jobs": ">"}, count=1, block=5000)
        with lock:
            results.extend(entry_id for _, entries in got for entry_id, _ in entries)

    threads = [threading.Thread(target=consume, args=(f"c{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.1)
    for i in range(8):
        admin.xadd("jobs", {"n": i}, id=f"{i + 1}-1")
    for t in threads:
        t.join(10)
    assert sorted(results) == sorted(f"{i + 1}-1".encode() for i in range(8))


def test_crashes_and_xautoclaim_recovery_process_everything() -> None:
    """Several consumers in one group; some 'crash' (abandon what they read);
    XAUTOCLAIM hands those entries to survivors. Every message is processed at
    least once and acknowledged exactly once."""
    clock = burner.VirtualClock()
    server = burner.Server(clock=clock)
    r = burner.Redis(server=server, decode_responses=True)
    r.xgroup_create("q", "g", "0", mkstream=True)
    total = 300
    for i in range(total):
        r.xadd("q", {"n": i})
    processed: dict[str, int] = {}
    acked: set[str] = set()
    consumers = [f"c{i}" for i in range(5)]
    round_no = 0
    while len(acked) < total:
        round_no += 1
        assert round_no < 100
        for index, name in enumerate(consumers):
            batch: Any = r.xreadgroup("g", name, {"q": ">"}, count=7)
            entries = batch[0][1] if batch else []
            crashed = (index + round_no) % 3 == 0
            for entry_id, _ in entries:
                processed[entry_id] = processed.get(entry_id, 0) + 1
                if not crashed:
                    assert r.xack("q", "g", entry_id) == 1
                    acked.add(entry_id)
        clock.advance(60)
        cursor: Any = "0-0"
        while True:
            reply: Any = r.xautoclaim("q", "g", "rescuer", 30_000, cursor, count=50)
            cursor, claimed, deleted = reply
            assert deleted == []
            for entry_id, _ in claimed:
                processed[entry_id] = processed.get(entry_id, 0) + 1
                assert r.xack("q", "g", entry_id) == 1
                acked.add(entry_id)
            if cursor == "0-0":
                break
    assert len(processed) == total
    assert len(acked) == total
    assert r.xpending("q", "g")["pending"] == 0
