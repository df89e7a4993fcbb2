"""Set commands, compared with the real redis-server."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, cast

import pytest
import redis

import burner
from burner._core.values.set import Set
from tests.oracle import Pair, keyspace_events, sorted_reply


def _setup(pair: Pair) -> None:
    pair.both(lambda r: r.set("str", "x"))
    pair.both(lambda r: r.sadd("s", "a", "b", "c", "1"))
    pair.both(lambda r: r.sadd("t", "1", "2", "3", "4", "5"))
    pair.both(lambda r: r.sadd("u", "4", "5", "6", "7"))


def _burner_set(pair: Pair, key: str) -> Set | None:
    client = cast(burner.Redis, pair.burner)
    value = client.server.dbs[0].data.get(key.encode())
    if value is None:
        return None
    assert type(value) is Set
    value._check()
    return value


def _same_encoding(pair: Pair, key: str) -> None:
    want = pair.real.object("encoding", key)
    if isinstance(want, str):
        want = want.encode()
    value = _burner_set(pair, key)
    assert value is not None
    assert value.encoding() == want


def _call(name: str, *args: Any) -> Callable[[Any], Any]:
    """``r.<name>(*args)`` as a function of the client."""

    def call(r: Any) -> Any:
        return getattr(r, name)(*args)

    return call


def _members(r: Any, key: str) -> set[Any]:
    return set(r.smembers(key))


def test_sadd_srem_basics(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.sadd("new", "a", "b", "a"))
    pair.check(lambda r: r.sadd("new", "b", "c"))
    pair.check(lambda r: r.smembers("new"), sorted_reply)
    pair.check(lambda r: r.scard("new"))
    pair.check(lambda r: r.srem("new", "a", "a", "zz"))
    pair.check(lambda r: r.srem("new", "b", "c"))
    pair.cmd("EXISTS", "new")
    pair.check(lambda r: r.srem("nokey", "a"))
    pair.cmd("SADD", "str", "a")
    pair.cmd("SREM", "str", "a")
    pair.cmd("SADD", "s")
    pair.cmd("SREM", "s")
    pair.cmd("SADD", "s", "", b"\x00z")
    pair.check(lambda r: r.smembers("s"), sorted_reply)


def test_membership(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.sismember("s", "a"))
    pair.check(lambda r: r.sismember("s", "zz"))
    pair.check(lambda r: r.sismember("nokey", "a"))
    pair.check(lambda r: r.smismember("s", ["a", "zz", "1"]))
    pair.check(lambda r: r.smismember("nokey", ["a", "b"]))
    pair.cmd("SISMEMBER", "str", "a")
    pair.cmd("SMISMEMBER", "str", "a")
    pair.cmd("SMISMEMBER", "s")
    pair.cmd("SISMEMBER", "s")
    pair.cmd("SISMEMBER", "s", "a", "b")
    pair.check(lambda r: r.scard("s"))
    pair.check(lambda r: r.scard("nokey"))
    pair.cmd("SCARD", "str")
    pair.cmd("SCARD")
    pair.check(lambda r: r.smembers("nokey"))
    pair.cmd("SMEMBERS", "str")
    pair.cmd("SMEMBERS", "s", "t")


@pytest.mark.parametrize(
    "args",
    [
        ["s", "a"],
        ["s", "-1"],
        ["s", "1", "2"],
        ["nokey", "-1"],
        ["nokey", "x"],
        ["str"],
        ["str", "0"],
        ["str", "-1"],
        ["nokey"],
        ["nokey", "0"],
        ["nokey", "3"],
        ["s", "0"],
        ["s", "9223372036854775808"],
    ],
)
def test_spop_errors_and_empties(pair: Pair, args: list[str]) -> None:
    _setup(pair)
    pair.cmd("SPOP", *args)


def test_spop_properties(pair: Pair) -> None:
    _setup(pair)
    before = pair.check(lambda r: _members(r, "t"))
    one = pair.burner.spop("t")
    assert one in before
    two = pair.burner.spop("t", 2)
    assert isinstance(two, list) and len(set(two)) == 2 and set(two) <= before - {one}
    rest = _members(pair.burner, "t")
    assert rest == before - {one} - set(two)
    _burner_set(pair, "t")
    everything = pair.burner.spop("t", 100)
    assert set(everything) == rest
    assert pair.burner.exists("t") == 0
    # a count that leaves few members rebuilds the set, as Redis does
    pair.both(lambda r: r.sadd("big", *range(600)))
    popped = pair.burner.spop("big", 590)
    pair.real.spop("big", 590)
    assert len(set(popped)) == 590
    _same_encoding(pair, "big")
    pair.check(lambda r: r.scard("big"))


def test_srandmember_properties(pair: Pair) -> None:
    _setup(pair)
    content = pair.check(lambda r: _members(r, "s"))
    assert pair.burner.srandmember("s") in content
    got: Any = pair.burner.srandmember("s", 2)
    assert isinstance(got, list) and len(set(got)) == 2 and set(got) <= content
    whole: Any = pair.burner.srandmember("s", 10)
    assert sorted(whole) == sorted(content)
    many: Any = pair.burner.srandmember("s", -50)
    assert len(many) == 50 and set(many) <= content
    counts = Counter(cast(list[Any], pair.burner.srandmember("s", -4000)))
    assert set(counts) == content  # every member shows up
    pair.check(lambda r: r.srandmember("nokey"))
    pair.check(lambda r: r.srandmember("nokey", 5))
    pair.check(lambda r: r.srandmember("s", 0))
    pair.cmd("SRANDMEMBER", "s", "-9223372036854775808")
    pair.cmd("SRANDMEMBER", "s", "x")
    pair.cmd("SRANDMEMBER", "nokey", "x")
    pair.cmd("SRANDMEMBER", "s", "1", "2")
    pair.cmd("SRANDMEMBER", "str")
    pair.cmd("SRANDMEMBER", "str", "1")
    pair.cmd("SRANDMEMBER")


def test_smove(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.smove("s", "s", "a"))
    pair.check(lambda r: r.smove("s", "s", "zz"))
    pair.check(lambda r: r.smove("s", "t", "a"))
    pair.check(lambda r: r.smove("s", "t", "zz"))
    pair.check(lambda r: r.smove("s", "new", "b"))
    pair.check(lambda r: r.smembers("new"), sorted_reply)
    pair.check(lambda r: r.smove("new", "t", "b"))
    pair.cmd("EXISTS", "new")
    pair.check(lambda r: r.smove("nokey", "str", "a"))
    pair.check(lambda r: r.smove("s", "str", "c"))
    pair.check(lambda r: r.smove("str", "s", "c"))
    pair.check(lambda r: r.smove("t", "t", "1"))
    pair.check(lambda r: r.smembers("t"), sorted_reply)
    pair.cmd("SMOVE", "s", "t")
    _same_encoding(pair, "t")


def test_algebra(pair: Pair) -> None:
    _setup(pair)
    for name in ("sinter", "sunion", "sdiff"):
        for keys in (["t", "u"], ["u", "t", "s"], ["t"], ["t", "nokey"], ["nokey", "t"]):
            pair.check(_call(name, keys), sorted_reply)
        for keys in (["nokey", "str"], ["str", "nokey"], ["t", "str"]):
            pair.check(_call(name, keys), sorted_reply)
        store = name + "store"
        pair.check(_call(store, "d", ["t", "u"]))
        pair.check(lambda r: r.smembers("d"), sorted_reply)
        _same_encoding(pair, "d")
        pair.check(_call(store, "d", ["nokey", "nokey2"]))
        pair.cmd("EXISTS", "d")
        pair.check(_call(store, "str", ["t"]))
        pair.cmd("TYPE", "str")
        pair.both(lambda r: r.set("str", "x"))
        pair.check(_call(store, "d", ["t", "str"]))
        pair.cmd(store.upper(), "d")
    pair.check(lambda r: r.sdiffstore("t", ["t", "u"]))
    pair.check(lambda r: r.smembers("t"), sorted_reply)
    pair.cmd("SINTER")
    pair.cmd("SINTERSTORE", "d")


def test_store_keeps_no_ttl(pair: Pair) -> None:
    _setup(pair)
    pair.both(lambda r: r.sadd("d", "x"))
    pair.both(lambda r: r.expire("d", 100))
    pair.check(lambda r: r.sunionstore("d", ["t"]))
    pair.check(lambda r: r.ttl("d"))


@pytest.mark.parametrize(
    "args",
    [
        ["2", "t", "u"],
        ["1", "t"],
        ["2", "t", "u", "LIMIT", "1"],
        ["2", "t", "u", "limit", "0"],
        ["2", "t", "u", "LIMIT", "100"],
        ["2", "t", "nokey"],
        ["0", "t"],
        ["-1", "t"],
        ["x", "t"],
        ["3", "t", "u"],
        ["2", "t", "u", "LIMIT", "-1"],
        ["2", "t", "u", "LIMIT", "x"],
        ["2", "t", "u", "LIMIT"],
        ["2", "t", "u", "LIMIT", "1", "x"],
        ["2", "t", "u", "NOPE", "1"],
        ["2", "t", "str"],
        ["2", "nokey", "str"],
        ["2", "str", "t", "LIMIT", "-1"],
        ["1"],
    ],
)
def test_sintercard(pair: Pair, args: list[str]) -> None:
    _setup(pair)
    pair.cmd("SINTERCARD", *args)


def test_sintercard_method(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.sintercard(2, ["t", "u"]))
    pair.check(lambda r: r.sintercard(2, ["t", "u"], limit=1))


def test_encodings(pair: Pair) -> None:
    pair.both(lambda r: r.sadd("ints", *range(10)))
    _same_encoding(pair, "ints")
    pair.both(lambda r: r.sadd("ints", "-5", "9223372036854775807"))
    _same_encoding(pair, "ints")
    pair.both(lambda r: r.sadd("ints", "01"))
    _same_encoding(pair, "ints")
    pair.both(lambda r: r.srem("ints", "01"))
    _same_encoding(pair, "ints")  # a converted set stays a hashtable
    pair.both(lambda r: r.sadd("big", *range(512)))
    _same_encoding(pair, "big")
    pair.both(lambda r: r.sadd("big", 512))
    _same_encoding(pair, "big")
    pair.both(lambda r: r.sadd("other", "9223372036854775808"))
    _same_encoding(pair, "other")
    pair.both(lambda r: r.sadd("neg", "-0"))
    _same_encoding(pair, "neg")


def test_sscan(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.sscan("t"))
    pair.check(lambda r: r.sscan("t", 0, match="1*"))
    pair.check(lambda r: r.sscan("s", 0), lambda v: (v[0], sorted(v[1])))
    pair.check(lambda r: sorted(r.sscan_iter("s", match="*")))
    pair.check(lambda r: r.sscan("nokey"))
    pair.cmd("SSCAN", "str", "0")
    pair.cmd("SSCAN", "t", "x")
    pair.cmd("SSCAN", "t", "0", "COUNT", "0")
    pair.cmd("SSCAN", "t", "0", "COUNT", "x")
    pair.cmd("SSCAN", "t", "0", "NOPE")
    pair.cmd("SSCAN", "t")
    pair.both(lambda r: r.sadd("huge", *[f"m{i}" for i in range(300)]))
    pair.check(lambda r: sorted(r.sscan_iter("huge", count=7)))
    pair.check(lambda r: sorted(r.sscan_iter("huge", match="m1*", count=50)))


def test_arity(pair: Pair) -> None:
    for name in ("SADD", "SREM", "SMISMEMBER", "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"):
        pair.cmd(name, "k")
    for name in ("SMEMBERS", "SCARD", "SPOP", "SRANDMEMBER", "SINTER", "SUNION", "SDIFF"):
        pair.cmd(name)
    pair.cmd("SMOVE", "a", "b")
    pair.cmd("SINTERCARD", "1")
    pair.cmd("SSCAN", "k")


EVENT_COMMANDS: list[tuple[str, ...]] = [
    ("SADD", "s", "a", "b", "c"), ("SADD", "s", "a"), ("SREM", "s", "zz"), ("SREM", "s", "a"),
    ("SMOVE", "s", "t", "b"), ("SMOVE", "s", "t", "zz"), ("SMOVE", "t", "t", "b"),
    ("SMOVE", "s", "t", "c"), ("SADD", "u", "1", "2", "3", "4"), ("SPOP", "u", "0"),
    ("SPOP", "u", "2"), ("SPOP", "nokey"), ("SINTERSTORE", "d", "t", "u"),
    ("SUNIONSTORE", "d", "t", "u"), ("SDIFFSTORE", "d", "t", "u"), ("SDIFFSTORE", "d", "nokey"),
    ("SINTERSTORE", "d", "nokey"), ("SUNIONSTORE", "e", "t"), ("SREM", "e", "b"),
    ("SPOP", "u", "10"), ("SADD", "v", "x"), ("SPOP", "v"), ("SREM", "t", "b", "c"),
]


def _events(r: redis.Redis) -> list[tuple[object, object]]:
    return keyspace_events(r, EVENT_COMMANDS)


def test_keyspace_events_match_redis(pair: Pair) -> None:
    pair.both(lambda r: r.config_set("notify-keyspace-events", "KEA"))
    try:
        events = pair.check(_events)
        assert len(events) > 40
    finally:
        pair.both(lambda r: r.config_set("notify-keyspace-events", ""))


def test_copy_keeps_content_and_encoding(pair: Pair) -> None:
    _setup(pair)
    pair.both(lambda r: r.sadd("h", "1", "x"))
    pair.both(lambda r: r.srem("h", "x"))
    for src in ("s", "t", "h"):
        pair.check(_call("copy", src, src + "-copy"))
        pair.check(_call("smembers", src + "-copy"), sorted_reply)
        _same_encoding(pair, src + "-copy")
    pair.check(lambda r: r.sadd("t-copy", "new"))
    pair.check(lambda r: sorted(r.smembers("t")))
    _burner_set(pair, "t")


def test_configured_intset_limit(pair: Pair) -> None:
    pair.check(lambda r: r.config_set("set-max-intset-entries", 4))
    try:
        pair.both(lambda r: r.sadd("a", 1, 2, 3, 4))
        _same_encoding(pair, "a")
        pair.both(lambda r: r.sadd("a", 5))
        _same_encoding(pair, "a")
        pair.both(lambda r: r.sadd("b", 1, 2, 3))
        pair.both(lambda r: r.sunionstore("u", ["b"]))
        _same_encoding(pair, "u")
        pair.both(lambda r: r.sadd("c", *range(10)))
        pair.both(lambda r: r.sinterstore("i", ["c"]))
        _same_encoding(pair, "i")
        pair.both(lambda r: r.smove("c", "b", "9"))
        pair.both(lambda r: r.smove("c", "b", "8"))
        _same_encoding(pair, "b")
        pair.check(lambda r: r.config_set("set-max-intset-entries", 100))
        pair.both(lambda r: r.sadd("b", 7))
        _same_encoding(pair, "b")  # converted sets stay converted
        pair.both(lambda r: r.sadd("d", *range(50)))
        _same_encoding(pair, "d")
    finally:
        pair.both(lambda r: r.config_set("set-max-intset-entries", 512))
