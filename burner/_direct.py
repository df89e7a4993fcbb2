"""Direct paths for the hot commands (DESIGN.md D4, issue: speed).

A redis-py command method builds its arguments, calls ``execute_command``,
which encodes them, looks the command up, runs it, and shapes the reply. For
the commands below, ``burner.Redis`` and ``burner.aio.Redis`` skip the parts
that cannot change anything for the common forms of the call:

- the argv is built already encoded, exactly as redis-py would put it on the
  wire (the same ``Encoder`` rules: ``bytes`` as is, ``str`` encoded, ``int``
  and ``float`` by ``repr``, anything else through redis-py's own Encoder);
- the command's registered core handler is called straight away: the same
  function ``Server.execute`` would call, so no command semantics live here.
  A session inside MULTI or in RESP2 subscribed mode goes through
  ``Server.execute`` as before, so queuing and its errors are unchanged;
- the reply is shaped by the bridge and handed to the callback redis-py's
  client holds for the command (looked up at each call, so
  ``set_response_callback`` still works), with the options redis-py's method
  would have passed.

Any call with an option the direct form does not build (a ``timedelta``
expiry, ``get=True``, a blocking read, an argument redis-py itself rejects,
...) goes to redis-py's own method, and from there through ``execute_command``:
one path for everything unusual, so replies and errors stay redis-py's.

Each function here is the sync method body; the async client awaits nothing
on these paths and wraps the same functions (``burner.aio.client``). Options
that only newer redis-py releases have (SET's ``ifeq``..., XADD's
``ref_policy``...) are accepted and passed on only when given, so the same
methods serve redis-py 6.0 and the newest release.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any, Literal, Protocol

from redis._parsers import helpers as _parser_helpers
from redis.commands.core import (
    BasicKeyCommands,
    HashCommands,
    ListCommands,
    SetCommands,
    SortedSetCommands,
    StreamCommands,
)

from ._bridge import Bridge, _encode_other, _parse_error
from ._core import registry
from ._core.db import NEVER
from ._core.replies import CommandError, Reply, Simple
from ._core.server import Server

if TYPE_CHECKING:
    from redis.typing import (
        AbsExpiryT,
        AnyKeyT,
        EncodableT,
        ExpiryT,
        FieldT,
        GroupT,
        KeysT,
        KeyT,
        StreamIdT,
        XReadGroupResponse,
        ZScoreBoundT,
        ZSetRangeResponse,
    )


# redis-py's own methods, for the calls the direct forms leave to them. Their
# overloads are typed on redis-py's client protocols, hence Any here.
_redis_py_BasicKeyCommands: Any = BasicKeyCommands
_redis_py_HashCommands: Any = HashCommands
_redis_py_ListCommands: Any = ListCommands
_redis_py_SetCommands: Any = SetCommands
_redis_py_SortedSetCommands: Any = SortedSetCommands
_redis_py_StreamCommands: Any = StreamCommands


class Client(Protocol):
    """What a direct path needs of a client: its bridge to the Server."""

    _bridge: Bridge


_dict_get = dict.get

# redis-py's stock SET callback, and what it makes of a plain +OK.
parse_set_result = getattr(_parser_helpers, "_RedisCallbacks", {}).get("SET")
assert parse_set_result is not None and parse_set_result(b"OK") is True
assert parse_set_result("OK") is True


def apply_callback(callback: Callable[..., Any], value: Any, options: dict[str, Any]) -> Any:
    """``callback(value, **options)``; redis-py's own SET callback is not
    called for a plain +OK, whose answer is known (True, checked above)."""
    if callback is parse_set_result and not options and (value == b"OK" or value == "OK"):
        return True
    return callback(value, **options)


# The types a reply has after redis-py's stock callbacks. Anything else may
# be an awaitable from a user-set callback, which the async client awaits.
PLAIN = frozenset({bytes, str, int, float, bool, type(None), list, dict, tuple, builtins.set})


def _handler(name: bytes) -> Callable[[Any, list[bytes]], Reply]:
    handler = registry.TABLE[name].handler
    assert handler is not None
    return handler


_GET = _handler(b"get")
_SET = _handler(b"set")
_MGET = _handler(b"mget")
_INCRBY = _handler(b"incrby")
_HGET = _handler(b"hget")
_HSET = _handler(b"hset")
_HGETALL = _handler(b"hgetall")
_SADD = _handler(b"sadd")
_SISMEMBER = _handler(b"sismember")
_ZADD = _handler(b"zadd")
_ZRANGEBYSCORE = _handler(b"zrangebyscore")
_ZREM = _handler(b"zrem")
_XADD = _handler(b"xadd")
_XREADGROUP = _handler(b"xreadgroup")
_XACK = _handler(b"xack")
_EXPIRE = _handler(b"expire")
_DEL = _handler(b"del")
_EXISTS = _handler(b"exists")
_EVALSHA = _handler(b"evalsha")
_LRANGE = _handler(b"lrange")
_LLEN = _handler(b"llen")
_LPUSH = _handler(b"lpush")
_RPUSH = _handler(b"rpush")
_LPOP = _handler(b"lpop")
_RPOP = _handler(b"rpop")
_ZCARD = _handler(b"zcard")
_ZSCORE = _handler(b"zscore")
_SCARD = _handler(b"scard")
_SMEMBERS = _handler(b"smembers")
_SREM = _handler(b"srem")
_HDEL = _handler(b"hdel")
_HEXISTS = _handler(b"hexists")
_HLEN = _handler(b"hlen")
_HINCRBY = _handler(b"hincrby")
_TTL = _handler(b"ttl")
_PTTL = _handler(b"pttl")
_XLEN = _handler(b"xlen")


def call(bridge: Bridge, handler: Callable[[Any, list[bytes]], Reply], argv: list[bytes]) -> Any:
    """``Server.execute`` for an argv known to name ``handler`` with a valid
    arity (under the Server's mutex, with the expiry sweep when it is due),
    and its reply as redis-py's parser returns it: an error is raised."""
    server: Server = bridge.server
    with bridge.lock:
        due = server.next_sweep_ms
        if due != NEVER and server.clock.ms() >= due:
            server.sweep_if_due()
        session = bridge.session
        if session.multi or session.sub is not None:
            reply = server.execute(session, argv)
        else:
            try:
                reply = handler(session, argv)
            except CommandError as exc:
                reply = exc
    kind = type(reply)
    if kind is bytes:
        return reply.decode(bridge.encoding, bridge.encoding_errors) if bridge.decode else reply
    if kind is int or reply is None:
        return reply
    if kind is Simple:
        raw = bytes(reply)
        return raw.decode(bridge.encoding, bridge.encoding_errors) if bridge.decode else raw
    if kind is CommandError:
        raise _parse_error(reply.message)
    return bridge.shape(reply, bridge.decode)


def enc(bridge: Bridge, value: Any) -> bytes:
    """One argument as redis-py's Encoder puts it on the wire."""
    kind = type(value)
    if kind is bytes:
        return value
    if kind is str:
        return value.encode(bridge.encoding, bridge.encoding_errors)
    if kind is int or kind is float:
        return repr(value).encode()
    return _encode_other(value, bridge.encoding, bridge.encoding_errors)


def extend(bridge: Bridge, argv: list[bytes], items: Iterable[Any]) -> list[bytes]:
    """``argv`` with ``items`` appended, encoded (``enc``, str inlined)."""
    encoding = bridge.encoding
    errors = bridge.encoding_errors
    append = argv.append
    for item in items:
        kind = type(item)
        if kind is bytes:
            append(item)
        elif kind is str:
            append(item.encode(encoding, errors))
        else:
            append(enc(bridge, item))
    return argv


def simple(
    self: Client, command: str, word: bytes, handler: Callable[[Any, list[bytes]], Reply],
    args: Iterable[Any],
) -> Any:
    """A command whose redis-py method is ``execute_command(command, *args)``
    with no options: its argv, run, shaped, through the client's callback."""
    b = self._bridge
    value = call(b, handler, extend(b, [word], args))
    callback = _dict_get(b.callbacks, command)
    return value if callback is None else callback(value)


def _given(**options: Any) -> dict[str, Any]:
    """Keyword arguments of newer redis-py releases, only those given."""
    return {name: value for name, value in options.items() if value is not None}


# The methods this module overrides on both clients.
HOT = (
    "get", "set", "mget", "incr", "incrby", "expire", "delete", "exists", "hget", "hset",
    "hgetall", "sadd", "sismember", "zadd", "zrangebyscore", "zrem", "xadd", "xreadgroup",
    "xack", "evalsha", "lrange", "llen", "lpush", "rpush", "lpop", "rpop", "zcard", "zscore",
    "scard", "smembers", "srem", "hdel", "hexists", "hlen", "hincrby", "ttl", "pttl", "xlen",
)


def general_only(client: Any, base: type) -> None:
    """Give ``client`` redis-py's own methods for the hot commands (the
    general path). For an encoding in which redis-py's option words are not
    ASCII (utf-16...): the direct paths spell them in ASCII, Redis would not
    recognise them, so neither must burner."""
    for name in HOT:
        setattr(client, name, getattr(base, name).__get__(client))


# --- strings and keys ----------------------------------------------------------------
def get(self: Client, name: KeyT) -> bytes | str | None:
    b = self._bridge
    key = name.encode(b.encoding, b.encoding_errors) if type(name) is str else enc(b, name)
    value = call(b, _GET, [b"GET", key])
    callback = _dict_get(b.callbacks, "GET")
    return value if callback is None else callback(value)


def set(
    self: Client,
    name: KeyT,
    value: EncodableT,
    ex: ExpiryT | None = None,
    px: ExpiryT | None = None,
    nx: bool = False,
    xx: bool = False,
    keepttl: bool = False,
    get: bool = False,
    exat: AbsExpiryT | None = None,
    pxat: AbsExpiryT | None = None,
    ifeq: bytes | str | None = None,
    ifne: bytes | str | None = None,
    ifdeq: str | None = None,
    ifdne: str | None = None,
) -> bool | str | bytes | None:
    if (
        px is not None
        or exat is not None
        or pxat is not None
        or keepttl
        or get
        or (nx and xx)
        or (ex is not None and type(ex) is not int)
        or ifeq is not None
        or ifne is not None
        or ifdeq is not None
        or ifdne is not None
    ):
        return _redis_py_BasicKeyCommands.set(
            self,
            name, value, ex, px, nx, xx, keepttl, get, exat, pxat,
            **_given(ifeq=ifeq, ifne=ifne, ifdeq=ifdeq, ifdne=ifdne),
        )
    b = self._bridge
    argv = [
        b"SET",
        name.encode(b.encoding, b.encoding_errors) if type(name) is str else enc(b, name),
        value.encode(b.encoding, b.encoding_errors) if type(value) is str else enc(b, value),
    ]
    if nx:
        argv.append(b"NX")
    elif xx:
        argv.append(b"XX")
    if ex is not None:
        argv.append(b"EX")
        argv.append(repr(ex).encode())
    result = call(b, _SET, argv)
    callback = _dict_get(b.callbacks, "SET")
    return result if callback is None else apply_callback(callback, result, {})


def mget(self: Client, keys: KeysT, *args: EncodableT) -> list[bytes | str | None]:
    if type(keys) is not list or args or not keys:
        return _redis_py_BasicKeyCommands.mget(self, keys, *args)
    return simple(self, "MGET", b"MGET", _MGET, keys)


def incrby(self: Client, name: KeyT, amount: int = 1) -> int:
    return simple(self, "INCRBY", b"INCRBY", _INCRBY, (name, amount))


def expire(
    self: Client,
    name: KeyT,
    time: ExpiryT,
    nx: bool = False,
    xx: bool = False,
    gt: bool = False,
    lt: bool = False,
) -> bool:
    if type(time) is not int or nx or xx or gt or lt:
        return _redis_py_BasicKeyCommands.expire(self, name, time, nx, xx, gt, lt)
    return simple(self, "EXPIRE", b"EXPIRE", _EXPIRE, (name, time))


def delete(self: Client, *names: KeyT) -> int:
    if not names:
        return _redis_py_BasicKeyCommands.delete(self)
    return simple(self, "DEL", b"DEL", _DEL, names)


def exists(self: Client, *names: KeyT) -> int:
    if not names:
        return _redis_py_BasicKeyCommands.exists(self)
    return simple(self, "EXISTS", b"EXISTS", _EXISTS, names)


# --- hashes and sets -------------------------------------------------------------------
def hget(self: Client, name: KeyT, key: FieldT) -> bytes | str | None:
    return simple(self, "HGET", b"HGET", _HGET, (name, key))


def hset(
    self: Client,
    name: KeyT,
    key: FieldT | None = None,
    value: EncodableT | None = None,
    mapping: Mapping[FieldT, EncodableT] | None = None,
    items: Sequence[EncodableT] | None = None,
) -> int:
    if key is not None and value is not None and not mapping and not items:
        return simple(self, "HSET", b"HSET", _HSET, (name, key, value))
    if key is None and mapping and not items:
        return simple(self, "HSET", b"HSET", _HSET, (name, *chain.from_iterable(mapping.items())))
    return _redis_py_HashCommands.hset(self, name, key, value, mapping, items)


def hgetall(self: Client, name: KeyT) -> dict[bytes | str, bytes | str]:
    return simple(self, "HGETALL", b"HGETALL", _HGETALL, (name,))


def sadd(self: Client, name: KeyT, *values: FieldT) -> int:
    if not values:
        return _redis_py_SetCommands.sadd(self, name)
    return simple(self, "SADD", b"SADD", _SADD, (name, *values))


def sismember(self: Client, name: KeyT, value: str) -> Literal[0] | Literal[1]:
    return simple(self, "SISMEMBER", b"SISMEMBER", _SISMEMBER, (name, value))


# --- sorted sets -------------------------------------------------------------------------
def zadd(
    self: Client,
    name: KeyT,
    mapping: Mapping[AnyKeyT, EncodableT],
    nx: bool = False,
    xx: bool = False,
    ch: bool = False,
    incr: bool = False,
    gt: bool = False,
    lt: bool = False,
) -> int | float | None:
    if not mapping or nx or xx or ch or incr or gt or lt:
        return _redis_py_SortedSetCommands.zadd(self, name, mapping, nx, xx, ch, incr, gt, lt)
    b = self._bridge
    argv = [b"ZADD", name.encode(b.encoding, b.encoding_errors) if type(name) is str else enc(b, name)]
    for member, score in mapping.items():
        argv.append(score.encode(b.encoding, b.encoding_errors) if type(score) is str else enc(b, score))
        argv.append(member.encode(b.encoding, b.encoding_errors) if type(member) is str else enc(b, member))
    value = call(b, _ZADD, argv)
    callback = _dict_get(b.callbacks, "ZADD")
    return value if callback is None else callback(value)


def zrangebyscore(
    self: Client,
    name: KeyT,
    min: ZScoreBoundT,
    max: ZScoreBoundT,
    start: int | None = None,
    num: int | None = None,
    withscores: bool = False,
    score_cast_func: type | Callable[..., Any] = float,
) -> ZSetRangeResponse:
    if (start is None) != (num is None):
        return _redis_py_SortedSetCommands.zrangebyscore(
            self, name, min, max, start, num, withscores, score_cast_func
        )
    b = self._bridge
    argv = [
        b"ZRANGEBYSCORE",
        name.encode(b.encoding, b.encoding_errors) if type(name) is str else enc(b, name),
        enc(b, min),
        enc(b, max),
    ]
    if start is not None:
        argv.append(b"LIMIT")
        argv.append(enc(b, start))
        argv.append(enc(b, num))
    if withscores:
        argv.append(b"WITHSCORES")
    value = call(b, _ZRANGEBYSCORE, argv)
    callback = _dict_get(b.callbacks, "ZRANGEBYSCORE")
    if callback is None:
        return value
    return callback(value, withscores=withscores, score_cast_func=score_cast_func)


def zrem(self: Client, name: KeyT, *values: FieldT) -> int:
    if not values:
        return _redis_py_SortedSetCommands.zrem(self, name)
    return simple(self, "ZREM", b"ZREM", _ZREM, (name, *values))


# --- streams -------------------------------------------------------------------------------
def xadd(
    self: Client,
    name: KeyT,
    fields: dict[FieldT, EncodableT],
    id: StreamIdT = "*",
    maxlen: int | None = None,
    approximate: bool = True,
    nomkstream: bool = False,
    minid: StreamIdT | None = None,
    limit: int | None = None,
    ref_policy: Literal["KEEPREF", "DELREF", "ACKED"] | None = None,
    idmpauto: str | None = None,
    idmp: tuple[str, bytes] | None = None,
) -> bytes | str:
    if (
        maxlen is not None
        or minid is not None
        or limit is not None
        or nomkstream
        or ref_policy is not None
        or idmpauto is not None
        or idmp is not None
        or type(fields) is not dict
        or not fields
    ):
        return _redis_py_StreamCommands.xadd(
            self,
            name, fields, id, maxlen, approximate, nomkstream, minid, limit,
            **_given(ref_policy=ref_policy, idmpauto=idmpauto, idmp=idmp),
        )
    b = self._bridge
    argv = [
        b"XADD",
        name.encode(b.encoding, b.encoding_errors) if type(name) is str else enc(b, name),
        id.encode(b.encoding, b.encoding_errors) if type(id) is str else enc(b, id),
    ]
    for field, item in fields.items():
        argv.append(field.encode(b.encoding, b.encoding_errors) if type(field) is str else enc(b, field))
        argv.append(item.encode(b.encoding, b.encoding_errors) if type(item) is str else enc(b, item))
    value = call(b, _XADD, argv)
    callback = _dict_get(b.callbacks, "XADD")
    return value if callback is None else callback(value)


_observability: Callable[[], Any] | None
try:  # redis-py 7.1+: stream-lag metrics, recorded when observability is on
    from redis.observability.providers import (  # type: ignore[import-not-found,unused-ignore]
        get_observability_instance as _observability,
    )
except ImportError:  # pragma: no cover - older redis-py records nothing
    _observability = None


def metrics_on() -> bool:
    """Whether redis-py records stream metrics (its recorder is a no-op when
    telemetry is off, but costs a couple of µs to find that out)."""
    if _observability is None:
        return False
    manager = _observability().get_provider_manager()
    return manager is not None and bool(manager.config.enabled_telemetry)


def xreadgroup_argv(
    b: Bridge,
    groupname: Any,
    consumername: Any,
    streams: Any,
    count: Any,
    block: Any,
    noack: bool,
    newer: dict[str, Any],
) -> list[bytes] | None:
    """The XREADGROUP argv for the plain forms (no BLOCK, no newer options),
    or None when redis-py's method must build (and check) it."""
    if (
        block is not None
        or newer
        or type(streams) is not dict
        or not streams
        or (count is not None and (type(count) is not int or count < 1))
    ):
        return None
    argv = [
        b"XREADGROUP",
        b"GROUP",
        groupname.encode(b.encoding, b.encoding_errors) if type(groupname) is str else enc(b, groupname),
        consumername.encode(b.encoding, b.encoding_errors) if type(consumername) is str else enc(b, consumername),
    ]
    if count is not None:
        argv.append(b"COUNT")
        argv.append(repr(count).encode())
    if noack:
        argv.append(b"NOACK")
    argv.append(b"STREAMS")
    extend(b, argv, streams)
    extend(b, argv, streams.values())
    return argv


def xreadgroup(
    self: Client,
    groupname: str,
    consumername: str,
    streams: dict[KeyT, StreamIdT],
    count: int | None = None,
    block: int | None = None,
    noack: bool = False,
    claim_min_idle_time: int | None = None,
    max_count: int | None = None,
    max_size: int | None = None,
) -> XReadGroupResponse:
    b = self._bridge
    if claim_min_idle_time is None and max_count is None and max_size is None:
        newer: dict[str, Any] = {}
    else:
        newer = _given(
            claim_min_idle_time=claim_min_idle_time, max_count=max_count, max_size=max_size
        )
    argv = xreadgroup_argv(b, groupname, consumername, streams, count, block, noack, newer)
    if argv is None or metrics_on():
        return _redis_py_StreamCommands.xreadgroup(
            self,
            groupname, consumername, streams, count, block, noack, **newer,
        )
    value = call(b, _XREADGROUP, argv)
    callback = _dict_get(b.callbacks, "XREADGROUP")
    return value if callback is None else callback(value)


def xack(self: Client, name: KeyT, groupname: GroupT, *ids: StreamIdT) -> int:
    if not ids:
        return _redis_py_StreamCommands.xack(self, name, groupname)
    return simple(self, "XACK", b"XACK", _XACK, (name, groupname, *ids))


# --- scripts ---------------------------------------------------------------------------------
def evalsha(self: Client, sha: str, numkeys: int, *keys_and_args: KeyT | EncodableT) -> Any:
    return simple(self, "EVALSHA", b"EVALSHA", _EVALSHA, (sha, numkeys, *keys_and_args))


# --- simple key commands: redis-py's method is execute_command(NAME, key, *rest) ----
def lrange(self: Client, name: KeyT, start: int, end: int) -> list[bytes | str]:
    return simple(self, "LRANGE", b"LRANGE", _LRANGE, (name, start, end))


def llen(self: Client, name: KeyT) -> int:
    return simple(self, "LLEN", b"LLEN", _LLEN, (name,))


def lpush(self: Client, name: KeyT, *values: FieldT) -> int:
    if not values:
        return _redis_py_ListCommands.lpush(self, name)
    return simple(self, "LPUSH", b"LPUSH", _LPUSH, (name, *values))


def rpush(self: Client, name: KeyT, *values: FieldT) -> int:
    if not values:
        return _redis_py_ListCommands.rpush(self, name)
    return simple(self, "RPUSH", b"RPUSH", _RPUSH, (name, *values))


def lpop(
    self: Client, name: KeyT, count: int | None = None
) -> bytes | str | list[bytes | str] | None:
    rest = () if count is None else (count,)
    return simple(self, "LPOP", b"LPOP", _LPOP, (name, *rest))


def rpop(
    self: Client, name: KeyT, count: int | None = None
) -> bytes | str | list[bytes | str] | None:
    rest = () if count is None else (count,)
    return simple(self, "RPOP", b"RPOP", _RPOP, (name, *rest))


def zcard(self: Client, name: KeyT) -> int:
    return simple(self, "ZCARD", b"ZCARD", _ZCARD, (name,))


def zscore(self: Client, name: KeyT, value: EncodableT) -> float | None:
    return simple(self, "ZSCORE", b"ZSCORE", _ZSCORE, (name, value))


def scard(self: Client, name: KeyT) -> int:
    return simple(self, "SCARD", b"SCARD", _SCARD, (name,))


def smembers(self: Client, name: KeyT) -> builtins.set[bytes | str]:
    return simple(self, "SMEMBERS", b"SMEMBERS", _SMEMBERS, (name,))


def srem(self: Client, name: KeyT, *values: FieldT) -> int:
    if not values:
        return _redis_py_SetCommands.srem(self, name)
    return simple(self, "SREM", b"SREM", _SREM, (name, *values))


def hdel(self: Client, name: KeyT, *keys: FieldT) -> int:
    if not keys:
        return _redis_py_HashCommands.hdel(self, name)
    return simple(self, "HDEL", b"HDEL", _HDEL, (name, *keys))


def hexists(self: Client, name: KeyT, key: FieldT) -> bool:
    return simple(self, "HEXISTS", b"HEXISTS", _HEXISTS, (name, key))


def hlen(self: Client, name: KeyT) -> int:
    return simple(self, "HLEN", b"HLEN", _HLEN, (name,))


def hincrby(self: Client, name: KeyT, key: FieldT, amount: int = 1) -> int:
    return simple(self, "HINCRBY", b"HINCRBY", _HINCRBY, (name, key, amount))


def ttl(self: Client, name: KeyT) -> int:
    return simple(self, "TTL", b"TTL", _TTL, (name,))


def pttl(self: Client, name: KeyT) -> int:
    return simple(self, "PTTL", b"PTTL", _PTTL, (name,))


def xlen(self: Client, name: KeyT) -> int:
    return simple(self, "XLEN", b"XLEN", _XLEN, (name,))
