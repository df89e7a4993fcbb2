"""Scripts leave memory flat: many EVALSHA calls, many distinct EVALs
followed by SCRIPT FLUSH, and the Lua runtimes themselves are freed."""

from __future__ import annotations

import gc
import sys
import weakref

import pytest
import redis

import burner
from burner._core.lua import scripting


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def test_flush_frees_the_runtimes() -> None:
    r = burner.Redis()
    r.eval("return 1", 0)
    # errors raised through Python leave values in Lua until its collector runs
    for body in ("return redis.call('nosuch')", "return cjson.decode('x')", "rawset(_G, 'a', 1)"):
        with pytest.raises(redis.ResponseError):
            r.eval(body, 0)
    r.eval("collectgarbage('stop')", 0)
    r.eval("pcall(redis.call, 'nosuch')", 0)
    r.function_load(
        "#!lua name=x\nredis.register_function('f', function() return redis.call('nosuch') end)"
    )
    with pytest.raises(redis.ResponseError):
        r.fcall("f", 0)
    state = scripting(r.server)
    eval_rt = weakref.ref(state.eval_rt)
    func_rt = weakref.ref(state.func_rt)
    r.script_flush()
    r.function_flush()
    # freed by reference counting alone: nothing Lua holds points back
    assert eval_rt() is None
    assert func_rt() is None
    assert r.eval("return 2", 0) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_evalsha_calls_keep_rss_flat() -> None:
    r = burner.Redis()
    sha = r.script_load("return redis.call('incr', KEYS[1])")
    for _ in range(20_000):
        r.evalsha(sha, 1, "k")
    gc.collect()
    before = _rss_mb()
    for _ in range(100_000):
        r.evalsha(sha, 1, "k")
    gc.collect()
    assert _rss_mb() - before < 4.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_distinct_evals_and_flush_keep_rss_flat() -> None:
    r = burner.Redis()
    samples = []
    for _round in range(3):
        for i in range(10_000):
            r.eval(f"return {i}", 0)
        r.script_flush()
        gc.collect()
        samples.append(_rss_mb())
    assert max(samples[1:]) - samples[0] < 6.0, samples
