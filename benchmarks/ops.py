"""The operations the latency table measures, written once for every backend.

Rules of this module:

- An operation is an ``Op``: an untimed ``setup`` (once per backend), an
  untimed ``batch`` that prepares the items one timing consumes (and returns
  them), the timed ``call`` (one call per item), and an untimed ``after`` that
  puts the data set back where it was.  So every timing starts from the same
  state, whatever ran before it.
- ``setup``/``batch``/``after`` are coroutines that ``await step(...)`` every
  client call: for a sync client ``step`` returns the reply at once and the
  coroutine never suspends (the harness drives it without an event loop).
- ``call(r, ctx)`` returns a one-argument function called once per item; it
  returns whatever the client returns (a reply, or an awaitable that the
  async timing loop awaits).  Nothing else happens inside the timed loop.
- ``needs`` names the client methods (``"name"`` or ``"name(param)"``) the
  operation uses; a peer that lacks one shows n/a instead of an error.
- ``group`` says which line of the bar in issue #9 applies: ``hot`` (at or
  below burner-redis), ``evalsha`` (3x faster than burner-redis),
  ``pipeline`` (at or below burner-redis per command), ``other`` (within 3x
  of burner-redis where it has the command, 30x faster than fakeredis).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

Ctx = dict[str, Any]
Setup = Callable[[Any, Ctx], Coroutine[Any, Any, None]]
Batch = Callable[[Any, Ctx, int], Coroutine[Any, Any, Sequence[Any]]]
After = Callable[[Any, Ctx, Sequence[Any]], Coroutine[Any, Any, None]]
Call = Callable[[Any, Ctx], Callable[[Any], Any]]


async def step(value: Any) -> Any:
    """The reply of a client call, awaited when the client is async."""
    if inspect.isawaitable(value):
        return await value
    return value


async def _no_setup(r: Any, ctx: Ctx) -> None:
    return None


async def _plain(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    return range(n)


async def _no_after(r: Any, ctx: Ctx, items: Sequence[Any]) -> None:
    return None


@dataclass(frozen=True)
class Op:
    name: str
    group: str
    how: str
    call: Call
    setup: Setup = _no_setup
    batch: Batch = _plain
    after: After = _no_after
    weight: int = 1  # commands per call (1,000 for a pipeline)
    needs: tuple[str, ...] = ()


# ---------------------------------------------------------------- data sets

VALUE = "v" * 16
ZSIZE = 1000  # members of the sorted sets that ZRANGEBYSCORE/ZSCORE/ZREM/ZADD work on
ONE = "return redis.call('GET', KEYS[1])"
TEN = "local v\nfor i = 1, 10 do v = redis.call('GET', KEYS[1]) end\nreturn v"
MKEYS = [f"m:{i}" for i in range(10)]
FIELDS = {f"f{i}": VALUE for i in range(10)}


async def _strings(r: Any, ctx: Ctx) -> None:
    await step(r.set("s", VALUE))
    await step(r.set("n", "0"))
    await step(r.set("e", VALUE))
    await step(r.set("ex", VALUE, ex=100_000))
    for key in MKEYS:
        await step(r.set(key, VALUE))


async def _hashes(r: Any, ctx: Ctx) -> None:
    await step(r.delete("h", "h10"))
    await step(r.hset("h", "f", VALUE))
    await step(r.hset("h10", mapping=FIELDS))


async def _sets(r: Any, ctx: Ctx) -> None:
    await step(r.delete("set", "sadd"))
    await step(r.sadd("set", *[f"e{i}" for i in range(100)]))


async def _zset(r: Any, ctx: Ctx) -> None:
    await step(r.delete("z"))
    await step(r.zadd("z", {f"e{i}": i for i in range(ZSIZE)}))


async def _lists(r: Any, ctx: Ctx) -> None:
    await step(r.delete("l", "lpush", "rpop"))
    await step(r.rpush("l", *[f"e{i}" for i in range(100)]))


async def _stream(r: Any, ctx: Ctx) -> None:
    """A 1,000-entry stream with one group whose 10 pending entries XAUTOCLAIM moves."""
    await step(r.delete("x"))
    for i in range(1000):
        await step(r.xadd("x", {"f": VALUE, "n": str(i)}))
    await step(r.xgroup_create("x", "g", "0"))
    await step(r.xreadgroup("g", "c", {"x": ">"}, count=10))


async def _scripts(r: Any, ctx: Ctx) -> None:
    await step(r.set("s", VALUE))
    ctx["one"] = await step(r.script_load(ONE))
    ctx["ten"] = await step(r.script_load(TEN))


# ------------------------------------------------- batches (untimed helpers)


def _keys(prefix: str, n: int) -> list[str]:
    return [f"{prefix}:{i}" for i in range(n)]


async def _fresh_keys(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    return _keys("nx", n)


async def _drop_keys(r: Any, ctx: Ctx, items: Sequence[Any]) -> None:
    if items:
        await step(r.delete(*items))


async def _keys_to_delete(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    keys = _keys("del", n)
    for key in keys:
        await step(r.set(key, VALUE))
    return keys


async def _new_members(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    return [f"new{i}" for i in range(n)]


async def _drop_sadd(r: Any, ctx: Ctx, items: Sequence[Any]) -> None:
    await step(r.delete("sadd"))


async def _zadd_items(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    return [{f"new{i}": ZSIZE + i} for i in range(n)]


async def _zadd_after(r: Any, ctx: Ctx, items: Sequence[Any]) -> None:
    if items:
        await step(r.zrem("z", *[m for mapping in items for m in mapping]))


async def _zrem_items(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    members = {f"new{i}": ZSIZE + i for i in range(n)}
    await step(r.zadd("z", members))
    return list(members)


async def _delete_lpush(r: Any, ctx: Ctx, items: Sequence[Any]) -> None:
    await step(r.delete("lpush"))


async def _rpop_items(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    await step(r.delete("rpop"))
    for start in range(0, n, 1000):
        await step(r.rpush("rpop", *[f"e{i}" for i in range(start, min(n, start + 1000))]))
    return range(n)


async def _delete_xadd(r: Any, ctx: Ctx, items: Sequence[Any]) -> None:
    await step(r.delete("xadd"))


async def _group_stream(r: Any, n: int) -> list[Any]:
    """A fresh stream ``xg`` of ``n`` entries and a group ``g`` at its start."""
    await step(r.delete("xg"))
    ids = [await step(r.xadd("xg", {"f": VALUE})) for _ in range(n)]
    await step(r.xgroup_create("xg", "g", "0"))
    return ids


async def _read1_items(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    await _group_stream(r, n)
    return range(n)


async def _read10_items(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    await _group_stream(r, 10 * n)
    return range(n)


async def _xack_items(r: Any, ctx: Ctx, n: int) -> Sequence[Any]:
    ids = await _group_stream(r, n)
    await step(r.xreadgroup("g", "c", {"xg": ">"}, count=n))
    return ids


async def _pipeline_keys(r: Any, ctx: Ctx) -> None:
    ctx["pkeys"] = _keys("p", 1000)


def _pipelined(transaction: bool) -> Call:
    def build(r: Any, ctx: Ctx) -> Callable[[Any], Any]:
        keys: list[str] = ctx["pkeys"]
        # burner-redis's pipeline() takes no argument: its one kind of pipeline
        # stands for transaction=False (transaction=True needs the parameter)
        plain = "transaction" not in inspect.signature(r.pipeline).parameters

        def run(_: Any) -> Any:
            pipe = r.pipeline() if plain else r.pipeline(transaction=transaction)
            for key in keys:
                pipe.set(key, VALUE)
            return pipe.execute()

        return run

    return build


# ------------------------------------------------------------- the table

OPS: list[Op] = [
    Op("GET", "hot", "GET of a 16-byte string", lambda r, c: lambda _: r.get("s"), _strings),
    Op("SET", "hot", "SET over the same key", lambda r, c: lambda _: r.set("s", VALUE), _strings),
    Op("SET EX", "hot", "SET key value EX 100 over the same key",
       lambda r, c: lambda _: r.set("ex", VALUE, ex=100), needs=("set(ex)",)),
    Op("SET NX", "hot", "SET NX of a new key each call (keys dropped after the timing)",
       lambda r, c: lambda k: r.set(k, VALUE, nx=True), batch=_fresh_keys, after=_drop_keys,
       needs=("set(nx)",)),
    Op("MGET (10 keys)", "hot", "MGET of 10 existing keys",
       lambda r, c: lambda _: r.mget(*MKEYS), _strings),
    Op("INCR", "hot", "INCR of one counter", lambda r, c: lambda _: r.incr("n"), _strings,
       needs=("incr",)),
    Op("HGET", "hot", "HGET of one field", lambda r, c: lambda _: r.hget("h", "f"), _hashes),
    Op("HSET", "hot", "HSET overwriting one field",
       lambda r, c: lambda _: r.hset("h", "f", VALUE), _hashes),
    Op("HGETALL (10 fields)", "hot", "HGETALL of a 10-field hash",
       lambda r, c: lambda _: r.hgetall("h10"), _hashes),
    Op("SADD", "hot", "SADD of a new member each call (set dropped after the timing)",
       lambda r, c: lambda m: r.sadd("sadd", m), batch=_new_members, after=_drop_sadd),
    Op("SISMEMBER", "hot", "SISMEMBER hit in a 100-member set",
       lambda r, c: lambda _: r.sismember("set", "e50"), _sets),
    Op("ZADD", "hot", "ZADD of a new member into a 1,000-member zset (removed after the timing)",
       lambda r, c: lambda m: r.zadd("z", m), _zset, _zadd_items, _zadd_after),
    Op("ZRANGEBYSCORE LIMIT 10", "hot", "ZRANGEBYSCORE z 100 +inf LIMIT 0 10 on 1,000 members "
       "(burner-redis cannot send LIMIT: compare the 10-member-range row)",
       lambda r, c: lambda _: r.zrangebyscore("z", 100, "+inf", start=0, num=10), _zset,
       needs=("zrangebyscore(start)",)),
    Op("ZREM", "hot", "ZREM of a member added (in bulk, untimed) to a 1,000-member zset",
       lambda r, c: lambda m: r.zrem("z", m), _zset, _zrem_items),
    Op("XADD", "hot", "XADD * of a 1-field entry (stream dropped after the timing)",
       lambda r, c: lambda _: r.xadd("xadd", {"f": VALUE}), after=_delete_xadd),
    Op("XREADGROUP COUNT 1", "hot", "XREADGROUP > COUNT 1 on a fresh group (entries added untimed)",
       lambda r, c: lambda _: r.xreadgroup("g", "c", {"xg": ">"}, count=1), batch=_read1_items),
    Op("XREADGROUP COUNT 10", "hot", "XREADGROUP > COUNT 10, as above",
       lambda r, c: lambda _: r.xreadgroup("g", "c", {"xg": ">"}, count=10), batch=_read10_items),
    Op("XACK", "hot", "XACK of one pending entry (entries added and read untimed)",
       lambda r, c: lambda i: r.xack("xg", "g", i), batch=_xack_items),
    Op("EXPIRE", "hot", "EXPIRE 100,000 of an existing key",
       lambda r, c: lambda _: r.expire("e", 100_000), _strings),
    Op("DEL", "hot", "DEL of one key (keys created untimed before the timing)",
       lambda r, c: lambda k: r.delete(k), batch=_keys_to_delete),
    Op("EXISTS", "hot", "EXISTS of an existing key", lambda r, c: lambda _: r.exists("s"), _strings),
    Op("EVALSHA (1 redis.call)", "evalsha", "EVALSHA of a script doing one GET",
       lambda r, c: lambda _: r.evalsha(c["one"], 1, "s"), _scripts),
    Op("EVALSHA (10 redis.call)", "evalsha", "EVALSHA of a script doing ten GETs",
       lambda r, c: lambda _: r.evalsha(c["ten"], 1, "s"), _scripts),
    Op("pipelined SET, transaction=False", "pipeline",
       "1,000 SETs in one pipeline, per command (burner-redis: its only pipeline)",
       _pipelined(False), _pipeline_keys, weight=1000),
    Op("pipelined SET, transaction=True", "pipeline",
       "1,000 SETs in one MULTI/EXEC pipeline, per command",
       _pipelined(True), _pipeline_keys, weight=1000, needs=("pipeline(transaction)",)),
    # the other commands: within 3x of burner-redis, 30x faster than fakeredis
    Op("LPUSH", "other", "LPUSH of one element (list dropped after the timing)",
       lambda r, c: lambda _: r.lpush("lpush", VALUE), after=_delete_lpush),
    Op("RPOP", "other", "RPOP of a list filled untimed before the timing",
       lambda r, c: lambda _: r.rpop("rpop"), batch=_rpop_items),
    Op("LRANGE 0 9", "other", "LRANGE 0 9 of a 100-element list",
       lambda r, c: lambda _: r.lrange("l", 0, 9), _lists),
    Op("ZSCORE", "other", "ZSCORE in a 1,000-member zset",
       lambda r, c: lambda _: r.zscore("z", "e500"), _zset),
    Op("ZCARD", "other", "ZCARD of a 1,000-member zset",
       lambda r, c: lambda _: r.zcard("z"), _zset),
    Op("ZRANGEBYSCORE (10-member range)", "other",
       "ZRANGEBYSCORE z 100 109 on 1,000 members (no LIMIT: every peer has it)",
       lambda r, c: lambda _: r.zrangebyscore("z", 100, 109), _zset),
    Op("HINCRBY", "other", "HINCRBY of one field by 1",
       lambda r, c: lambda _: r.hincrby("h", "n", 1), _hashes),
    Op("SCARD", "other", "SCARD of a 100-member set",
       lambda r, c: lambda _: r.scard("set"), _sets, needs=("scard",)),
    Op("TTL", "other", "TTL of a key with an expiry",
       lambda r, c: lambda _: r.ttl("ex"), _strings),
    Op("XRANGE COUNT 10", "other", "XRANGE - + COUNT 10 of a 1,000-entry stream",
       lambda r, c: lambda _: r.xrange("x", "-", "+", count=10), _stream),
    Op("XLEN", "other", "XLEN of a 1,000-entry stream",
       lambda r, c: lambda _: r.xlen("x"), _stream),
    Op("XAUTOCLAIM COUNT 10", "other", "XAUTOCLAIM min-idle 0 of the same 10 pending entries",
       lambda r, c: lambda _: r.xautoclaim("x", "g", "c2", 0, "0-0", count=10), _stream),
]


def missing(client: Any, op: Op) -> str:
    """The first method (or parameter) of ``op`` that ``client`` lacks, or ''."""
    for need in op.needs:
        name, _, param = need.partition("(")
        method = getattr(client, name, None)
        if method is None:
            return name
        if param:
            try:
                params = inspect.signature(method).parameters
            except (TypeError, ValueError):
                continue
            if param.rstrip(")") not in params:
                return need
    return ""
