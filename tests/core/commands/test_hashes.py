"""Hash commands, compared with the real redis-server."""

from __future__ import annotations

from typing import Any, cast

import pytest
import redis

import burner
import burner.aio
from burner._core.values.hash import Hash
from tests.oracle import Pair, sorted_reply


def _setup_wrongtype(pair: Pair) -> None:
    pair.both(lambda r: r.set("str", "x"))


def _burner_hash(pair: Pair, key: str) -> Hash:
    client = cast(burner.Redis, pair.burner)
    value = client.server.dbs[0].data[key.encode()]
    assert type(value) is Hash
    value._check()
    return value


def _same_encoding(pair: Pair, key: str) -> None:
    want = pair.real.object("encoding", key)
    if isinstance(want, str):
        want = want.encode()
    assert _burner_hash(pair, key).encoding() == want


def _pairs(value: Any) -> list[Any]:
    """A HGETALL-like reply (dict or flat list) as sorted (field, value) pairs."""
    if isinstance(value, dict):
        return sorted(value.items(), key=repr)
    it = iter(value)
    return sorted(zip(it, it), key=repr)


# --- HSET / HMSET / HSETNX / HGET -------------------------------------------------


def test_hset_forms(pair: Pair) -> None:
    pair.check(lambda r: r.hset("h", "f1", "v1"))
    pair.check(lambda r: r.hset("h", "f1", "v2"))
    pair.check(lambda r: r.hset("h", mapping={"f2": "a", "f3": 3, "f4": 1.5}))
    pair.check(lambda r: r.hset("h", items=["f5", "x", "f1", "y"]))
    pair.check(lambda r: r.hset("h", "k", "v", mapping={"m": "1"}, items=["i", "2"]))
    pair.cmd("HSET", "h", "dup", "1", "dup", "2", "new", "3")
    pair.cmd("HGET", "h", "dup")
    pair.check(lambda r: r.hget("h", "f1"))
    pair.check(lambda r: r.hget("h", "f4"))
    pair.check(lambda r: r.hget("h", "missing"))
    pair.check(lambda r: r.hget("nokey", "f"))
    pair.cmd("HSET", "h", "", "")
    pair.cmd("HGET", "h", "")
    pair.check(lambda r: r.hgetall("h"))
    _same_encoding(pair, "h")


def test_hset_errors(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HSET", "h", "f")
    pair.cmd("HSET", "h", "f", "v", "g")
    pair.cmd("HSET", "h")
    pair.cmd("HSET")
    pair.cmd("HSET", "str", "f", "v")
    pair.cmd("HSET", "str", "f")  # arity is checked before the type
    pair.cmd("HGET", "str", "f")
    pair.cmd("HGET", "h")
    pair.cmd("HGET", "h", "f", "g")
    pair.cmd("EXISTS", "h")
    pair.cmd("GET", "str")


def test_hmset(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HMSET", "h", "a", "1", "b", "2")
    pair.cmd("HMSET", "h", "a", "3")
    pair.cmd("HGETALL", "h")
    pair.cmd("HMSET", "h", "a")
    pair.cmd("HMSET", "h", "a", "1", "b")
    pair.cmd("HMSET", "h")
    pair.cmd("HMSET", "str", "a", "1")
    pair.cmd("HMSET", "str", "a")
    pair.cmd("HGETALL", "h")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_hmset_method(pair: Pair) -> None:
    pair.check(lambda r: r.hmset("h", {"a": 1, "b": "two", "c": 3.25}))
    pair.check(lambda r: r.hgetall("h"))


def test_hsetnx(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.check(lambda r: r.hsetnx("h", "f", "1"))
    pair.check(lambda r: r.hsetnx("h", "f", "2"))
    pair.check(lambda r: r.hsetnx("h", "g", "3"))
    pair.check(lambda r: r.hgetall("h"))
    pair.cmd("HSETNX", "str", "f", "v")
    pair.cmd("HSETNX", "h", "f")
    pair.cmd("HSETNX", "h", "f", "v", "w")
    pair.cmd("HSETNX", "big", "f", "x" * 65)
    _same_encoding(pair, "big")
    pair.cmd("HSETNX", "big2", "f" * 65, "x")
    _same_encoding(pair, "big2")
    pair.cmd("HSETNX", "h", "h" * 65, "x")
    _same_encoding(pair, "h")


# --- reads ---------------------------------------------------------------------------


def test_hmget(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HSET", "h", "a", "1", "b", "2")
    pair.check(lambda r: r.hmget("h", ["a", "b", "c"]))
    pair.check(lambda r: r.hmget("h", "b", "a", "a"))
    pair.check(lambda r: r.hmget("h", "zz"))
    pair.check(lambda r: r.hmget("nokey", ["a", "b"]))
    pair.cmd("HMGET", "h")
    pair.cmd("HMGET", "str", "a")
    pair.cmd("HMGET", "nokey", "a")


def test_hgetall_hkeys_hvals(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HSET", "h", "z", "1", "a", "2", "m", "3")
    pair.cmd("HSET", "h", "a", "4")  # overwriting keeps the place
    pair.cmd("HDEL", "h", "z")
    pair.cmd("HSET", "h", "z", "5")  # a re-added field goes last
    for name in ("HGETALL", "HKEYS", "HVALS"):
        pair.cmd(name, "h")
        pair.cmd(name, "nokey")
        pair.cmd(name, "str")
        pair.cmd(name)
        pair.cmd(name, "h", "extra")
    pair.check(lambda r: r.hgetall("h"))
    pair.check(lambda r: r.hgetall("nokey"))
    pair.check(lambda r: r.hkeys("h"))
    pair.check(lambda r: r.hvals("h"))


def test_large_hash_is_a_hashtable(pair: Pair) -> None:
    mapping: dict[Any, Any] = {f"field:{i}": f"value:{i}" for i in range(512)}
    pair.check(lambda r: r.hset("h", mapping=mapping))
    _same_encoding(pair, "h")  # 512 entries: still a listpack
    pair.check(lambda r: r.hset("h", "one-more", "x"))
    _same_encoding(pair, "h")
    pair.check(lambda r: r.hdel("h", "one-more", "field:0", "field:1"))
    _same_encoding(pair, "h")  # never converts back
    pair.check(lambda r: r.hgetall("h"))  # order differs; a dict compares without it
    pair.check(lambda r: r.hkeys("h"), sorted_reply)
    pair.check(lambda r: r.hvals("h"), sorted_reply)
    pair.check(lambda r: r.hlen("h"))


def test_long_value_makes_a_hashtable(pair: Pair) -> None:
    pair.cmd("HSET", "h", "a", "1")
    pair.cmd("HSET", "h", "b", "x" * 64)
    _same_encoding(pair, "h")
    pair.cmd("HSET", "h", "c", "x" * 65)
    _same_encoding(pair, "h")
    pair.cmd("HDEL", "h", "c")
    _same_encoding(pair, "h")
    pair.cmd("HSET", "k", "f" * 65, "1")
    _same_encoding(pair, "k")
    pair.cmd("HINCRBY", "i", "f" * 65, "1")
    _same_encoding(pair, "i")
    pair.cmd("HINCRBYFLOAT", "j", "f" * 64, "1e70")
    _same_encoding(pair, "j")
    pair.cmd("HINCRBYFLOAT", "j2", "f", "1e70")
    _same_encoding(pair, "j2")
    pair.cmd("HGETALL", "j2")


def test_encoding_follows_config(pair: Pair) -> None:
    pair.cmd("HSET", "before", "a", "1", "b", "2", "c", "3")
    try:
        pair.both(lambda r: r.config_set("hash-max-listpack-entries", 2))
        pair.both(lambda r: r.config_set("hash-max-listpack-value", 4))
        pair.cmd("HSET", "two", "a", "1", "b", "2")
        _same_encoding(pair, "two")
        pair.cmd("HSET", "three", "a", "1", "b", "2", "c", "3")
        _same_encoding(pair, "three")
        pair.cmd("HSET", "long", "a", "12345")
        _same_encoding(pair, "long")
        pair.cmd("HSET", "before", "d", "4")
        _same_encoding(pair, "before")
    finally:
        pair.both(lambda r: r.config_set("hash-max-listpack-entries", 512))
        pair.both(lambda r: r.config_set("hash-max-listpack-value", 64))


def test_hlen_hexists_hstrlen(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HSET", "h", "a", "hello", "b", "", "c", "12345")
    pair.check(lambda r: r.hlen("h"))
    pair.check(lambda r: r.hlen("nokey"))
    pair.check(lambda r: r.hexists("h", "a"))
    pair.check(lambda r: r.hexists("h", "b"))
    pair.check(lambda r: r.hexists("h", "x"))
    pair.check(lambda r: r.hexists("nokey", "a"))
    pair.check(lambda r: r.hstrlen("h", "a"))
    pair.check(lambda r: r.hstrlen("h", "b"))
    pair.check(lambda r: r.hstrlen("h", "c"))
    pair.check(lambda r: r.hstrlen("h", "x"))
    pair.check(lambda r: r.hstrlen("nokey", "a"))
    for name in ("HEXISTS", "HSTRLEN"):
        pair.cmd(name, "str", "a")
        pair.cmd(name, "h")
        pair.cmd(name, "h", "a", "b")
    pair.cmd("HLEN", "str")
    pair.cmd("HLEN")
    pair.cmd("HLEN", "h", "a")


# --- HDEL -----------------------------------------------------------------------------


def test_hdel(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HSET", "h", "a", "1", "b", "2", "c", "3")
    pair.check(lambda r: r.hdel("h", "a"))
    pair.check(lambda r: r.hdel("h", "a"))
    pair.check(lambda r: r.hdel("h", "x", "b", "b"))
    pair.check(lambda r: r.hgetall("h"))
    pair.check(lambda r: r.hdel("h", "c", "c", "zz"))
    pair.cmd("EXISTS", "h")  # the emptied hash is gone
    pair.cmd("TYPE", "h")
    pair.check(lambda r: r.hdel("nokey", "a"))
    pair.cmd("HDEL", "str", "a")
    pair.cmd("HDEL", "h")
    pair.cmd("HDEL")


# --- HINCRBY ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "incr"),
    [
        (None, "1"),
        (None, "-5"),
        ("10", "0"),
        ("10", "-20"),
        ("-1", "1"),
        ("9223372036854775806", "1"),
        ("9223372036854775807", "1"),
        ("-9223372036854775807", "-1"),
        ("-9223372036854775808", "-1"),
        ("1", "9223372036854775807"),
        ("-1", "-9223372036854775808"),
        ("0", "-9223372036854775808"),
        ("abc", "1"),
        ("1.5", "1"),
        ("", "1"),
        (" 1", "1"),
        ("01", "1"),
        ("-0", "1"),
        ("+1", "1"),
        ("9223372036854775808", "1"),
        ("1", "abc"),
        ("1", "1.0"),
        ("1", ""),
        ("1", "9223372036854775808"),
        ("1", "-9223372036854775809"),
        ("1", " 1"),
        ("1", "0x10"),
    ],
)
def test_hincrby_values(pair: Pair, start: str | None, incr: str) -> None:
    if start is not None:
        pair.cmd("HSET", "h", "f", start)
    pair.cmd("HINCRBY", "h", "f", incr)
    pair.cmd("HGETALL", "h")
    pair.cmd("EXISTS", "h")


def test_hincrby(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.check(lambda r: r.hincrby("h", "f"))
    pair.check(lambda r: r.hincrby("h", "f", 41))
    pair.check(lambda r: r.hincrby("h", "g", -3))
    pair.check(lambda r: r.hgetall("h"))
    pair.cmd("HINCRBY", "str", "f", "1")
    pair.cmd("HINCRBY", "str", "f", "x")  # the increment is read first
    pair.cmd("HINCRBY", "nokey", "f", "x")
    pair.cmd("EXISTS", "nokey")
    pair.cmd("HINCRBY", "h", "f")
    pair.cmd("HINCRBY", "h", "f", "1", "2")


# --- HINCRBYFLOAT -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "incr"),
    [
        (None, "1.5"),
        (None, "0"),
        (None, "-0"),
        (None, "1e308"),
        ("10.5", "0.1"),
        ("10", "-10"),
        ("3", "1.0e1"),
        ("5.0e3", "2.0e2"),
        ("0.1", "0.2"),
        ("1", ".5"),
        ("1", "5."),
        ("1", "+1.5"),
        ("1", "1e-20"),
        ("1.7976931348623157e308", "1.7976931348623157e308"),
        ("1e4932", "1e4932"),
        ("-1e4932", "-1e4932"),
        ("123456789012345678", "1"),
        ("9223372036854775807", "1"),
        ("0x10", "1"),
        ("1", "0x1p4"),
        ("inf", "1"),
        ("-inf", "1"),
        ("nan", "1"),
        ("abc", "1"),
        ("", "1"),
        (" 1", "1"),
        ("1 ", "1"),
        ("1", "inf"),
        ("1", "-inf"),
        ("1", "+inf"),
        ("1", "infinity"),
        ("1", "nan"),
        ("1", "abc"),
        ("1", ""),
        ("1", " 1"),
        ("1", "1 "),
        ("1", "1e5000"),
        ("1", "1e-5000"),
    ],
)
def test_hincrbyfloat_values(pair: Pair, start: str | None, incr: str) -> None:
    if start is not None:
        pair.cmd("HSET", "h", "f", start)
    pair.cmd("HINCRBYFLOAT", "h", "f", incr)
    pair.cmd("HGETALL", "h")
    pair.cmd("EXISTS", "h")


def test_hincrbyfloat(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.check(lambda r: r.hincrbyfloat("h", "f"))
    pair.check(lambda r: r.hincrbyfloat("h", "f", 2.5))
    pair.check(lambda r: r.hincrbyfloat("h", "f", -0.1))
    pair.check(lambda r: r.hincrbyfloat("h", "g", 3))
    pair.check(lambda r: r.hincrbyfloat("h", "g", 1e-3))
    pair.check(lambda r: r.hgetall("h"))
    pair.cmd("HINCRBYFLOAT", "str", "f", "1")
    pair.cmd("HINCRBYFLOAT", "str", "f", "x")
    pair.cmd("HINCRBYFLOAT", "str", "f", "inf")
    pair.cmd("HINCRBYFLOAT", "nokey", "f", "inf")
    pair.cmd("EXISTS", "nokey")
    pair.cmd("HINCRBYFLOAT", "h", "f")
    pair.cmd("HINCRBYFLOAT", "h", "f", "1", "2")


# --- HRANDFIELD ----------------------------------------------------------------------------


def _as_pairs(reply: list[Any], withvalues: bool) -> list[tuple[Any, Any]]:
    if not withvalues:
        return [(f, None) for f in reply]
    if reply and isinstance(reply[0], list):
        assert all(isinstance(p, list) and len(p) == 2 for p in reply)
        return [(p[0], p[1]) for p in reply]
    assert len(reply) % 2 == 0
    it = iter(reply)
    return list(zip(it, it))


def _shape(reply: Any) -> Any:
    if isinstance(reply, list):
        return ("list", len(reply), sorted({repr(_shape(item)) for item in reply}))
    return type(reply).__name__


def check_hrandfield(
    got: Any, want: Any, content: dict[Any, Any], count: int | None, withvalues: bool
) -> None:
    """Random replies: burner's must have the shape and properties of Redis's."""
    assert _shape(got) == _shape(want), f"burner {got!r} vs redis {want!r}"
    if count is None:
        assert (got is None) == (not content)
        assert got is None or got in content
        return
    pairs = _as_pairs(got, withvalues)
    for field, value in pairs:
        assert field in content
        if withvalues:
            assert value == content[field]
    size = len(content)
    if count < 0:
        assert len(pairs) == (-count if size else 0)
    else:
        assert len(pairs) == min(count, size)
        assert len({f for f, _ in pairs}) == len(pairs)
        if count >= size:
            assert {f for f, _ in pairs} == set(content)


def _hrandfield_both(pair: Pair, key: str, count: int | None, withvalues: bool) -> None:
    content = pair.real.hgetall(key)
    got = pair.burner.hrandfield(key, count, withvalues)
    want = pair.real.hrandfield(key, count, withvalues)
    check_hrandfield(got, want, content, count, withvalues)
    args: list[Any] = [] if count is None else [count]
    if withvalues:
        args.append("WITHVALUES")
    mine: Any = pair.burner
    theirs: Any = pair.real
    got = mine.execute_command("HRANDFIELD", key, *args)
    want = theirs.execute_command("HRANDFIELD", key, *args)
    check_hrandfield(got, want, content, count, withvalues)


@pytest.mark.parametrize(
    ("count", "withvalues"),
    [(None, False)]
    + [(c, w) for c in (0, 1, 2, 3, 5, 100, -1, -3, -10) for w in (False, True)],
)
def test_hrandfield(pair: Pair, count: int | None, withvalues: bool) -> None:
    pair.cmd("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5")
    pair.cmd("HSET", "one", "only", "x")
    for key in ("h", "one", "nokey"):
        _hrandfield_both(pair, key, count, withvalues)


def test_hrandfield_covers_every_field() -> None:
    r: Any = burner.Redis()
    r.hset("h", mapping={str(i): str(i) for i in range(10)})
    seen: set[bytes] = set()
    for _ in range(200):
        seen.update(r.hrandfield("h", 3))
        seen.add(r.hrandfield("h"))
    assert seen == {str(i).encode() for i in range(10)}
    repeats = r.hrandfield("h", -200)
    assert len(repeats) == 200 and len(set(repeats)) < 200


def test_hrandfield_large(pair: Pair) -> None:
    pair.check(lambda r: r.hset("h", mapping={f"f{i}": f"v{i}" for i in range(300)}))
    for count in (1, 10, 299, 300, 301, -50):
        _hrandfield_both(pair, "h", count, True)
        _hrandfield_both(pair, "h", count, False)


def test_hrandfield_errors(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HSET", "h", "a", "1")
    pair.cmd("HRANDFIELD", "h", "x")
    pair.cmd("HRANDFIELD", "h", "1.0")
    pair.cmd("HRANDFIELD", "h", "")
    pair.cmd("HRANDFIELD", "h", "x", "WITHVALUES")
    pair.cmd("HRANDFIELD", "h", "1", "WITHVALUE")
    pair.cmd("HRANDFIELD", "h", "x", "WITHVALUE")  # the count is read first
    pair.cmd("HRANDFIELD", "h", "1", "WITHVALUES", "x")
    pair.cmd("HRANDFIELD", "h", "1", "withvalues")
    pair.cmd("HRANDFIELD", "h", "-9223372036854775808")
    pair.cmd("HRANDFIELD", "h", "-9223372036854775808", "WITHVALUES")
    pair.cmd("HRANDFIELD", "h", "9223372036854775808")
    pair.cmd("HRANDFIELD", "h", "9223372036854775807", "WITHVALUES")
    pair.cmd("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES")
    pair.cmd("HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES")
    pair.cmd("HRANDFIELD", "h", "4611686018427387903", "WITHVALUES")
    pair.cmd("HRANDFIELD", "h", "9223372036854775807")
    pair.cmd("HRANDFIELD", "nokey", "4611686018427387904", "WITHVALUES")
    pair.cmd("HRANDFIELD", "str")
    pair.cmd("HRANDFIELD", "str", "0")
    pair.cmd("HRANDFIELD", "str", "-1", "WITHVALUES")
    pair.cmd("HRANDFIELD", "str", "x")
    pair.cmd("HRANDFIELD", "nokey", "0")
    pair.cmd("HRANDFIELD", "nokey", "-3")
    pair.cmd("HRANDFIELD", "nokey")
    pair.cmd("HRANDFIELD", "h", "0")
    pair.cmd("HRANDFIELD", "h", "0", "WITHVALUES")
    pair.cmd("HRANDFIELD")


# --- binary data, WATCH, invariants --------------------------------------------------------


def test_binary_fields_and_values(redis_server: Any) -> None:
    from tests.oracle import make_pair

    for protocol in (2, 3):
        pair = make_pair(redis_server, protocol=protocol)
        try:
            pair.cmd("HSET", "h", b"\x00\xff", b"\xff\x00", b"", b"\x00")
            pair.cmd("HGET", "h", b"\x00\xff")
            pair.cmd("HMGET", "h", b"", b"\x00\xff", b"\x01")
            pair.cmd("HGETALL", "h")
            pair.cmd("HSTRLEN", "h", b"\x00\xff")
            pair.cmd("HINCRBY", "h", b"", "1")
            pair.cmd("HINCRBYFLOAT", "h", b"\xff\x00", "1")
        finally:
            pair.real.close()
            pair.burner.close()


def _watched(key: bytes) -> tuple[burner.Redis, Any]:
    r = burner.Redis()
    r.hset("h", mapping={"a": "1", "b": "2"})
    session = r.server.new_session()
    r.server.dbs[0].watch(key, session)
    return r, session


@pytest.mark.parametrize(
    ("argv", "touches"),
    [
        (("HSET", "h", "a", "1"), True),
        (("HSET", "h", "c", "3"), True),
        (("HSETNX", "h", "a", "9"), False),
        (("HSETNX", "h", "c", "9"), True),
        (("HDEL", "h", "zz"), False),
        (("HDEL", "h", "a"), True),
        (("HDEL", "h", "a", "b"), True),
        (("HINCRBY", "h", "a", "1"), True),
        (("HINCRBY", "h", "a", "x"), False),
        (("HINCRBYFLOAT", "h", "a", "1.5"), True),
        (("HINCRBYFLOAT", "h", "a", "inf"), False),
        (("HGETALL", "h"), False),
        (("HRANDFIELD", "h", "-5", "WITHVALUES"), False),
    ],
)
def test_writes_signal_watchers(argv: tuple[str, ...], touches: bool) -> None:
    r, session = _watched(b"h")
    try:
        r.execute_command(*argv)
    except redis.ResponseError:
        pass
    assert session.dirty is touches
    value = r.server.dbs[0].data.get(b"h")
    if value is not None:
        value._check()


def test_hash_copy_keeps_type_and_encoding() -> None:
    h = Hash([(b"a", b"1")], big=True)
    c = h.copy()
    assert type(c) is Hash and c == h and c.big
    c[b"b"] = b"2"
    assert b"b" not in h


# --- HSCAN ----------------------------------------------------------------------------------


def test_hscan_small_hash_comes_whole(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HSET", "h", "apple", "1", "banana", "2", "avocado", "3", "cherry", "4")
    pair.cmd("HSCAN", "h", "0")
    pair.cmd("HSCAN", "h", "0", "COUNT", "1")
    pair.cmd("HSCAN", "h", "0", "MATCH", "a*")
    pair.cmd("HSCAN", "h", "0", "match", "a*", "count", "2")
    pair.cmd("HSCAN", "h", "0", "MATCH", "zz*")
    pair.cmd("HSCAN", "h", "0", "MATCH", "a*", "MATCH", "b*")
    pair.cmd("HSCAN", "h", "0", "COUNT", "5", "COUNT", "1")
    pair.cmd("HSCAN", "h", "17")  # a small hash ignores the cursor
    pair.cmd("HSCAN", "h", "-1")
    pair.cmd("HSCAN", "h", "18446744073709551615")
    pair.cmd("HSCAN", "h", "")
    pair.cmd("HSCAN", "nokey", "0")
    pair.check(lambda r: r.hscan("h"))
    pair.check(lambda r: r.hscan("h", 0, match="*an*", count=100))
    pair.check(lambda r: r.hscan("nokey"))
    pair.check(lambda r: list(r.hscan_iter("h")))
    pair.check(lambda r: list(r.hscan_iter("h", match="[ab]*", count=1)))


def test_hscan_errors(pair: Pair) -> None:
    _setup_wrongtype(pair)
    pair.cmd("HSET", "h", "a", "1")
    pair.cmd("HSCAN", "h", "x")
    pair.cmd("HSCAN", "h", "1.5")
    pair.cmd("HSCAN", "h", " 1")
    pair.cmd("HSCAN", "h", "18446744073709551616")
    pair.cmd("HSCAN", "nokey", "x")
    pair.cmd("HSCAN", "str", "x")  # the cursor is read before the type is checked
    pair.cmd("HSCAN", "str", "0")
    pair.cmd("HSCAN", "str", "0", "COUNT", "0")
    pair.cmd("HSCAN", "nokey", "0", "COUNT", "0")  # a missing key skips the options
    pair.cmd("HSCAN", "h", "0", "COUNT", "0")
    pair.cmd("HSCAN", "h", "0", "COUNT", "-1")
    pair.cmd("HSCAN", "h", "0", "COUNT", "x")
    pair.cmd("HSCAN", "h", "0", "COUNT")
    pair.cmd("HSCAN", "h", "0", "MATCH")
    pair.cmd("HSCAN", "h", "0", "TYPE", "string")
    pair.cmd("HSCAN", "h", "0", "FOO", "bar")
    pair.cmd("HSCAN", "h", "0", "COUNT", "x", "FOO")
    pair.cmd("HSCAN", "h")
    pair.cmd("HSCAN")


def _full_scan(client: Any, key: str, *options: Any) -> tuple[dict[Any, Any], int]:
    """Every field/value an HSCAN iteration returns, and how many calls it took."""
    seen: dict[Any, Any] = {}
    cursor: Any = b"0"
    calls = 0
    while True:
        cursor, items = client.execute_command("HSCAN", key, cursor, *options)
        calls += 1
        seen.update(items)  # redis-py's callback pairs the fields and values
        if int(cursor) == 0:
            return seen, calls
        assert calls < 10_000


def test_hscan_large_hash(pair: Pair) -> None:
    mapping: dict[Any, Any] = {f"field:{i}": f"value:{i}" for i in range(600)}
    pair.check(lambda r: r.hset("h", mapping=mapping))
    _same_encoding(pair, "h")
    for options in ((), ("COUNT", "50"), ("MATCH", "field:1*"), ("MATCH", "*7", "COUNT", "1000")):
        got, calls = _full_scan(pair.burner, "h", *options)
        want, real_calls = _full_scan(pair.real, "h", *options)
        assert got == want
        if not options:
            assert calls > 1 and real_calls > 1  # a hashtable is scanned in steps
    got_all = dict(pair.burner.hscan_iter("h", count=100))
    want_all = dict(pair.real.hscan_iter("h", count=100))
    assert got_all == want_all and len(got_all) == 600
    cursor, page = pair.burner.hscan("h", 0, count=10)
    assert cursor != 0 and 5 <= len(page) <= 20


def test_hscan_returns_fields_present_throughout() -> None:
    r: Any = burner.Redis()
    r.hset("h", mapping={f"f{i}": str(i) for i in range(1000)})
    seen: set[bytes] = set()
    cursor = 0
    added = 0
    while True:
        cursor, page = r.hscan("h", cursor, count=37)
        seen.update(page)
        r.hset("h", f"new{added}", "x")  # writes between steps
        r.hdel("h", f"f{999 - added}")
        added += 1
        if cursor == 0:
            break
    kept = {f"f{i}".encode() for i in range(1000 - added)}
    assert kept <= seen


def test_hscan_novalues() -> None:
    # NOVALUES arrived in Redis 7.4, after the oracle's 7.0: checked on burner alone.
    for protocol in (2, 3):
        r: Any = burner.Redis(protocol=protocol)
        r.hset("h", mapping={"apple": "1", "banana": "2", "novalues": "3"})
        raw = r.execute_command
        fields = [b"apple", b"banana", b"novalues"]
        assert raw("HSCAN", "h", 0, "NOVALUES", no_values=True) == (0, fields)
        assert raw("HSCAN", "h", 0, "novalues", "COUNT", "5", "NOVALUES", no_values=True) == (
            0,
            fields,
        )
        assert r.hscan("h", no_values=True) == (0, fields)
        assert r.hscan("h", match="a*", no_values=True) == (0, [b"apple"])
        # "novalues" after MATCH is the pattern, not the flag.
        assert raw("HSCAN", "h", 0, "MATCH", "novalues", "novalues", no_values=True) == (
            0,
            [b"novalues"],
        )
        assert raw("HSCAN", "h", 0, "MATCH", "novalues") == (0, {b"novalues": b"3"})
        assert sorted(r.hscan_iter("h", no_values=True)) == [b"apple", b"banana", b"novalues"]
        with pytest.raises(redis.ResponseError, match=r"^syntax error$"):
            r.execute_command("HSCAN", "h", 0, "NOVALUES", "COUNT", "0")
        with pytest.raises(redis.ResponseError, match=r"^syntax error$"):
            r.execute_command("HSCAN", "h", 0, "NOVALUES", "COUNT")
        r.hset("big", mapping={f"f{i}": "v" for i in range(600)})
        fields = []
        cursor = 0
        while True:
            cursor, page = r.hscan("big", cursor, count=100, no_values=True)
            fields.extend(page)
            if cursor == 0:
                break
        assert sorted(set(fields)) == sorted(f"f{i}".encode() for i in range(600))


def test_hash_with_key_commands(pair: Pair) -> None:
    pair.cmd("HSET", "h", "a", "1", "b", "2")
    pair.cmd("TYPE", "h")
    pair.cmd("OBJECT", "ENCODING", "h")
    pair.cmd("EXPIRE", "h", "1000")
    pair.cmd("HSET", "h", "c", "3")
    pair.cmd("HINCRBY", "h", "a", "1")
    pair.cmd("HDEL", "h", "b")
    pair.check(lambda r: r.ttl("h") > 900)  # in-place writes keep the TTL
    pair.cmd("COPY", "h", "h2")
    pair.cmd("HSET", "h2", "big", "x" * 100)
    pair.cmd("HGETALL", "h")
    pair.cmd("OBJECT", "ENCODING", "h")
    pair.cmd("OBJECT", "ENCODING", "h2")
    pair.cmd("COPY", "h2", "h3")
    pair.cmd("OBJECT", "ENCODING", "h3")
    _same_encoding(pair, "h3")
    pair.cmd("HDEL", "h", "a", "c")
    pair.cmd("TTL", "h")  # the emptied hash is gone, TTL and all
    pair.cmd("HSET", "h", "new", "1")
    pair.cmd("TTL", "h")
    pair.cmd("SET", "s", "x")
    pair.cmd("HSET", "s", "f", "v")
    pair.cmd("GET", "s")
    pair.cmd("DEL", "h2")
    pair.cmd("HGET", "h2", "big")


def test_expired_hash_is_missing() -> None:
    clock = burner.VirtualClock()
    r: Any = burner.Redis(server=burner.Server(clock=clock))
    r.hset("h", mapping={"a": "1", "b": "2"})
    r.pexpire("h", 100)
    clock.advance(0.05)
    assert r.hgetall("h") == {b"a": b"1", b"b": b"2"}
    clock.advance(0.1)
    assert r.hlen("h") == 0
    assert r.hgetall("h") == {}
    assert r.hrandfield("h") is None
    assert r.hrandfield("h", -3) == []
    assert r.hincrby("h", "a", 5) == 5  # a fresh hash, without the old fields or TTL
    assert r.hgetall("h") == {b"a": b"5"}
    assert r.ttl("h") == -1


@pytest.mark.anyio
async def test_async_client() -> None:
    for protocol in (2, 3):
        r = burner.aio.Redis(protocol=protocol, decode_responses=True)
        assert await r.hset("h", mapping={"a": "1", "b": "2"}) == 2
        assert await r.hgetall("h") == {"a": "1", "b": "2"}
        assert await r.hincrbyfloat("h", "a", 0.5) == 1.5
        assert await r.hexists("h", "b") is True
        assert await r.hmget("h", "a", "zz") == ["1.5", None]
        reply: Any = await r.hrandfield("h", -4, withvalues=True)
        assert len(reply) == (8 if protocol == 2 else 4)  # flat, or [field, value] pairs
        pairs = _as_pairs(reply, True)
        assert len(pairs) == 4 and all(p in (("a", "1.5"), ("b", "2")) for p in pairs)
        assert await r.hscan("h") == (0, {"a": "1.5", "b": "2"})
        assert sorted([f async for f in r.hscan_iter("h", no_values=True)]) == ["a", "b"]
        with pytest.raises(redis.ResponseError, match="hash value is not an integer"):
            await r.hincrby("h", "a")
        await r.aclose()


def test_hash_value_copies_and_pickles() -> None:
    import copy
    import pickle

    h = Hash({b"a": b"1"}, big=True)
    for clone in (copy.deepcopy(h), pickle.loads(pickle.dumps(h)), h.copy()):
        assert type(clone) is Hash and clone == h and clone.big is True
        clone._check()
    assert Hash().encoding() == b"listpack" and h.encoding() == b"hashtable"
