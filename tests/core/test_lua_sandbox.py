"""The Lua sandbox: the known ways out of a Lua 5.1 / lupa sandbox all fail.

Each script tries one escape and returns the marker ``ESCAPED`` only if it
reached something a Redis script cannot reach (os, io, the debug library, the
Python side, the real globals, writable library tables, bytecode loading).
A test passes when the script errors or returns anything but the marker, and
nothing outside the sandbox changed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import redis

import burner

MARK = "/tmp/burner-lua-sandbox-escape"

ESCAPES = [
    f"os.execute('touch {MARK}') return 'ESCAPED'",
    f"io.open('{MARK}', 'w'):write('x') return 'ESCAPED'",
    "return require('os') and 'ESCAPED'",
    "return package.loaded.os and 'ESCAPED'",
    "return loadfile('/etc/passwd') and 'ESCAPED'",
    "return dofile('/etc/passwd') and 'ESCAPED'",
    "return debug.getregistry() and 'ESCAPED'",
    "return debug.sethook() and 'ESCAPED'",
    "return getfenv(0).os and 'ESCAPED'",
    "setfenv(1, {}) return 'ESCAPED'",
    "return loadstring('return os')() and 'ESCAPED'",
    "return loadstring('return io')() and 'ESCAPED'",
    "return load(function() return nil end)() and 'ESCAPED'",
    "local f = loadstring('return getfenv') return f() and 'ESCAPED'",
    "local parts = {'return ', 'os'} local i = 0 "
    "local f = load(function() i = i + 1 return parts[i] end) return f() and 'ESCAPED'",
    # bytecode can break the VM's memory safety: it must never load
    "local f = loadstring(string.dump(function() return 'ESCAPED' end)) return f()",
    "local code = string.dump(function() return 'ESCAPED' end) "
    "local done = false local f = load(function() if done then return nil end done = true "
    "return code end) return f()",
    "return python.eval('1') and 'ESCAPED'",
    "return python.builtins and 'ESCAPED'",
    "return rawget(_G, 'os') and 'ESCAPED'",
    "return rawget(_G, 'python') and 'ESCAPED'",
    "local mt = getmetatable(_G) return (mt and mt.__index and mt.__index.os) and 'ESCAPED'",
    "local mt = getmetatable(redis.call) return mt and 'ESCAPED'",
    "return redis.call.__class__ and 'ESCAPED'",
    "return redis.call.__init__.__globals__ and 'ESCAPED'",
    "return cjson.encode.__globals__ and 'ESCAPED'",
    "return bit.band.__self__ and 'ESCAPED'",
    "local ok, e = pcall(redis.call, 'nosuch') return type(e) == 'userdata' and 'ESCAPED'",
    "local ok, e = pcall(function() return redis.call.x end) "
    "return type(e) == 'userdata' and 'ESCAPED'",
    "local ok, e = xpcall(function() return redis.call.x end, function(e) return e end) "
    "return type(e) == 'userdata' and 'ESCAPED'",
    "local co = coroutine.create(function() return redis.call.x end) "
    "local ok, e = coroutine.resume(co) return type(e) == 'userdata' and 'ESCAPED'",
    "local ok, e = pcall(cjson.decode, 'x') return type(e) == 'userdata' and 'ESCAPED'",
    "local ok, e = pcall(string.rep) return type(e) == 'userdata' and 'ESCAPED'",
    "string.rep = function() return 'ESCAPED' end return string.rep('x', 1)",
    "rawset(string, 'rep', function() return 'ESCAPED' end) return string.rep('x', 1)",
    "getmetatable('').__index.rep = function() return 'ESCAPED' end return ('x'):rep(1)",
    "getmetatable('').__index = {rep = function() return 'ESCAPED' end} return ('x'):rep(1)",
    "setmetatable(_G, nil) return 'ESCAPED'",
    "_G.os = 1 return 'ESCAPED'",
    "redis.call = function() return 'ESCAPED' end return redis.call('ping')",
    "rawset(redis, 'call', function() return 'ESCAPED' end) return redis.call('ping')",
    "return newproxy and 'ESCAPED'",
    "return module and 'ESCAPED'",
    "return jit and 'ESCAPED'",
    "return ffi and 'ESCAPED'",
    "return __burner and 'ESCAPED'",
    "local n = 0 for k, v in pairs(_G) do if k == 'os' or k == 'io' or k == 'debug' "
    "or k == 'python' or k == 'package' then n = n + 1 end end return n > 0 and 'ESCAPED'",
    "local seen = {} local function walk(t, depth) if depth > 4 or seen[t] then return end "
    "seen[t] = true for k, v in pairs(t) do if k == 'execute' or k == 'popen' or k == 'sethook' "
    "or k == 'getregistry' then error('ESCAPED') end if type(v) == 'table' then "
    "walk(v, depth + 1) end end end walk(_G, 0) return 'ok'",
    "local f = function() end return (getfenv and getfenv(f).os) and 'ESCAPED'",
]


@pytest.mark.parametrize("script", ESCAPES)
def test_escape_fails(script: str) -> None:
    r = burner.Redis(protocol=2)
    if os.path.exists(MARK):
        os.remove(MARK)
    try:
        reply = r.eval(script, 0)
    except redis.ResponseError as exc:
        assert "ESCAPED" not in str(exc)
        reply = None
    assert reply != b"ESCAPED"
    assert not Path(MARK).exists()
    # the next script sees pristine libraries
    assert r.eval("return string.rep('x', 2)", 0) == b"xx"
    assert r.eval("return redis.call('ping')", 0) == b"PONG"


@pytest.mark.parametrize("script", ESCAPES[:20])
def test_escape_fails_in_functions(script: str) -> None:
    r = burner.Redis(protocol=2)
    body = script.replace("\n", " ")
    code = f"#!lua name=esc\nredis.register_function('esc', function(keys, args) {body} end)"
    try:
        r.function_load(code, replace=True)
        reply = r.fcall("esc", 0)
    except redis.ResponseError:
        reply = None
    assert reply != b"ESCAPED"
    assert not Path(MARK).exists()


def test_library_changes_do_not_leak_between_scripts() -> None:
    r = burner.Redis()
    with pytest.raises(redis.ResponseError):
        r.eval("string.upper = nil", 0)
    assert r.eval("return ('a'):upper()", 0) == b"A"
    with pytest.raises(redis.ResponseError):
        r.eval("KEYS = {}", 0)
    assert r.eval("return KEYS[1]", 1, "k") == b"k"


def test_python_objects_stay_python_side() -> None:
    r = burner.Redis()
    # only plain Lua values cross: a Python object would print as userdata
    assert r.eval("return type(redis.call('ping'))", 0) == b"table"
    assert r.eval("return type(cjson.decode('[1]'))", 0) == b"table"
    assert r.eval("return type(cmsgpack.unpack(cmsgpack.pack({1})))", 0) == b"table"
    assert r.eval("return type(redis.call('hgetall', 'x'))", 0) == b"table"
