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
# strtod-accepted decimal and hex-free forms Redis allows (no spaces around).
_FLOAT_RE = re.compile(
    rb"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity)\Z",
    re.IGNORECASE,
)


def to_int(raw: bytes, message: str = errors.NOT_INTEGER) -> int:
    """A signed 64-bit integer, or raise ``message``."""
    if len(raw) > 20 or not _INT_RE.match(raw):
        raise errors.err(message)
    value = int(raw)
    if value < INT64_MIN or value > INT64_MAX:
        raise errors.err(message)
    return value


def maybe_int(raw: bytes) -> int | None:
    """``raw`` as a 64-bit integer if Redis would read it as one, else None."""
    if len(raw) > 20 or not _INT_RE.match(raw):
        return None
    value = int(raw)
    if value < INT64_MIN or value > INT64_MAX:
        return None
    return value


def to_float(raw: bytes, message: str = errors.NOT_FLOAT) -> float:
    """A double as Redis's strtod-based parsing reads it; NaN is refused."""
    if not _FLOAT_RE.match(raw):
        raise errors.err(message)
    try:
        value = float(raw)
    except ValueError:
        raise errors.err(message)
    if math.isnan(value):
        raise errors.err(message)
    return value


def format_double(value: float) -> bytes:
    """A double as Redis 7 prints it in a bulk string (``%.17g``)."""
    if math.isinf(value):
        return b"inf" if value > 0 else b"-inf"
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
