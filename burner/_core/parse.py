"""Argument parsing exactly as Redis does it (string2ll, strtod rules).

Every command converts arguments through these functions, so "not an
integer" and "not a valid float" mean the same thing everywhere.
"""

from __future__ import annotations

import math
import re

from . import errors

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

# string2ll: '0' alone, or an optional '-' and a non-zero digit and more digits.
_INT_RE = re.compile(rb"(?:0|-?[1-9][0-9]*)\Z")
_C_SPACES = b" \t\n\r\x0b\x0c"
_INFS = (math.inf, -math.inf)
# strtod's hexadecimal form (float() reads the decimal ones).
_HEX_FLOAT_RE = re.compile(
    rb"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?\Z"
)
# A mantissa with a non-zero digit (so a zero result is an underflow).
_NONZERO_MANTISSA_RE = re.compile(
    rb"[ \t\n\r\x0b\x0c]*[+-]?(?:0[xX][0-9a-fA-F.]*[1-9a-fA-F]|[0-9.]*[1-9])"
)


def to_int(raw: bytes, message: str = errors.NOT_INTEGER) -> int:
    """A signed 64-bit integer, or raise ``message``."""
    if raw.isdigit() and len(raw) < 19 and (raw[0] != 48 or len(raw) == 1):
        return int(raw)  # the common case: plain digits, no leading zero, in range
    if len(raw) > 20 or not _INT_RE.match(raw):
        raise errors.err(message)
    value = int(raw)
    if value < INT64_MIN or value > INT64_MAX:
        raise errors.err(message)
    return value


def maybe_int(raw: bytes) -> int | None:
    """``raw`` as a 64-bit integer if Redis would read it as one, else None."""
    if raw.isdigit() and len(raw) < 19 and (raw[0] != 48 or len(raw) == 1):
        return int(raw)
    if len(raw) > 20 or not _INT_RE.match(raw):
        return None
    value = int(raw)
    if value < INT64_MIN or value > INT64_MAX:
        return None
    return value


def strtod(raw: bytes) -> float | None:
    """What C's ``strtod`` reads from ``raw`` when it consumes all of it
    (leading whitespace skipped as strtod does; decimal, hex, inf/infinity,
    nan), else None. Out-of-range input reads as +-inf or 0, as strtod returns
    it; ``strtod_erange`` tells whether strtod flagged that."""
    try:
        value = float(raw)
    except ValueError:
        body = raw.lstrip(_C_SPACES)
        if not _HEX_FLOAT_RE.match(body):
            return None
        try:
            return float.fromhex(body.decode())
        except OverflowError:
            return -math.inf if body[:1] == b"-" else math.inf
    # float() also takes what strtod stops at: trailing blanks, underscores.
    if raw[-1] in _C_SPACES or b"_" in raw:
        return None
    return value


def strtod_erange(raw: bytes, value: float) -> bool:
    """Whether strtod set ERANGE with a result Redis refuses: an overflow to
    +-inf (not an inf literal) or an underflow to zero (non-zero digits)."""
    if value == 0.0:
        return _NONZERO_MANTISSA_RE.match(raw) is not None
    if math.isinf(value):
        body = raw.lstrip(_C_SPACES).lstrip(b"+-")
        return body[:1] not in (b"i", b"I")
    return False


def to_float(raw: bytes, message: str = errors.NOT_FLOAT) -> float:
    """A double as Redis's getDoubleFromObject reads it: all of ``raw`` through
    strtod, no leading blank, no NaN, no overflow or underflow to zero."""
    value = strtod(raw)
    if (
        value is None
        or raw[0] in _C_SPACES
        or value != value
        or ((value == 0.0 or value in _INFS) and strtod_erange(raw, value))
    ):
        raise errors.err(message)
    return value


def format_double(value: float) -> bytes:
    """A double as Redis 7 prints it in a bulk string (``%.17g``)."""
    if math.isinf(value):
        return b"inf" if value > 0 else b"-inf"
    if value == 0.0:
        return b"-0" if math.copysign(1.0, value) < 0 else b"0"
    if value == int(value) and abs(value) < 1e17:
        return b"%d" % int(value)
    return (b"%.17g" % value)


def format_float_shortest(value: float) -> bytes:
    """The shortest text that reads back as ``value`` (used for INCRBYFLOAT-style
    replies where Redis trims to 17 significant digits)."""
    if math.isinf(value):
        return b"inf" if value > 0 else b"-inf"
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]
    return text.encode()
