"""burner clients where redis-py's types are expected (DESIGN.md D4).

This file is checked by ``mypy --strict`` (with the rest of tests/) and run by
pytest. A library annotated with ``redis.Redis`` or ``redis.asyncio.Redis``
must accept burner's clients, and each method's result must have the type
the installed redis-py declares (``assert_type`` fails type checking when
it differs, and returns its argument at run time).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Coroutine
from typing import Any

import pytest
import redis
import redis.asyncio

import burner
import burner.aio

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # pragma: no cover - Python 3.10 (typing_extensions comes with mypy)
    from typing_extensions import assert_type


# --- a "library" written against redis-py's types ----------------------------------
def remember(r: redis.Redis, key: str, value: str) -> bytes | str | None:
    r.set(key, value)
    return r.get(key)


def bump(r: redis.Redis, key: str) -> int:
    return r.incr(key)


async def remember_async(r: redis.asyncio.Redis, key: str, value: str) -> bytes | str | None:
    await r.set(key, value)
    return await r.get(key)


async def bump_async(r: redis.asyncio.Redis, key: str) -> int:
    return await r.incr(key)


def make_client() -> redis.Redis:
    return burner.Redis()


def make_async_client() -> redis.asyncio.Redis:
    return burner.aio.Redis()


# --- the tests ----------------------------------------------------------------------
def test_sync_client_is_a_redis_redis() -> None:
    r = burner.Redis()
    assert remember(r, "k", "v") == b"v"
    assert bump(r, "n") == 1
    assert bump(make_client(), "n") == 1


def test_sync_result_types() -> None:
    r = burner.Redis(decode_responses=True)
    assert assert_type(r.set("k", "1"), bool | str | bytes | None) is True
    assert assert_type(r.get("k"), bytes | str | None) == "1"
    assert assert_type(r.incr("k"), int) == 2
    assert assert_type(r.ping(), bool) is True
    r.hset("h", "f", "v")
    assert assert_type(r.hgetall("h"), dict[bytes | str, bytes | str]) == {"f": "v"}
    assert_type(burner.Redis.from_url("memory://"), burner.Redis)
    assert_type(burner.from_url("memory://"), redis.Redis)
    assert_type(burner.Server(), burner.Server)


@pytest.mark.anyio
async def test_async_client_is_a_redis_asyncio_redis() -> None:
    r = burner.aio.Redis()
    assert await remember_async(r, "k", "v") == b"v"
    assert await bump_async(r, "n") == 1
    assert await bump_async(make_async_client(), "n") == 1


@pytest.mark.anyio
async def test_async_result_types() -> None:
    r = burner.aio.Redis(decode_responses=True)
    # The hot commands are ``async def`` overrides: a coroutine, which is the
    # Awaitable redis-py declares (typed through redis-py, it is exactly that).
    pending = assert_type(r.get("k"), Coroutine[Any, Any, bytes | str | None])
    as_declared: Awaitable[bytes | str | None] = pending
    assert await as_declared is None
    generic: redis.asyncio.Redis = r
    declared = assert_type(generic.get("k"), Awaitable[bytes | str | None])
    assert await declared is None
    assert assert_type(await r.set("k", "1"), bool | str | bytes | None) is True
    assert assert_type(await r.incr("k"), int) == 2
    assert assert_type(await r.ping(), bool) is True
    async with r as entered:
        assert_type(entered, burner.aio.Redis)
        assert await entered.get("k") == "2"
    assert_type(burner.aio.Redis.from_url("memory://"), burner.aio.Redis)
    assert_type(burner.aio.from_url("memory://"), redis.asyncio.Redis)
