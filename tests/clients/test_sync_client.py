"""``burner.Redis`` as a ``redis.Redis``: construction, options, URLs, sharing.

Where a behaviour is redis-py's (decoding, callbacks, NEVER_DECODE,
EMPTY_RESPONSE, argument errors), a real redis-py client on the oracle server
built with the same keywords must behave the same.
"""

from __future__ import annotations

import inspect
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
import redis.asyncio
from redis.cache import CacheConfig
from redis.credentials import UsernamePasswordCredentialProvider

import burner
import burner.aio
from burner._bridge import DEFAULT_PROTOCOL
from burner._core import registry
from tests.clients.kwargs import SEPARATE, parameters, sync_kwargs
from tests.oracle import Outcome, Pair, RedisServerProcess


def _same(
    server: RedisServerProcess,
    kwargs: dict[str, Any],
    calls: list[Callable[[redis.Redis], Any]],
) -> None:
    """Each call gives the same outcome on burner and on the real server."""
    real = server.client(**kwargs)
    real.flushall()
    fake = burner.Redis(**kwargs)
    try:
        for i, call in enumerate(calls):
            got = outcome(lambda c=call: c(fake))  # type: ignore[misc]
            want = outcome(lambda c=call: c(real))  # type: ignore[misc]
            assert got == want, f"call {i} with {kwargs}: burner {got} != redis {want}"
    finally:
        real.close()
        fake.close()


def ex(client: redis.Redis, *args: Any, **options: Any) -> Any:
    """``execute_command`` (untyped in redis-py's sync client)."""
    return client.execute_command(*args, **options)  # type: ignore[no-untyped-call,unused-ignore]


def outcome(fn: Callable[[], Any]) -> Outcome:
    """Like ``Outcome.of``, for Python errors too (encoding, DataError...)."""
    try:
        return Outcome(value=fn())
    except Exception as exc:
        return Outcome(error=(type(exc).__name__, str(exc)))


@pytest.fixture
def r() -> Iterator[burner.Redis]:
    client = burner.Redis()
    try:
        yield client
    finally:
        client.close()


def test_isinstance() -> None:
    client = burner.Redis()
    assert isinstance(client, redis.Redis)
    assert isinstance(client, redis.client.Redis)
    assert isinstance(client, redis.commands.core.CoreCommands)
    assert not isinstance(client, redis.asyncio.Redis)
    assert burner.Redis is burner.sync.Redis
    assert isinstance(burner.Server(), burner.Server)


def test_every_keyword_is_accepted() -> None:
    kwargs = sync_kwargs()
    assert parameters(redis.Redis) - set(kwargs) - SEPARATE == set()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = burner.Redis(**kwargs)
    assert client.ping() is True
    assert client.client_getname() == "worker-7"
    assert client.set("k", "v") is True
    assert client.get("k") == "v"
    info = client.client_info()
    assert info["db"] == 2 and info["resp"] == "3"
    client.close()


def test_positional_host_port_db() -> None:
    client = burner.Redis("localhost", 6379, 3)
    assert client.client_info()["db"] == 3
    other = burner.Redis("localhost", 6379, 3, server=client.server)
    client.set("k", "v")
    assert other.get("k") == b"v"
    assert burner.Redis(server=client.server).get("k") is None


def test_separate_keywords() -> None:
    pool = redis.ConnectionPool(db=4, decode_responses=True)
    client = burner.Redis(connection_pool=pool)
    assert client.client_info()["db"] == 4
    assert client.echo("x") == "x"
    assert burner.Redis(unix_socket_path="/nonexistent/redis.sock").ping() is True
    provider = UsernamePasswordCredentialProvider("user", "pw")
    assert burner.Redis(credential_provider=provider).ping() is True
    assert burner.Redis(redis_connect_func=lambda: None).ping() is True
    assert burner.Redis(protocol=3, cache_config=CacheConfig()).ping() is True
    if "legacy_responses" in inspect.signature(redis.Redis.__init__).parameters:
        # redis-py 8 added legacy_responses; older releases refuse it as burner does.
        assert burner.Redis(legacy_responses=False).ping() is True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert burner.Redis(retry_on_timeout=True).ping() is True
        assert burner.Redis(lib_name="mylib", lib_version="1.0").ping() is True


def test_db_selects(r: burner.Redis) -> None:
    other = burner.Redis(db=5, server=r.server)
    other.set("k", "db5")
    assert r.get("k") is None
    r.select(5)
    assert r.get("k") == b"db5"
    assert burner.Redis(db="5", server=r.server).get("k") == b"db5"
    assert burner.Redis(db=0, server=r.server).get("k") is None
    with pytest.raises(redis.ResponseError, match="DB index is out of range"):
        burner.Redis(db=16)


def test_client_name(redis_server: RedisServerProcess) -> None:
    _same(
        redis_server,
        {"client_name": "job-runner"},
        [lambda c: c.client_getname(), lambda c: c.client_setname("x"), lambda c: c.client_getname()],
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"decode_responses": True},
        {"decode_responses": True, "encoding": "latin-1"},
        {"decode_responses": True, "encoding_errors": "replace"},
        {"decode_responses": True, "encoding": "ascii", "encoding_errors": "ignore"},
        {"decode_responses": False, "encoding": "latin-1"},
        {"decode_responses": True, "protocol": 3, "encoding": "latin-1"},
    ],
)
def test_decoding(redis_server: RedisServerProcess, kwargs: dict[str, Any]) -> None:
    _same(
        redis_server,
        kwargs,
        [
            lambda c: c.set("bin", b"\xe9\xff\x00ok"),
            lambda c: c.get("bin"),
            lambda c: c.set("text", "caf\u00e9"),
            lambda c: c.get("text"),
            lambda c: c.strlen("text"),
            lambda c: c.hset("h", mapping={"caf\u00e9": b"\xff", b"\xfe": "v"}),
            lambda c: c.hgetall("h"),
            lambda c: ex(c, "GET", "bin", NEVER_DECODE=True),
            lambda c: ex(c, "HGETALL", "h", NEVER_DECODE=True),
            lambda c: c.set("\u2603", "snow"),
            lambda c: c.get("\u2603"),
            lambda c: sorted(c.keys("*")),
        ],
    )


def test_unencodable_argument(redis_server: RedisServerProcess) -> None:
    _same(redis_server, {"encoding": "ascii"}, [lambda c: c.set("k", "\u00e9")])
    _same(
        redis_server,
        {"encoding": "ascii", "encoding_errors": "replace"},
        [lambda c: c.set("k", "\u00e9"), lambda c: c.get("k")],
    )


def _protocol_calls() -> list[Callable[[redis.Redis], Any]]:
    return [
        lambda c: c.ping(),
        lambda c: c.set("s", "1"),
        lambda c: c.incr("s"),
        lambda c: c.get("s"),
        lambda c: c.hset("h", mapping={"a": "1", "b": "2"}),
        lambda c: c.hgetall("h"),
        lambda c: ex(c, "HGETALL", "h"),
        lambda c: c.hincrbyfloat("h", "a", "1.5"),
        lambda c: c.zadd("z", {"m": 1.5, "n": 2}),
        lambda c: c.zscore("z", "m"),
        lambda c: c.zrange("z", 0, -1, withscores=True),
        lambda c: ex(c, "ZRANGE", "z", 0, -1, "WITHSCORES"),
        lambda c: c.sadd("set", "x"),
        lambda c: c.smembers("set"),
        lambda c: ex(c, "SMEMBERS", "set"),
        lambda c: c.xadd("st", {"f": "v"}, id="1-1"),
        lambda c: c.xrange("st"),
        lambda c: c.type("h"),
        lambda c: c.exists("h", "nope"),
        lambda c: c.get("nope"),
        lambda c: c.client_getname(),
        lambda c: ex(c, "NOSUCH"),
        lambda c: c.hget("s", "f"),
    ]


@pytest.mark.parametrize("decode", [False, True], ids=["bytes", "str"])
@pytest.mark.parametrize("protocol", [None, 2, 3, "3"], ids=["default", "2", "3", "str3"])
def test_protocols(redis_server: RedisServerProcess, protocol: Any, decode: bool) -> None:
    kwargs: dict[str, Any] = {"decode_responses": decode}
    if protocol is not None:
        kwargs["protocol"] = protocol
    _same(redis_server, kwargs, _protocol_calls())


def test_default_protocol_follows_redis_py() -> None:
    version = int(redis.__version__.split(".")[0])
    assert DEFAULT_PROTOCOL == (3 if version >= 8 else 2)
    assert burner.Redis().client_info()["resp"] == str(DEFAULT_PROTOCOL)
    assert burner.Redis(protocol=2).client_info()["resp"] == "2"


def test_close_and_with() -> None:
    server = burner.Server()
    watcher = burner.Redis(server=server)

    def clients() -> int:
        return len(watcher.client_list())

    with burner.Redis(server=server) as client:
        assert isinstance(client, burner.Redis)
        assert client.ping() is True
        assert clients() == 2
    assert clients() == 1
    other = burner.Redis(server=server)
    assert clients() == 2
    other.close()
    other.close()  # closing twice is harmless
    assert clients() == 1
    watcher.close()
    assert server.sessions == {}


def test_from_url_shares_by_name() -> None:
    a = burner.Redis.from_url("memory://shared-sync-test")
    b = burner.from_url("memory://shared-sync-test")
    assert isinstance(b, burner.Redis)
    assert b.server is a.server
    a.set("k", "v")
    assert b.get("k") == b"v"
    c = burner.Redis.from_url("memory://other-sync-test")
    assert c.get("k") is None
    first, second = burner.from_url("memory://"), burner.from_url("memory://")
    assert isinstance(first, burner.Redis) and isinstance(second, burner.Redis)
    assert first.server is not second.server
    anon = burner.Redis.from_url("memory://")
    anon.set("k", "private")
    assert a.get("k") == b"v"


def test_from_url_query_options() -> None:
    r = burner.from_url("memory://q-test?db=3&decode_responses=true&protocol=3")
    assert r.client_info()["db"] == 3
    assert r.client_info()["resp"] == "3"
    r.set("k", "v")
    assert r.get("k") == "v"
    plain = burner.from_url("memory://q-test")
    assert plain.get("k") is None
    plain.select(3)
    assert plain.get("k") == b"v"
    assert burner.from_url("memory://q-test", decode_responses=True).echo("x") == "x"
    assert burner.from_url("memory://q-test?decode_responses=0").echo("x") == b"x"
    named = burner.from_url("memory://q-test?client_name=me")
    assert ex(named, "CLIENT", "GETNAME") in (b"me", "me")


def test_from_url_other_schemes_give_redis_py() -> None:
    for url in ("redis://localhost:1/0", "rediss://localhost:1", "unix:///tmp/nope.sock"):
        client = burner.from_url(url)
        assert type(client) is redis.Redis
        client.close()
        aclient = burner.aio.from_url(url)
        assert type(aclient) is redis.asyncio.Redis
    with pytest.raises(ValueError):
        burner.Redis.from_url("redis://localhost")


def test_server_shared_with_async_client() -> None:
    server = burner.Server()
    sync_client = burner.Redis(server=server)
    async_client = burner.aio.Redis(server=server)
    sync_client.set("k", "from-sync")
    assert async_client.server is server

    async def read() -> Any:
        return await async_client.get("k")

    import anyio

    assert anyio.run(read) == b"from-sync"


def test_threads_incr_exact_count() -> None:
    server = burner.Server()
    threads_n, per_thread = 8, 500
    errors: list[BaseException] = []

    def work() -> None:
        try:
            client = burner.Redis(server=server)
            for _ in range(per_thread):
                client.incr("counter")
                client.hincrby("h", "f", 2)
            client.close()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = burner.Redis(server=server)
    assert check.get("counter") == str(threads_n * per_thread).encode()
    assert check.hget("h", "f") == str(2 * threads_n * per_thread).encode()


def test_argument_errors(pair: Pair) -> None:
    pair.check(lambda r: r.set("k", True))
    pair.check(lambda r: r.set("k", None))  # type: ignore[arg-type]
    pair.check(lambda r: r.set("k", object()))  # type: ignore[arg-type]
    pair.check(lambda r: ex(r, "SET", "k", [1]))
    pair.check(lambda r: ex(r, "SET", "k", {"a": 1}))
    pair.check(lambda r: r.hset("h", "f", False))
    pair.check(lambda r: r.set("k", 1.5))
    pair.check(lambda r: r.get("k"))
    pair.check(lambda r: r.set("k", 10**30))
    pair.check(lambda r: r.get("k"))
    pair.check(lambda r: r.set("k", bytearray(b"ba")))
    pair.check(lambda r: r.set("k", memoryview(b"mv")))
    pair.check(lambda r: r.get("k"))
    pair.check(lambda r: ex(r, "SET", "k", -0.0))
    pair.check(lambda r: r.get("k"))
    pair.check(lambda r: ex(r, "SET k", "spaced"))
    pair.check(lambda r: ex(r, b"GET k"))


def test_never_decode_and_empty_response(pair: Pair) -> None:
    pair.both(lambda r: r.set("s", b"\xffbytes"))
    pair.both(lambda r: r.hset("h", "f", "v"))
    pair.cmd("GET", "s", NEVER_DECODE=True)
    pair.cmd("HGETALL", "h", NEVER_DECODE=True)
    pair.cmd("GET", "h", NEVER_DECODE=True)
    pair.cmd("HGET", "s", "f", EMPTY_RESPONSE=[])
    pair.cmd("HGETALL", "s", EMPTY_RESPONSE={})
    pair.cmd("HGETALL", "nope", EMPTY_RESPONSE={})
    pair.cmd("HGETALL", "h", EMPTY_RESPONSE=None)
    pair.cmd("GET", "h", NEVER_DECODE=True, EMPTY_RESPONSE=b"none")
    pair.check(lambda r: r.get("h"))


def test_response_callbacks(pair: Pair) -> None:
    assert pair.check(lambda r: r.set("k", "v")) is True
    assert pair.check(lambda r: r.set("k", "v", nx=True)) is None
    assert pair.check(lambda r: r.ping()) is True
    pair.check(lambda r: r.type("k"))
    pair.check(lambda r: r.hset("h", "f", "1"))
    pair.check(lambda r: r.type("h"))
    pair.check(lambda r: r.type("nope"))
    pair.check(lambda r: r.exists("k", "h"))
    pair.check(lambda r: r.hgetall("h"))
    pair.check(lambda r: r.flushdb())
    pair.check(lambda r: r.select(1))
    pair.check(lambda r: r.echo("e"))
    pair.check(lambda r: r.client_setname("n"))
    pair.check(lambda r: r.swapdb(0, 1))
    info = pair.burner.client_info()
    assert isinstance(info, dict) and info["name"] in ("n", b"n")
    assert isinstance(pair.burner.time(), tuple)
    assert isinstance(pair.burner.info(), dict)


def test_custom_response_callback(r: burner.Redis) -> None:
    r.set_response_callback("GET", lambda response, **options: ("wrapped", response))
    r.set("k", "v")
    assert ex(r, "GET", "k") == ("wrapped", b"v")


def test_commands_need_the_table() -> None:
    # The facade adds no command of its own: every command it runs is in the table.
    assert b"ping" in registry.TABLE and b"get" in registry.TABLE
