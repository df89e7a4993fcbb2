"""Pub/Sub on both clients: message sequences and PUBSUB introspection compared
with the real redis-server, handlers, threads, asyncio and trio, and the
slow-subscriber limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest
import redis

import burner
import burner.aio
from tests.oracle import Pair, RedisServerProcess, make_pair


def _drain(p: Any, wait: float) -> list[Any]:
    """Every message available now (waiting up to ``wait`` for stragglers)."""
    out: list[Any] = []
    while True:
        message = p.get_message(timeout=wait)
        if message is None:
            return out
        out.append(message)


def _pattern_order(messages: list[Any]) -> list[Any]:
    """Redis walks its pattern table in hash order: one publish's pmessages
    may come in any order, so sort each such run by pattern."""
    out: list[Any] = []
    i = 0
    while i < len(messages):
        j = i
        while (
            j < len(messages)
            and isinstance(messages[j], dict)
            and messages[j]["type"] == "pmessage"
            and messages[j]["channel"] == messages[i]["channel"]
            and messages[j]["data"] == messages[i]["data"]
        ):
            j += 1
        if j > i:
            out.extend(sorted(messages[i:j], key=lambda m: repr(m["pattern"])))
            i = j
        else:
            out.append(messages[i])
            i += 1
    return out


def _both(pair: Pair, script: Callable[[redis.Redis, Any], None]) -> None:
    """Run ``script(client, pubsub)`` on each side and compare what arrived."""
    results = []
    for client, wait in ((pair.burner, 0.05), (pair.real, 0.3)):
        p = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
        try:
            script(client, p)
            results.append(_pattern_order(_drain(p, wait)))
        finally:
            p.close()
    assert results[0] == results[1]
    assert results[0], "the script produced no messages"


def test_subscribe_publish_sequence(pair: Pair) -> None:
    def script(r: redis.Redis, p: Any) -> None:
        p.subscribe("news", "sports")
        p.psubscribe("n*", "s?orts", "[ns]*", "x\\*")
        r.publish("news", "hello")
        r.publish("sports", "goal")
        r.publish("weather", "rain")
        r.publish("x*", "star")
        r.publish("nothing", "\u00e9t\u00e9")
        r.publish("news", b"")
        p.unsubscribe("news")
        r.publish("news", "after-unsub")
        p.punsubscribe("n*")
        r.publish("news", "after-punsub")
        p.ping()  # (PING with a message trips redis-py itself under RESP3 + decoding)
        p.unsubscribe()
        p.punsubscribe()

    _both(pair, script)


def test_unsubscribe_when_not_subscribed(pair: Pair) -> None:
    def script(r: redis.Redis, p: Any) -> None:
        p.subscribe("a")
        p.unsubscribe("never")
        p.punsubscribe("never*")
        p.unsubscribe()
        p.unsubscribe()

    _both(pair, script)


def test_shard_channels(pair: Pair) -> None:
    def script(r: redis.Redis, p: Any) -> None:
        p.ssubscribe("s1", "s2")
        r.spublish("s1", "one")
        r.publish("s1", "not-shard")
        p.sunsubscribe("s1")
        r.spublish("s1", "gone")
        r.spublish("s2", "two")
        p.sunsubscribe()

    results = []
    for client, wait in ((pair.burner, 0.05), (pair.real, 0.3)):
        p = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
        script(client, p)
        got = []
        while (m := p.get_sharded_message(timeout=wait)) is not None:
            got.append(m)
        results.append(got)
        p.close()
    assert results[0] == results[1]
    assert any(m["type"] == "smessage" for m in results[0])


def test_introspection(pair: Pair) -> None:
    subs = []
    for client in (pair.burner, pair.real):
        p = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
        p.subscribe("c1", "c2", "other")
        p.psubscribe("c*", "d*")
        p.ssubscribe("sh")
        _drain(p, 0.05 if client is pair.burner else 0.3)
        subs.append(p)
    try:
        pair.check(lambda r: sorted(r.pubsub_channels()))
        pair.check(lambda r: sorted(r.pubsub_channels("c*")))
        pair.check(lambda r: r.pubsub_numsub("c1", "zz", "c2"))
        pair.check(lambda r: r.pubsub_numsub())
        pair.check(lambda r: r.pubsub_numpat())
        pair.check(lambda r: r.pubsub_shardchannels())
        pair.check(lambda r: r.pubsub_shardnumsub("sh", "no"))
        pair.cmd("PUBSUB", "NOPE")
        pair.cmd("PUBSUB", "CHANNELS", "a", "b")
        pair.cmd("PUBLISH", "c1")
        pair.check(lambda r: r.publish("c1", "x"))
    finally:
        for p in subs:
            p.close()


@pytest.mark.parametrize("decode", [False, True])
def test_resp2_subscribed_context_error(redis_server: RedisServerProcess, decode: bool) -> None:
    # Only RESP2 clients are limited to (P|S)(UN)SUBSCRIBE/PING/QUIT/RESET.
    pair = make_pair(redis_server, protocol=2, decode_responses=decode)
    outcomes: list[str | None] = []
    for client, wait in ((pair.burner, 0.05), (pair.real, 0.3)):
        p = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
        p.subscribe("a")
        p.get_message(timeout=wait)
        p.execute_command("GET", "x")
        try:
            p.get_message(timeout=wait)
            outcomes.append(None)
        except redis.ResponseError as exc:
            outcomes.append(str(exc))
        p.close()
    assert outcomes[0] == outcomes[1] and outcomes[0] is not None


def test_handlers_and_ignore_subscribe_messages() -> None:
    r = burner.Redis(decode_responses=True)
    seen: list[Any] = []
    p = r.pubsub(ignore_subscribe_messages=True)
    p.subscribe(**{"jobs": seen.append})
    p.psubscribe(**{"j*": seen.append})
    for _ in range(2):
        assert p.get_message(timeout=0) is None  # confirmations are swallowed
    r.publish("jobs", "1")
    for _ in range(3):
        assert p.get_message(timeout=0) is None  # handled, not returned
    assert [m["data"] for m in seen] == ["1", "1"]
    assert [m["type"] for m in seen] == ["message", "pmessage"]
    p.close()


def test_run_in_thread_and_cross_thread_wakeup() -> None:
    r = burner.Redis()
    got: list[bytes] = []
    done = threading.Event()

    def handler(message: dict[str, Any]) -> None:
        got.append(message["data"])
        if len(got) == 100:
            done.set()

    p = r.pubsub()
    p.subscribe(**{"t": handler})
    worker = p.run_in_thread(sleep_time=0.5, daemon=True)
    publisher = burner.Redis(server=r.server)
    for i in range(100):
        publisher.publish("t", str(i))
    assert done.wait(5)
    worker.stop()
    worker.join(5)
    assert got == [str(i).encode() for i in range(100)]


def test_get_message_timeouts() -> None:
    r = burner.Redis()
    p = r.pubsub()
    p.subscribe("x")
    first = p.get_message(timeout=0)
    assert first is not None and first["type"] == "subscribe"
    start = time.monotonic()
    assert p.get_message(timeout=0.2) is None
    assert time.monotonic() - start >= 0.19
    threading.Timer(0.1, lambda: r.publish("x", "late")).start()
    message = p.get_message(timeout=None)  # type: ignore[arg-type,unused-ignore]
    assert message is not None and message["data"] == b"late"
    p.close()


def test_listen_and_close() -> None:
    r = burner.Redis(decode_responses=True)
    p = r.pubsub()
    p.subscribe("l")
    threading.Timer(0.05, lambda: [r.publish("l", "a"), r.publish("l", "b")]).start()
    seen: list[Any] = []
    for message in p.listen():  # type: ignore[no-untyped-call,unused-ignore]
        seen.append(message)
        if len(seen) == 3:
            break
    assert [m["data"] for m in seen] == [1, "a", "b"]
    p.close()
    assert r.pubsub_numsub("l") == [("l", 0)]


def test_slow_subscriber_is_dropped() -> None:
    r = burner.Redis()
    r.config_set("client-output-buffer-limit", "pubsub 100kb 0 0")
    p = r.pubsub()
    p.subscribe("flood")
    payload = b"x" * 1000
    for _ in range(200):
        r.publish("flood", payload)
    # The subscriber fell behind past the hard limit: it was disconnected.
    assert r.pubsub_numsub("flood") == [(b"flood", 0)]
    with pytest.raises(redis.ConnectionError, match="output buffer limit"):
        p.get_message(timeout=0)
    # A subscriber that keeps up is not affected.
    q = r.pubsub()
    q.subscribe("calm")
    for _ in range(200):
        r.publish("calm", payload)
        assert q.get_message(timeout=0) is not None
    q.close()


@pytest.mark.anyio
async def test_async_many_publishers_many_subscribers() -> None:
    server = burner.Server()
    client = burner.aio.Redis(server=server)
    subscribers = [client.pubsub() for _ in range(5)]
    for s in subscribers:
        await s.subscribe("fan")
        first = await s.get_message(timeout=1)
        assert first is not None and first["type"] == "subscribe"
    received: list[list[bytes]] = [[] for _ in subscribers]

    async def consume(index: int) -> None:
        while len(received[index]) < 4 * 50:
            message = await subscribers[index].get_message(timeout=5)
            assert message is not None
            received[index].append(message["data"])

    async def produce(name: str) -> None:
        publisher = burner.aio.Redis(server=server)
        for i in range(50):
            await publisher.publish("fan", f"{name}:{i}")
            if i % 7 == 0:
                await anyio.sleep(0)

    async with anyio.create_task_group() as tg:
        for i in range(len(subscribers)):
            tg.start_soon(consume, i)
        for name in "abcd":
            tg.start_soon(produce, name)
    for got in received:
        assert len(got) == 200
        for name in "abcd":
            mine = [m for m in got if m.startswith(name.encode() + b":")]
            assert mine == [f"{name}:{i}".encode() for i in range(50)]  # per-publisher order
    for s in subscribers:
        await s.aclose()


@pytest.mark.anyio
async def test_async_wakeup_from_another_thread() -> None:
    client = burner.aio.Redis()
    p = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
    await p.subscribe("x")
    await p.get_message(timeout=1)
    other = burner.Redis(server=client.server)
    threading.Timer(0.1, lambda: other.publish("x", "from-thread")).start()
    with anyio.fail_after(5):
        message = await p.get_message(timeout=None)
    assert message is not None and message["data"] == b"from-thread"
    await p.aclose()


@pytest.mark.anyio
async def test_async_run_with_handlers_is_cancellable() -> None:
    client = burner.aio.Redis(decode_responses=True)
    got: list[str] = []
    p = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
    await p.subscribe(**{"h": lambda m: got.append(m["data"])})
    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: p.run(poll_timeout=0.05))
        for i in range(3):
            await client.publish("h", str(i))
        with anyio.fail_after(5):
            while len(got) < 3:
                await anyio.sleep(0.01)
        tg.cancel_scope.cancel()
    assert got == ["0", "1", "2"]
    await p.aclose()
