"""HyperLogLog in Redis's own string layout (the PF* commands' engine).

Rules:
- A HyperLogLog is a plain string: a 16-byte header (``HYLL``, encoding byte,
  three unused bytes kept as found, 8-byte little-endian cached cardinality
  whose top bit marks the cache stale), then 16384 six-bit registers either
  packed densely (12288 bytes, register 0 in the low bits of byte 0) or
  run-length coded (sparse). The bytes are exactly Redis's, so a value moves
  between burner and Redis through GET/SET unchanged.
- Sparse opcodes: ``00xxxxxx`` ZERO (1..64 zero registers), ``01xxxxxx
  yyyyyyyy`` XZERO (1..16384 zero registers), ``1vvvvvxx`` VAL (value 1..32,
  repeated 1..4 times). In memory a sparse body is a list of opcode codes
  (the byte for one-byte opcodes, the two bytes big-endian for XZERO) with the
  first register each covers, so an update finds its opcode by bisection and
  splits it with one list splice; the edits and the merging of neighbouring
  VAL opcodes follow Redis step by step, so the bytes come out identical.
- Whole-register work (decoding, packing, max of two register sets, the
  histogram) runs on ``bytes`` one byte per register with ``translate``,
  slicing and big-int arithmetic, never a Python loop per register.
- A malformed value behaves as it does in Redis: the checks that Redis makes
  (and only those) report it; an XZERO cut short by the end of the string
  reads its missing byte from past the end, as Redis does: a zero (the
  terminator of a fresh string), or within one command what Redis's edits
  left there (see ``Sparse``). Between commands burner keeps only the string.
- Parsed sparse bodies are cached by content (``_PARSED``), so a series of
  commands on one key decodes its opcodes once.
"""

from __future__ import annotations

import math
import re
import struct
import sys
from array import array
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable
from itertools import accumulate

HEADER = 16
REGISTERS = 16384
INDEX_MASK = REGISTERS - 1
Q = 50  # hash bits left after the 14-bit register index
DENSE_BYTES = REGISTERS * 6 // 8
DENSE_SIZE = HEADER + DENSE_BYTES
DENSE = 0
SPARSE = 1
SPARSE_VAL_MAX = 32
SPARSE_MAX_BYTES = 3000  # hll-sparse-max-bytes default
ALPHA_INF = 0.721347520444481703680  # 0.5 / ln(2)
CACHE_STALE = 0x80  # in header byte 15, the cardinality's top byte

EMPTY_SPARSE = b"HYLL\x01\x00\x00\x00" + bytes(8) + b"\x7f\xff"  # XZERO:16384

INVALID = -1  # Sparse.set: the representation is corrupt
PROMOTE = 2  # Sparse.set: the update needs the dense encoding


def is_hll(value: bytes) -> bool:
    """The checks Redis makes before treating a string as a HyperLogLog."""
    if len(value) < HEADER or value[:4] != b"HYLL":
        return False
    encoding = value[4]
    if encoding == DENSE:
        return len(value) == DENSE_SIZE
    return encoding == SPARSE


# --- hashing ---------------------------------------------------------------------
_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1
_SEED = 0xADC83B19
_BLOCKS: dict[int, struct.Struct] = {}


def murmur64a(data: bytes, seed: int = _SEED) -> int:
    """MurmurHash2, 64-bit variant A, reading words little-endian (as Redis)."""
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    nblocks = n >> 3
    if nblocks:
        unpack = _BLOCKS.get(nblocks)
        if unpack is None:
            unpack = _BLOCKS[nblocks] = struct.Struct(f"<{nblocks}Q")
        for k in unpack.unpack_from(data):
            k = (k * _M) & _MASK
            k ^= k >> 47
            h ^= (k * _M) & _MASK
            h = (h * _M) & _MASK
    tail = n & 7
    if tail:
        h ^= int.from_bytes(data[n - tail :], "little")
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    return h ^ (h >> 47)


def pattern(element: bytes) -> tuple[int, int]:
    """The register ``element`` lands in and the length of its 0..01 run."""
    h = murmur64a(element)
    rest = (h >> 14) | (1 << Q)
    return h & INDEX_MASK, (rest & -rest).bit_length()


# --- dense registers --------------------------------------------------------------
def _table(fn: Callable[[int], int]) -> bytes:
    """A ``bytes.translate`` table applying ``fn`` to every byte value."""
    return bytes(fn(b) & 0xFF for b in range(256))


_LOW6 = _table(lambda b: b & 63)
_HIGH2 = _table(lambda b: b >> 6)
_LOW4_UP2 = _table(lambda b: (b & 15) << 2)
_HIGH4 = _table(lambda b: b >> 4)
_LOW2_UP4 = _table(lambda b: (b & 3) << 4)
_HIGH6 = _table(lambda b: b >> 2)
_LOW2_UP6 = _table(lambda b: (b & 3) << 6)
_UP4 = _table(lambda b: (b & 15) << 4)
_UP2 = _table(lambda b: (b & 63) << 2)
_GROUPS = REGISTERS // 4  # 4 registers in every 3 bytes
_HIGH_BITS = int.from_bytes(b"\x80" * REGISTERS, "big")
_ALL_BITS = (1 << (8 * REGISTERS)) - 1
ZERO_REGISTERS = bytes(REGISTERS)


def _or(a: bytes, b: bytes) -> bytes:
    """Bytewise OR of two equal-length strings whose set bits never overlap."""
    return (int.from_bytes(a, "big") | int.from_bytes(b, "big")).to_bytes(len(a), "big")


def unpack_dense(packed: bytes) -> bytes:
    """16384 bytes, one per register, from the 12288 packed register bytes."""
    b0, b1, b2 = packed[0::3], packed[1::3], packed[2::3]
    raw = bytearray(REGISTERS)
    raw[0::4] = b0.translate(_LOW6)
    raw[1::4] = _or(b0.translate(_HIGH2), b1.translate(_LOW4_UP2))
    raw[2::4] = _or(b1.translate(_HIGH4), b2.translate(_LOW2_UP4))
    raw[3::4] = b2.translate(_HIGH6)
    return bytes(raw)


def pack_dense(raw: bytes) -> bytes:
    """The 12288 packed register bytes for 16384 registers (each below 64)."""
    r0, r1, r2, r3 = raw[0::4], raw[1::4], raw[2::4], raw[3::4]
    packed = bytearray(DENSE_BYTES)
    packed[0::3] = _or(r0, r1.translate(_LOW2_UP6))
    packed[1::3] = _or(r1.translate(_HIGH6), r2.translate(_UP4))
    packed[2::3] = _or(r2.translate(_HIGH4), r3.translate(_UP2))
    return bytes(packed)


def register_max(a: bytes, b: bytes) -> bytes:
    """Registerwise maximum of two one-byte-per-register strings (values < 128)."""
    x = int.from_bytes(a, "big")
    y = int.from_bytes(b, "big")
    ge = (((x | _HIGH_BITS) - y) & _HIGH_BITS) >> 7  # 1 in each byte where a >= b
    mask = (ge << 8) - ge
    return (y ^ ((x ^ y) & mask) & _ALL_BITS).to_bytes(REGISTERS, "big")


def dense_add(buf: bytearray, elements: list[bytes]) -> int:
    """Add ``elements`` to the dense HyperLogLog in ``buf`` (header included);
    the number that raised a register."""
    updated = 0
    for element in elements:
        index, count = pattern(element)
        if dense_set(buf, index, count):
            updated += 1
    return updated


def dense_set(buf: bytearray, index: int, count: int) -> bool:
    """Raise register ``index`` of the dense value in ``buf`` to ``count``."""
    bit = index * 6
    pos = HEADER + (bit >> 3)
    shift = bit & 7
    b0 = buf[pos]
    if shift <= 2:  # the register sits inside one byte
        if (b0 >> shift) & 63 >= count:
            return False
        buf[pos] = (b0 & ~(63 << shift) & 0xFF) | (count << shift)
        return True
    b1 = buf[pos + 1]
    if ((b0 >> shift) | (b1 << (8 - shift))) & 63 >= count:
        return False
    buf[pos] = (b0 & ((1 << shift) - 1)) | ((count << shift) & 0xFF)
    buf[pos + 1] = (b1 & ~(63 >> (8 - shift)) & 0xFF) | (count >> (8 - shift))
    return True


# --- sparse opcodes --------------------------------------------------------------
def _span(op: int) -> int:
    if op < 0x40:
        return op + 1
    if op >= 0x100:
        return (op & 0x3FFF) + 1
    return (op & 3) + 1


def _val(value: int, run: int) -> int:
    return 0x80 | ((value - 1) << 2) | (run - 1)


def _zeros(run: int) -> int:
    return run - 1 if run <= 64 else 0x4000 | (run - 1)


# Two-byte XZERO opcodes, found in order: every byte outside 0x40..0x7f is a
# whole one-byte opcode, so a left-to-right search tokenizes the body.
_XZERO = re.compile(rb"[\x40-\x7f][\x00-\xff]?")
# Registers covered by each one-byte opcode (ZERO 1..64, VAL 1..4).
_SPAN1 = bytes((b & 3) + 1 if b & 0x80 else (b & 0x3F) + 1 for b in range(256))
# The registers each one-byte opcode stands for, one byte per register.
_EXPAND1 = [
    bytes((((b >> 2) & 31) + 1,)) * ((b & 3) + 1) if b & 0x80 else bytes((b & 0x3F) + 1)
    for b in range(256)
]
_NONZERO = bytes(min(b, 1) for b in range(256))
_BIG_ENDIAN = sys.byteorder == "big"


def scan_sparse(body: bytes) -> tuple[list[int], list[int], int]:
    """The opcodes of a sparse body, the registers each covers, and 1 when
    the body ends one byte into an XZERO (read with a zero second byte)."""
    ops: list[int] = []
    spans: list[int] = []
    prev = 0
    cut = 0
    for match in _XZERO.finditer(body):
        at = match.start()
        if at > prev:
            segment = body[prev:at]
            ops.extend(segment)
            spans.extend(segment.translate(_SPAN1))
        pair = match.group()
        if len(pair) == 2:
            op = (pair[0] << 8) | pair[1]
        else:
            op = pair[0] << 8
            cut = 1
        ops.append(op)
        spans.append((op & 0x3FFF) + 1)
        prev = match.end()
    if prev < len(body):
        segment = body[prev:]
        ops.extend(segment)
        spans.extend(segment.translate(_SPAN1))
    return ops, spans, cut


def serialize(ops: list[int]) -> bytes:
    """The bytes of a list of opcodes."""
    if not ops:
        return b""
    words = array("H", ops)
    if _BIG_ENDIAN:
        words.byteswap()
    both = words.tobytes()
    low, high = both[0::2], both[1::2]  # an XZERO is the one with a high byte
    flags = high.translate(_NONZERO)
    j = flags.find(1)
    if j < 0:
        return low
    pieces: list[bytes] = []
    prev = 0
    while j >= 0:
        pieces.append(low[prev:j])
        pieces.append(bytes((high[j], low[j])))
        prev = j + 1
        j = flags.find(1, prev)
    pieces.append(low[prev:])
    return b"".join(pieces)


def _expand(ops: list[int]) -> bytes:
    """One byte per register for opcodes known to cover 16384 registers."""
    table = _EXPAND1
    return b"".join([table[op] if op < 0x100 else bytes((op & 0x3FFF) + 1) for op in ops])


# Parsed sparse bodies by content, so that a run of commands on one key
# reads its body once. Cached lists are never changed (a command that edits
# gets copies), so servers in several threads may share the cache.
_PARSED: OrderedDict[bytes, tuple[list[int], list[int], int]] = OrderedDict()
_PARSED_MAX = 32


def _parse(body: bytes, take: bool) -> tuple[list[int], list[int], int]:
    """Opcodes, first registers and cut flag of ``body``. With ``take`` the
    lists are the caller's to change; without, they must not be changed."""
    state = _PARSED.get(body)
    if state is not None:
        return (list(state[0]), list(state[1]), state[2]) if take else state
    ops, spans, cut = scan_sparse(body)
    starts = list(accumulate(spans, initial=0))
    starts.pop()
    if not take and not cut:
        _remember(body, (ops, starts, cut))
    return ops, starts, cut


def _remember(body: bytes, state: tuple[list[int], list[int], int]) -> None:
    _PARSED[body] = state
    if len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)


def _coverage(ops: list[int], starts: list[int]) -> int:
    return starts[-1] + _span(ops[-1]) if ops else 0


def sparse_histogram(body: bytes) -> list[int] | None:
    """Register-value counts of a sparse body; None unless it covers exactly
    16384 registers."""
    ops, starts, _ = _parse(body, take=False)
    if _coverage(ops, starts) != REGISTERS:
        return None
    histo = [0] * 64
    for op, n in Counter(ops).items():
        if 0x80 <= op < 0x100:
            histo[((op >> 2) & 31) + 1] += n * ((op & 3) + 1)
        else:
            histo[0] += n * _span(op)
    return histo


def sparse_registers(body: bytes) -> bytes | None:
    """One byte per register from a sparse body, None if it is corrupt (the
    walk Redis does to merge or convert one: it must cover exactly 16384
    registers; a VAL run past the last one is corrupt, and cannot occur in a
    body that covers exactly 16384)."""
    ops, starts, _ = _parse(body, take=False)
    if _coverage(ops, starts) != REGISTERS:
        return None
    return _expand(ops)


def registers(value: bytes) -> bytes | None:
    """One byte per register of a valid HyperLogLog string (None: corrupt)."""
    if value[4] == DENSE:
        return unpack_dense(value[HEADER:])
    return sparse_registers(value[HEADER:])


def to_dense(value: bytes) -> bytes | None:
    """The dense form of a sparse value: its header with the encoding byte
    changed (the cached cardinality travels along), None if corrupt."""
    raw = sparse_registers(value[HEADER:])
    if raw is None:
        return None
    return value[:4] + b"\x00" + value[5:HEADER] + pack_dense(raw)


def decode_sparse(body: bytes) -> bytes:
    """PFDEBUG DECODE's text for a sparse body."""
    parts: list[bytes] = []
    i = 0
    n = len(body)
    while i < n:
        b = body[i]
        if b & 0x80:
            parts.append(b"v:%d,%d" % (((b >> 2) & 31) + 1, (b & 3) + 1))
            i += 1
        elif b & 0x40:
            run = (((b & 0x3F) << 8) | (body[i + 1] if i + 1 < n else 0)) + 1
            parts.append(b"Z:%d" % run)
            i += 2
        else:
            parts.append(b"z:%d" % (b + 1))
            i += 1
    return b" ".join(parts)


class Sparse:
    """A sparse HyperLogLog being updated: header, opcodes, their first
    registers, and the body's length in bytes."""

    __slots__ = ("cut", "header", "ops", "size", "starts")

    def __init__(self, value: bytes) -> None:
        self.header = bytearray(value[:HEADER])
        body = value[HEADER:]
        self.size = len(body)
        self.ops, self.starts, self.cut = _parse(body, take=True)

    def _load(self, memory: bytes) -> None:
        ops, spans, cut = scan_sparse(memory)
        self.ops = ops
        self.starts = list(accumulate(spans, initial=0))
        self.starts.pop()
        # 1 when the body ends one byte into an XZERO (edits keep the cut).
        self.cut = cut

    def _memory(self) -> bytes:
        """The opcodes' bytes: the body, plus the byte past its end when the
        last opcode is cut (Redis's string keeps that byte in memory)."""
        return serialize(self.ops)

    def body(self) -> bytes:
        memory = self._memory()
        return memory[: self.size] if self.cut else memory

    # A body ending one byte into an XZERO is corrupt, but Redis still edits
    # it: the XZERO's second byte is whatever lies past the string's end, a
    # zero terminator until an edit moves other bytes there. These two
    # methods track that byte within one command (between commands burner
    # keeps only the string, so it reads as zero again).
    def _recut(self) -> None:
        """After the cut opcode was split: the new opcodes were written in
        full, one byte past the string's end. A last opcode of one byte lies
        wholly past it and is gone; a last XZERO straddles it and stays cut."""
        self._load(self._memory())
        if self.ops[-1] < 0x100:
            self.ops.pop()
            self.starts.pop()
            self.cut = 0
        else:
            self.cut = 1

    def _clear_hidden(self) -> None:
        """After an edit resized the string: the byte past the end is zero."""
        self.ops[-1] &= 0xFF00

    def value(self) -> bytes:
        return bytes(self.header) + self.body()

    def finish(self) -> bytes:
        """The value, for a caller done with this object (its opcodes are
        kept, unchanged from now on, for the next command on these bytes)."""
        body = self.body()
        if not self.cut:
            _remember(body, (self.ops, self.starts, 0))
        return bytes(self.header) + body

    def set(self, index: int, count: int, max_bytes: int) -> int:
        """Raise register ``index`` to ``count``: 1 if it changed, 0 if not,
        INVALID for a corrupt body, PROMOTE when only dense can hold it."""
        if count > SPARSE_VAL_MAX:
            return PROMOTE
        ops = self.ops
        starts = self.starts
        i = bisect_right(starts, index) - 1
        if i < 0:
            return INVALID
        op = ops[i]
        first = starts[i]
        run = _span(op)
        if index >= first + run:
            return INVALID  # past the last opcode
        is_val = 0x80 <= op < 0x100
        if is_val and ((op >> 2) & 31) + 1 >= count:
            return 0
        if run == 1 and op < 0x100:  # a VAL or ZERO of one register
            ops[i] = _val(count, 1)
        else:
            last = first + run - 1
            seq: list[int] = []
            seq_starts: list[int] = []
            if is_val:
                old = ((op >> 2) & 31) + 1
                if index != first:
                    seq.append(_val(old, index - first))
                    seq_starts.append(first)
                seq.append(_val(count, 1))
                seq_starts.append(index)
                if index != last:
                    seq.append(_val(old, last - index))
                    seq_starts.append(index + 1)
            else:
                if index != first:
                    seq.append(_zeros(index - first))
                    seq_starts.append(first)
                seq.append(_val(count, 1))
                seq_starts.append(index)
                if index != last:
                    seq.append(_zeros(last - index))
                    seq_starts.append(index + 1)
            grown = len(seq) + sum(1 for o in seq if o >= 0x100) - (2 if op >= 0x100 else 1)
            if grown > 0 and HEADER + self.size + grown > max_bytes:
                return PROMOTE
            cut_here = self.cut and i == len(ops) - 1
            ops[i : i + 1] = seq
            starts[i : i + 1] = seq_starts
            self.size += grown
            if cut_here:
                self._recut()
            elif self.cut:
                self._clear_hidden()
        self._merge_from(i - 1 if i > 0 else 0)
        self.header[15] |= CACHE_STALE
        return 1

    def _merge_from(self, j: int) -> None:
        """Join neighbouring VAL opcodes of equal value, looking at up to five
        opcodes from ``j`` (Redis's rule, re-examining a merged opcode)."""
        ops = self.ops
        scan = 5
        while j < len(ops) and scan:
            scan -= 1
            op = ops[j]
            if 0x80 <= op < 0x100 and j + 1 < len(ops):
                nxt = ops[j + 1]
                if 0x80 <= nxt < 0x100 and (op ^ nxt) & 0x7C == 0:
                    run = (op & 3) + (nxt & 3) + 2
                    if run <= 4:
                        ops[j] = (op & 0xFC) | (run - 1)
                        del ops[j + 1]
                        del self.starts[j + 1]
                        self.size -= 1
                        if self.cut:
                            self._clear_hidden()
                        continue
            j += 1

    def dense(self) -> bytes | None:
        """This value converted to dense (None if corrupt)."""
        return to_dense(self.value())


# --- cardinality -----------------------------------------------------------------
def _sigma(x: float) -> float:
    if x == 1.0:
        return math.inf
    y = 1.0
    z = x
    while True:
        x *= x
        previous = z
        z += x * y
        y += y
        if previous == z:
            return z


def _tau(x: float) -> float:
    if x == 0.0 or x == 1.0:
        return 0.0
    y = 1.0
    z = 1 - x
    while True:
        x = math.sqrt(x)
        previous = z
        y *= 0.5
        z -= math.pow(1 - x, 2) * y
        if previous == z:
            return z / 3


def estimate(histo: list[int]) -> int:
    """Redis 7's estimate from the register histogram (Ertl's improved raw
    estimator), as the unsigned 64-bit integer Redis computes."""
    m = float(REGISTERS)
    z = m * _tau((m - histo[Q + 1]) / m)
    for j in range(Q, 0, -1):
        z += histo[j]
        z *= 0.5
    z += m * _sigma(histo[0] / m)
    if z == 0.0:
        return 1 << 63  # llroundl(inf): the x86 "integer indefinite" value
    e = ALPHA_INF * m * m / z
    if e >= 2.0**63:
        return 1 << 63
    whole = math.floor(e)
    return int(whole) + 1 if e - whole >= 0.5 else int(whole)


_BYTE = [bytes((v,)) for v in range(64)]
_NONZERO_REGISTER = re.compile(rb"[^\x00]")


def raw_histogram(raw: bytes) -> list[int]:
    """Register-value counts of one-byte-per-register data (values < 64)."""
    top = 63
    while top and _BYTE[top] not in raw:  # a search per value is cheaper than a count
        top -= 1
    return [raw.count(v) for v in range(top + 1)] + [0] * (63 - top)


def nonzero_registers(raw: bytes) -> list[tuple[int, int]]:
    """(index, value) of every register above zero, in order."""
    return [(m.start(), raw[m.start()]) for m in _NONZERO_REGISTER.finditer(raw)]


def histogram(value: bytes) -> list[int] | None:
    """Register-value counts of a valid HyperLogLog string (None: corrupt)."""
    if value[4] == DENSE:
        return raw_histogram(unpack_dense(value[HEADER:]))
    return sparse_histogram(value[HEADER:])


def signed(card: int) -> int:
    """The cardinality as Redis prints it (a signed 64-bit integer)."""
    return card - (1 << 64) if card >= 1 << 63 else card
