"""Backends, timing and the Markdown table of ``python -m benchmarks``.

Rules of this module:

- Every backend runs in this one process.  Sync clients run on the main
  thread; async clients run inside one long-lived event loop per library
  (an anyio blocking portal: one asyncio loop, one trio loop), and the timing
  loop runs inside that event loop, so each number includes the client's own
  await overhead and nothing of the portal's.
- For each operation the backends take turns repetition by repetition (A, B,
  C, A, B, C ...), so a burst of load on this noisy machine hits every column
  alike; a cell is the median of the repetitions.
- The number of calls per repetition is calibrated per backend so that one
  repetition lasts about ``target_ms``; untimed preparation (``Op.batch``)
  and clean-up (``Op.after``) surround every timing.
- A peer that is not installed, or lacks a method, is reported (note, n/a);
  nothing is faked.  A call that fails is reported as an error, not hidden.
"""

from __future__ import annotations

import contextlib
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from benchmarks.ops import OPS, Ctx, Op, missing

T = TypeVar("T")

BURNER_REDIS = "burner-redis (asyncio)"
FAKE_SYNC = "fakeredis (sync)"
FAKE_ASYNC = "fakeredis (asyncio)"
BURNER_SYNC = "burner (sync)"
BURNER_ASYNC = "burner (asyncio)"
NOISY = 0.25


@dataclass
class Backend:
    name: str
    loop: str  # "sync", "asyncio" or "trio"
    make: Callable[[], Any]
    close: Callable[[Any], Any] = lambda client: None
    client: Any = None
    portal: BlockingPortal | None = None


@dataclass
class Cell:
    samples: list[float] = field(default_factory=list)  # µs per command
    na: str = ""  # why the backend has no figure
    error: str = ""

    @property
    def value(self) -> float | None:
        if self.na or self.error or not self.samples:
            return None
        return statistics.median(self.samples)

    @property
    def noisy(self) -> bool:
        """The repetitions spread more than NOISY (interquartile range over median)."""
        if len(self.samples) < 4 or not self.value:
            return False
        q1, _, q3 = statistics.quantiles(self.samples, n=4)
        return (q3 - q1) / self.value > NOISY


Results = dict[str, dict[str, Cell]]  # op name -> backend name -> cell


def emit(table: str, out: str) -> int:
    """Print a finished table, and write it to ``out`` when given."""
    print(table)
    if out:
        with open(out, "w") as fh:
            fh.write(table)
    return 0


def drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (the steps of a sync client)."""
    try:
        coro.send(None)
    except StopIteration as stop:
        result: T = stop.value
        return result
    coro.close()
    raise RuntimeError("a step of a sync client suspended")


async def _make_async(make: Callable[[], Any]) -> Any:
    return make()


async def _close_async(close: Callable[[Any], Any], client: Any) -> None:
    result = close(client)
    if hasattr(result, "__await__"):
        await result


def _time_sync(fn: Callable[[Any], Any], items: Sequence[Any]) -> int:
    start = time.perf_counter_ns()
    for item in items:
        fn(item)
    return time.perf_counter_ns() - start


async def _time_async(fn: Callable[[Any], Any], items: Sequence[Any]) -> int:
    start = time.perf_counter_ns()
    for item in items:
        await fn(item)
    return time.perf_counter_ns() - start


def _run(backend: Backend, fn: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    if backend.portal is None:
        return drive(fn(*args))
    result: T = backend.portal.call(fn, *args)
    return result


def _once(backend: Backend, op: Op, ctx: Ctx, fn: Callable[[Any], Any], n: int) -> float:
    """One repetition: prepare n items, time the calls, clean up; µs per command."""
    items = _run(backend, op.batch, backend.client, ctx, n)
    gc.collect()
    if backend.portal is None:
        elapsed = _time_sync(fn, items)
    else:
        elapsed = backend.portal.call(_time_async, fn, items)
    _run(backend, op.after, backend.client, ctx, items)
    return elapsed / len(items) / op.weight / 1000


def _calibrate(backend: Backend, op: Op, ctx: Ctx, fn: Callable[[Any], Any],
               target_ms: float) -> int:
    """Calls per repetition so that one repetition lasts about ``target_ms``."""
    n = 1 if op.weight > 1 else 20
    per_call = 0.0
    for _ in range(2):  # the first round also warms caches (scripts, code paths)
        per_call = _once(backend, op, ctx, fn, n) * op.weight
    wanted = int(target_ms * 1000 / max(per_call, 1e-3))
    return max(1 if op.weight > 1 else 20, min(wanted, 20_000))


def open_backends(stack: contextlib.ExitStack, only: str, notes: list[str]) -> list[Backend]:
    """The backends that are installed (and match ``only``), with their clients."""
    import burner
    import burner.aio

    backends = [
        Backend(BURNER_SYNC, "sync", burner.Redis),
        Backend(BURNER_ASYNC, "asyncio", burner.aio.Redis),
        Backend("burner (trio)", "trio", burner.aio.Redis),
    ]
    try:
        import burner_redis  # type: ignore[import-not-found,import-untyped,unused-ignore]

        backends.append(Backend(BURNER_REDIS, "asyncio", burner_redis.BurnerRedis,
                                lambda client: client.aclose()))
    except ImportError:
        notes.append("burner-redis: not installed, skipped (pip install burner-redis)")
    try:
        import fakeredis

        backends.append(Backend(FAKE_SYNC, "sync",
                                lambda: fakeredis.FakeRedis(server=fakeredis.FakeServer())))
        backends.append(Backend(FAKE_ASYNC, "asyncio",
                                lambda: fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer()),
                                lambda client: client.aclose()))
    except ImportError:
        notes.append("fakeredis: not installed, skipped (pip install fakeredis)")
    try:
        import redis.utils

        from tests.oracle import RedisServerProcess

        server = RedisServerProcess()
        server.start()
        stack.callback(server.stop)
        parser = "hiredis" if redis.utils.HIREDIS_AVAILABLE else "no hiredis"
        if not redis.utils.HIREDIS_AVAILABLE:
            notes.append("hiredis: not installed, so redis-py parses replies in Python "
                         "(nox -s bench installs it)")
        backends.append(Backend(f"redis-server (redis-py sync, {parser}, loopback)", "sync",
                                server.client, lambda client: client.close()))
    except RuntimeError as exc:
        notes.append(f"redis-server: {exc}; skipped")
    if only:
        wanted = [w.strip().lower() for w in only.split(",")]
        backends = [b for b in backends if any(w in b.name.lower() for w in wanted)]
    portals: dict[str, BlockingPortal] = {}
    for backend in backends:
        if backend.loop != "sync" and backend.loop not in portals:
            portals[backend.loop] = stack.enter_context(
                start_blocking_portal(backend=backend.loop))
        backend.portal = portals.get(backend.loop)
        if backend.portal is None:
            backend.client = backend.make()
            stack.callback(backend.close, backend.client)
        else:
            backend.client = backend.portal.call(_make_async, backend.make)
            stack.callback(backend.portal.call, _close_async, backend.close, backend.client)
    return backends


def measure(backends: list[Backend], ops: list[Op], repeat: int, target_ms: float,
            progress: Callable[[str], None]) -> Results:
    results: Results = {}
    for op in ops:
        progress(op.name)
        row: dict[str, Cell] = {}
        active: list[tuple[Backend, Ctx, Callable[[Any], Any], int]] = []
        for backend in backends:
            cell = row[backend.name] = Cell()
            lacks = missing(backend.client, op)
            if lacks:
                cell.na = lacks
                continue
            ctx: Ctx = {}
            try:
                _run(backend, op.setup, backend.client, ctx)
                fn = op.call(backend.client, ctx)
                active.append((backend, ctx, fn, _calibrate(backend, op, ctx, fn, target_ms)))
            except Exception as exc:
                cell.error = f"{type(exc).__name__}: {exc}"[:120]
        for _ in range(repeat):
            for backend, ctx, fn, n in active:
                cell = row[backend.name]
                if cell.error:
                    continue
                try:
                    cell.samples.append(_once(backend, op, ctx, fn, n))
                except Exception as exc:
                    cell.error = f"{type(exc).__name__}: {exc}"[:120]
        results[op.name] = row
    return results


# ------------------------------------------------------------------ output


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> str:
    """One paragraph naming the machine and every version in the run."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=False).stdout.strip() or "unknown"
    except OSError:
        rev = "unknown"
    try:
        server = subprocess.run(["redis-server", "--version"], capture_output=True, text=True,
                                check=False).stdout.split()[2].removeprefix("v=")
    except (OSError, IndexError):
        server = "not installed"
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; burner {rev}, burner-redis "
        f"{_version('burner-redis')}, fakeredis {_version('fakeredis')}, redis-py "
        f"{_version('redis')}, hiredis {_version('hiredis')}, redis-server {server}"
    )


def paired(row: dict[str, Cell], name: str, base: str) -> float | None:
    """Median over the repetitions of ``name``'s time over ``base``'s.

    The two were timed back to back in each repetition, so a burst of load
    that slows one repetition slows both: the ratio of each pair is steadier
    than the ratio of the two medians."""
    a, b = row.get(name, Cell()), row.get(base, Cell())
    if a.value is None or b.value is None:
        return None
    return statistics.median(x / y for x, y in zip(a.samples, b.samples))


def _faster(row: dict[str, Cell], name: str, fake: str) -> str:
    ratio = paired(row, name, fake)
    return "n/a" if ratio is None else f"1/{1 / ratio:.0f}"


def verdict(op: Op, row: dict[str, Cell]) -> str:
    """Whether ``row`` meets the line of the bar in issue #9 that applies to ``op``."""
    mine = {"sync": BURNER_SYNC, "async": BURNER_ASYNC}
    if any(row.get(name, Cell()).value is None for name in mine.values()):
        return "n/a"
    limit = {"hot": 1.0, "pipeline": 1.0, "evalsha": 1 / 3, "other": 3.0}[op.group]
    has_base = row.get(BURNER_REDIS, Cell()).value is not None
    if not has_base and op.group != "other":
        return "no burner-redis figure"
    misses = []
    for kind, name in mine.items():
        ratio = paired(row, name, BURNER_REDIS)
        if ratio is not None and ratio > limit:
            misses.append(f"{kind} {ratio:.2f}x")
    if op.group == "other":
        fakes = {"sync": (BURNER_SYNC, FAKE_SYNC), "async": (BURNER_ASYNC, FAKE_ASYNC)}
        for kind, (name, fake) in fakes.items():
            ratio = paired(row, name, fake)
            if ratio is not None and 1 / ratio < 30:
                misses.append(f"{kind} only {1 / ratio:.0f}x < fakeredis")
    return "yes" if not misses else "**no**: " + ", ".join(misses)


BAR = {
    "hot": "≤ 1.0x burner-redis",
    "evalsha": "≤ 0.33x burner-redis",
    "pipeline": "≤ 1.0x burner-redis",
    "other": "≤ 3x burner-redis, ≥ 30x faster than fakeredis",
}


def render(results: Results, ops: list[Op], backends: list[Backend], notes: list[str],
           header: str) -> str:
    names = [b.name for b in backends]
    lines = [
        header,
        "",
        "µs per command, median of the repetitions; in parentheses: the ratio to "
        "burner-redis in the same row (lower is better). *burner/fakeredis* is "
        "burner's time over fakeredis's (sync over sync, asyncio over asyncio): "
        "1/40 means 40 times faster. Every ratio is the median of the per-repetition "
        "ratios (the two cells of a pair are timed back to back), so it can differ "
        "slightly from the ratio of the two medians. *bar* checks burner's sync and asyncio "
        "clients against the line of issue #9 that applies to the row. A cell marked ~ "
        f"had its repetitions spread by more than {NOISY:.0%} of the median "
        "(interquartile range): the machine was busy, read it with care.",
        "",
        "| operation | " + " | ".join(names) + " | burner/fakeredis (sync, asyncio) | bar |",
        "|---|" + "---:|" * len(names) + "---|---|",
    ]
    errors: list[str] = []
    lacking: dict[str, list[str]] = {}
    tally: dict[str, list[str]] = {}
    by_name = {op.name: op for op in ops}
    for op_name, row in results.items():
        op = by_name[op_name]
        cells = []
        for name in names:
            cell = row[name]
            value = cell.value
            if value is None:
                cells.append("err" if cell.error else "n/a")
                if cell.error:
                    errors.append(f"{op_name} on {name}: {cell.error}")
                if cell.na:
                    lacking.setdefault(name, []).append(f"`{cell.na}` ({op_name})")
                continue
            ratio = paired(row, name, BURNER_REDIS)
            cells.append(f"{value:.2f}" + (f" ({ratio:.2f}x)" if ratio is not None else "")
                         + (" ~" if cell.noisy else ""))
        sync = _faster(row, BURNER_SYNC, FAKE_SYNC)
        asy = _faster(row, BURNER_ASYNC, FAKE_ASYNC)
        outcome = verdict(op, row)
        tally.setdefault("met" if outcome == "yes" else "missed" if outcome.startswith("**no")
                         else "not checked", []).append(op_name)
        lines.append(f"| {op_name} | " + " | ".join(cells) + f" | {sync}, {asy} | {outcome} |")
    lines += ["", "Bars: " + "; ".join(f"{g}: {b}" for g, b in BAR.items()) + ".", ""]
    summary = [f"{key} in {len(v)} of {len(results)} rows" for key, v in sorted(tally.items())]
    lines += ["Bar: " + "; ".join(summary) + ". Missed: "
              + (", ".join(tally.get("missed", [])) or "none") + ".", ""]
    lines.append("How each operation is measured (data set prepared untimed; every "
                 "repetition leaves it as it found it):")
    lines.append("")
    lines += [f"- **{op.name}** ({op.group}): {op.how}." for op in ops if op.name in results]
    notes = notes + [f"n/a: {name} has no " + ", ".join(what) for name, what in lacking.items()]
    if notes or errors:
        lines += ["", "Notes:", ""]
        lines += [f"- {n}" for n in notes + errors]
    return "\n".join(lines) + "\n"


def select(only_ops: str) -> list[Op]:
    """The operations named in ``only_ops`` (comma-separated; a word that is not
    a whole operation name selects every operation whose name contains it)."""
    if not only_ops:
        return OPS
    names = {op.name.lower() for op in OPS}
    wanted = [w.strip().lower() for w in only_ops.split(",")]
    return [op for op in OPS
            if any(w == op.name.lower() or (w not in names and w in op.name.lower())
                   for w in wanted)]


async def _profiled(profile: cProfile.Profile, fn: Callable[[Any], Any],
                    items: Sequence[Any]) -> None:
    profile.enable()
    try:
        await _time_async(fn, items)
    finally:
        profile.disable()


def profile(only_ops: str, only_backends: str, calls: int, top: int) -> str:
    """cProfile of the timed calls of each selected operation on each selected backend."""
    out: list[str] = []
    with contextlib.ExitStack() as stack:
        for backend in open_backends(stack, only_backends, []):
            for op in select(only_ops):
                if missing(backend.client, op):
                    continue
                ctx: Ctx = {}
                _run(backend, op.setup, backend.client, ctx)
                fn = op.call(backend.client, ctx)
                n = max(1, calls // op.weight)
                items = _run(backend, op.batch, backend.client, ctx, n)
                prof = cProfile.Profile()
                if backend.portal is None:
                    prof.enable()
                    _time_sync(fn, items)
                    prof.disable()
                else:
                    backend.portal.call(_profiled, prof, fn, items)
                _run(backend, op.after, backend.client, ctx, items)
                buf = io.StringIO()
                pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(top)
                out.append(f"### {op.name} on {backend.name}, {n:,} calls\n\n```\n"
                           + buf.getvalue().strip() + "\n```\n")
    return "\n".join(out)


def to_json(results: Results, header: str) -> str:
    """The medians and every repetition, for comparing runs by machine."""
    return json.dumps({
        "header": header,
        "results": {op: {name: {"median_us": cell.value, "samples_us": cell.samples,
                                "na": cell.na, "error": cell.error}
                         for name, cell in row.items()}
                    for op, row in results.items()},
    }, indent=1)


def run(only_ops: str, only_backends: str, repeat: int, target_ms: float,
        json_out: str = "") -> str:
    ops = select(only_ops)
    notes: list[str] = []
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        backends = open_backends(stack, only_backends, notes)
        results = measure(backends, ops, repeat, target_ms,
                          lambda name: print(f"  {name} ...", file=sys.stderr, flush=True))
    header = (f"Machine: {machine()}. {repeat} repetitions of about {target_ms:g} ms per "
              f"cell; run took {time.perf_counter() - started:.0f} s.")
    if json_out:
        with open(json_out, "w") as fh:
            fh.write(to_json(results, header))
    return render(results, ops, backends, notes, header)
