"""Redis's ``long double`` arithmetic (INCRBYFLOAT, HINCRBYFLOAT), in exact integers.

Redis does these increments in C ``long double``, which on x86-64 is the x87
80-bit extended format: a 64-bit mantissa (explicit leading bit), exponents
down to 2**-16382 for normal numbers and subnormals down to 2**-16445, and
round-half-to-even after every operation. It reads numbers with ``strtold``
and prints results with ``%.17Lf`` before cutting trailing zeros. This module
reproduces the three steps bit for bit.

API (everything a command needs):

- ``parse(raw) -> LongDouble | None``: the value Redis's ``string2ld`` reads
  from ``raw``, or None where Redis says "not a valid float" (empty, 5120
  bytes or longer, leading white space, trailing garbage, NaN, overflow to
  infinity, underflow to zero). ``inf``/``infinity`` parse (to an infinity).
- ``from_int(n) -> LongDouble``: an integer-encoded value as a long double;
  ``ZERO`` is the value of a missing key or field.
- ``add(a, b) -> LongDouble``: ``a + b`` rounded to long double; the result
  may be infinite or NaN.
- ``LongDouble.finite``: False for infinities and NaN (where Redis replies
  "increment would produce NaN or Infinity").
- ``format_human(x) -> bytes``: the text Redis stores and replies with
  (``ld2string`` in human mode) for a finite ``x``.
- ``incr(current, increment) -> bytes | None``: the common case in one call:
  parse both (``current`` None means a missing key, i.e. 0), add, format.
  Raises ``ValueError("current")`` / ``ValueError("increment")`` for an
  unparsable operand and ``ArithmeticError`` for a NaN/infinite result, so
  each command maps them to its own error text.

A finite value is ``mant * 2**exp`` with ``abs(mant) < 2**64``.
"""

from __future__ import annotations

import re

__all__ = ["ZERO", "LongDouble", "add", "format_human", "from_int", "incr", "parse"]

_MANT_BITS = 64
_EXP_MIN = -16445  # exponent of the least significant bit of the smallest subnormal
_EXP_MAX = 16383 - (_MANT_BITS - 1)  # exponent of the lowest mantissa bit at the top binade
_MAX_CHARS = 5 * 1024  # MAX_LONG_DOUBLE_CHARS: longer input is refused

_DEC = re.compile(rb"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
_HEX = re.compile(rb"([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?")
_INF = re.compile(rb"([+-]?)(?:inf|infinity)", re.IGNORECASE)
_SPACE = b" \t\n\v\f\r"
_TEN17 = 10**17
_TEN4000 = 10**4000


class LongDouble:
    """One x87 extended value: finite ``mant * 2**exp``, or +-infinity, or NaN."""

    __slots__ = ("exp", "finite", "mant", "nan")

    def __init__(self, mant: int, exp: int, finite: bool = True, nan: bool = False) -> None:
        self.mant = mant  # for an infinity: its sign (+1/-1)
        self.exp = exp
        self.finite = finite
        self.nan = nan

    def __repr__(self) -> str:
        if self.nan:
            return "LongDouble(nan)"
        if not self.finite:
            return "LongDouble(inf)" if self.mant > 0 else "LongDouble(-inf)"
        return f"LongDouble({self.mant} * 2**{self.exp})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LongDouble) or self.nan or other.nan:
            return False
        if not (self.finite and other.finite):
            return self.finite == other.finite and self.mant == other.mant
        a, b = self.mant, other.mant
        d = self.exp - other.exp
        if d >= 0:
            a <<= d
        else:
            b <<= -d
        return a == b

    def __hash__(self) -> int:
        return hash((self.finite, self.nan, format_human(self) if self.finite else self.mant))


ZERO = LongDouble(0, 0)
_NAN = LongDouble(0, 0, finite=False, nan=True)
_POS_INF = LongDouble(1, 0, finite=False)
_NEG_INF = LongDouble(-1, 0, finite=False)


def _inf(negative: bool) -> LongDouble:
    return _NEG_INF if negative else _POS_INF


def _round(num: int, den: int, negative: bool) -> LongDouble:
    """``num / den`` (positive integers, den a power of two or not) rounded to
    the nearest long double, ties to even; overflow gives an infinity."""
    if num == 0:
        return ZERO
    # Choose exp so that 2**63 <= num / (den * 2**exp) < 2**64.
    exp = num.bit_length() - den.bit_length() - _MANT_BITS
    while True:
        if exp >= 0:
            top, bottom = num, den << exp
        else:
            top, bottom = num << -exp, den
        if top >= bottom << _MANT_BITS:
            exp += 1
        elif top < bottom << (_MANT_BITS - 1):
            exp -= 1
        else:
            break
    if exp < _EXP_MIN:  # subnormal: fewer mantissa bits
        exp = _EXP_MIN
        top, bottom = num << -exp, den
    mant, rem = divmod(top, bottom)
    twice = rem << 1
    if twice > bottom or (twice == bottom and mant & 1):
        mant += 1
        if mant == 1 << _MANT_BITS:
            mant >>= 1
            exp += 1
    if exp > _EXP_MAX:
        return _inf(negative)
    return LongDouble(-mant if negative else mant, exp)


def from_int(n: int) -> LongDouble:
    if n == 0:
        return ZERO
    return _round(abs(n), 1, n < 0)


def parse(raw: bytes) -> LongDouble | None:
    """What ``string2ld`` reads from ``raw``; None where Redis refuses it."""
    n = len(raw)
    if n == 0 or n >= _MAX_CHARS or raw[0] in _SPACE:
        return None
    m = _HEX.fullmatch(raw)
    if m is not None:
        intpart, frac = m.group(2), m.group(3) or b""
        if intpart or frac:
            return _from_parts(m.group(1) == b"-", intpart + frac, m.group(4), 2, 4 * len(frac))
        return None
    m = _DEC.fullmatch(raw)
    if m is not None:
        intpart, frac = m.group(2), m.group(3) or b""
        if intpart or frac:
            return _from_parts(m.group(1) == b"-", intpart + frac, m.group(4), 10, len(frac))
        return None
    m = _INF.fullmatch(raw)
    if m is not None:
        return _inf(m.group(1) == b"-")
    return None


def _from_parts(
    negative: bool, text: bytes, exp_text: bytes | None, base: int, frac_len: int
) -> LongDouble | None:
    text = text.lstrip(b"0")
    if not text:
        return ZERO  # an exact zero is not a range error, whatever its exponent
    if exp_text:
        exp_text = exp_text.lstrip(b"+")
        sign = -1 if exp_text[:1] == b"-" else 1
        exp_digits = exp_text.lstrip(b"-").lstrip(b"0") or b"0"
        # strtold saturates huge exponents; anything this large is out of range.
        exp = sign * (int(exp_digits) if len(exp_digits) < 12 else 10**12)
    else:
        exp = 0
    size = len(text)
    if base == 10:
        exp -= frac_len
        # The magnitude lies in [10**(size-1+exp), 10**(size+exp)).
        if size - 1 + exp > 4933:
            return None  # overflow (ERANGE, HUGE_VAL)
        if size + exp < -4952:
            return None  # underflow to zero (ERANGE)
        digits = _decimal(text)
        if exp >= 0:
            result = _round(digits * 10**exp, 1, negative)
        else:
            result = _round(digits, 10**-exp, negative)
    else:
        digits = int(text, 16)
        exp -= frac_len
        size = digits.bit_length()
        if size - 1 + exp > 16384:
            return None
        if size + exp < _EXP_MIN - 2:
            return None
        if exp >= 0:
            result = _round(digits << exp, 1, negative)
        else:
            result = _round(digits, 1 << -exp, negative)
    if not result.finite or result.mant == 0:
        return None
    return result


def _decimal(text: bytes) -> int:
    """int(text) for a digit string of any length (int() refuses very long ones)."""
    if len(text) <= 4000:
        return int(text)
    head, tail = text[:-4000], text[-4000:]
    return _decimal(head) * 10**4000 + int(tail)


def add(a: LongDouble, b: LongDouble) -> LongDouble:
    if a.nan or b.nan:
        return _NAN
    if not a.finite or not b.finite:
        if not a.finite and not b.finite and a.mant != b.mant:
            return _NAN
        return a if not a.finite else b
    if a.mant == 0:
        return b
    if b.mant == 0:
        return a
    exp = min(a.exp, b.exp)
    total = (a.mant << (a.exp - exp)) + (b.mant << (b.exp - exp))
    if total == 0:
        return ZERO
    negative = total < 0
    if exp >= 0:
        return _round(abs(total) << exp, 1, negative)
    return _round(abs(total), 1 << -exp, negative)


def format_human(x: LongDouble) -> bytes:
    """``%.17Lf`` of ``x``, trailing zeros (and a bare point) removed, "-0" as "0"."""
    if not x.finite:
        return b"nan" if x.nan else (b"inf" if x.mant > 0 else b"-inf")
    mant, exp = x.mant, x.exp
    negative = mant < 0
    mant = abs(mant)
    if exp >= 0:
        return (b"-" if negative and mant else b"") + _digits(mant << exp)
    den = 1 << -exp
    scaled, rem = divmod(mant * _TEN17, den)
    twice = rem << 1
    if twice > den or (twice == den and scaled & 1):
        scaled += 1
    whole, frac = divmod(scaled, _TEN17)
    if frac:
        text = _digits(whole) + b".%017d" % frac
        text = text.rstrip(b"0")
    else:
        text = _digits(whole)
    if negative and scaled:
        return b"-" + text
    return text


def _digits(n: int) -> bytes:
    """Decimal digits of ``n >= 0`` of any length (str() refuses very long ones)."""
    if n < _TEN4000:
        return b"%d" % n
    high, low = divmod(n, _TEN4000)
    return _digits(high) + b"%04000d" % low


def incr(current: bytes | None, increment: bytes) -> bytes:
    """``current + increment`` as Redis stores it (``current`` None means 0).

    Raises ValueError("current") or ValueError("increment") for an operand
    Redis cannot read, ArithmeticError when the sum is NaN or infinite.
    """
    base = ZERO if current is None else parse(current)
    if base is None:
        raise ValueError("current")
    step = parse(increment)
    if step is None:
        raise ValueError("increment")
    total = add(base, step)
    if not total.finite:
        raise ArithmeticError("increment would produce NaN or Infinity")
    return format_human(total)
