"""Server commands compared with the real redis-server: DBSIZE, FLUSHDB,
FLUSHALL, SWAPDB, TIME, CONFIG GET/SET (with the old ziplist aliases)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.oracle import Pair


def test_dbsize_flush(pair: Pair) -> None:
    pair.cmd("MSET", "a", "1", "b", "2")
    pair.cmd("DBSIZE")
    pair.cmd("DBSIZE", "x")
    pair.cmd("FLUSHDB", "BAD")
    pair.cmd("FLUSHDB", "ASYNC", "SYNC")
    pair.cmd("FLUSHDB", "SYNC")
    pair.cmd("DBSIZE")
    pair.cmd("SET", "a", "1")
    pair.cmd("SELECT", "2")
    pair.cmd("SET", "b", "1")
    pair.cmd("FLUSHALL", "ASYNC")
    pair.cmd("DBSIZE")
    pair.cmd("SELECT", "0")
    pair.cmd("DBSIZE")
    pair.check(lambda r: r.flushdb(asynchronous=True))
    pair.check(lambda r: r.flushall(asynchronous=False))


def test_swapdb(pair: Pair) -> None:
    pair.cmd("SET", "k", "zero")
    pair.cmd("SELECT", "1")
    pair.cmd("SET", "k", "one")
    pair.cmd("SWAPDB", "0", "1")
    pair.cmd("GET", "k")
    pair.cmd("SELECT", "0")
    pair.cmd("GET", "k")
    pair.cmd("SWAPDB", "0", "0")
    pair.cmd("SWAPDB", "0", "16")
    pair.cmd("SWAPDB", "-1", "0")
    pair.cmd("SWAPDB", "x", "0")
    pair.cmd("SWAPDB", "0", "x")
    pair.check(lambda r: r.swapdb(0, 1))
    pair.cmd("FLUSHALL")


def test_time_shape(pair: Pair) -> None:
    def shape(value: Any) -> Any:
        seconds, micros = value
        return (type(seconds), type(micros), 0 <= micros < 1_000_000)

    pair.check(lambda r: r.time(), normalize=shape)


@pytest.mark.parametrize(
    "name", ["hash-max-ziplist-entries", "hash-max-listpack-entries", "zset-max-ziplist-value", "list-max-ziplist-size"]
)
def test_config_aliases(pair: Pair, name: str) -> None:
    pair.check(lambda r: r.config_get(name))
    pair.check(lambda r: r.config_set(name, "100"))
    pair.check(lambda r: r.config_get(name))
    pair.check(lambda r: r.config_get("hash-max-*-entries"))
    pair.check(lambda r: r.config_set("hash-max-listpack-entries", "512"))
    pair.check(lambda r: r.config_set("zset-max-listpack-value", "64"))
    pair.check(lambda r: r.config_set("list-max-listpack-size", "-2"))


def test_config_errors(pair: Pair) -> None:
    pair.cmd("CONFIG", "SET", "no-such-parameter", "1")
    pair.cmd("CONFIG", "SET", "notify-keyspace-events")
    pair.cmd("CONFIG", "GET")
    pair.cmd("CONFIG", "NOPE")
    pair.check(lambda r: r.config_get("no-such-*"))
