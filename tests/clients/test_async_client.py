"""``burner.aio.Redis`` as a ``redis.asyncio.Redis``, under asyncio and trio.

Replies are compared with a real redis-py client on the oracle server built
with the same keywords (a sync one, so the comparison runs under trio too:
redis-py's sync and asyncio clients shape replies alike).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import anyio
import pytest
import redis
import redis.asyncio

import burner
import burner.aio
from tests.clients.kwargs import SEPARATE, async_kwargs, parameters
from tests.oracle import Outcome, RedisServerProcess

pytestmark = pytest.mark.anyio

AsyncCall = Callable[[redis.asyncio.Redis], Awaitable[Any]]


async def _outcome(call: AsyncCall, client: redis.asyncio.Redis) -> Outcome:
    try:
        return Outcome(value=await call(client))
    except Exception as exc:
        return Outcome(error=(type(exc).__name__, str(exc)))


def _real_outcome(call: Callable[[redis.Redis], Any], client: redis.Redis) -> Outcome:
    try:
        return Outcome(value=call(client))
    except Exception as exc:
        return Outcome(error=(type(exc).__name__, str(exc)))


async def _same(
    server: RedisServerProcess,
    kwargs: dict[str, Any],
    calls: list[tuple[AsyncCall, Callable[[redis.Redis], Any]]],
) -> None:
    real = server.client(**kwargs)
    real.flushall()
    fake = burner.aio.Redis(**kwargs)
    try:
        for i, (acall, scall) in enumerate(calls):
            got = await _outcome(acall, fake)
            want = _real_outcome(scall, real)
            assert got == want, f"call {i} with {kwargs}: burner {got} != redis {want}"
    finally:
        real.close()
        await fake.aclose()


def both(name: str, *args: Any, **kwargs: Any) -> tuple[AsyncCall, Callable[[redis.Redis], Any]]:
    """The same redis-py method call for the async and the sync client."""

    async def acall(client: redis.asyncio.Redis) -> Any:
        return await getattr(client, name)(*args, **kwargs)

    def scall(client: redis.Redis) -> Any:
        return getattr(client, name)(*args, **kwargs)

    return acall, scall


async def test_isinstance() -> None:
    client = burner.aio.Redis()
    assert isinstance(client, redis.asyncio.Redis)
    assert isinstance(client, redis.asyncio.client.Redis)
    assert not isinstance(client, redis.Redis)
    await client.aclose()


async def test_every_keyword_is_accepted() -> None:
    kwargs = async_kwargs()
    assert parameters(redis.asyncio.Redis) - set(kwargs) - SEPARATE == set()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = burner.aio.Redis(**kwargs)
    assert await client.ping() is True
    assert await client.client_getname() == "worker-7"
    assert await client.set("k", "v") is True
    assert await client.get("k") == "v"
    info = await client.client_info()
    assert info["db"] == 2 and info["resp"] == "3"
    await client.aclose()


async def test_separate_keywords() -> None:
    pool = redis.asyncio.ConnectionPool(db=4, decode_responses=True)
    client = burner.aio.Redis(connection_pool=pool)
    assert (await client.client_info())["db"] == 4
    assert await burner.aio.Redis(unix_socket_path="/nonexistent.sock").ping() is True
    if "legacy_responses" in inspect.signature(redis.asyncio.Redis.__init__).parameters:
        # redis-py 8 added legacy_responses; older releases refuse it as burner does.
        assert await burner.aio.Redis(legacy_responses=False).ping() is True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert await burner.aio.Redis(auto_close_connection_pool=True).ping() is True
        assert await burner.aio.Redis(retry_on_timeout=True).ping() is True


async def test_positional_arguments_rejected_like_redis_py() -> None:
    with pytest.raises(TypeError):
        redis.asyncio.Redis("localhost")  # type: ignore[call-arg,misc,unused-ignore]
    with pytest.raises(TypeError):
        burner.aio.Redis("localhost")


async def test_db_and_name() -> None:
    server = burner.Server()
    a = burner.aio.Redis(server=server, db=3, client_name="a-client")
    b = burner.aio.Redis(server=server, db="3")
    await a.set("k", "v")
    assert await b.get("k") == b"v"
    assert await burner.aio.Redis(server=server).get("k") is None
    assert await a.client_getname() == "a-client"
    with pytest.raises(redis.ResponseError, match="DB index is out of range"):
        burner.aio.Redis(db=16)


@pytest.mark.parametrize("decode", [False, True], ids=["bytes", "str"])
@pytest.mark.parametrize("protocol", [None, 2, 3], ids=["default", "2", "3"])
async def test_protocols(redis_server: RedisServerProcess, protocol: Any, decode: bool) -> None:
    kwargs: dict[str, Any] = {"decode_responses": decode}
    if protocol is not None:
        kwargs["protocol"] = protocol
    await _same(
        redis_server,
        kwargs,
        [
            both("ping"),
            both("set", "s", "1"),
            both("incr", "s"),
            both("get", "s"),
            both("hset", "h", mapping={"a": "1", "b": "\u00e9"}),
            both("hgetall", "h"),
            both("execute_command", "HGETALL", "h"),
            both("zadd", "z", {"m": 1.5}),
            both("zrange", "z", 0, -1, withscores=True),
            both("zscore", "z", "m"),
            both("smembers", "nope"),
            both("type", "h"),
            both("exists", "h", "s", "x"),
            both("client_getname"),
            both("execute_command", "NOSUCH"),
            both("hget", "s", "f"),
            both("set", "k", True),
            both("set", "k", None),
            both("execute_command", "GET", "h", NEVER_DECODE=True),
            both("execute_command", "GET", "h", EMPTY_RESPONSE="empty"),
            both("execute_command", "HGETALL", "s", EMPTY_RESPONSE={}),
        ],
    )


async def test_decoding_options(redis_server: RedisServerProcess) -> None:
    for kwargs in (
        {"decode_responses": True, "encoding": "latin-1"},
        {"decode_responses": True, "encoding_errors": "replace"},
    ):
        await _same(
            redis_server,
            kwargs,
            [
                both("set", "b", b"\xe9\xff"),
                both("get", "b"),
                both("set", "t", "caf\u00e9"),
                both("strlen", "t"),
            ],
        )


async def test_context_manager_and_close() -> None:
    server = burner.Server()
    watcher = burner.Redis(server=server)
    async with burner.aio.Redis(server=server) as client:
        assert isinstance(client, burner.aio.Redis)
        assert await client.ping() is True
        assert len(watcher.client_list()) == 2
    assert len(watcher.client_list()) == 1
    other = burner.aio.Redis(server=server)
    assert await other.initialize() is other
    assert await other is other
    await other.aclose()
    await other.aclose()
    assert len(watcher.client_list()) == 1
    legacy = burner.aio.Redis(server=server)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        await legacy.close()
    assert len(watcher.client_list()) == 1


async def test_from_url() -> None:
    a = burner.aio.from_url("memory://aio-shared?db=2&decode_responses=yes")
    b = burner.aio.Redis.from_url("memory://aio-shared", db=2)
    sync_side = burner.from_url("memory://aio-shared?db=2")
    assert isinstance(a, burner.aio.Redis) and isinstance(sync_side, burner.Redis)
    assert a.server is b.server is sync_side.server
    await a.set("k", "v")
    assert await a.get("k") == "v"
    assert await b.get("k") == b"v"
    assert sync_side.get("k") == b"v"
    private = burner.aio.from_url("memory://")
    assert isinstance(private, burner.aio.Redis) and private.server is not a.server
    assert await private.get("k") is None
    assert (await burner.aio.from_url("memory://aio-shared?protocol=2").client_info())["resp"] == "2"


async def test_shared_with_sync_client_in_thread() -> None:
    server = burner.Server()
    client = burner.aio.Redis(server=server)

    def writer() -> None:
        sync_client = burner.Redis(server=server)
        for _ in range(200):
            sync_client.incr("n")

    thread = threading.Thread(target=writer)
    thread.start()
    for _ in range(200):
        await client.incr("n")
    await anyio.to_thread.run_sync(thread.join)
    assert await client.get("n") == b"400"


def test_two_event_loops_in_two_threads_share_a_server() -> None:
    server = burner.Server()
    per_loop = 300
    results: dict[str, Any] = {}

    async def work(backend: str) -> None:
        client = burner.aio.Redis(server=server)
        for i in range(per_loop):
            await client.incr("counter")
            await client.hset(f"h-{backend}", str(i), backend)
            if i % 50 == 0:
                await anyio.sleep(0)
        results[backend] = await client.hlen(f"h-{backend}")
        await client.aclose()

    def run(backend: str) -> None:
        try:
            anyio.run(work, backend, backend=backend)
        except BaseException as exc:  # pragma: no cover - reported below
            results[backend + "-error"] = exc

    threads = [threading.Thread(target=run, args=(b,)) for b in ("asyncio", "trio")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"asyncio": per_loop, "trio": per_loop}
    assert burner.Redis(server=server).get("counter") == str(2 * per_loop).encode()


# --- no asyncio under trio -----------------------------------------------------------
_ASYNCIO_ONLY = (
    "get_running_loop",
    "get_event_loop",
    "new_event_loop",
    "sleep",
    "wait_for",
    "create_task",
    "ensure_future",
    "gather",
    "shield",
    "wait",
    "timeout",
)


@pytest.fixture
def no_asyncio(anyio_backend: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Under trio: every asyncio-only entry point records its use and fails."""
    used: list[str] = []
    if anyio_backend == "trio":
        for name in _ASYNCIO_ONLY:
            if hasattr(asyncio, name):

                def forbidden(*args: Any, _name: str = name, **kwargs: Any) -> Any:
                    used.append(_name)
                    raise AssertionError(f"asyncio.{_name} called under trio")

                monkeypatch.setattr(asyncio, name, forbidden)
        for cls_name in ("Lock", "Event", "Condition", "Semaphore"):
            cls = getattr(asyncio, cls_name)
            for method in ("acquire", "wait", "__aenter__"):
                if hasattr(cls, method):

                    def forbidden_method(
                        *args: Any, _name: str = f"{cls_name}.{method}", **kwargs: Any
                    ) -> Any:
                        used.append(_name)
                        raise AssertionError(f"asyncio.{_name} used under trio")

                    monkeypatch.setattr(cls, method, forbidden_method)
    yield used
    assert used == []


async def test_no_asyncio_under_trio(no_asyncio: list[str]) -> None:
    server = burner.Server()
    client = burner.aio.Redis(server=server, **{k: v for k, v in async_kwargs().items() if k != "db"})
    assert await client.initialize() is client
    async with client as entered:
        assert await entered.ping() is True
        await entered.set("k", "v")
        assert await entered.get("k") == "v"
        await entered.hset("h", "f", "1")
        assert await entered.hgetall("h") == {"f": "1"}
        assert await entered.type("h") == "hash"
        with pytest.raises(redis.ResponseError):
            await entered.execute_command("NOSUCH")
    await client.aclose()
    url_client = burner.aio.from_url("memory://no-asyncio")
    async with url_client:
        await url_client.incr("n")
    await url_client.aclose()
    assert no_asyncio == []
