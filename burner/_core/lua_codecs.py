"""cjson, cmsgpack and struct for the Lua sandbox (see lua_libs for the rules).

Lua tables arrive as lupa table objects (iterated with ``items()``); results
are built with ``table_from`` so scripts never hold a Python object.
"""

from __future__ import annotations

import math
import struct as _st
from typing import Any

_MAX_DEPTH = 1000


def _lua_type(x: Any) -> str | None:
    from lupa.lua51 import lua_type

    kind: str | None = lua_type(x)
    return kind


def _is_table(x: Any) -> bool:
    return hasattr(x, "items") and not isinstance(x, (bytes, dict))


def _fmt14(x: Any) -> bytes:
    if type(x) is int and -(10**14) < x < 10**14:
        return b"%d" % x
    return b"%.14g" % float(x)


# --- cjson --------------------------------------------------------------------------
_ESCAPES = {i: b"\\u%04x" % i for i in range(32)}
_ESCAPES.update({8: b"\\b", 9: b"\\t", 10: b"\\n", 12: b"\\f", 13: b"\\r"})
_ESCAPES[ord('"')] = b'\\"'
_ESCAPES[ord("\\")] = b"\\\\"
_ESCAPES[ord("/")] = b"\\/"
_ESCAPES[127] = b"\\u007f"


def _json_str(s: bytes) -> bytes:
    out = bytearray(b'"')
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is None:
            out.append(ch)
        else:
            out += esc
    out += b'"'
    return bytes(out)


class _EncodeError(Exception):
    pass


def _json_encode(v: Any, null: Any, depth: int) -> bytes:
    if v is None or _lua_type(v) == "userdata":
        return b"null"
    kind = type(v)
    if kind is bool:
        return b"true" if v else b"false"
    if kind is bytes:
        return _json_str(v)
    if kind is int or kind is float:
        if kind is float and (math.isnan(v) or math.isinf(v)):
            raise _EncodeError("Cannot serialise number: must not be NaN or Inf")
        return _fmt14(v)
    if _is_table(v):
        if depth >= _MAX_DEPTH:
            raise _EncodeError(f"Cannot serialise, excessive nesting ({depth + 1})")
        items = list(v.items())
        if not items:
            return b"{}"
        maxkey = 0
        array = True
        for k, _ in items:
            if type(k) is int and k >= 1:
                maxkey = max(maxkey, k)
            elif type(k) is float and k >= 1 and k == int(k):
                maxkey = max(maxkey, int(k))
            else:
                array = False
                break
        if array:
            if maxkey > 10 and maxkey > 2 * len(items):
                raise _EncodeError("Cannot serialise table: excessively sparse array")
            vals = dict((int(k), x) for k, x in items)
            return b"[" + b",".join(
                _json_encode(vals.get(i), null, depth + 1) for i in range(1, maxkey + 1)
            ) + b"]"
        parts = []
        for k, x in items:
            if type(k) is bytes:
                key = _json_str(k)
            elif type(k) is int or type(k) is float:
                key = b'"' + _fmt14(k) + b'"'
            else:
                key_kind = "boolean" if type(k) is bool else "table" if _is_table(k) else "userdata"
                raise _EncodeError(f"Cannot serialise {key_kind}: table key must be a number or string")
            parts.append(key + b":" + _json_encode(x, null, depth + 1))
        return b"{" + b",".join(parts) + b"}"
    raise _EncodeError(f"Cannot serialise {_type_name(v)}: type not supported")


def _type_name(v: Any) -> str:
    if callable(v):
        return "function"
    return "userdata"


def cjson_table(handle: Any) -> dict[bytes, Any]:
    table = handle.table

    def encode(*args: Any) -> tuple[Any, ...]:
        if len(args) != 1:
            return False, "bad argument #1 to 'encode' (expected 1 argument)"
        try:
            return True, _json_encode(args[0], None, 0)
        except _EncodeError as exc:
            return False, str(exc)
        except RecursionError:
            return False, "Cannot serialise, excessive nesting (1001)"

    def decode(*args: Any) -> tuple[Any, ...]:
        from .lua_json import JsonError
        from .lua_json import decode as json_decode

        if len(args) != 1:
            return False, "bad argument #1 to 'decode' (expected 1 argument)"
        raw = args[0]
        if type(raw) is not bytes:
            if type(raw) in (int, float):
                raw = _fmt14(raw)
            else:
                return False, "bad argument #1 to 'decode' (string expected, got " + (
                    "nil" if raw is None else "table" if _is_table(raw) else "boolean"
                ) + ")"
        try:
            return True, json_decode(raw, table, handle.null())
        except JsonError as exc:
            return False, str(exc)

    return {
        b"encode": encode,
        b"decode": decode,
        b"null": handle.null(),
        b"encode_keep_buffer": lambda *a: (True, None),
        b"encode_max_depth": lambda *a: (True, None),
        b"decode_max_depth": lambda *a: (True, None),
        b"encode_number_precision": lambda *a: (True, None),
        b"encode_invalid_numbers": lambda *a: (True, None),
        b"decode_invalid_numbers": lambda *a: (True, None),
        b"encode_sparse_array": lambda *a: (True, None),
        b"_NAME": b"cjson",
        b"_VERSION": b"2.1.0",
    }


# --- cmsgpack ------------------------------------------------------------------------
def _mp_pack(v: Any, out: bytearray, depth: int) -> None:
    kind = type(v)
    if v is None:
        out.append(0xC0)
    elif kind is bool:
        out.append(0xC3 if v else 0xC2)
    elif kind is bytes:
        n = len(v)
        if n < 32:
            out.append(0xA0 | n)
        elif n <= 0xFF:
            out += b"\xd9" + bytes([n])
        elif n <= 0xFFFF:
            out += b"\xda" + _st.pack(">H", n)
        else:
            out += b"\xdb" + _st.pack(">I", n)
        out += v
    elif kind is int or (kind is float and not math.isinf(v) and v == int(v) and abs(v) < 2**63):
        _mp_int(int(v), out)
    elif kind is float:
        f32 = _st.unpack(">f", _st.pack(">f", v))[0] if not math.isinf(v) and abs(v) < 3.4e38 else None
        if f32 is not None and (f32 == v or (math.isnan(v))):
            out += b"\xca" + _st.pack(">f", v)
        else:
            out += b"\xcb" + _st.pack(">d", v)
    elif _is_table(v):
        items = list(v.items())
        n = len(items)
        if depth >= 16:
            out.append(0xC0)
            return
        is_array = all(type(k) is int for k, _ in items) and sorted(k for k, _ in items) == list(
            range(1, n + 1)
        )
        if is_array:
            if n < 16:
                out.append(0x90 | n)
            elif n <= 0xFFFF:
                out += b"\xdc" + _st.pack(">H", n)
            else:
                out += b"\xdd" + _st.pack(">I", n)
            vals = dict(items)
            for i in range(1, n + 1):
                _mp_pack(vals[i], out, depth + 1)
        else:
            if n < 16:
                out.append(0x80 | n)
            elif n <= 0xFFFF:
                out += b"\xde" + _st.pack(">H", n)
            else:
                out += b"\xdf" + _st.pack(">I", n)
            for k, x in items:
                _mp_pack(k, out, depth + 1)
                _mp_pack(x, out, depth + 1)
    else:
        out.append(0xC0)


def _mp_int(v: int, out: bytearray) -> None:
    if v >= 0:
        if v < 128:
            out.append(v)
        elif v <= 0xFF:
            out += b"\xcc" + bytes([v])
        elif v <= 0xFFFF:
            out += b"\xcd" + _st.pack(">H", v)
        elif v <= 0xFFFFFFFF:
            out += b"\xce" + _st.pack(">I", v)
        else:
            out += b"\xcf" + _st.pack(">Q", v)
    else:
        if v >= -32:
            out += _st.pack(">b", v)
        elif v >= -128:
            out += b"\xd0" + _st.pack(">b", v)
        elif v >= -32768:
            out += b"\xd1" + _st.pack(">h", v)
        elif v >= -(2**31):
            out += b"\xd2" + _st.pack(">i", v)
        else:
            out += b"\xd3" + _st.pack(">q", v)


class _Truncated(Exception):
    pass


def _mp_unpack(data: bytes, i: int, table: Any) -> tuple[Any, int]:
    if i >= len(data):
        raise _Truncated
    b = data[i]
    i += 1

    def take(n: int) -> bytes:
        nonlocal i
        if i + n > len(data):
            raise _Truncated
        chunk = data[i : i + n]
        i += n
        return chunk

    if b < 0x80:
        return b, i
    if b >= 0xE0:
        return b - 256, i
    if 0xA0 <= b <= 0xBF:
        return take(b & 0x1F), i
    if 0x90 <= b <= 0x9F or b in (0xDC, 0xDD):
        n = b & 0x0F if b <= 0x9F else _st.unpack(">H" if b == 0xDC else ">I", take(2 if b == 0xDC else 4))[0]
        items = []
        for _ in range(n):
            x, i = _mp_unpack(data, i, table)
            items.append(x)
        return table(items), i
    if 0x80 <= b <= 0x8F or b in (0xDE, 0xDF):
        n = b & 0x0F if b <= 0x8F else _st.unpack(">H" if b == 0xDE else ">I", take(2 if b == 0xDE else 4))[0]
        m = {}
        for _ in range(n):
            k, i = _mp_unpack(data, i, table)
            x, i = _mp_unpack(data, i, table)
            if k is not None:
                m[k] = x
        return table(m), i
    if b == 0xC0:
        return None, i
    if b == 0xC2:
        return False, i
    if b == 0xC3:
        return True, i
    fixed = {
        0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
        0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
        0xCA: ">f", 0xCB: ">d",
    }
    fmt = fixed.get(b)
    if fmt is not None:
        return _st.unpack(fmt, take(_st.calcsize(fmt)))[0], i
    if b in (0xD9, 0xDA, 0xDB, 0xC4, 0xC5, 0xC6):
        size = {0xD9: 1, 0xC4: 1, 0xDA: 2, 0xC5: 2, 0xDB: 4, 0xC6: 4}[b]
        n = int.from_bytes(take(size), "big")
        return take(n), i
    return None, i


def cmsgpack_table(handle: Any) -> dict[bytes, Any]:
    table = handle.table

    def pack(*args: Any) -> tuple[Any, ...]:
        if not args:
            return False, "bad argument #0 to 'pack' (MessagePack pack needs input.)"
        out = bytearray()
        for a in args:
            _mp_pack(a, out, 0)
        return True, bytes(out)

    def unpack_many(limit: int, offset: int, data: Any) -> tuple[Any, ...]:
        if type(data) is not bytes:
            return False, "bad argument #1 to 'unpack' (string expected)"
        values: list[Any] = []
        i = offset
        try:
            while i < len(data) and (limit <= 0 or len(values) < limit):
                x, i = _mp_unpack(data, i, table)
                values.append(x)
        except _Truncated:
            return False, "Missing bytes in input."
        if limit > 0:
            return (True, -1 if i >= len(data) else i, *values)
        return (True, *values)

    def unpack(*args: Any) -> tuple[Any, ...]:
        if len(args) != 1:
            return False, "MessagePack unpack needs input."
        return unpack_many(0, 0, args[0])

    def unpack_one(data: Any = None, offset: Any = 0) -> tuple[Any, ...]:
        return unpack_many(1, int(offset or 0), data)

    def unpack_limit(data: Any = None, limit: Any = 0, offset: Any = 0) -> tuple[Any, ...]:
        return unpack_many(int(limit or 0), int(offset or 0), data)

    return {
        b"pack": pack,
        b"unpack": unpack,
        b"unpack_one": unpack_one,
        b"unpack_limit": unpack_limit,
        b"_NAME": b"cmsgpack",
        b"_VERSION": b"lua-cmsgpack 0.4.0",
        b"_COPYRIGHT": b"Copyright (C) 2012, Salvatore Sanfilippo",
        b"_DESCRIPTION": b"MessagePack C implementation for Lua",
    }


# --- struct --------------------------------------------------------------------------
_SIZES = {"b": 1, "B": 1, "h": 2, "H": 2, "l": 8, "L": 8, "T": 8, "f": 4, "d": 8}


def _parse(fmt: bytes) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    text = fmt.decode("latin-1")
    i = 0
    while i < len(text):
        ch = text[i]
        i += 1
        j = i
        while j < len(text) and text[j].isdigit():
            j += 1
        num = int(text[i:j]) if j > i else -1
        i = j
        out.append((ch, num))
    return out


def struct_table(handle: Any) -> dict[bytes, Any]:
    def pack(fmt: Any = None, *args: Any) -> tuple[Any, ...]:
        if type(fmt) is not bytes:
            return False, "bad argument #1 to 'pack' (string expected)"
        order = "<"
        out = bytearray()
        ai = 0
        try:
            for ch, num in _parse(fmt):
                if ch in "<>!=":
                    order = {"<": "<", ">": ">", "!": order, "=": "<"}[ch]
                    continue
                if ch == " ":
                    continue
                if ch == "x":
                    out.append(0)
                    continue
                if ch in "bBhHlLTiI":
                    size = _SIZES.get(ch, num if num > 0 else 4)
                    v = args[ai]
                    ai += 1
                    n = int(v) if type(v) is not bytes else int(float(v))
                    n &= (1 << (8 * size)) - 1
                    out += n.to_bytes(size, "little" if order == "<" else "big")
                elif ch in "fd":
                    v = args[ai]
                    ai += 1
                    out += _st.pack(order + ch, float(v))
                elif ch == "s":
                    v = args[ai]
                    ai += 1
                    out += bytes(v) + b"\x00"
                elif ch == "c":
                    v = args[ai]
                    ai += 1
                    data = bytes(v) if type(v) is bytes else _fmt14(v)
                    if num == -1:
                        num = 1
                    if num == 0:
                        num = len(data)
                    out += data[:num].ljust(num, b"\x00")
                else:
                    return False, f"bad argument #1 to 'pack' (invalid format option '{ch}')"
        except IndexError:
            return False, f"bad argument #{ai + 2} to 'pack' (number expected, got nil)"
        except (TypeError, ValueError):
            return False, f"bad argument #{ai + 1} to 'pack' (number expected)"
        return True, bytes(out)

    def unpack(fmt: Any = None, data: Any = None, pos: Any = 1) -> tuple[Any, ...]:
        if type(fmt) is not bytes or type(data) is not bytes:
            return False, "bad argument to 'unpack' (string expected)"
        order = "<"
        i = int(pos or 1) - 1
        values: list[Any] = []
        for ch, num in _parse(fmt):
            if ch in "<>!=":
                order = {"<": "<", ">": ">", "!": order, "=": "<"}[ch]
                continue
            if ch == " ":
                continue
            if ch == "x":
                i += 1
                continue
            if ch in "bBhHlLTiI":
                size = _SIZES.get(ch, num if num > 0 else 4)
                if i + size > len(data):
                    return False, "bad argument #2 to 'unpack' (data string too short)"
                raw = data[i : i + size]
                i += size
                values.append(
                    int.from_bytes(raw, "little" if order == "<" else "big", signed=ch.islower())
                )
            elif ch in "fd":
                size = 4 if ch == "f" else 8
                if i + size > len(data):
                    return False, "bad argument #2 to 'unpack' (data string too short)"
                values.append(_st.unpack(order + ch, data[i : i + size])[0])
                i += size
            elif ch == "s":
                end = data.find(b"\x00", i)
                if end < 0:
                    return False, "bad argument #2 to 'unpack' (unfinished string in data)"
                values.append(data[i:end])
                i = end + 1
            elif ch == "c":
                if num == -1:
                    num = 1
                if num == 0:
                    if not values or type(values[-1]) is not int:
                        return False, "format 'c0' needs a previous size"
                    num = values.pop()
                if i + num > len(data):
                    return False, "bad argument #2 to 'unpack' (data string too short)"
                values.append(data[i : i + num])
                i += num
            else:
                return False, f"bad argument #1 to 'pack' (invalid format option '{ch}')"
        return (True, *values, i + 1)

    def size(fmt: Any = None) -> tuple[Any, ...]:
        if type(fmt) is not bytes:
            return False, "bad argument #1 to 'size' (string expected)"
        total = 0
        for ch, num in _parse(fmt):
            if ch in "bBhHlLTiI":
                total += _SIZES.get(ch, num if num > 0 else 4)
            elif ch in "fd":
                total += 4 if ch == "f" else 8
            elif ch == "x":
                total += 1
            elif ch == "c" and num != 0:
                total += max(num, 1)
            elif ch == "s" or (ch == "c" and num == 0):
                return False, f"bad argument #1 to 'size' (option '{ch}' has no fixed size)"
        return True, total

    return {b"pack": pack, b"unpack": unpack, b"size": size}
