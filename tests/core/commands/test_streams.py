"""Streams and consumer groups compared with the real redis-server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.oracle import Pair


def _drop(keys: set[str]) -> Any:
    """A normalizer that removes time-dependent fields from XINFO-like replies."""

    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: norm(v)
                for k, v in value.items()
                if (k.decode() if isinstance(k, bytes) else k) not in keys
            }
        if isinstance(value, (list, tuple)):
            items = list(value)
            # Flat RESP2 key/value lists: drop a key and the value after it.
            out: list[Any] = []
            skip = False
            for j, item in enumerate(items):
                if skip:
                    skip = False
                    continue
                name = item.decode() if isinstance(item, bytes) else item
                if isinstance(name, str) and name in keys and j + 1 < len(items):
                    skip = True
                    continue
                out.append(norm(item))
            return out
        return value

    return norm


TIMES = {"idle", "inactive", "seen-time", "active-time", "radix-tree-nodes"}


def _fill(pair: Pair, key: str = "s", n: int = 5) -> None:
    for i in range(1, n + 1):
        pair.cmd("XADD", key, f"{i}-1", "f", str(i), "g", "x" * i)


def test_xadd_ids_and_errors(pair: Pair) -> None:
    pair.cmd("XADD", "s", "5-1", "a", "1")
    pair.cmd("XADD", "s", "5-1", "a", "1")
    pair.cmd("XADD", "s", "5-0", "a", "1")
    pair.cmd("XADD", "s", "5-*", "a", "1")
    pair.cmd("XADD", "s", "6", "a", "1")
    pair.cmd("XADD", "s", "7-*", "a", "1")
    pair.cmd("XADD", "s", "0", "a", "1")
    pair.cmd("XADD", "s", "0-0", "a", "1")
    pair.cmd("XADD", "s", "05-9", "a", "1")
    pair.cmd("XADD", "s", "+9-1", "a", "1")
    for bad in ["5-", "-5", "1.5", "0x5", "a-1", "5--1", "x-*", "18446744073709551616"]:
        pair.cmd("XADD", "s", bad, "a", "1")
    pair.cmd("XADD", "s", "8-1", "a")
    pair.cmd("XADD", "s", "8-1")
    pair.cmd("XADD", "s", "NOMKSTREAM")
    pair.cmd("XADD", "nokey", "NOMKSTREAM", "*", "a", "1")
    pair.cmd("XADD", "s", "18446744073709551615-18446744073709551615", "a", "1")
    pair.cmd("XADD", "s", "*", "a", "1")
    pair.cmd("XADD", "s", "18446744073709551615-*", "a", "1")
    pair.cmd("XLEN", "s")
    pair.cmd("XRANGE", "s", "-", "+")
    pair.cmd("SET", "str", "x")
    pair.cmd("XADD", "str", "*", "a", "1")
    pair.cmd("XLEN", "str")
    pair.cmd("XLEN", "nokey")


def test_xadd_auto_ids_are_monotonic(pair: Pair) -> None:
    ids = [pair.burner.xadd("s", {"a": 1}) for _ in range(50)]
    assert ids == sorted(ids, key=lambda raw: tuple(int(x) for x in str(raw, "ascii") .split("-")) if isinstance(raw, bytes) else tuple(int(x) for x in raw.split("-")))
    assert len(set(ids)) == 50


@pytest.mark.parametrize(
    "trim",
    [
        ["MAXLEN", "3"],
        ["MAXLEN", "=", "3"],
        ["MAXLEN", "~", "3"],
        ["MAXLEN", "~", "150"],
        ["MAXLEN", "~", "150", "LIMIT", "50"],
        ["MAXLEN", "~", "150", "LIMIT", "100"],
        ["MAXLEN", "0"],
        ["MAXLEN", "-1"],
        ["MAXLEN", "x"],
        ["MINID", "150"],
        ["MINID", "~", "150"],
        ["MINID", "=", "150-1"],
        ["MINID", "~", "250", "LIMIT", "0"],
        ["MAXLEN", "=", "3", "LIMIT", "2"],
        ["MAXLEN", "3", "MINID", "2"],
        ["LIMIT", "5", "MAXLEN", "~", "3"],
        ["MAXLEN", "~", "3", "LIMIT", "-1"],
    ],
)
def test_trimming(pair: Pair, trim: list[str]) -> None:
    for i in range(1, 301):
        pair.both(lambda r, i=i: r.execute_command("XADD", "s", f"{i}-1", "f", "v"))  # type: ignore[misc]
    pair.cmd("XTRIM", "s", *trim)
    pair.cmd("XLEN", "s")
    pair.cmd("XRANGE", "s", "-", "+", "COUNT", "3")
    pair.cmd("XADD", "s", *trim, "400-1", "f", "v")
    pair.cmd("XLEN", "s")
    pair.cmd("XINFO", "STREAM", "s", normalize=_drop(TIMES))


def test_trim_after_deletes(pair: Pair) -> None:
    for i in range(1, 251):
        pair.both(lambda r, i=i: r.execute_command("XADD", "s", f"{i}-1", "f", "v"))  # type: ignore[misc]
    for i in range(1, 120, 3):
        pair.cmd("XDEL", "s", f"{i}-1")
    pair.cmd("XTRIM", "s", "MAXLEN", "~", "100")
    pair.cmd("XLEN", "s")
    pair.cmd("XTRIM", "s", "MINID", "~", "200")
    pair.cmd("XLEN", "s")
    pair.cmd("XTRIM", "s", "MAXLEN", "10")
    pair.cmd("XRANGE", "s", "-", "+")
    pair.cmd("XINFO", "STREAM", "s", normalize=_drop(TIMES))


def test_xrange_bounds(pair: Pair) -> None:
    _fill(pair)
    for start, end in [
        ("-", "+"), ("2", "4"), ("2-1", "4-1"), ("(2-1", "(4-1"), ("(2", "+"), ("-", "(3"),
        ("3", "2"), ("(-", "+"), ("-", "(+"), ("(18446744073709551615-18446744073709551615", "+"),
        ("-", "(0-0"), ("abc", "+"), ("-", "abc"), ("0", "0"), ("5-1", "5-1"), ("(5-1", "+"),
    ]:
        pair.cmd("XRANGE", "s", start, end)
        pair.cmd("XREVRANGE", "s", end, start)
    pair.cmd("XRANGE", "s", "-", "+", "COUNT", "2")
    pair.cmd("XRANGE", "s", "-", "+", "COUNT", "0")
    pair.cmd("XRANGE", "s", "-", "+", "COUNT", "-1")
    pair.cmd("XRANGE", "s", "-", "+", "COUNT", "x")
    pair.cmd("XRANGE", "s", "-", "+", "COUNT")
    pair.cmd("XRANGE", "s", "-", "+", "FOO", "1")
    pair.cmd("XREVRANGE", "s", "+", "-", "COUNT", "2")
    pair.cmd("XRANGE", "nokey", "-", "+")
    pair.check(lambda r: r.xrange("s", min="2", max="4", count=1))
    pair.check(lambda r: r.xrevrange("s", max="+", min="-", count=3))


def test_xdel_and_xsetid(pair: Pair) -> None:
    _fill(pair)
    pair.cmd("XDEL", "s", "2-1", "3-1", "9-9")
    pair.cmd("XDEL", "s", "bad")
    pair.cmd("XDEL", "nokey", "1-1")
    pair.cmd("XRANGE", "s", "-", "+")
    pair.cmd("XINFO", "STREAM", "s", normalize=_drop(TIMES))
    pair.cmd("XSETID", "s", "4-1")
    pair.cmd("XSETID", "s", "10-1")
    pair.cmd("XSETID", "s", "20-1", "ENTRIESADDED", "2")
    pair.cmd("XSETID", "s", "20-1", "ENTRIESADDED", "10", "MAXDELETEDID", "30-0")
    pair.cmd("XSETID", "s", "20-1", "ENTRIESADDED", "10", "MAXDELETEDID", "3-0")
    pair.cmd("XSETID", "s", "20-1", "ENTRIESADDED", "-1")
    pair.cmd("XSETID", "s", "20-1", "FOO")
    pair.cmd("XSETID", "nokey", "1-1")
    pair.cmd("XINFO", "STREAM", "s", normalize=_drop(TIMES))
    # Back down, but not below the newest entry left in the stream.
    pair.cmd("XSETID", "s", "6-0")
    pair.cmd("XSETID", "s", "5-0")
    pair.cmd("XINFO", "STREAM", "s", normalize=_drop(TIMES))
    pair.cmd("XSETID", "s", "30-0")
    pair.cmd("XADD", "s", "15-1", "a", "b")
    pair.cmd("XADD", "s", "*", "a", "b", normalize=lambda v: None)
    pair.cmd("XDEL", "s", "1-1", "4-1", "5-1")
    pair.cmd("XINFO", "STREAM", "s", normalize=_drop(TIMES | {"first-entry", "last-entry", "last-generated-id", "recorded-first-entry-id"}))


def test_xread(pair: Pair) -> None:
    _fill(pair, "a", 3)
    _fill(pair, "b", 2)
    pair.cmd("XREAD", "STREAMS", "a", "0")
    pair.cmd("XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "1-1")
    pair.cmd("XREAD", "STREAMS", "a", "b", "$", "$")
    pair.cmd("XREAD", "STREAMS", "a", "3-1")
    pair.cmd("XREAD", "STREAMS", "a", "nokey", "0", "0")
    pair.cmd("XREAD", "STREAMS", "a")
    pair.cmd("XREAD", "STREAMS", "a", "b", "0")
    pair.cmd("XREAD", "STREAMS", "a", "bad")
    pair.cmd("XREAD", "COUNT", "x", "STREAMS", "a", "0")
    pair.cmd("XREAD", "BLOCK", "-1", "STREAMS", "a", "0")
    pair.cmd("XREAD", "BLOCK", "x", "STREAMS", "a", "0")
    pair.cmd("XREAD", "FOO", "STREAMS", "a", "0")
    pair.cmd("XREAD", "COUNT", "1", "a", "0")
    pair.cmd("XREAD", "BLOCK", "10", "STREAMS", "a", "$")
    pair.cmd("XREAD", "BLOCK", "10", "STREAMS", "a", "0")
    pair.cmd("SET", "str", "x")
    pair.cmd("XREAD", "STREAMS", "str", "0")
    pair.check(lambda r: r.xread({"a": "0", "b": "0"}, count=2))
    pair.check(lambda r: r.xread({"a": "$"}, block=5))


def test_groups_create_and_read(pair: Pair) -> None:
    pair.cmd("XGROUP", "CREATE", "s", "g", "0")
    pair.cmd("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM")
    pair.cmd("XGROUP", "CREATE", "s", "g", "0", "MKSTREAM")
    _fill(pair)
    pair.cmd("XGROUP", "CREATE", "s", "g2", "$")
    pair.cmd("XGROUP", "CREATE", "s", "g3", "2-1", "ENTRIESREAD", "2")
    pair.cmd("XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD", "-5")
    pair.cmd("XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD", "x")
    pair.cmd("XGROUP", "CREATE", "s", "g4", "0", "FOO")
    pair.cmd("XGROUP", "CREATE", "s", "g4", "bad")
    pair.cmd("XINFO", "GROUPS", "s")
    pair.cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">")
    pair.cmd("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">")
    pair.cmd("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">")
    pair.cmd("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0")
    pair.cmd("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "1-1")
    pair.cmd("XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", "0")
    pair.cmd("XREADGROUP", "GROUP", "g3", "x", "NOACK", "STREAMS", "s", ">")
    pair.cmd("XINFO", "GROUPS", "s")
    pair.cmd("XINFO", "CONSUMERS", "s", "g", normalize=_drop(TIMES))
    pair.cmd("XPENDING", "s", "g")
    pair.cmd("XPENDING", "s", "g3")
    pair.cmd("XPENDING", "s", "g", "-", "+", "10", normalize=_zero_idle, parse_detail=True)
    pair.cmd("XPENDING", "s", "g", "-", "+", "10", "bob", normalize=_zero_idle, parse_detail=True)
    pair.cmd("XPENDING", "s", "g", "IDLE", "0", "-", "+", "10", normalize=_zero_idle, parse_detail=True)
    pair.cmd("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10", parse_detail=True)
    pair.cmd("XPENDING", "s", "g", "(1-1", "(5-1", "2", normalize=_zero_idle, parse_detail=True)
    pair.cmd("XPENDING", "s", "g", "-", "+")
    pair.cmd("XPENDING", "s", "g", "IDLE", "0")
    pair.cmd("XPENDING", "s", "g", "-", "+", "x")
    pair.cmd("XPENDING", "s", "nog")
    pair.cmd("XPENDING", "nokey", "g")
    pair.cmd("XACK", "s", "g", "1-1", "2-1", "9-9")
    pair.cmd("XACK", "s", "g", "bad")
    pair.cmd("XACK", "s", "nog", "1-1")
    pair.cmd("XPENDING", "s", "g")
    pair.cmd("XDEL", "s", "3-1")
    pair.cmd("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0")
    pair.cmd("XINFO", "GROUPS", "s")
    pair.cmd("XINFO", "STREAM", "s", "FULL", normalize=_drop(TIMES | {"pending"}))


def _zero_idle(value: Any) -> Any:
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, list) and len(item) == 4:
                out.append([item[0], item[1], 0, item[3]])
            elif isinstance(item, dict):
                out.append({**item, "time_since_delivered": 0})
            else:
                out.append(item)
        return out
    return value


def test_readgroup_errors(pair: Pair) -> None:
    _fill(pair)
    pair.cmd("XGROUP", "CREATE", "s", "g", "0")
    pair.cmd("XREADGROUP", "GROUP", "nog", "c", "STREAMS", "s", ">")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "s", ">")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "COUNT", "x", "STREAMS", "s", ">")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", "s", ">")
    pair.cmd("XREADGROUP", "COUNT", "1", "STREAMS", "s", ">", "x", "y")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "bad")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "COUNT", "0", "STREAMS", "s", ">")
    pair.cmd("SET", "str", "x")
    pair.cmd("XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">")


def test_group_management(pair: Pair) -> None:
    _fill(pair)
    pair.cmd("XGROUP", "CREATE", "s", "g", "0")
    pair.cmd("XGROUP", "CREATECONSUMER", "s", "g", "c1")
    pair.cmd("XGROUP", "CREATECONSUMER", "s", "g", "c1")
    pair.cmd("XGROUP", "CREATECONSUMER", "s", "nog", "c1")
    pair.cmd("XGROUP", "CREATECONSUMER", "nokey", "g", "c1")
    pair.cmd("XREADGROUP", "GROUP", "g", "c1", "COUNT", "3", "STREAMS", "s", ">")
    pair.cmd("XGROUP", "DELCONSUMER", "s", "g", "c1")
    pair.cmd("XGROUP", "DELCONSUMER", "s", "g", "zz")
    pair.cmd("XPENDING", "s", "g")
    pair.cmd("XGROUP", "SETID", "s", "g", "0")
    pair.cmd("XGROUP", "SETID", "s", "g", "$", "ENTRIESREAD", "3")
    pair.cmd("XGROUP", "SETID", "s", "nog", "0")
    pair.cmd("XGROUP", "SETID", "nokey", "g", "0")
    pair.cmd("XINFO", "GROUPS", "s")
    pair.cmd("XGROUP", "DESTROY", "s", "g")
    pair.cmd("XGROUP", "DESTROY", "s", "g")
    pair.cmd("XGROUP", "DESTROY", "nokey", "g")
    pair.cmd("XGROUP", "FOO", "s")
    pair.cmd("XGROUP")
    pair.cmd("XINFO", "FOO", "s")
    pair.cmd("XINFO", "GROUPS", "nokey")
    pair.cmd("XINFO", "CONSUMERS", "s", "nog")
    pair.cmd("XINFO", "STREAM", "nokey")
    pair.cmd("XINFO", "STREAM", "s", "FOO")


def test_claiming(pair: Pair) -> None:
    _fill(pair, n=8)
    pair.cmd("XGROUP", "CREATE", "s", "g", "0")
    pair.cmd("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "1-1", "2-1")
    pair.check(lambda r: r.xclaim("s", "g", "bob", 0, ["3-1"], justid=True))
    pair.cmd("XCLAIM", "s", "g", "bob", "1000000", "4-1")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "9-9")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "9-9", "FORCE")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "4-1", "RETRYCOUNT", "7", "IDLE", "5000")
    pair.check(lambda r: r.xclaim("s", "g", "bob", 0, ["5-1"], time=0, justid=True))
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "6-1", "LASTID", "100-1")
    pair.cmd("XCLAIM", "s", "g", "bob", "x", "1-1")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "1-1", "IDLE", "x")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "1-1", "RETRYCOUNT", "x")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "1-1", "TIME", "x")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "1-1", "LASTID", "x")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "1-1", "FOO")
    pair.cmd("XCLAIM", "s", "nog", "bob", "0", "1-1")
    pair.cmd("XCLAIM", "nokey", "g", "bob", "0", "1-1")
    pair.cmd("XPENDING", "s", "g", "-", "+", "20", normalize=_zero_idle, parse_detail=True)
    pair.cmd("XINFO", "GROUPS", "s")
    pair.cmd("XDEL", "s", "7-1")
    pair.cmd("XCLAIM", "s", "g", "bob", "0", "7-1")
    pair.cmd("XPENDING", "s", "g")
    pair.cmd("XDEL", "s", "8-1")
    pair.cmd("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "2")
    pair.check(lambda r: r.xautoclaim("s", "g", "carol", 0, start_id="3-1", justid=True))
    pair.cmd("XAUTOCLAIM", "s", "g", "carol", "0", "0")
    pair.cmd("XAUTOCLAIM", "s", "g", "carol", "999999", "0")
    pair.cmd("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "0")
    pair.cmd("XAUTOCLAIM", "s", "g", "carol", "0", "0", "FOO")
    pair.cmd("XAUTOCLAIM", "s", "g", "carol", "x", "0")
    pair.cmd("XAUTOCLAIM", "s", "g", "carol", "0", "bad")
    pair.cmd("XAUTOCLAIM", "s", "nog", "carol", "0", "0")
    pair.cmd("XPENDING", "s", "g")
    pair.cmd("XINFO", "CONSUMERS", "s", "g", normalize=_drop(TIMES))
    pair.check(lambda r: r.xautoclaim("s", "g", "dave", 0, start_id="0-0", count=3, justid=True))
    pair.check(lambda r: r.xclaim("s", "g", "erin", 0, ["1-1", "2-1"], justid=True))


def test_stream_wrongtype(pair: Pair) -> None:
    pair.cmd("SET", "str", "x")
    for argv in [
        ("XRANGE", "str", "-", "+"), ("XREVRANGE", "str", "+", "-"), ("XDEL", "str", "1-1"),
        ("XTRIM", "str", "MAXLEN", "1"), ("XGROUP", "CREATE", "str", "g", "0"),
        ("XACK", "str", "g", "1-1"), ("XPENDING", "str", "g"), ("XINFO", "STREAM", "str"),
        ("XSETID", "str", "1-1"), ("XCLAIM", "str", "g", "c", "0", "1-1"),
    ]:
        pair.cmd(*argv)
    _fill(pair)
    pair.cmd("GET", "s")
    pair.cmd("TYPE", "s")
