"""Hash: a dict of field -> value (both bytes).

Complexity: HGET/HSET/HDEL/HEXISTS/HSTRLEN O(1); HGETALL/HKEYS/HVALS O(n);
HRANDFIELD O(n) to index the fields plus O(count).

Field order is insertion order. That is Redis's order for a small hash (a
listpack keeps fields in the order they were first added; overwriting a field
keeps its place). A large hash is a hashtable in Redis, whose order is its own;
any order is valid there.

``big`` records Redis's one-way conversion from listpack to hashtable: it is
set once a write stores a field or value longer than hash-max-listpack-value
bytes or the hash grows past hash-max-listpack-entries, and it stays set even
if the hash shrinks again (Redis never converts back). OBJECT ENCODING and
HSCAN's single-pass rule for small hashes read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class Hash(dict[bytes, bytes]):
    __slots__ = ("big",)
    type_name = b"hash"

    # Redis's defaults for the listpack limits (CONFIG can change them).
    MAX_LISTPACK_ENTRIES = 512
    MAX_LISTPACK_VALUE = 64

    def __init__(
        self, items: Mapping[bytes, bytes] | Iterable[tuple[bytes, bytes]] = (), big: bool = False
    ) -> None:
        super().__init__(items)
        self.big = big

    def copy(self) -> Hash:  # a dict's copy() would lose the type
        return Hash(self.items(), self.big)

    def encoding(self) -> bytes:
        return b"hashtable" if self.big else b"listpack"

    def _check(self) -> None:
        assert len(self) > 0, "an empty hash must not be stored"
        assert type(self.big) is bool
        for field, value in self.items():
            assert type(field) is bytes and type(value) is bytes
