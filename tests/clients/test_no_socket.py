"""No code path of a burner client opens a socket (DESIGN.md D4).

Every way of opening a connection is replaced by a trap that records the
attempt and raises an error no redis-py retry loop catches; then the clients
are exercised broadly. Any attempt fails the test. Asking redis-py's pool for
a connection gets burner's own error instead.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

import burner
import burner.aio
from burner._guard import MESSAGE
from tests.clients.kwargs import async_kwargs, sync_kwargs


class SocketOpened(BaseException):
    """Raised by the traps; a BaseException so no ``except Exception`` hides it."""


@pytest.fixture
def socket_traps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    attempts: list[str] = []

    def trap(name: str) -> Any:
        def trapped(*args: Any, **kwargs: Any) -> Any:
            attempts.append(name)
            raise SocketOpened(name)

        return trapped

    monkeypatch.setattr(socket.socket, "connect", trap("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", trap("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", trap("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", trap("socket.getaddrinfo"))
    monkeypatch.setattr(asyncio, "open_connection", trap("asyncio.open_connection"))
    monkeypatch.setattr(
        asyncio.BaseEventLoop, "create_connection", trap("loop.create_connection")
    )
    monkeypatch.setattr(
        asyncio.BaseEventLoop, "create_unix_connection", trap("loop.create_unix_connection")
    )
    yield attempts
    assert attempts == []


def _try(fn: Any) -> Any:
    """Run ``fn``; a missing feature may raise a Redis error, but never open a socket."""
    try:
        return fn()
    except redis.RedisError as exc:
        return exc


def _increment(pipe: Any) -> None:
    value = pipe.get("t")
    pipe.multi()
    pipe.set("t", int(value or 0) + 1)


def test_traps_catch_redis_py(socket_traps: list[str]) -> None:
    # The traps work: a plain redis-py client trips one.
    with pytest.raises(SocketOpened):
        redis.Redis(port=1, retry=Retry(NoBackoff(), 0)).ping()
    assert socket_traps
    socket_traps.clear()


def test_sync_clients_never_connect(socket_traps: list[str]) -> None:
    clients = [
        burner.Redis(),
        burner.Redis(**sync_kwargs()),
        burner.Redis(single_connection_client=True),
        burner.Redis(unix_socket_path="/tmp/none.sock"),
        burner.Redis(connection_pool=redis.ConnectionPool(host="h", port=1)),
        burner.Redis.from_url("memory://no-socket?db=1"),
        burner.from_url("memory://"),
    ]
    for client in clients:
        assert client.ping() is True
        client.set("k", "v")
        client.get("k")
        client.hset("h", mapping={"a": 1})
        client.hgetall("h")
        client.incr("n")
        client.delete("k")
        client.flushdb()
        _try(lambda c=client: c.execute_command("NOSUCH"))
        _try(lambda c=client: c.pipeline().set("a", 1).get("a").execute())
        _try(lambda c=client: c.pipeline(transaction=False).incr("x").execute())
        _try(lambda c=client: c.transaction(_increment, "t"))
        _try(lambda c=client: c.lock("l", timeout=5).acquire(blocking=False))
        pubsub = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
        _try(lambda p=pubsub: p.subscribe("chan"))
        _try(lambda p=pubsub: p.get_message(timeout=0))
        _try(pubsub.close)
        _try(lambda c=client: c.publish("chan", "m"))
        _try(lambda c=client: c.blpop(["nolist"], timeout=0.01))
        with pytest.raises(RedisConnectionError, match=MESSAGE):
            client.connection_pool.get_connection()
        with pytest.raises(RedisConnectionError, match=MESSAGE):
            client.connection_pool.make_connection()
        client.close()


@pytest.mark.anyio
async def test_async_clients_never_connect(socket_traps: list[str]) -> None:
    clients = [
        burner.aio.Redis(),
        burner.aio.Redis(**async_kwargs()),
        burner.aio.Redis(single_connection_client=True),
        burner.aio.Redis(unix_socket_path="/tmp/none.sock"),
        burner.aio.Redis.from_url("memory://no-socket-aio?db=1"),
        burner.aio.from_url("memory://"),
    ]
    for client in clients:
        async with client:
            assert await client.ping() is True
            await client.set("k", "v")
            await client.get("k")
            await client.hset("h", mapping={"a": 1})
            await client.incr("n")
            await client.flushdb()
            try:
                await client.execute_command("NOSUCH")  # type: ignore[no-untyped-call,unused-ignore]
            except redis.RedisError:
                pass
            try:
                pipe = client.pipeline()
                pipe.set("a", 1)
                pipe.get("a")
                await pipe.execute()
            except redis.RedisError:
                pass
            try:
                await client.blpop(["nolist"], timeout=0.01)
            except redis.RedisError:
                pass
            try:
                await client.lock("l", timeout=5).acquire(blocking=False)
            except redis.RedisError:
                pass
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe("chan")
                await pubsub.get_message(timeout=0)
                await pubsub.aclose()  # type: ignore[no-untyped-call,unused-ignore]
            except redis.RedisError:
                pass
            with pytest.raises(RedisConnectionError, match=MESSAGE):
                await client.connection_pool.get_connection()  # type: ignore[no-untyped-call,unused-ignore]
            with pytest.raises(RedisConnectionError, match=MESSAGE):
                client.connection_pool.make_connection()  # type: ignore[no-untyped-call,unused-ignore]
