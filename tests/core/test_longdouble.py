"""The x87 extended-precision helper behind INCRBYFLOAT and HINCRBYFLOAT.

The differential tests in tests/core/commands/test_strings.py compare it with
real Redis; these pin down the representation itself.
"""

from __future__ import annotations

import pytest

from burner._core import longdouble as ld


def test_tenth_is_the_nearest_64_bit_mantissa() -> None:
    x = ld.parse(b"0.1")
    assert x is not None
    assert (x.mant, x.exp) == (0xCCCCCCCCCCCCCCCD, -67)
    assert ld.format_human(x) == b"0.1"


def test_sums_print_like_redis() -> None:
    a, b = ld.parse(b"0.1"), ld.parse(b"0.2")
    assert a is not None and b is not None
    assert ld.format_human(ld.add(a, b)) == b"0.3"
    assert ld.incr(b"10.5", b"0.1") == b"10.6"
    assert ld.incr(None, b"5.0e3") == b"5000"
    assert ld.incr(b"1", b"-1") == b"0"
    assert ld.incr(None, b"-1e-20") == b"0"  # "-0" prints as "0"
    # ties at the 17th decimal go to even, as glibc's printf does
    assert ld.incr(None, b"0.000003814697265625") == b"0.00000381469726562"
    assert ld.incr(None, b"0.000011444091796875") == b"0.00001144409179688"


def test_integers_are_exact_up_to_64_bits() -> None:
    assert ld.format_human(ld.from_int(2**63 - 1)) == b"9223372036854775807"
    assert ld.format_human(ld.from_int(-(2**63))) == b"-9223372036854775808"
    assert ld.incr(b"18446744073709551615", b"1") == b"18446744073709551616"
    assert ld.incr(b"18446744073709551617", b"0") == b"18446744073709551616"


@pytest.mark.parametrize(
    "text",
    [b"", b" 1", b"1 ", b"1e", b".", b"0x", b"nan", b"-nan", b"1e5000", b"1e-5000",
     b"infin", b"1\x00", b"1" * 5120, b"abc", b"--1", b"0x1p"],
)
def test_refused(text: bytes) -> None:
    assert ld.parse(text) is None


@pytest.mark.parametrize(
    "text", [b"inf", b"-Infinity", b"+.5", b"5.", b"0x1.8p1", b"0X.8P1", b"1e-4940", b"-0"]
)
def test_accepted(text: bytes) -> None:
    assert ld.parse(text) is not None


def test_non_finite_results() -> None:
    inf, neg = ld.parse(b"inf"), ld.parse(b"-inf")
    one = ld.from_int(1)
    assert inf is not None and neg is not None
    assert not ld.add(inf, one).finite
    nan = ld.add(inf, neg)
    assert nan.nan and not nan.finite
    big = ld.parse(b"1.18973149535723176502e4932")
    assert big is not None and big.finite
    assert not ld.add(big, big).finite
    with pytest.raises(ArithmeticError):
        ld.incr(b"1.18973149535723176502e4932", b"1e4932")
    with pytest.raises(ValueError, match="current"):
        ld.incr(b"x", b"1")
    with pytest.raises(ValueError, match="increment"):
        ld.incr(b"1", b"x")


def test_equality() -> None:
    assert ld.parse(b"0.5") == ld.parse(b"0x1p-1")
    assert ld.parse(b"2") == ld.from_int(2)
    assert ld.parse(b"inf") != ld.parse(b"-inf")
    assert hash(ld.parse(b"1.5")) == hash(ld.parse(b"15e-1"))
