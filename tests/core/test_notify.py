"""Keyspace notifications: CONFIG handling and expiry events, compared with
the real redis-server."""

from __future__ import annotations

import time
from typing import Any

import pytest

import burner
from tests.oracle import Pair


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
