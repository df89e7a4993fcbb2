"""Keyspace notifications: CONFIG handling and expiry events, compared with
the real redis-server."""

from __future__ import annotations

import time
from typing import Any

import pytest

import burner
from tests.oracle import Pair, keyspace_events


@pytest.mark.parametrize("flags", ["KEA", "Kgx", "A", "Em", "En", "", "KE$lshzxetdnm", "xE"])
def test_config_flags_round_trip(pair: Pair, flags: str) -> None:
    pair.check(lambda r: r.config_set("notify-keyspace-events", flags))
    pair.check(lambda r: r.config_get("notify-keyspace-events"))
    pair.check(lambda r: r.config_set("notify-keyspace-events", ""))


def test_config_rejects_unknown_flags(pair: Pair) -> None:
    pair.cmd("CONFIG", "SET", "notify-keyspace-events", "Kq")
    pair.check(lambda r: r.config_get("notify-keyspace-events"))


def test_expired_events_lazy_and_active(pair: Pair) -> None:
    events: list[list[Any]] = []
    for client, wait in ((pair.burner, 0.05), (pair.real, 0.3)):
        client.config_set("notify-keyspace-events", "KEx")
        p = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
        p.psubscribe("__key*")
        client.set("short", "v", px=30)
        client.set("long", "v", ex=100)
        time.sleep(0.15)
        client.get("short")  # expires it now if the server has not already
        got = []
        while (m := p.get_message(timeout=wait)) is not None:
            got.append(m)
        events.append(got)
        p.close()
        client.config_set("notify-keyspace-events", "")
    assert events[0] == events[1]
    assert len(events[0]) == 3  # psubscribe + keyspace + keyevent


def test_active_sweep_emits_expired_with_virtual_clock() -> None:
    clock = burner.VirtualClock()
    r = burner.Redis(server=burner.Server(clock=clock))
    r.config_set("notify-keyspace-events", "Ex")
    p = r.pubsub()
    p.subscribe("__keyevent@0__:expired")
    assert p.get_message(timeout=0) is not None
    r.set("a", 1, px=100)
    r.set("b", 1, px=100)
    clock.advance(1)
    r.ping()  # any command lets the facade run the active sweep
    keys = sorted(m["data"] for m in (p.get_message(timeout=0), p.get_message(timeout=0)) if m)
    assert keys == [b"a", b"b"]
    assert r.dbsize() == 0
    p.close()


NEW_EVENT_SCRIPT: list[tuple[str, ...]] = [
    ("SET", "s1", "v"), ("SET", "s1", "w"), ("SETBIT", "b1", "7", "1"), ("APPEND", "s2", "x"),
    ("INCR", "n1"), ("MSET", "m1", "1", "m2", "2"), ("LPUSH", "l1", "a"), ("RPUSH", "l1", "b"),
    ("LMOVE", "l1", "l2", "LEFT", "RIGHT"), ("SADD", "z1", "a"), ("SINTERSTORE", "z2", "z1"),
    ("ZADD", "q1", "1", "a"), ("ZUNIONSTORE", "q2", "1", "q1"), ("HSET", "h1", "f", "v"),
    ("XADD", "x1", "1-1", "f", "v"), ("PFADD", "p1", "a"), ("GEOADD", "g1", "13.36", "38.11", "pa"),
    ("COPY", "s1", "c1"), ("RENAME", "c1", "c2"), ("SET", "e1", "v", "PX", "100000"),
    ("GETEX", "e1", "PERSIST"), ("DEL", "s1"), ("SET", "s1", "again"),
]


@pytest.mark.parametrize("flags", ["KEAn", "En"])
def test_new_key_events_across_families(pair: Pair, flags: str) -> None:
    pair.both(lambda r: r.config_set("notify-keyspace-events", flags))
    try:
        events = pair.check(lambda r: keyspace_events(r, NEW_EVENT_SCRIPT))
        assert any(data in (b"new", "new") or channel in (b"__keyevent@0__:new", "__keyevent@0__:new") for channel, data in events)
    finally:
        pair.both(lambda r: r.config_set("notify-keyspace-events", ""))
