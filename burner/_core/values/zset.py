"""Sorted set: a dict member -> score plus a SortedList of (score, member).

Complexity: ZSCORE/membership O(1); add, remove, rank O(log n); a range by
rank, score or lex O(log n + m) for m results. The SortedList orders as Redis
does: by score, then by member bytes.

Lex ranges assume every member has the same score (Redis leaves them
undefined otherwise); with mixed scores they walk the elements in order the
way Redis's listpack encoding does (O(n)), which is what Redis answers for
small sorted sets.

OBJECT ENCODING follows Redis: ``listpack`` until the set grows past
``max_entries`` or holds a member longer than ``max_value`` (the
zset-max-listpack-* settings, which the commands copy in before they add),
then ``skiplist`` for good (only a freshly built result, as ZUNIONSTORE
writes, starts over as a listpack).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from sortedcontainers import SortedList

# A lex bound: (member, exclusive); None is "-" or "+" (no bound).
LexBound = tuple[bytes, bool] | None


class ZSet:
    __slots__ = ("max_entries", "max_value", "order", "scores", "skiplist")
    type_name = b"zset"

    MAX_LISTPACK_ENTRIES = 128
    MAX_LISTPACK_VALUE = 64

    def __init__(
        self, max_entries: int = MAX_LISTPACK_ENTRIES, max_value: int = MAX_LISTPACK_VALUE
    ) -> None:
        self.scores: dict[bytes, float] = {}
        self.order: SortedList[tuple[float, bytes]] = SortedList()
        self.skiplist = False
        self.max_entries = max_entries
        self.max_value = max_value

    def __len__(self) -> int:
        return len(self.scores)

    def __contains__(self, member: bytes) -> bool:
        return member in self.scores

    def __iter__(self) -> Iterator[tuple[float, bytes]]:
        return iter(self.order)

    def get(self, member: bytes) -> float | None:
        return self.scores.get(member)

    # --- writes ------------------------------------------------------------------
    def insert(self, member: bytes, score: float) -> None:
        """Add a member known to be absent."""
        if not self.skiplist:
            if (
                len(self.scores) >= self.max_entries
                or len(member) > self.max_value
            ):
                self.skiplist = True
            else:
                score += 0.0  # a listpack keeps -0 as 0; a skiplist keeps the sign
        self.scores[member] = score
        self.order.add((score, member))

    def update(self, member: bytes, old: float, new: float) -> None:
        """Move a present member from score ``old`` to ``new``."""
        if not self.skiplist:
            new += 0.0
        order = self.order
        order.remove((old, member))
        order.add((new, member))
        self.scores[member] = new

    def set(self, member: bytes, score: float) -> None:
        old = self.scores.get(member)
        if old is None:
            self.insert(member, score)
        elif old != score:
            self.update(member, old, score)

    def remove(self, member: bytes) -> bool:
        score = self.scores.pop(member, None)
        if score is None:
            return False
        self.order.remove((score, member))
        return True

    def delete_span(self, start: int, stop: int) -> int:
        """Remove the elements at positions [start, stop); how many went."""
        if start >= stop:
            return 0
        order = self.order
        scores = self.scores
        for _score, member in order.islice(start, stop):
            del scores[member]
        del order[start:stop]
        return stop - start

    def pop_at(self, index: int) -> tuple[float, bytes]:
        item = self.order.pop(index)
        del self.scores[item[1]]
        return item

    # --- positions -------------------------------------------------------------
    def rank(self, member: bytes) -> int | None:
        score = self.scores.get(member)
        if score is None:
            return None
        return self.order.bisect_left((score, member))

    def score_span(self, lo: float, lo_ex: bool, hi: float, hi_ex: bool) -> tuple[int, int]:
        """Positions [start, stop) of the elements with lo <(=) score <(=) hi."""
        if lo > hi or (lo == hi and (lo_ex or hi_ex)):
            return 0, 0
        order = self.order
        n = len(order)
        if lo_ex:
            start = n if lo == math.inf else order.bisect_left((math.nextafter(lo, math.inf), b""))
        else:
            start = order.bisect_left((lo, b""))
        if hi_ex:
            stop = order.bisect_left((hi, b""))
        else:
            stop = n if hi == math.inf else order.bisect_left((math.nextafter(hi, math.inf), b""))
        return start, max(start, stop)

    def uniform(self) -> bool:
        """Whether every member has the same score (lex ranges are defined)."""
        order = self.order
        return order[0][0] == order[-1][0]

    def lex_span(self, lo: LexBound, hi: LexBound) -> tuple[int, int]:
        """Positions [start, stop) of the members in [lo, hi] (forward walk)."""
        if lex_empty(lo, hi):
            return 0, 0
        order = self.order
        n = len(order)
        if not n:
            return 0, 0
        if self.uniform():
            score = order[0][0]
            if lo is None:
                start = 0
            elif lo[1]:
                start = order.bisect_right((score, lo[0]))
            else:
                start = order.bisect_left((score, lo[0]))
            if hi is None:
                stop = n
            elif hi[1]:
                stop = order.bisect_left((score, hi[0]))
            else:
                stop = order.bisect_right((score, hi[0]))
            return start, max(start, stop)
        # Mixed scores: the first element >= lo, then on while <= hi.
        if not (lex_gte(order[-1][1], lo) and lex_lte(order[0][1], hi)):
            return 0, 0
        start = 0
        while start < n and not lex_gte(order[start][1], lo):
            start += 1
        stop = start
        while stop < n and lex_lte(order[stop][1], hi):
            stop += 1
        return start, stop

    def lex_walk(
        self, lo: LexBound, hi: LexBound, reverse: bool, offset: int, limit: int
    ) -> list[tuple[float, bytes]]:
        """A lex range with LIMIT over mixed scores, walked as Redis walks a
        listpack: from the first element >= lo (the last <= hi when
        ``reverse``), ``offset`` elements skipped unchecked, then up to
        ``limit`` (all if negative) while they stay <= hi (>= lo)."""
        order = self.order
        n = len(order)
        if not n or lex_empty(lo, hi):
            return []
        if not (lex_gte(order[-1][1], lo) and lex_lte(order[0][1], hi)):
            return []
        out: list[tuple[float, bytes]] = []
        if reverse:
            i = n - 1
            while i >= 0 and not lex_lte(order[i][1], hi):
                i -= 1
            if i < 0 or not lex_gte(order[i][1], lo):
                return []
            i -= offset
            while i >= 0 and limit != len(out) and lex_gte(order[i][1], lo):
                out.append(order[i])
                i -= 1
            return out
        i = 0
        while i < n and not lex_gte(order[i][1], lo):
            i += 1
        if i == n or not lex_lte(order[i][1], hi):
            return []
        i += offset
        while i < n and limit != len(out) and lex_lte(order[i][1], hi):
            out.append(order[i])
            i += 1
        return out

    def items(self, start: int, stop: int, reverse: bool = False) -> list[tuple[float, bytes]]:
        """The elements at positions [start, stop), from the top if ``reverse``."""
        if start >= stop:
            return []
        return list(self.order.islice(start, stop, reverse=reverse))

    def copy(self) -> ZSet:
        """An independent copy with the same encoding (what COPY stores)."""
        twin = ZSet()
        twin.scores = dict(self.scores)
        twin.order = self.order.copy()
        twin.skiplist = self.skiplist
        twin.max_entries = self.max_entries
        twin.max_value = self.max_value
        return twin

    def encoding(self) -> bytes:
        return b"skiplist" if self.skiplist else b"listpack"

    def _check(self) -> None:
        assert len(self.scores) > 0, "an empty sorted set must not be stored"
        assert len(self.order) == len(self.scores)
        self.order._check()  # type: ignore[attr-defined]
        for score, member in self.order:
            assert type(member) is bytes and type(score) is float
            assert not math.isnan(score)
            assert self.scores[member] == score
            # a listpack keeps -0 as 0
            assert self.skiplist or score != 0.0 or math.copysign(1.0, score) > 0


def lex_empty(lo: LexBound, hi: LexBound) -> bool:
    if lo is None or hi is None:
        return False
    return lo[0] > hi[0] or (lo[0] == hi[0] and (lo[1] or hi[1]))


def lex_gte(member: bytes, lo: LexBound) -> bool:
    if lo is None:
        return True
    return member > lo[0] if lo[1] else member >= lo[0]


def lex_lte(member: bytes, hi: LexBound) -> bool:
    if hi is None:
        return True
    return member < hi[0] if hi[1] else member <= hi[0]
