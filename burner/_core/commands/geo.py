"""Geospatial commands: GEOADD, GEODIST, GEOHASH, GEOPOS, GEORADIUS,
GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH, GEOSEARCHSTORE.

A geo set is a sorted set whose scores are 52-bit geohashes: 26 bits of
latitude (over [-85.05112878, 85.05112878]) interleaved with 26 bits of
longitude (over [-180, 180]), latitude in the even bits.

Rules:
- The arithmetic is Redis's, operation by operation in IEEE doubles and
  64-bit unsigned integers, so scores, decoded positions, distances and the
  cells a search visits are the ones Redis computes. A score that is not a
  geohash (written by ZADD) decodes as Redis decodes it: cast to a 64-bit
  unsigned integer the way x86-64 casts, then the cell centre clamped.
- GEOPOS answers the centre of the member's cell; GEOHASH re-encodes that
  centre over the standard [-90, 90] latitude range (11 characters, the last
  always "0").
- Distances are haversine over a sphere of radius 6372797.560856 m, sent as
  "%.4f" bulk strings in both protocols. Coordinates are sent as Redis's
  "human" long double text: a bulk string under RESP2, a double under RESP3.
- A search visits the centre cell and its eight neighbours in Redis's order
  (centre, N, S, E, W, NE, NW, SE, SW) and each cell in score order, so an
  unordered reply, ANY's early stop and ties among equal distances come out
  as Redis's do. ASC/DESC sort stably by distance.
- Every argument is checked before anything is written. GEOADD is ZADD with
  computed scores: it runs the ZADD handler, as Redis does.
"""

from __future__ import annotations

import math
from operator import itemgetter

from .. import errors
from ..parse import to_float, to_int
from ..registry import command
from ..replies import Reply
from ..session import Session
from ..values.zset import ZSet
from .zsets import store_result, zadd

LAT_MIN = -85.05112878
LAT_MAX = 85.05112878
LON_MIN = -180.0
LON_MAX = 180.0
STEP_MAX = 26
EARTH_RADIUS_M = 6372797.560856
_MERCATOR_MAX = 20037726.37
_D_R = math.pi / 180.0
_LAT_SCALE = LAT_MAX - LAT_MIN
_LON_SCALE = LON_MAX - LON_MIN

_U64 = 0xFFFFFFFFFFFFFFFF
_U32 = 0xFFFFFFFF
_EVEN = 0x5555555555555555
_ODD = 0xAAAAAAAAAAAAAAAA
_TWO63 = float(2**63)
_BIT63 = 1 << 63

# Unit -> metres per unit.
UNITS: dict[bytes, float] = {b"m": 1.0, b"km": 1000.0, b"ft": 0.3048, b"mi": 1609.34}

_GEOALPHABET = b"0123456789bcdefghjkmnpqrstuvwxyz"

# A cell: (longitude min, longitude max, latitude min, latitude max).
Cell = tuple[float, float, float, float]
# A search hit: (distance in metres, member, score, longitude, latitude).
Hit = tuple[float, bytes, float, float, float]


# --- geohash bits ---------------------------------------------------------------
def _spread(v: int) -> int:
    """The 32 bits of ``v`` moved to the even bit positions of 64."""
    v = (v | (v << 16)) & 0x0000FFFF0000FFFF
    v = (v | (v << 8)) & 0x00FF00FF00FF00FF
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v << 2)) & 0x3333333333333333
    return (v | (v << 1)) & _EVEN


def _squash(v: int) -> int:
    """The even bits of the 64-bit ``v`` gathered into 32."""
    v &= _EVEN
    v = (v | (v >> 1)) & 0x3333333333333333
    v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0F
    v = (v | (v >> 4)) & 0x00FF00FF00FF00FF
    v = (v | (v >> 8)) & 0x0000FFFF0000FFFF
    return (v | (v >> 16)) & _U32


def encode(
    lon: float, lat: float, step: int, lat_min: float = LAT_MIN, lat_max: float = LAT_MAX
) -> int:
    """The ``2 * step``-bit geohash of a valid position (at the top edge the
    offset reaches 2**step, one bit past the hash, as in Redis)."""
    scale = float(1 << step)
    lat_off = (lat - lat_min) / (lat_max - lat_min) * scale
    lon_off = (lon - LON_MIN) / _LON_SCALE * scale
    return _spread(int(lat_off) & _U32) | (_spread(int(lon_off) & _U32) << 1)


def score_of(lon: float, lat: float) -> int:
    """GEOADD's score: the 52-bit geohash."""
    return encode(lon, lat, STEP_MAX)


def _score_bits(score: float) -> int:
    """``(uint64_t)score`` as x86-64 computes it, out-of-range values included."""
    if score < _TWO63:
        if score >= -_TWO63:
            return int(score) & _U64
        return _BIT63  # cvttsd2si's "integer indefinite" (also NaN)
    rest = score - _TWO63
    if rest < _TWO63:
        return int(rest) | _BIT63
    return 0


def _cell(bits: int, step: int) -> Cell:
    ilat = _squash(bits)
    ilon = _squash(bits >> 1)
    div = float(1 << step)
    return (
        LON_MIN + (ilon * 1.0 / div) * _LON_SCALE,
        LON_MIN + (((ilon + 1) & _U32) * 1.0 / div) * _LON_SCALE,
        LAT_MIN + (ilat * 1.0 / div) * _LAT_SCALE,
        LAT_MIN + (((ilat + 1) & _U32) * 1.0 / div) * _LAT_SCALE,
    )


def position(score: float) -> tuple[float, float]:
    """(longitude, latitude): the centre of the cell a score names, clamped."""
    lon_lo, lon_hi, lat_lo, lat_hi = _cell(_score_bits(score), STEP_MAX)
    lon = (lon_lo + lon_hi) / 2
    if lon > LON_MAX:
        lon = LON_MAX
    elif lon < LON_MIN:
        lon = LON_MIN
    lat = (lat_lo + lat_hi) / 2
    if lat > LAT_MAX:
        lat = LAT_MAX
    elif lat < LAT_MIN:
        lat = LAT_MIN
    return lon, lat


def geohash_text(score: float) -> bytes:
    """GEOHASH's 11 characters for a score."""
    lon, lat = position(score)
    bits = encode(lon, lat, STEP_MAX, -90.0, 90.0)
    alphabet = _GEOALPHABET
    return bytes([alphabet[(bits >> (47 - 5 * i)) & 0x1F] for i in range(10)]) + b"0"


def _move(bits: int, step: int, d: int, moving: int, still: int) -> int:
    """One cell over along the axis whose bits ``moving`` masks, wrapping."""
    width = 64 - 2 * step
    x = bits & moving
    y = bits & still
    zz = still >> width
    if d > 0:
        x = x + (zz + 1)
    else:
        x = (x | zz) - (zz + 1)
    return ((x & (moving >> width)) | y) & _U64


def _neighbours(bits: int, step: int) -> list[int]:
    """[N, S, E, W, NE, NW, SE, SW] (east/west move the odd, longitude bits)."""
    east = _move(bits, step, 1, _ODD, _EVEN)
    west = _move(bits, step, -1, _ODD, _EVEN)
    return [
        _move(bits, step, 1, _EVEN, _ODD),
        _move(bits, step, -1, _EVEN, _ODD),
        east,
        west,
        _move(east, step, 1, _EVEN, _ODD),
        _move(west, step, 1, _EVEN, _ODD),
        _move(east, step, -1, _EVEN, _ODD),
        _move(west, step, -1, _EVEN, _ODD),
    ]


# --- distances --------------------------------------------------------------------
def _cos(x: float) -> float:
    return math.cos(x) if math.isfinite(x) else math.nan


def _div(a: float, b: float) -> float:
    """``a / b`` with C's IEEE results where Python would raise."""
    if b == 0.0:
        if a != a or a == 0.0:
            return math.nan
        negative = (a < 0) != (math.copysign(1.0, b) < 0)
        return -math.inf if negative else math.inf
    return a / b


def distance(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Haversine distance in metres between two valid positions (along a
    meridian, when the longitudes' sine difference is 0, the arc itself)."""
    v = math.sin((lon2 * _D_R - lon1 * _D_R) / 2)
    lat1r = lat1 * _D_R
    lat2r = lat2 * _D_R
    if v == 0.0:
        return EARTH_RADIUS_M * abs(lat2r - lat1r)
    u = math.sin((lat2r - lat1r) / 2)
    root = math.sqrt(u * u + math.cos(lat1r) * math.cos(lat2r) * v * v)
    if root > 1.0:
        return math.nan  # asin's domain error, as C reports it
    return 2.0 * EARTH_RADIUS_M * math.asin(root)


def _estimate_steps(range_m: float, lat: float) -> int:
    if range_m == 0:
        return 26
    step = 1
    while range_m < _MERCATOR_MAX:
        range_m *= 2
        step += 1
    step -= 2
    if lat > 66 or lat < -66:
        step -= 1
        if lat > 80 or lat < -80:
            step -= 1
    return max(1, min(26, step))


class _Shape:
    """A search area: a circle (``radius``) or a box (``width`` x ``height``)
    around (``lon``, ``lat``), lengths in the unit ``conversion`` metres."""

    __slots__ = ("box", "conversion", "height", "lat", "lon", "radius", "width")

    def __init__(self) -> None:
        self.lon = self.lat = 0.0
        self.radius = self.width = self.height = 0.0
        self.conversion = 0.0
        self.box = False

    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) of the area."""
        conv = self.conversion
        if self.box:
            height = conv * (self.height / 2)
            width = conv * (self.width / 2)
        else:
            height = width = conv * self.radius
        lat = self.lat
        lat_delta = (height / EARTH_RADIUS_M) / _D_R
        arc = width / EARTH_RADIUS_M
        top = _div(arc, _cos((lat + lat_delta) * _D_R)) / _D_R
        bottom = _div(arc, _cos((lat - lat_delta) * _D_R)) / _D_R
        delta = bottom if lat < 0 else top
        return self.lon - delta, lat - lat_delta, self.lon + delta, lat + lat_delta

    def radius_m(self) -> float:
        if self.box:
            half_w = self.width / 2
            half_h = self.height / 2
            return math.sqrt(half_w * half_w + half_h * half_h) * self.conversion
        return self.radius * self.conversion

    def cells(self) -> list[tuple[int, int]]:
        """The (bits, step) cells to scan, in Redis's order, without the ones
        Redis drops (useless, or the same as the one scanned just before)."""
        min_lon, min_lat, max_lon, max_lat = self.bounds()
        lon, lat = self.lon, self.lat
        steps = _estimate_steps(self.radius_m(), lat)
        bits = encode(lon, lat, steps)
        around = _neighbours(bits, steps)
        # One step coarser when a side neighbour does not reach the area's edge.
        north, south, east, west = (_cell(b, steps) for b in around[:4])
        if steps > 1 and (
            north[3] < max_lat or south[2] > min_lat or east[1] < max_lon or west[0] > min_lon
        ):
            steps -= 1
            bits = encode(lon, lat, steps)
            around = _neighbours(bits, steps)
        boxes: list[int | None] = [bits, *around]
        if steps >= 2:
            lon_lo, lon_hi, lat_lo, lat_hi = _cell(bits, steps)
            # indexes: 1 N, 2 S, 3 E, 4 W, 5 NE, 6 NW, 7 SE, 8 SW
            if lat_lo < min_lat:
                boxes[2] = boxes[8] = boxes[7] = None
            if lat_hi > max_lat:
                boxes[1] = boxes[5] = boxes[6] = None
            if lon_lo < min_lon:
                boxes[4] = boxes[8] = boxes[6] = None
            if lon_hi > max_lon:
                boxes[3] = boxes[7] = boxes[5] = None
        out: list[tuple[int, int]] = []
        last = 0
        for i, box in enumerate(boxes):
            if box is None:
                continue
            # Redis compares with the previous cell only once one past the
            # centre was scanned (index 0 never counts as "previous").
            if last and box == boxes[last]:
                continue
            out.append((box, steps))
            last = i
        return out

    def collect(self, z: ZSet, limit: int) -> list[Hit]:
        """The members inside the area, in visiting order; with ``limit``,
        stop once that many were found."""
        hits: list[Hit] = []
        lon, lat, conv = self.lon, self.lat, self.conversion
        box = self.box
        radius_m = self.radius * conv
        half_w = self.width * conv / 2
        half_h = self.height * conv / 2
        order = z.order
        for bits, step in self.cells():
            if limit and len(hits) >= limit:
                break
            shift = 52 - 2 * step
            start, stop = z.score_span(
                float(bits << shift), False, float(((bits + 1) & _U64) << shift), True
            )
            if start >= stop:
                continue
            for score, member in order.islice(start, stop):
                plon, plat = position(score)
                if box:
                    if (
                        EARTH_RADIUS_M * abs(lat * _D_R - plat * _D_R) > half_h
                        or distance(plon, plat, lon, plat) > half_w
                    ):
                        continue
                    dist = distance(lon, lat, plon, plat)
                else:
                    dist = distance(lon, lat, plon, plat)
                    if dist > radius_m:
                        continue
                hits.append((dist, member, score, plon, plat))
                if limit and len(hits) >= limit:
                    break
        return hits


# --- reply pieces --------------------------------------------------------------
def human_double(x: float) -> bytes:
    """A double as Redis's human long double text (``%.17Lf``, trailing
    zeros and point dropped, "-0" as "0")."""
    if math.isinf(x):
        return b"inf" if x > 0 else b"-inf"
    text = (b"%.17f" % x).rstrip(b"0")
    if text[-1:] == b".":
        text = text[:-1]
    return b"0" if text == b"-0" else text


def _coord(s: Session, x: float) -> bytes | float:
    text = human_double(x)
    return float(text) if s.resp == 3 else text


def _coords(s: Session, lon: float, lat: float) -> list[bytes | float]:
    return [_coord(s, lon), _coord(s, lat)]


def _dist_text(d: float) -> bytes:
    return b"%.4f" % d


# --- argument helpers ------------------------------------------------------------
def _lonlat(raw_lon: bytes, raw_lat: bytes) -> tuple[float, float]:
    lon = to_float(raw_lon)
    lat = to_float(raw_lat)
    if lon < LON_MIN or lon > LON_MAX or lat < LAT_MIN or lat > LAT_MAX:
        raise errors.err(errors.geo_invalid_pair(lon, lat))
    return lon, lat


def _unit(raw: bytes) -> float:
    conv = UNITS.get(raw.lower())
    if conv is None:
        raise errors.err(errors.GEO_UNIT)
    return conv


def _member_position(z: ZSet, member: bytes) -> tuple[float, float]:
    score = z.scores.get(member)
    if score is None:
        raise errors.err(errors.GEO_NO_MEMBER)
    return position(score)


def _radius(shape: _Shape, raw: bytes, unit: bytes) -> None:
    radius = to_float(raw, errors.GEO_NEED_RADIUS)
    if radius < 0:
        raise errors.err(errors.GEO_RADIUS_NEGATIVE)
    shape.radius = radius
    shape.conversion = _unit(unit)
    shape.box = False


def _box(shape: _Shape, raw_w: bytes, raw_h: bytes, unit: bytes) -> None:
    width = to_float(raw_w, errors.GEO_NEED_WIDTH)
    height = to_float(raw_h, errors.GEO_NEED_HEIGHT)
    if height < 0 or width < 0:
        raise errors.err(errors.GEO_BOX_NEGATIVE)
    shape.width = width
    shape.height = height
    shape.conversion = _unit(unit)
    shape.box = True


# --- GEOADD, GEOPOS, GEOHASH, GEODIST ------------------------------------------------
@command("geoadd", -5, "write denyoom", keys=(1, 1, 1), category="geo")
def geoadd(s: Session, argv: list[bytes]) -> Reply:
    nx = xx = False
    n = len(argv)
    i = 2
    while i < n:
        opt = argv[i].lower()
        if opt == b"nx":
            nx = True
        elif opt == b"xx":
            xx = True
        elif opt != b"ch":
            break
        i += 1
    if (n - i) % 3 or (nx and xx):
        raise errors.err(errors.SYNTAX)
    zargv = argv[:i]
    zargv[0] = b"zadd"
    for j in range(i, n, 3):
        lon, lat = _lonlat(argv[j], argv[j + 1])
        zargv.append(b"%d" % score_of(lon, lat))
        zargv.append(argv[j + 2])
    return zadd(s, zargv)


@command("geopos", -2, "readonly", keys=(1, 1, 1), category="geo")
def geopos(s: Session, argv: list[bytes]) -> Reply:
    z = s.db.read_typed(argv[1], ZSet)
    if z is None:
        return [None] * (len(argv) - 2)
    scores = z.scores
    out: list[list[bytes | float] | None] = []
    for member in argv[2:]:
        score = scores.get(member)
        if score is None:
            out.append(None)
        else:
            out.append(_coords(s, *position(score)))
    return out


@command("geohash", -2, "readonly", keys=(1, 1, 1), category="geo")
def geohash(s: Session, argv: list[bytes]) -> Reply:
    z = s.db.read_typed(argv[1], ZSet)
    if z is None:
        return [None] * (len(argv) - 2)
    scores = z.scores
    out: list[bytes | None] = []
    for member in argv[2:]:
        score = scores.get(member)
        out.append(None if score is None else geohash_text(score))
    return out


@command("geodist", -4, "readonly", keys=(1, 1, 1), category="geo")
def geodist(s: Session, argv: list[bytes]) -> Reply:
    conv = 1.0
    if len(argv) == 5:
        conv = _unit(argv[4])
    elif len(argv) > 5:
        raise errors.err(errors.SYNTAX)
    z = s.db.read_typed(argv[1], ZSet)
    if z is None:
        return None
    first = z.scores.get(argv[2])
    second = z.scores.get(argv[3])
    if first is None or second is None:
        return None
    lon1, lat1 = position(first)
    lon2, lat2 = position(second)
    return _dist_text(distance(lon1, lat1, lon2, lat2) / conv)


# --- searches ----------------------------------------------------------------------
_BY_COORDS = 1  # GEORADIUS: centre and radius are positional
_BY_MEMBER = 2  # GEORADIUSBYMEMBER
_NO_STORE = 4  # the _RO forms
_SEARCH = 8  # GEOSEARCH's FROM*/BY* options
_SEARCH_STORE = 16  # GEOSEARCHSTORE
_ASC = 1
_DESC = 2


def _search(s: Session, argv: list[bytes], src: int, flags: int) -> Reply:
    db = s.db
    z = db.read_typed(argv[src], ZSet)
    shape = _Shape()
    store: bytes | None = None
    if flags & _BY_COORDS:
        base = 6
        shape.lon, shape.lat = _lonlat(argv[2], argv[3])
        _radius(shape, argv[4], argv[5])
    elif flags & _BY_MEMBER:
        base = 5
        if z is not None:
            shape.lon, shape.lat = _member_position(z, argv[2])
            _radius(shape, argv[3], argv[4])
    elif flags & _SEARCH_STORE:
        base = 3
        store = argv[1]
    else:
        base = 2

    withdist = withhash = withcoord = any_ = storedist = False
    frommember = fromloc = byradius = bybox = False
    sort = 0
    count = 0
    can_store = not flags & (_NO_STORE | _SEARCH)
    search = flags & _SEARCH
    n = len(argv)
    i = base
    while i < n:
        arg = argv[i].lower()
        more = n - i - 1  # arguments after this one
        if arg == b"withdist":
            withdist = True
        elif arg == b"withhash":
            withhash = True
        elif arg == b"withcoord":
            withcoord = True
        elif arg == b"any":
            any_ = True
        elif arg == b"asc":
            sort = _ASC
        elif arg == b"desc":
            sort = _DESC
        elif arg == b"count" and more >= 1:
            count = to_int(argv[i + 1])
            if count <= 0:
                raise errors.err(errors.GEO_COUNT)
            i += 1
        elif arg == b"store" and more >= 1 and can_store:
            store = argv[i + 1]
            storedist = False
            i += 1
        elif arg == b"storedist" and more >= 1 and can_store:
            store = argv[i + 1]
            storedist = True
            i += 1
        elif arg == b"storedist" and flags & _SEARCH_STORE:
            storedist = True
        elif arg == b"frommember" and more >= 1 and search and not fromloc:
            if z is not None:
                shape.lon, shape.lat = _member_position(z, argv[i + 1])
            frommember = True
            i += 1
        elif arg == b"fromlonlat" and more >= 2 and search and not frommember:
            shape.lon, shape.lat = _lonlat(argv[i + 1], argv[i + 2])
            fromloc = True
            i += 2
        elif arg == b"byradius" and more >= 2 and search and not bybox:
            _radius(shape, argv[i + 1], argv[i + 2])
            byradius = True
            i += 2
        elif arg == b"bybox" and more >= 3 and search and not byradius:
            _box(shape, argv[i + 1], argv[i + 2], argv[i + 3])
            bybox = True
            i += 3
        else:
            raise errors.err(errors.SYNTAX)
        i += 1

    if store is not None and (withdist or withhash or withcoord):
        raise errors.err(
            errors.GEO_SEARCHSTORE_WITH if flags & _SEARCH_STORE else errors.GEO_STORE_WITH
        )
    if search and not (frommember or fromloc):
        raise errors.err(errors.geo_from_one(argv[0]))
    if search and not (byradius or bybox):
        raise errors.err(errors.geo_by_one(argv[0]))
    if any_ and not count:
        raise errors.err(errors.GEO_ANY_COUNT)

    event = b"geosearchstore" if search else b"georadiusstore"
    if z is None:
        if store is not None:
            return store_result(s, store, [], event, False)
        return []

    if count and not sort and not any_:
        sort = _ASC
    hits = shape.collect(z, count if any_ else 0)
    if not hits and store is None:
        return []
    if sort:
        hits.sort(key=itemgetter(0), reverse=sort == _DESC)
    if count and count < len(hits):
        del hits[count:]
    conv = shape.conversion

    if store is not None:
        if storedist:
            items = [(hit[0] / conv, hit[1]) for hit in hits]
        else:
            items = [(hit[2], hit[1]) for hit in hits]
        return store_result(s, store, items, event, False)

    if not (withdist or withhash or withcoord):
        return [hit[1] for hit in hits]
    out: list[list[object]] = []
    for dist, member, score, lon, lat in hits:
        row: list[object] = [member]
        if withdist:
            row.append(_dist_text(dist / conv))
        if withhash:
            row.append(int(score))
        if withcoord:
            row.append(_coords(s, lon, lat))
        out.append(row)
    return out


@command("georadius", -6, "write denyoom movablekeys", keys=(1, 1, 1), category="geo")
def georadius(s: Session, argv: list[bytes]) -> Reply:
    return _search(s, argv, 1, _BY_COORDS)


@command("georadius_ro", -6, "readonly", keys=(1, 1, 1), category="geo")
def georadius_ro(s: Session, argv: list[bytes]) -> Reply:
    return _search(s, argv, 1, _BY_COORDS | _NO_STORE)


@command("georadiusbymember", -5, "write denyoom movablekeys", keys=(1, 1, 1), category="geo")
def georadiusbymember(s: Session, argv: list[bytes]) -> Reply:
    return _search(s, argv, 1, _BY_MEMBER)


@command("georadiusbymember_ro", -5, "readonly", keys=(1, 1, 1), category="geo")
def georadiusbymember_ro(s: Session, argv: list[bytes]) -> Reply:
    return _search(s, argv, 1, _BY_MEMBER | _NO_STORE)


@command("geosearch", -7, "readonly", keys=(1, 1, 1), category="geo")
def geosearch(s: Session, argv: list[bytes]) -> Reply:
    return _search(s, argv, 1, _SEARCH)


@command("geosearchstore", -8, "write denyoom", keys=(1, 2, 1), category="geo")
def geosearchstore(s: Session, argv: list[bytes]) -> Reply:
    return _search(s, argv, 2, _SEARCH | _SEARCH_STORE)
