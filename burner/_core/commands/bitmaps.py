"""Bitmap commands over strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
BITFIELD, BITFIELD_RO.

Rules:
- Bit 0 is the most significant bit of byte 0; past the end a string reads as
  zero bits.
- Writers grow the string with zero bytes up to the highest bit they touch,
  keep the key's TTL, and create the key if it is missing (BITOP replaces its
  destination like SET, and deletes it when the result is empty).
- Ranges and bit searches work on Python ints built from the byte range
  (``int.from_bytes``), so they run at C speed per byte.
"""

from __future__ import annotations

from .. import errors
from ..notify import GENERIC, STRING, notify
from ..parse import maybe_int, to_int
from ..registry import command
from ..replies import Reply
from ..session import Session

MAX_BYTES = 512 * 1024 * 1024  # proto-max-bulk-len: offsets are limited to it
_U64 = (1 << 64) - 1


def _offset(raw: bytes, width: int = 0) -> int:
    """A bit offset argument; ``#N`` means N * width (BITFIELD only)."""
    by_width = width > 0 and raw[:1] == b"#"
    value = maybe_int(raw[1:] if by_width else raw)
    if value is None:
        raise errors.err(errors.BIT_OFFSET)
    if by_width:
        value *= width
        value = (value + 2**63) % 2**64 - 2**63  # the C multiplication wraps
    if value < 0 or value >> 3 >= MAX_BYTES:
        raise errors.err(errors.BIT_OFFSET)
    return value


def _grown(s: Session, key: bytes, max_bit: int) -> tuple[bytearray, bytes | None]:
    """The string at ``key`` as a bytearray at least ``max_bit // 8 + 1`` long,
    and the stored value (None if missing). WRONGTYPE for a non-string."""
    old = s.db.get_typed(key, bytes)
    need = (max_bit >> 3) + 1
    buf = bytearray(old) if old is not None else bytearray()
    if len(buf) < need:
        buf.extend(bytes(need - len(buf)))
    return buf, old


def _store(s: Session, key: bytes, buf: bytearray, old: bytes | None, event: bool) -> None:
    if old is not None:
        s.db.put(key, bytes(buf), keep_ttl=True)
    else:
        s.db.add(key, bytes(buf))
    if event and s.server.notify_flags:
        notify(s.server, s.db, STRING, b"setbit", key)


@command("setbit", 4, "write denyoom", keys=(1, 1, 1), category="bitmap")
def setbit(s: Session, argv: list[bytes]) -> Reply:
    offset = _offset(argv[2])
    on = maybe_int(argv[3])
    if on is None or on not in (0, 1):
        raise errors.err(errors.BIT_VALUE)
    buf, stored = _grown(s, argv[1], offset)
    index = offset >> 3
    mask = 0x80 >> (offset & 7)
    byte = buf[index]
    old = 1 if byte & mask else 0
    if stored is None or len(buf) > len(stored) or old != on:
        # Redis writes (and signals) only when the string grows or the bit flips.
        buf[index] = (byte | mask) if on else (byte & ~mask)
        _store(s, argv[1], buf, stored, True)
    return old


@command("getbit", 3, "readonly fast", keys=(1, 1, 1), category="bitmap")
def getbit(s: Session, argv: list[bytes]) -> Reply:
    offset = _offset(argv[2])
    value = s.db.read_typed(argv[1], bytes)
    index = offset >> 3
    if value is None or index >= len(value):
        return 0
    return 1 if value[index] & (0x80 >> (offset & 7)) else 0


def _range(n: int, start: int, end: int, bit_mode: bool) -> tuple[int, int] | None:
    """The bit range [first, last] that start/end select in an ``n``-byte
    string, Redis's negative-index rules applied; None when it is empty."""
    total = n * 8 if bit_mode else n
    if start < 0:
        start = max(total + start, 0)
    if end < 0:
        end = max(total + end, 0)
    if end >= total:
        end = total - 1
    if start > end:
        return None
    if bit_mode:
        return start, end
    return start * 8, end * 8 + 7


def _bits(value: bytes, first: int, last: int) -> tuple[int, int]:
    """The bits ``first..last`` of ``value`` as an int (``first`` is the most
    significant), and how many there are."""
    lo, hi = first >> 3, last >> 3
    chunk = int.from_bytes(value[lo : hi + 1], "big")
    width = last - first + 1
    chunk >>= 7 - (last & 7)
    return chunk & ((1 << width) - 1), width


def _mode(raw: bytes) -> bool:
    word = raw.lower()
    if word == b"bit":
        return True
    if word == b"byte":
        return False
    raise errors.err(errors.SYNTAX)


@command("bitcount", -2, "readonly", keys=(1, 1, 1), category="bitmap")
def bitcount(s: Session, argv: list[bytes]) -> Reply:
    # Redis looks the key up before it reads the range arguments.
    value = s.db.read_typed(argv[1], bytes)
    if value is None:
        return 0
    argc = len(argv)
    if argc == 2:
        return int.from_bytes(value, "big").bit_count()
    if argc not in (4, 5):
        raise errors.err(errors.SYNTAX)
    start = to_int(argv[2])
    end = to_int(argv[3])
    if start < 0 and end < 0 and start > end:
        return 0  # before the BIT/BYTE word is even read
    bit_mode = _mode(argv[4]) if argc == 5 else False
    span = _range(len(value), start, end, bit_mode)
    if span is None:
        return 0
    return _bits(value, *span)[0].bit_count()


@command("bitpos", -3, "readonly", keys=(1, 1, 1), category="bitmap")
def bitpos(s: Session, argv: list[bytes]) -> Reply:
    bit = to_int(argv[2])
    if bit not in (0, 1):
        raise errors.err(errors.BIT_ARG)
    value = s.db.read_typed(argv[1], bytes)
    if value is None:
        return -1 if bit else 0
    argc = len(argv)
    if argc > 6:
        raise errors.err(errors.SYNTAX)
    n = len(value)
    end_given = argc >= 5
    if argc == 3:
        span = _range(n, 0, n - 1, False)
    else:
        start = to_int(argv[3])
        bit_mode = _mode(argv[5]) if argc == 6 else False
        if end_given:
            end = to_int(argv[4])
        else:
            end = n * 8 + 7 if bit_mode else n - 1
        span = _range(n, start, end, bit_mode)
    if span is None:
        return -1
    first, last = span
    chunk, width = _bits(value, first, last)
    if not bit:
        chunk ^= (1 << width) - 1
    if chunk:
        return first + width - chunk.bit_length()
    if bit or end_given:
        return -1
    return last + 1  # no clear bit: the zeros past the end of the string


@command("bitop", -4, "write denyoom", keys=(2, -1, 1), category="bitmap")
def bitop(s: Session, argv: list[bytes]) -> Reply:
    op = argv[1].lower()
    if op not in (b"and", b"or", b"xor", b"not"):
        raise errors.err(errors.SYNTAX)
    if op == b"not" and len(argv) != 4:
        raise errors.err(errors.BITOP_NOT_ONE_KEY)
    db = s.db
    sources: list[bytes] = []
    for key in argv[3:]:
        value = db.read_typed(key, bytes)
        sources.append(b"" if value is None else value)
    size = max(len(v) for v in sources)
    dest = argv[2]
    if size == 0:
        if db.delete(dest) and s.server.notify_flags:
            notify(s.server, db, GENERIC, b"del", dest)
        return 0
    numbers = [int.from_bytes(v.ljust(size, b"\x00"), "big") for v in sources]
    result = numbers[0]
    if op == b"and":
        for number in numbers[1:]:
            result &= number
    elif op == b"or":
        for number in numbers[1:]:
            result |= number
    elif op == b"xor":
        for number in numbers[1:]:
            result ^= number
    else:
        result ^= (1 << (size * 8)) - 1
    db.put(dest, result.to_bytes(size, "big"))
    if s.server.notify_flags:
        notify(s.server, db, STRING, b"set", dest)
    return size


# --- BITFIELD -------------------------------------------------------------------
_WRAP, _SAT, _FAIL = 0, 1, 2
_OVERFLOW = {b"wrap": _WRAP, b"sat": _SAT, b"fail": _FAIL}


def _field_type(raw: bytes) -> tuple[bool, int]:
    """(signed, width) from ``i8``/``u16``...; u64 is refused, i64 allowed."""
    kind = raw[:1]
    width = maybe_int(raw[1:])
    if kind == b"i":
        signed = True
    elif kind == b"u":
        signed = False
    else:
        raise errors.err(errors.BITFIELD_TYPE)
    if width is None or width < 1 or width > (64 if signed else 63):
        raise errors.err(errors.BITFIELD_TYPE)
    return signed, width


# (opcode, signed, width, offset, argument, overflow mode)
_Op = tuple[bytes, bool, int, int, int, int]


def _bitfield(s: Session, argv: list[bytes], readonly_command: bool) -> Reply:
    ops: list[_Op] = []
    overflow = _WRAP
    writes = False
    max_bit = 0
    i, n = 2, len(argv)
    while i < n:
        sub = argv[i].lower()
        left = n - i - 1
        if sub == b"overflow" and left >= 1:
            mode = _OVERFLOW.get(argv[i + 1].lower())
            if mode is None:
                raise errors.err(errors.BITFIELD_OVERFLOW)
            overflow = mode
            i += 2
            continue
        if not ((sub == b"get" and left >= 2) or (sub in (b"set", b"incrby") and left >= 3)):
            raise errors.err(errors.SYNTAX)
        signed, width = _field_type(argv[i + 1])
        offset = _offset(argv[i + 2], width)
        amount = 0
        if sub != b"get":
            writes = True
            max_bit = max(max_bit, offset + width - 1)
            amount = to_int(argv[i + 3])
            i += 4
        else:
            i += 3
        ops.append((sub, signed, width, offset, amount, overflow))
    key = argv[1]
    if not writes:
        value = s.db.read_typed(key, bytes) or b""
        return [_read_field(value, op[1], op[2], op[3]) for op in ops]
    if readonly_command:
        raise errors.err(errors.BITFIELD_RO_GET_ONLY)
    buf, stored = _grown(s, key, max_bit)
    out: list[int | None] = []
    changed = False
    for sub, signed, width, offset, amount, mode in ops:
        if sub == b"get":
            out.append(_read_field(buf, signed, width, offset))
            continue
        old = _read_field(buf, signed, width, offset)
        if sub == b"set":
            # Redis takes the 64-bit argument as unsigned for an unsigned field.
            new, failed = _fit(amount if signed else amount & _U64, 0, signed, width, mode)
            reply = old
        else:
            new, failed = _fit(old, amount, signed, width, mode)
            reply = new
        if failed:
            out.append(None)
        else:
            _write_field(buf, width, offset, new)
            out.append(reply)
            changed = True
    _store(s, key, buf, stored, changed)
    return out


def _fit(value: int, incr: int, signed: bool, width: int, mode: int) -> tuple[int, bool]:
    """``value + incr`` brought into the field's range by the overflow mode;
    the flag says FAIL refused it. (SET passes its argument as ``value`` and
    0; INCRBY the old value and its increment.)

    For a signed field the direction of an overflow is decided as Redis's
    checkSignedBitfieldOverflow decides it, with 64-bit wrapping: SET of a
    value near INT64_MIN in a narrow field saturates to the field's maximum."""
    total = value + incr
    if signed:
        high = (1 << (width - 1)) - 1
        low = -high - 1
        if low <= total <= high:
            return total, False
        max_incr = _int64(high - value)
        min_incr = _int64(low - value)
        above = (
            value > high
            or (width != 64 and incr > max_incr)
            or (value >= 0 and incr > 0 and incr > max_incr)
        )
        below = (
            value < low
            or (width != 64 and incr < min_incr)
            or (value < 0 and incr < 0 and incr < min_incr)
        )
        if not (above or below):
            mode = _WRAP  # out of range, yet neither check fires: C keeps the low bits
    else:
        high = (1 << width) - 1
        low = 0
        if low <= total <= high:
            return total, False
        above = total > high
    if mode == _FAIL:
        return 0, True
    if mode == _SAT:
        return (high if above else low), False
    wrapped = total & ((1 << width) - 1)
    if signed and wrapped > high:
        wrapped -= 1 << width
    return wrapped, False


def _int64(number: int) -> int:
    """``number`` as C's int64_t arithmetic leaves it (two's complement)."""
    number &= _U64
    return number - (1 << 64) if number >> 63 else number


def _read_field(value: bytes | bytearray, signed: bool, width: int, offset: int) -> int:
    last = offset + width - 1
    lo, hi = offset >> 3, last >> 3
    chunk = bytes(value[lo : hi + 1])
    span = hi - lo + 1
    if len(chunk) < span:
        chunk += bytes(span - len(chunk))
    number = (int.from_bytes(chunk, "big") >> (7 - (last & 7))) & ((1 << width) - 1)
    if signed and number >> (width - 1):
        number -= 1 << width
    return number


def _write_field(buf: bytearray, width: int, offset: int, number: int) -> None:
    last = offset + width - 1
    lo, hi = offset >> 3, last >> 3
    shift = 7 - (last & 7)
    mask = ((1 << width) - 1) << shift
    current = int.from_bytes(buf[lo : hi + 1], "big")
    current = (current & ~mask) | ((number << shift) & mask)
    buf[lo : hi + 1] = current.to_bytes(hi - lo + 1, "big")


@command("bitfield", -2, "write denyoom", keys=(1, 1, 1), category="bitmap")
def bitfield(s: Session, argv: list[bytes]) -> Reply:
    return _bitfield(s, argv, False)


@command("bitfield_ro", -2, "readonly fast", keys=(1, 1, 1), category="bitmap")
def bitfield_ro(s: Session, argv: list[bytes]) -> Reply:
    return _bitfield(s, argv, True)

