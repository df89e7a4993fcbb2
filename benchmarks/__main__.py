"""Entry point: ``python -m benchmarks [--quick] [--ops A,B] [--backends X,Y] [--out FILE]``.

Measures µs per command of every operation in ``benchmarks.ops`` on each
backend that is installed (burner sync/asyncio/trio, burner-redis, fakeredis
sync/asyncio, a real redis-server through redis-py), in one process run, and
prints one Markdown table with ratios to burner-redis and the bar of issue #9.
``--profile CALLS`` prints where the time goes instead (cProfile of the
timed calls), e.g. ``python -m benchmarks --profile 20000 --ops GET --backends
"burner (sync)"``.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.harness import emit, profile, run


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true",
                        help="fewer, shorter repetitions (about a minute)")
    parser.add_argument("--repeat", type=int, default=0, help="repetitions per cell (median kept)")
    parser.add_argument("--target-ms", type=float, default=0.0,
                        help="length of one repetition in ms")
    parser.add_argument("--ops", default="", help="only these operations (comma-separated "
                        "names, or words the names contain)")
    parser.add_argument("--backends", default="", help="only backends whose name contains one "
                        "of these comma-separated words")
    parser.add_argument("--out", default="", help="also write the table to this file")
    parser.add_argument("--json", default="", help="also write every repetition to this file")
    parser.add_argument("--profile", type=int, default=0, metavar="CALLS",
                        help="instead of the table: cProfile CALLS calls of each selected "
                        "operation on each selected backend (top 25 by own time)")
    args = parser.parse_args()
    if args.profile:
        print(profile(args.ops, args.backends, args.profile, 25))
        return 0
    repeat = args.repeat or (5 if args.quick else 11)
    target_ms = args.target_ms or (6.0 if args.quick else 20.0)
    table = run(args.ops, args.backends, repeat, target_ms, args.json)
    return emit(table, args.out)


if __name__ == "__main__":
    sys.exit(main())
