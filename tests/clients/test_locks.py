"""redis-py's lock() on both clients: the API, contention between threads and
tasks (asyncio and trio), and the Lua-backed release/extend/reacquire."""

from __future__ import annotations

import threading

import anyio
import pytest
from redis.exceptions import LockError, LockNotOwnedError

import burner
import burner.aio
from burner.aio.lock import Lock as AsyncLock


def test_lock_api_sync() -> None:
    clock = burner.VirtualClock()
    r = burner.Redis(server=burner.Server(clock=clock))
    lock = r.lock("L", timeout=10)
    assert lock.acquire(blocking=False)
    assert lock.locked() and lock.owned()
    other = r.lock("L", timeout=10)
    assert not other.acquire(blocking=False)
    assert not other.acquire(blocking_timeout=0.05)
    assert lock.extend(5)
    assert 14_000 < r.pttl("L") <= 15_000
    assert lock.extend(3, replace_ttl=True)
    assert 2_000 < r.pttl("L") <= 3_000
    assert lock.reacquire()
    assert 9_000 < r.pttl("L") <= 10_000
    clock.advance(11)
    assert not lock.locked()
    with pytest.raises(LockNotOwnedError):
        lock.release()
    with pytest.raises(LockError):
        r.lock("never").release()
    with r.lock("ctx", timeout=5) as held:
        assert held.owned()
    assert not r.lock("ctx").locked()


def test_lock_contention_threads() -> None:
    server = burner.Server()
    counter = {"n": 0}

    def work() -> None:
        r = burner.Redis(server=server)
        for _ in range(10):
            with r.lock("counter-lock", timeout=5, sleep=0.001):
                value = counter["n"]
                threading.Event().wait(0.0005)
                counter["n"] = value + 1

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert counter["n"] == 50


@pytest.mark.anyio
async def test_async_lock_contention_50_tasks() -> None:
    r = burner.aio.Redis()
    await r.set("count", 0)

    async def work() -> None:
        async with r.lock("cl", timeout=5, sleep=0.001):
            value = int(await r.get("count") or 0)
            await anyio.sleep(0)
            await r.set("count", value + 1)

    async with anyio.create_task_group() as tg:
        for _ in range(50):
            tg.start_soon(work)
    assert await r.get("count") == b"50"


@pytest.mark.anyio
async def test_async_lock_api() -> None:
    r = burner.aio.Redis()
    lock = r.lock("A", timeout=5)
    assert isinstance(lock, AsyncLock)
    assert await lock.acquire(blocking=False)
    assert await lock.locked() and await lock.owned()
    assert not await r.lock("A").acquire(blocking_timeout=0.05)
    assert await lock.extend(2)
    assert await lock.reacquire()
    await lock.release()
    assert not await lock.locked()
    with pytest.raises(LockError):
        await lock.release()
    with anyio.fail_after(2):
        assert await r.lock("B", timeout=1).acquire(token="tok")
    assert await r.get("B") == b"tok"
