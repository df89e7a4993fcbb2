"""Shared fixtures: the real redis-server, burner/real client pairs, async backends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.oracle import Pair, RedisServerProcess, make_pair

# Every differential test runs for each protocol and each decode setting.
CLIENT_CONFIGS = [
    pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
    pytest.param({"protocol": 2, "decode_responses": True}, id="resp2-str"),
    pytest.param({"protocol": 3, "decode_responses": False}, id="resp3-bytes"),
    pytest.param({"protocol": 3, "decode_responses": True}, id="resp3-str"),
]


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServerProcess]:
    server = RedisServerProcess()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=CLIENT_CONFIGS)
def client_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    config: dict[str, Any] = dict(request.param)
    return config


@pytest.fixture
def pair(redis_server: RedisServerProcess, client_config: dict[str, Any]) -> Iterator[Pair]:
    p = make_pair(redis_server, **client_config)
    try:
        yield p
    finally:
        p.real.close()
        p.burner.close()


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend
