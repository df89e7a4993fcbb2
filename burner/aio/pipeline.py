"""``Pipeline``: redis-py's asyncio pipeline, running its commands on the core.

The same rules as the sync pipeline (burner/sync/pipeline.py), whose helpers
it shares; the differences are ``async def`` and awaiting a callback that
returns an awaitable. Nothing here touches asyncio (redis-py's own ``reset``
uses ``asyncio.shield`` and its ``transaction`` ``asyncio.sleep``; both are
replaced), so the pipeline runs under trio too. Running the commands never
waits: the Server's mutex is held only while the core computes.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import redis.asyncio.client
from redis.asyncio.client import CommandStackT

from .._bridge import Bridge
from .._core.replies import Reply
from .._core.session import Session
from .._direct import PLAIN
from ..sync.pipeline import (
    UNWATCH_COMMANDS,
    Queue,
    close_session,
    open_session,
    replies_applied,
    run_batch,
    run_transaction,
    transaction_results,
)
from ._wait import wait_for_keys

if TYPE_CHECKING:
    from .client import Redis


async def settle_all(values: list[Any]) -> None:
    """Await, in place, the values a (user-set) async callback returned."""
    plain = PLAIN
    for i, value in enumerate(values):
        if value.__class__ not in plain and inspect.isawaitable(value):
            values[i] = await value


# (The ignore: with two bases, mypy compares the whole of redis-py's asyncio
# pipeline with itself and reports its own command_info mismatch between
# AsyncManagementCommands and ModuleCommands; nothing of burner's.)
class Pipeline(Queue, redis.asyncio.client.Pipeline):  # type: ignore[misc]
    """A drop-in ``redis.asyncio.client.Pipeline`` for ``burner.aio.Redis``."""

    def __init__(
        self, client: Redis, transaction: bool = True, shard_hint: str | None = None
    ) -> None:
        super().__init__(
            client.connection_pool, client.response_callbacks, transaction, shard_hint
        )
        self._bridge: Bridge = client._bridge
        self._session: Session | None = None
        self._start_queue(self._bridge)

    def _use_session(self) -> Session:
        session = self._session
        if session is None:
            session = self._session = open_session(self._bridge)
        return session

    def _drop_session(self) -> None:
        session = getattr(self, "_session", None)
        if session is not None:
            # Dropping the session forgets its WATCHes (redis-py sends UNWATCH).
            self._session = None
            close_session(self._bridge, session)

    async def reset(self) -> None:  # type: ignore[override]
        self._reset_queue()
        self.scripts = set()
        self._drop_session()
        self.watching = False
        self.explicit_transaction = False

    def __del__(self, *args: Any, **kwargs: Any) -> None:
        try:
            self._drop_session()
        except Exception:
            pass

    async def immediate_execute_command(self, *args: Any, **options: Any) -> Any:
        bridge = self._bridge
        session = self._use_session()
        argv = bridge.encode(args)
        replies: list[Reply] = []
        blocked = run_batch(bridge, session, [argv], replies)
        if blocked is None:
            reply = replies[0]
        else:
            reply = await wait_for_keys(bridge, argv, blocked, session)
        command_name = args[0]
        result = bridge.finish(command_name, reply, options)
        if inspect.isawaitable(result):
            result = await result
        if command_name in UNWATCH_COMMANDS:
            self.watching = False
        elif command_name == "WATCH":
            self.watching = True
        return result

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        stack = self.command_stack
        if not stack and not self.watching:
            return []
        if self.scripts:
            await self.load_scripts()  # type: ignore[no-untyped-call,unused-ignore]
        try:
            if self.is_transaction or self.explicit_transaction:
                return await self._run_transaction(stack, raise_on_error)
            return await self._run_pipeline(stack, raise_on_error)
        finally:
            await self.reset()

    async def _run_transaction(self, stack: CommandStackT, raise_on_error: bool) -> list[Any]:
        bridge = self._bridge
        argvs = self._encoded(bridge, skip_empty=True)
        replies = run_transaction(bridge, self._use_session(), argvs)
        data: list[Any] = []
        try:
            unusual = transaction_results(self, bridge, stack, replies, raise_on_error, data)
        except BaseException:
            await settle_all(data)  # what redis-py had awaited before the error
            raise
        if unusual:
            await settle_all(data)
        return data

    async def _run_pipeline(self, stack: CommandStackT, raise_on_error: bool) -> list[Any]:
        bridge = self._bridge
        session = self._use_session()
        argvs: list[list[bytes]] = self._encoded(bridge)  # type: ignore[assignment]
        replies: list[Reply] = []
        while True:
            blocked = run_batch(bridge, session, argvs, replies)
            if blocked is None:
                break
            # A blocking command waits as on a connection; the rest run after.
            replies.append(await wait_for_keys(bridge, argvs[len(replies)], blocked, session))
        responses: list[Any] = []
        try:
            unusual = replies_applied(bridge, self.response_callbacks, stack, replies, responses)
        except BaseException:
            await settle_all(responses)  # what redis-py had awaited before the error
            raise
        if unusual:
            await settle_all(responses)
        if self.watching:
            for args, _ in stack:
                if args[0] in UNWATCH_COMMANDS:
                    self.watching = False
        if raise_on_error and unusual:
            self.raise_first_error(stack, responses)
        return responses


__all__ = ["Pipeline"]
