"""SORT and SORT_RO, compared with the real redis-server."""

from __future__ import annotations

from typing import Any

import pytest

import burner
from tests.oracle import Pair, sorted_reply


def _setup(r: Any) -> None:
    r.rpush("nums", "3", "1", "2", "10", "-5", "1.5", " 7", "1e2", "")
    r.rpush("words", "b", "a", "C", "a", "\xe9")
    r.rpush("ids", "1", "2", "3", "4")
    r.sadd("tags", "b", "a", "c")
    r.sadd("ints", "30", "-2", "7", "100")
    r.zadd("z", {"x": 3, "y": 1, "w": 2, "v": 0})
    r.zadd("znum", {"10": 1, "2": 2, "33": 3})
    r.mset({"w_1": "40", "w_2": "10", "w_3": "30", "w_4": "x", "o_a": "2", "o_b": "1", "o_c": "3"})
    r.hset("h_1", mapping={"name": "one", "rank": "9"})
    r.hset("h_2", mapping={"name": "two", "rank": "1"})
    r.hset("h_3", mapping={"name": "three"})
    r.set("str", "v")


def test_sort_orders(pair: Pair) -> None:
    pair.both(_setup)
    for key in ("nums", "words", "ids", "tags", "ints", "z", "znum", "missing"):
        for opts in ([], ["DESC"], ["ALPHA"], ["ALPHA", "DESC"], ["asc"], ["LIMIT", "1", "2"],
                     ["LIMIT", "0", "-1"], ["LIMIT", "-3", "2"], ["LIMIT", "2", "0"],
                     ["LIMIT", "10", "5"], ["alpha", "limit", "1", "100", "desc"]):
            pair.cmd("SORT", key, *opts)
            pair.cmd("SORT_RO", key, *opts)


def test_sort_by_and_get(pair: Pair) -> None:
    pair.both(_setup)
    pair.cmd("SORT", "ids", "BY", "w_*")  # w_4 is not a number
    pair.cmd("SORT", "ids", "BY", "w_*", "LIMIT", "0", "3")
    pair.cmd("SORT", "ids", "BY", "w_*", "ALPHA")
    pair.cmd("SORT", "ids", "BY", "h_*->rank")  # missing weights count as 0
    pair.cmd("SORT", "ids", "BY", "h_*->rank", "DESC")
    pair.cmd("SORT", "ids", "BY", "h_*->name", "ALPHA", "DESC")
    pair.cmd("SORT", "ids", "BY", "nosort", "GET", "#", "GET", "w_*", "GET", "h_*->name")
    pair.cmd("SORT", "ids", "BY", "nosort", "DESC", "LIMIT", "1", "2", "GET", "h_*->")
    pair.cmd("SORT", "ids", "GET", "fixed", "GET", "#", "GET", "h_*->nope", "GET", "str*")
    pair.cmd("SORT", "tags", "BY", "o_*")
    pair.cmd("SORT", "tags", "BY", "o_*", "DESC", "GET", "o_*")
    pair.cmd("SORT", "z", "BY", "nosort")
    pair.cmd("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2")
    pair.cmd("SORT", "z", "BY", "nosort", "BY", "w_*")  # no '*' once: never sorts
    pair.cmd("SORT", "words", "BY", "nosort", "DESC")
    pair.cmd("SORT", "ints", "BY", "nosort")  # an intset's own order
    pair.cmd("SORT", "tags", "BY", "nosort", normalize=sorted_reply)
    pair.cmd("SORT", "ids", "BY", "#")
    pair.check(lambda r: r.sort("ids", by="w_*", get=["#", "w_*"], start=0, num=2))
    pair.check(lambda r: r.sort("ids", by="nosort", get=["#", "h_*->name"], groups=True))
    pair.check(lambda r: r.sort("words", alpha=True, desc=True))
    pair.check(lambda r: r.sort_ro("ids", by="h_*->rank", get=["h_*->name"]))


def test_sort_store(pair: Pair) -> None:
    pair.both(_setup)
    pair.cmd("SET", "dst", "old")
    pair.cmd("EXPIRE", "dst", "1000")
    pair.cmd("SORT", "nums", "LIMIT", "0", "3", "STORE", "dst")
    pair.cmd("LRANGE", "dst", "0", "-1")
    pair.cmd("TTL", "dst")
    pair.cmd("SORT", "ids", "GET", "h_*->name", "STORE", "dst")  # missing reads store ""
    pair.cmd("LRANGE", "dst", "0", "-1")
    pair.cmd("SORT", "tags", "BY", "nosort", "STORE", "dst")  # sorted ALPHA when stored
    pair.cmd("LRANGE", "dst", "0", "-1")
    pair.cmd("SORT", "missing", "STORE", "dst")  # empty: the destination goes
    pair.cmd("EXISTS", "dst")
    pair.cmd("SORT", "ids", "LIMIT", "0", "0", "STORE", "ids")
    pair.cmd("EXISTS", "ids")
    pair.cmd("SORT", "z", "BY", "nosort", "DESC", "STORE", "z")
    pair.cmd("TYPE", "z")
    pair.cmd("LRANGE", "z", "0", "-1")
    pair.check(lambda r: r.sort("tags", alpha=True, store="out"))
    pair.check(lambda r: r.lrange("out", 0, -1))


def test_sort_errors(pair: Pair) -> None:
    pair.both(_setup)
    for args in (["SORT"], ["SORT_RO"], ["SORT", "str"], ["SORT", "h_1"], ["SORT", "words"],
                 ["SORT", "ids", "LIMIT", "x", "1"], ["SORT", "ids", "LIMIT", "0"],
                 ["SORT", "ids", "LIMIT", "0", "1.5"], ["SORT", "ids", "STORE"],
                 ["SORT", "ids", "BY"], ["SORT", "ids", "GET"], ["SORT", "ids", "NOPE"],
                 ["SORT_RO", "ids", "STORE", "x"], ["SORT", "str", "NOPE"],
                 ["SORT", "str", "LIMIT", "x", "0"], ["SORT", "ids", "BY", "w_*", "STORE", "d"]):
        pair.cmd(*args)
    pair.cmd("EXISTS", "d")


def test_sort_weights_are_read_like_strtod() -> None:
    # Beyond the oracle's cases: what strtod accepts and refuses.
    r = burner.Redis()
    r.rpush("k", "1", "2", "3", "4")
    for weight, ok in (("0x10", True), ("  5", True), ("inf", True), ("-Infinity", True),
                       ("1e400", False), ("nan", False), ("5 ", False), ("1e-400", False),
                       ("", True)):
        r.set("w_2", weight)
        if ok:
            result = r.sort("k", by="w_*")
            assert isinstance(result, list) and len(result) == 4
        else:
            with pytest.raises(Exception, match="can't be converted"):
                r.sort("k", by="w_*")
    r.set("w_2", "-1")
    assert r.sort("k", by="w_*") == [b"2", b"1", b"3", b"4"]
