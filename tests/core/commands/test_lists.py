"""List commands, compared with the real redis-server (replies and errors)."""

from __future__ import annotations

import time

import pytest
import redis

import burner
from burner._core.blocking import parse_timeout
from burner._core.replies import CommandError
from burner._core.values.list import List
from tests.oracle import Pair, keyspace_events

INT64_MIN = "-9223372036854775808"
INT64_MAX = "9223372036854775807"
NOT_INTS = ["x", "1.5", "", " 1", "9223372036854775808", "0x10"]


def _setup(pair: Pair) -> None:
    pair.both(lambda r: r.rpush("l", "a", "b", "c", "a", "b", "a"))
    pair.both(lambda r: r.set("s", "string"))


def test_push_and_len(pair: Pair) -> None:
    pair.check(lambda r: r.lpush("l", "a", "b", "c"))
    pair.check(lambda r: r.rpush("l", "d", b"\x00\x01", 1, 2.5))
    pair.check(lambda r: r.lrange("l", 0, -1))
    pair.check(lambda r: r.lpushx("l", "x", "y"))
    pair.check(lambda r: r.rpushx("l", "z"))
    pair.check(lambda r: r.lpushx("nokey", "x"))
    pair.check(lambda r: r.rpushx("nokey", "x"))
    pair.check(lambda r: r.exists("nokey"))
    pair.check(lambda r: r.llen("l"))
    pair.check(lambda r: r.llen("nokey"))
    pair.check(lambda r: r.lrange("l", 0, -1))
    pair.check(lambda r: r.type("l"))
    pair.check(lambda r: r.object("encoding", "l"))


def test_push_errors(pair: Pair) -> None:
    pair.both(lambda r: r.set("s", "string"))
    for name in ("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"):
        pair.cmd(name, "s", "x")
        pair.cmd(name, "l")
        pair.cmd(name)
    pair.cmd("LLEN", "s")
    pair.cmd("LLEN")
    pair.cmd("LLEN", "a", "b")


def test_pop(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.lpop("l"))
    pair.check(lambda r: r.rpop("l"))
    pair.check(lambda r: r.lpop("l", 2))
    pair.check(lambda r: r.rpop("l", 1))
    pair.check(lambda r: r.lpop("l", 0))
    pair.check(lambda r: r.rpop("l", 100))
    pair.check(lambda r: r.exists("l"))
    pair.check(lambda r: r.lpop("l"))
    pair.check(lambda r: r.lpop("l", 3))
    pair.check(lambda r: r.rpop("nokey", 0))
    pair.both(lambda r: r.rpush("one", "x"))
    pair.check(lambda r: r.rpop("one"))
    pair.check(lambda r: r.exists("one"))


@pytest.mark.parametrize("count", [*NOT_INTS, "-1", INT64_MIN, INT64_MAX])
def test_pop_bad_count(pair: Pair, count: str) -> None:
    _setup(pair)
    pair.cmd("LPOP", "l", count)
    pair.cmd("RPOP", "nokey", count)
    pair.cmd("LPOP", "s", count)
    pair.cmd("LRANGE", "l", "0", "-1")


def test_pop_errors(pair: Pair) -> None:
    _setup(pair)
    pair.cmd("LPOP", "s")
    pair.cmd("RPOP", "s", "0")
    pair.cmd("LPOP", "l", "1", "2")
    pair.cmd("RPOP")


@pytest.mark.parametrize(
    ("start", "stop"),
    [
        (0, -1), (0, 0), (1, 3), (-3, -1), (-100, 100), (3, 1), (5, 5), (6, 10), (-1, -2),
        (-7, -6), (2, -3), (INT64_MIN, INT64_MAX), (INT64_MAX, INT64_MIN), (0, INT64_MIN),
    ],
)
def test_lrange_ltrim(pair: Pair, start: int | str, stop: int | str) -> None:
    start, stop = int(start), int(stop)
    _setup(pair)
    pair.check(lambda r: r.lrange("l", start, stop))
    pair.check(lambda r: r.ltrim("l", start, stop))
    pair.check(lambda r: r.lrange("l", 0, -1))
    pair.check(lambda r: r.exists("l"))


def test_lrange_ltrim_errors(pair: Pair) -> None:
    _setup(pair)
    for bad in NOT_INTS:
        pair.cmd("LRANGE", "l", bad, "1")
        pair.cmd("LRANGE", "s", "0", bad)
        pair.cmd("LTRIM", "l", "0", bad)
        pair.cmd("LTRIM", "nokey", bad, "1")
    pair.cmd("LRANGE", "s", "0", "1")
    pair.cmd("LRANGE", "nokey", "0", "1")
    pair.cmd("LTRIM", "s", "0", "1")
    pair.cmd("LTRIM", "nokey", "0", "1")
    pair.cmd("LRANGE", "l", "0")
    pair.cmd("LTRIM", "l", "0", "1", "2")


@pytest.mark.parametrize("index", ["0", "1", "5", "6", "-1", "-6", "-7", INT64_MIN, INT64_MAX, *NOT_INTS])
def test_lindex_lset(pair: Pair, index: str) -> None:
    _setup(pair)
    pair.cmd("LINDEX", "l", index)
    pair.cmd("LSET", "l", index, "new")
    pair.cmd("LRANGE", "l", "0", "-1")
    pair.cmd("LINDEX", "nokey", index)
    pair.cmd("LINDEX", "s", index)
    pair.cmd("LSET", "nokey", index, "v")
    pair.cmd("LSET", "s", index, "v")


def test_lindex_lset_methods(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.lindex("l", 2))
    pair.check(lambda r: r.lindex("l", -2))
    pair.check(lambda r: r.lset("l", -1, "last"))
    pair.check(lambda r: r.lset("l", 0, "first"))
    pair.check(lambda r: r.lset("l", 99, "x"))
    pair.check(lambda r: r.lrange("l", 0, -1))
    pair.cmd("LINDEX", "l")
    pair.cmd("LSET", "l", "0")


def test_linsert(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.linsert("l", "BEFORE", "a", "x"))
    pair.check(lambda r: r.linsert("l", "after", "b", "y"))
    pair.check(lambda r: r.linsert("l", "AFTER", "a", "z"))
    pair.check(lambda r: r.linsert("l", "before", "nope", "w"))
    pair.check(lambda r: r.linsert("nokey", "before", "a", "w"))
    pair.check(lambda r: r.exists("nokey"))
    pair.check(lambda r: r.lrange("l", 0, -1))
    pair.cmd("LINSERT", "l", "middle", "a", "x")
    pair.cmd("LINSERT", "nokey", "middle", "a", "x")
    pair.cmd("LINSERT", "s", "middle", "a", "x")
    pair.cmd("LINSERT", "s", "before", "a", "x")
    pair.cmd("LINSERT", "l", "before", "a")


@pytest.mark.parametrize("count", ["0", "1", "2", "-1", "-2", "10", "-10", INT64_MIN, INT64_MAX])
def test_lrem(pair: Pair, count: str) -> None:
    _setup(pair)
    pair.cmd("LREM", "l", count, "a")
    pair.cmd("LRANGE", "l", "0", "-1")
    pair.cmd("LREM", "l", count, "b")
    pair.cmd("LREM", "l", count, "c")
    pair.cmd("LRANGE", "l", "0", "-1")
    pair.cmd("EXISTS", "l")
    pair.cmd("LREM", "l", count, "nope")
    pair.cmd("LREM", "nokey", count, "a")


def test_lrem_errors(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.lrem("l", -2, "a"))
    pair.check(lambda r: r.lrange("l", 0, -1))
    for bad in NOT_INTS:
        pair.cmd("LREM", "l", bad, "a")
        pair.cmd("LREM", "nokey", bad, "a")
    pair.cmd("LREM", "s", "0", "a")
    pair.cmd("LREM", "l", "0")


LPOS_OPTIONS: list[list[str]] = [
        [], ["RANK", "1"], ["RANK", "2"], ["RANK", "-1"], ["RANK", "-3"], ["RANK", "9"],
        ["COUNT", "0"], ["COUNT", "2"], ["COUNT", "9"], ["RANK", "-1", "COUNT", "2"],
        ["RANK", "2", "COUNT", "0"], ["MAXLEN", "3"], ["MAXLEN", "0"], ["MAXLEN", "1", "COUNT", "0"],
        ["rank", "-2", "maxlen", "4", "count", "0"], ["RANK", "1", "RANK", "-1"],
        ["COUNT", "1", "COUNT", "0"], ["RANK", INT64_MAX], ["RANK", "-" + INT64_MAX],
        ["RANK", INT64_MIN], ["COUNT", INT64_MAX], ["MAXLEN", INT64_MAX],
        ["RANK", INT64_MIN, "COUNT", "1"], ["RANK", INT64_MIN, "COUNT", "2", "MAXLEN", "3"],
        ["RANK", "-9223372036854775807", "COUNT", "0"],
        ["RANK", "0"], ["COUNT", "-1"], ["MAXLEN", "-1"], ["RANK", "x"], ["COUNT", "1.5"],
        ["MAXLEN", ""], ["RANK"], ["FOO", "1"], ["COUNT", "0", "RANK"], ["RANK", "0", "COUNT", "-1"],
    ]


def test_lpos(pair: Pair) -> None:
    _setup(pair)
    for options in LPOS_OPTIONS:
        for want in ("a", "b", "c", "zz"):
            pair.cmd("LPOS", "l", want, *options)
        pair.cmd("LPOS", "nokey", "a", *options)
        pair.cmd("LPOS", "s", "a", *options)


def test_lpos_method(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.lpos("l", "a"))
    pair.check(lambda r: r.lpos("l", "a", rank=-2))
    pair.check(lambda r: r.lpos("l", "a", count=0))
    pair.check(lambda r: r.lpos("l", "a", rank=2, count=2, maxlen=5))
    pair.check(lambda r: r.lpos("nokey", "a", count=2))
    pair.cmd("LPOS", "l")


@pytest.mark.parametrize("src", ["LEFT", "RIGHT", "left"])
@pytest.mark.parametrize("dst", ["LEFT", "right"])
def test_lmove(pair: Pair, src: str, dst: str) -> None:
    _setup(pair)
    pair.check(lambda r: r.lmove("l", "d", src, dst))
    pair.check(lambda r: r.lmove("l", "d", src, dst))
    pair.check(lambda r: r.lmove("l", "l", src, dst))
    pair.check(lambda r: r.lrange("l", 0, -1))
    pair.check(lambda r: r.lrange("d", 0, -1))
    pair.check(lambda r: r.lmove("nokey", "d", src, dst))
    pair.check(lambda r: r.lmove("nokey", "s", src, dst))
    pair.check(lambda r: r.lmove("l", "s", src, dst))
    pair.check(lambda r: r.lmove("s", "l", src, dst))
    pair.both(lambda r: r.rpush("one", "x"))
    pair.check(lambda r: r.lmove("one", "one", src, dst))
    pair.check(lambda r: r.lrange("one", 0, -1))
    pair.both(lambda r: r.rpush("two", "x"))
    pair.check(lambda r: r.lmove("two", "three", src, dst))
    pair.check(lambda r: r.exists("two", "three"))


def test_lmove_rpoplpush_errors(pair: Pair) -> None:
    _setup(pair)
    pair.cmd("LMOVE", "l", "d", "UP", "LEFT")
    pair.cmd("LMOVE", "l", "d", "LEFT", "DOWN")
    pair.cmd("LMOVE", "nokey", "d", "UP", "LEFT")
    pair.cmd("LMOVE", "l", "d", "LEFT")
    pair.check(lambda r: r.rpoplpush("l", "d"))
    pair.check(lambda r: r.rpoplpush("l", "l"))
    pair.check(lambda r: r.rpoplpush("nokey", "d"))
    pair.check(lambda r: r.rpoplpush("s", "d"))
    pair.check(lambda r: r.rpoplpush("l", "s"))
    pair.check(lambda r: r.lrange("l", 0, -1))
    pair.cmd("RPOPLPUSH", "l")


def test_lmpop(pair: Pair) -> None:
    _setup(pair)
    pair.both(lambda r: r.rpush("m", "1", "2"))
    pair.check(lambda r: r.lmpop(2, "nokey", "l", direction="LEFT"))
    pair.check(lambda r: r.lmpop(2, "l", "m", direction="RIGHT", count=2))
    pair.check(lambda r: r.lmpop(1, "m", direction="LEFT", count=10))
    pair.check(lambda r: r.exists("m"))
    pair.check(lambda r: r.lmpop(1, "nokey", direction="LEFT"))
    pair.check(lambda r: r.lmpop(3, "nokey", "s", "l", direction="LEFT"))
    pair.check(lambda r: r.lmpop(2, "l", "s", direction="LEFT"))


MPOP_ARGS: list[list[str]] = [
        ["0", "l", "LEFT"], ["-1", "l", "LEFT"], ["x", "l", "LEFT"], [INT64_MAX, "l", "LEFT"],
        ["2", "l", "LEFT"], ["1", "l"], ["1", "l", "MIDDLE"], ["1", "l", "LEFT", "COUNT"],
        ["1", "l", "LEFT", "COUNT", "0"], ["1", "l", "LEFT", "COUNT", "-1"],
        ["1", "l", "LEFT", "COUNT", "x"], ["1", "l", "LEFT", "COUNT", "1", "COUNT", "2"],
        ["1", "l", "LEFT", "FOO"], ["1", "l", "left", "count", "2"], ["1", "s", "LEFT"],
        ["2", "nokey", "l", "RIGHT", "COUNT", INT64_MAX], ["3", "a", "b"],
    ]


def test_lmpop_parsing(pair: Pair) -> None:
    for args in MPOP_ARGS:
        pair.both(lambda r: r.flushdb())
        _setup(pair)
        pair.cmd("LMPOP", *args)
        pair.cmd("BLMPOP", "0.01", *args)
        pair.cmd("LRANGE", "l", "0", "-1")


TIMEOUTS = ["x", "-1", "-0.5", "1e300", "1e400", "1e5000", "1e-5000", "inf", "-inf", "nan", " 1", "1 ", "",
     "0x10", "1.", ".5", "+1", "1e3"]


def test_blocking_timeout_parsing(pair: Pair) -> None:
    for timeout in TIMEOUTS:
        pair.both(lambda r: r.flushdb())
        _blocking_timeout_case(pair, timeout)


def _blocking_timeout_case(pair: Pair, timeout: str) -> None:
    # All of these either fail or find data, so none of them blocks.
    _setup(pair)
    pair.cmd("BLPOP", "l", timeout)
    pair.cmd("BRPOP", "nokey", "l", timeout)
    pair.cmd("BRPOPLPUSH", "l", "d", timeout)
    pair.cmd("BLMOVE", "l", "d", "LEFT", "RIGHT", timeout)
    pair.cmd("BLMOVE", "l", "d", "UP", "RIGHT", timeout)
    pair.cmd("BLMPOP", timeout, "1", "l", "LEFT")
    pair.cmd("BLMPOP", timeout, "1", "l", "NOWHERE")
    pair.cmd("LRANGE", "d", "0", "-1")


def test_blocking_wrong_type_and_arity(pair: Pair) -> None:
    _setup(pair)
    pair.cmd("BLPOP", "nokey", "s", "0")
    pair.cmd("BRPOP", "s", "l", "0")
    pair.cmd("BLPOP", "l", "s", "0")
    pair.cmd("BRPOPLPUSH", "s", "d", "0")
    pair.cmd("BRPOPLPUSH", "l", "s", "0")
    pair.cmd("BLMOVE", "l", "s", "LEFT", "LEFT", "0")
    pair.cmd("BLMOVE", "nokey", "s", "LEFT", "LEFT", "0.01")
    pair.cmd("BLMPOP", "0", "2", "nokey", "s", "LEFT")
    pair.cmd("BLPOP", "l")
    pair.cmd("BRPOPLPUSH", "l", "d")
    pair.cmd("BLMOVE", "l", "d", "LEFT", "LEFT")
    pair.cmd("BLMPOP", "0", "1", "l")
    pair.cmd("LRANGE", "l", "0", "-1")


def test_command_info_matches_redis(pair: Pair) -> None:
    names = [
        "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "lindex", "lset",
        "linsert", "lrem", "ltrim", "lpos", "lmove", "rpoplpush", "lmpop", "blpop", "brpop",
        "brpoplpush", "blmove", "blmpop",
    ]

    def info(r: redis.Redis) -> object:
        table = r.command()
        return {
            name: [
                table[name]["arity"],
                sorted(table[name]["flags"]),
                table[name]["first_key_pos"],
                table[name]["last_key_pos"],
                table[name]["step_count"],
            ]
            for name in names
        }

    pair.check(info)


# --- burner-only ------------------------------------------------------------------
def test_parse_timeout_values() -> None:
    assert parse_timeout(b"0") == 0
    assert parse_timeout(b"0.0001") == 0.001  # rounded up to whole ms
    assert parse_timeout(b"1.5") == 1.5
    assert parse_timeout(b"0x1p3") == 8
    assert parse_timeout(b"-0.0001") == 0  # ceil(-0.1 ms) is 0: wait forever, as Redis
    for bad in (b"nan", b"x", b"1e5000", b" 1"):
        with pytest.raises(CommandError, match="not a float"):
            parse_timeout(bad)
    for negative in (b"-1", b"inf", b"1e400", b"-0x1p3"):
        with pytest.raises(CommandError, match="negative"):
            parse_timeout(negative)


def test_lindex_lset_near_ends_are_fast() -> None:
    r = burner.Redis()
    n = 1_000_000
    lst = List(b"%d" % i for i in range(n))
    with r.server.lock:
        r.server.dbs[0].add(b"big", lst)
    start = time.perf_counter()
    for i in range(2000):
        assert r.lindex("big", i % 10) == b"%d" % (i % 10)
        assert r.lindex("big", -1 - i % 10) == b"%d" % (n - 1 - i % 10)
        r.lset("big", -20, "x")
        r.lset("big", 20, "y")
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, elapsed
    assert r.lrange("big", -21, -19) == [b"%d" % (n - 21), b"x", b"%d" % (n - 19)]
    assert r.lrange("big", 19, 21) == [b"19", b"y", b"21"]


def test_list_check_and_encoding() -> None:
    lst = List([b"a"])
    lst._check()
    assert lst.encoding() == b"quicklist"
    with pytest.raises(AssertionError):
        List()._check()


def test_lmpop_and_blmpop_keep_key_order() -> None:
    r = burner.Redis()
    r.rpush("b", "1")
    r.rpush("a", "2")
    assert r.lmpop(2, "a", "b", direction="LEFT") == [b"a", [b"2"]]
    assert r.blmpop(0, 2, "a", "b", direction="LEFT") == [b"b", [b"1"]]


# --- keyspace notifications ----------------------------------------------------------
EVENT_COMMANDS: list[tuple[str, ...]] = [
    ("RPUSH", "l", "a", "b", "c"), ("LPUSHX", "l", "z"), ("RPUSHX", "nokey", "z"), ("LPOP", "l"),
    ("RPOP", "l", "0"), ("RPOP", "l", "5"), ("RPUSH", "l", "a", "b"),
    ("LINSERT", "l", "BEFORE", "a", "x"), ("LINSERT", "l", "BEFORE", "q", "x"),
    ("LSET", "l", "0", "y"), ("LREM", "l", "0", "nope"), ("LREM", "l", "1", "y"),
    ("LTRIM", "l", "0", "-1"), ("LTRIM", "l", "0", "0"), ("LMOVE", "l", "m", "LEFT", "RIGHT"),
    ("RPUSH", "l", "1", "2"), ("LMOVE", "l", "l", "LEFT", "RIGHT"), ("RPOPLPUSH", "l", "m"),
    ("LMPOP", "1", "l", "LEFT", "COUNT", "5"), ("RPUSH", "l", "1"), ("BLPOP", "l", "0"),
    ("RPUSH", "l", "1"), ("BLMOVE", "l", "m", "RIGHT", "LEFT", "0"), ("LTRIM", "m", "5", "6"),
    ("LPUSH", "l", "a"), ("LREM", "l", "0", "a"), ("RPUSH", "l", "a", "b"),
    ("LMPOP", "1", "l", "RIGHT", "COUNT", "1"), ("RPUSH", "one", "x"),
    ("LMOVE", "one", "one", "LEFT", "LEFT"), ("BRPOPLPUSH", "one", "two", "0"),
    ("BLMPOP", "0", "1", "two", "LEFT"), ("LPOS", "l", "a"), ("LTRIM", "nokey", "0", "1"),
]


def _events(r: redis.Redis) -> list[tuple[object, object]]:
    return keyspace_events(r, EVENT_COMMANDS)


def test_keyspace_events_match_redis(pair: Pair) -> None:
    pair.both(lambda r: r.config_set("notify-keyspace-events", "KEA"))
    try:
        pair.check(_events)
    finally:
        pair.both(lambda r: r.config_set("notify-keyspace-events", ""))


# --- WATCH: which commands touch the key --------------------------------------------
TOUCH_CASES: list[tuple[str, ...]] = [
    ("LTRIM", "l", "0", "-1"), ("LTRIM", "l", "1", "0"), ("LTRIM", "nokey", "0", "1"),
    ("LSET", "l", "0", "a"), ("LREM", "l", "0", "nope"), ("LREM", "l", "1", "a"),
    ("LINSERT", "l", "BEFORE", "nope", "x"), ("LINSERT", "l", "AFTER", "a", "x"),
    ("LPOP", "l", "0"), ("RPOP", "l"), ("LPUSHX", "nokey", "x"), ("RPUSHX", "l", "x"),
    ("LMOVE", "l", "l", "LEFT", "RIGHT"), ("LMOVE", "nokey", "l", "LEFT", "LEFT"),
    ("LMOVE", "l", "d", "LEFT", "LEFT"), ("LMPOP", "1", "nokey", "LEFT"), ("LPOS", "l", "a"),
    ("LRANGE", "l", "0", "-1"), ("BLPOP", "l", "0"), ("BLMPOP", "0", "1", "l", "RIGHT"),
]


def test_watch_sees_what_redis_touches(pair: Pair) -> None:
    def run(r: redis.Redis, command: tuple[str, ...]) -> object:
        r.delete("l", "d", "nokey")
        r.rpush("l", "a", "b", "c")
        with r.pipeline() as pipe:
            pipe.watch("l", "d")  # type: ignore[no-untyped-call,unused-ignore]
            r.execute_command(*command)  # type: ignore[no-untyped-call,unused-ignore]
            pipe.multi()
            pipe.llen("l")
            try:
                return pipe.execute()
            except redis.WatchError:
                return "aborted"

    for command in TOUCH_CASES:
        pair.check(lambda r, command=command: run(r, command))  # type: ignore[misc]
