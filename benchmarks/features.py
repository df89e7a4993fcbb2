"""Streams, scripts and pipelines side by side: ``python -m benchmarks.features``.

µs per operation (median of ``repeat`` timings) on burner (sync and asyncio),
burner-redis (asyncio) and fakeredis (sync and asyncio), in one process run.
A peer without a command is shown as n/a; a peer that is not installed is
skipped with a note.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

import burner
import burner.aio

ONE = "return redis.call('GET', KEYS[1])"
TEN = "local v\nfor i = 1, 10 do v = redis.call('GET', KEYS[1]) end\nreturn v"

Step = Callable[[Any, dict[str, Any]], Awaitable[Any]]


async def _maybe(value: Any) -> Any:
    if asyncio.iscoroutine(value) or isinstance(value, Awaitable):
        return await value
    return value


async def _fill(r: Any, n: int) -> None:
    for _ in range(n):
        await _maybe(r.xadd("bs", {"f": "v"}))


async def _prepare(r: Any, ctx: dict[str, Any]) -> None:
    await _maybe(r.delete("bs"))
    await _fill(r, 6000)
    await _maybe(r.xgroup_create("bs", "g1", "0"))
    await _maybe(r.xgroup_create("bs", "g2", "0"))
    await _maybe(r.set("sk", "1"))
    ctx["one"] = await _maybe(r.script_load(ONE))
    ctx["ten"] = await _maybe(r.script_load(TEN))
    ctx["acks"] = []


async def op_xadd(r: Any, ctx: dict[str, Any]) -> Any:
    return await _maybe(r.xadd("bx", {"f": "v"}))


async def op_read1(r: Any, ctx: dict[str, Any]) -> Any:
    got = await _maybe(r.xreadgroup("g1", "c", {"bs": ">"}, count=1))
    for _, entries in got:
        ctx["acks"].extend(entry_id for entry_id, _ in entries)
    return got


async def op_read100(r: Any, ctx: dict[str, Any]) -> Any:
    return await _maybe(r.xreadgroup("g2", "c", {"bs": ">"}, count=100))


async def op_xack(r: Any, ctx: dict[str, Any]) -> Any:
    return await _maybe(r.xack("bs", "g1", ctx["acks"].pop()))


async def op_autoclaim(r: Any, ctx: dict[str, Any]) -> Any:
    return await _maybe(r.xautoclaim("bs", "g2", "c2", 0, "0-0", count=10))


async def op_eval1(r: Any, ctx: dict[str, Any]) -> Any:
    return await _maybe(r.evalsha(ctx["one"], 1, "sk"))


async def op_eval10(r: Any, ctx: dict[str, Any]) -> Any:
    return await _maybe(r.evalsha(ctx["ten"], 1, "sk"))


async def op_pipeline(r: Any, ctx: dict[str, Any]) -> Any:
    pipe = r.pipeline()
    for i in range(1000):
        pipe.set(f"p{i}", "v")
    return await _maybe(pipe.execute())


# name -> (operation, calls per timing, operations each call counts for)
OPS: dict[str, tuple[Step, int, int]] = {
    "XADD": (op_xadd, 2000, 1),
    "XREADGROUP COUNT 1": (op_read1, 1000, 1),
    "XREADGROUP COUNT 100": (op_read100, 8, 1),
    "XACK": (op_xack, 1000, 1),
    "XAUTOCLAIM COUNT 10": (op_autoclaim, 300, 1),
    "EVALSHA (1 call)": (op_eval1, 2000, 1),
    "EVALSHA (10 calls)": (op_eval10, 500, 1),
    "pipelined SET (per command)": (op_pipeline, 3, 1000),
}


async def measure(r: Any, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, (op, calls, weight) in OPS.items():
        samples = []
        try:
            for _ in range(repeat):
                ctx: dict[str, Any] = {}
                await _prepare(r, ctx)
                if op is op_xack:
                    for _ in range(calls):
                        await op_read1(r, ctx)
                start = time.perf_counter_ns()
                for _ in range(calls):
                    await op(r, ctx)
                samples.append((time.perf_counter_ns() - start) / calls / weight / 1000)
        except Exception:  # the peer lacks the command or option
            continue
        out[name] = statistics.median(samples)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.features")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    notes: list[str] = []

    async def run_burner_async() -> dict[str, float]:
        return await measure(burner.aio.Redis(), args.repeat)

    results["burner (sync)"] = anyio.run(measure, burner.Redis(), args.repeat)
    results["burner (asyncio)"] = anyio.run(run_burner_async)
    results["burner (trio)"] = anyio.run(run_burner_async, backend="trio")
    try:
        import burner_redis  # type: ignore[import-not-found,import-untyped,unused-ignore]

        results["burner-redis (asyncio)"] = asyncio.run(
            measure(burner_redis.BurnerRedis(), args.repeat)
        )
    except ImportError:
        notes.append("burner-redis: not installed, skipped")
    try:
        import fakeredis

        results["fakeredis (sync)"] = anyio.run(measure, fakeredis.FakeRedis(), args.repeat)
        results["fakeredis (asyncio)"] = asyncio.run(measure(fakeredis.FakeAsyncRedis(), args.repeat))
    except ImportError:
        notes.append("fakeredis: not installed, skipped")
    base = results.get("burner-redis (asyncio)", {})
    names = list(OPS)
    print("µs/op, median; in parentheses: ratio to burner-redis (lower is better)\n")
    print("| operation | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for name in names:
        cells = []
        for row in results.values():
            if name not in row:
                cells.append("n/a")
                continue
            cell = f"{row[name]:.2f}"
            if name in base and base[name] > 0:
                cell += f" ({row[name] / base[name]:.2f}x)"
            cells.append(cell)
        print(f"| {name} | " + " | ".join(cells) + " |")
    for note in notes:
        print(f"- {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
