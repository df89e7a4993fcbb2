"""Value types. A string is stored as plain ``bytes``; every other type is a
class of its own with a ``type_name`` (what TYPE replies), an ``encoding()``
(what OBJECT ENCODING replies) and a ``_check()`` asserting its invariants.
"""

from __future__ import annotations

from typing import Any, Protocol


class ValueType(Protocol):
    type_name: bytes

    def encoding(self) -> bytes: ...

    def _check(self) -> None: ...


Value = Any  # bytes or one of the value classes


def type_name(value: Value) -> bytes:
    if type(value) is bytes:
        return b"string"
    name: bytes = value.type_name
    return name
