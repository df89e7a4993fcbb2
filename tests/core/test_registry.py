"""The command table against the real server's COMMAND INFO.

For every command and subcommand burner registers that the oracle also knows,
arity, flags and legacy key positions (first, last, step) must be Redis's own.
All mismatches are reported in one assertion. The COMMAND family's reply
shapes are compared too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

import burner
from burner._core import registry
from tests.oracle import Pair, RedisServerProcess

# What a COMMAND INFO entry says, as compared here.
Entry = tuple[int, frozenset[str], int, int, int]

# Where Redis 7.2+ changed an entry the 7.0 oracle still has: burner follows 7.2.
NEWER_REDIS: dict[str, dict[str, object]] = {
    "zrank": {"arity": -3},  # ZRANK key member [WITHSCORE], 7.2
    "zrevrank": {"arity": -3},  # ZREVRANK key member [WITHSCORE], 7.2
}


def _registered_names() -> list[str]:
    names: list[str] = []
    for cmd in registry.all_commands():
        names.append(cmd.name)
        names.extend(sub.full_name for sub in cmd.subcommands.values())
    return sorted(names)


def _as_text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _entry(info: list[Any]) -> Entry:
    return (
        int(info[1]),
        frozenset(_as_text(f) for f in info[2]),
        int(info[3]),
        int(info[4]),
        int(info[5]),
    )


def _show(value: object) -> str:
    if isinstance(value, frozenset):
        return str(sorted(value))
    return str(value)


def _burner_entry(name: str) -> Entry:
    parent, _, sub = name.partition("|")
    cmd = registry.TABLE[parent.encode()]
    if sub:
        cmd = cmd.subcommands[sub.encode()]
    return (cmd.arity, cmd.flags, cmd.first_key, cmd.last_key, cmd.key_step)


@pytest.fixture(scope="module")
def real(redis_server: RedisServerProcess) -> Iterator[redis.Redis]:
    client = redis_server.client(protocol=2)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def raw() -> Iterator[redis.Redis]:
    client = burner.Redis(protocol=2)
    try:
        yield client
    finally:
        client.close()


def test_table_matches_command_info(real: redis.Redis) -> None:
    names = _registered_names()
    assert names, "the command table is empty"
    infos = real.execute_command("COMMAND INFO", *names)  # type: ignore[no-untyped-call,unused-ignore]
    assert len(infos) == len(names)
    mismatches: list[str] = []
    known = 0
    for name, info in zip(names, infos):
        if info is None:
            continue  # newer than the oracle (e.g. CLIENT SETINFO, 7.2)
        known += 1
        want = _entry(info)
        got = _burner_entry(name)
        if got != want:
            parts = []
            labels = ("arity", "flags", "first", "last", "step")
            newer = NEWER_REDIS.get(name, {})
            for label, g, w in zip(labels, got, want):
                if g != w and newer.get(label, w) != g:
                    parts.append(f"{label} {_show(g)} != redis {_show(w)}")
            if parts:
                mismatches.append(f"{name}: " + "; ".join(parts))
    assert known > 0
    assert not mismatches, "command table differs from Redis:\n" + "\n".join(mismatches)


def test_every_registered_name_is_reachable() -> None:
    for cmd in registry.all_commands():
        assert registry.TABLE[cmd.name.encode()] is cmd
        assert registry.TABLE[cmd.name.upper().encode()] is cmd
        assert cmd.name == cmd.name.lower()
        assert cmd.arity != 0
        for key, sub in cmd.subcommands.items():
            assert sub.parent is cmd
            assert key == sub.name.encode()
            assert sub.handler is not None
            assert sub.full_name == f"{cmd.name}|{sub.name}"


def _shape(value: Any) -> Any:
    """A reply's structure: the types, with list lengths, not the values."""
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def _common_names(real: redis.Redis, names: list[str]) -> list[str]:
    infos = real.execute_command("COMMAND INFO", *names)  # type: ignore[no-untyped-call,unused-ignore]
    return [n for n, info in zip(names, infos) if info is not None]


def test_command_info_shape(real: redis.Redis, raw: redis.Redis) -> None:
    names = _common_names(real, _registered_names())
    got = raw.execute_command("COMMAND INFO", *names)  # type: ignore[no-untyped-call,unused-ignore]
    want = real.execute_command("COMMAND INFO", *names)  # type: ignore[no-untyped-call,unused-ignore]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert len(g) == len(w) == 10
        assert g[0] == w[0]
        # name, arity, flags, first, last, step, categories, tips, key specs, subcommands
        assert [type(x) for x in g[:6]] == [type(x) for x in w[:6]]
        assert all(isinstance(x, list) for x in g[6:])
        known = {n.encode() for n in names}
        assert sorted(s[0] for s in g[9] if s[0] in known) == sorted(
            s[0] for s in w[9] if s[0] in known
        )
    unknown = raw.execute_command("COMMAND INFO", "nosuchcommand", "get")  # type: ignore[no-untyped-call,unused-ignore]
    assert unknown[0] is None
    assert unknown[1][0] == b"get"


def test_command_count_list_and_full(raw: redis.Redis) -> None:
    count = raw.execute_command("COMMAND COUNT")  # type: ignore[no-untyped-call,unused-ignore]
    listed = raw.execute_command("COMMAND LIST")  # type: ignore[no-untyped-call,unused-ignore]
    full = raw.command()
    assert isinstance(count, int)
    assert count == len(listed) == len(full) == len(registry.all_commands())
    assert sorted(listed) == sorted(c.name.encode() for c in registry.all_commands())
    assert sorted(full) == sorted(n.decode() for n in listed)
    assert raw.execute_command("COMMAND LIST", "FILTERBY", "PATTERN", "c*") == sorted(  # type: ignore[no-untyped-call,unused-ignore]
        [n for n in listed if n.startswith(b"c")], key=listed.index
    )


def test_redis_py_command_methods(pair: Pair) -> None:
    count = pair.burner.command_count()
    assert isinstance(count, int) and count > 0
    info = pair.burner.command()
    assert isinstance(info, dict) and "get" in info
    real_get = pair.real.command()["get"]
    assert _shape(info["get"]) == _shape(real_get) or set(info["get"]) == set(real_get)
    # The real server knows more commands: burner's matches are a subset.
    for pattern in ("ge?", "get*", "c*", "*"):
        got = pair.burner.command_list(pattern=pattern)
        want = pair.real.command_list(pattern=pattern)
        assert got and set(got) <= set(want)
    assert pair.burner.command_list(pattern="nosuch*") == []


def test_command_getkeys(pair: Pair) -> None:
    pair.cmd("COMMAND GETKEYS", "GET", "k")
    pair.cmd("COMMAND GETKEYS", "SET", "k", "v", "EX", "10")
    pair.cmd("COMMAND GETKEYS", "DEL", "a", "b", "c")
    pair.cmd("COMMAND GETKEYS", "PING")
    pair.cmd("COMMAND GETKEYS", "NOSUCHCOMMAND", "x")
    pair.cmd("COMMAND GETKEYS", "GET")
    pair.cmd("COMMAND GETKEYS")
    pair.check(lambda r: r.command_getkeys("DEL", "a", "b"))


def test_command_errors(pair: Pair) -> None:
    pair.cmd("COMMAND NOSUCH")
    pair.cmd("COMMAND COUNT", "extra")
    pair.cmd("COMMAND LIST", "FILTERBY")
    pair.cmd("COMMAND LIST", "FILTERBY", "NOPE", "x")
    pair.cmd("COMMAND LIST", "FILTERBY", "MODULE", "nosuchmodule")
    pair.cmd("COMMAND INFO", "nosuchcommand")
    pair.cmd("COMMAND GETKEYS", "nosuchcommand")
