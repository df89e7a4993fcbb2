"""Refresh docs/performance.md: ``python -m benchmarks.report [--quick]``.

Runs the four benchmarks (latency, memory, scaling, docket), each in its own
process, and replaces the text between ``<!-- begin:NAME -->`` and
``<!-- end:NAME -->`` in docs/performance.md with what each printed.  The
prose around the markers is left alone; read it again after a refresh, since
it quotes a few numbers.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def _run(args: list[str]) -> str:
    print(f"  python -m {' '.join(args)} ...", file=sys.stderr, flush=True)
    out = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def _replacer(body: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return match.group(1) + body + "\n" + match.group(2)

    return replace


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = ["--quick"] if args.quick else []
    sections = {
        "latency": _run(["benchmarks", *quick]),
        "memory": _run(["benchmarks.memory", *quick]),
        "scaling": _run(["benchmarks.scaling",
                         *(["--sizes", "1000,100000"] if args.quick else [])]),
        "docket": _run(["benchmarks.docket_bench", *(["--tasks", "1000"] if args.quick else [])]),
    }
    text = DOC.read_text()
    for name, body in sections.items():
        pattern = re.compile(rf"(<!-- begin:{name} -->\n).*?(<!-- end:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"{DOC}: no <!-- begin:{name} --> ... <!-- end:{name} --> markers")
        text = pattern.sub(_replacer(body), text)
    DOC.write_text(text)
    print(f"rewrote the tables in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
