"""bit, cjson, cmsgpack and struct for the Lua sandbox, as Redis bundles them.

Rules:
- Each function returns ``(True, value...)`` or ``(False, message)``; the Lua
  side (lua_boot) turns a failure into a Lua error. Nothing here raises into
  Lua and nothing returns a Python container: tables are built with
  ``table_from`` so no Python object becomes reachable from a script.
- Lua numbers arrive as int (integral) or float; strings as bytes.
"""

from __future__ import annotations

import math
from typing import Any

# --- bit (LuaBitOp) ---------------------------------------------------------------


def _tobit(x: Any) -> int:
    if type(x) is bytes:
        x = float(x)
    if type(x) is float:
        if math.isnan(x) or math.isinf(x):
            return 0
        x = round(x)
    v = int(x) & 0xFFFFFFFF
    return v - 0x100000000 if v & 0x80000000 else v


def _num(x: Any) -> bool:
    if type(x) is int or type(x) is float:
        return True
    if type(x) is bytes:
        try:
            float(x)
        except ValueError:
            return False
        return True
    return False


def _bitfn(op: Any, name: str) -> Any:
    def fn(*args: Any) -> tuple[Any, ...]:
        if not args:
            return False, f"bad argument #1 to '{name}' (number expected, got no value)"
        for i, a in enumerate(args):
            if not _num(a):
                return False, f"bad argument #{i + 1} to '{name}' (number expected, got {_lua_type(a)})"
        return True, op(*[_tobit(a) for a in args])

    return fn


def _lua_type(a: Any) -> str:
    if a is None:
        return "nil"
    if type(a) is bool:
        return "boolean"
    if type(a) is bytes:
        return "string"
    return "table" if hasattr(a, "items") else "userdata"


def _signed(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - 0x100000000 if v & 0x80000000 else v


def _band(*a: int) -> int:
    r = -1
    for x in a:
        r &= x
    return _signed(r)


def _bor(*a: int) -> int:
    r = 0
    for x in a:
        r |= x
    return _signed(r)


def _bxor(*a: int) -> int:
    r = 0
    for x in a:
        r ^= x
    return _signed(r)


def _shift(kind: str) -> Any:
    def fn(x: int, n: int = 0) -> int:
        n &= 31
        u = x & 0xFFFFFFFF
        if kind == "lshift":
            return _signed(u << n)
        if kind == "rshift":
            return _signed(u >> n)
        if kind == "arshift":
            return _signed(x >> n)
        if kind == "rol":
            return _signed((u << n) | (u >> (32 - n)))
        return _signed((u >> n) | (u << (32 - n)))

    return fn


def _bswap(x: int) -> int:
    u = x & 0xFFFFFFFF
    return _signed(int.from_bytes(u.to_bytes(4, "little"), "big"))


def _tohex(*args: Any) -> tuple[Any, ...]:
    if not args or not _num(args[0]):
        return False, "bad argument #1 to 'tohex' (number expected, got no value)"
    x = _tobit(args[0])
    n = _tobit(args[1]) if len(args) > 1 and args[1] is not None else 8
    upper = n < 0
    n = min(abs(n), 8) if n != 0 else 0
    u = x & 0xFFFFFFFF
    text = ("%0" + str(8) + ("X" if upper else "x")) % u
    return True, text[8 - n:].encode() if n else b""


def _bit_table() -> dict[bytes, Any]:
    return {
        b"tobit": _bitfn(lambda x, *_: x, "tobit"),
        b"bnot": _bitfn(lambda x, *_: _signed(~x), "bnot"),
        b"band": _bitfn(_band, "band"),
        b"bor": _bitfn(_bor, "bor"),
        b"bxor": _bitfn(_bxor, "bxor"),
        b"lshift": _bitfn(_shift("lshift"), "lshift"),
        b"rshift": _bitfn(_shift("rshift"), "rshift"),
        b"arshift": _bitfn(_shift("arshift"), "arshift"),
        b"rol": _bitfn(_shift("rol"), "rol"),
        b"ror": _bitfn(_shift("ror"), "ror"),
        b"bswap": _bitfn(lambda x, *_: _bswap(x), "bswap"),
        b"tohex": _tohex,
    }


class LibError(Exception):
    """A library function's error; Lua reports it with the caller's position."""


def _raising(fn: Any) -> Any:
    def call(*args: Any) -> Any:
        try:
            result = fn(*args)
        except Exception as exc:  # a bug here must not leak a traceback
            raise LibError(f"{type(exc).__name__}") from None
        if not result[0]:
            raise LibError(result[1])
        if len(result) == 2:
            return result[1]
        return result[1:]

    return call


class Handle:
    """The link library functions keep to their runtime: weak, because Lua
    holds the functions and a strong link would make a cycle through Lua that
    Python's collector cannot see (and the runtime would never be freed)."""

    __slots__ = ("_null", "_ref")

    def __init__(self, ref: Any) -> None:
        self._ref = ref
        self._null: Any = None

    def table(self, value: Any) -> Any:
        return self._ref().lua.table_from(value)

    def null(self) -> Any:
        return self._ref().lua.eval("__burner_null")


def make_libs(ref: Any) -> Any:
    """The Lua table {bit=..., cjson=..., cmsgpack=..., struct=...};
    ``ref`` is a weak reference to the runtime."""
    from .lua_codecs import cjson_table, cmsgpack_table, struct_table

    lua = ref().lua
    lua.execute("__burner_null = newproxy()")
    handle = Handle(ref)
    table = lua.table_from

    def lib(functions: dict[bytes, Any]) -> Any:
        return table(
            {k: (_raising(f) if callable(f) and k != b"null" else f) for k, f in functions.items()}
        )

    return table(
        {
            b"bit": lib(_bit_table()),
            b"cjson": lib(cjson_table(handle)),
            b"cmsgpack": lib(cmsgpack_table(handle)),
            b"struct": lib(struct_table(handle)),
        }
    )


__all__ = ["LibError", "make_libs"]
