"""``Redis``: redis-py's asyncio client, running its commands on an in-process Server.

The same bridge as the sync client; the only differences are ``async def``
and awaiting a callback that returns an awaitable. Nothing here touches
asyncio: waits go through anyio, so the client runs under trio too.
"""

from __future__ import annotations

import builtins
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import anyio
import redis.asyncio
import redis.asyncio.client
from redis.exceptions import WatchError
from redis.typing import KeyT

from .. import _direct
from .._bridge import attach, encode_args, memory_server
from .._core.db import NEVER
from .._core.replies import Block
from .._core.server import Server
from ._wait import wait_for_keys
from .lock import Lock
from .pipeline import Pipeline
from .pubsub import PubSub

if TYPE_CHECKING:
    from redis.typing import (
        AbsExpiryT,
        AnyKeyT,
        EncodableT,
        ExpiryT,
        FieldT,
        GroupT,
        KeysT,
        StreamIdT,
        XReadGroupResponse,
        ZScoreBoundT,
        ZSetRangeResponse,
    )

PLAIN = _direct.PLAIN


async def settle(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class Redis(redis.asyncio.Redis):
    """A drop-in ``redis.asyncio.Redis`` backed by an in-process ``Server``."""

    def __init__(self, *args: Any, server: Server | None = None, **kwargs: Any) -> None:
        kwargs["single_connection_client"] = False
        super().__init__(*args, **kwargs)
        self.server, self._bridge, self._finalizer = attach(self, server)
        if not self._bridge.ascii_words:
            _direct.general_only(self, redis.asyncio.Redis)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Redis:  # type: ignore[override,unused-ignore]
        """``memory://name`` shares the Server registered as ``name``."""
        server, options = memory_server(url, kwargs)
        return cls(server=server, **options)

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        bridge = self._bridge
        argv = encode_args(args, bridge.encoding, bridge.encoding_errors)
        server = bridge.server
        with bridge.lock:
            if server.next_sweep_ms != NEVER:
                server.sweep_if_due()
            reply = server.execute(bridge.session, argv)
        if type(reply) is Block:
            reply = await wait_for_keys(bridge, argv, reply)
        result = bridge.finish(args[0], reply, options)
        return result if result.__class__ in PLAIN else await settle(result)

    # --- hot commands: the sync direct paths (burner/_direct.py), which never
    # wait; anything they hand to redis-py's own method comes back awaitable.
    async def get(self, name: KeyT) -> bytes | str | None:
        value = _direct.get(self, name)
        return value if value.__class__ in PLAIN else await settle(value)

    async def set(
        self,
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
        result = _direct.set(
            self, name, value, ex, px, nx, xx, keepttl, get, exat, pxat, ifeq, ifne, ifdeq, ifdne
        )
        return result if result.__class__ in PLAIN else await settle(result)

    async def mget(self, keys: KeysT, *args: EncodableT) -> list[bytes | str | None]:
        value = _direct.mget(self, keys, *args)
        return value if value.__class__ in PLAIN else await settle(value)

    async def incrby(self, name: KeyT, amount: int = 1) -> int:
        value = _direct.incrby(self, name, amount)
        return value if value.__class__ in PLAIN else await settle(value)

    incr = incrby

    async def expire(
        self,
        name: KeyT,
        time: ExpiryT,
        nx: bool = False,
        xx: bool = False,
        gt: bool = False,
        lt: bool = False,
    ) -> bool:
        value = _direct.expire(self, name, time, nx, xx, gt, lt)
        return value if value.__class__ in PLAIN else await settle(value)

    async def delete(self, *names: KeyT) -> int:
        value = _direct.delete(self, *names)
        return value if value.__class__ in PLAIN else await settle(value)

    async def exists(self, *names: KeyT) -> int:
        value = _direct.exists(self, *names)
        return value if value.__class__ in PLAIN else await settle(value)

    async def hget(self, name: KeyT, key: FieldT) -> bytes | str | None:
        value = _direct.hget(self, name, key)
        return value if value.__class__ in PLAIN else await settle(value)

    async def hset(
        self,
        name: KeyT,
        key: FieldT | None = None,
        value: EncodableT | None = None,
        mapping: Mapping[FieldT, EncodableT] | None = None,
        items: Sequence[EncodableT] | None = None,
    ) -> int:
        result = _direct.hset(self, name, key, value, mapping, items)
        return result if result.__class__ in PLAIN else await settle(result)

    async def hgetall(self, name: KeyT) -> dict[bytes | str, bytes | str]:
        value = _direct.hgetall(self, name)
        return value if value.__class__ in PLAIN else await settle(value)

    async def sadd(self, name: KeyT, *values: FieldT) -> int:
        value = _direct.sadd(self, name, *values)
        return value if value.__class__ in PLAIN else await settle(value)

    async def sismember(self, name: KeyT, value: str) -> Literal[0] | Literal[1]:
        result = _direct.sismember(self, name, value)
        return result if result.__class__ in PLAIN else await settle(result)

    async def zadd(
        self,
        name: KeyT,
        mapping: Mapping[AnyKeyT, EncodableT],
        nx: bool = False,
        xx: bool = False,
        ch: bool = False,
        incr: bool = False,
        gt: bool = False,
        lt: bool = False,
    ) -> int | float | None:
        value = _direct.zadd(self, name, mapping, nx, xx, ch, incr, gt, lt)
        return value if value.__class__ in PLAIN else await settle(value)

    async def zrangebyscore(
        self,
        name: KeyT,
        min: ZScoreBoundT,
        max: ZScoreBoundT,
        start: int | None = None,
        num: int | None = None,
        withscores: bool = False,
        score_cast_func: type | Callable[..., Any] = float,
    ) -> ZSetRangeResponse:
        value = _direct.zrangebyscore(self, name, min, max, start, num, withscores, score_cast_func)
        return value if value.__class__ in PLAIN else await settle(value)

    async def zrem(self, name: KeyT, *values: FieldT) -> int:
        value = _direct.zrem(self, name, *values)
        return value if value.__class__ in PLAIN else await settle(value)

    async def xadd(
        self,
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
        value = _direct.xadd(
            self, name, fields, id, maxlen, approximate, nomkstream, minid, limit,
            ref_policy, idmpauto, idmp,
        )
        return value if value.__class__ in PLAIN else await settle(value)

    async def xreadgroup(
        self,
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
        value = _direct.xreadgroup(
            self, groupname, consumername, streams, count, block, noack,
            claim_min_idle_time, max_count, max_size,
        )
        return value if value.__class__ in PLAIN else await settle(value)

    async def xack(self, name: KeyT, groupname: GroupT, *ids: StreamIdT) -> int:
        value = _direct.xack(self, name, groupname, *ids)
        return value if value.__class__ in PLAIN else await settle(value)

    async def evalsha(self, sha: str, numkeys: int, *keys_and_args: KeyT | EncodableT) -> Any:
        value = _direct.evalsha(self, sha, numkeys, *keys_and_args)
        return value if value.__class__ in PLAIN else await settle(value)

    async def lrange(self, name: KeyT, start: int, end: int) -> list[bytes | str]:
        result = _direct.lrange(self, name, start, end)
        return result if result.__class__ in PLAIN else await settle(result)

    async def llen(self, name: KeyT) -> int:
        result = _direct.llen(self, name)
        return result if result.__class__ in PLAIN else await settle(result)

    async def lpush(self, name: KeyT, *values: FieldT) -> int:
        result = _direct.lpush(self, name, *values)
        return result if result.__class__ in PLAIN else await settle(result)

    async def rpush(self, name: KeyT, *values: FieldT) -> int:
        result = _direct.rpush(self, name, *values)
        return result if result.__class__ in PLAIN else await settle(result)

    async def lpop(self, name: KeyT, count: int | None = None) -> bytes | str | list[bytes | str] | None:
        result = _direct.lpop(self, name, count)
        return result if result.__class__ in PLAIN else await settle(result)

    async def rpop(self, name: KeyT, count: int | None = None) -> bytes | str | list[bytes | str] | None:
        result = _direct.rpop(self, name, count)
        return result if result.__class__ in PLAIN else await settle(result)

    async def zcard(self, name: KeyT) -> int:
        result = _direct.zcard(self, name)
        return result if result.__class__ in PLAIN else await settle(result)

    async def zscore(self, name: KeyT, value: EncodableT) -> float | None:
        result = _direct.zscore(self, name, value)
        return result if result.__class__ in PLAIN else await settle(result)

    async def scard(self, name: KeyT) -> int:
        result = _direct.scard(self, name)
        return result if result.__class__ in PLAIN else await settle(result)

    async def smembers(self, name: KeyT) -> builtins.set[bytes | str]:
        result = _direct.smembers(self, name)
        return result if result.__class__ in PLAIN else await settle(result)

    async def srem(self, name: KeyT, *values: FieldT) -> int:
        result = _direct.srem(self, name, *values)
        return result if result.__class__ in PLAIN else await settle(result)

    async def hdel(self, name: KeyT, *keys: FieldT) -> int:
        result = _direct.hdel(self, name, *keys)
        return result if result.__class__ in PLAIN else await settle(result)

    async def hexists(self, name: KeyT, key: FieldT) -> bool:
        result = _direct.hexists(self, name, key)
        return result if result.__class__ in PLAIN else await settle(result)

    async def hlen(self, name: KeyT) -> int:
        result = _direct.hlen(self, name)
        return result if result.__class__ in PLAIN else await settle(result)

    async def hincrby(self, name: KeyT, key: FieldT, amount: int = 1) -> int:
        result = _direct.hincrby(self, name, key, amount)
        return result if result.__class__ in PLAIN else await settle(result)

    async def ttl(self, name: KeyT) -> int:
        result = _direct.ttl(self, name)
        return result if result.__class__ in PLAIN else await settle(result)

    async def pttl(self, name: KeyT) -> int:
        result = _direct.pttl(self, name)
        return result if result.__class__ in PLAIN else await settle(result)

    async def xlen(self, name: KeyT) -> int:
        result = _direct.xlen(self, name)
        return result if result.__class__ in PLAIN else await settle(result)

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> Pipeline:
        """A pipeline whose commands run on this client's Server (see aio/pipeline.py)."""
        return Pipeline(self, transaction, shard_hint)

    async def transaction(
        self,
        func: Callable[[redis.asyncio.client.Pipeline], Any | Awaitable[Any]],
        *watches: KeyT,
        shard_hint: str | None = None,
        value_from_callable: bool = False,
        watch_delay: float | None = None,
    ) -> Any:
        """redis-py's ``transaction`` helper, sleeping through anyio (not asyncio)."""
        async with self.pipeline(True, shard_hint) as pipe:
            while True:
                try:
                    if watches:
                        await pipe.watch(*watches)
                    func_value = func(pipe)
                    if inspect.isawaitable(func_value):
                        func_value = await func_value
                    exec_value = await pipe.execute()
                    return func_value if value_from_callable else exec_value
                except WatchError:
                    if watch_delay is not None and watch_delay > 0:
                        await anyio.sleep(watch_delay)
                    continue

    def lock(self, *args: Any, **kwargs: Any) -> Lock:
        """redis-py's ``lock()``, with burner's anyio-waiting Lock as the default class."""
        if len(args) < 6 and kwargs.get("lock_class") is None:
            kwargs["lock_class"] = Lock
        lock = super().lock(*args, **kwargs)
        assert isinstance(lock, Lock) or kwargs.get("lock_class") is not Lock
        return lock  # type: ignore[return-value]

    def pubsub(self, **kwargs: Any) -> PubSub:
        """A PubSub on an in-process subscriber session of this client's Server."""
        return PubSub(self, **kwargs)

    async def initialize(self) -> Redis:  # type: ignore[override,unused-ignore]
        return self

    async def __aenter__(self) -> Redis:  # type: ignore[override,unused-ignore]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        self._finalizer()

    async def close(self, close_connection_pool: bool | None = None) -> None:  # type: ignore[override,unused-ignore]
        await self.aclose()

    def __del__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __repr__(self) -> str:
        return f"<burner.aio.Redis(server={self.server!r}, db={self._bridge.session.db.index})>"

