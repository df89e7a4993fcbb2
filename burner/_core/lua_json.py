"""cjson.decode as Redis's lua-cjson does it: the same tokens, the same
error texts ("Expected value but found T_END at character 1"), NaN and
Infinity accepted, numbers read as doubles, null as cjson.null.

``decode(raw, table, null)`` returns the Lua value; ``table`` builds Lua
tables from Python lists and dicts, ``null`` is the cjson.null sentinel.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 1000

_WS = b" \t\n\r"
_SIMPLE = {
    ord("{"): "T_OBJ_BEGIN",
    ord("}"): "T_OBJ_END",
    ord("["): "T_ARR_BEGIN",
    ord("]"): "T_ARR_END",
    ord(","): "T_COMMA",
    ord(":"): "T_COLON",
}
# what strtod accepts at the start of a number token
_NUMBER = re.compile(
    rb"-?(?:0[xX][0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?(?:[pP][+-]?[0-9]+)?"
    rb"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    rb"|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])"
)
_INVALID_NUMBER = re.compile(rb"[+-]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])")
_ESCAPES = {
    ord('"'): b'"', ord("\\"): b"\\", ord("/"): b"/", ord("b"): b"\b",
    ord("f"): b"\f", ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t",
}


class JsonError(Exception):
    pass


def _strtod(text: bytes) -> float:
    low = text.lower().lstrip(b"+-")
    sign = -1.0 if text.startswith(b"-") else 1.0
    if low.startswith(b"inf"):
        return sign * float("inf")
    if low.startswith(b"nan"):
        return float("nan")
    body = text.lstrip(b"-")
    if body[:2] in (b"0x", b"0X"):
        return sign * float.fromhex(body.decode())
    return float(text)


class _Lexer:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def next(self) -> tuple[str, Any, int]:
        """(token name, value, start index)."""
        data = self.data
        n = len(data)
        i = self.pos
        while i < n and data[i] in _WS:
            i += 1
        self.pos = i
        if i >= n:
            return "T_END", None, i
        ch = data[i]
        simple = _SIMPLE.get(ch)
        if simple is not None:
            self.pos = i + 1
            return simple, None, i
        if ch == 34:  # '"'
            return self._string(i)
        if ch == 45 or 48 <= ch <= 57:  # '-' or digit
            m = _NUMBER.match(data, i)
            if m is None:
                return "T_ERROR", "invalid number", i
            self.pos = m.end()
            return "T_NUMBER", _strtod(m.group()), i
        if data.startswith(b"true", i):
            self.pos = i + 4
            return "T_BOOLEAN", True, i
        if data.startswith(b"false", i):
            self.pos = i + 5
            return "T_BOOLEAN", False, i
        if data.startswith(b"null", i):
            self.pos = i + 4
            return "T_NULL", None, i
        m = _INVALID_NUMBER.match(data, i)
        if m is not None:
            self.pos = m.end()
            return "T_NUMBER", _strtod(m.group()), i
        return "T_ERROR", "invalid token", i

    def _string(self, start: int) -> tuple[str, Any, int]:
        data = self.data
        n = len(data)
        out = bytearray()
        i = start + 1
        while True:
            if i >= n:
                return "T_ERROR", "unexpected end of string", start
            ch = data[i]
            if ch == 34:
                self.pos = i + 1
                return "T_STRING", bytes(out), start
            if ch != 92:
                out.append(ch)
                i += 1
                continue
            if i + 1 >= n:
                return "T_ERROR", "unexpected end of string", start
            esc = data[i + 1]
            if esc == ord("u"):
                code = _hex4(data, i + 2)
                if code is None:
                    return "T_ERROR", "invalid unicode escape code", start
                i += 6
                if 0xD800 <= code <= 0xDBFF:
                    low = _hex4(data, i + 2) if data[i : i + 2] == b"\\u" else None
                    if low is None or not 0xDC00 <= low <= 0xDFFF:
                        return "T_ERROR", "invalid unicode escape code", start
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                elif 0xDC00 <= code <= 0xDFFF:
                    return "T_ERROR", "invalid unicode escape code", start
                out += chr(code).encode("utf-8")
                continue
            plain = _ESCAPES.get(esc)
            if plain is None:
                return "T_ERROR", "invalid escape code", start
            out += plain
            i += 2


def _hex4(data: bytes, i: int) -> int | None:
    chunk = data[i : i + 4]
    if len(chunk) != 4:
        return None
    try:
        return int(chunk, 16)
    except ValueError:
        return None


def _fail(expected: str, token: tuple[str, Any, int]) -> JsonError:
    name, value, where = token
    found = value if name == "T_ERROR" else name
    return JsonError(f"Expected {expected} but found {found} at character {where + 1}")


def decode(raw: bytes, table: Any, null: Any) -> Any:
    lexer = _Lexer(raw)

    def value(token: tuple[str, Any, int], depth: int) -> Any:
        name = token[0]
        if name == "T_OBJ_BEGIN" or name == "T_ARR_BEGIN":
            if depth >= MAX_DEPTH:
                raise JsonError(
                    f"Found too many nested data structures ({depth + 1}) "
                    f"at character {token[2] + 1}"
                )
            return obj(depth + 1) if name == "T_OBJ_BEGIN" else arr(depth + 1)
        if name == "T_STRING" or name == "T_NUMBER" or name == "T_BOOLEAN":
            return token[1]
        if name == "T_NULL":
            return null
        raise _fail("value", token)

    def obj(depth: int) -> Any:
        out: dict[Any, Any] = {}
        token = lexer.next()
        if token[0] == "T_OBJ_END":
            return table(out)
        while True:
            if token[0] != "T_STRING":
                raise _fail("object key string", token)
            key = token[1]
            token = lexer.next()
            if token[0] != "T_COLON":
                raise _fail("colon", token)
            out[key] = value(lexer.next(), depth)
            token = lexer.next()
            if token[0] == "T_OBJ_END":
                return table(out)
            if token[0] != "T_COMMA":
                raise _fail("comma or object end", token)
            token = lexer.next()

    def arr(depth: int) -> Any:
        out: list[Any] = []
        token = lexer.next()
        if token[0] == "T_ARR_END":
            return table(out)
        while True:
            out.append(value(token, depth))
            token = lexer.next()
            if token[0] == "T_ARR_END":
                return table(out)
            if token[0] != "T_COMMA":
                raise _fail("comma or array end", token)
            token = lexer.next()

    result = value(lexer.next(), 0)
    end = lexer.next()
    if end[0] != "T_END":
        raise _fail("the end", end)
    return result


__all__ = ["JsonError", "decode"]
