"""DUMP/RESTORE payloads in Redis's RDB object format (RDB version 10, Redis 7.0).

A payload is ``type byte + object + RDB version (2 bytes LE) + CRC-64 (8 bytes
LE)``; the CRC (Jones polynomial, reflected, init 0) covers everything before
it. Payloads from a real Redis 7.0 restore here and ours restore there.

Writing uses the plain encodings every Redis loader accepts: strings as
length + bytes, lists as a sequence of strings (type 1), sets (2), sorted sets
with binary doubles (5), hashes (4), streams as Redis 7.0 does (19: one
listpack per modelled node, consumer groups with their PELs). Reading also understands what Redis 7.0
writes for small values: integer and LZF-compressed strings, quicklists of
listpacks (18), intsets (11), listpack sets (20), sorted sets (17) and
hashes (16), and streams (19, and 6.x's 15); the older ziplist forms and
module types are refused.

``load`` raises ``ValueError`` on any malformed payload; the caller replies
"Bad data format".
"""

from __future__ import annotations

import math
import struct

from sortedcontainers import SortedDict

from .values import Value
from .values.hash import Hash
from .values.list import List
from .values.set import Set
from .values.stream import INVALID, Consumer, Group, Node, PendingEntry, Stream, StreamID
from .values.zset import ZSet

__all__ = ["RDB_VERSION", "crc64", "dump", "load", "verify"]

RDB_VERSION = 10

# Object types (rdb.h).
_STRING, _LIST, _SET, _ZSET, _HASH, _ZSET_2 = 0, 1, 2, 3, 4, 5
_SET_INTSET, _HASH_LISTPACK, _ZSET_LISTPACK, _LIST_QUICKLIST_2, _SET_LISTPACK = 11, 16, 17, 18, 20
_STREAM_LISTPACKS, _STREAM_LISTPACKS_2 = 15, 19
_U64 = 1 << 64

# --- CRC-64 (Jones), reflected ------------------------------------------------------
_POLY_REFLECTED = 0x95AC9329AC4BC9B5


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY_REFLECTED if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc_table()


def crc64(data: bytes, crc: int = 0) -> int:
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


# --- writing ------------------------------------------------------------------------
def _length(n: int) -> bytes:
    if n < 64:
        return bytes((n,))
    if n < 16384:
        return bytes((0x40 | (n >> 8), n & 0xFF))
    if n <= 0xFFFFFFFF:
        return b"\x80" + struct.pack(">I", n)
    return b"\x81" + struct.pack(">Q", n)


def _string(raw: bytes) -> bytes:
    return _length(len(raw)) + raw


def dump(value: Value) -> bytes | None:
    """The DUMP payload of ``value``; None for a type it cannot serialize."""
    out = bytearray()
    if type(value) is bytes:
        out.append(_STRING)
        out += _string(value)
    elif isinstance(value, Hash):
        out.append(_HASH)
        out += _length(len(value))
        for field, item in value.items():
            out += _string(field)
            out += _string(item)
    elif isinstance(value, List):
        out.append(_LIST)
        out += _length(len(value))
        for item in value:
            out += _string(item)
    elif isinstance(value, Set):
        out.append(_SET)
        out += _length(len(value))
        for item in value:
            out += _string(item)
    elif isinstance(value, ZSet):
        out.append(_ZSET_2)
        out += _length(len(value))
        for score, member in value:
            out += _string(member)
            out += struct.pack("<d", score)
    elif isinstance(value, Stream):
        out.append(_STREAM_LISTPACKS_2)
        _write_stream(out, value)
    else:
        return None
    out += struct.pack("<H", RDB_VERSION)
    out += struct.pack("<Q", crc64(bytes(out)))
    return bytes(out)


def verify(payload: bytes) -> bool:
    """Whether the footer holds a version this loader knows and a good CRC."""
    if len(payload) < 10:
        return False
    version = payload[-10] | payload[-9] << 8
    if version > RDB_VERSION:
        return False
    stored: int = struct.unpack("<Q", payload[-8:])[0]
    return stored == crc64(payload[:-8])


# --- reading ------------------------------------------------------------------------
class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if n < 0 or end > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def length(self) -> tuple[int, bool]:
        """A length, or (special encoding, True) for an encoded string."""
        first = self.byte()
        kind = first >> 6
        if kind == 0:
            return first & 0x3F, False
        if kind == 1:
            return (first & 0x3F) << 8 | self.byte(), False
        if kind == 3:
            return first & 0x3F, True
        if first == 0x80:
            return struct.unpack(">I", self.take(4))[0], False
        if first == 0x81:
            return struct.unpack(">Q", self.take(8))[0], False
        raise ValueError("bad length")

    def count(self) -> int:
        n, special = self.length()
        if special:
            raise ValueError("bad length")
        return n

    def string(self) -> bytes:
        n, special = self.length()
        if not special:
            return self.take(n)
        if n == 0:
            return b"%d" % struct.unpack("<b", self.take(1))[0]
        if n == 1:
            return b"%d" % struct.unpack("<h", self.take(2))[0]
        if n == 2:
            return b"%d" % struct.unpack("<i", self.take(4))[0]
        if n == 3:
            compressed = self.count()
            size = self.count()
            return _lzf_decompress(self.take(compressed), size)
        raise ValueError("bad string encoding")


def _lzf_decompress(src: bytes, size: int) -> bytes:
    out = bytearray()
    i = 0
    n = len(src)
    while i < n:
        ctrl = src[i]
        i += 1
        if ctrl < 32:  # a run of ctrl + 1 literal bytes
            end = i + ctrl + 1
            if end > n:
                raise ValueError("lzf literal overrun")
            out += src[i:end]
            i = end
        else:  # a back reference
            length = ctrl >> 5
            if length == 7:
                if i >= n:
                    raise ValueError("lzf overrun")
                length += src[i]
                i += 1
            if i >= n:
                raise ValueError("lzf overrun")
            back = len(out) - ((ctrl & 0x1F) << 8) - src[i] - 1
            i += 1
            if back < 0:
                raise ValueError("lzf reference before start")
            for j in range(length + 2):  # may overlap what it writes
                out.append(out[back + j])
    if len(out) != size:
        raise ValueError("lzf size mismatch")
    return bytes(out)


def _listpack(blob: bytes) -> list[bytes]:
    """The entries of a listpack, integers as their decimal text."""
    if len(blob) < 7 or struct.unpack("<I", blob[:4])[0] != len(blob) or blob[-1] != 0xFF:
        raise ValueError("bad listpack header")
    out: list[bytes] = []
    i = 6
    end = len(blob) - 1
    while i < end:
        enc = blob[i]
        if enc < 0x80:  # 7-bit unsigned integer
            out.append(b"%d" % enc)
            size = 1
        elif enc < 0xC0:  # string, 6-bit length
            length = enc & 0x3F
            out.append(blob[i + 1:i + 1 + length])
            size = 1 + length
        elif enc < 0xE0:  # 13-bit signed integer
            value = (enc & 0x1F) << 8 | blob[i + 1]
            out.append(b"%d" % (value - 8192 if value >= 4096 else value))
            size = 2
        elif enc < 0xF0:  # string, 12-bit length
            length = (enc & 0x0F) << 8 | blob[i + 1]
            out.append(blob[i + 2:i + 2 + length])
            size = 2 + length
        elif enc == 0xF0:  # string, 32-bit length
            length = struct.unpack("<I", blob[i + 1:i + 5])[0]
            out.append(blob[i + 5:i + 5 + length])
            size = 5 + length
        elif 0xF1 <= enc <= 0xF4:
            width = (2, 3, 4, 8)[enc - 0xF1]
            out.append(b"%d" % int.from_bytes(blob[i + 1:i + 1 + width], "little", signed=True))
            size = 1 + width
        else:
            raise ValueError("bad listpack entry")
        if i + size > end:
            raise ValueError("listpack entry overrun")
        i += size + _backlen_size(size)
    declared = struct.unpack("<H", blob[4:6])[0]
    if i != end or (declared != 65535 and declared != len(out)):
        raise ValueError("bad listpack length")
    return out


def _intset(blob: bytes) -> list[bytes]:
    if len(blob) < 8:
        raise ValueError("bad intset")
    width, count = struct.unpack("<II", blob[:8])
    if width not in (2, 4, 8) or len(blob) != 8 + width * count:
        raise ValueError("bad intset")
    return [
        b"%d" % int.from_bytes(blob[8 + k * width:8 + (k + 1) * width], "little", signed=True)
        for k in range(count)
    ]


def _double(raw: bytes) -> float:
    score: float = struct.unpack("<d", raw)[0]
    if math.isnan(score):
        raise ValueError("NaN score")
    return score


def _text_double(r: _Reader) -> float:
    n = r.byte()
    if n == 253:
        raise ValueError("NaN score")
    if n == 254:
        return math.inf
    if n == 255:
        return -math.inf
    return float(r.take(n))


def _hash(pairs: list[tuple[bytes, bytes]]) -> Hash:
    h = Hash(pairs)
    if len(h) != len(pairs):
        raise ValueError("duplicate hash field")
    limit = Hash.MAX_LISTPACK_VALUE
    h.big = len(h) > Hash.MAX_LISTPACK_ENTRIES or any(
        len(f) > limit or len(v) > limit for f, v in pairs
    )
    return h


def _zset(pairs: list[tuple[bytes, float]]) -> ZSet:
    z = ZSet()
    for member, score in pairs:
        if member in z:
            raise ValueError("duplicate zset member")
        z.insert(member, score)
    return z


def _set(members: list[bytes]) -> Set:
    s = Set(members)
    if len(s) != len(members):
        raise ValueError("duplicate set member")
    return s


def load(payload: bytes) -> Value:
    """The value in a verified payload (footer included)."""
    r = _Reader(payload[:-10])
    kind = r.byte()
    value: Value
    if kind == _STRING:
        value = r.string()
    elif kind == _LIST:
        value = List(r.string() for _ in range(r.count()))
    elif kind == _LIST_QUICKLIST_2:
        items: list[bytes] = []
        for _ in range(r.count()):
            container = r.count()
            blob = r.string()
            if container == 1:  # a plain node: one element
                items.append(blob)
            elif container == 2:
                items.extend(_listpack(blob))
            else:
                raise ValueError("bad quicklist node")
        value = List(items)
    elif kind == _SET:
        value = _set([r.string() for _ in range(r.count())])
    elif kind == _SET_INTSET:
        value = _set(_intset(r.string()))
    elif kind == _SET_LISTPACK:
        value = _set(_listpack(r.string()))
    elif kind == _ZSET_2:
        value = _zset([(r.string(), _double(r.take(8))) for _ in range(r.count())])
    elif kind == _ZSET:
        value = _zset([(r.string(), _text_double(r)) for _ in range(r.count())])
    elif kind == _ZSET_LISTPACK:
        flat = _listpack(r.string())
        if len(flat) % 2:
            raise ValueError("odd zset listpack")
        value = _zset([(flat[k], _score(flat[k + 1])) for k in range(0, len(flat), 2)])
    elif kind == _HASH:
        value = _hash([(r.string(), r.string()) for _ in range(r.count())])
    elif kind == _STREAM_LISTPACKS_2 or kind == _STREAM_LISTPACKS:
        value = _read_stream(r, kind == _STREAM_LISTPACKS_2)
    elif kind == _HASH_LISTPACK:
        flat = _listpack(r.string())
        if len(flat) % 2:
            raise ValueError("odd hash listpack")
        value = _hash([(flat[k], flat[k + 1]) for k in range(0, len(flat), 2)])
    else:
        raise ValueError("unsupported type")
    if r.pos != len(r.data):
        raise ValueError("trailing bytes")
    if type(value) is not bytes and type(value) is not Stream and len(value) == 0:
        raise ValueError("empty container")
    return value


def _score(raw: bytes) -> float:
    try:
        score = float(raw)
    except ValueError:
        raise ValueError("bad score") from None
    if math.isnan(score):
        raise ValueError("NaN score")
    return score


# --- listpacks (for streams) ------------------------------------------------------------
def _backlen_size(size: int) -> int:
    if size <= 127:
        return 1
    if size < 16383:
        return 2
    if size < 2097151:
        return 3
    if size < 268435455:
        return 4
    return 5


def _backlen(size: int) -> bytes:
    """An entry's length written after it, read backwards 7 bits at a time."""
    n = _backlen_size(size)
    groups = [(size >> (7 * k)) & 127 for k in range(n)]  # least significant first
    return bytes([groups[-1]] + [g | 128 for g in reversed(groups[:-1])])


def _lp_entry(item: bytes | int) -> bytes:
    if isinstance(item, int):
        if 0 <= item <= 127:
            return bytes((item,))
        if -4096 <= item <= 4095:
            u = item & 0x1FFF
            return bytes((0xC0 | (u >> 8), u & 0xFF))
        for code, width in ((0xF1, 2), (0xF2, 3), (0xF3, 4), (0xF4, 8)):
            if -(1 << (8 * width - 1)) <= item < 1 << (8 * width - 1):
                return bytes((code,)) + item.to_bytes(width, "little", signed=True)
        raise ValueError("integer too large for a listpack")
    n = len(item)
    if n < 64:
        return bytes((0x80 | n,)) + item
    if n < 4096:
        return bytes((0xE0 | (n >> 8), n & 0xFF)) + item
    return b"\xf0" + struct.pack("<I", n) + item


def _build_listpack(items: list[bytes | int]) -> bytes:
    body = bytearray()
    for item in items:
        entry = _lp_entry(item)
        body += entry
        body += _backlen(len(entry))
    return struct.pack("<IH", len(body) + 7, min(len(items), 65535)) + bytes(body) + b"\xff"


# --- streams --------------------------------------------------------------------------------
def _signed64(value: int) -> int:
    value %= _U64
    return value - _U64 if value >= 1 << 63 else value


def _raw_id(sid: StreamID) -> bytes:
    return struct.pack(">QQ", *sid)


def _stream_chunks(st: Stream) -> list[list[tuple[StreamID, list[bytes]]]]:
    """Live entries grouped as the modelled nodes hold them."""
    entries = list(st.entries.items())
    bounds = [node.first for node in st.nodes[1:]]
    chunks: list[list[tuple[StreamID, list[bytes]]]] = []
    current: list[tuple[StreamID, list[bytes]]] = []
    b = 0
    for sid, fields in entries:
        while b < len(bounds) and sid >= bounds[b]:
            b += 1
            if current:
                chunks.append(current)
                current = []
        current.append((sid, fields))
    if current:
        chunks.append(current)
    return chunks


def _write_stream(out: bytearray, st: Stream) -> None:
    chunks = _stream_chunks(st)
    out += _length(len(chunks))
    for chunk in chunks:
        master, first_fields = chunk[0]
        names = first_fields[0::2]
        items: list[bytes | int] = [len(chunk), 0, len(names), *names, 0]
        for (ms, seq), flat in chunk:
            own = flat[0::2]
            items.append(2 if own == names else 0)  # SAMEFIELDS
            items.append(_signed64(ms - master[0]))
            items.append(_signed64(seq - master[1]))
            if own == names:
                items.extend(flat[1::2])
                items.append(len(own) + 3)
            else:
                items.append(len(own))
                items.extend(flat)
                items.append(2 * len(own) + 4)
        out += _string(_raw_id(master))
        out += _string(_build_listpack(items))
    out += _length(len(st.entries))
    for sid in (st.last_id, st.first_id, st.max_deleted_id):
        out += _length(sid[0]) + _length(sid[1])
    out += _length(st.entries_added)
    out += _length(len(st.groups))
    for name in sorted(st.groups):
        group = st.groups[name]
        out += _string(name)
        out += _length(group.last_id[0]) + _length(group.last_id[1])
        out += _length(group.entries_read % _U64)
        out += _length(len(group.pel))
        for sid, pending in group.pel.items():
            out += _raw_id(sid)
            out += struct.pack("<q", pending.delivered_ms)
            out += _length(pending.count)
        out += _length(len(group.consumers))
        for cname in sorted(group.consumers):
            consumer = group.consumers[cname]
            out += _string(cname)
            out += struct.pack("<q", consumer.seen_ms)
            out += _length(len(consumer.pending))
            for sid in consumer.pending:
                out += _raw_id(sid)


def _int(raw: bytes) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("bad integer in stream node") from None


def _read_stream(r: _Reader, v2: bool) -> Stream:
    st = Stream()
    entries: SortedDict[StreamID, list[bytes]] = SortedDict()
    for _ in range(r.count()):
        key = r.string()
        if len(key) != 16:
            raise ValueError("bad stream node key")
        mms, mseq = struct.unpack(">QQ", key)
        items = _listpack(r.string())
        if not items:
            raise ValueError("empty stream node")
        live, deleted, nfields = _int(items[0]), _int(items[1]), _int(items[2])
        names = items[3:3 + nfields]
        if len(names) != nfields or _int(items[3 + nfields]) != 0:
            raise ValueError("bad stream master entry")
        i = 4 + nfields
        first: StreamID | None = None
        size = 0
        seen = 0
        for _ in range(live + deleted):
            flags = _int(items[i])
            sid = ((mms + _int(items[i + 1])) % _U64, (mseq + _int(items[i + 2])) % _U64)
            i += 3
            if flags & 2:
                flat = [x for pair in zip(names, items[i:i + nfields]) for x in pair]
                i += nfields
            else:
                n = _int(items[i])
                flat = items[i + 1:i + 1 + 2 * n]
                i += 1 + 2 * n
            i += 1  # lp-count
            if len(flat) % 2 or i > len(items):
                raise ValueError("bad stream entry")
            if first is None:
                first = sid
            if not flags & 1:
                if sid in entries:
                    raise ValueError("duplicate stream ID")
                entries[sid] = flat
                size += 6 + sum(len(f) + 2 for f in flat)
                seen += 1
        if i != len(items) or seen != live or first is None:
            raise ValueError("bad stream node")
        if live:
            node = Node(first, size)
            node.alive, node.total = live, live + deleted
            st.nodes.append(node)
    st.entries = entries
    if r.count() != len(entries):
        raise ValueError("stream length mismatch")
    st.last_id = (r.count(), r.count())
    if v2:
        r.count(), r.count()  # first ID: derived from the entries
        st.max_deleted_id = (r.count(), r.count())
        st.entries_added = r.count()
    else:
        st.entries_added = len(entries)
    if entries and entries.peekitem(-1)[0] > st.last_id:
        raise ValueError("entry after the last ID")
    for _ in range(r.count()):
        name = r.string()
        if name in st.groups:
            raise ValueError("duplicate group")
        last = (r.count(), r.count())
        read = INVALID
        if v2:
            read = r.count()
            if read == _U64 - 1:
                read = INVALID
        group = st.groups[name] = Group(name, last, read)
        delivered: dict[StreamID, tuple[int, int]] = {}
        for _ in range(r.count()):
            sid = struct.unpack(">QQ", r.take(16))
            delivered[sid] = (struct.unpack("<q", r.take(8))[0], r.count())
        for _ in range(r.count()):
            cname = r.string()
            seen_ms = struct.unpack("<q", r.take(8))[0]
            consumer = Consumer(cname, seen_ms)
            consumer.active_ms = seen_ms
            group.consumers[cname] = consumer
            for _ in range(r.count()):
                sid = struct.unpack(">QQ", r.take(16))
                info = delivered.get(sid)
                if info is None or sid in group.pel:
                    raise ValueError("consumer owns an unknown pending entry")
                group.pel[sid] = PendingEntry(consumer, info[0], info[1])
                consumer.pending.add(sid)
        if len(group.pel) != len(delivered):
            raise ValueError("pending entry without a consumer")
    return st
