"""Sorted set commands, compared with the real redis-server."""

from __future__ import annotations

import math
import shlex
from collections import Counter
from typing import Any, cast

import pytest
import redis

import burner
from burner._core.values.zset import ZSet
from tests.oracle import Pair, keyspace_events


def _setup(pair: Pair) -> None:
    pair.both(lambda r: r.set("str", "x"))
    pair.both(lambda r: r.zadd("z", {"a": 0, "b": 1, "c": 2, "d": 3}))
    pair.both(lambda r: r.zadd("z1", {"a": 1, "b": 2, "c": 3}))
    pair.both(lambda r: r.zadd("z2", {"b": 10, "c": 20, "d": 30}))
    pair.both(lambda r: r.zadd("lex", {m: 0 for m in ["a", "b", "c", "d", "e", "f", "g"]}))
    pair.both(lambda r: r.sadd("s1", "c", "d", "e"))


def _burner_zset(pair: Pair, key: str) -> ZSet | None:
    client = cast(burner.Redis, pair.burner)
    value = client.server.dbs[0].data.get(key.encode())
    if value is None:
        return None
    assert type(value) is ZSet
    value._check()
    return value


def _same_encoding(pair: Pair, key: str) -> None:
    want = pair.real.object("encoding", key)
    if isinstance(want, str):
        want = want.encode()
    value = _burner_zset(pair, key)
    assert value is not None
    assert value.encoding() == want


def _outcome(client: Any, args: list[str]) -> tuple[Any, ...]:
    """A reply, or an error's class and text. redis-py's RESP2 callback for
    ZADD reads the reply as an int, so ZADD INCR with a non-integral score
    raises ValueError on both sides: that counts as an outcome too."""
    try:
        return ("reply", client.execute_command(*args))
    except (redis.RedisError, ValueError) as exc:
        return ("error", type(exc).__name__, str(exc))


def _script(pair: Pair, text: str) -> None:
    """Run each line of ``text`` (a command, shell-quoted) on both servers."""
    for line in text.strip().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            args = shlex.split(line)
            got = _outcome(pair.burner, args)
            want = _outcome(pair.real, args)
            assert got == want, f"{line}: burner {got} != redis {want}"
    for key in ("z", "z1", "z2", "lex", "dst", "d"):
        _burner_zset(pair, key)


ZADD_SCRIPT = """
ZADD z NX XX 1 a
ZADD z GT LT 1 a
ZADD z NX GT 1 a
ZADD z NX LT 1 a
ZADD z XX GT 1 a
ZADD z INCR 1 a 2 b
ZADD z 1 a 2
ZADD z NX CH
ZADD z nan a
ZADD z abc a
ZADD z 1 a abc b
ZADD z 1e400 a
ZADD z 1e-400 a
ZADD z " 1" a
ZADD z "1 " a
ZADD z "" a
ZADD str 1 a
ZADD str abc a
ZADD z gt ch 1 a
ZADD z gt ch 0 a
ZADD z gt ch 5 a
ZADD z lt ch 5 a
ZADD z lt ch 4 a
ZADD z xx ch 9 a 9 new
ZADD z nx ch 9 a 9 new
ZADD z ch 1 q 2 q 3 q
ZADD z 7 q 8 q
ZADD z lt incr 5 a
ZADD z lt incr -5 a
ZADD z gt incr -5 a
ZADD z gt incr 5 a
ZADD z nx incr 5 a
ZADD z xx incr 5 nope
ZADD z incr 0 a
ZADD z incr inf a
ZADD z incr -inf a
ZADD z 0x10 h1 0X1P3 h2 -0x.8 h3 +inf h4 -INF h5 Infinity h6 .5 h7 5. h8 1.5e3 h9
ZADD z 1e-320 tiny 2.5e-324 tinier -0 negzero
ZRANGE z 0 -1 WITHSCORES
ZSCORE z tiny
ZSCORE z negzero
ZADD newkey XX 1 a
ZADD newkey XX INCR 1 a
EXISTS newkey
ZADD newkey GT 1 a
ZADD newkey2 INCR 2.5 a
ZADD newkey3 CH 1 a 2 a
ZRANGE newkey3 0 -1 WITHSCORES
ZINCRBY z inf a
ZINCRBY z -inf a
ZINCRBY z abc a
ZINCRBY str 1 a
ZINCRBY z 0 a
ZINCRBY nokey -1.5 m
ZINCRBY z 1 a b
"""


def test_zadd_zincrby(pair: Pair) -> None:
    _setup(pair)
    _script(pair, ZADD_SCRIPT)


def test_zadd_methods(pair: Pair) -> None:
    pair.check(lambda r: r.zadd("m", {"a": 1, "b": 2.5, "c": -3}))
    pair.check(lambda r: r.zadd("m", {"a": 5}, nx=True))
    pair.check(lambda r: r.zadd("m", {"a": 5, "x": 1}, xx=True, ch=True))
    pair.check(lambda r: r.zadd("m", {"a": 4}, gt=True, ch=True))
    pair.check(lambda r: r.zadd("m", {"a": 4}, lt=True, ch=True))
    pair.check(lambda r: r.zadd("m", {"a": 4}, lt=True, ch=True, xx=True))
    pair.check(lambda r: r.zadd("m", {"a": 2}, incr=True))
    pair.check(lambda r: r.zadd("m", {"zz": 2}, incr=True, xx=True))
    pair.check(lambda r: r.zadd("m", {"a": -100}, incr=True, gt=True))
    pair.check(lambda r: r.zincrby("m", 0.1, "b"))
    pair.check(lambda r: r.zincrby("m", 1, "new"))
    pair.check(lambda r: r.zrange("m", 0, -1, withscores=True))
    pair.check(lambda r: r.zadd("m", {"a": 1}, nx=True, xx=True))
    pair.check(lambda r: r.zadd("m", {"a": 1}, gt=True, lt=True))
    pair.check(lambda r: r.zadd("m", {"a": 1, "b": 2}, incr=True))
    pair.check(lambda r: r.zadd("str", {"a": 1}))


def test_reads(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.zcard("z"))
    pair.check(lambda r: r.zcard("nokey"))
    pair.check(lambda r: r.zscore("z", "c"))
    pair.check(lambda r: r.zscore("z", "nope"))
    pair.check(lambda r: r.zscore("nokey", "a"))
    pair.check(lambda r: r.zmscore("z", ["a", "nope", "d"]))
    pair.check(lambda r: r.zmscore("nokey", ["a", "b"]))
    pair.check(lambda r: r.zrank("z", "c"))
    pair.check(lambda r: r.zrevrank("z", "c"))
    pair.check(lambda r: r.zrank("z", "nope"))
    pair.check(lambda r: r.zrevrank("nokey", "a"))
    for cmd in ("ZCARD str", "ZSCORE str a", "ZMSCORE str a", "ZRANK str a", "ZREVRANK str a"):
        pair.cmd(*cmd.split())
    for cmd in ("ZCARD", "ZSCORE z", "ZMSCORE z", "ZRANK z", "ZCARD z x", "ZSCORE z a b"):
        pair.cmd(*cmd.split())


def test_zrank_withscore() -> None:
    # WITHSCORE arrived in Redis 7.2, after the oracle's 7.0.
    for protocol in (2, 3):
        r = burner.Redis(protocol=protocol, decode_responses=True)
        r.zadd("z", {"a": 1.5, "b": 2, "c": 3})
        # redis-py 6 leaves a RESP2 score as text; later releases make it a float.
        for method, member, want in (
            (r.zrank, "b", [1, 2.0]), (r.zrevrank, "b", [1, 2.0]),
            (r.zrank, "a", [0, 1.5]), (r.zrevrank, "a", [2, 1.5]),
        ):
            rank, score = method("z", member, withscore=True)  # type: ignore[misc]
            assert [rank, float(score)] == want
        assert r.zrank("z", "nope", withscore=True) is None
        assert r.zrank("nokey", "a", withscore=True) is None
        assert r.zrank("z", "c") == 2
        raw = r.execute_command("ZRANK", "z", "c", "WITHSCORE")
        assert raw == ([2, 3.0] if protocol == 3 else [2, "3"])
        with pytest.raises(redis.ResponseError, match=r"^syntax error$"):
            r.execute_command("ZRANK", "z", "c", "WITHSCORES")
        with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'zrevrank'"):
            r.execute_command("ZREVRANK", "z", "c", "WITHSCORE", "x")
        r.set("str", "x")
        with pytest.raises(redis.ResponseError, match=r"^WRONGTYPE"):
            r.zrank("str", "a", withscore=True)
        r.close()


RANGE_SCRIPT = """
ZRANGEBYSCORE z " 1" 2
ZRANGEBYSCORE z "1 " 2
ZRANGEBYSCORE z "(" 2
ZRANGEBYSCORE z "" 2
ZRANGEBYSCORE z "  " 2
ZRANGEBYSCORE z "(1" 1e400
ZRANGEBYSCORE z 0x1 (0x3
ZRANGEBYSCORE z nan 2
ZRANGEBYSCORE z 1 abc
ZRANGEBYSCORE z ((1 2
ZRANGEBYSCORE z -inf +inf LIMIT 1
ZRANGEBYSCORE z -inf +inf LIMIT 1 2 3
ZRANGEBYSCORE z -inf +inf LIMIT -1 2
ZRANGEBYSCORE z -inf +inf LIMIT 1 -1
ZRANGEBYSCORE z -inf +inf LIMIT 1 -5
ZRANGEBYSCORE z -inf +inf LIMIT 0 0
ZRANGEBYSCORE z -inf +inf LIMIT 3 1
ZRANGEBYSCORE z -inf +inf LIMIT 4 1
ZRANGEBYSCORE z -inf +inf LIMIT a 1
ZRANGEBYSCORE z -inf +inf LIMIT 0 a
ZRANGEBYSCORE z -inf +inf WITHSCORES WITHSCORES
ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 1 2
ZRANGEBYSCORE z -inf +inf foo
ZRANGEBYSCORE z a 1 rev
ZRANGEBYSCORE z 0 1 bylex
ZRANGEBYSCORE z 0 1 byscore
ZRANGEBYSCORE z (1 (2
ZRANGEBYSCORE z 1 1
ZRANGEBYSCORE z (1 1
ZRANGEBYSCORE z 2 1
ZRANGEBYSCORE z +inf +inf
ZRANGEBYSCORE z (-inf (+inf
ZRANGEBYSCORE str 0 1
ZRANGEBYSCORE nokey 0 1
ZRANGEBYSCORE str a 1
ZREVRANGEBYSCORE z 3 0 WITHSCORES LIMIT 0 2
ZREVRANGEBYSCORE z (3 (0
ZREVRANGEBYSCORE z +inf -inf LIMIT 1 2
ZREVRANGEBYSCORE z +inf -inf LIMIT 3 5
ZREVRANGEBYSCORE z 0 3
ZREVRANGEBYSCORE z x 3
ZRANGE z 0 -1 BYLEX
ZRANGE z 0 1 LIMIT 0 1
ZRANGE z 0 1 LIMIT 0 -1
ZRANGE z 0 1 LIMIT 5 -1
ZRANGE z 0 1 LIMIT 5 -2
ZRANGE z 0 1 LIMIT a -1
ZRANGE z a 1 LIMIT a -1
ZRANGE z a 1 foo
ZRANGE z 0 1 REV WITHSCORES
ZRANGE z 3 0 REV BYSCORE WITHSCORES
ZRANGE z 3 0 BYSCORE REV WITHSCORES LIMIT 1 2
ZRANGE z 3 0 byscore rev limit 0 1 withscores
ZRANGE z 3 0 byscore rev limit 5 1 withscores
ZRANGE z 0 1 BYSCORE BYLEX
ZRANGE z 0 1 BYLEX BYSCORE
ZRANGE z 0 1 foo
ZRANGE z a b
ZRANGE z 0 -1 WITHSCORES REV REV
ZRANGE z (0 2 BYSCORE
ZRANGE z 0 9223372036854775808
ZRANGE z 0 1 LIMIT 0
ZRANGE z 0 -1 WITHSCORES LIMIT 0 1
ZRANGE z 9223372036854775807 -9223372036854775808
ZRANGE z -9223372036854775808 9223372036854775807
ZRANGE z -100 1
ZRANGE z 2 1
ZRANGE z -1 -1
ZRANGE z 4 10
ZRANGE z 1 -2 WITHSCORES
ZRANGE nokey 0 -1 WITHSCORES
ZRANGE str 0 -1
ZREVRANGE z 0 -1 WITHSCORES
ZREVRANGE z -100 1
ZREVRANGE z 1 2 WITHSCORES
ZREVRANGE z 0 -1 WITHSCORES foo
ZREVRANGE z 0 -1 foo
ZREVRANGE z 0 -1 LIMIT 0 1
ZREVRANGE z 0 -1 REV
ZREVRANGE z 0 -1 BYSCORE
ZREVRANGE z 0 x
ZCOUNT z (0 3
ZCOUNT z 3 0
ZCOUNT z a 0
ZCOUNT z -inf +inf
ZCOUNT z (1 (1
ZCOUNT nokey 0 1
ZCOUNT str 0 1
ZCOUNT str x 1
"""


def test_ranges_by_rank_and_score(pair: Pair) -> None:
    _setup(pair)
    _script(pair, RANGE_SCRIPT)


LEX_SCRIPT = """
ZRANGEBYLEX lex - +
ZRANGEBYLEX lex a +
ZRANGEBYLEX lex [a (c
ZRANGEBYLEX lex (a [c
ZRANGEBYLEX lex [a (c LIMIT 0 1
ZRANGEBYLEX lex [a [z LIMIT 2 3
ZRANGEBYLEX lex - + LIMIT 3 -1
ZRANGEBYLEX lex - + LIMIT -1 1
ZRANGEBYLEX lex [a (c WITHSCORES
ZRANGEBYLEX lex + -
ZRANGEBYLEX lex - -
ZRANGEBYLEX lex + +
ZRANGEBYLEX lex [c [a
ZRANGEBYLEX lex [c (c
ZRANGEBYLEX lex [c [c
ZRANGEBYLEX lex [ +
ZRANGEBYLEX lex ( +
ZRANGEBYLEX lex -a +
ZRANGEBYLEX lex [bb (dd
ZREVRANGEBYLEX lex + -
ZREVRANGEBYLEX lex (c -
ZREVRANGEBYLEX lex [c [a LIMIT 1 5
ZREVRANGEBYLEX lex [c [a
ZREVRANGEBYLEX lex - +
ZRANGE lex - + BYLEX
ZRANGE lex [a [c BYLEX LIMIT 1 1
ZRANGE lex [a [c BYLEX WITHSCORES
ZRANGE lex [c [a BYLEX REV LIMIT 0 1
ZRANGE lex + - BYLEX REV LIMIT 1 2
ZLEXCOUNT lex a b
ZLEXCOUNT lex - +
ZLEXCOUNT lex [b (d
ZLEXCOUNT lex + -
ZLEXCOUNT nokey - +
ZLEXCOUNT str - +
ZLEXCOUNT str x +
ZRANGEBYLEX str - +
ZRANGEBYLEX nokey - +
ZADD mixed 1 b 2 a 3 d 4 c 5 a2
ZRANGEBYLEX mixed [b +
ZRANGEBYLEX mixed [a [c
ZRANGEBYLEX mixed - [b
ZRANGEBYLEX mixed (b +
ZREVRANGEBYLEX mixed + [b
ZREVRANGEBYLEX mixed [c [a
ZREVRANGEBYLEX mixed (c -
ZLEXCOUNT mixed [a [c
ZLEXCOUNT mixed [b +
ZREMRANGEBYLEX mixed [b [c
ZRANGE mixed 0 -1 WITHSCORES
ZADD m3 1 a 2 z 3 b 4 c
ZRANGEBYLEX m3 [a [c LIMIT 2 5
ZRANGEBYLEX m3 [a [c LIMIT 1 1
ZRANGEBYLEX m3 [a [c
ZREVRANGEBYLEX m3 [c [a LIMIT 1 5
ZREVRANGEBYLEX m3 [c [a LIMIT 0 0
ZREVRANGEBYLEX m3 [y - LIMIT 1 -1
ZRANGE m3 [a [c BYLEX LIMIT 1 1
ZRANGE m3 [c [a BYLEX REV LIMIT 2 2
ZRANGESTORE dst m3 [a [c BYLEX LIMIT 2 5
ZRANGE dst 0 -1
"""


def test_ranges_by_lex(pair: Pair) -> None:
    _setup(pair)
    _script(pair, LEX_SCRIPT)


STORE_REMOVE_SCRIPT = """
ZRANGESTORE dst z 0 -1 WITHSCORES
ZRANGESTORE dst z 0 -1 REV
ZRANGE dst 0 -1 WITHSCORES
ZRANGESTORE dst z 1 2 BYSCORE LIMIT 1 1
ZRANGE dst 0 -1 WITHSCORES
ZRANGESTORE dst nokey 0 -1
EXISTS dst
ZRANGESTORE dst str 0 -1
ZRANGESTORE str2 z 0 0
SET str2 x
ZRANGESTORE str2 z 0 0
TYPE str2
ZRANGESTORE dst z 5 6
EXISTS dst
ZRANGESTORE dst lex [a [b BYLEX REV
ZRANGESTORE dst lex [b [a BYLEX REV
ZRANGE dst 0 -1
ZRANGESTORE dst z 0 -1 LIMIT 0 1
ZRANGESTORE dst z a b
ZRANGESTORE z z 1 2
ZRANGE z 0 -1 WITHSCORES
ZADD z 0 a 3 d
ZREMRANGEBYRANK z 5 10
ZREMRANGEBYRANK z a 1
ZREMRANGEBYRANK z 0 x
ZREMRANGEBYSCORE z a 1
ZREMRANGEBYLEX z a b
ZREMRANGEBYRANK str 0 1
ZREMRANGEBYRANK str x 1
ZREMRANGEBYSCORE str 0 1
ZREMRANGEBYLEX str - +
ZREMRANGEBYRANK nokey 0 1
ZREMRANGEBYRANK z 2 1
ZREMRANGEBYRANK z -100 -100
ZREMRANGEBYRANK z -1 -1
ZRANGE z 0 -1
ZREMRANGEBYSCORE z (0 1
ZREMRANGEBYSCORE z (5 (5
ZRANGE z 0 -1 WITHSCORES
ZREMRANGEBYLEX lex - [b
ZREMRANGEBYLEX lex (e +
ZREMRANGEBYLEX lex + -
ZRANGE lex 0 -1
ZREMRANGEBYLEX lex - +
EXISTS lex
ZREMRANGEBYRANK z 0 -1
EXISTS z
ZREMRANGEBYSCORE z1 -inf +inf
EXISTS z1
"""


def test_rangestore_and_removals(pair: Pair) -> None:
    _setup(pair)
    _script(pair, STORE_REMOVE_SCRIPT)


def test_range_methods(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.zrange("z", 0, -1))
    pair.check(lambda r: r.zrange("z", 0, 1, desc=True, withscores=True))
    pair.check(lambda r: r.zrange("z", 0, 2, byscore=True, offset=1, num=1))
    pair.check(lambda r: r.zrange("z", 2, 0, byscore=True, desc=True, withscores=True))
    pair.check(lambda r: r.zrange("lex", "[b", "(e", bylex=True, offset=1, num=2))
    pair.check(lambda r: r.zrange("z", 0, -1, withscores=True, score_cast_func=int))
    pair.check(lambda r: r.zrangestore("dst", "z", 1, 2))
    pair.check(lambda r: r.zrangestore("dst", "z", 3, 1, byscore=True, desc=True, offset=0, num=1))
    pair.check(lambda r: r.zrange("dst", 0, -1, withscores=True))
    pair.check(lambda r: r.zrangebyscore("z", 1, "+inf", withscores=True))
    pair.check(lambda r: r.zrangebyscore("z", "(0", 3, start=1, num=1))
    pair.check(lambda r: r.zrevrangebyscore("z", "+inf", "-inf", withscores=True))
    pair.check(lambda r: r.zrevrangebyscore("z", 3, 0, start=1, num=2))
    pair.check(lambda r: r.zrangebylex("lex", "-", "[c"))
    pair.check(lambda r: r.zrangebylex("lex", "-", "+", start=2, num=2))
    pair.check(lambda r: r.zrevrangebylex("lex", "+", "(c"))
    pair.check(lambda r: r.zrevrangebylex("lex", "+", "-", start=1, num=3))
    pair.check(lambda r: r.zrevrange("z", 0, 1))
    pair.check(lambda r: r.zrevrange("z", 0, -1, withscores=True))
    pair.check(lambda r: r.zcount("z", 1, 2))
    pair.check(lambda r: r.zcount("z", "(1", "+inf"))
    pair.check(lambda r: r.zlexcount("lex", "[b", "[d"))
    pair.check(lambda r: r.zremrangebyrank("z", 0, 0))
    pair.check(lambda r: r.zremrangebyscore("z", 2, "(3"))
    pair.check(lambda r: r.zremrangebylex("lex", "[a", "(c"))
    pair.check(lambda r: r.zrange("z", 0, -1, withscores=True))
    pair.check(lambda r: r.zrange("lex", 0, -1))


ALGEBRA_SCRIPT = """
ZUNION 2 z1 z2 WITHSCORES
ZUNION 2 z1 z2 WEIGHTS 2 3 WITHSCORES
ZUNION 2 z1 z2 WEIGHTS 2 WITHSCORES
ZUNION 2 z1 z2 WEIGHTS 2 a WITHSCORES
ZUNION 2 z1 z2 AGGREGATE MIN WITHSCORES
ZUNION 2 z1 z2 aggregate max withscores
ZUNION 2 z1 z2 AGGREGATE foo WITHSCORES
ZUNION 2 z1 z2 AGGREGATE
ZUNION 3 z1 z2 s1 WITHSCORES
ZUNION 3 z1 z2 s1 WEIGHTS 1 1 0.5 WITHSCORES
ZINTER 3 z1 z2 s1 WITHSCORES
ZINTER 2 z1 z2
ZINTER 2 z1 z2 AGGREGATE MAX WITHSCORES
ZINTER 2 z1 z1 WITHSCORES
ZDIFF 3 z1 z2 s1 WITHSCORES
ZDIFF 2 z2 z1 WITHSCORES
ZDIFF 1 z1
ZDIFF 2 nokey z1
ZDIFF 2 s1 z2 WITHSCORES
ZDIFF 2 z1 z2 WEIGHTS 1 1
ZDIFF 2 z1 z2 AGGREGATE MIN
ZUNION 0 z1
ZUNION -1 z1
ZUNION a z1
ZUNION 3 z1 z2
ZUNION 1 z1 z2
ZUNION 2 z1 str
ZUNION 2 str nokey WEIGHTS a b
ZUNION 2 z1 nokey WITHSCORES
ZINTER 2 z1 nokey WITHSCORES
ZINTER 0 z1
ZDIFF 0 z1
ZUNIONSTORE dst 2 z1 z2 WEIGHTS 1 2
ZRANGE dst 0 -1 WITHSCORES
ZUNIONSTORE dst 2 z1 z2 WITHSCORES
ZUNIONSTORE dst 0 z1
ZUNIONSTORE dst 2 z1
ZINTERSTORE dst 2 z1 nokey
EXISTS dst
ZINTERSTORE dst 2 z1 z2 AGGREGATE MIN
ZRANGE dst 0 -1 WITHSCORES
ZINTERSTORE dst 1 str
ZDIFFSTORE dst 1 z1
ZRANGE dst 0 -1 WITHSCORES
ZDIFFSTORE dst 0 z1
ZDIFFSTORE dst 2 z1 z2 WITHSCORES
ZDIFFSTORE str 2 z1 z2
TYPE str
SET str x
ZINTERCARD 2 z1 z2
ZINTERCARD 2 z1 z2 LIMIT 1
ZINTERCARD 2 z1 z2 LIMIT -1
ZINTERCARD 2 z1 z2 LIMIT a
ZINTERCARD 2 z1 z2 LIMIT
ZINTERCARD 0 z1
ZINTERCARD 3 z1 z2
ZINTERCARD 2 z1 z2 foo
ZINTERCARD 2 z1 s1
ZINTERCARD 2 z1 str
ZINTERCARD 2 z1 z2 LIMIT 0
ZINTERCARD 2 z1 z2 WEIGHTS 1 1
ZINTERCARD 2 z1 z2 WITHSCORES
ZINTERCARD 2 z1 nokey
ZUNION 2 z1 z2 WEIGHTS inf -inf WITHSCORES
ZUNION 2 z1 z2 WEIGHTS inf 0 WITHSCORES
ZINTER 2 z1 z2 WEIGHTS inf -inf WITHSCORES
ZINTER 2 z1 z2 WEIGHTS inf 0 WITHSCORES
ZINTER 2 z1 z2 WEIGHTS inf 0 WITHSCORES AGGREGATE MIN
ZINTER 2 z1 z2 WEIGHTS inf 0 WITHSCORES AGGREGATE MAX
ZINTER 2 z1 z2 WEIGHTS 0 inf WITHSCORES AGGREGATE MIN
ZUNION 2 z1 z2 WEIGHTS 1e400 1 WITHSCORES
ZUNION 2 z1 z2 WEIGHTS nan 1 WITHSCORES
ZUNION 2 z1 z2 WEIGHTS 0x2 1 WITHSCORES
ZUNION 2 z1 z2 WITHSCORES WITHSCORES
ZUNION 2 z1 z2 WEIGHTS 1 1 WEIGHTS 2 2 WITHSCORES
ZUNION 2 z1 z2 AGGREGATE MIN AGGREGATE SUM WITHSCORES
ZUNION 1 z1 LIMIT 1
ZUNION 9223372036854775807 z1
ZUNION 9223372036854775808 z1
ZADD f1 0.1 a 0.2 b
ZADD f2 0.2 a 0.3 b 1 c
ZADD f3 0.3 a 0.1 b 1 c 2 d
ZUNION 3 f3 f1 f2 WITHSCORES
ZUNION 3 f1 f2 f3 WITHSCORES
ZINTER 3 f2 f3 f1 WITHSCORES
ZINTERSTORE z1 2 z1 z1
ZRANGE z1 0 -1 WITHSCORES
"""


def test_algebra(pair: Pair) -> None:
    _setup(pair)
    _script(pair, ALGEBRA_SCRIPT)


def test_algebra_methods(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.zunion(["z1", "z2"]))
    pair.check(lambda r: r.zunion({"z1": 2, "z2": 0.5}, aggregate="MAX", withscores=True))
    pair.check(lambda r: r.zinter(["z1", "z2", "s1"], withscores=True))
    pair.check(lambda r: r.zinter({"z1": 1, "z2": 3}, aggregate="min", withscores=True))
    pair.check(lambda r: r.zdiff(["z2", "z1"], withscores=True))
    pair.check(lambda r: r.zdiff(["z1", "nokey"]))
    pair.check(lambda r: r.zunionstore("dst", ["z1", "z2"], aggregate="MIN"))
    pair.check(lambda r: r.zinterstore("dst2", {"z1": 1, "z2": 2}))
    pair.check(lambda r: r.zdiffstore("dst3", ["z2", "z1"]))
    pair.check(lambda r: [r.zrange(k, 0, -1, withscores=True) for k in ("dst", "dst2", "dst3")])
    pair.check(lambda r: r.zintercard(2, ["z1", "z2"]))
    pair.check(lambda r: r.zintercard(2, ["z1", "z2"], limit=1))
    pair.check(lambda r: r.zunion(["z1", "str"]))
    for key in ("dst", "dst2", "dst3"):
        _same_encoding(pair, key)


POP_SCRIPT = """
ZPOPMIN str 0
ZPOPMIN str
ZPOPMIN str -1
ZPOPMIN z1 1 2
ZPOPMIN z1 x
ZPOPMIN nokey 0
ZPOPMIN nokey
ZPOPMIN nokey 2
ZPOPMIN z1 0
ZPOPMIN z1
ZPOPMAX z1 1
ZPOPMAX z1 100
EXISTS z1
ZPOPMAX z 2
ZPOPMIN z 9223372036854775807
EXISTS z
ZMPOP 0 z2 MIN
ZMPOP 1 z2
ZMPOP 1 z2 foo
ZMPOP 1 z2 MIN COUNT 0
ZMPOP 1 z2 MIN COUNT -1
ZMPOP 1 z2 MIN COUNT a
ZMPOP 1 z2 MIN COUNT 1 COUNT 1
ZMPOP 1 z2 MIN COUNT
ZMPOP 1 z2 MIN foo
ZMPOP 2 nokey str MIN
ZMPOP 1 str MIN COUNT 0
ZMPOP 3 z2 MIN
ZMPOP 2 z2 MIN
ZMPOP a z2 MIN
ZMPOP -1 z2 MIN
ZMPOP 1 nokey MIN
ZMPOP 2 z2 str MIN
ZMPOP 2 nokey z2 max COUNT 1
ZMPOP 1 z2 MAX COUNT 10
EXISTS z2
ZMPOP 2 str z2 MIN
"""


def test_pops(pair: Pair) -> None:
    _setup(pair)
    _script(pair, POP_SCRIPT)


def test_pop_methods(pair: Pair) -> None:
    _setup(pair)
    pair.check(lambda r: r.zpopmin("z"))
    pair.check(lambda r: r.zpopmax("z"))
    pair.check(lambda r: r.zpopmin("z1", 2))
    pair.check(lambda r: r.zpopmax("z2", 5))
    pair.check(lambda r: r.zpopmin("nokey"))
    pair.check(lambda r: r.zmpop(2, ["nokey", "lex"], min=True))
    pair.check(lambda r: r.zmpop(1, ["lex"], max=True, count=3))
    pair.check(lambda r: r.zmpop(1, ["nokey"], min=True))
    pair.check(lambda r: r.bzpopmin(["nokey", "z"], timeout=1))
    pair.check(lambda r: r.bzpopmax("lex", timeout=0))
    pair.check(lambda r: r.bzmpop(1, 2, ["nokey", "lex"], min=True, count=2))


def _check_zrandmember(
    got: Any, content: dict[Any, float], count: int, withscores: bool
) -> None:
    if withscores:
        assert isinstance(got, list)
        pairs = [tuple(p) for p in got] if got and isinstance(got[0], list) else list(zip(got[::2], got[1::2]))
        members = [m for m, _ in pairs]
        for member, score in pairs:
            assert float(score) == content[member]
    else:
        members = list(got)
    assert set(members) <= set(content)
    if count >= 0:
        assert len(members) == min(count, len(content))
        assert len(set(members)) == len(members)
    else:
        assert len(members) == -count


def test_zrandmember(pair: Pair) -> None:
    _setup(pair)
    content = {m: float(s) for m, s in pair.check(lambda r: r.zrange("z", 0, -1, withscores=True))}
    assert pair.burner.zrandmember("z") in content
    for count in (0, 1, 3, 4, 10, -1, -3, -20):
        for withscores in (False, True):
            got = pair.burner.zrandmember("z", count, withscores=withscores)
            _check_zrandmember(got, content, count, withscores)
            mine: Any = pair.burner
            raw = mine.execute_command(
                "ZRANDMEMBER", "z", count, *(["WITHSCORES"] if withscores else [])
            )
            _check_zrandmember(raw, content, count, withscores)
    counts = Counter(cast(list[Any], pair.burner.zrandmember("z", -2000)))
    assert set(counts) == set(content)
    pair.check(lambda r: r.zrandmember("nokey"))
    pair.check(lambda r: r.zrandmember("nokey", 3))
    pair.check(lambda r: r.zrandmember("nokey", 3, withscores=True))
    pair.check(lambda r: r.zrandmember("z", 0, withscores=True))
    for cmd in (
        "ZRANDMEMBER z 1 foo",
        "ZRANDMEMBER z 1 WITHSCORES foo",
        "ZRANDMEMBER z a",
        "ZRANDMEMBER nokey a",
        "ZRANDMEMBER str",
        "ZRANDMEMBER str 1",
        "ZRANDMEMBER z -4611686018427387904 WITHSCORES",
        "ZRANDMEMBER z 4611686018427387904 WITHSCORES",
        "ZRANDMEMBER z -9223372036854775808",
        "ZRANDMEMBER",
    ):
        pair.cmd(*cmd.split())


def test_zscan(pair: Pair) -> None:
    _setup(pair)
    pair.both(lambda r: r.zadd("z", {"frac": 0.1, "big": 1e300, "ninf": -math.inf}))
    pair.check(lambda r: r.zscan("z"))
    pair.check(lambda r: r.zscan("z", 0, match="[a-c]"))
    pair.check(lambda r: r.zscan("z", 0, score_cast_func=str))
    pair.cmd("ZSCAN", "z", "0")
    pair.cmd("ZSCAN", "z", "0", "COUNT", "1")
    pair.cmd("ZSCAN", "nokey", "0")
    pair.cmd("ZSCAN", "str", "0")
    pair.cmd("ZSCAN", "z", "x")
    pair.cmd("ZSCAN", "z", "0", "COUNT", "0")
    pair.cmd("ZSCAN", "z", "0", "NOPE", "1")
    pair.cmd("ZSCAN", "z")
    pair.both(lambda r: r.zadd("huge", {f"m{i}": i / 3 for i in range(300)}))
    pair.check(lambda r: sorted(r.zscan_iter("huge", count=7)))
    pair.check(lambda r: sorted(r.zscan_iter("huge", match="m1*", count=40)))


def test_encodings(pair: Pair) -> None:
    pair.both(lambda r: r.zadd("e", {"a": 1}))
    _same_encoding(pair, "e")
    pair.both(lambda r: r.zadd("e", {"x" * 64: 2}))
    _same_encoding(pair, "e")
    pair.both(lambda r: r.zadd("e", {"y" * 65: 3}))
    _same_encoding(pair, "e")
    pair.both(lambda r: r.zrem("e", "y" * 65))
    _same_encoding(pair, "e")  # no way back to a listpack
    pair.both(lambda r: r.zadd("big", {f"m{i}": i for i in range(128)}))
    _same_encoding(pair, "big")
    pair.both(lambda r: r.zadd("big", {"one-more": 0}))
    _same_encoding(pair, "big")
    pair.both(lambda r: r.zrangestore("small", "big", 0, 5))
    _same_encoding(pair, "small")
    pair.both(lambda r: r.zunionstore("u", ["big"]))
    _same_encoding(pair, "u")
    pair.both(lambda r: r.zdiffstore("dd", ["e", "nokey"]))
    _same_encoding(pair, "dd")
    pair.both(lambda r: r.zincrby("inc", 1, "z" * 70))
    _same_encoding(pair, "inc")
    pair.both(lambda r: cast(Any, r).execute_command("ZADD", "dup", *(["1", "a"] * 130)))
    _same_encoding(pair, "dup")


def test_arity(pair: Pair) -> None:
    for name in ("ZADD", "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGE", "ZRANGEBYLEX", "ZUNIONSTORE"):
        pair.cmd(name, "k", "1")
    for name in ("ZCARD", "ZPOPMIN", "ZPOPMAX", "ZRANDMEMBER"):
        pair.cmd(name)
    for name in ("ZCOUNT", "ZLEXCOUNT", "ZREMRANGEBYRANK", "ZINCRBY"):
        pair.cmd(name, "k", "1")
    for name in ("ZUNION", "ZINTER", "ZDIFF", "ZINTERCARD", "ZMPOP", "BZPOPMIN"):
        pair.cmd(name, "1")
    pair.cmd("ZRANGESTORE", "d", "k", "0")
    pair.cmd("ZSCAN", "k")
    pair.cmd("BZMPOP", "0", "1", "k")


EVENT_COMMANDS: list[tuple[str, ...]] = [
    ("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"), ("ZADD", "z", "1", "a"),
    ("ZADD", "z", "INCR", "1", "a"), ("ZADD", "z", "INCR", "0", "a"), ("ZINCRBY", "z", "0", "a"),
    ("ZINCRBY", "z", "1", "a"), ("ZINCRBY", "new", "1", "a"), ("ZADD", "z", "NX", "5", "a"),
    ("ZREM", "z", "zz"), ("ZREM", "z", "b"), ("ZREM", "new", "a"),
    ("ZADD", "z", "5", "e", "6", "f", "7", "g"), ("ZREMRANGEBYRANK", "z", "0", "0"),
    ("ZREMRANGEBYSCORE", "z", "(3", "5"), ("ZREMRANGEBYSCORE", "z", "100", "200"),
    ("ZADD", "lex", "0", "a", "0", "b"), ("ZREMRANGEBYLEX", "lex", "-", "[a"),
    ("ZREMRANGEBYLEX", "lex", "-", "+"), ("ZPOPMIN", "z"), ("ZPOPMAX", "z", "1"),
    ("ZPOPMIN", "z", "0"), ("ZADD", "y", "1", "a", "2", "b"), ("ZMPOP", "2", "nokey", "y", "MAX"),
    ("BZPOPMIN", "y", "0"), ("ZADD", "y", "1", "a"), ("BZMPOP", "0", "1", "y", "MIN", "COUNT", "5"),
    ("ZADD", "y", "1", "a", "2", "b"), ("ZUNIONSTORE", "d", "2", "y", "z"),
    ("ZINTERSTORE", "d", "2", "y", "z"), ("ZDIFFSTORE", "d", "1", "y"),
    ("ZINTERSTORE", "d", "2", "y", "nokey"), ("ZINTERSTORE", "d", "2", "y", "nokey"),
    ("ZRANGESTORE", "d", "y", "0", "0"), ("ZRANGESTORE", "d", "y", "5", "6"),
    ("ZRANGESTORE", "d", "nokey", "0", "-1"), ("ZREMRANGEBYRANK", "z", "0", "-1"),
]


def _events(r: redis.Redis) -> list[tuple[object, object]]:
    return keyspace_events(r, EVENT_COMMANDS)


def test_keyspace_events_match_redis(pair: Pair) -> None:
    pair.both(lambda r: r.config_set("notify-keyspace-events", "KEA"))
    try:
        events = pair.check(_events)
        assert len(events) > 50
    finally:
        pair.both(lambda r: r.config_set("notify-keyspace-events", ""))


def _signed(value: Any) -> Any:
    """``value`` with every float's sign made visible (-0.0 == 0.0 otherwise)."""
    if isinstance(value, float):
        return (value, math.copysign(1.0, value))
    if isinstance(value, (list, tuple)):
        return [_signed(v) for v in value]
    return value


NEGATIVE_ZERO_SCRIPT = [
    ("ZADD", "z", "-0", "a", "-0.0", "b", "1", "c"),
    ("ZSCORE", "z", "a"),
    ("ZADD", "z", "INCR", "-0", "d"),
    ("ZINCRBY", "z2", "-0", "x"),
    ("ZSCORE", "z2", "x"),
    ("ZUNION", "2", "z", "z2", "WEIGHTS", "-1", "-1", "WITHSCORES"),
    ("ZINTER", "1", "z", "WEIGHTS", "-1", "WITHSCORES"),
    ("ZUNIONSTORE", "u", "1", "z", "WEIGHTS", "-1"),
    ("ZRANGE", "u", "0", "-1", "WITHSCORES"),
    ("ZADD", "big", "-0", "a", "1", "m" * 65),
    ("ZADD", "big", "-0", "b"),
    ("ZINCRBY", "big", "-0", "c"),
    ("ZRANGE", "big", "0", "-1", "WITHSCORES"),
    ("ZMSCORE", "big", "a", "b", "c"),
    ("ZUNIONSTORE", "u2", "1", "big", "WEIGHTS", "-1"),
    ("ZRANGE", "u2", "0", "-1", "WITHSCORES"),
    ("ZUNIONSTORE", "u3", "1", "u2", "WEIGHTS", "-1"),
    ("ZRANGE", "u3", "0", "-1", "WITHSCORES"),
    ("ZPOPMIN", "big", "2"),
    ("ZADD", "big2", "1", "m" * 65, "-0", "b", "-0", "c"),
    ("ZRANGESTORE", "d", "big2", "0", "-1"),
    ("ZRANGE", "d", "0", "-1", "WITHSCORES"),
    ("ZRANGESTORE", "d2", "big2", "-inf", "+inf", "BYSCORE"),
    ("ZRANGE", "d2", "0", "-1", "WITHSCORES"),
    ("ZUNIONSTORE", "d3", "1", "big2"),
    ("ZRANGE", "d3", "0", "-1", "WITHSCORES"),
    ("ZADD", "many", *[x for i in range(130) for x in ("0", f"n{i:03}")]),
    ("ZUNIONSTORE", "neg", "1", "many", "WEIGHTS", "-1"),
    ("ZRANGESTORE", "r1", "neg", "0", "-1"),
    ("ZRANGESTORE", "r2", "neg", "-inf", "+inf", "BYSCORE"),
    ("ZRANGESTORE", "r3", "neg", "0", "100"),
    ("ZRANGE", "r1", "0", "-1", "WITHSCORES"),
    ("ZRANGE", "r2", "0", "-1", "WITHSCORES"),
    ("ZRANGE", "r3", "0", "-1", "WITHSCORES"),
]


def test_negative_zero(pair: Pair) -> None:
    # A listpack stores -0 as 0, a skiplist keeps the sign; replies computed
    # on the fly (ZINCRBY, ZUNION) keep it too. RESP2 prints "-0".
    for command in NEGATIVE_ZERO_SCRIPT:
        pair.cmd(*command, normalize=_signed)
    for key in ("z", "z2", "u", "big", "u2", "u3", "d", "d2", "d3", "r1", "r2", "r3"):
        _same_encoding(pair, key)


def test_copy_keeps_content_and_encoding(pair: Pair) -> None:
    _setup(pair)
    pair.both(lambda r: r.zadd("sk", {"a": 1, "m" * 70: 2}))
    pair.both(lambda r: r.zrem("sk", "m" * 70))
    for src in ("z", "sk"):
        copy_key = src + "-copy"
        pair.check(lambda r: r.copy(src, copy_key))  # noqa: B023
        pair.check(lambda r: r.zrange(copy_key, 0, -1, withscores=True))  # noqa: B023
        _same_encoding(pair, copy_key)
    pair.check(lambda r: r.zadd("z-copy", {"new": 9, "a": 5}))
    pair.check(lambda r: r.zrange("z", 0, -1, withscores=True))
    _burner_zset(pair, "z")
    _burner_zset(pair, "z-copy")


def test_configured_listpack_limits(pair: Pair) -> None:
    pair.check(lambda r: r.config_set("zset-max-listpack-entries", 4))
    pair.check(lambda r: r.config_set("zset-max-listpack-value", 8))
    try:
        pair.both(lambda r: r.zadd("a", {"m1": 1, "m2": 2, "m3": 3, "m4": 4}))
        _same_encoding(pair, "a")
        pair.both(lambda r: r.zadd("a", {"m5": 5}))
        _same_encoding(pair, "a")
        pair.both(lambda r: r.zadd("b", {"short": 1}))
        pair.both(lambda r: r.zincrby("b", 1, "a-long-member"))
        _same_encoding(pair, "b")
        pair.both(lambda r: r.zadd("c", {"x": 1, "y": 2}))
        pair.both(lambda r: r.zunionstore("u", ["a", "c"]))
        _same_encoding(pair, "u")
        pair.both(lambda r: r.zrangestore("r", "a", 0, 2))
        _same_encoding(pair, "r")
        pair.both(lambda r: r.zrangestore("r2", "a", 0, -1))
        _same_encoding(pair, "r2")
        pair.both(lambda r: r.zrangestore("r3", "a", 0, 10, byscore=True))
        _same_encoding(pair, "r3")
        pair.check(lambda r: r.config_set("zset-max-listpack-entries", 0))
        pair.both(lambda r: r.zadd("z0", {"a": 1}))
        _same_encoding(pair, "z0")
    finally:
        pair.both(lambda r: r.config_set("zset-max-listpack-entries", 128))
        pair.both(lambda r: r.config_set("zset-max-listpack-value", 64))
