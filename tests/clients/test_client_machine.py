"""Random redis-py method calls on a burner client and a real one, compared.

What is random here is what the client layer owns: argument types redis-py
encodes or refuses (bytes, str, int, float, bool, None, bytearray...),
decoding, the NEVER_DECODE and EMPTY_RESPONSE options, space-joined command
names, database switches and response callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
from hypothesis import strategies as st
from hypothesis.stateful import rule

from tests.machine import KEYS, DifferentialMachine, run_machine
from tests.oracle import Outcome, RedisServerProcess

ARGS = st.one_of(
    st.binary(max_size=6),
    st.text(max_size=6),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, width=64),
    st.booleans(),
    st.none(),
    st.binary(max_size=4).map(bytearray),
    st.sampled_from([b"1", "2", "-3", "1.5", "caf\u00e9", b"\xff\xfe"]),
)
FIELDS = st.sampled_from(["f1", b"f2", "\u00e9", b"\xff"])
OPTIONS = st.sampled_from(
    [
        {},
        {"NEVER_DECODE": True},
        {"EMPTY_RESPONSE": []},
        {"NEVER_DECODE": True, "EMPTY_RESPONSE": "empty"},
    ]
)


class ClientMachine(DifferentialMachine):
    def call(self, fn: Callable[[redis.Redis], Any]) -> Any:
        got = _outcome(lambda: fn(self.burner))
        want = _outcome(lambda: fn(self.real))
        assert got == want, f"burner {got} != redis {want}"
        return got.value

    @rule(key=KEYS, value=ARGS)
    def set(self, key: bytes, value: Any) -> None:
        self.call(lambda r: r.set(key, value))

    @rule(key=KEYS, options=OPTIONS)
    def get(self, key: bytes, options: dict[str, Any]) -> None:
        self.call(lambda r: r.execute_command("GET", key, **options))  # type: ignore[no-untyped-call,unused-ignore]

    @rule(key=KEYS)
    def get_method(self, key: bytes) -> None:
        self.call(lambda r: r.get(key))

    @rule(key=KEYS, field=FIELDS, value=ARGS)
    def hset(self, key: bytes, field: Any, value: Any) -> None:
        self.call(lambda r: r.hset(key, field, value))

    @rule(key=KEYS, options=OPTIONS)
    def hgetall(self, key: bytes, options: dict[str, Any]) -> None:
        self.call(lambda r: r.execute_command("HGETALL", key, **options))  # type: ignore[no-untyped-call,unused-ignore]

    @rule(key=KEYS)
    def hgetall_method(self, key: bytes) -> None:
        self.call(lambda r: r.hgetall(key))

    @rule(key=KEYS, amount=ARGS)
    def incrby(self, key: bytes, amount: Any) -> None:
        self.call(lambda r: r.incrby(key, amount))

    @rule(key=KEYS, amount=ARGS)
    def incrbyfloat(self, key: bytes, amount: Any) -> None:
        self.call(lambda r: r.incrbyfloat(key, amount))

    @rule(key=KEYS)
    def type_(self, key: bytes) -> None:
        self.call(lambda r: r.type(key))

    @rule(keys=st.lists(KEYS, min_size=1, max_size=3))
    def exists_and_delete(self, keys: list[bytes]) -> None:
        self.call(lambda r: r.exists(*keys))
        self.call(lambda r: r.delete(*keys))

    @rule(key=KEYS, value=ARGS)
    def spaced_name(self, key: bytes, value: Any) -> None:
        self.call(lambda r: r.execute_command("SET " + key.decode(), value))  # type: ignore[no-untyped-call,unused-ignore]

    @rule(db=st.integers(min_value=0, max_value=2))
    def select(self, db: int) -> None:
        self.call(lambda r: r.select(db))

    @rule(name=st.sampled_from(["worker", "a b", "", "n\u00e9"]))
    def client_name(self, name: str) -> None:
        self.call(lambda r: r.client_setname(name))
        self.call(lambda r: r.client_getname())

    @rule(message=ARGS)
    def echo_and_ping(self, message: Any) -> None:
        self.call(lambda r: r.echo(message))
        self.call(lambda r: r.ping())

    def teardown(self) -> None:
        self.real.flushall()
        super().teardown()


def _outcome(fn: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(value=fn())
    except Exception as exc:
        return Outcome(error=(type(exc).__name__, str(exc)))


@pytest.mark.parametrize(
    "config",
    [
        {"protocol": 2, "decode_responses": False},
        {"decode_responses": True, "encoding_errors": "replace"},
    ],
    ids=["resp2-bytes", "default-str-replace"],
)
def test_client_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(ClientMachine, redis_server, config, max_examples=40, steps=20)
