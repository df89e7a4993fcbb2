"""docket throughput: schedule N trivial tasks, run one worker until drained.

``python -m benchmarks.docket_bench [--tasks N]`` runs each backend in its own
subprocess (so peak RSS is per backend) and prints tasks/s and peak RSS:
burner (docket's memory:// pointed at burner.aio.Redis), burner-redis
(docket's own memory:// default), fakeredis (memory:// pointed at
FakeAsyncRedis, if it finishes) and a real redis-server on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
import uuid
from datetime import timedelta

BACKENDS = ["burner", "burner-redis", "fakeredis", "redis-server"]


async def _run(url: str, tasks: int) -> float:
    from docket import Docket, Worker

    done = 0

    async def trivial(n: int) -> None:
        nonlocal done
        done += 1

    async with Docket(name=f"bench-{uuid.uuid4().hex}", url=url) as docket:
        docket.register(trivial)
        start = time.perf_counter()
        for n in range(tasks):
            await docket.add(trivial)(n)
        async with Worker(
            docket,
            concurrency=50,
            minimum_check_interval=timedelta(milliseconds=10),
            scheduling_resolution=timedelta(milliseconds=10),
        ) as worker:
            await worker.run_until_finished()
        elapsed = time.perf_counter() - start
    assert done == tasks, (done, tasks)
    return elapsed


def _child(backend: str, tasks: int) -> None:
    from docket import _redis_memory

    url = f"memory://{uuid.uuid4().hex}"
    server = None
    if backend == "burner":
        import burner.aio

        _redis_memory._memory_client_factory = lambda: burner.aio.Redis  # type: ignore[assignment,return-value,unused-ignore]
    elif backend == "fakeredis":
        import fakeredis

        _redis_memory._memory_client_factory = lambda: fakeredis.FakeAsyncRedis  # type: ignore[assignment,return-value,unused-ignore]
    elif backend == "redis-server":
        from tests.oracle import RedisServerProcess

        server = RedisServerProcess()
        server.start()
        url = f"redis://127.0.0.1:{server.port}/0"
    try:
        elapsed = asyncio.run(_run(url, tasks))
    finally:
        if server is not None:
            server.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"backend": backend, "seconds": elapsed, "rss_mb": rss_mb}))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.docket_bench")
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.tasks)
        return 0
    rows = []
    for backend in BACKENDS:
        try:
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.docket_bench", "--child", backend,
                 "--tasks", str(args.tasks)],
                capture_output=True, text=True, timeout=args.timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            rows.append(f"| {backend} | did not finish in {args.timeout:.0f} s | |")
            continue
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode != 0 or not lines:
            reason = (out.stderr.strip().splitlines() or ["failed"])[-1][:80]
            rows.append(f"| {backend} | skipped: {reason} | |")
            continue
        data = json.loads(lines[-1])
        rate = args.tasks / data["seconds"]
        rows.append(f"| {backend} | {rate:,.0f} tasks/s ({data['seconds']:.2f} s) | {data['rss_mb']:.0f} MB |")
    print(f"docket: schedule {args.tasks} trivial tasks, one worker until drained\n")
    print("| backend | throughput | peak RSS |\n|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
