"""Memory: ``python -m benchmarks.memory [--quick]``.

Rules of this module:

- Every (backend, data set) pair is built in a fresh subprocess, so the RSS
  it reports is that data set's alone: the child imports the client, warms
  the code path on a throw-away key, reads its resident set size
  (/proc/self/statm), builds the data set, collects garbage, reads the RSS
  again, and prints one JSON line.  The parent only collects and prints.
- bytes per element = RSS growth / elements.  burner and burner-redis build
  the full sizes; fakeredis (optional, slow) builds a tenth and its figure is
  that growth scaled up per element, which the table says.
- redis-server (if on PATH) is loaded through pipelines and its own RSS is
  measured: what the same data costs in Redis, for reference.
- A last child runs 1,000,000 EVALSHA calls on burner and reports RSS before
  and after: a script cache or a Lua runtime that leaks shows here.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks.harness import emit, machine

FULL = {"strings": 1_000_000, "hashes": 100_000, "stream": 1_000_000, "zset": 1_000_000}
LABELS = {
    "strings": "string keys (key:NNNNNNN -> 16-byte value)",
    "hashes": "hashes of 10 fields (8-byte values)",
    "stream": "stream entries (1 field, 16-byte value)",
    "zset": "sorted-set members (m:NNNNNNN, integer score)",
}
BACKENDS = ["burner", "burner-redis", "fakeredis", "redis-server"]
FAKE_SCALE = 10  # fakeredis builds N / FAKE_SCALE elements
EVALSHA_CALLS = 1_000_000
SCRIPT = "return redis.call('GET', KEYS[1])"


def rss(pid: int | str = "self") -> int:
    """Resident set size of a process (this one by default), in bytes (Linux)."""
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _value(i: int) -> str:
    return f"value:{i:010d}"


def _build_sync(r: Any, case: str, n: int) -> None:
    """Build the data set through a sync client (burner, fakeredis)."""
    if case == "strings":
        for i in range(n):
            r.set(f"key:{i:07d}", _value(i))
    elif case == "hashes":
        for i in range(n):
            r.hset(f"h:{i:07d}", mapping={f"f{j}": f"{i % 10**7:07d}{j}" for j in range(10)})
    elif case == "stream":
        for i in range(n):
            r.xadd("s", {"f": _value(i)})
    elif case == "zset":
        for start in range(0, n, 1000):
            r.zadd("z", {f"m:{i:07d}": i for i in range(start, min(n, start + 1000))})


async def _build_async(r: Any, case: str, n: int) -> None:
    """The same through an async client (burner-redis)."""
    if case == "strings":
        for i in range(n):
            await r.set(f"key:{i:07d}", _value(i))
    elif case == "hashes":
        for i in range(n):
            await r.hset(f"h:{i:07d}", mapping={f"f{j}": f"{i % 10**7:07d}{j}" for j in range(10)})
    elif case == "stream":
        for i in range(n):
            await r.xadd("s", {"f": _value(i)})
    elif case == "zset":
        for start in range(0, n, 1000):
            await r.zadd("z", {f"m:{i:07d}": i for i in range(start, min(n, start + 1000))})


def _warm_sync(r: Any, case: str) -> None:
    _build_sync(r, case, 10)
    r.flushall()


async def _warm_async(r: Any, case: str) -> None:
    await _build_async(r, case, 10)
    await r.delete(*(await r.keys("*")))


class _Batched:
    """A redis-py pipeline that sends every 1,000 commands (loads redis-server fast)."""

    def __init__(self, client: Any) -> None:
        self.pipe = client.pipeline(transaction=False)

    def __getattr__(self, name: str) -> Callable[..., None]:
        method = getattr(self.pipe, name)

        def call(*args: Any, **kwargs: Any) -> None:
            method(*args, **kwargs)
            if len(self.pipe) >= 1000:
                self.pipe.execute()

        return call

    def flush(self) -> None:
        self.pipe.execute()


def _redis_server(case: str, n: int) -> dict[str, float]:
    """The data set loaded into a real redis-server; the RSS is the server's."""
    from tests.oracle import RedisServerProcess

    server = RedisServerProcess()
    server.start()
    try:
        assert server.proc is not None
        pid = server.proc.pid
        client = server.client()
        _warm_sync(client, case)
        before = rss(pid)
        start = time.perf_counter()
        batched = _Batched(client)
        _build_sync(batched, case, n)
        batched.flush()
        seconds = time.perf_counter() - start
        return {"before": before, "after": rss(pid), "seconds": seconds}
    finally:
        server.stop()


def _measure(build: Callable[[], None], warm: Callable[[], None]) -> dict[str, float]:
    warm()
    gc.collect()
    before = rss()
    start = time.perf_counter()
    build()
    seconds = time.perf_counter() - start
    gc.collect()
    return {"before": before, "after": rss(), "seconds": seconds}


def child(backend: str, case: str, n: int) -> dict[str, float]:
    if backend == "burner":
        import burner

        client = burner.Redis()
        return _measure(lambda: _build_sync(client, case, n), lambda: _warm_sync(client, case))
    if backend == "fakeredis":
        import fakeredis

        fake = fakeredis.FakeRedis()
        return _measure(lambda: _build_sync(fake, case, n), lambda: _warm_sync(fake, case))
    if backend == "burner-redis":
        import burner_redis  # type: ignore[import-not-found,import-untyped,unused-ignore]

        async def run() -> dict[str, float]:
            peer = burner_redis.BurnerRedis()
            await _warm_async(peer, case)
            gc.collect()
            before = rss()
            start = time.perf_counter()
            await _build_async(peer, case, n)
            seconds = time.perf_counter() - start
            gc.collect()
            after = rss()
            await peer.aclose()
            return {"before": before, "after": after, "seconds": seconds}

        return asyncio.run(run())
    if backend == "redis-server":
        return _redis_server(case, n)
    raise SystemExit(f"unknown backend {backend}")


def child_evalsha(calls: int) -> dict[str, float]:
    import burner

    r = burner.Redis()
    r.set("k", "v")
    sha = r.script_load(SCRIPT)
    for _ in range(10_000):  # warm: the script compiled, the caches filled
        r.evalsha(sha, 1, "k")
    gc.collect()
    before = rss()
    start = time.perf_counter()
    for _ in range(calls):
        r.evalsha(sha, 1, "k")
    seconds = time.perf_counter() - start
    gc.collect()
    return {"before": before, "after": rss(), "seconds": seconds}


def _spawn(args: list[str], timeout: float) -> dict[str, float] | str:
    """Run one child; its JSON result, or why there is none."""
    try:
        out = subprocess.run([sys.executable, "-m", "benchmarks.memory", "--child", *args],
                             capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"did not finish in {timeout:.0f} s"
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        reason = (out.stderr.strip().splitlines() or ["failed"])[-1]
        return reason[:100]
    result: dict[str, float] = json.loads(lines[-1])
    return result


def _installed(backend: str) -> bool:
    if backend == "redis-server":
        return shutil.which("redis-server") is not None
    module = {"burner": "burner", "burner-redis": "burner_redis", "fakeredis": "fakeredis"}[backend]
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("--quick", action="store_true", help="a tenth of every size")
    parser.add_argument("--no-fakeredis", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--out", default="", help="also write the tables to this file")
    parser.add_argument("--child", nargs="+", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "evalsha":
            result = child_evalsha(int(args.child[1]))
        else:
            result = child(args.child[0], args.child[1], int(args.child[2]))
        print(json.dumps(result))
        return 0

    divisor = 10 if args.quick else 1
    backends = [b for b in BACKENDS if not (b == "fakeredis" and args.no_fakeredis)]
    notes = [f"{b}: not installed, skipped" for b in backends if not _installed(b)]
    backends = [b for b in backends if _installed(b)]
    per_key: dict[tuple[str, str], float | str] = {}
    for case, full in FULL.items():
        for backend in backends:
            n = full // divisor // (FAKE_SCALE if backend == "fakeredis" else 1)
            print(f"  {case} on {backend} ({n:,}) ...", file=sys.stderr, flush=True)
            got = _spawn([backend, case, str(n)], args.timeout)
            per_key[case, backend] = got if isinstance(got, str) else (
                (got["after"] - got["before"]) / n)
            if isinstance(got, str):
                notes.append(f"{case} on {backend}: {got}")

    def cell(case: str, backend: str) -> str:
        value = per_key.get((case, backend))
        if value is None:
            return "skipped"
        if isinstance(value, str):
            return "failed"
        text = f"{value:,.0f}"
        base = per_key.get((case, "burner-redis"))
        if isinstance(base, float) and base > 0:
            text += f" ({value / base:.2f}x)"
        return text

    lines = [
        f"Machine: {machine()}.",
        "",
        "RSS growth per element, bytes (each cell a fresh process); in parentheses: "
        "the ratio to burner-redis (lower is better)."
        + (f" fakeredis builds a {FAKE_SCALE}th of N; its figure is per element all the same."
           if "fakeredis" in backends else ""),
        "",
        "| data set | N | " + " | ".join(backends) + " |",
        "|---|---:|" + "---:|" * len(backends),
    ]
    for case, full in FULL.items():
        lines.append(f"| {LABELS[case]} | {full // divisor:,} | "
                     + " | ".join(cell(case, b) for b in backends) + " |")
    calls = EVALSHA_CALLS // divisor
    print(f"  {calls:,} EVALSHA on burner ...", file=sys.stderr, flush=True)
    got = _spawn(["evalsha", str(calls)], args.timeout)
    lines += ["", f"RSS over {calls:,} EVALSHA calls of one cached script on burner:", ""]
    if isinstance(got, str):
        lines.append(f"failed: {got}")
    else:
        mib = 1024 * 1024
        lines += [
            "| RSS before | RSS after | growth | µs per call |",
            "|---:|---:|---:|---:|",
            f"| {got['before'] / mib:.1f} MiB | {got['after'] / mib:.1f} MiB | "
            f"{(got['after'] - got['before']) / mib:+.2f} MiB | "
            f"{got['seconds'] / calls * 1e6:.2f} |",
        ]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    table = "\n".join(lines) + "\n"
    return emit(table, args.out)


if __name__ == "__main__":
    sys.exit(main())
