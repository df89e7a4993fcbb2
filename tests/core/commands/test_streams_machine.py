"""A hypothesis state machine over streams and consumer groups, compared with
the real redis-server after every step; the stream invariants are checked
after every step too."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from burner._core.values.stream import Stream
from tests.machine import DifferentialMachine, run_machine
from tests.oracle import RedisServerProcess

STREAMS = st.sampled_from([b"s1", b"s2"])
GROUPS = st.sampled_from([b"g1", b"g2"])
CONSUMERS = st.sampled_from([b"c1", b"c2", b"c3"])
MS = st.integers(min_value=0, max_value=40)
IDS = st.one_of(
    st.tuples(MS, st.integers(0, 3)).map(lambda t: b"%d-%d" % t),
    MS.map(lambda m: b"%d" % m),
    st.sampled_from([b"0", b"0-0", b"bad", b"18446744073709551615-18446744073709551615"]),
)
RANGE_IDS = st.one_of(IDS, st.sampled_from([b"-", b"+", b"(5-1", b"(0-0", b"(-"]))
FIELDS = st.lists(st.sampled_from([b"f", b"g", b"v1", b""]), min_size=0, max_size=4)


def _no_times(value: Any) -> Any:
    """XPENDING/XINFO carry idle times in ms: zero them for comparison."""
    if isinstance(value, list):
        if len(value) == 4 and isinstance(value[2], int) and isinstance(value[0], bytes) and b"-" in value[0]:
            return [value[0], value[1], 0, value[3]]
        return [_no_times(v) for v in value]
    return value


class StreamMachine(DifferentialMachine):
    @rule(key=STREAMS, sid=IDS, fields=FIELDS, trim=st.sampled_from([[], [b"MAXLEN", b"3"], [b"MAXLEN", b"~", b"2"], [b"MINID", b"10"], [b"NOMKSTREAM"]]))
    def xadd(self, key: bytes, sid: bytes, fields: list[bytes], trim: list[bytes]) -> None:
        self.check(b"XADD", key, *trim, sid, *fields)

    @rule(key=STREAMS, start=RANGE_IDS, end=RANGE_IDS, count=st.sampled_from([[], [b"COUNT", b"2"], [b"COUNT", b"0"]]))
    def xrange(self, key: bytes, start: bytes, end: bytes, count: list[bytes]) -> None:
        self.check(b"XRANGE", key, start, end, *count)
        self.check(b"XREVRANGE", key, end, start, *count)

    @rule(key=STREAMS, ids=st.lists(IDS, min_size=1, max_size=3))
    def xdel(self, key: bytes, ids: list[bytes]) -> None:
        self.check(b"XDEL", key, *ids)

    @rule(key=STREAMS, how=st.sampled_from([[b"MAXLEN", b"2"], [b"MAXLEN", b"=", b"0"], [b"MINID", b"20"], [b"MINID", b"~", b"5"], [b"MAXLEN", b"x"]]))
    def xtrim(self, key: bytes, how: list[bytes]) -> None:
        self.check(b"XTRIM", key, *how)

    @rule(key=STREAMS)
    def xlen(self, key: bytes) -> None:
        self.check(b"XLEN", key)

    @rule(key=STREAMS, group=GROUPS, sid=st.one_of(IDS, st.just(b"$")), mk=st.booleans())
    def xgroup_create(self, key: bytes, group: bytes, sid: bytes, mk: bool) -> None:
        self.check(b"XGROUP", b"CREATE", key, group, sid, *([b"MKSTREAM"] if mk else []))

    @rule(key=STREAMS, group=GROUPS, sid=st.one_of(IDS, st.just(b"$")))
    def xgroup_setid(self, key: bytes, group: bytes, sid: bytes) -> None:
        self.check(b"XGROUP", b"SETID", key, group, sid)

    @rule(key=STREAMS, group=GROUPS, consumer=CONSUMERS)
    def xgroup_delconsumer(self, key: bytes, group: bytes, consumer: bytes) -> None:
        self.check(b"XGROUP", b"DELCONSUMER", key, group, consumer)

    @rule(key=STREAMS, group=GROUPS)
    def xgroup_destroy(self, key: bytes, group: bytes) -> None:
        self.check(b"XGROUP", b"DESTROY", key, group)

    @rule(key=STREAMS, group=GROUPS, consumer=CONSUMERS, sid=st.one_of(st.just(b">"), IDS), count=st.sampled_from([[], [b"COUNT", b"1"], [b"COUNT", b"2"]]), noack=st.booleans())
    def xreadgroup(self, key: bytes, group: bytes, consumer: bytes, sid: bytes, count: list[bytes], noack: bool) -> None:
        self.check(b"XREADGROUP", b"GROUP", group, consumer, *count, *([b"NOACK"] if noack else []), b"STREAMS", key, sid)

    @rule(key=STREAMS, sid=IDS)
    def xread(self, key: bytes, sid: bytes) -> None:
        self.check(b"XREAD", b"COUNT", b"3", b"STREAMS", key, sid)

    @rule(key=STREAMS, group=GROUPS, ids=st.lists(IDS, min_size=1, max_size=3))
    def xack(self, key: bytes, group: bytes, ids: list[bytes]) -> None:
        self.check(b"XACK", key, group, *ids)

    @rule(key=STREAMS, group=GROUPS, consumer=st.one_of(st.none(), CONSUMERS))
    def xpending(self, key: bytes, group: bytes, consumer: bytes | None) -> None:
        self.check(b"XPENDING", key, group)
        extra = [] if consumer is None else [consumer]
        self.check(b"XPENDING", key, group, b"-", b"+", b"10", *extra, normalize=_no_times, parse_detail=True)

    @rule(key=STREAMS, group=GROUPS, consumer=CONSUMERS, ids=st.lists(IDS, min_size=1, max_size=3), force=st.booleans())
    def xclaim(self, key: bytes, group: bytes, consumer: bytes, ids: list[bytes], force: bool) -> None:
        self.check(b"XCLAIM", key, group, consumer, b"0", *ids, *([b"FORCE"] if force else []))

    @rule(key=STREAMS, group=GROUPS, consumer=CONSUMERS, start=IDS, count=st.integers(1, 3))
    def xautoclaim(self, key: bytes, group: bytes, consumer: bytes, start: bytes, count: int) -> None:
        self.check(b"XAUTOCLAIM", key, group, consumer, b"0", start, b"COUNT", b"%d" % count)

    @rule(key=STREAMS)
    def xinfo(self, key: bytes) -> None:
        self.check(b"XINFO", b"GROUPS", key)

    @rule(key=STREAMS, other=st.sampled_from([b"x", b"s1", b"s2"]))
    def other_types(self, key: bytes, other: bytes) -> None:
        self.check(b"SET", b"x", b"1")
        self.check(b"TYPE", key)

    @invariant()
    def streams_are_sound(self) -> None:
        for value in self.burner.server.dbs[0].data.values():
            if isinstance(value, Stream):
                value._check()


@pytest.mark.parametrize(
    "config",
    [{"protocol": 2, "decode_responses": False}, {"protocol": 3, "decode_responses": True}],
    ids=["resp2-bytes", "resp3-str"],
)
def test_stream_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(StreamMachine, redis_server, config, max_examples=50, steps=30)
