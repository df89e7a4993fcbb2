"""FUNCTION DUMP / RESTORE payloads in Redis's own format, so a dump moves
between burner and a real Redis 7 either way.

The payload is, per library, the RDB function opcode (0xF5) and the library
code as an RDB string; then the RDB version (2 bytes, little-endian) and a
CRC64 (Jones polynomial, reflected, as Redis's crc64.c computes it) of
everything before it (8 bytes, little-endian). Reading accepts plain,
integer-encoded and LZF-compressed strings; writing uses plain strings.
"""

from __future__ import annotations

RDB_VERSION = 10
_OPCODE_FUNCTION2 = 0xF5
_POLY = 0x95AC9329AC4BC9B5  # 0xad93d23594c935a9 bit-reversed


def _table() -> list[int]:
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _table()


def crc64(data: bytes, crc: int = 0) -> int:
    table = _CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def _length(n: int) -> bytes:
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF])
    if n <= 0xFFFFFFFF:
        return b"\x80" + n.to_bytes(4, "big")
    return b"\x81" + n.to_bytes(8, "big")


def dump_libraries(codes: list[bytes]) -> bytes:
    out = bytearray()
    for code in codes:
        out.append(_OPCODE_FUNCTION2)
        out += _length(len(code))
        out += code
    out += RDB_VERSION.to_bytes(2, "little")
    out += crc64(bytes(out)).to_bytes(8, "little")
    return bytes(out)


class _Bad(Exception):
    pass


def _read_length(data: bytes, i: int) -> tuple[int, bool, int]:
    """(value, is_encoded, next index) of an RDB length."""
    if i >= len(data):
        raise _Bad
    b = data[i]
    kind = b >> 6
    if kind == 0:
        return b & 0x3F, False, i + 1
    if kind == 1:
        if i + 1 >= len(data):
            raise _Bad
        return ((b & 0x3F) << 8) | data[i + 1], False, i + 2
    if kind == 3:
        return b & 0x3F, True, i + 1
    if b == 0x80:
        return int.from_bytes(data[i + 1 : i + 5], "big"), False, i + 5
    if b == 0x81:
        return int.from_bytes(data[i + 1 : i + 9], "big"), False, i + 9
    raise _Bad


def _lzf(data: bytes, size: int) -> bytes:
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        ctrl = data[i]
        i += 1
        if ctrl < 32:
            run = ctrl + 1
            if i + run > n:
                raise _Bad
            out += data[i : i + run]
            i += run
            continue
        length = ctrl >> 5
        if length == 7:
            if i >= n:
                raise _Bad
            length += data[i]
            i += 1
        if i >= n:
            raise _Bad
        ref = len(out) - ((ctrl & 0x1F) << 8) - data[i] - 1
        i += 1
        if ref < 0:
            raise _Bad
        for _ in range(length + 2):
            out.append(out[ref])
            ref += 1
    if len(out) != size:
        raise _Bad
    return bytes(out)


def _read_string(data: bytes, i: int) -> tuple[bytes, int]:
    n, encoded, i = _read_length(data, i)
    if not encoded:
        if i + n > len(data):
            raise _Bad
        return data[i : i + n], i + n
    if n in (0, 1, 2):
        size = 1 << n
        if i + size > len(data):
            raise _Bad
        value = int.from_bytes(data[i : i + size], "little", signed=True)
        return str(value).encode(), i + size
    if n == 3:
        clen, _, i = _read_length(data, i)
        ulen, _, i = _read_length(data, i)
        if i + clen > len(data):
            raise _Bad
        return _lzf(data[i : i + clen], ulen), i + clen
    raise _Bad


def parse_dump(payload: bytes) -> list[bytes] | None:
    """The library codes in ``payload``, or None if it is not a valid dump."""
    if len(payload) < 10:
        return None
    body, footer = payload[:-10], payload[-10:]
    version = int.from_bytes(footer[:2], "little")
    if version > RDB_VERSION:
        return None
    if crc64(payload[:-8]) != int.from_bytes(footer[2:], "little"):
        return None
    codes: list[bytes] = []
    i = 0
    try:
        while i < len(body):
            if body[i] != _OPCODE_FUNCTION2:
                return None
            code, i = _read_string(body, i + 1)
            codes.append(code)
    except _Bad:
        return None
    return codes


__all__ = ["crc64", "dump_libraries", "parse_dump"]
