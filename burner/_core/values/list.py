"""List: a deque of bytes elements.

Complexity (CPython's deque is a doubly linked list of 64-slot blocks):
- push/pop at either end: O(1).
- index i (LINDEX, LSET): O(min(i, n - i) / 64), so O(1) near either end and
  O(n) only in the middle, like Redis's quicklist.
- LRANGE start..stop: O(min(start, n - stop) + returned), walking in from the
  nearer end (see ``window``).
- LINSERT, LREM, LPOS: O(n) scans; LTRIM: O(removed).
"""

from __future__ import annotations

from collections import deque
from itertools import islice


class List(deque[bytes]):
    __slots__ = ()
    type_name = b"list"

    def encoding(self) -> bytes:
        # Redis 7.0 stores every list as a quicklist.
        return b"quicklist"

    def window(self, start: int, stop: int) -> list[bytes]:
        """Elements ``start``..``stop`` inclusive (0 <= start <= stop < len)."""
        n = len(self)
        if start <= n - 1 - stop:
            return list(islice(self, start, stop + 1))
        out = list(islice(reversed(self), n - 1 - stop, n - start))
        out.reverse()
        return out

    def _check(self) -> None:
        assert len(self) > 0, "an empty list must not be stored"
        for item in self:
            assert type(item) is bytes
