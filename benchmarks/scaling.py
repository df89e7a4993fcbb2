"""How cost grows with size: ``python -m benchmarks.scaling [--sizes 1000,100000,1000000]``.

µs per call on burner's sync client, median of ``--repeat`` repetitions, for
a sorted set and a stream of each size (built untimed, scores and IDs in
order):

- ZADD: a new member with a score in the middle of the set; the members
  added are removed (untimed) after each repetition, so the size holds.
- ZRANGEBYSCORE LIMIT 10: ``ZRANGEBYSCORE z <middle score> +inf LIMIT 0 10``.
- XRANGE COUNT 10: ``XRANGE s <middle ID> + COUNT 10``.

Redis does each in O(log N) (+ the 10 returned), so the columns should stay
nearly flat; a column that grows with N is a data-structure problem.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks.harness import emit, machine

CALLS = 2000
NAMES = ["ZADD", "ZRANGEBYSCORE LIMIT 10", "XRANGE COUNT 10"]


def _timed(calls: list[Callable[[], Any]]) -> float:
    gc.collect()
    start = time.perf_counter_ns()
    for call in calls:
        call()
    return (time.perf_counter_ns() - start) / len(calls) / 1000


class Sized:
    """One burner client holding a sorted set ``z`` and a stream ``s`` of ``size`` elements."""

    def __init__(self, size: int) -> None:
        import burner

        self.size = size
        self.r = r = burner.Redis()
        for start in range(0, size, 10_000):
            r.zadd("z", {f"m:{i:08d}": i for i in range(start, min(size, start + 10_000))})
        ids = [r.xadd("s", {"f": "v" * 16}) for _ in range(size)]
        self.middle_id = ids[size // 2]
        self.middle = size // 2

    def sample(self) -> dict[str, float]:
        """One repetition of each operation; the data set is left as it was."""
        r, middle, middle_id = self.r, self.middle, self.middle_id
        mappings = [{f"new:{i:08d}": middle + 0.5} for i in range(CALLS)]
        out = {"ZADD": _timed([lambda m=m: r.zadd("z", m) for m in mappings])}  # type: ignore[misc]
        r.zrem("z", *[m for mapping in mappings for m in mapping])
        out["ZRANGEBYSCORE LIMIT 10"] = _timed(
            [lambda: r.zrangebyscore("z", middle, "+inf", start=0, num=10)] * CALLS)
        out["XRANGE COUNT 10"] = _timed([lambda: r.xrange("s", middle_id, "+", count=10)] * CALLS)
        assert r.zcard("z") == self.size and r.xlen("s") == self.size
        return out


def measure(sizes: list[int], repeat: int) -> dict[int, dict[str, float]]:
    """Medians per size; the sizes take turns repetition by repetition (load hits all alike)."""
    built = []
    for size in sizes:
        print(f"  building {size:,} elements ...", file=sys.stderr, flush=True)
        built.append(Sized(size))
    samples: dict[int, dict[str, list[float]]] = {s: {n: [] for n in NAMES} for s in sizes}
    for _ in range(repeat):
        for sized in built:
            for name, value in sized.sample().items():
                samples[sized.size][name].append(value)
    return {size: {n: statistics.median(v) for n, v in row.items()}
            for size, row in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scaling")
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--out", default="", help="also write the table to this file")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = measure(sizes, args.repeat)
    names = NAMES
    lines = [
        f"Machine: {machine()}.",
        "",
        "burner (sync), µs per call, median of the repetitions; in parentheses: the "
        f"ratio to {sizes[0]:,} elements.",
        "",
        "| elements | " + " | ".join(names) + " |",
        "|---:|" + "---:|" * len(names),
    ]
    first = rows[sizes[0]]
    for size, row in rows.items():
        cells = [f"{row[n]:.2f} ({row[n] / first[n]:.2f}x)" for n in names]
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    table = "\n".join(lines) + "\n"
    return emit(table, args.out)


if __name__ == "__main__":
    sys.exit(main())
