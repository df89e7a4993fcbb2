"""Geospatial commands, compared with the real redis-server.

Replies whose order Redis leaves open (a search without ASC/DESC or COUNT)
are compared sorted; burner visits cells in Redis's order, so
``test_unordered_replies_follow_redis_order`` also checks them as sent. The
data sets here have no two members at the same place where a COUNT cuts a
sorted reply (Redis's partial sort orders equal distances arbitrarily).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import burner
import burner.aio
from burner._core.commands import geo
from burner._core.values.zset import ZSet
from tests.oracle import Pair, RedisServerProcess, make_pair, sorted_reply

# (longitude, latitude) of real places, a few on the edges of what geo accepts.
PLACES: dict[str, tuple[float, float]] = {
    "Palermo": (13.361389, 38.115556),
    "Catania": (15.087269, 37.502669),
    "Rome": (12.496366, 41.902782),
    "Paris": (2.352222, 48.856613),
    "London": (-0.127758, 51.507351),
    "Greenwich": (0.0, 51.4769),
    "NewYork": (-74.005974, 40.712776),
    "Tokyo": (139.691711, 35.689487),
    "Sydney": (151.209290, -33.868820),
    "Suva": (178.441895, -18.141600),  # Fiji, west of the antimeridian
    "Taveuni": (-179.966667, -16.85),  # Fiji, east of it
    "Longyearbyen": (15.633333, 78.216667),
    "McMurdo": (166.668235, -77.846323),
    "NullIsland": (0.0, 0.0),
}

EDGES: dict[str, tuple[float, float]] = {
    "ne": (180.0, 85.05112878),
    "sw": (-180.0, -85.05112878),
    "nw": (-180.0, 85.05112878),
    "se": (180.0, -85.05112878),
    "east": (179.9999999, 0.0),
    "west": (-179.9999999, 0.0),
}


def _flat(places: dict[str, tuple[float, float]]) -> list[float | str]:
    out: list[float | str] = []
    for name, (lon, lat) in places.items():
        out.extend([lon, lat, name])
    return out


def _load(pair: Pair, key: str = "geo", places: dict[str, tuple[float, float]] = PLACES) -> None:
    pair.both(lambda r: r.geoadd(key, _flat(places)))


def _sound(pair: Pair, *keys: str) -> None:
    """Each key burner holds is a sound sorted set with Redis's encoding."""
    data = pair.burner.server.dbs[0].data  # type: ignore[attr-defined]
    for key in keys:
        value = data.get(key.encode())
        if value is None:
            assert pair.real.exists(key) == 0
            continue
        assert type(value) is ZSet
        value._check()
        want = pair.real.object("encoding", key)
        assert value.encoding() == (want.encode() if isinstance(want, str) else want)


# --- GEOADD --------------------------------------------------------------------------
def test_geoadd_and_scores(pair: Pair) -> None:
    assert pair.check(lambda r: r.geoadd("geo", _flat(PLACES))) == len(PLACES)
    pair.check(lambda r: r.geoadd("geo", _flat(EDGES)))
    pair.check(lambda r: r.zrange("geo", 0, -1, withscores=True))
    pair.cmd("ZSCORE", "geo", "ne")
    pair.cmd("ZSCORE", "geo", "Palermo")
    pair.cmd("GEOADD", "geo", "13.361389", "38.115556", "Palermo")
    pair.cmd("GEOADD", "geo", "1", "1", "dup", "2", "2", "dup")
    pair.cmd("ZSCORE", "geo", "dup")
    pair.cmd("GEOADD", "geo", "-0", "-0", "zero", "1e-300", "-1e-300", "tiny")
    pair.cmd("GEOADD", "geo", "0x10", "0x1p-3", "hex")
    pair.cmd("ZRANGE", "geo", "0", "-1", "WITHSCORES")
    _sound(pair, "geo")


def test_geoadd_options(pair: Pair) -> None:
    _load(pair)
    moved: list[float | str] = [13.0, 38.0, "Palermo", 1.0, 2.0, "Nowhere"]
    pair.check(lambda r: r.geoadd("geo", moved, nx=True))
    pair.check(lambda r: r.geopos("geo", "Palermo", "Nowhere"))
    pair.check(lambda r: r.geoadd("geo", [3.0, 4.0, "Elsewhere", 2.0, 2.0, "Nowhere"], xx=True))
    pair.check(lambda r: r.geopos("geo", "Elsewhere", "Nowhere"))
    pair.check(lambda r: r.geoadd("geo", moved, ch=True))
    pair.check(lambda r: r.geoadd("geo", moved, ch=True))
    pair.check(lambda r: r.geoadd("geo", [5.0, 5.0, "Palermo", 6.0, 6.0, "New"], xx=True, ch=True))
    pair.check(lambda r: r.geoadd("geo", [5.0, 5.0, "Palermo", 6.0, 6.0, "New"], nx=True, ch=True))
    pair.cmd("GEOADD", "geo", "ch", "nx", "CH", "7", "7", "Seven")
    pair.cmd("GEOADD", "fresh", "XX", "1", "1", "a")
    pair.cmd("EXISTS", "fresh")
    pair.cmd("GEOADD", "fresh", "NX", "CH", "1", "1", "a", "2", "2", "b")
    pair.cmd("ZRANGE", "geo", "0", "-1", "WITHSCORES")
    _sound(pair, "geo", "fresh")


def test_geoadd_errors(pair: Pair) -> None:
    _load(pair)
    pair.both(lambda r: r.set("str", "x"))
    pair.cmd("GEOADD", "str", "1", "1", "a")
    pair.cmd("GEOADD", "geo", "1", "1")
    pair.cmd("GEOADD", "geo", "1", "1", "a", "2")
    pair.cmd("GEOADD", "geo")
    pair.cmd("GEOADD", "geo", "NX", "XX", "1", "1", "a")
    pair.cmd("GEOADD", "geo", "CH", "CH", "CH")
    pair.cmd("GEOADD", "geo", "NX", "XX", "CH")
    pair.cmd("GEOADD", "geo", "GT", "1", "1", "a")
    pair.cmd("GEOADD", "geo", "INCR", "1", "1", "a")
    pair.cmd("GEOADD", "geo", "nx", "ch", "1", "1")
    for lon, lat in [
        ("181", "0"),
        ("-180.0000001", "0"),
        ("0", "85.05112879"),
        ("0", "-85.0511288"),
        ("0", "90"),
        ("inf", "0"),
        ("0", "-inf"),
        ("1e300", "1e300"),
        ("-200.5", "-95.25"),
    ]:
        pair.cmd("GEOADD", "geo", lon, lat, "bad")
    for lon, lat in [("x", "0"), ("0", "y"), ("nan", "0"), ("", "0"), ("1 ", "1"), ("1e400", "0")]:
        pair.cmd("GEOADD", "geo", lon, lat, "bad")
    # A bad pair anywhere leaves the set untouched, even after good ones.
    pair.cmd("GEOADD", "geo", "1", "1", "good", "2", "2", "good2", "500", "1", "bad")
    pair.cmd("GEOADD", "geo", "1", "1", "good", "x", "1", "bad")
    pair.cmd("GEOADD", "new", "1", "1", "good", "200", "1", "bad")
    pair.cmd("EXISTS", "new")
    pair.cmd("ZCARD", "geo")
    pair.check(lambda r: r.geoadd("geo", [1.0, 200.0, "bad"]))


# --- GEOPOS / GEOHASH / GEODIST -------------------------------------------------------
def test_geopos(pair: Pair) -> None:
    _load(pair)
    _load(pair, "edges", EDGES)
    names = list(PLACES)
    pair.check(lambda r: r.geopos("geo", *names))
    pair.check(lambda r: r.geopos("edges", *EDGES))
    pair.check(lambda r: r.geopos("geo", "nope", "Rome", "nope"))
    pair.check(lambda r: r.geopos("nokey", "a", "b"))
    pair.cmd("GEOPOS", "geo")
    pair.cmd("GEOPOS", "nokey")
    pair.cmd("GEOPOS")
    pair.both(lambda r: r.set("str", "x"))
    pair.cmd("GEOPOS", "str", "a")
    pair.cmd("GEOPOS", "str")


def test_geohash(pair: Pair) -> None:
    _load(pair)
    _load(pair, "edges", EDGES)
    pair.check(lambda r: r.geohash("geo", *PLACES))
    pair.check(lambda r: r.geohash("edges", *EDGES))
    pair.check(lambda r: r.geohash("geo", "nope", "Paris"))
    pair.check(lambda r: r.geohash("nokey", "a"))
    pair.cmd("GEOHASH", "geo")
    pair.cmd("GEOHASH")
    pair.both(lambda r: r.set("str", "x"))
    pair.cmd("GEOHASH", "str", "a")


def test_scores_that_are_not_geohashes(pair: Pair) -> None:
    # Scores written by ZADD decode as Redis decodes them (cast, then clamped).
    scores = {
        "neg": -5.0,
        "negfrac": -0.5,
        "minus1": -1.0,
        "frac": 1.5,
        "big": 1e30,
        "inf": math.inf,
        "ninf": -math.inf,
        "b52": 2.0**52,
        "b53": 2.0**53,
        "b63": 2.0**63,
        "u64": 1e19,
        "b64": 2.0**64,
        "nearmin": -(2.0**63),
        "pastmin": -(2.0**63) - 4096,
        "lat_top": float(0x5555555555555),
        "max52": float(2**52 - 1),
    }
    pair.both(lambda r: r.zadd("z", scores))
    names = list(scores)
    pair.check(lambda r: r.geopos("z", *names))
    pair.check(lambda r: r.geohash("z", *names))
    pair.cmd("GEOSEARCH", "z", "FROMLONLAT", "0", "0", "BYRADIUS", "30000", "km", "WITHCOORD", "WITHHASH", normalize=sorted_reply)
    for a, b in [("neg", "big"), ("frac", "b53"), ("u64", "ninf"), ("lat_top", "max52")]:
        pair.cmd("GEODIST", "z", a, b)
        pair.cmd("GEOSEARCH", "z", "FROMMEMBER", a, "BYRADIUS", "1", "m", "WITHCOORD")


def _geodist(r: redis.Redis, a: str, b: str, unit: str) -> Any:
    return r.geodist("geo", a, b, unit)


def test_geodist(pair: Pair) -> None:
    _load(pair)
    pair.check(lambda r: r.geodist("geo", "Palermo", "Catania"))
    for unit in ("m", "km", "ft", "mi"):
        for a, b in (("Palermo", "Catania"), ("Suva", "Taveuni"), ("Tokyo", "NewYork")):
            pair.check(partial(_geodist, a=a, b=b, unit=unit))
    pair.cmd("GEODIST", "geo", "Palermo", "Catania", "KM")
    pair.cmd("GEODIST", "geo", "Palermo", "Palermo")
    pair.cmd("GEODIST", "geo", "London", "Greenwich", "Ft")
    pair.cmd("GEODIST", "geo", "NullIsland", "McMurdo")
    pair.cmd("GEODIST", "geo", "Palermo", "nope")
    pair.cmd("GEODIST", "geo", "nope", "Palermo", "km")
    pair.cmd("GEODIST", "nokey", "a", "b")
    pair.cmd("GEODIST", "geo", "Palermo", "Catania", "yards")
    pair.cmd("GEODIST", "nokey", "a", "b", "yards")
    pair.cmd("GEODIST", "geo", "Palermo", "Catania", "km", "extra")
    pair.cmd("GEODIST", "geo", "Palermo")
    pair.both(lambda r: r.set("str", "x"))
    pair.cmd("GEODIST", "str", "a", "b")
    pair.cmd("GEODIST", "str", "a", "b", "nope")
    pair.cmd("GEODIST", "str", "a", "b", "km", "x")
    # Antipodes and the poles' limits.
    _load(pair, "edges", EDGES)
    pair.cmd("GEODIST", "edges", "ne", "sw")
    pair.cmd("GEODIST", "edges", "nw", "ne")
    pair.cmd("GEODIST", "edges", "east", "west", "mi")


# --- GEORADIUS / GEORADIUSBYMEMBER ----------------------------------------------------
WITH_OPTIONS = [
    {},
    {"withdist": True},
    {"withcoord": True},
    {"withhash": True},
    {"withdist": True, "withcoord": True, "withhash": True},
]


@pytest.mark.parametrize("options", WITH_OPTIONS)
def test_georadius_methods(pair: Pair, options: dict[str, Any]) -> None:
    _load(pair)
    pair.check(lambda r: r.georadius("geo", 15, 37, 200, "km", **options), sorted_reply)
    pair.check(lambda r: r.georadius("geo", 15, 37, 200, "km", sort="ASC", **options))
    pair.check(lambda r: r.georadius("geo", 15, 37, 3000, "km", sort="DESC", **options))
    pair.check(lambda r: r.georadius("geo", 15, 37, 3000, "km", count=2, **options))
    pair.check(lambda r: r.georadius("geo", 15, 37, 3000, "km", count=3, sort="DESC", **options))
    pair.check(
        lambda r: r.georadius("geo", 15, 37, 3000, "km", count=1, any=True, **options)
    )
    pair.check(lambda r: r.georadius("geo", 0, 51.5, 20, "mi", sort="ASC", **options))
    pair.check(lambda r: r.georadius("geo", 0, 51.5, 20000, "ft", **options), sorted_reply)
    pair.check(lambda r: r.georadius("geo", 0, 51.5, 9000, **options), sorted_reply)
    pair.check(
        lambda r: r.georadiusbymember("geo", "Palermo", 200, "km", sort="ASC", **options)
    )
    pair.check(
        lambda r: r.georadiusbymember("geo", "Suva", 500, "km", sort="DESC", count=5, **options)
    )
    pair.check(lambda r: r.georadiusbymember("geo", "nope", 500, "km", **options))
    pair.check(lambda r: r.georadiusbymember("nokey", "Suva", 500, "km", **options))
    pair.check(lambda r: r.georadius("nokey", 1, 1, 500, "km", **options))


def test_georadius_raw(pair: Pair) -> None:
    _load(pair)
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "KM", "withdist", "desc", "count", "1")
    pair.cmd("GEORADIUS", "geo", "15", "37", "2000", "km", "COUNT", "2", "ANY", "WITHCOORD")
    pair.cmd("GEORADIUS", "geo", "15", "37", "2000", "km", "ANY", "COUNT", "2")
    pair.cmd("GEORADIUS", "geo", "15", "37", "2000", "km", "COUNT", "2", "COUNT", "4", "ASC")
    pair.cmd("GEORADIUS", "geo", "15", "37", "2000", "km", "ASC", "DESC", "WITHDIST")
    pair.cmd("GEORADIUS_RO", "geo", "15", "37", "200", "km", "WITHDIST", "ASC")
    pair.cmd("GEORADIUSBYMEMBER", "geo", "Rome", "1000", "km", "WITHDIST", "ASC", "COUNT", "3")
    pair.cmd("GEORADIUSBYMEMBER_RO", "geo", "Rome", "1000", "km", "WITHCOORD", "DESC")
    pair.cmd("georadius_ro", "geo", "15", "37", "200", "km", "asc")
    # Nothing matches: an empty array.
    pair.cmd("GEORADIUS", "geo", "-40", "-40", "10", "km")
    pair.cmd("GEORADIUS", "geo", "-40", "-40", "10", "km", "WITHDIST", "COUNT", "3")


def test_georadius_store(pair: Pair) -> None:
    _load(pair)
    pair.check(lambda r: r.georadius("geo", 15, 37, 3000, "km", store="dst"))
    pair.check(lambda r: r.zrange("dst", 0, -1, withscores=True))
    pair.check(lambda r: r.georadius("geo", 15, 37, 3000, "km", store_dist="dst2"))
    pair.check(lambda r: r.zrange("dst2", 0, -1, withscores=True))
    pair.check(lambda r: r.georadius("geo", 15, 37, 3000, "km", store_dist="dst2", count=2))
    pair.check(lambda r: r.zrange("dst2", 0, -1, withscores=True))
    pair.check(
        lambda r: r.georadius("geo", 15, 37, 3000, "mi", store="dst", count=3, sort="DESC")
    )
    pair.check(lambda r: r.zrange("dst", 0, -1, withscores=True))
    pair.check(lambda r: r.georadiusbymember("geo", "Paris", 1000, "km", store_dist="dst3"))
    pair.check(lambda r: r.zrange("dst3", 0, -1, withscores=True))
    pair.cmd("GEORADIUS", "geo", "15", "37", "3000", "km", "STORE", "x", "STOREDIST", "dst4")
    pair.cmd("ZRANGE", "dst4", "0", "-1", "WITHSCORES")
    pair.cmd("EXISTS", "x")
    pair.cmd("GEORADIUS", "geo", "15", "37", "3000", "km", "STOREDIST", "x", "STORE", "dst5", "ANY", "COUNT", "2")
    pair.cmd("ZRANGE", "dst5", "0", "-1", "WITHSCORES")
    # An empty result, or a missing source, deletes the destination.
    pair.both(lambda r: r.set("dst6", "old"))
    pair.cmd("GEORADIUS", "geo", "-40", "-40", "10", "km", "STORE", "dst6")
    pair.cmd("EXISTS", "dst6")
    pair.cmd("GEORADIUS", "nokey", "1", "1", "10", "km", "STORE", "dst")
    pair.cmd("EXISTS", "dst")
    pair.cmd("GEORADIUSBYMEMBER", "nokey", "a", "10", "km", "STOREDIST", "dst2")
    pair.cmd("EXISTS", "dst2")
    # The destination's type does not matter; its TTL goes.
    pair.both(lambda r: r.set("dst7", "x", ex=100))
    pair.cmd("GEORADIUS", "geo", "15", "37", "300", "km", "STORE", "dst7")
    pair.cmd("TTL", "dst7")
    pair.cmd("ZRANGE", "dst7", "0", "-1", "WITHSCORES")
    _sound(pair, "dst3", "dst4", "dst5", "dst7")


def test_georadius_store_encoding(pair: Pair) -> None:
    many = {f"m{i}": (10 + i * 0.001, 40 + (i % 7) * 0.001) for i in range(140)}
    _load(pair, "many", many)
    pair.cmd("GEORADIUS", "many", "10", "40", "100", "km", "STORE", "big")
    pair.cmd("GEORADIUS", "many", "10", "40", "100", "km", "STOREDIST", "small", "COUNT", "100")
    long_name = {"x" * 70: (10.0, 40.0)}
    _load(pair, "long", long_name)
    pair.cmd("GEORADIUS", "long", "10", "40", "100", "km", "STORE", "longdst")
    _sound(pair, "many", "big", "small", "longdst")


def test_georadius_errors(pair: Pair) -> None:
    _load(pair)
    pair.both(lambda r: r.set("str", "x"))
    pair.cmd("GEORADIUS", "str", "15", "37", "200", "km")
    pair.cmd("GEORADIUS", "str", "500", "37", "200", "km")
    pair.cmd("GEORADIUSBYMEMBER", "str", "a", "200", "km")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200")
    pair.cmd("GEORADIUSBYMEMBER", "geo", "Rome", "200")
    pair.cmd("GEORADIUS", "geo", "x", "37", "200", "km")
    pair.cmd("GEORADIUS", "geo", "15", "95", "200", "km")
    pair.cmd("GEORADIUS", "geo", "15", "37", "x", "km")
    pair.cmd("GEORADIUS", "geo", "15", "37", "-1", "km")
    pair.cmd("GEORADIUS", "geo", "15", "37", "-1", "yards")
    pair.cmd("GEORADIUS", "geo", "15", "37", "1", "yards")
    pair.cmd("GEORADIUS", "geo", "15", "37", "nan", "km")
    pair.cmd("GEORADIUSBYMEMBER", "geo", "nope", "x", "yards")
    pair.cmd("GEORADIUSBYMEMBER", "geo", "Rome", "x", "km")
    pair.cmd("GEORADIUSBYMEMBER", "geo", "Rome", "1", "yards")
    # A missing key skips the radius and unit (Redis reads them only with a key).
    pair.cmd("GEORADIUSBYMEMBER", "nokey", "a", "x", "yards")
    pair.cmd("GEORADIUSBYMEMBER", "nokey", "a", "x", "yards", "NOPE")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "NOPE")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "COUNT")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "COUNT", "0")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "COUNT", "-3")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "COUNT", "x")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "COUNT", "1.5")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "ANY")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "STORE")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "STOREDIST")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "STORE", "d", "WITHDIST")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "WITHHASH", "STOREDIST", "d")
    pair.cmd("GEORADIUS", "nokey", "15", "37", "200", "km", "WITHCOORD", "STORE", "d")
    pair.cmd("GEORADIUS", "nokey", "15", "37", "200", "km", "ANY")
    pair.cmd("GEORADIUS_RO", "geo", "15", "37", "200", "km", "STORE", "d")
    pair.cmd("GEORADIUSBYMEMBER_RO", "geo", "Rome", "200", "km", "STOREDIST", "d")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "FROMMEMBER", "Rome")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "BYRADIUS", "1", "km")
    pair.cmd("GEORADIUS", "geo", "15", "37", "200", "km", "COUNT", "2", "NOPE")
    pair.check(lambda r: r.georadius("geo", 15, 37, 200, "km", withdist=True, store="d"))
    pair.check(lambda r: r.georadius("geo", 15, 37, 200, "km", count=0))
    pair.cmd("EXISTS", "d")


# --- GEOSEARCH / GEOSEARCHSTORE --------------------------------------------------------
@pytest.mark.parametrize("options", WITH_OPTIONS)
def test_geosearch_methods(pair: Pair, options: dict[str, Any]) -> None:
    _load(pair)
    pair.check(lambda r: r.geosearch("geo", member="Palermo", radius=200, unit="km", **options), sorted_reply)
    pair.check(lambda r: r.geosearch("geo", longitude=15, latitude=37, radius=200, unit="km", sort="ASC", **options))
    pair.check(lambda r: r.geosearch("geo", longitude=15, latitude=37, width=400, height=400, unit="km", sort="ASC", **options))
    pair.check(lambda r: r.geosearch("geo", member="Rome", width=2500, height=1200, unit="km", sort="DESC", **options))
    pair.check(lambda r: r.geosearch("geo", member="Rome", width=2500, height=1200, unit="mi", count=2, **options))
    pair.check(lambda r: r.geosearch("geo", member="Rome", radius=3000, unit="km", count=3, any=True, **options), sorted_reply)
    pair.check(lambda r: r.geosearch("geo", member="Rome", radius=3000, unit="km", count=3, any=True, sort="DESC", **options))
    pair.check(lambda r: r.geosearch("geo", longitude=0, latitude=51.5, radius=30000, unit="ft", **options), sorted_reply)
    pair.check(lambda r: r.geosearch("geo", longitude=0, latitude=51.5, radius=30, **options), sorted_reply)
    pair.check(lambda r: r.geosearch("geo", member="Suva", radius=800, unit="km", sort="ASC", **options))
    pair.check(lambda r: r.geosearch("geo", member="Taveuni", width=900, height=300, unit="km", sort="ASC", **options))
    pair.check(lambda r: r.geosearch("nokey", member="Rome", radius=3000, unit="km", **options))
    pair.check(lambda r: r.geosearch("geo", member="nope", radius=3000, unit="km", **options))


def test_geosearch_raw(pair: Pair) -> None:
    _load(pair)
    pair.cmd("GEOSEARCH", "geo", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC")
    pair.cmd("GEOSEARCH", "geo", "BYBOX", "400", "400", "km", "FROMLONLAT", "15", "37", "DESC", "WITHDIST")
    pair.cmd("geosearch", "geo", "frommember", "Rome", "bybox", "2000", "2000", "KM", "count", "2", "any", "asc")
    pair.cmd("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "FROMMEMBER", "Paris", "BYRADIUS", "10", "km")
    pair.cmd("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "BYRADIUS", "10000", "km", "ASC")
    pair.cmd("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "1", "1", "km", "BYBOX", "9000", "9000", "km", "ASC")
    pair.cmd("GEOSEARCH", "geo", "FROMLONLAT", "0", "0", "BYBOX", "0", "0", "m")
    pair.cmd("GEOSEARCH", "geo", "FROMLONLAT", "0", "0", "BYRADIUS", "0", "m", "WITHDIST")
    pair.cmd("GEOSEARCH", "geo", "FROMLONLAT", "0", "0", "BYBOX", "1", "1", "m", "WITHDIST")


def test_geosearchstore(pair: Pair) -> None:
    _load(pair)
    pair.check(lambda r: r.geosearchstore("dst", "geo", member="Rome", radius=1500, unit="km"))
    pair.check(lambda r: r.zrange("dst", 0, -1, withscores=True))
    pair.check(lambda r: r.geosearchstore("dst", "geo", longitude=2, latitude=50, width=800, height=800, unit="km", storedist=True))
    pair.check(lambda r: r.zrange("dst", 0, -1, withscores=True))
    pair.check(lambda r: r.geosearchstore("dst", "geo", member="Rome", radius=3000, unit="km", count=2, sort="DESC", storedist=True))
    pair.check(lambda r: r.zrange("dst", 0, -1, withscores=True))
    pair.check(lambda r: r.geosearchstore("dst", "geo", member="Rome", radius=3000, unit="mi", count=2, any=True))
    pair.check(lambda r: r.zrange("dst", 0, -1, withscores=True))
    pair.cmd("GEOSEARCHSTORE", "dst", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1", "m", "STOREDIST")
    pair.cmd("EXISTS", "dst")
    pair.cmd("GEOSEARCHSTORE", "geo", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1000", "km", "STOREDIST")
    pair.cmd("ZRANGE", "geo", "0", "-1", "WITHSCORES")
    pair.cmd("GEOSEARCHSTORE", "dst", "nokey", "FROMMEMBER", "Rome", "BYRADIUS", "1", "m")
    pair.cmd("GEOSEARCHSTORE", "dst", "nokey", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "m", "STOREDIST", "STOREDIST")
    _sound(pair, "geo", "dst")


def test_geosearch_errors(pair: Pair) -> None:
    _load(pair)
    pair.both(lambda r: r.set("str", "x"))
    for name, prefix in (("GEOSEARCH", ["geo"]), ("GEOSEARCHSTORE", ["dst", "geo"])):
        def run(*args: str, name: str = name, prefix: list[str] = prefix) -> None:
            pair.cmd(name, *prefix, *args)

        run("FROMMEMBER", "Rome", "BYRADIUS", "10")
        run("FROMMEMBER", "Rome", "BYBOX", "10", "10")
        run("FROMLONLAT", "1", "BYRADIUS", "10", "km")
        run("BYRADIUS", "10", "km", "ASC")
        run("FROMMEMBER", "Rome", "ASC", "ASC")
        run("FROMMEMBER", "Rome", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km")
        run("FROMLONLAT", "1", "1", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km")
        run("FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km")
        run("FROMMEMBER", "Rome", "BYBOX", "1", "1", "km", "BYRADIUS", "1", "km")
        run("FROMMEMBER", "nope", "BYRADIUS", "1", "km")
        run("FROMMEMBER", "nope", "BYRADIUS", "1", "nope")
        run("FROMLONLAT", "200", "1", "BYRADIUS", "1", "km")
        run("FROMLONLAT", "x", "1", "BYRADIUS", "1", "km")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "x", "km")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "-1", "km")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "yd")
        run("FROMLONLAT", "1", "1", "BYBOX", "x", "1", "km")
        run("FROMLONLAT", "1", "1", "BYBOX", "1", "y", "km")
        run("FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km")
        run("FROMLONLAT", "1", "1", "BYBOX", "1", "-1", "km")
        run("FROMLONLAT", "1", "1", "BYBOX", "1", "1", "yd")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "COUNT", "0")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "COUNT")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STORE", "x")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STOREDIST", "x")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "WITHDIST")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "WITHHASH", "WITHCOORD")
        run("FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "NOPE")
        run("ASC", "DESC", "ANY")
        run("WITHDIST", "FROMMEMBER", "Rome")
        run("FROMMEMBER", "Rome", "ANY", "WITHDIST")
        pair.cmd(name, *prefix[:-1], "str", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km")
        pair.cmd(name, *prefix[:-1], "nokey", "FROMMEMBER", "Rome", "ASC")
        pair.cmd(name, *prefix[:-1], "nokey", "FROMMEMBER", "Rome", "BYRADIUS", "1", "yd")
    pair.cmd("geosearch", "geo", "BYRADIUS", "1", "km", "ASC")
    pair.cmd("GeoSearch", "geo", "FROMMEMBER", "Rome", "ASC")
    pair.cmd("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "STOREDIST")
    pair.cmd("GEOSEARCHSTORE", "dst", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1")
    pair.cmd("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYRADIUS")
    pair.cmd("EXISTS", "dst")


# --- edges: poles, antimeridian, zero and huge radii ---------------------------------------
def test_search_edges(pair: Pair) -> None:
    _load(pair)
    _load(pair, "geo", EDGES)
    searches: list[list[str]] = [
        ["FROMLONLAT", "180", "0", "BYRADIUS", "100", "km"],
        ["FROMLONLAT", "-180", "0", "BYRADIUS", "100", "km"],
        ["FROMLONLAT", "179.99", "-17", "BYRADIUS", "300", "km"],
        ["FROMMEMBER", "Taveuni", "BYRADIUS", "300", "km"],
        ["FROMMEMBER", "Suva", "BYBOX", "500", "500", "km"],
        ["FROMLONLAT", "0", "85.05112878", "BYRADIUS", "5000", "km"],
        ["FROMLONLAT", "0", "-85.05112878", "BYRADIUS", "5000", "km"],
        ["FROMLONLAT", "90", "84", "BYBOX", "10000", "300", "km"],
        ["FROMLONLAT", "-90", "-81", "BYBOX", "300", "10000", "km"],
        ["FROMMEMBER", "ne", "BYRADIUS", "100", "km"],
        ["FROMMEMBER", "sw", "BYRADIUS", "0", "m"],
        ["FROMMEMBER", "Rome", "BYRADIUS", "0", "m"],
        ["FROMMEMBER", "Rome", "BYBOX", "0", "0", "m"],
        ["FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km"],
        ["FROMLONLAT", "0", "0", "BYRADIUS", "40000", "km"],
        ["FROMLONLAT", "10", "10", "BYRADIUS", "inf", "km"],
        ["FROMLONLAT", "10", "10", "BYRADIUS", "1e308", "mi"],
        ["FROMLONLAT", "10", "10", "BYBOX", "1e308", "1e308", "km"],
        ["FROMLONLAT", "10", "10", "BYBOX", "inf", "inf", "km"],
        ["FROMLONLAT", "10", "10", "BYRADIUS", "1e-300", "m"],
        ["FROMLONLAT", "0", "0", "BYRADIUS", "0.5", "m"],
    ]
    for search in searches:
        pair.cmd("GEOSEARCH", "geo", *search, "WITHDIST", "WITHCOORD", "ASC")
        pair.cmd("GEOSEARCH", "geo", *search, "WITHHASH", normalize=sorted_reply)
        pair.cmd("GEOSEARCH", "geo", *search, "COUNT", "3", "ANY")
        pair.cmd("GEOSEARCHSTORE", "dst", "geo", *search, "STOREDIST")
        pair.cmd("ZRANGE", "dst", "0", "-1", "WITHSCORES")


def test_unordered_replies_follow_redis_order(pair: Pair) -> None:
    _load(pair)
    _load(pair, "geo", EDGES)
    pair.cmd("GEOSEARCH", "geo", "FROMLONLAT", "10", "45", "BYRADIUS", "3000", "km")
    pair.cmd("GEOSEARCH", "geo", "FROMLONLAT", "0", "0", "BYRADIUS", "20000", "km", "WITHDIST")
    pair.cmd("GEORADIUS", "geo", "170", "-20", "3000", "km", "WITHHASH")
    pair.cmd("GEOSEARCH", "geo", "FROMMEMBER", "Paris", "BYBOX", "3000", "3000", "km", "COUNT", "4", "ANY")


def test_many_points(pair: Pair) -> None:
    """A dense grid: searches cross cell edges; STORE's result stays a listpack
    or becomes a skiplist as Redis's does."""
    grid = {f"p{i}_{j}": (-1.0 + i * 0.0137, 50.0 + j * 0.0091) for i in range(12) for j in range(12)}
    _load(pair, "grid", grid)
    pair.cmd("GEOSEARCH", "grid", "FROMLONLAT", "-0.9", "50.05", "BYRADIUS", "3", "km", "WITHDIST", "ASC")
    pair.cmd("GEOSEARCH", "grid", "FROMLONLAT", "-0.9", "50.05", "BYBOX", "5", "3", "km", "WITHDIST", "DESC")
    pair.cmd("GEOSEARCH", "grid", "FROMMEMBER", "p5_5", "BYRADIUS", "2", "km", "COUNT", "7", "WITHDIST")
    pair.cmd("GEOSEARCH", "grid", "FROMMEMBER", "p0_0", "BYBOX", "4", "4", "km", "COUNT", "5", "ANY")
    pair.cmd("GEOSEARCHSTORE", "dst", "grid", "FROMLONLAT", "-0.9", "50.05", "BYRADIUS", "100", "km")
    pair.cmd("GEOSEARCHSTORE", "dst2", "grid", "FROMLONLAT", "-0.9", "50.05", "BYRADIUS", "4", "km", "STOREDIST")
    pair.cmd("ZRANGE", "dst2", "0", "-1", "WITHSCORES")
    _sound(pair, "grid", "dst", "dst2")


def test_reply_shapes_per_protocol(pair: Pair) -> None:
    """Distances are bulk strings in both protocols; coordinates bulk strings
    in RESP2 and doubles in RESP3; hashes integers."""
    _load(pair)
    reply = pair.cmd("GEOSEARCH", "geo", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "WITHDIST", "WITHHASH", "WITHCOORD")
    _member, dist, ghash, (lon, lat) = reply[0]
    assert isinstance(ghash, int)
    assert isinstance(dist, (bytes, str))
    if pair.kwargs.get("protocol") == 3:
        assert isinstance(lon, float) and isinstance(lat, float)
    else:
        assert isinstance(lon, (bytes, str))
    pair.cmd("GEODIST", "geo", "Palermo", "Catania")


def test_in_transaction_and_script(pair: Pair) -> None:
    _load(pair)

    def pipeline(r: redis.Redis) -> list[Any]:
        pipe = r.pipeline()
        pipe.geoadd("geo", [1.0, 2.0, "x"])
        pipe.geopos("geo", "x")
        pipe.geodist("geo", "x", "Rome", "km")
        pipe.geosearch("geo", member="x", radius=100, unit="km", withcoord=True)
        return pipe.execute()

    pair.check(pipeline)
    script = "return redis.call('GEOSEARCH', KEYS[1], 'FROMMEMBER', 'Rome', 'BYRADIUS', 800, 'km', 'WITHCOORD', 'WITHDIST', 'ASC')"
    pair.cmd("EVAL", script, "1", "geo")
    pair.cmd("EVAL", "redis.setresp(3); " + script, "1", "geo")
    pair.cmd("EVAL", "return redis.call('GEOPOS', KEYS[1], 'Rome', 'nope')", "1", "geo")


def test_geo_notifications_and_watch(pair: Pair, redis_server: RedisServerProcess) -> None:
    _load(pair)
    pair.both(lambda r: r.config_set("notify-keyspace-events", "KEA"))
    try:
        for client in (pair.burner, pair.real):
            ps = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
            ps.psubscribe("__keyspace@0__:*")
            ps.get_message(timeout=1)
            client.geoadd("geo", [1.0, 1.0, "n1"])
            client.georadius("geo", 1, 1, 10, "km", store="gdst")
            client.geosearchstore("gdst2", "geo", member="n1", radius=10, unit="km")
            client.geosearchstore("gdst2", "geo", longitude=-60, latitude=-60, radius=1, unit="km")
            got = []
            for _ in range(4):
                msg = ps.get_message(timeout=1)
                assert msg is not None
                got.append(msg["data"])
            assert [g.decode() if isinstance(g, bytes) else g for g in got] == [
                "zadd",
                "georadiusstore",
                "geosearchstore",
                "del",
            ]
            ps.close()
    finally:
        pair.both(lambda r: r.config_set("notify-keyspace-events", ""))

    # GEOADD and GEOSEARCHSTORE touch a watched key; GEOSEARCH does not.
    for client, other in (
        (pair.burner, burner.Redis(server=pair.burner.server)),  # type: ignore[attr-defined]
        (pair.real, redis_server.client(**pair.kwargs)),
    ):
        outcomes: list[Any] = []
        touches: list[Callable[[redis.Redis], Any]] = [
            lambda o: o.geoadd("geo", [2.0, 2.0, "w"]),
            lambda o: o.geosearchstore("geo", "geo", member="Rome", radius=10, unit="km"),
            lambda o: o.geosearch("geo", member="Rome", radius=10, unit="km"),
        ]
        for touch in touches:
            pipe = client.pipeline()
            pipe.watch("geo")  # type: ignore[no-untyped-call,unused-ignore]
            touch(other)
            pipe.multi()  # type: ignore[no-untyped-call,unused-ignore]
            pipe.exists("geo")
            try:
                outcomes.append(pipe.execute())
            except redis.WatchError:
                outcomes.append("aborted")
        other.close()
        assert outcomes == ["aborted", "aborted", [1]]


@pytest.mark.anyio
async def test_async_client(redis_server: RedisServerProcess) -> None:
    """The async facade answers as the real server does, under asyncio and trio."""
    for protocol in (2, 3):
        r = burner.aio.Redis(protocol=protocol, decode_responses=True)
        real = redis_server.client(protocol=protocol, decode_responses=True)
        real.delete("ageo", "adst")
        real.geoadd("ageo", _flat(PLACES))
        assert await r.geoadd("ageo", _flat(PLACES)) == len(PLACES)
        assert await r.geopos("ageo", "Rome", "nope") == real.geopos("ageo", "Rome", "nope")
        assert await r.geohash("ageo", "Rome") == real.geohash("ageo", "Rome")
        assert await r.geodist("ageo", "Rome", "Paris", "km") == real.geodist("ageo", "Rome", "Paris", "km")
        got = await r.geosearch("ageo", member="Rome", radius=2000, unit="km", sort="ASC", withdist=True, withcoord=True)
        assert got == real.geosearch("ageo", member="Rome", radius=2000, unit="km", sort="ASC", withdist=True, withcoord=True)
        radius = await r.georadius("ageo", 15, 37, 500, "km", withhash=True, sort="DESC")
        assert radius == real.georadius("ageo", 15, 37, 500, "km", withhash=True, sort="DESC")
        stored = await r.geosearchstore("adst", "ageo", member="Rome", radius=2000, unit="km", storedist=True)
        assert stored == real.geosearchstore("adst", "ageo", member="Rome", radius=2000, unit="km", storedist=True)
        assert await r.zrange("adst", 0, -1, withscores=True) == real.zrange("adst", 0, -1, withscores=True)
        with pytest.raises(redis.ResponseError, match="could not decode requested zset member"):
            await r.georadiusbymember("ageo", "nope", 1, "km")
        await r.aclose()
        real.close()


# --- random coordinates -------------------------------------------------------------------
LONS = st.one_of(
    st.floats(min_value=-180, max_value=180),
    st.sampled_from([-180.0, 180.0, 0.0, -0.0, 179.99999, -179.99999, 1e-9]),
)
LATS = st.one_of(
    st.floats(min_value=geo.LAT_MIN, max_value=geo.LAT_MAX),
    st.sampled_from([geo.LAT_MIN, geo.LAT_MAX, 0.0, 85.0, -85.0, 66.5, -80.5]),
)
POINTS = st.lists(st.tuples(LONS, LATS), min_size=1, max_size=12)
RADII = st.one_of(
    st.sampled_from([0.0, 1.0, 1e3, 1e5, 1e6, 5e6, 2e7, 4e7]),
    st.floats(min_value=0, max_value=3e7),
)


@pytest.fixture(scope="module")
def random_pair(redis_server: RedisServerProcess) -> Any:
    p = make_pair(redis_server, protocol=3, decode_responses=False)
    yield p
    p.real.close()
    p.burner.close()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(points=POINTS, center=st.tuples(LONS, LATS), radius=RADII, ratio=st.floats(0.1, 5), data=st.data())
def test_random_coordinates(
    random_pair: Pair,
    points: list[tuple[float, float]],
    center: tuple[float, float],
    radius: float,
    ratio: float,
    data: st.DataObject,
) -> None:
    pair = random_pair
    pair.both(lambda r: r.delete("rnd", "rdst"))
    flat: list[Any] = []
    for i, (lon, lat) in enumerate(points):
        flat.extend([lon, lat, f"m{i}"])
    pair.check(lambda r: r.geoadd("rnd", flat))
    pair.cmd("ZRANGE", "rnd", "0", "-1", "WITHSCORES")
    names = [f"m{i}" for i in range(len(points))]
    pair.check(lambda r: r.geopos("rnd", *names))
    pair.check(lambda r: r.geohash("rnd", *names))
    a, b = data.draw(st.sampled_from(names)), data.draw(st.sampled_from(names))
    pair.check(lambda r: r.geodist("rnd", a, b, "km"))
    lon, lat = center
    unit = data.draw(st.sampled_from(["m", "km", "ft", "mi"]))
    scaled = radius / geo.UNITS[unit.encode()]
    where = ["FROMLONLAT", repr(lon), repr(lat)] if data.draw(st.booleans()) else ["FROMMEMBER", a]
    by = (
        ["BYRADIUS", repr(scaled), unit]
        if data.draw(st.booleans())
        else ["BYBOX", repr(scaled * ratio), repr(scaled / ratio), unit]
    )
    pair.cmd("GEOSEARCH", "rnd", *where, *by, "WITHDIST", "WITHHASH", "WITHCOORD", normalize=sorted_reply)
    pair.cmd("GEOSEARCH", "rnd", *where, *by, "COUNT", "2", "ANY")
    pair.cmd("GEOSEARCHSTORE", "rdst", "rnd", *where, *by, "STOREDIST")
    pair.cmd("ZRANGE", "rdst", "0", "-1", "WITHSCORES")


def test_cell_arithmetic_round_trips() -> None:
    """A geohash decodes to a centre that encodes back to the same cell
    (inside the grid: the top edges encode one past it, as in Redis)."""
    assert geo.score_of(180.0, 0.0) >= 2**53
    assert geo.score_of(0.0, geo.LAT_MAX) >= 2**52
    for lon, lat in [*PLACES.values(), EDGES["sw"], EDGES["east"], EDGES["west"]]:
        bits = geo.score_of(lon, lat)
        assert bits < 2**52
        x, y = geo.position(float(bits))
        assert geo.score_of(x, y) == bits
        assert abs(x - lon) < 1e-5 and abs(y - lat) < 1e-5
    assert geo.human_double(-0.0) == b"0"
    assert geo.human_double(13.0) == b"13"
    assert geo.human_double(0.5) == b"0.5"
