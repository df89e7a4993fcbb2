"""``python -m burner`` and the ``burner`` console script: see ``burner.cli``."""

from __future__ import annotations

import sys

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
