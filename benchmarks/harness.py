"""Benchmark harness: backends, operations, timing, and the Markdown table.

Each operation is a pair (setup, call) run against one client; timings are
medians of ``repeat`` runs of ``ops`` calls. Async backends are timed inside
their event loop, so the numbers include each client's own await overhead.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

import burner
import burner.aio

# name -> (setup argv list, call)
SyncOp = Callable[[Any], Any]
AsyncOp = Callable[[Any], Awaitable[Any]]

SETUP: list[tuple[Any, ...]] = [
    ("SET", "bench:str", "value"),
    ("SET", "bench:n", "0"),
    ("HSET", "bench:h", "f", "v"),
]

SYNC_OPS: dict[str, SyncOp] = {
    "GET": lambda r: r.get("bench:str"),
    "SET": lambda r: r.set("bench:str", "value"),
    "SET EX": lambda r: r.set("bench:ex", "value", ex=100),
    "INCR": lambda r: r.incr("bench:n"),
    "HSET": lambda r: r.hset("bench:h", "f", "v"),
    "HGET": lambda r: r.hget("bench:h", "f"),
}

ASYNC_OPS: dict[str, AsyncOp] = {
    "GET": lambda r: r.get("bench:str"),
    "SET": lambda r: r.set("bench:str", "value"),
    "SET EX": lambda r: r.set("bench:ex", "value", ex=100),
    "INCR": lambda r: r.incr("bench:n"),
    "HSET": lambda r: r.hset("bench:h", "f", "v"),
    "HGET": lambda r: r.hget("bench:h", "f"),
}

Results = dict[str, dict[str, float]]  # backend -> op -> µs/op


def _time_sync(client: Any, op: SyncOp, ops: int, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        for _ in range(ops):
            op(client)
        samples.append((time.perf_counter_ns() - start) / ops / 1000)
    return statistics.median(samples)


async def _time_async(client: Any, op: AsyncOp, ops: int, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        for _ in range(ops):
            await op(client)
        samples.append((time.perf_counter_ns() - start) / ops / 1000)
    return statistics.median(samples)


def bench_sync(client: Any, ops: int, repeat: int) -> dict[str, float]:
    for argv in SETUP:
        client.execute_command(*argv)
    out: dict[str, float] = {}
    for name, op in SYNC_OPS.items():
        try:
            out[name] = _time_sync(client, op, ops, repeat)
        except Exception:  # a command this backend lacks
            continue
    return out


async def bench_async(client: Any, ops: int, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    await client.set("bench:str", "value")
    await client.set("bench:n", "0")
    await client.hset("bench:h", "f", "v")
    for name, op in ASYNC_OPS.items():
        try:
            out[name] = await _time_async(client, op, ops, repeat)
        except Exception:  # a peer without this command or option
            continue
    return out


def run_all(ops: int, repeat: int) -> tuple[Results, list[str]]:
    results: Results = {}
    notes: list[str] = []

    results["burner (sync)"] = bench_sync(burner.Redis(), ops, repeat)

    async def burner_async() -> dict[str, float]:
        return await bench_async(burner.aio.Redis(), ops, repeat)

    results["burner (asyncio)"] = anyio.run(burner_async)
    results["burner (trio)"] = anyio.run(burner_async, backend="trio")

    try:
        import burner_redis  # type: ignore[import-not-found,import-untyped,unused-ignore]

        async def peer() -> dict[str, float]:
            return await bench_async(burner_redis.BurnerRedis(), ops, repeat)

        results["burner-redis (asyncio)"] = asyncio.run(peer())
    except ImportError:
        notes.append("burner-redis: not installed, skipped")

    try:
        import fakeredis

        results["fakeredis (sync)"] = bench_sync(fakeredis.FakeRedis(), ops // 4, repeat)

        async def fake() -> dict[str, float]:
            return await bench_async(fakeredis.FakeAsyncRedis(), ops // 4, repeat)

        results["fakeredis (asyncio)"] = asyncio.run(fake())
    except ImportError:
        notes.append("fakeredis: not installed, skipped")

    try:
        from tests.oracle import RedisServerProcess

        server = RedisServerProcess()
        server.start()
        try:
            results["redis-server (redis-py sync, loopback)"] = bench_sync(
                server.client(), ops // 4, repeat
            )
        finally:
            server.stop()
    except RuntimeError as exc:
        notes.append(f"redis-server: {exc}")
    return results, notes


def render(results: Results, notes: list[str]) -> str:
    ops = list(SYNC_OPS)
    base = results.get("burner-redis (asyncio)", {})
    lines = ["| backend | " + " | ".join(ops) + " |", "|---|" + "---|" * len(ops)]
    for backend, row in results.items():
        cells = []
        for op in ops:
            if op not in row:
                cells.append("n/a")
                continue
            cell = f"{row[op]:.2f}"
            if op in base and base[op] > 0:
                cell += f" ({row[op] / base[op]:.2f}x)"
            cells.append(cell)
        lines.append(f"| {backend} | " + " | ".join(cells) + " |")
    out = "µs/op, median; in parentheses: ratio to burner-redis (lower is better)\n\n"
    out += "\n".join(lines) + "\n"
    if notes:
        out += "\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    return out
