"""Connection and server basics, compared with the real redis-server."""

from __future__ import annotations

import pytest
import redis

import burner
from tests.oracle import Pair


def test_ping_echo(pair: Pair) -> None:
    pair.cmd("PING")
    pair.cmd("PING", "hello")
    pair.cmd("PING", "a", "b")
    pair.cmd("ECHO", "x")
    pair.cmd("ECHO")
    pair.check(lambda r: r.ping())
    pair.check(lambda r: r.echo("hi"))


def test_unknown_command_and_arity(pair: Pair) -> None:
    pair.cmd("NOSUCHCOMMAND", "a", "b")
    pair.cmd("NOSUCHCOMMAND")
    pair.cmd("NOSUCH", "x" * 200, "y")
    pair.cmd("GET")
    pair.cmd("GET", "a", "b")
    pair.cmd("CLIENT")
    pair.cmd("CLIENT", "NOSUCH")


@pytest.mark.parametrize("index", ["0", "15", "16", "-1", "x", "1.5"])
def test_select(pair: Pair, index: str) -> None:
    pair.cmd("SELECT", index)


def test_select_isolates_databases(pair: Pair) -> None:
    pair.cmd("SET", "k", "db0")
    pair.cmd("SELECT", "3")
    pair.cmd("GET", "k")
    pair.cmd("SET", "k", "db3")
    pair.cmd("DBSIZE")
    pair.cmd("SELECT", "0")
    pair.cmd("GET", "k")


def test_client_name(pair: Pair) -> None:
    pair.check(lambda r: r.client_getname())
    pair.check(lambda r: r.client_setname("worker-1"))
    pair.check(lambda r: r.client_getname())
    pair.cmd("CLIENT", "SETNAME", "has space")
    assert isinstance(pair.burner.client_id(), int)


def test_client_setinfo_is_accepted() -> None:
    # CLIENT SETINFO arrived in Redis 7.2, after the oracle's 7.0; redis-py
    # sends it on connect. burner accepts it as 7.2 does.
    r = burner.Redis()
    assert r.execute_command("CLIENT", "SETINFO", "lib-name", "mylib") in (b"OK", True)
    with pytest.raises(redis.ResponseError, match="Unrecognized option 'nope'"):
        r.execute_command("CLIENT", "SETINFO", "nope", "1.0")
    with pytest.raises(redis.ResponseError, match="cannot contain spaces"):
        r.execute_command("CLIENT", "SETINFO", "lib-ver", "1 0")
