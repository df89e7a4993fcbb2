"""Every keyword redis-py's clients take, with a value each, for constructor tests.

The sets are checked against the installed redis-py's signatures, so a keyword
added by a new redis-py shows up as a test failure until it is listed here.
"""

from __future__ import annotations

import inspect
from typing import Any

import redis
import redis.asyncio
from redis.backoff import NoBackoff
from redis.event import EventDispatcher

# Keywords that change what the client is built from; each gets its own test.
SEPARATE = frozenset(
    {
        "connection_pool",
        "unix_socket_path",
        "credential_provider",
        "cache",
        "cache_config",
        "maint_notifications_config",
        "oss_cluster_maint_notifications_handler",
        "redis_connect_func",
        "retry_on_timeout",  # deprecated: warns
        "lib_name",  # deprecated in favour of driver_info: warns
        "lib_version",
        "legacy_responses",
        "auto_close_connection_pool",  # deprecated: warns
    }
)


def common_kwargs() -> dict[str, Any]:
    """Socket, TLS, pool and identity keywords, all of them at once."""
    return {
        "host": "redis.invalid",
        "port": 6390,
        "db": 2,
        "password": "secret",
        "socket_timeout": 0.5,
        "socket_connect_timeout": 0.5,
        "socket_read_size": 4096,
        "socket_keepalive": True,
        "socket_keepalive_options": {},
        "encoding": "utf-8",
        "encoding_errors": "strict",
        "decode_responses": True,
        "retry": redis.retry.Retry(NoBackoff(), 0),
        "retry_on_error": [TimeoutError],
        "ssl": True,
        "ssl_keyfile": None,
        "ssl_certfile": None,
        "ssl_cert_reqs": "none",
        "ssl_include_verify_flags": None,
        "ssl_exclude_verify_flags": None,
        "ssl_ca_certs": None,
        "ssl_ca_path": None,
        "ssl_ca_data": None,
        "ssl_check_hostname": False,
        "ssl_password": None,
        "ssl_validate_ocsp": False,
        "ssl_validate_ocsp_stapled": False,
        "ssl_ocsp_context": None,
        "ssl_ocsp_expected_cert": None,
        "ssl_min_version": None,
        "ssl_ciphers": None,
        "max_connections": 4,
        "single_connection_client": True,
        "health_check_interval": 30,
        "client_name": "worker-7",
        "driver_info": None,
        "username": "default",
        "protocol": 3,
        "event_dispatcher": EventDispatcher(),
    }


def sync_kwargs() -> dict[str, Any]:
    names = parameters(redis.Redis)
    return {k: v for k, v in common_kwargs().items() if k in names}


def async_kwargs() -> dict[str, Any]:
    names = parameters(redis.asyncio.Redis)
    kwargs = {k: v for k, v in common_kwargs().items() if k in names}
    kwargs["retry"] = redis.asyncio.retry.Retry(NoBackoff(), 0)
    return kwargs


def parameters(cls: type) -> set[str]:
    signature = inspect.signature(cls.__init__)  # type: ignore[misc]
    return {name for name in signature.parameters if name != "self"}
