"""Entry point: ``python -m benchmarks [--ops N] [--repeat R] [--out FILE]``.

Measures µs per operation for each backend that is installed, in one process
run, and prints a Markdown table with ratios to burner-redis. A backend that
is not installed (or a redis-server that is not on PATH) is reported as
skipped, never faked.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.harness import render, run_all


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--ops", type=int, default=20_000, help="operations per timing")
    parser.add_argument("--repeat", type=int, default=5, help="timings per cell (median kept)")
    parser.add_argument("--out", default="", help="also write the table to this file")
    args = parser.parse_args()
    results, notes = run_all(args.ops, args.repeat)
    table = render(results, notes)
    print(table)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
