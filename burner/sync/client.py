"""``Redis``: redis-py's sync client, running its commands on an in-process Server.

Every redis-py command method reaches ``execute_command``, which encodes the
arguments as redis-py would, runs them on the core under the Server's mutex,
and shapes the reply exactly as redis-py's parser and callbacks would.
"""

from __future__ import annotations

from typing import Any

import redis

from .. import _direct
from .._bridge import attach, encode_args, memory_server
from .._core.db import NEVER
from .._core.replies import Block
from .._core.server import Server
from ._wait import wait_for_keys
from .pipeline import Pipeline
from .pubsub import PubSub


class Redis(redis.Redis):
    """A drop-in ``redis.Redis`` backed by an in-process ``Server``.

    ``Redis()`` gets a private Server; ``Redis(server=s)`` shares ``s``. Every
    keyword of ``redis.Redis`` is accepted; those about sockets are ignored.
    """

    def __init__(self, *args: Any, server: Server | None = None, **kwargs: Any) -> None:
        kwargs["single_connection_client"] = False
        super().__init__(*args, **kwargs)
        self.server, self._bridge, self._finalizer = attach(self, server)
        if not self._bridge.ascii_words:
            _direct.general_only(self, redis.Redis)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Redis:
        """``memory://name`` shares the Server registered as ``name``."""
        server, options = memory_server(url, kwargs)
        return cls(server=server, **options)

    def execute_command(self, *args: Any, **options: Any) -> Any:
        bridge = self._bridge
        argv = encode_args(args, bridge.encoding, bridge.encoding_errors)
        server = bridge.server
        with bridge.lock:
            if server.next_sweep_ms != NEVER:
                server.sweep_if_due()
            reply = server.execute(bridge.session, argv)
        if type(reply) is Block:
            reply = wait_for_keys(bridge, argv, reply)
        return bridge.finish(args[0], reply, options)

    # Hot commands: straight to their core handler (see burner/_direct.py).
    get = _direct.get
    set = _direct.set
    mget = _direct.mget
    incr = incrby = _direct.incrby
    expire = _direct.expire
    delete = _direct.delete
    exists = _direct.exists
    hget = _direct.hget
    hset = _direct.hset
    hgetall = _direct.hgetall
    sadd = _direct.sadd
    sismember = _direct.sismember
    zadd = _direct.zadd
    zrangebyscore = _direct.zrangebyscore
    zrem = _direct.zrem
    xadd = _direct.xadd
    xreadgroup = _direct.xreadgroup
    xack = _direct.xack
    evalsha = _direct.evalsha
    lrange = _direct.lrange
    llen = _direct.llen
    lpush = _direct.lpush
    rpush = _direct.rpush
    lpop = _direct.lpop
    rpop = _direct.rpop
    zcard = _direct.zcard
    zscore = _direct.zscore
    scard = _direct.scard
    smembers = _direct.smembers
    srem = _direct.srem
    hdel = _direct.hdel
    hexists = _direct.hexists
    hlen = _direct.hlen
    hincrby = _direct.hincrby
    ttl = _direct.ttl
    pttl = _direct.pttl
    xlen = _direct.xlen

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> Pipeline:
        """A pipeline whose commands run on this client's Server (see sync/pipeline.py)."""
        return Pipeline(self, transaction, shard_hint)

    def pubsub(self, **kwargs: Any) -> PubSub:
        """A PubSub on an in-process subscriber session of this client's Server."""
        return PubSub(self, **kwargs)

    def close(self) -> None:
        self._finalizer()
        super().close()

    def __repr__(self) -> str:
        return f"<burner.Redis(server={self.server!r}, db={self._bridge.session.db.index})>"

