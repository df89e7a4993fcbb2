"""Random sequences of geo commands, on burner and on the real redis-server.

Members land on real places, on the grid's edges, on random coordinates and
in a small cluster (so that searches find several); some scores are written
with ZADD and are not geohashes at all. Invalid coordinates, radii, units and
option lists are drawn too. Replies must match, with three normalizations
where Redis leaves the order open:
- no ASC/DESC and no COUNT: the reply is compared sorted;
- COUNT without ANY: Redis's partial sort orders equal distances arbitrarily
  and may cut a run of them anywhere, so these searches ask for WITHDIST and
  members are compared sorted within each run of equal distances (the last
  run by its distance and length only);
- STORE with COUNT is drawn only with ANY (the stored set is then exact).
After every step each sorted set burner holds passes ``_check()`` and has
the encoding the real server reports.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from burner._core.commands import geo
from burner._core.values.zset import ZSet
from tests.machine import DifferentialMachine, run_machine
from tests.oracle import RedisServerProcess

GEO_KEYS = st.sampled_from([b"g1", b"g1", b"g1", b"g2"])
ANY_KEYS = st.one_of(
    GEO_KEYS, GEO_KEYS, GEO_KEYS, GEO_KEYS, st.sampled_from([b"nokey", b"str", b"d1"])
)
DEST_KEYS = st.sampled_from([b"d1", b"d1", b"g2", b"str"])
MEMBER_NAMES = [b"a", b"b", b"c", b"d", b"e", b"f", b"", b"\xc3\xa9"]
MEMBERS = st.sampled_from(MEMBER_NAMES)


def _text(x: float) -> bytes:
    return repr(x).encode()


PLACES = [
    (13.361389, 38.115556),
    (15.087269, 37.502669),
    (12.496366, 41.902782),
    (-0.127758, 51.507351),
    (178.441895, -18.1416),
    (-179.966667, -16.85),
    (0.0, 0.0),
    (166.668235, -77.846323),
    (180.0, 0.0),
    (-180.0, 85.05112878),
    (179.9999, -85.05112878),
    (0.0, 85.05112878),
]
# A cluster around Sicily: searches of a few hundred km find several.
CLUSTER = st.tuples(st.floats(min_value=12, max_value=16), st.floats(min_value=36, max_value=40))
GOOD_POINTS = st.one_of(
    CLUSTER,
    CLUSTER,
    st.sampled_from(PLACES),
    st.tuples(
        st.floats(min_value=-180, max_value=180),
        st.floats(min_value=geo.LAT_MIN, max_value=geo.LAT_MAX),
    ),
).map(lambda p: (_text(p[0]), _text(p[1])))
BAD_POINTS = st.sampled_from(
    [(b"181", b"0"), (b"0", b"86"), (b"x", b"0"), (b"nan", b"1"), (b"1", b"-inf"), (b"", b"0")]
)
POINTS = st.one_of(*[GOOD_POINTS] * 9, BAD_POINTS)
UNIT_NAMES = st.sampled_from([b"km", b"m", b"km", b"km", b"ft", b"mi", b"KM", b"Mi"])
UNITS = st.one_of(*[UNIT_NAMES] * 7, st.sampled_from([b"yd", b""]))
GOOD_RADII = st.one_of(
    st.sampled_from([b"500", b"0", b"50", b"200", b"1000", b"3000", b"20000", b"5e6", b"inf"]),
    st.floats(min_value=100, max_value=2000).map(_text),
    st.floats(min_value=0, max_value=2000).map(_text),
)
RADII = st.one_of(*[GOOD_RADII] * 7, st.sampled_from([b"-1", b"x", b"nan", b""]))
ODD_SCORES = st.sampled_from(
    [b"-5", b"1.5", b"1e30", b"inf", b"-inf", b"4503599627370496", b"9007199254740992", b"1e19"]
)
COUNTS = st.one_of(
    st.integers(min_value=1, max_value=6).map(lambda i: str(i).encode()),
    st.sampled_from([b"0", b"-1", b"x"]),
)


def _sort_all(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value, key=repr)
    return value


def _tie_runs(value: Any) -> Any:
    """Rows [member, dist, ...] grouped into runs of equal distance: each run
    sorted, the last one reduced to its distance and length."""
    if not isinstance(value, list) or not value:
        return value
    runs: list[list[Any]] = []
    for row in value:
        if runs and runs[-1][0][1] == row[1]:
            runs[-1].append(row)
        else:
            runs.append([row])
    shaped: list[Any] = [sorted(run, key=repr) for run in runs[:-1]]
    shaped.append(("last run", runs[-1][0][1], len(runs[-1])))
    return shaped


class GeoMachine(DifferentialMachine):
    @initialize(points=st.lists(GOOD_POINTS, min_size=len(MEMBER_NAMES), max_size=len(MEMBER_NAMES)))
    def setup(self, points: list[tuple[bytes, bytes]]) -> None:
        """g1 starts with every member spread over the cluster; g2 with
        every member at a drawn place."""
        self.check("SET", b"str", b"text")
        spread: list[bytes] = []
        drawn: list[bytes] = []
        for i, ((lon, lat), member) in enumerate(zip(points, MEMBER_NAMES)):
            spread.extend([_text(12.2 + 0.45 * i), _text(36.3 + 0.5 * (i % 4)), member])
            drawn.extend([lon, lat, member])
        self.check("GEOADD", b"g1", *spread)
        self.check("GEOADD", b"g2", *drawn)

    # --- writes ------------------------------------------------------------------------
    @rule(
        key=GEO_KEYS,
        flags=st.lists(st.sampled_from([b"NX", b"XX", b"CH", b"ch", b"CH", b"GT"]), max_size=2),
        items=st.lists(st.tuples(POINTS, MEMBERS), min_size=1, max_size=6),
    )
    def geoadd(
        self, key: bytes, flags: list[bytes], items: list[tuple[tuple[bytes, bytes], bytes]]
    ) -> None:
        args: list[bytes] = []
        for (lon, lat), member in items:
            args.extend([lon, lat, member])
        self.check("GEOADD", key, *flags, *args)

    @rule(key=ANY_KEYS, point=GOOD_POINTS, member=MEMBERS, cut=st.integers(0, 3))
    def geoadd_short(self, key: bytes, point: tuple[bytes, bytes], member: bytes, cut: int) -> None:
        self.check("GEOADD", key, *[point[0], point[1], member][: 3 - cut])

    @rule(key=GEO_KEYS, score=ODD_SCORES, member=MEMBERS)
    def zadd_odd_score(self, key: bytes, score: bytes, member: bytes) -> None:
        self.check("ZADD", key, score, member)

    @rule(key=GEO_KEYS, member=MEMBERS)
    def zrem(self, key: bytes, member: bytes) -> None:
        self.check("ZREM", key, member)

    # --- reads ---------------------------------------------------------------------------
    @rule(
        name=st.sampled_from(["GEOPOS", "GEOHASH"]),
        key=ANY_KEYS,
        members=st.lists(MEMBERS, max_size=4),
    )
    def per_member(self, name: str, key: bytes, members: list[bytes]) -> None:
        self.check(name, key, *members)

    @rule(
        key=ANY_KEYS,
        a=MEMBERS,
        b=MEMBERS,
        rest=st.sampled_from([[], [b"m"], [b"km"], [b"FT"], [b"mi"], [b"yd"], [b"km", b"x"]]),
    )
    def geodist(self, key: bytes, a: bytes, b: bytes, rest: list[bytes]) -> None:
        self.check("GEODIST", key, a, b, *rest)

    @rule(key=ANY_KEYS, start=st.sampled_from([b"0", b"-2"]))
    def zrange(self, key: bytes, start: bytes) -> None:
        self.check("ZRANGE", key, start, b"-1", b"WITHSCORES")

    # --- searches -----------------------------------------------------------------------------
    SEARCHES = st.sampled_from(
        ["GEORADIUS", "GEORADIUS_RO", "GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO", "GEOSEARCH"]
    )
    WITHS = st.lists(st.sampled_from([b"WITHDIST", b"WITHHASH", b"WITHCOORD"]), max_size=3)
    SORTS = st.sampled_from([None, b"ASC", b"DESC", b"asc"])

    @rule(
        name=SEARCHES,
        key=st.one_of(GEO_KEYS, GEO_KEYS, GEO_KEYS, st.just(b"nokey")),
        point=GOOD_POINTS,
        member=MEMBERS,
        from_member=st.booleans(),
        box=st.booleans(),
        radius=GOOD_RADII,
        height=GOOD_RADII,
        unit=UNIT_NAMES,
        withs=WITHS,
        sort=SORTS,
        count=st.none() | st.integers(min_value=1, max_value=6).map(lambda i: str(i).encode()),
        any_=st.booleans(),
    )
    def search(
        self,
        name: str,
        key: bytes,
        point: tuple[bytes, bytes],
        member: bytes,
        from_member: bool,
        box: bool,
        radius: bytes,
        height: bytes,
        unit: bytes,
        withs: list[bytes],
        sort: bytes | None,
        count: bytes | None,
        any_: bool,
    ) -> None:
        self._search(
            name, key, point, member, from_member, box, radius, height, unit, withs, sort, count, any_
        )

    @rule(
        name=SEARCHES,
        key=ANY_KEYS,
        point=POINTS,
        member=MEMBERS,
        from_member=st.booleans(),
        box=st.booleans(),
        radius=RADII,
        height=RADII,
        unit=UNITS,
        withs=WITHS,
        sort=SORTS,
        count=st.none() | COUNTS,
        any_=st.booleans(),
    )
    def search_any_input(
        self,
        name: str,
        key: bytes,
        point: tuple[bytes, bytes],
        member: bytes,
        from_member: bool,
        box: bool,
        radius: bytes,
        height: bytes,
        unit: bytes,
        withs: list[bytes],
        sort: bytes | None,
        count: bytes | None,
        any_: bool,
    ) -> None:
        self._search(
            name, key, point, member, from_member, box, radius, height, unit, withs, sort, count, any_
        )

    def _search(
        self,
        name: str,
        key: bytes,
        point: tuple[bytes, bytes],
        member: bytes,
        from_member: bool,
        box: bool,
        radius: bytes,
        height: bytes,
        unit: bytes,
        withs: list[bytes],
        sort: bytes | None,
        count: bytes | None,
        any_: bool,
    ) -> None:
        options: list[bytes] = list(withs)
        if sort is not None:
            options.append(sort)
        if count is not None:
            options += [b"COUNT", count]
            if any_:
                options.append(b"ANY")
        elif any_:
            options.append(b"ANY")
        normalize = None
        if count is not None and not any_:
            if b"WITHDIST" not in withs:
                options.append(b"WITHDIST")
            normalize = _tie_runs
        elif sort is None:
            normalize = _sort_all
        if name == "GEOSEARCH":
            where = [b"FROMMEMBER", member] if from_member else [b"FROMLONLAT", *point]
            shape = [b"BYBOX", radius, height, unit] if box else [b"BYRADIUS", radius, unit]
            self.check(name, key, *where, *shape, *options, normalize=normalize)
        elif name.startswith("GEORADIUSBYMEMBER"):
            self.check(name, key, member, radius, unit, *options, normalize=normalize)
        else:
            self.check(name, key, *point, radius, unit, *options, normalize=normalize)

    @rule(
        name=st.sampled_from(["GEORADIUS", "GEORADIUSBYMEMBER", "GEOSEARCHSTORE"]),
        dst=DEST_KEYS,
        key=ANY_KEYS,
        point=GOOD_POINTS,
        member=MEMBERS,
        from_member=st.booleans(),
        box=st.booleans(),
        radius=RADII,
        unit=UNITS,
        storedist=st.booleans(),
        sort=st.sampled_from([None, b"ASC", b"DESC"]),
        count=st.none() | COUNTS,
        extra=st.sampled_from([[], [], [], [b"WITHDIST"], [b"ANY"], [b"NOPE"]]),
    )
    def store(
        self,
        name: str,
        dst: bytes,
        key: bytes,
        point: tuple[bytes, bytes],
        member: bytes,
        from_member: bool,
        box: bool,
        radius: bytes,
        unit: bytes,
        storedist: bool,
        sort: bytes | None,
        count: bytes | None,
        extra: list[bytes],
    ) -> None:
        options: list[bytes] = list(extra)
        if sort is not None:
            options.append(sort)
        if count is not None:
            options += [b"COUNT", count, b"ANY"]
        if name == "GEOSEARCHSTORE":
            where = [b"FROMMEMBER", member] if from_member else [b"FROMLONLAT", *point]
            shape = [b"BYBOX", radius, radius, unit] if box else [b"BYRADIUS", radius, unit]
            self.check(name, dst, key, *where, *shape, *([b"STOREDIST"] if storedist else []), *options)
        else:
            store = [b"STOREDIST" if storedist else b"STORE", dst]
            if name == "GEORADIUS":
                self.check(name, key, *point, radius, unit, *store, *options)
            else:
                self.check(name, key, member, radius, unit, *store, *options)
        self.check("ZRANGE", dst, b"0", b"-1", b"WITHSCORES")

    @rule(
        name=st.sampled_from(["GEOSEARCH", "GEOSEARCHSTORE", "GEORADIUS", "GEORADIUSBYMEMBER"]),
        key=ANY_KEYS,
        tokens=st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        b"FROMMEMBER", b"FROMLONLAT", b"BYRADIUS", b"BYBOX", b"WITHDIST",
                        b"ASC", b"COUNT", b"ANY", b"STORE", b"STOREDIST", b"a", b"d1",
                    ]
                ),
                UNITS,
                RADII,
            ),
            max_size=8,
        ),
    )
    def search_noise(self, name: str, key: bytes, tokens: list[bytes]) -> None:
        prefix = [b"d1", key] if name == "GEOSEARCHSTORE" else [key]
        self.check(name, *prefix, *tokens, normalize=_sort_all)

    @invariant()
    def zsets_are_sound(self) -> None:
        data = self.burner.server.dbs[0].data
        for key, value in data.items():
            if type(value) is ZSet:
                value._check()
                want = self.real.object("encoding", key)
                if isinstance(want, str):
                    want = want.encode()
                assert value.encoding() == want, key


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
        pytest.param({"protocol": 3, "decode_responses": True}, id="resp3-str"),
    ],
)
def test_geo_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(GeoMachine, redis_server, config, max_examples=60, steps=30)
