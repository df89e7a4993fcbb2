"""docket (pydocket) end to end, on burner and on a real redis-server.

docket's ``memory://`` backend looks its client class up in one place
(``docket._redis_memory._memory_client_factory``); the ``burner`` backend
points it at ``burner.aio.Redis``. The same tests run with a ``redis://`` URL
against the oracle server, so any difference in docket's behaviour between
burner and Redis shows up as a failing test. Assertions are on task outcomes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from docket import (
    ConcurrencyLimit,
    Docket,
    Perpetual,
    Progress,
    Retry,
    Timeout,
    Worker,
)
from docket import _redis_memory as docket_memory

import burner.aio
from tests.oracle import RedisServerProcess

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # docket itself is asyncio-only


@pytest.fixture(params=["burner", "redis"])
def docket_url(
    request: pytest.FixtureRequest, redis_server: RedisServerProcess, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    if request.param == "burner":
        monkeypatch.setattr(docket_memory, "_memory_client_factory", lambda: burner.aio.Redis)
        yield f"memory://{uuid.uuid4().hex}"
    else:
        yield f"redis://127.0.0.1:{redis_server.port}/0"


@pytest.fixture
async def docket(docket_url: str) -> AsyncIterator[Docket]:
    async with Docket(name=f"test-{uuid.uuid4().hex}", url=docket_url) as d:
        yield d


def _worker(d: Docket, **kwargs: Any) -> Worker:
    kwargs.setdefault("minimum_check_interval", timedelta(milliseconds=10))
    kwargs.setdefault("scheduling_resolution", timedelta(milliseconds=10))
    return Worker(d, **kwargs)


async def test_immediate_and_future_tasks(docket: Docket) -> None:
    ran: list[tuple[str, datetime]] = []

    async def greet(name: str) -> None:
        ran.append((name, datetime.now(timezone.utc)))

    docket.register(greet)
    start = datetime.now(timezone.utc)
    await docket.add(greet)("now")
    await docket.add(greet, when=start + timedelta(milliseconds=300))("later")
    async with _worker(docket) as worker:
        await worker.run_until_finished()
    assert [name for name, _ in ran] == ["now", "later"]
    assert ran[1][1] >= start + timedelta(milliseconds=290)


async def test_retries_with_backoff(docket: Docket) -> None:
    attempts: list[int] = []

    async def flaky(retry: Retry = Retry(attempts=3, delay=timedelta(milliseconds=20))) -> str:
        attempts.append(retry.attempt)
        if retry.attempt < 3:
            raise RuntimeError("not yet")
        return "done"

    docket.register(flaky)
    execution = await docket.add(flaky)()
    async with _worker(docket) as worker:
        await worker.run_until_finished()
    assert attempts == [1, 2, 3]
    assert await execution.get_result(timeout=timedelta(seconds=5)) == "done"


async def test_perpetual_task(docket: Docket) -> None:
    runs: list[int] = []

    async def tick(perpetual: Perpetual = Perpetual(every=timedelta(milliseconds=20))) -> None:
        runs.append(len(runs))
        if len(runs) >= 3:
            perpetual.cancel()

    docket.register(tick)
    await docket.add(tick, key="ticker")()
    async with _worker(docket) as worker:
        await worker.run_until_finished()
    assert runs == [0, 1, 2]


async def test_cancellation(docket: Docket) -> None:
    ran: list[str] = []

    async def job(tag: str) -> None:
        ran.append(tag)

    docket.register(job)
    when = datetime.now(timezone.utc) + timedelta(milliseconds=200)
    await docket.add(job, when=when, key="cancel-me")("cancelled")
    await docket.add(job, when=when, key="keep-me")("kept")
    await docket.cancel("cancel-me")
    async with _worker(docket) as worker:
        await worker.run_until_finished()
    assert ran == ["kept"]


async def test_strikes_and_restore(docket: Docket) -> None:
    ran: list[str] = []

    async def charge(customer: str) -> None:
        ran.append(customer)

    docket.register(charge)
    await docket.strike(charge, "customer", "==", "mallory")
    await docket.wait_for_strikes_loaded()
    async with _worker(docket) as worker:
        await asyncio.sleep(0.1)
        await docket.add(charge)("alice")
        await docket.add(charge)("mallory")
        await worker.run_until_finished()
        assert ran == ["alice"]
        await docket.restore(charge, "customer", "==", "mallory")
        await asyncio.sleep(0.2)
        await docket.add(charge)("mallory")
        await worker.run_until_finished()
    assert ran == ["alice", "mallory"]


async def test_concurrency_limit(docket: Docket) -> None:
    running: dict[str, int] = {}
    peak: dict[str, int] = {}

    async def work(
        customer: str, limit: ConcurrencyLimit = ConcurrencyLimit("customer", max_concurrent=1)
    ) -> None:
        running[customer] = running.get(customer, 0) + 1
        peak[customer] = max(peak.get(customer, 0), running[customer])
        await asyncio.sleep(0.02)
        running[customer] -= 1

    docket.register(work)
    for _ in range(4):
        await docket.add(work)("a")
        await docket.add(work)("b")
    async with _worker(docket, concurrency=8) as worker:
        await worker.run_until_finished()
    assert peak == {"a": 1, "b": 1}


async def test_timeout(docket: Docket) -> None:
    finished: list[bool] = []

    async def slow(timeout: Timeout = Timeout(timedelta(milliseconds=100))) -> None:
        await asyncio.sleep(5)
        finished.append(True)

    docket.register(slow)
    execution = await docket.add(slow)()
    loop = asyncio.get_running_loop()
    start = loop.time()
    async with _worker(docket) as worker:
        await worker.run_until_finished()
    assert loop.time() - start < 3
    assert finished == []
    with pytest.raises(BaseException):  # noqa: B017 - docket re-raises the task's timeout
        await execution.get_result(timeout=timedelta(seconds=5))


async def test_result_storage(docket: Docket) -> None:
    async def add(a: int, b: int) -> int:
        return a + b

    docket.register(add)
    execution = await docket.add(add)(2, 3)
    async with _worker(docket) as worker:
        await worker.run_until_finished()
    assert await execution.get_result(timeout=timedelta(seconds=5)) == 5


async def test_progress_reporting(docket: Docket) -> None:
    release = asyncio.Event()

    async def report(progress: Progress = Progress()) -> None:
        await progress.set_total(10)
        await progress.increment(3)
        await progress.set_message("three done")
        await release.wait()

    docket.register(report)
    execution = await docket.add(report, key="with-progress")()
    async with _worker(docket) as worker:
        runner = asyncio.create_task(worker.run_until_finished())
        try:
            # Up to 30 s for the worker to report (a busy machine is slow);
            # the task is released whatever happens, so that a failure here
            # fails the test instead of leaving the worker waiting for it.
            deadline = asyncio.get_running_loop().time() + 30
            while asyncio.get_running_loop().time() < deadline:
                await execution.sync()
                if execution.progress.current == 3:
                    break
                await asyncio.sleep(0.02)
            assert (execution.progress.current, execution.progress.total) == (3, 10)
            assert execution.progress.message == "three done"
        finally:
            release.set()
            await runner


async def test_several_workers_share_the_work(docket: Docket) -> None:
    seen: list[int] = []

    async def item(n: int) -> None:
        await asyncio.sleep(0.001)
        seen.append(n)

    docket.register(item)
    for n in range(60):
        await docket.add(item)(n)
    async with _worker(docket, concurrency=4) as w1, _worker(docket, concurrency=4) as w2:
        await asyncio.gather(w1.run_until_finished(), w2.run_until_finished())
    assert sorted(seen) == list(range(60))


async def test_crashed_worker_message_is_redelivered(docket: Docket) -> None:
    ran: list[str] = []

    async def job(tag: str) -> None:
        ran.append(tag)

    docket.register(job)
    await docket.add(job)("survivor")
    # A worker takes the message and dies before acknowledging it. (The group
    # is created the way docket's workers create it: from 0-0, idempotently.)
    async with docket.redis() as r:
        try:
            await r.xgroup_create(
                groupname=docket.worker_group_name, name=docket.stream_key, id="0-0", mkstream=True
            )
        except Exception as exc:
            assert "BUSYGROUP" in str(exc)
        taken = await r.xreadgroup(
            groupname=docket.worker_group_name,
            consumername="crashed-worker",
            streams={docket.stream_key: ">"},
            count=10,
        )
    assert taken
    async with _worker(docket, redelivery_timeout=timedelta(milliseconds=200)) as worker:
        await worker.run_until_finished()
    assert ran == ["survivor"]
