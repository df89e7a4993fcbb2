"""The oracle: a real redis-server to compare burner with.

``RedisServerProcess`` starts ``redis-server`` on a free 127.0.0.1 port with
persistence off and stops it. ``Pair`` holds a burner client and a redis-py
client on the real server built with the same keywords; ``Pair.check`` runs
one call on both and requires the same outcome (value, or exception class and
message).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis

import burner


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServerProcess:
    def __init__(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            raise RuntimeError(
                "redis-server is not on PATH; install it (apt-get install -y redis-server)"
            )
        self.exe = exe
        self.port = 0
        self.dir = tempfile.TemporaryDirectory(prefix="burner-oracle-")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for _attempt in range(5):
            self.port = free_port()
            self.proc = subprocess.Popen(
                [
                    self.exe,
                    "--port", str(self.port),
                    "--bind", "127.0.0.1",
                    "--save", "",
                    "--appendonly", "no",
                    "--dir", self.dir.name,
                    "--protected-mode", "yes",
                    "--loglevel", "warning",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1).ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError("could not start redis-server")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def version(self) -> tuple[int, ...]:
        info = redis.Redis(host="127.0.0.1", port=self.port).info("server")
        return tuple(int(x) for x in str(info["redis_version"]).split("."))

    def client(self, **kwargs: Any) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, **kwargs)

    def async_client(self, **kwargs: Any) -> redis.asyncio.Redis:
        return redis.asyncio.Redis(host="127.0.0.1", port=self.port, **kwargs)


@dataclass(frozen=True)
class Outcome:
    """What one call did: a value, or an exception's class name and text."""

    value: Any = None
    error: tuple[str, str] | None = None

    @staticmethod
    def of(fn: Callable[[], Any]) -> Outcome:
        try:
            return Outcome(value=fn())
        except redis.RedisError as exc:
            return Outcome(error=(type(exc).__name__, str(exc)))


Normalizer = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@dataclass
class Pair:
    """A burner client and a real-Redis client configured alike."""

    burner: redis.Redis
    real: redis.Redis
    kwargs: dict[str, Any] = field(default_factory=dict)

    def check(
        self, fn: Callable[[redis.Redis], Any], normalize: Normalizer = _identity
    ) -> Any:
        """Run ``fn`` on both clients; the outcomes must be equal. Returns burner's value."""
        got = Outcome.of(lambda: normalize(fn(self.burner)))
        want = Outcome.of(lambda: normalize(fn(self.real)))
        assert got == want, f"burner {got} != redis {want}"
        return got.value

    def check_ttl(self, fn: Callable[[redis.Redis], Any], slack: int = 1) -> Any:
        """Like ``check`` for a TTL: two positive TTLs may differ by ``slack``
        (the two calls can fall on either side of a rounding boundary); any
        other outcome must be equal."""
        got = Outcome.of(lambda: fn(self.burner))
        want = Outcome.of(lambda: fn(self.real))
        if (
            got.error is None
            and want.error is None
            and type(got.value) is int
            and type(want.value) is int
            and got.value > 0
            and want.value > 0
        ):
            assert abs(got.value - want.value) <= slack, f"burner {got} != redis {want}"
        else:
            assert got == want, f"burner {got} != redis {want}"
        return got.value

    def cmd(self, *args: Any, normalize: Normalizer = _identity, **options: Any) -> Any:
        """``execute_command(*args)`` on both; outcomes must be equal."""
        return self.check(lambda r: r.execute_command(*args, **options), normalize)  # type: ignore[no-untyped-call,unused-ignore]

    def both(self, fn: Callable[[redis.Redis], Any]) -> None:
        """Run ``fn`` on both clients without comparing (for setup)."""
        fn(self.burner)
        fn(self.real)


def make_pair(server: RedisServerProcess, **kwargs: Any) -> Pair:
    real = server.client(**kwargs)
    real.flushall()
    return Pair(burner=burner.Redis(**kwargs), real=real, kwargs=kwargs)


def sorted_reply(value: Any) -> Any:
    """A normalizer for replies whose order Redis does not define."""
    if isinstance(value, (list, set, tuple)):
        return sorted(value, key=repr)
    return value


def keyspace_events(client: redis.Redis, commands: Sequence[Sequence[Any]]) -> list[tuple[Any, Any]]:
    """Run ``commands`` on ``client`` and return the (channel, message) pairs of
    every keyspace/keyevent notification they published in db 0, in order.
    A marker message on a channel of its own tells when all have arrived."""
    pubsub = client.pubsub()  # type: ignore[no-untyped-call,unused-ignore]
    try:
        pubsub.psubscribe("__key*@0__:*")
        pubsub.subscribe("done")
        for command in commands:
            client.execute_command(*command)  # type: ignore[no-untyped-call,unused-ignore]
        client.publish("done", "x")
        seen: list[tuple[Any, Any]] = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=1.0)
            if message is None or message["type"] not in ("pmessage", "message"):
                continue
            if message["type"] == "message":
                break
            seen.append((message["channel"], message["data"]))
        return seen
    finally:
        pubsub.close()
