"""Hash: a dict of field -> value (both bytes).

Complexity: HGET/HSET/HDEL O(1); HGETALL/HKEYS/HVALS O(n). Field order is
insertion order (Redis's listpack order for small hashes is insertion order
too; for large ones any order is valid).
"""

from __future__ import annotations


class Hash(dict[bytes, bytes]):
    __slots__ = ()
    type_name = b"hash"

    # Redis converts a listpack hash to a hashtable past these limits.
    MAX_LISTPACK_ENTRIES = 128
    MAX_LISTPACK_VALUE = 64

    def encoding(self) -> bytes:
        if len(self) > self.MAX_LISTPACK_ENTRIES:
            return b"hashtable"
        limit = self.MAX_LISTPACK_VALUE
        for field, value in self.items():
            if len(field) > limit or len(value) > limit:
                return b"hashtable"
        return b"listpack"

    def _check(self) -> None:
        assert len(self) > 0, "an empty hash must not be stored"
        for field, value in self.items():
            assert type(field) is bytes and type(value) is bytes
