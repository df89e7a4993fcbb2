"""Generic key commands, compared with the real redis-server."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

import pytest
import redis

import burner
import burner.aio
from burner._core import registry
from burner._core.glob import compile_glob, glob_match
from tests.oracle import Pair, RedisServerProcess, sorted_reply

FAR = 4_000_000_000  # a Unix time (s) far in the future
FAR_MS = FAR * 1000


def _has(command: str) -> bool:
    """Whether burner already implements ``command`` (other families land
    separately; tests that need one of their types wait for it)."""
    return command.encode() in registry.TABLE


needs_lists = pytest.mark.skipif(not _has("rpush"), reason="lists not implemented yet")
needs_sets = pytest.mark.skipif(not _has("sadd"), reason="sets not implemented yet")
needs_zsets = pytest.mark.skipif(not _has("zadd"), reason="zsets not implemented yet")


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return True


def scan_reply(value: Any) -> Any:
    """SCAN's reply with its elements sorted (their order is unspecified)."""
    cursor, items = value
    return cursor, sorted(items, key=repr)


# --- glob ------------------------------------------------------------------------
GLOB_KEYS = [
    b"hello", b"hallo", b"hxllo", b"hllo", b"heeeello", b"Hello", b"HELLO",
    b"a", b"b", b"c", b"-", b"]", b"[", b"^", b"\\", b"*", b"?", b"a*b", b"a?b",
    b"ab", b"abc", b"a]b", b"a-b", b"z", b"\xff", b"\x80", b"\x00", b"x\x00y",
    b"foo:1", b"foo:22", b"foo:bar:3", b"bar:foo", b"", b"[abc]", b"a\\b",
]
GLOB_PATTERNS = [
    b"hello", b"a-b", b"]", b"^", b"nokey", b"*", b"h?llo", b"h*llo", b"h[ae]llo", b"h[^e]llo", b"h[a-b]llo", b"h[b-a]llo",
    b"[", b"[^", b"[]", b"[]]", b"[^]", b"[^]]", b"[a-]", b"[a-", b"[-a]", b"[z-a]",
    b"\\", b"a\\", b"\\*", b"\\?", b"\\[", b"a\\*b", b"a[\\]]b", b"[\\", b"[\\]",
    b"[a\\-c]", b"*]", b"*[", b"[[]", b"[*]", b"[?]", b"?", b"??", b"???", b"",
    b"foo:*", b"*:*", b"foo:?", b"*:*:*", b"*foo*", b"**", b"*o*o*", b"*\\",
    b"[\x00-\x7f]", b"[\x80-\xff]", b"[a-\xff]", b"[\xff-a]", b"x?y", b"x*y",
    b"h[el]*o", b"*l[lo]", b"[^a-z]*", b"[A-Z]*", b"[abc", b"a[]b", b"[a-c-e]",
    b"[--/]", b"[^-]", b"\\a\\b\\c", b"[]a]", b"*ll*", b"h*l*l*o", b"H*",
]


def test_glob_matches_redis_keys(redis_server: RedisServerProcess) -> None:
    real = redis_server.client()
    real.flushall()
    for key in GLOB_KEYS:
        real.set(key, b"v")
    for pattern in GLOB_PATTERNS:
        if pattern == b"*":
            continue  # KEYS answers a lone "*" without matching (see below)
        want = sorted(real.keys(pattern))
        match = compile_glob(pattern)
        got = sorted(k for k in GLOB_KEYS if match(k))
        assert got == want, pattern
        assert [k for k in GLOB_KEYS if glob_match(pattern, k)] == [
            k for k in GLOB_KEYS if match(k)
        ]
    real.close()


@pytest.mark.parametrize("pattern", GLOB_PATTERNS[:40])
def test_keys_command(pair: Pair, pattern: bytes) -> None:
    decodes = pair.kwargs.get("decode_responses", False)
    for key in GLOB_KEYS:
        if decodes and not _utf8(key):
            continue
        pair.both(lambda r, key=key: r.set(key, b"v"))  # type: ignore[misc]
    pair.cmd("KEYS", pattern, normalize=sorted_reply)
    pair.check(lambda r: r.keys(pattern), normalize=sorted_reply)


def test_glob_nocase_matches_redis(redis_server: RedisServerProcess) -> None:
    # COMMAND LIST FILTERBY PATTERN is Redis's case-insensitive glob.
    real = redis_server.client()
    real.set_response_callback("COMMAND", lambda response, **options: response)
    names = real.execute_command("COMMAND", "LIST")  # type: ignore[no-untyped-call,unused-ignore]
    rng = random.Random(7)
    alphabet = b"aAeEsSxXzZ*?[]^-\\|"
    patterns = [b"*", b"[A-Z]*", b"*[^A-R]", b"[z-A]*", b"X*", b"?E?", b"[\\A]*", b"*|*"]
    patterns += [bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 7))) for _ in range(300)]
    for pattern in patterns:
        found = real.execute_command(  # type: ignore[no-untyped-call,unused-ignore]
            "COMMAND", "LIST", "FILTERBY", "PATTERN", pattern
        )
        want = sorted(found)
        match = compile_glob(pattern, nocase=True)
        assert sorted(n for n in names if match(n)) == want, pattern
    real.close()


def test_glob_nocase_and_pathological() -> None:
    m = compile_glob(b"h[A-C]*L?o", nocase=True)
    assert m(b"HbxxLLO") and m(b"hcLlo") and not m(b"hdllo")
    assert compile_glob(b"\\A", nocase=True)(b"a")
    assert not compile_glob(b"[\\A]", nocase=True)(b"a")  # escapes stay exact
    assert compile_glob(b"[^a]", nocase=True)(b"b")
    assert not compile_glob(b"*")(b"") and not compile_glob(b"**")(b"")
    assert compile_glob(b"")(b"") and not compile_glob(b"?")(b"")
    assert not compile_glob(b"[^a]", nocase=True)(b"A")
    # The CVE-style pattern Redis guards against: must answer quickly.
    m = compile_glob(b"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b")
    assert not m(b"a" * 10_000)
    assert m(b"a" * 100 + b"b")


# --- existence and deletion ---------------------------------------------------------
def test_del_unlink_exists_touch(pair: Pair) -> None:
    pair.cmd("SET", "a", "1")
    pair.cmd("SET", "b", "2")
    pair.cmd("HSET", "h", "f", "v")
    pair.cmd("EXISTS", "a", "a", "b", "nope", "h")
    pair.cmd("TOUCH", "a", "a", "nope", "h")
    pair.cmd("DEL", "a", "a", "nope")
    pair.cmd("EXISTS", "a")
    pair.cmd("UNLINK", "b", "h", "b", "zz")
    pair.cmd("EXISTS", "b", "h")
    pair.check(lambda r: r.set("x", 1))
    pair.check(lambda r: r.exists("x", "y", "x"))
    pair.check(lambda r: r.touch("x", "y"))
    pair.check(lambda r: r.delete("x", "y"))
    pair.check(lambda r: r.set("x", 1))
    pair.check(lambda r: r.unlink("x"))
    for name in ("DEL", "UNLINK", "EXISTS", "TOUCH"):
        pair.cmd(name)


def test_type(pair: Pair) -> None:
    pair.cmd("SET", "s", "v")
    pair.cmd("HSET", "h", "f", "v")
    pair.cmd("XADD", "x", "*", "f", "v", normalize=lambda v: None)
    for key in ("s", "h", "x", "missing"):
        pair.cmd("TYPE", key)
        pair.check(lambda r, key=key: r.type(key))  # type: ignore[misc]
    pair.cmd("TYPE")
    pair.cmd("TYPE", "a", "b")


@needs_lists
@needs_sets
@needs_zsets
def test_type_other_containers(pair: Pair) -> None:
    pair.cmd("RPUSH", "l", "a")
    pair.cmd("SADD", "st", "a")
    pair.cmd("ZADD", "z", "1", "a")
    for key in ("l", "st", "z"):
        pair.cmd("TYPE", key)
        pair.cmd("OBJECT", "ENCODING", key)
        pair.cmd("COPY", key, key + "2")
        pair.cmd("TYPE", key + "2")
        pair.cmd("SCAN", "0", "TYPE", pair.real.type(key), normalize=scan_reply)


# --- rename ------------------------------------------------------------------------
def test_rename(pair: Pair) -> None:
    pair.cmd("RENAME", "nope", "x")
    pair.cmd("RENAMENX", "nope", "x")
    pair.cmd("RENAME", "nope", "nope")
    pair.cmd("SET", "a", "1")
    pair.cmd("RENAME", "a", "a")
    pair.cmd("RENAMENX", "a", "a")
    pair.cmd("RENAME", "a", "b")
    pair.cmd("EXISTS", "a")
    pair.cmd("GET", "b")
    pair.cmd("HSET", "h", "f", "v")
    pair.cmd("RENAMENX", "b", "h")
    pair.cmd("RENAME", "b", "h")
    pair.cmd("TYPE", "h")
    pair.cmd("GET", "h")
    pair.cmd("RENAME", "x")
    pair.cmd("RENAME", "x", "y", "z")
    pair.cmd("RENAMENX", "x")


def test_rename_moves_ttl(pair: Pair) -> None:
    pair.cmd("SET", "a", "1")
    pair.cmd("EXPIREAT", "a", FAR)
    pair.cmd("SET", "b", "2")
    pair.cmd("EXPIREAT", "b", FAR + 5)
    pair.cmd("SET", "c", "3")
    pair.cmd("RENAME", "a", "c")
    pair.cmd("EXPIRETIME", "c")
    pair.cmd("SET", "d", "4")
    pair.cmd("RENAME", "d", "b")  # the destination's old TTL goes
    pair.cmd("EXPIRETIME", "b")
    pair.check(lambda r: r.renamenx("c", "e"))
    pair.cmd("EXPIRETIME", "e")
    pair.check(lambda r: r.rename("e", "f"))
    pair.check(lambda r: r.renamenx("f", "b"))


# --- copy / move ---------------------------------------------------------------------
def test_copy(pair: Pair) -> None:
    pair.cmd("COPY", "nope", "x")
    pair.cmd("COPY", "a", "a")
    pair.cmd("SET", "a", "1")
    pair.cmd("COPY", "a", "a")
    pair.cmd("COPY", "a", "a", "DB", "0")
    pair.cmd("COPY", "a", "a", "DB", "1")
    pair.cmd("COPY", "a", "b")
    pair.cmd("COPY", "a", "b")
    pair.cmd("SET", "a", "2")
    pair.cmd("COPY", "a", "b", "replace")
    pair.cmd("GET", "b")
    pair.cmd("COPY", "a", "c", "DB", "2", "REPLACE")
    pair.cmd("COPY", "a", "c", "db", "2")
    pair.cmd("SELECT", "2")
    pair.cmd("GET", "c")
    pair.cmd("SELECT", "0")
    for bad in (["DB"], ["DB", "x"], ["DB", "16"], ["DB", "-1"], ["DB", "99999999999"],
                ["DB", "1.5"], ["FOO"], ["REPLACE", "x"], ["DB", "1", "DB"]):
        pair.cmd("COPY", "a", "z", *bad)
        pair.cmd("COPY", "nope", "z", *bad)
    pair.cmd("EXISTS", "z")
    pair.cmd("COPY", "a")
    pair.cmd("EXPIREAT", "a", FAR)
    pair.cmd("COPY", "a", "t")
    pair.cmd("EXPIRETIME", "t")
    pair.check(lambda r: r.copy("a", "u"))
    pair.check(lambda r: r.copy("a", "u"))
    pair.check(lambda r: r.copy("a", "u", replace=True))
    pair.check(lambda r: r.copy("a", "u", destination_db="3"))
    pair.check(lambda r: r.copy("a", "u", destination_db="3", replace=True))
    pair.check(lambda r: r.copy("a", "u", destination_db="0"))


def test_copy_is_deep(pair: Pair) -> None:
    pair.cmd("HSET", "h", "f", "1", "g", "2")
    pair.cmd("COPY", "h", "h2")
    pair.cmd("HSET", "h2", "f", "changed", "new", "x")
    pair.cmd("HDEL", "h", "g")
    pair.cmd("HGETALL", "h")
    pair.cmd("HGETALL", "h2")
    pair.cmd("XADD", "s", "1-1", "a", "b")
    pair.cmd("COPY", "s", "s2")
    pair.cmd("XADD", "s2", "2-1", "c", "d")
    pair.cmd("XLEN", "s")
    pair.cmd("XLEN", "s2")


def test_move(pair: Pair) -> None:
    pair.cmd("MOVE", "nope", "1")
    pair.cmd("SET", "a", "1")
    for bad in ("0", "16", "-1", "x", "", "1.0", "4294967296"):
        pair.cmd("MOVE", "a", bad)
        pair.cmd("MOVE", "nope", bad)
    pair.cmd("EXPIREAT", "a", FAR)
    pair.cmd("MOVE", "a", "1")
    pair.cmd("EXISTS", "a")
    pair.cmd("SET", "a", "again")
    pair.cmd("MOVE", "a", "1")  # already there: nothing moves
    pair.cmd("GET", "a")
    pair.cmd("SELECT", "1")
    pair.cmd("GET", "a")
    pair.cmd("EXPIRETIME", "a")
    pair.check(lambda r: r.move("a", 0))
    pair.cmd("MOVE", "a")
    pair.cmd("MOVE", "a", "1", "2")


# --- expiry ---------------------------------------------------------------------------
EXPIRE_COMMANDS = ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]


@pytest.mark.parametrize("name", EXPIRE_COMMANDS)
def test_expire_errors(pair: Pair, name: str) -> None:
    pair.cmd("SET", "k", "v")
    pair.cmd(name, "k")
    pair.cmd(name, "k", "abc")
    pair.cmd(name, "k", "1.5")
    pair.cmd(name, "k", "")
    pair.cmd(name, "k", "9223372036854775808")
    pair.cmd(name, "k", "10", "foo")
    pair.cmd(name, "k", "abc", "foo")  # options are checked first
    pair.cmd(name, "k", "abc", "NX")
    for combo in (["NX", "XX"], ["NX", "GT"], ["nx", "lt"], ["GT", "LT"], ["xx", "gt", "lt"],
                  ["NX", "NX", "XX"]):
        pair.cmd(name, "k", "1000000", *combo)
        pair.cmd(name, "nope", "1000000", *combo)
    pair.cmd("TTL", "k")
    # Out-of-range deadlines.
    for amount in ("9223372036854775807", "-9223372036854775808", "9223372036854775",
                   "9223372036854776", "-9223372036854776", "-9223372036854775"):
        pair.cmd(name, "nope", amount)
        pair.cmd("SET", "k2", "v")
        pair.cmd(name, "k2", amount)
        pair.cmd("EXISTS", "k2")


@pytest.mark.parametrize("name", EXPIRE_COMMANDS)
def test_expire_options(pair: Pair, name: str) -> None:
    at = name.endswith("AT")
    unit = 1000 if name.startswith("P") else 1

    def amount(seconds: int) -> str:
        return str(((FAR if at else 0) + seconds) * unit)

    for opts in ([], ["NX"], ["XX"], ["GT"], ["LT"], ["XX", "GT"], ["xx", "lt"], ["gt", "gt"]):
        pair.cmd("DEL", "k")
        pair.cmd(name, "k", amount(1000000), *opts)  # missing key
        pair.cmd("SET", "k", "v")
        pair.cmd(name, "k", amount(1000000), *opts)  # no TTL yet
        pair.cmd("EXPIRETIME" if at else "TTL", "k")
        pair.cmd(name, "k", amount(2000000), *opts)  # later
        pair.cmd("EXPIRETIME" if at else "TTL", "k")
        pair.cmd(name, "k", amount(1500000), *opts)  # earlier
        pair.cmd(name, "k", amount(1500000), *opts)  # equal (relative: GT never has a TTL)
        pair.cmd("EXPIRETIME", "k", normalize=lambda v: v if at or v < 0 else "future")
    # A deadline in the past (or now) deletes, and still replies 1.
    for past in ("0", "-1", "-100000"):
        pair.cmd("SET", "k", "v")
        pair.cmd(name, "k", past)
        pair.cmd("EXISTS", "k")
    pair.cmd("SET", "k", "v")
    pair.cmd("EXPIREAT", "k", FAR)
    pair.cmd(name, "k", "-5", "GT")
    pair.cmd(name, "k", "-5", "LT")
    pair.cmd("EXISTS", "k")


def test_ttl_family(pair: Pair) -> None:
    for name in ("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST"):
        pair.cmd(name, "missing")
        pair.cmd(name)
        pair.cmd(name, "a", "b")
    pair.cmd("SET", "k", "v")
    for name in ("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME", "PERSIST"):
        pair.cmd(name, "k")
    pair.cmd("PEXPIREAT", "k", str(FAR_MS + 1999))
    pair.cmd("EXPIRETIME", "k")
    pair.cmd("PEXPIRETIME", "k")
    pair.cmd("EXPIRE", "k", "1000")
    pair.cmd("TTL", "k")  # 1000 s rounds to the same whole second on both
    pair.cmd("PERSIST", "k")
    pair.cmd("PERSIST", "k")
    pair.cmd("TTL", "k")
    pair.cmd("HSET", "h", "f", "v")
    pair.cmd("EXPIREAT", "h", FAR)
    pair.cmd("HSET", "h", "g", "w")  # writes to a container keep its TTL
    pair.cmd("EXPIRETIME", "h")
    pair.cmd("SET", "h", "x")  # SET drops it
    pair.cmd("EXPIRETIME", "h")


def _close(tolerance: int) -> Callable[[Any], Any]:
    def normalize(value: Any) -> Any:
        return value // tolerance if isinstance(value, int) and value > 0 else value

    return normalize


def test_pttl_is_close(pair: Pair) -> None:
    pair.cmd("SET", "k", "v")
    pair.cmd("PEXPIRE", "k", "100000000")
    got = pair.burner.pttl("k")
    want = pair.real.pttl("k")
    assert isinstance(got, int) and isinstance(want, int)
    assert abs(got - want) < 2000 and 99_990_000 < got <= 100_000_000


def test_expiry_through_redis_py(pair: Pair) -> None:
    pair.check(lambda r: r.set("k", "v"))
    pair.check(lambda r: r.expire("k", 1000, xx=True))
    pair.check(lambda r: r.expire("k", 1000, nx=True))
    pair.check(lambda r: r.expire("k", 1000))
    pair.check(lambda r: r.ttl("k"))
    pair.check(lambda r: r.expire("k", 2000, gt=True))
    pair.check(lambda r: r.expire("k", 500, gt=True))
    pair.check(lambda r: r.expire("k", 500, lt=True))
    pair.check(lambda r: r.expire("k", 900, lt=True))
    pair.check(lambda r: r.ttl("k"))
    pair.check(lambda r: r.expire("k", datetime.timedelta(seconds=3000)))
    pair.check(lambda r: r.ttl("k"))
    pair.check(lambda r: r.pexpire("k", 4_000_000, xx=True))
    pair.check(lambda r: r.pexpire("k", datetime.timedelta(seconds=5000), gt=True))
    pair.check(lambda r: r.ttl("k"))
    pair.check(lambda r: r.expireat("k", FAR, gt=True))
    pair.check(lambda r: r.expiretime("k"))
    pair.check(lambda r: r.expireat("k", FAR + 10, nx=True))
    pair.check(lambda r: r.expireat("k", datetime.datetime.fromtimestamp(FAR + 10)))
    pair.check(lambda r: r.expiretime("k"))
    pair.check(lambda r: r.pexpireat("k", FAR_MS + 123, lt=True))
    pair.check(lambda r: r.pexpiretime("k"))
    pair.check(lambda r: r.pexpireat("k", datetime.datetime.fromtimestamp(FAR + 1), xx=True))
    pair.check(lambda r: r.pexpiretime("k"))
    pair.check(lambda r: r.persist("k"))
    pair.check(lambda r: r.expiretime("k"))
    pair.check(lambda r: r.ttl("k"))
    pair.check(lambda r: r.pttl("k"))
    pair.check(lambda r: r.expire("k", 10, nx=True, xx=True))
    pair.check(lambda r: r.expire("k", 10, gt=True, lt=True))
    pair.check(lambda r: r.expire("k", -1))
    pair.check(lambda r: r.exists("k"))
    pair.check(lambda r: r.ttl("k"))
    pair.check(lambda r: r.pttl("k"))


def test_virtual_clock_lazy_and_active_expiry() -> None:
    clock = burner.VirtualClock(start=1_000_000.0)
    server = burner.Server(clock=clock)
    r = burner.Redis(server=server, protocol=3)
    r.set("a", "1")
    r.set("b", "2")
    r.set("c", "3")
    assert r.expire("a", 10)
    assert r.pexpire("b", 10_500)
    assert r.expireat("c", 1_000_100)
    assert r.ttl("a") == 10 and r.pttl("b") == 10_500
    assert r.expiretime("c") == 1_000_100
    assert r.pexpiretime("a") == 1_000_010_000
    clock.advance(9.999)
    assert r.pttl("a") == 1 and r.ttl("a") == 0
    assert r.exists("a", "b", "c") == 3
    clock.advance(0.001)
    # Lazy: the read finds the deadline passed.
    assert r.get("a") is None and r.ttl("a") == -2
    assert r.keys("*") == [b"b", b"c"] or sorted(r.keys("*")) == [b"b", b"c"]
    db = server.dbs[0]
    clock.advance(0.5)
    # Active: nothing reads b, the sweep removes it.
    assert b"b" in db.data
    server.sweep_if_due()
    assert b"b" not in db.data and b"b" not in db.expires
    assert r.dbsize() == 1
    # SCAN and KEYS never show an expired key.
    clock.advance(90)
    assert r.scan(0) == (0, [])
    assert r.keys() == []
    assert r.randomkey() is None
    # MOVE and COPY carry the deadline; PERSIST removes it.
    r.set("m", "v", ex=100)
    assert r.copy("m", "m2") and r.move("m", 1)
    r.execute_command("SELECT", "1")
    assert r.ttl("m") == 100
    assert r.persist("m") and r.ttl("m") == -1
    clock.advance(200)
    assert r.get("m") == b"v"
    r.execute_command("SELECT", "0")
    assert r.get("m2") is None


def test_key_commands_signal_watchers() -> None:
    server = burner.Server()
    watcher = server.new_session()
    client = server.new_session()
    db = server.dbs[0]
    steps: list[list[bytes]] = [
        [b"EXPIRE", b"k", b"100"],
        [b"PERSIST", b"k"],
        [b"RENAME", b"k", b"k2"],
        [b"COPY", b"k2", b"k"],
        [b"MOVE", b"k", b"1"],
        [b"SET", b"k", b"v"],
        [b"EXPIRE", b"k", b"-1"],
    ]
    server.execute(client, [b"SET", b"k", b"v"])
    for argv in steps:
        db.watch(b"k", watcher)
        watcher.dirty = False
        assert server.execute(client, argv) not in (0, None), argv
        assert watcher.dirty, argv
        db.unwatch(b"k", watcher)
    # A command that changes nothing leaves watchers alone.
    db.watch(b"k", watcher)
    watcher.dirty = False
    for argv in ([b"EXPIRE", b"k", b"10"], [b"PERSIST", b"k"], [b"TTL", b"k"], [b"TYPE", b"k"]):
        server.execute(client, argv)
    assert not watcher.dirty


# --- SCAN ---------------------------------------------------------------------------------
def test_scan_small(pair: Pair) -> None:
    pair.cmd("SCAN", "0")
    for key in ("a1", "a2", "b1"):
        pair.cmd("SET", key, "v")
    pair.cmd("HSET", "h1", "f", "v")
    pair.cmd("XADD", "x1", "1-1", "f", "v")
    pair.cmd("SCAN", "0", normalize=scan_reply)
    pair.cmd("SCAN", "0", "MATCH", "a*", normalize=scan_reply)
    pair.cmd("SCAN", "0", "match", "*1", "COUNT", "100", normalize=scan_reply)
    pair.cmd("SCAN", "0", "COUNT", "1000", "MATCH", "?", normalize=scan_reply)
    pair.cmd("SCAN", "0", "TYPE", "string", normalize=scan_reply)
    pair.cmd("SCAN", "0", "TYPE", "HASH", normalize=scan_reply)
    pair.cmd("SCAN", "0", "type", "stream", "MATCH", "x*", normalize=scan_reply)
    pair.cmd("SCAN", "0", "TYPE", "nosuchtype", normalize=scan_reply)
    pair.cmd("SCAN", "0", "MATCH", "a*", "MATCH", "b*", normalize=scan_reply)
    pair.cmd("SCAN", "", "COUNT", "10", normalize=scan_reply)
    pair.check(lambda r: r.scan(0), normalize=scan_reply)
    pair.check(lambda r: r.scan(0, match="a*", count=50), normalize=scan_reply)
    pair.check(lambda r: r.scan(0, _type="string"), normalize=scan_reply)
    pair.check(lambda r: sorted(r.scan_iter()))
    pair.check(lambda r: sorted(r.scan_iter(match="*1", count=1)))
    pair.check(lambda r: sorted(r.scan_iter(_type="hash", count=2)))


def test_scan_errors(pair: Pair) -> None:
    pair.cmd("SET", "a", "v")
    pair.cmd("SCAN")
    for cursor in ("x", " 1", "1 ", "1.5", "0x1", "18446744073709551616", "-", "+",
                   "--1", "-18446744073709551616"):
        pair.cmd("SCAN", cursor)
    for opts in (["COUNT", "0"], ["COUNT", "-1"], ["COUNT", "x"], ["COUNT"], ["MATCH"],
                 ["TYPE"], ["NOVALUES"], ["FOO", "bar"], ["COUNT", "1", "MATCH"],
                 ["COUNT", "9223372036854775808"], ["MATCH", "*", "x"]):
        pair.cmd("SCAN", "0", *opts)
    pair.cmd("SCAN", "x", "COUNT", "0")  # the cursor is checked first


def test_scan_large_full_iteration(pair: Pair) -> None:
    keys = [f"key:{i}" for i in range(300)]

    def fill(r: redis.Redis) -> None:
        for key in keys:
            r.set(key, "v")
        r.hset("hash:1", "f", "v")

    pair.both(fill)
    pair.check(lambda r: sorted(r.scan_iter()))
    pair.check(lambda r: sorted(r.scan_iter(count=7)))
    pair.check(lambda r: sorted(r.scan_iter(match="key:1*", count=13)))
    pair.check(lambda r: sorted(r.scan_iter(_type="HASH", count=20)))
    pair.check(lambda r: sorted(r.scan_iter(count=1000)))
    got = pair.burner.scan(0, count=10)
    assert got[0] != 0 and 1 <= len(got[1]) <= 10


def _scan_all(r: redis.Redis, count: int, cursor: int = 0) -> list[Any]:
    out: list[Any] = []
    while True:
        cursor, items = r.scan(cursor, count=count)
        out.extend(items)
        if cursor == 0:
            return out


def test_scan_guarantees_under_writes() -> None:
    r = burner.Redis()
    for i in range(500):
        r.set(f"k{i}", i)
    seen: list[Any] = []
    cursor = 0
    step = 0
    while True:
        cursor, items = r.scan(cursor, count=25)
        seen.extend(items)
        step += 1
        # Churn: delete some keys not yet seen, add new ones.
        r.delete(f"k{step * 7 % 500}")
        r.set(f"new{step}", 1)
        if cursor == 0:
            break
    stayed = {f"k{i}".encode() for i in range(500)} - {
        f"k{s * 7 % 500}".encode() for s in range(1, step + 1)
    }
    assert stayed <= set(seen)
    assert len(seen) == len(set(seen))
    assert step >= 20  # COUNT was honoured as a hint


def test_scan_odd_cursors() -> None:
    r = burner.Redis()
    for i in range(100):
        r.set(f"k{i}", i)
    # Any unsigned integer is accepted and the scan ends.
    for start in (1, 5, 99, 100, 2**32, 2**32 + 3, 2**63, 2**64 - 1):
        assert len(_scan_all(r, 10, start)) <= 100
    assert r.execute_command("SCAN", "-1")[0] in (b"0", 0, "0")
    # A cursor from one container is harmless on another.
    cursor, _ = r.scan(0, count=10)
    r.execute_command("SELECT", "1")
    assert r.scan(cursor) == (0, [])
    r.execute_command("SELECT", "0")
    # Many concurrent scans: each still completes with every key.
    cursors = [r.scan(0, count=10)[0] for _ in range(300)]
    assert all(c != 0 for c in cursors)
    everything = set(_scan_all(r, 10, 0))
    assert len(everything) == 100


# --- RANDOMKEY / OBJECT ---------------------------------------------------------------------
def test_randomkey(pair: Pair) -> None:
    pair.cmd("RANDOMKEY")
    pair.check(lambda r: r.randomkey())
    pair.cmd("SET", "only", "v")
    pair.cmd("RANDOMKEY")
    pair.check(lambda r: r.randomkey())
    pair.cmd("RANDOMKEY", "x")
    pair.both(lambda r: r.set("other", "v"))
    assert pair.burner.randomkey() in (b"only", b"other", "only", "other")


STRING_VALUES = ["1", "0", "-1", "12345", "9999", "10000", "9223372036854775807",
                 "-9223372036854775808", "9223372036854775808", "-0", "01", "+1", " 1",
                 "1.5", "", "a", "x" * 20, "x" * 44, "x" * 45, "1" * 21, "abc\x00def"]


def test_object(pair: Pair) -> None:
    for i, value in enumerate(STRING_VALUES):
        pair.cmd("SET", f"s{i}", value)
        pair.cmd("OBJECT", "ENCODING", f"s{i}")
        pair.cmd("OBJECT", "REFCOUNT", f"s{i}")
        pair.check(lambda r, i=i: r.object("encoding", f"s{i}"))  # type: ignore[misc]
        pair.check(lambda r, i=i: r.object("refcount", f"s{i}"))  # type: ignore[misc]
    pair.cmd("HSET", "h", "f", "v")
    pair.cmd("OBJECT", "ENCODING", "h")
    pair.cmd("HSET", "h", "big", "x" * 65)
    pair.cmd("OBJECT", "ENCODING", "h")
    pair.cmd("XADD", "x", "1-1", "f", "v")
    pair.cmd("OBJECT", "ENCODING", "x")
    pair.cmd("OBJECT", "REFCOUNT", "h")
    for sub in ("ENCODING", "REFCOUNT", "IDLETIME", "FREQ"):
        pair.cmd("OBJECT", sub, "missing")
        pair.cmd("OBJECT", sub)
        pair.cmd("OBJECT", sub, "a", "b")
    # Redis's idle clock ticks once a second: only "about now" is comparable.
    pair.cmd("OBJECT", "IDLETIME", "h", normalize=lambda v: isinstance(v, int) and v <= 2)
    pair.check(lambda r: r.object("idletime", "h"), normalize=lambda v: v <= 2)
    pair.cmd("OBJECT", "FREQ", "h")
    pair.cmd("OBJECT", "HELP")
    pair.cmd("OBJECT", "help")
    pair.cmd("OBJECT", "HELP", "x")
    pair.cmd("OBJECT", "NOSUCH", "h")
    pair.cmd("OBJECT")


def test_object_lfu_policy() -> None:
    r = burner.Redis()
    r.set("k", "v")
    r.config_set("maxmemory-policy", "allkeys-lfu")
    assert isinstance(r.object("freq", "k"), int)
    with pytest.raises(redis.ResponseError, match="LFU maxmemory policy is selected"):
        r.object("idletime", "k")


def test_arity(pair: Pair) -> None:
    for name in ("KEYS", "RANDOMKEY", "RENAME", "COPY", "MOVE", "EXPIRE", "PEXPIREAT",
                 "TTL", "SCAN", "PERSIST", "EXPIRETIME", "TOUCH", "UNLINK"):
        pair.cmd(name)
    for name in ("KEYS", "RANDOMKEY", "RENAME", "MOVE", "TTL", "PERSIST", "TYPE"):
        pair.cmd(name, "a", "b", "c", "d")


# --- DUMP / RESTORE -------------------------------------------------------------------
def _fill_types(r: redis.Redis) -> None:
    r.set("str", "hello")
    r.set("int", "-12345")
    r.set("long", "abc" * 40)  # LZF-compressed by Redis
    r.set("bin", b"\x00\xff\r\n")
    r.hset("hash", mapping={"a": "1", "b": "-5000", "c": "70000", "d": "x" * 20})
    r.hset("bighash", mapping={f"f{i}": "v" * 70 for i in range(3)})
    r.rpush("list", "a", "1", "-1", "127", "128", "-4096", "4095", "8191", "-8192", "32767",
            "8388607", "2147483647", "9223372036854775807", "x" * 70, "y" * 5000)
    r.sadd("intset", "1", "-2", "3000000000")
    r.sadd("set", "a", "b", "1")
    r.zadd("zset", {"a": 1.5, "b": -2, "c": float("inf"), "d": 1e300})
    r.zadd("bigzset", {f"m{i}": i / 3 for i in range(200)})
    for i in range(250):
        fields = {"a": str(i), "b": "x"} if i % 3 else {"c": "y" * 70, "d": str(-i)}
        r.xadd("stream", fields, id=f"{i + 1}-{i % 5}")  # type: ignore[arg-type]
    r.xdel("stream", "5-4", "6-0", "100-4")
    r.xgroup_create("stream", "g1", id="0")
    r.xgroup_create("stream", "g2", id="$")
    r.xreadgroup("g1", "alice", {"stream": ">"}, count=3)
    r.xreadgroup("g1", "bob", {"stream": ">"}, count=2)
    r.xack("stream", "g1", "1-0")
    r.xadd("emptystream", {"f": "v"}, id="5-5")
    r.xtrim("emptystream", 0)


def _contents(r: redis.Redis, key: str) -> Any:
    kind = r.type(key)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind == "string":
        return r.get(key)
    if kind == "hash":
        return sorted(r.hgetall(key).items())
    if kind == "list":
        return r.lrange(key, 0, -1)
    if kind == "set":
        return sorted(r.smembers(key))
    if kind == "zset":
        return r.zrange(key, 0, -1, withscores=True)
    if kind == "stream":
        info = r.xinfo_stream(key)
        groups = r.xinfo_groups(key)
        pending = [
            [(p["message_id"], p["consumer"], p["times_delivered"])
             for p in r.xpending_range(key, g["name"], "-", "+", 100)]
            for g in groups
        ]
        return (r.xrange(key), info["last-generated-id"], info["max-deleted-entry-id"],
                info["entries-added"], groups, pending)
    return kind


DUMP_KEYS = ["str", "int", "long", "bin", "hash", "bighash", "list", "intset", "set", "zset",
             "bigzset", "stream", "emptystream"]


@needs_lists
@needs_sets
@needs_zsets
def test_dump_restore_both_ways(redis_server: RedisServerProcess) -> None:
    real = redis_server.client()
    real.flushall()
    mine = burner.Redis()
    _fill_types(real)
    _fill_types(mine)
    for key in DUMP_KEYS:
        want = _contents(real, key)
        # Redis's payload restores into burner ...
        payload = real.dump(key)
        assert isinstance(payload, bytes)
        assert mine.restore(key + ":from-redis", 0, payload)
        assert _contents(mine, key + ":from-redis") == want, key
        assert mine.object("encoding", key + ":from-redis") == real.object("encoding", key)
        # ... and burner's into Redis.
        ours = mine.dump(key)
        assert isinstance(ours, bytes)
        assert real.restore(key + ":from-burner", 0, ours)
        assert _contents(real, key + ":from-burner") == want, key
        assert real.object("encoding", key + ":from-burner") == real.object("encoding", key)
    real.close()


def test_dump_restore_options(pair: Pair) -> None:
    pair.cmd("SET", "k", "v")
    pair.cmd("DUMP", "missing")
    pair.check(lambda r: r.dump("missing"))
    payload = pair.real.dump("k")
    assert isinstance(payload, bytes)
    pair.check(lambda r: r.dump("k"))  # a plain string dumps byte for byte alike
    pair.cmd("RESTORE", "k", "0", payload)
    pair.cmd("RESTORE", "k", "0", payload, "REPLACE")
    pair.cmd("GET", "k")
    pair.cmd("RESTORE", "n", "-1", payload)
    pair.cmd("RESTORE", "n", "x", payload)
    pair.cmd("RESTORE", "k", "x", payload)  # BUSYKEY comes before the TTL check
    pair.cmd("RESTORE", "n", "0", b"short")
    pair.cmd("RESTORE", "n", "0", payload[:-1] + bytes([payload[-1] ^ 1]))
    pair.cmd("RESTORE", "n", "0", payload[:-10] + b"\xff\x00" + payload[-8:])
    for opts in (["IDLETIME", "10"], ["IDLETIME", "-1"], ["IDLETIME", "x"], ["FREQ", "0"],
                 ["FREQ", "255"], ["FREQ", "256"], ["FREQ", "-1"], ["IDLETIME", "1", "FREQ", "1"],
                 ["FREQ", "1", "IDLETIME", "1"], ["IDLETIME"], ["BOGUS"], ["ABSTTL"],
                 ["REPLACE", "ABSTTL", "REPLACE"]):
        pair.cmd("RESTORE", "o", "0", payload, *opts)
        pair.cmd("DEL", "o")
    pair.cmd("RESTORE", "t", str(FAR_MS), payload, "ABSTTL")
    pair.cmd("PEXPIRETIME", "t")
    pair.cmd("RESTORE", "t2", "1000000", payload)
    pair.cmd("TTL", "t2")
    pair.cmd("RESTORE", "t3", "1", payload, "ABSTTL")  # already expired: OK, nothing stored
    pair.cmd("EXISTS", "t3")
    pair.cmd("RESTORE", "t", "1", payload, "ABSTTL", "REPLACE")  # deletes the old key
    pair.cmd("EXISTS", "t")
    pair.check(lambda r: r.restore("p", 0, payload))
    pair.check(lambda r: r.restore("p", 0, payload, replace=True, absttl=False))
    pair.check(lambda r: r.restore("q", FAR_MS, payload, absttl=True, idletime=5))
    pair.check(lambda r: r.restore("q2", 0, payload, frequency=10))
    pair.check(lambda r: r.pexpiretime("q"))
    pair.cmd("RESTORE", "k", "0")
    pair.cmd("DUMP")
    pair.cmd("DUMP", "a", "b")


def test_restore_rejects_garbage() -> None:
    r = burner.Redis()
    r.set("k", "v")
    good = r.dump("k")
    assert isinstance(good, bytes)
    from burner._core import rdb

    def sealed(body: bytes) -> bytes:
        body += b"\x0a\x00"
        return body + rdb.crc64(body).to_bytes(8, "little")

    for body in (b"", b"\x00", b"\x00\x05abc", b"\x00\x01ab", b"\x63", b"\x02\x00",
                 b"\x10\x03\x07\x00\x00", b"\x0b\x04\x01\x02", b"\x05\x01\x01a\x00\x00\x00\x00\x00\x00\xf8\x7f",
                 b"\x00\xc3\x02\x05\x21\x00", b"\x12\x01\x03\x01a", b"\x04\x02\x01a\x01b\x01a\x01c"):
        with pytest.raises(redis.ResponseError, match="Bad data format"):
            r.restore("x", 0, sealed(body))
    assert r.exists("x") == 0
    assert r.restore("x", 0, sealed(b"\x00\x03abc")) and r.get("x") == b"abc"



# --- keyspace notifications ---------------------------------------------------------------
def _key_commands(r: redis.Redis) -> None:
    r.set("a", "1")
    r.set("b", "2")
    r.delete("a", "nope", "b")
    r.set("a", "1")
    r.unlink("a")
    r.set("k", "v")
    r.expire("k", 1000)
    r.expire("k", 1000, nx=True)  # refused: no event
    r.persist("k")
    r.persist("k")
    r.rename("k", "k2")
    r.renamenx("k2", "k3")
    r.copy("k3", "k4")
    r.copy("k3", "k4", destination_db="1", replace=True)
    r.move("k4", 1)
    r.move("k3", 2)
    r.set("x", "v")
    dumped = r.dump("x")
    assert isinstance(dumped, bytes)
    r.restore("y", 0, dumped)
    r.restore("y", 1, dumped, replace=True, absttl=True)  # already expired: a del
    r.pexpireat("x", 1)  # in the past: a del
    r.expire("nope", 10)


def test_generic_notifications(pair: Pair) -> None:
    events: list[list[Any]] = []
    for client, wait in ((pair.burner, 0.01), (pair.real, 0.2)):
        client.config_set("notify-keyspace-events", "KEg")
        try:
            p = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
            p.psubscribe("__key*")
            _key_commands(client)
            got = []
            while (m := p.get_message(timeout=wait)) is not None:
                got.append((m["type"], m["channel"], m["data"]))
            events.append(got)
            p.close()
        finally:
            client.config_set("notify-keyspace-events", "")
    assert events[0] == events[1]
    assert len(events[0]) > 20


def test_scan_snapshots_are_bounded() -> None:
    from burner._core import scan

    server = burner.Server()
    members = {b"m%d" % i: b"" for i in range(1000)}
    for _ in range(400):
        cursor, chosen = scan.step(server, 0, members, members, 10)
        assert cursor != 0 and len(chosen) == 10
    cache = scan._cache(server)
    assert len(cache.snapshots) <= 256
    assert cache.held == sum(len(s.items) for s in cache.snapshots.values())
    # A finished scan gives its snapshot back.
    cursor, _ = scan.step(server, 0, members, members, 10)
    before = cache.held
    while cursor:
        cursor, _ = scan.step(server, cursor, members, members, 100)
    assert cache.held == before - len(members)


@pytest.mark.anyio
async def test_async_client() -> None:
    clock = burner.VirtualClock(start=2_000_000.0)
    server = burner.Server(clock=clock)
    for protocol in (2, 3):
        r = burner.aio.Redis(server=server, protocol=protocol, decode_responses=True)
        await r.flushall()
        for i in range(30):
            await r.set(f"k{i}", i)
        assert await r.exists("k1", "k2", "nope") == 2
        assert sorted([k async for k in r.scan_iter(match="k1*", count=3)]) == sorted(
            ["k1"] + [f"k1{i}" for i in range(10)]
        )
        assert len(await r.keys("k?")) == 10
        assert await r.expire("k1", 10, nx=True) is True
        assert await r.expire("k1", 5, gt=True) is False
        assert await r.ttl("k1") == 10
        assert await r.expiretime("k1") == int(clock.time()) + 10
        assert await r.copy("k1", "c1") is True and await r.rename("c1", "c2") is True
        assert await r.pttl("c2") == 10_000
        payload = await r.dump("k2")
        assert isinstance(payload, bytes)
        assert await r.restore("r2", 0, payload) == "OK" and await r.get("r2") == "2"
        assert await r.type("r2") == "string"
        assert await r.object("encoding", "r2") == "int"
        clock.advance(10)
        assert await r.exists("k1", "c2") == 0
        assert await r.move("k3", 1) is True and await r.exists("k3") == 0
        with pytest.raises(redis.ResponseError, match="no such key"):
            await r.rename("gone", "x")
        await r.aclose()


def test_watch_sees_key_commands(pair: Pair) -> None:
    """WATCH through redis-py pipelines: each key command that changes the
    watched key aborts the transaction, one that changes nothing does not."""
    other_burner = burner.Redis(server=pair.burner.server, **pair.kwargs)  # type: ignore[attr-defined]
    other_real = redis.Redis(
        host="127.0.0.1", port=pair.real.connection_pool.connection_kwargs["port"], **pair.kwargs
    )
    actions: list[tuple[list[Any], bool]] = [
        (["EXPIRE", "k", "1000"], True),
        (["EXPIRE", "k", "10", "XX", "GT"], False),
        (["PERSIST", "k"], False),  # no TTL: nothing changes
        (["PEXPIRE", "k", "-1"], True),
        (["RENAME", "k", "k2"], True),
        (["COPY", "src", "k", "REPLACE"], True),
        (["COPY", "src", "k"], False),  # k exists: nothing is copied
        (["MOVE", "k", "1"], True),
        (["TOUCH", "k"], False),
        (["DEL", "nope"], False),
        (["SORT", "l", "STORE", "k"], True),
        (["RESTORE", "k", "0", None, "REPLACE"], True),
    ]
    sides: list[tuple[Any, Any]] = [(pair.burner, other_burner), (pair.real, other_real)]
    for client, other in sides:
        client.flushall()
        client.set("src", "s")
        client.rpush("l", "2", "1")
        payload = client.dump("src")
        results: list[Any] = []
        for argv, _ in actions:
            client.set("k", "v", ex=1000 if argv[0] == "EXPIRE" and len(argv) > 3 else None)
            with client.pipeline() as pipe:
                pipe.watch("k")
                other.execute_command(*[payload if a is None else a for a in argv])
                pipe.multi()
                pipe.get("src")
                try:
                    results.append(pipe.execute())
                except redis.WatchError:
                    results.append("aborted")
            client.execute_command("SELECT", "0")
        expected = ["aborted" if aborts else [b"s" if not pair.kwargs["decode_responses"] else "s"]
                    for _, aborts in actions]
        assert results == expected, client
    other_burner.close()
    other_real.close()
