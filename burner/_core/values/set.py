"""Set: members (bytes) in a list plus a dict member -> position in that list.

Complexity: SADD/SREM/SISMEMBER O(1); a random member (SPOP, SRANDMEMBER)
O(1), because the list gives positions to draw from; SREM moves the last
member into the freed slot. Iterating and the dict's key view (``keys()``,
set-like) serve the set algebra without copying.

OBJECT ENCODING follows Redis 7.0 (the oracle): ``intset`` while every member
has ever been a 64-bit integer and the set never grew past
``max_intset`` entries (set-max-intset-entries, which the commands copy in
before they add); once converted, ``hashtable`` for good (Redis never
converts back).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, KeysView

from ..parse import maybe_int


class Set:
    __slots__ = ("hashtable", "index", "max_intset", "members")
    type_name = b"set"

    MAX_INTSET_ENTRIES = 512

    def __init__(self, members: Iterable[bytes] = (), max_intset: int = MAX_INTSET_ENTRIES) -> None:
        self.index: dict[bytes, int] = {}
        self.members: list[bytes] = []
        self.hashtable = False
        self.max_intset = max_intset
        for m in members:
            self.add(m)

    def __len__(self) -> int:
        return len(self.members)

    def __contains__(self, member: bytes) -> bool:
        return member in self.index

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.members)

    def keys(self) -> KeysView[bytes]:
        return self.index.keys()

    def add(self, member: bytes) -> bool:
        index = self.index
        if member in index:
            return False
        index[member] = len(self.members)
        self.members.append(member)
        if not self.hashtable and (
            maybe_int(member) is None or len(self.members) > self.max_intset
        ):
            self.hashtable = True
        return True

    def discard(self, member: bytes) -> bool:
        pos = self.index.pop(member, None)
        if pos is None:
            return False
        members = self.members
        last = members.pop()
        if pos < len(members):
            members[pos] = last
            self.index[last] = pos
        return True

    def random_member(self) -> bytes:
        return self.members[random.randrange(len(self.members))]

    def pop_random(self) -> bytes:
        member = self.random_member()
        self.discard(member)
        return member

    def sample(self, count: int) -> list[bytes]:
        """``count`` distinct members (all of them when count >= size)."""
        if count >= len(self.members):
            out = list(self.members)
            random.shuffle(out)
            return out
        return random.sample(self.members, count)

    def choices(self, count: int) -> list[bytes]:
        """``count`` members drawn with repetition."""
        return random.choices(self.members, k=count)

    def copy(self) -> Set:
        """An independent copy with the same encoding (what COPY stores)."""
        twin = Set()
        twin.index = dict(self.index)
        twin.members = list(self.members)
        twin.hashtable = self.hashtable
        twin.max_intset = self.max_intset
        return twin

    def encoding(self) -> bytes:
        return b"hashtable" if self.hashtable else b"intset"

    def _check(self) -> None:
        assert len(self.members) > 0, "an empty set must not be stored"
        assert len(self.index) == len(self.members)
        for pos, member in enumerate(self.members):
            assert type(member) is bytes
            assert self.index[member] == pos
        if not self.hashtable:
            assert all(maybe_int(m) is not None for m in self.members)
