"""FUNCTION * and FCALL*, compared with the real redis-server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis

import burner
from tests.core.commands.test_scripting import ScriptPair, plain
from tests.oracle import Pair, RedisServerProcess, make_pair

LIB = (
    "#!lua name=mylib\n"
    "redis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)\n"
    "redis.register_function{function_name='f2', callback=function(keys, args) "
    "return redis.call('set', keys[1], args[1]) end, flags={'no-writes'}, description='desc'}\n"
    "redis.register_function{function_name='f3', callback=function(keys, args) "
    "return redis.call('incr', keys[1]) end}\n"
    "redis.register_function{function_name='f4', callback=function(keys, args) "
    "return redis.call('get', keys[1]) end, flags={'no-writes', 'allow-stale'}}\n"
)


@pytest.fixture
def fp(pair: Pair) -> Iterator[Pair]:
    pair.both(lambda r: r.script_flush())
    pair.both(lambda r: r.function_flush())
    yield ScriptPair(pair.burner, pair.real, pair.kwargs)


def _libraries(value: Any) -> Any:
    """FUNCTION LIST with libraries and functions in name order."""

    def as_dict(entry: Any) -> dict[Any, Any]:
        if isinstance(entry, dict):
            return dict(entry)
        it = iter(entry)
        return dict(zip(it, it))

    out = []
    for lib in value:
        d = as_dict(lib)
        for key in list(d):
            if key in (b"functions", "functions"):
                d[key] = sorted((sorted(as_dict(f).items(), key=repr) for f in d[key]), key=repr)
        out.append(sorted(d.items(), key=repr))
    return sorted(out, key=repr)


def _restore(r: redis.Redis, payload: bytes, *policy: str) -> Any:
    # redis-py annotates the payload as str; it is binary.
    return r.execute_command("FUNCTION RESTORE", payload, *policy)  # type: ignore[no-untyped-call,unused-ignore]


def test_load_and_call(fp: Pair) -> None:
    fp.cmd("FUNCTION", "LOAD", LIB)
    fp.cmd("FUNCTION", "LOAD", LIB)
    fp.cmd("FUNCTION", "LOAD", "REPLACE", LIB)
    fp.cmd("FUNCTION", "LOAD", "BAD", LIB)
    fp.cmd("FCALL", "f1", 1, "k", "v")
    fp.cmd("FCALL", "f2", 1, "k", "v")
    fp.cmd("FCALL", "f3", 1, "n")
    fp.cmd("FCALL", "f4", 1, "n")
    fp.cmd("FCALL_RO", "f1", 1, "k", "v")
    fp.cmd("FCALL_RO", "f4", 1, "n")
    fp.cmd("FCALL_RO", "f3", 1, "n")
    fp.cmd("FCALL", "nof", 0)
    fp.cmd("FCALL", "f1", -1)
    fp.cmd("FCALL", "f1", 2, "k")
    fp.cmd("FCALL", "f1", "x")
    fp.cmd("FCALL", "nof", "x")
    fp.cmd("FCALL", "f1")
    fp.check(lambda r: r.fcall("f1", 1, "key", "arg"))
    fp.check(lambda r: r.fcall_ro("f4", 1, "n"))
    fp.check(lambda r: r.function_load(LIB, replace=True))


def test_list_stats_delete_flush(fp: Pair) -> None:
    fp.check(lambda r: r.function_load(LIB))
    other = "#!lua name=other\nredis.register_function('g', function() return 'g' end)"
    fp.check(lambda r: r.function_load(other))
    fp.cmd("FUNCTION", "LIST", normalize=_libraries)
    fp.cmd("FUNCTION", "LIST", "WITHCODE", normalize=_libraries)
    fp.cmd("FUNCTION", "LIST", "LIBRARYNAME", "my*", normalize=_libraries)
    fp.cmd("FUNCTION", "LIST", "LIBRARYNAME", "x*")
    fp.cmd("FUNCTION", "LIST", "LIBRARYNAME", "?ther", "WITHCODE", normalize=_libraries)
    fp.cmd("FUNCTION", "LIST", "bad")
    fp.cmd("FUNCTION", "LIST", "LIBRARYNAME")
    fp.check(lambda r: r.function_list(), normalize=_libraries)
    fp.check(lambda r: r.function_list("other", withcode=True), normalize=_libraries)
    fp.cmd("FUNCTION", "STATS")
    fp.cmd("FUNCTION", "DELETE", "other")
    fp.cmd("FUNCTION", "DELETE", "other")
    fp.cmd("FCALL", "g", 0)
    fp.cmd("FUNCTION", "STATS")
    fp.check(lambda r: r.function_delete("mylib"))
    fp.check(lambda r: r.function_load(LIB))
    fp.cmd("FUNCTION", "FLUSH", "x")
    fp.cmd("FUNCTION", "FLUSH", "ASYNC", "x")
    fp.cmd("FUNCTION", "FLUSH", "ASYNC")
    fp.cmd("FUNCTION", "LIST")
    fp.cmd("FCALL", "f1", 0)
    fp.cmd("FUNCTION", "FLUSH", "SYNC")
    fp.check(lambda r: r.function_flush())
    fp.cmd("FUNCTION", "KILL")
    fp.cmd("FUNCTION", "HELP")
    fp.cmd("FUNCTION", "NOPE")
    fp.cmd("FUNCTION")


BAD_LIBRARIES = [
    "return 1",
    "#!lua",
    "#!lua name=x",
    "#!lua name=x\nreturn 1",
    "#!lua name=x foo=bar\nredis.register_function('a', function() end)",
    "#!py name=x\n",
    "#! name=x\nredis.register_function('a', function() end)",
    "#!lua name=x name=y\nredis.register_function('a', function() end)",
    "#!lua name=\nredis.register_function('a', function() end)",
    "#!lua name=x-y\nredis.register_function('a', function() end)",
    "#!lua name=x\nredis.register_function('a', function() end) "
    "redis.register_function('a', function() end)",
    "#!lua name=x\nredis.register_function('a b', function() end)",
    "#!lua name=x\nredis.register_function('', function() end)",
    "#!lua name=x\nredis.register_function('a', 1)",
    "#!lua name=x\nredis.register_function('a')",
    "#!lua name=x\nredis.register_function()",
    "#!lua name=x\nredis.register_function('a', function() end, 3)",
    "#!lua name=x\nredis.register_function{function_name='a', callback=function() end, "
    "flags={'bad'}}",
    "#!lua name=x\nredis.register_function{function_name='a', callback=function() end, foo=1}",
    "#!lua name=x\nredis.register_function{function_name='a', callback=1}",
    "#!lua name=x\nredis.register_function{callback=function() end}",
    "#!lua name=x\nredis.register_function{function_name='a'}",
    "#!lua name=x\nredis.register_function{function_name='a', callback=function() end, "
    "flags='no-writes'}",
    "#!lua name=x\nredis.register_function{function_name='a', callback=function() end, "
    "flags={1}}",
    "#!lua name=x\nredis.call('ping')",
    "#!lua name=x\nlocal a = b",
    "#!lua name=x\nlocal a = +",
    "#!lua name=x\nx = 1",
    "#!lua name=x\nerror('boom')",
    "#!lua name=x\nlocal v = string",
    "#!lua name=x\nlocal v = redis.setresp",
    "#!lua name=x\nlocal v = redis.REPL_ALL",
]


@pytest.mark.parametrize("code", BAD_LIBRARIES)
def test_bad_libraries(fp: Pair, code: str) -> None:
    fp.check(lambda r: r.function_load(LIB))
    fp.cmd("FUNCTION", "LOAD", code)
    fp.cmd("FUNCTION", "LOAD", "REPLACE", code)
    fp.cmd("FUNCTION", "LIST", normalize=_libraries)


GOOD_LIBRARIES = [
    "#!LUA name=x\nredis.register_function('a', function() return 1 end)",
    "#!lua  name=x\nredis.register_function('a', function() return 1 end)",
    "#!lua name=x\r\nredis.register_function('a', function() return 1 end)",
    "#!lua name=x\nredis.register_function{function_name=1, callback=function() return 1 end}",
    "#!lua name=x\nredis.register_function(1, function() return 1 end)",
    "#!lua name=x\nredis.register_function{function_name='a', callback=function() return 1 end,"
    " description=1}",
    "#!lua name=x\nredis.log(redis.LOG_WARNING, 'x') "
    "redis.register_function('a', function() return redis.REDIS_VERSION ~= nil end)",
    "#!lua name=x\nlocal helper = function(k) return redis.call('get', k) end\n"
    "redis.register_function('a', function(keys) return helper(keys[1]) end)",
]


@pytest.mark.parametrize("code", GOOD_LIBRARIES)
def test_good_libraries(fp: Pair, code: str) -> None:
    fp.cmd("FUNCTION", "LOAD", code)
    fp.cmd("FUNCTION", "LIST", normalize=_libraries)
    fp.cmd("FCALL", "a", 1, "k")
    fp.cmd("FCALL", "1", 0)


RUNTIME = [
    "return KEYS",
    "error('boom')",
    "return redis.call('incr', 'x', 'y')",
    "return redis.call('nope')",
    "return redis.call('incr', 'str')",
    "return redis.register_function",
    "return redis.setresp(3)",
    "redis.setresp(3) return {map={a=1}, true}",
    "local t = {} for k in pairs(_G) do t[#t+1] = k end table.sort(t) return t",
    "local t = {} for k in pairs(redis) do t[#t+1] = k end table.sort(t) return t",
    "return {keys[1], args[1], #keys, #args}",
    "x = 1",
    "return nope",
]


@pytest.mark.parametrize("body", RUNTIME)
def test_function_runtime(fp: Pair, body: str) -> None:
    code = f"#!lua name=x\nredis.register_function('a', function(keys, args) {body} end)"
    fp.cmd("SET", "str", "abc")
    fp.cmd("FUNCTION", "LOAD", code)
    fp.cmd("FCALL", "a", 1, "k", "v")
    fp.cmd("FCALL", "a", 0)


def test_function_name_collisions(fp: Pair) -> None:
    fp.cmd("FUNCTION", "LOAD", LIB)
    fp.cmd("FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('f1', function() end)")
    fp.cmd("FUNCTION", "LOAD", "REPLACE",
           "#!lua name=x\nredis.register_function('f1', function() end)")
    fp.cmd("FUNCTION", "LOAD", "REPLACE",
           "#!lua name=mylib\nredis.register_function('f1', function() return 'new' end)")
    fp.cmd("FCALL", "f1", 0)
    fp.cmd("FCALL", "f2", 0)
    fp.cmd("FUNCTION", "LIST", normalize=_libraries)


def test_dump_restore(fp: Pair) -> None:
    fp.check(lambda r: r.function_load(LIB))
    burner_dump = fp.burner.function_dump()
    real_dump = fp.real.function_dump()
    assert isinstance(burner_dump, bytes) and isinstance(real_dump, bytes)
    fp.cmd("FUNCTION", "RESTORE", real_dump)
    fp.cmd("FUNCTION", "RESTORE", real_dump, "APPEND")
    fp.cmd("FUNCTION", "RESTORE", real_dump, "REPLACE")
    fp.cmd("FUNCTION", "RESTORE", real_dump, "BAD")
    fp.cmd("FUNCTION", "RESTORE", real_dump, "FLUSH", "x")
    fp.cmd("FUNCTION", "RESTORE", "garbage")
    fp.cmd("FUNCTION", "RESTORE", real_dump[:-1] + bytes([real_dump[-1] ^ 1]))
    fp.cmd("FUNCTION", "RESTORE", burner_dump, "REPLACE")
    fp.both(lambda r: r.function_flush())
    # each side restores the other's dump
    assert _restore(fp.burner, real_dump) in (b"OK", "OK", True)
    assert _restore(fp.real, burner_dump) in (b"OK", "OK", True)
    fp.cmd("FUNCTION", "LIST", "WITHCODE", normalize=_libraries)
    fp.cmd("FCALL", "f1", 1, "k", "v")
    fp.cmd("FUNCTION", "RESTORE", burner_dump, "FLUSH")
    fp.cmd("FUNCTION", "LIST", normalize=_libraries)
    fp.check(lambda r: _restore(r, real_dump, "REPLACE"))


def test_dump_of_nothing(fp: Pair) -> None:
    fp.check(lambda r: r.function_dump())
    fp.cmd("FUNCTION", "RESTORE", fp.real.function_dump())
    fp.cmd("FUNCTION", "LIST")


def test_lzf_payload_from_redis_restores(fp: Pair) -> None:
    # a long, repetitive library makes Redis compress the dump with LZF
    body = "".join(
        f"redis.register_function('fn_{i}', function(keys, args) return {i} end)\n"
        for i in range(40)
    )
    code = "#!lua name=big\n" + body
    fp.real.function_load(code)
    payload = fp.real.function_dump()
    assert isinstance(payload, bytes) and b"\xc3" in payload[:4]
    assert _restore(fp.burner, payload) in (b"OK", "OK", True)
    fp.real.function_flush()
    _restore(fp.real, payload)
    fp.cmd("FCALL", "fn_39", 0)
    fp.cmd("FUNCTION", "LIST", "WITHCODE", normalize=_libraries)


def test_functions_survive_script_flush_and_vice_versa(fp: Pair) -> None:
    fp.cmd("FUNCTION", "LOAD", LIB)
    sha = fp.check(lambda r: r.script_load("return 'x'"))
    fp.cmd("SCRIPT", "FLUSH")
    fp.cmd("FCALL", "f1", 1, "k", "v")
    fp.check(lambda r: r.script_load("return 'x'"))
    fp.cmd("FUNCTION", "FLUSH")
    fp.cmd("EVALSHA", sha, 0)


def test_function_time_limit() -> None:
    r = burner.Redis()
    r.config_set("busy-reply-threshold", 100)
    r.function_load(
        "#!lua name=x\nredis.register_function('spin', function(keys) "
        "redis.call('set', keys[1], 'partial') while true do end end)"
    )
    with pytest.raises(redis.ResponseError, match="Script killed"):
        r.fcall("spin", 1, "k")
    assert r.get("k") == b"partial"
    with pytest.raises(redis.ResponseError, match="NOTBUSY"):
        r.function_kill()


def test_plain_normalizer() -> None:
    assert plain([1, redis.ResponseError("x")]) == [1, ("ResponseError", "x")]


def test_function_load_timeout(redis_server: RedisServerProcess) -> None:
    # Redis gives a library 500 ms to load
    code = "#!lua name=spin\nlocal x = 0 while true do x = x + 1 end"
    pair = make_pair(redis_server, protocol=2)
    try:
        pair.cmd("FUNCTION", "LOAD", code)
        pair.cmd("FUNCTION", "LIST")
    finally:
        pair.real.close()
        pair.burner.close()
