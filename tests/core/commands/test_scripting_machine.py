"""Random sequences of EVAL / EVALSHA / SCRIPT / FUNCTION / FCALL (with plain
string and hash commands in between) on burner and the real redis-server."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, rule

from tests.core.commands.test_scripting import plain
from tests.machine import DifferentialMachine, run_machine
from tests.oracle import RedisServerProcess

KEYS = st.sampled_from(["k1", "k2", "{k}3", "h1"])
# ASCII only: a str client cannot decode arbitrary bytes from either side.
VALUES = st.sampled_from(["", "0", "1", "-7", "10", "abc", "1.5", "x y", "9223372036854775807"])

SCRIPTS = [
    "return redis.call('get', KEYS[1])",
    "return redis.call('set', KEYS[1], ARGV[1])",
    "return redis.call('incr', KEYS[1])",
    "return redis.pcall('incr', KEYS[1])",
    "return redis.call('incrby', KEYS[1], ARGV[1])",
    "return redis.call('hset', KEYS[1], ARGV[1], ARGV[1])",
    "return redis.call('hgetall', KEYS[1])",
    "redis.setresp(3) return redis.call('hgetall', KEYS[1])",
    "return redis.call('hincrbyfloat', KEYS[1], 'f', ARGV[1])",
    "redis.setresp(3) return redis.call('hincrbyfloat', KEYS[1], 'f', ARGV[1])",
    "return {KEYS[1], ARGV[1], #KEYS, #ARGV}",
    "return redis.call('del', KEYS[1])",
    "local v = redis.call('get', KEYS[1]) if v then return tonumber(v) end return false",
    "return redis.call('type', KEYS[1])",
    "return tonumber(ARGV[1])",
    "return {ARGV[1] + 0}",
    "error(ARGV[1])",
    "return redis.error_reply(ARGV[1])",
    "return redis.status_reply(ARGV[1])",
    "return cjson.encode({KEYS[1], ARGV[1]})",
    "return cjson.decode(ARGV[1])",
    "return x",
    "return +",
    "return redis.call('set', KEYS[1])",
    "redis.call('set', KEYS[1], 'partial') return redis.call('incr', ARGV[1])",
    "local t = {} for i = 1, #ARGV do t[i] = ARGV[i] end return t",
    "return redis.sha1hex(ARGV[1])",
    "redis.setresp(3) return {double = tonumber(ARGV[1]) or 0}",
    "redis.setresp(3) return {map = {[ARGV[1]] = true}}",
    "return {redis.call('exists', KEYS[1]), redis.call('hlen', KEYS[1])}",
]
SCRIPT_BODIES = st.sampled_from(SCRIPTS)

LIBS = [
    "#!lua name=lib1\nredis.register_function('get1', function(k, a) "
    "return redis.call('get', k[1]) end)\n"
    "redis.register_function{function_name='ro1', callback=function(k, a) "
    "return redis.call('set', k[1], a[1] or 'x') end, flags={'no-writes'}}",
    "#!lua name=lib1\nredis.register_function('set1', function(k, a) "
    "return redis.call('set', k[1], a[1]) end)",
    "#!lua name=lib2\nredis.register_function('incr2', function(k, a) "
    "return redis.call('incr', k[1]) end)\n"
    "redis.register_function{function_name='echo2', callback=function(k, a) return a end, "
    "flags={'no-writes'}}",
    "#!lua name=lib3\nredis.register_function('get1', function(k) return 'clash' end)",
    "#!lua name=lib4\nredis.register_function('bad', 1)",
    "#!lua name=lib5\nlocal x = +",
]
FUNCTIONS = st.sampled_from(["get1", "ro1", "set1", "incr2", "echo2", "nope"])


def _sha(body: str) -> str:
    return hashlib.sha1(body.encode()).hexdigest()


class ScriptingMachine(DifferentialMachine):
    @initialize()
    def reset(self) -> None:
        for client in (self.burner, self.real):
            client.script_flush()
            client.function_flush()

    def call(self, *argv: Any) -> Any:
        return self.check(*argv, normalize=plain)

    @rule(body=SCRIPT_BODIES, keys=st.lists(KEYS, max_size=2), args=st.lists(VALUES, max_size=3),
          shift=st.sampled_from([0, 0, 0, -1, 1]))
    def eval(self, body: str, keys: list[str], args: list[str], shift: int) -> None:
        self.call("EVAL", body, len(keys) + shift, *keys, *args)

    @rule(body=SCRIPT_BODIES, keys=st.lists(KEYS, min_size=1, max_size=1),
          args=st.lists(VALUES, max_size=2))
    def eval_ro(self, body: str, keys: list[str], args: list[str]) -> None:
        self.call("EVAL_RO", body, len(keys), *keys, *args)

    @rule(body=SCRIPT_BODIES, key=KEYS, arg=VALUES, upper=st.booleans(), ro=st.booleans())
    def evalsha(self, body: str, key: str, arg: str, upper: bool, ro: bool) -> None:
        sha = _sha(body)
        self.call("EVALSHA_RO" if ro else "EVALSHA", sha.upper() if upper else sha, 1, key, arg)

    @rule(body=SCRIPT_BODIES)
    def script_load(self, body: str) -> None:
        self.call("SCRIPT", "LOAD", body)

    @rule(bodies=st.lists(SCRIPT_BODIES, min_size=1, max_size=3))
    def script_exists(self, bodies: list[str]) -> None:
        self.call("SCRIPT", "EXISTS", *[_sha(b) for b in bodies])

    @rule(mode=st.sampled_from([[], ["SYNC"], ["ASYNC"], ["bad"]]))
    def script_flush(self, mode: list[str]) -> None:
        self.call("SCRIPT", "FLUSH", *mode)

    @rule(code=st.sampled_from(LIBS), replace=st.booleans())
    def function_load(self, code: str, replace: bool) -> None:
        self.call("FUNCTION", "LOAD", *(["REPLACE"] if replace else []), code)

    @rule(name=st.sampled_from(["lib1", "lib2", "lib3", "nolib"]))
    def function_delete(self, name: str) -> None:
        self.call("FUNCTION", "DELETE", name)

    @rule(name=FUNCTIONS, key=KEYS, args=st.lists(VALUES, max_size=2), ro=st.booleans())
    def fcall(self, name: str, key: str, args: list[str], ro: bool) -> None:
        self.call("FCALL_RO" if ro else "FCALL", name, 1, key, *args)

    @rule()
    def function_stats(self) -> None:
        self.call("FUNCTION", "STATS")

    @rule(key=KEYS, value=VALUES)
    def set(self, key: str, value: str) -> None:
        self.call("SET", key, value)

    @rule(key=KEYS, field=VALUES, value=VALUES)
    def hset(self, key: str, field: str, value: str) -> None:
        self.call("HSET", key, field, value)

    @rule(key=KEYS)
    def get(self, key: str) -> None:
        self.call("GET", key)

    @rule(key=KEYS)
    def type_(self, key: str) -> None:
        self.call("TYPE", key)


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
        pytest.param({"protocol": 3, "decode_responses": True}, id="resp3-str"),
    ],
)
def test_scripting_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(ScriptingMachine, redis_server, config, max_examples=60, steps=30)
