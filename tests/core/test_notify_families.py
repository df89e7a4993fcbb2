"""Keyspace notifications from the hash and stream families, compared with the
real redis-server.

Both servers get the same notify-keyspace-events flags and a pattern
subscriber on ``__key*__:*``; every step runs on both (replies compared as
usual), then each subscriber is drained up to a marker message published on a
channel the pattern also matches, and the ordered lists of (channel, message)
must be equal. Draining after each step pins every event to the command that
sent it, so a no-op that wrongly publishes, or an event out of order, fails
at the step that did it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import pytest
import redis
from hypothesis import strategies as st
from hypothesis.stateful import initialize, rule

import burner
from tests.machine import DifferentialMachine, run_machine
from tests.oracle import Pair, RedisServerProcess

PATTERN = "__key*__:*"
MARKER = "__keyzz__:end"  # matched by PATTERN; never a real keyspace channel



class Setup:
    """A step from another family (its events are that family's business):
    run on both servers, replies and events not compared."""

    def __init__(self, *argv: Any) -> None:
        self.argv = argv

    def __repr__(self) -> str:
        return f"Setup{self.argv!r}"


Step = Sequence[Any] | Callable[[redis.Redis], Any] | Setup
Event = tuple[Any, Any]

FLAG_SETS = ["KEA", "KEAn", "Kh", "Et", "Eg", "En", "Kt$", "KEhn", "E$lszx", ""]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class Recorder:
    """A pattern subscriber on one client, collecting keyspace messages."""

    def __init__(self, client: redis.Redis, flags: str) -> None:
        self.client = client
        client.config_set("notify-keyspace-events", flags)
        self.pubsub = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
        self.pubsub.psubscribe(PATTERN)
        first = self.pubsub.get_message(timeout=5)
        assert first is not None and first["type"] == "psubscribe"

    def drain(self) -> list[Event]:
        """Everything published since the last drain, in order."""
        self.client.publish(MARKER, "x")
        out: list[Event] = []
        while True:
            message = self.pubsub.get_message(timeout=5)
            assert message is not None, "the end marker never arrived"
            if message["type"] != "pmessage":
                continue
            if _text(message["channel"]) == MARKER:
                return out
            out.append((message["channel"], message["data"]))

    def close(self) -> None:
        self.pubsub.close()
        self.client.config_set("notify-keyspace-events", "")


def _run(pair: Pair, step: Step) -> None:
    if isinstance(step, Setup):
        argv = step.argv
        pair.both(lambda r: r.execute_command(*argv))  # type: ignore[no-untyped-call,unused-ignore]
    elif callable(step):
        pair.check(step)
    else:
        pair.cmd(*step)


def compare_events(pair: Pair, flags: str, steps: Sequence[Step]) -> list[Event]:
    """Run ``steps`` on both servers; the events of each step must be equal.
    Returns all of burner's events."""
    mine = Recorder(pair.burner, flags)
    theirs = Recorder(pair.real, flags)
    seen: list[Event] = []
    try:
        for step in steps:
            _run(pair, step)
            got, want = mine.drain(), theirs.drain()
            if isinstance(step, Setup):
                continue
            assert got == want, f"after {step!r}: burner {got} != redis {want}"
            seen.extend(got)
    finally:
        mine.close()
        theirs.close()
    return seen


def _events_named(events: list[Event]) -> list[tuple[str, str]]:
    """Keyevent messages as (event, key) text pairs."""
    out: list[tuple[str, str]] = []
    for channel, data in events:
        name = _text(channel)
        if name.startswith("__keyevent@"):
            out.append((name.split(":", 1)[1], _text(data)))
    return out


# --- hashes ---------------------------------------------------------------------------

HASH_STEPS: list[Step] = [
    ("HSET", "h", "f1", "v1", "f2", "v2"),  # new, hset
    ("HSET", "h", "f1", "v1"),  # same value: still hset
    ("HMSET", "h", "f3", "v3"),  # hset
    lambda r: r.hset("h", "f4", "v4", mapping={"f5": "v5"}, items=["f6", "v6"]),
    lambda r: r.hset("hm", mapping={"a": "1"}),  # new, hset
    ("HSETNX", "h", "f1", "x"),  # nothing
    lambda r: r.hsetnx("h", "f7", "x"),  # hset (Redis 7.0 names HSETNX's event so)
    ("HSETNX", "h2", "f", "x"),  # new, hset
    ("HDEL", "h", "nope"),  # nothing
    ("HDEL", "nokey", "f"),  # nothing
    ("HDEL", "h", "f1", "nope", "f2"),  # hdel once
    lambda r: r.hdel("h", "f4", "f4"),
    ("HINCRBY", "h", "n", "5"),
    lambda r: r.hincrby("h", "n", -7),
    ("HINCRBY", "h", "n", "x"),  # error: nothing
    ("HINCRBY", "h", "f3", "1"),  # not an integer: nothing
    ("HINCRBY", "h", "n", "9223372036854775807"),  # overflow: nothing
    ("HINCRBY", "h3", "n", "1"),  # new, hincrby
    ("HINCRBY", "h3b", "n", "nope"),  # error before creating: nothing
    ("HINCRBYFLOAT", "h", "fl", "1.5"),
    lambda r: r.hincrbyfloat("h", "fl", 2.25),
    ("HINCRBYFLOAT", "h", "fl", "inf"),
    ("HINCRBYFLOAT", "h", "fl", "x"),
    ("HINCRBYFLOAT", "h", "f3", "1"),  # not a float: nothing
    ("HINCRBYFLOAT", "h", "big", "1e308"),
    ("HINCRBYFLOAT", "h", "big", "1e308"),  # overflows to inf: nothing
    ("HINCRBYFLOAT", "h4", "x", "-2"),  # new, hincrbyfloat
    ("HSET", "h",),
    ("HSET", "h", "odd"),
    ("HSET", "h", "a", "1", "b"),
    ("HSETNX", "h", "a"),
    ("HDEL", "h"),
    ("HINCRBY", "h", "a"),
    ("HGET", "h", "f3"),  # reads: nothing
    ("HGETALL", "hm"),
    ("HLEN", "h"),
    lambda r: len(r.execute_command("HRANDFIELD", "h", "-3")),  # type: ignore[no-untyped-call,unused-ignore]
    ("HSCAN", "h", "0"),
    ("HSTRLEN", "h", "f3"),
    Setup("SET", "str", "x"),
    ("HSET", "str", "f", "v"),  # WRONGTYPE: nothing
    ("HSETNX", "str", "f", "v"),
    ("HDEL", "str", "f"),
    ("HINCRBY", "str", "f", "1"),
    ("HINCRBYFLOAT", "str", "f", "1"),
    ("HDEL", "h2", "f"),  # hdel, del
    ("HDEL", "hm", "a", "zz"),  # hdel, del
    ("HDEL", "h", "f3", "f5", "f6", "f7", "n", "fl", "big", "extra"),  # hdel, del
    ("HSET", "h", "again", "1"),  # new again
    ("DEL", "h", "h3", "h4"),
]


@pytest.mark.parametrize("flags", FLAG_SETS)
def test_hash_events(pair: Pair, flags: str) -> None:
    events = compare_events(pair, flags, HASH_STEPS)
    if "A" in flags or "h" in flags:
        assert events  # the flags select hash events: some must have come


def test_hash_event_sequence_is_redis_7_0s(pair: Pair) -> None:
    """The whole sequence, spelled out (and still compared with the server)."""
    events = compare_events(
        pair,
        "EAn",
        [
            ("HSET", "h", "a", "1"),
            ("HSETNX", "h", "a", "2"),
            ("HSETNX", "h", "b", "2"),
            ("HINCRBY", "h", "c", "1"),
            ("HINCRBYFLOAT", "h", "c", "0.5"),
            ("HDEL", "h", "zz"),
            ("HDEL", "h", "a", "b", "c"),
        ],
    )
    assert _events_named(events) == [
        ("new", "h"),
        ("hset", "h"),
        ("hset", "h"),  # HSETNX's event is "hset"
        ("hincrby", "h"),
        ("hincrbyfloat", "h"),
        ("hdel", "h"),
        ("del", "h"),
    ]


def test_keyspace_channel_carries_the_event(pair: Pair) -> None:
    events = compare_events(pair, "Kh", [("HSET", "k:with:colons", "f", "v"), ("SELECT", "3"), ("HSET", "k", "f", "v")])
    assert [(_text(c), _text(d)) for c, d in events] == [
        ("__keyspace@0__:k:with:colons", "hset"),
        ("__keyspace@3__:k", "hset"),
    ]


def test_hash_expired_then_recreated(pair: Pair) -> None:
    """A hash that expired is gone: the next HSET creates it again (``new``).
    The ``expired`` event may come from either kind of expiry, so the whole
    sequence is compared rather than each step's share."""
    sequences: list[list[tuple[str, str]]] = []
    for client in (pair.burner, pair.real):
        recorder = Recorder(client, "KEAn")
        try:
            client.hset("hx", "f", "v")
            client.pexpire("hx", 20)
            time.sleep(0.12)
            client.hset("hx", "f", "v")
            client.hdel("hx", "f")
            sequences.append(_events_named(recorder.drain()))
        finally:
            recorder.close()
    assert sequences[0] == sequences[1]
    assert sequences[0] == [
        ("new", "hx"),
        ("hset", "hx"),
        ("expire", "hx"),
        ("expired", "hx"),
        ("new", "hx"),
        ("hset", "hx"),
        ("hdel", "hx"),
        ("del", "hx"),
    ]


def test_disabled_publishes_nothing() -> None:
    r = burner.Redis()
    p = r.pubsub()
    p.psubscribe(PATTERN)
    assert p.get_message(timeout=0) is not None
    r.hset("h", "f", "v")
    r.hdel("h", "f")
    r.xadd("s", {"f": "v"}, maxlen=0)
    r.xgroup_create("s2", "g", mkstream=True)
    assert p.get_message(timeout=0) is None
    p.close()


# --- streams --------------------------------------------------------------------------

STREAM_STEPS: list[Step] = [
    ("XADD", "s", "1-1", "a", "1"),  # new, xadd
    ("XADD", "s", "1-1", "a", "1"),  # ID too small: nothing
    ("XADD", "s", "2-1", "a"),  # arity: nothing
    ("XADD", "s", "MAXLEN", "x", "3-1", "a", "1"),  # bad option: nothing
    ("XADD", "s", "MAXLEN", "1", "2-1", "a", "1"),  # xadd, xtrim
    ("XADD", "s", "MAXLEN", "5", "3-1", "a", "1"),  # xadd only
    lambda r: r.xadd("s", {"a": 1}, id="4-1", maxlen=2, approximate=False),  # xadd, xtrim
    lambda r: r.xadd("s", {"a": 1}, id="5-1", minid="5", approximate=False),  # xadd, xtrim
    ("XADD", "s", "MAXLEN", "~", "1", "6-1", "a", "1"),  # nothing to trim approximately
    ("XADD", "s", "MINID", "~", "0", "LIMIT", "10", "7-1", "a", "1"),
    ("XADD", "s", "NOMKSTREAM", "8-1", "a", "1"),  # xadd
    ("XADD", "gone", "NOMKSTREAM", "*", "a", "1"),  # nothing
    lambda r: r.xadd("gone", {"a": 1}, nomkstream=True),
    ("XADD", "z", "0-0", "a", "1"),  # nothing
    ("XADD", "z", "MAXLEN", "0", "1-1", "a", "1"),  # new, xadd, xtrim
    ("XADD", "s", "9-*", "a", "1"),
    ("XADD", "s", "10", "a", "1"),
    ("XDEL", "s", "99-9"),  # nothing
    ("XDEL", "nokey", "1-1"),  # nothing
    ("XDEL", "s", "bad"),  # error: nothing
    ("XDEL", "s", "7-1", "99-9", "8-1"),  # xdel once
    lambda r: r.xdel("s", "6-1"),
    ("XTRIM", "s", "MAXLEN", "100"),  # nothing
    ("XTRIM", "nokey", "MAXLEN", "0"),  # nothing
    ("XTRIM", "s", "MAXLEN", "x"),
    ("XTRIM", "s", "LIMIT", "2", "MAXLEN", "0"),  # LIMIT without ~: error
    ("XTRIM", "s", "MINID", "9-1"),  # xtrim
    lambda r: r.xtrim("s", maxlen=0, approximate=False),  # xtrim
    ("XTRIM", "s", "MAXLEN", "0"),  # already empty: nothing
    ("XSETID", "s", "50-0"),  # xsetid
    ("XSETID", "s", "50-0"),  # unchanged, still xsetid
    ("XSETID", "s", "60-0", "ENTRIESADDED", "100", "MAXDELETEDID", "55-0"),
    ("XSETID", "s", "60-0", "ENTRIESADDED", "-1"),  # error: nothing
    ("XSETID", "nokey", "1-1"),  # error: nothing
    ("XADD", "s", "70-1", "a", "1"),
    ("XSETID", "s", "1-1"),  # smaller than the top: nothing
    ("XLEN", "s"),  # reads: nothing
    ("XRANGE", "s", "-", "+"),
    ("XREVRANGE", "s", "+", "-", "COUNT", "1"),
    ("XREAD", "STREAMS", "s", "0"),
    Setup("SET", "str", "x"),
    ("XADD", "str", "*", "a", "1"),  # WRONGTYPE: nothing
    ("XDEL", "str", "1-1"),
    ("XTRIM", "str", "MAXLEN", "0"),
    ("XSETID", "str", "1-1"),
    ("DEL", "s"),  # del (generic)
]


@pytest.mark.parametrize("flags", FLAG_SETS)
def test_stream_events(pair: Pair, flags: str) -> None:
    events = compare_events(pair, flags, STREAM_STEPS)
    if "A" in flags or "t" in flags:
        assert events


def _consumer_names(value: Any) -> Any:
    """XINFO CONSUMERS without the times (and without 7.2's ``inactive``)."""
    if not isinstance(value, list):
        return value
    names: list[str] = []
    for consumer in value:
        if isinstance(consumer, list):  # a flat RESP2 array of name/value
            consumer = dict(zip(consumer[::2], consumer[1::2]))
        names.append(_text(consumer.get("name", consumer.get(b"name"))))
    return sorted(names)


GROUP_STEPS: list[Step] = [
    ("XGROUP", "CREATE", "s", "g", "$"),  # no key: nothing
    ("XGROUP", "CREATE", "s", "g", "bad", "MKSTREAM"),  # bad ID: nothing, no key
    ("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM", "ENTRIESREAD", "-5"),  # nothing
    ("EXISTS", "s"),
    ("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),  # new, xgroup-create
    ("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),  # BUSYGROUP: nothing
    ("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "0"),  # xgroup-create
    lambda r: r.xgroup_create("s3", "g", "$", mkstream=True),  # new, xgroup-create
    lambda r: r.xgroup_create("s3", "g2", "0"),
    ("XGROUP", "SETID", "s", "g", "0"),  # xgroup-setid
    ("XGROUP", "SETID", "s", "g", "$", "ENTRIESREAD", "0"),
    ("XGROUP", "SETID", "s", "nog", "0"),  # nothing
    ("XGROUP", "SETID", "nokey", "g", "0"),
    ("XGROUP", "SETID", "s", "g", "bad"),
    lambda r: r.xgroup_setid("s", "g", "0"),
    ("XGROUP", "CREATECONSUMER", "s", "g", "c1"),  # xgroup-createconsumer
    ("XGROUP", "CREATECONSUMER", "s", "g", "c1"),  # exists: nothing
    ("XGROUP", "CREATECONSUMER", "s", "nog", "c1"),
    ("XGROUP", "CREATECONSUMER", "nokey", "g", "c1"),
    lambda r: r.xgroup_createconsumer("s", "g", "c2"),
    ("XGROUP", "DELCONSUMER", "s", "g", "c1"),  # xgroup-delconsumer (even with none pending)
    ("XGROUP", "DELCONSUMER", "s", "g", "c1"),  # gone: nothing
    ("XGROUP", "DELCONSUMER", "s", "nog", "c1"),
    lambda r: r.xgroup_delconsumer("s", "g", "c2"),
    ("XGROUP", "DESTROY", "s", "g2"),  # xgroup-destroy
    ("XGROUP", "DESTROY", "s", "g2"),  # nothing
    ("XGROUP", "DESTROY", "nokey", "g2"),
    lambda r: r.xgroup_destroy("s3", "g2"),
    # XREADGROUP makes a consumer only when it serves the stream.
    ("XREADGROUP", "GROUP", "g", "r1", "STREAMS", "s", ">"),  # nothing to read: no consumer
    ("XREADGROUP", "GROUP", "g", "r2", "STREAMS", "s", "0"),  # history: consumer
    ("XREADGROUP", "GROUP", "g", "r3", "NOACK", "STREAMS", "s", ">"),  # nothing
    ("XADD", "s", "1-1", "a", "1"),
    ("XADD", "s", "2-1", "a", "1"),
    ("XADD", "s3", "1-1", "a", "1"),
    ("XREADGROUP", "GROUP", "g", "r1", "COUNT", "1", "STREAMS", "s", ">"),  # consumer
    ("XREADGROUP", "GROUP", "g", "r1", "STREAMS", "s", ">"),  # exists: nothing
    ("XREADGROUP", "GROUP", "g", "r4", "STREAMS", "s", ">"),  # drained: nothing
    ("XREADGROUP", "GROUP", "g", "r5", "STREAMS", "s", "s3", "0", ">"),  # both streams
    ("XREADGROUP", "GROUP", "g", "r6", "STREAMS", "s", "s3", ">", ">"),  # s3 only
    ("XREADGROUP", "GROUP", "g", "r7", "STREAMS", "s", "nokey", ">", ">"),  # NOGROUP
    ("XREADGROUP", "GROUP", "g", "r7", "STREAMS", "s", "bad"),
    ("XREADGROUP", "GROUP", "g", "r7", "STREAMS", "s", "$"),
    ("XGROUP", "SETID", "s", "g", "0"),
    lambda r: r.xreadgroup("g", "r8", {"s": ">"}, count=1, noack=True),  # consumer
    lambda r: r.xreadgroup("g", "r9", {"s": "0"}),  # consumer
    ("XINFO", "GROUPS", "s"),  # reads: nothing
    ("XPENDING", "s", "g"),
    ("XACK", "s", "g", "1-1", "2-1"),  # XACK sends nothing
    lambda r: _consumer_names(r.xinfo_consumers("s", "g")),
    Setup("SET", "str", "x"),
    ("XGROUP", "CREATE", "str", "g", "$", "MKSTREAM"),  # WRONGTYPE: nothing
    ("XGROUP", "CREATECONSUMER", "str", "g", "c"),
    ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">"),
]


@pytest.mark.parametrize("flags", ["KEA", "KEAn", "Et", "Kt", "Eg", "En"])
def test_group_events(pair: Pair, flags: str) -> None:
    events = compare_events(pair, flags, GROUP_STEPS)
    if "t" in flags or "A" in flags:
        assert events
    # The consumers that exist afterwards are the ones the events announced.
    pair.check(lambda r: r.xinfo_consumers("s", "g"), normalize=_consumer_names)
    pair.check(lambda r: r.xinfo_consumers("s3", "g"), normalize=_consumer_names)


def test_group_event_sequence_is_redis_7_0s(pair: Pair) -> None:
    events = compare_events(
        pair,
        "EAn",
        [
            ("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),
            ("XADD", "s", "MAXLEN", "0", "1-1", "a", "1"),
            ("XADD", "s", "2-1", "a", "1"),
            ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"),
            ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"),
            ("XREADGROUP", "GROUP", "g", "d", "STREAMS", "s", ">"),
            ("XGROUP", "DELCONSUMER", "s", "g", "c"),
            ("XGROUP", "SETID", "s", "g", "0"),
            ("XGROUP", "DESTROY", "s", "g"),
        ],
    )
    assert _events_named(events) == [
        ("new", "s"),
        ("xgroup-create", "s"),
        ("xadd", "s"),
        ("xtrim", "s"),
        ("xadd", "s"),
        ("xgroup-createconsumer", "s"),
        ("xgroup-delconsumer", "s"),
        ("xgroup-setid", "s"),
        ("xgroup-destroy", "s"),
    ]


def _claim_setup(r: redis.Redis) -> None:
    for i in range(1, 6):
        r.xadd("s", {"f": str(i)}, id=f"{i}-1")
    r.xgroup_create("s", "g", "0")
    r.xreadgroup("g", "owner", {"s": ">"}, count=4)  # 1-1 .. 4-1 pending; 5-1 not


def _pending(r: redis.Redis) -> Any:
    rows = r.xpending_range("s", "g", "-", "+", 10)
    return [(_text(x["message_id"]), _text(x["consumer"]), x["times_delivered"]) for x in rows]


CLAIM_STEPS: list[Step] = [
    _claim_setup,
    ("XCLAIM", "s", "g", "c1", "0", "99-1"),  # not pending: no consumer
    ("XCLAIM", "s", "g", "c1", "100000000", "1-1"),  # not idle enough: no consumer
    ("XCLAIM", "s", "g", "c1", "0", "5-1"),  # not pending, no FORCE: no consumer
    ("XCLAIM", "s", "g", "c1", "0", "99-1", "FORCE"),  # not in the stream: no consumer
    ("XCLAIM", "s", "g", "c1", "x", "1-1"),  # error: nothing
    ("XCLAIM", "s", "g", "c1", "0", "1-1", "BOGUS"),  # error: nothing
    ("XCLAIM", "nokey", "g", "c1", "0", "1-1"),  # NOGROUP
    ("XCLAIM", "s", "g", "c1", "0", "1-1"),  # claims: consumer
    lambda r: r.xclaim("s", "g", "c1", 0, ["2-1"], justid=True),  # exists: nothing
    ("XCLAIM", "s", "g", "c2", "100000000", "5-1", "FORCE"),  # FORCE ignores MIN-IDLE: consumer
    _pending,
    ("XCLAIM", "s", "g", "c3", "0", "3-1", "IDLE", "5000", "RETRYCOUNT", "7", "LASTID", "4-1"),
    _pending,
    lambda r: r.xclaim("s", "g", "c4", 0, ["4-1"], justid=True),  # consumer
    ("XDEL", "s", "4-1"),
    ("XCLAIM", "s", "g", "c5", "0", "4-1"),  # deleted entry: dropped from the PEL, no consumer
    _pending,
    ("XAUTOCLAIM", "s", "g", "a1", "100000000", "0"),  # nothing idle enough: no consumer
    ("XAUTOCLAIM", "s", "g", "a1", "0", "0", "COUNT", "x"),  # error
    ("XAUTOCLAIM", "s", "g", "a1", "0", "bad"),  # error
    ("XAUTOCLAIM", "nokey", "g", "a1", "0", "0"),  # NOGROUP
    ("XDEL", "s", "1-1"),
    ("XAUTOCLAIM", "s", "g", "a2", "0", "0", "COUNT", "1"),  # only a deleted entry: no consumer
    ("XAUTOCLAIM", "s", "g", "a3", "0", "0", "COUNT", "1"),  # claims: consumer
    lambda r: r.xautoclaim("s", "g", "a4", 0, "0-0", justid=True),  # consumer
    lambda r: r.xautoclaim("s", "g", "a4", 0, "0-0"),  # exists: nothing
    _pending,
    Setup("SET", "str", "x"),
    ("XCLAIM", "str", "g", "c", "0", "1-1"),
    ("XAUTOCLAIM", "str", "g", "c", "0", "0"),
]


@pytest.mark.parametrize("flags", ["KEA", "Et", "Kt", "Eg"])
def test_claim_events(pair: Pair, flags: str) -> None:
    events = compare_events(pair, flags, CLAIM_STEPS)
    if "t" in flags or "A" in flags:
        assert events
    pair.check(lambda r: r.xinfo_consumers("s", "g"), normalize=_consumer_names)


# --- inside MULTI/EXEC and scripts ------------------------------------------------------


def _transaction(r: redis.Redis) -> Any:
    pipe = r.pipeline(transaction=True)
    pipe.hset("th", "a", "1")
    pipe.hincrby("th", "n", 2)
    pipe.xadd("ts", {"a": "1"}, id="1-1", maxlen=0, approximate=False)
    pipe.xgroup_create("ts", "g", "$")
    pipe.hdel("th", "a", "n")
    return pipe.execute()


_SCRIPT = """
redis.call('HSET', KEYS[1], 'f', 'v')
redis.call('HSETNX', KEYS[1], 'f', 'v')
redis.call('XADD', KEYS[2], '5-1', 'a', '1')
redis.call('XGROUP', 'CREATECONSUMER', KEYS[2], 'g', 'c')
redis.call('XREADGROUP', 'GROUP', 'g', 'd', 'STREAMS', KEYS[2], '>')
redis.call('HDEL', KEYS[1], 'f')
return 1
"""


@pytest.mark.parametrize("flags", ["KEAn", "Et"])
def test_events_from_transactions_and_scripts(pair: Pair, flags: str) -> None:
    events = compare_events(
        pair,
        flags,
        [
            _transaction,
            lambda r: r.eval(_SCRIPT, 2, "th", "ts"),
            ("EVAL", "redis.call('HSET', KEYS[1], 'x', 'y'); return redis.call('HINCRBY', KEYS[1], 'x', 1)", "1", "th"),
        ],
    )
    assert events


# --- blocked XREADGROUP ---------------------------------------------------------------


def _blocked_read_events(make: Callable[[], redis.Redis], wake: bool) -> list[tuple[str, str]]:
    setup = make()
    setup.xgroup_create("bs", "g", "$", mkstream=True)
    recorder = Recorder(setup, "KEA")
    reader = make()
    result: list[Any] = []

    def read() -> None:
        result.append(reader.xreadgroup("g", "c", {"bs": ">"}, block=300 if not wake else 5000))

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(0.15)
    if wake:
        make().xadd("bs", {"a": 1}, id="1-1")
    thread.join()
    try:
        events = _events_named(recorder.drain())
    finally:
        recorder.close()
    assert result and bool(result[0]) == wake
    return events


@pytest.mark.parametrize("wake", [True, False], ids=["served", "timed-out"])
def test_blocked_xreadgroup_creates_its_consumer_when_served(
    redis_server: RedisServerProcess, wake: bool
) -> None:
    server = burner.Server()
    real = redis_server.client()
    real.flushall()
    try:
        got = _blocked_read_events(lambda: burner.Redis(server=server), wake)
        want = _blocked_read_events(redis_server.client, wake)
    finally:
        real.flushall()
        real.close()
    assert got == want
    expected = [("xadd", "bs"), ("xgroup-createconsumer", "bs")] if wake else []
    assert got == expected


# --- a random walk over both families -------------------------------------------------

# Hash rules mostly meet hashes and stream rules streams, with one key of the
# other kind in each pool for WRONGTYPE.
HKEYS = st.sampled_from([b"h1", b"h1", b"h2", b"s1"])
SKEYS = st.sampled_from([b"s1", b"s1", b"s2", b"h1"])
FIELDS = st.sampled_from([b"a", b"b", b"c"])
NUMBERS = st.sampled_from([b"1", b"-2", b"x", b"1.5", b"9223372036854775807"])
IDS = st.sampled_from([b"1-1", b"2", b"3-*", b"5-0", b"0-0", b"bad", b"9-9"])
GROUPS = st.sampled_from([b"g1", b"g1", b"g2"])
CONSUMERS = st.sampled_from([b"c1", b"c2", b"c3"])
TRIMS = st.sampled_from([[], [b"MAXLEN", b"1"], [b"MAXLEN", b"0"], [b"MINID", b"3"], [b"NOMKSTREAM"], [b"MAXLEN", b"~", b"0"]])


class NotifyMachine(DifferentialMachine):
    """Random hash and stream writes with notifications on: after every step
    both subscribers must have received the same messages."""

    flags: ClassVar[list[bytes]] = [b"KEA", b"KEAn", b"Eh", b"Kt", b"Egn", b"Etn", b"E$"]

    def __init__(self) -> None:
        super().__init__()
        self.recorders = (Recorder(self.burner, "KEAn"), Recorder(self.real, "KEAn"))

    def check(self, *argv: Any, normalize: Callable[[Any], Any] | None = None, **options: Any) -> Any:
        value = super().check(*argv, normalize=normalize, **options)
        got, want = (recorder.drain() for recorder in self.recorders)
        assert got == want, f"{argv!r}: burner events {got} != redis {want}"
        return value

    def teardown(self) -> None:
        for recorder in self.recorders:
            recorder.close()
        super().teardown()

    @initialize()
    def start(self) -> None:
        # A stream with a group and entries, so that reads and claims have
        # something to act on from the first step.
        for sid in (b"1-1", b"2-1", b"3-1"):
            self.check(b"XADD", b"s1", sid, b"a", b"1")
        self.check(b"XGROUP", b"CREATE", b"s1", b"g1", b"0")
        self.check(b"HSET", b"h1", b"a", b"1")

    @rule(flags=st.sampled_from(flags))
    def set_flags(self, flags: bytes) -> None:
        self.check(b"CONFIG", b"SET", b"notify-keyspace-events", flags)

    @rule(key=HKEYS, pairs=st.lists(st.tuples(FIELDS, NUMBERS), min_size=1, max_size=3), name=st.sampled_from([b"HSET", b"HMSET"]))
    def hset(self, key: bytes, pairs: list[tuple[bytes, bytes]], name: bytes) -> None:
        self.check(name, key, *[x for p in pairs for x in p])

    @rule(key=HKEYS, field=FIELDS, value=NUMBERS)
    def hsetnx(self, key: bytes, field: bytes, value: bytes) -> None:
        self.check(b"HSETNX", key, field, value)

    @rule(key=HKEYS, fields=st.lists(FIELDS, min_size=0, max_size=3))
    def hdel(self, key: bytes, fields: list[bytes]) -> None:
        self.check(b"HDEL", key, *fields)

    @rule(key=HKEYS, field=FIELDS, incr=NUMBERS, name=st.sampled_from([b"HINCRBY", b"HINCRBYFLOAT"]))
    def hincr(self, key: bytes, field: bytes, incr: bytes, name: bytes) -> None:
        self.check(name, key, field, incr)

    @rule(key=SKEYS, trim=TRIMS, sid=IDS, fields=st.lists(FIELDS, min_size=0, max_size=3))
    def xadd(self, key: bytes, trim: list[bytes], sid: bytes, fields: list[bytes]) -> None:
        self.check(b"XADD", key, *trim, sid, *fields)

    @rule(key=SKEYS, ids=st.lists(IDS, min_size=1, max_size=2))
    def xdel(self, key: bytes, ids: list[bytes]) -> None:
        self.check(b"XDEL", key, *ids)

    @rule(key=SKEYS, how=st.sampled_from([[b"MAXLEN", b"1"], [b"MAXLEN", b"0"], [b"MINID", b"3"], [b"MAXLEN", b"x"]]))
    def xtrim(self, key: bytes, how: list[bytes]) -> None:
        self.check(b"XTRIM", key, *how)

    @rule(key=SKEYS, sid=IDS)
    def xsetid(self, key: bytes, sid: bytes) -> None:
        self.check(b"XSETID", key, sid)

    @rule(key=SKEYS, group=GROUPS, sid=st.sampled_from([b"$", b"0", b"bad"]), mk=st.booleans())
    def xgroup_create(self, key: bytes, group: bytes, sid: bytes, mk: bool) -> None:
        self.check(b"XGROUP", b"CREATE", key, group, sid, *([b"MKSTREAM"] if mk else []))

    @rule(key=SKEYS, group=GROUPS, sid=st.sampled_from([b"$", b"0", b"bad"]))
    def xgroup_setid(self, key: bytes, group: bytes, sid: bytes) -> None:
        self.check(b"XGROUP", b"SETID", key, group, sid)

    @rule(key=SKEYS, group=GROUPS, consumer=CONSUMERS, sub=st.sampled_from([b"CREATECONSUMER", b"DELCONSUMER"]))
    def xgroup_consumer(self, key: bytes, group: bytes, consumer: bytes, sub: bytes) -> None:
        self.check(b"XGROUP", sub, key, group, consumer)

    @rule(key=SKEYS, group=GROUPS)
    def xgroup_destroy(self, key: bytes, group: bytes) -> None:
        self.check(b"XGROUP", b"DESTROY", key, group)

    @rule(key=SKEYS, group=GROUPS, consumer=CONSUMERS, sid=st.sampled_from([b">", b"0", b"1-1"]), noack=st.booleans())
    def xreadgroup(self, key: bytes, group: bytes, consumer: bytes, sid: bytes, noack: bool) -> None:
        self.check(b"XREADGROUP", b"GROUP", group, consumer, b"COUNT", b"1", *([b"NOACK"] if noack else []), b"STREAMS", key, sid)

    @rule(key=SKEYS, group=GROUPS, consumer=CONSUMERS, sid=IDS, force=st.booleans())
    def xclaim(self, key: bytes, group: bytes, consumer: bytes, sid: bytes, force: bool) -> None:
        self.check(b"XCLAIM", key, group, consumer, b"0", sid, *([b"FORCE"] if force else []))

    @rule(key=SKEYS, group=GROUPS, consumer=CONSUMERS)
    def xautoclaim(self, key: bytes, group: bytes, consumer: bytes) -> None:
        self.check(b"XAUTOCLAIM", key, group, consumer, b"0", b"0", b"COUNT", b"1")

    @rule(key=SKEYS, group=GROUPS)
    def xack(self, key: bytes, group: bytes) -> None:
        self.check(b"XACK", key, group, b"1-1", b"2-0")

    @rule(key=SKEYS, group=GROUPS)
    def consumers(self, key: bytes, group: bytes) -> None:
        self.check(b"XINFO", b"CONSUMERS", key, group, normalize=_consumer_names)

    @rule(key=st.one_of(HKEYS, SKEYS))
    def delete(self, key: bytes) -> None:
        self.check(b"DEL", key)


@pytest.mark.parametrize(
    "config",
    [{"protocol": 2, "decode_responses": False}, {"protocol": 3, "decode_responses": True}],
    ids=["resp2-bytes", "resp3-str"],
)
def test_notify_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(NotifyMachine, redis_server, config, max_examples=80, steps=40)
