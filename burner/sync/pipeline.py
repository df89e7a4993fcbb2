"""``Pipeline``: redis-py's pipeline, running its commands straight on the core.

Rules:
- A pipeline owns a core Session, like the connection redis-py's pipeline
  takes from its pool: WATCH and MULTI state belong to the pipeline. It is made
  on first use (WATCH, or execute) in the client's current database, and
  dropped by ``reset`` (which therefore also forgets any WATCH).
- ``execute`` encodes every queued command first (so a bad argument raises
  DataError before anything runs), then runs them all under one hold of the
  Server's mutex: MULTI, the commands and EXEC for a transaction, the bare
  commands otherwise. Nothing else runs in between, from any thread or loop.
- Replies go through the bridge's shaping and redis-py's callbacks exactly as
  redis-py's own ``_execute_transaction`` / ``_execute_pipeline`` would treat
  what a real server sent back: the same WatchError, ExecAbortError, error
  annotation and ``raise_on_error`` behaviour.
- Commands issued between ``watch()`` and ``multi()`` run immediately.

``run_transaction`` and ``transaction_results`` are shared with the async
pipeline (burner.aio.pipeline), which differs only in awaiting callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import redis.client
from redis.exceptions import ExecAbortError, ResponseError, WatchError
from redis.typing import EncodableT, KeyT

from .._bridge import EMPTY_RESPONSE, Bridge, callback_for, encode_args, encode_commands
from .._core.replies import OK, Block, CommandError, Reply, Simple
from .._core.server import NOT_QUEUED
from .._core.session import Session
from .._direct import PLAIN, apply_callback, parse_set_result
from ._wait import wait_for_keys

if TYPE_CHECKING:
    from .client import Redis

# One queued call: redis-py's (args, options); options are a dict it mutates.
Command = tuple[tuple[Any, ...], Any]

_MULTI = [b"MULTI"]
_EXEC = [b"EXEC"]
UNWATCH_COMMANDS = frozenset({"DISCARD", "EXEC", "UNWATCH"})


def open_session(bridge: Bridge) -> Session:
    """A fresh Session for a pipeline: the client's database and name."""
    base = bridge.session
    with bridge.lock:
        session = bridge.server.new_session(bridge.resp)
        session.db = base.db
        session.name = base.name
        session.lib_name = base.lib_name
        session.lib_ver = base.lib_ver
    return session


def close_session(bridge: Bridge, session: Session) -> None:
    with bridge.lock:
        bridge.server.close_session(session)


def run_batch(
    bridge: Bridge, session: Session, argvs: list[list[bytes]], replies: list[Reply]
) -> Block | None:
    """Run ``argvs[len(replies):]`` in one hold of the mutex, appending their
    replies, up to the first command that must wait: its Block is returned
    (not appended) and the commands after it have not run."""
    server = bridge.server
    with bridge.lock:
        server.sweep_if_due()
        return server.execute_many(session, argvs, replies)


def run_commands(bridge: Bridge, session: Session, argvs: list[list[bytes]]) -> list[Reply]:
    """The replies of a plain pipeline. A blocking command waits as it would on
    a connection (the commands after it run when it is done)."""
    replies: list[Reply] = []
    while True:
        blocked = run_batch(bridge, session, argvs, replies)
        if blocked is None:
            return replies
        replies.append(wait_for_keys(bridge, argvs[len(replies)], blocked, session))


def run_transaction(
    bridge: Bridge, session: Session, argvs: list[list[bytes] | None]
) -> tuple[Reply, list[Reply | None] | None, Reply]:
    """MULTI, the queued commands (None: one redis-py does not send), EXEC, in
    one hold of the mutex: the replies to MULTI, to each command (None where
    nothing was sent; the whole list None when every one was +QUEUED), and
    EXEC."""
    server = bridge.server
    execute = server.execute
    with bridge.lock:
        server.sweep_if_due()
        if None not in argvs:
            # The common case in one step (the same queuing rules, checked
            # before anything is queued); queuing replies are all +QUEUED.
            exec_reply = server.transaction(session, argvs)  # type: ignore[arg-type]
            if exec_reply is not NOT_QUEUED:
                return OK, None, exec_reply
        multi_reply = execute(session, _MULTI)
        queued = [None if argv is None else execute(session, argv) for argv in argvs]
        exec_reply = execute(session, _EXEC)
    return multi_reply, queued, exec_reply


def transaction_results(
    pipe: Any,
    bridge: Bridge,
    stack: Sequence[Command],
    replies: tuple[Reply, list[Reply | None] | None, Reply],
    raise_on_error: bool,
    out: list[Any],
) -> bool:
    """What redis-py's ``_execute_transaction`` makes of these replies: the
    results (callbacks applied), appended to ``out``, and whether any is not a
    plain value (see ``replies_applied``). Raises what it raises; sets
    ``pipe.watching``.

    When every command queued cleanly and EXEC's reply holds no error (the
    common case), nothing can be raised or inserted: one pass shapes each item
    and applies its callback. When replies are decoded it takes two passes, as
    redis-py decodes the whole EXEC reply before any callback runs: an item
    that does not decode must raise before the callbacks of the items before
    it."""
    multi_reply, queued, exec_reply = replies
    callbacks = pipe.response_callbacks
    decode = bridge.decode
    if (
        queued is None
        and type(exec_reply) is list
        and len(exec_reply) == len(stack)
        and CommandError not in set(map(type, exec_reply))
    ):
        pipe.watching = False
        if not decode:
            return replies_applied(bridge, callbacks, stack, exec_reply, out, transaction=True)
        return callbacks_applied(callbacks, stack, bridge.shape_list(exec_reply, True), out)
    errors: list[tuple[int, Any]] = []
    if type(multi_reply) is CommandError:
        errors.append((0, bridge.shape(multi_reply, decode)))
    for i, (args, options) in enumerate(stack if queued is not None else ()):
        if EMPTY_RESPONSE in options:
            errors.append((i, options[EMPTY_RESPONSE]))
        else:
            reply = queued[i]  # type: ignore[index]
            if type(reply) is CommandError:
                exc = bridge.shape(reply, decode)
                pipe.annotate_exception(exc, i + 1, args)
                errors.append((i, exc))
    if type(exec_reply) is list:
        response: Any = bridge.shape_list(exec_reply, decode)
    else:
        response = bridge.shape(exec_reply, decode)
    if isinstance(response, ResponseError):
        if isinstance(response, ExecAbortError) and errors:
            raise errors[0][1]
        raise response
    pipe.watching = False
    if response is None:
        raise WatchError("Watched variable changed.")
    for i, value in errors:
        response.insert(i, value)
    if len(response) != len(stack):
        raise ResponseError("Wrong number of response items from pipeline execution")
    if raise_on_error:
        pipe.raise_first_error(stack, response)
    return callbacks_applied(callbacks, stack, response, out)


def _callback(
    found: dict[Any, Callable[..., Any] | None], callbacks: Mapping[Any, Any], name: Any
) -> Callable[..., Any] | None:
    """``name``'s callback, looked up once per batch (``found`` keeps them)."""
    try:
        return found[name]
    except KeyError:
        callback = found[name] = callback_for(callbacks, name)
        return callback  # type: ignore[no-any-return]


def callbacks_applied(
    callbacks: Mapping[Any, Any], stack: Sequence[Command], response: list[Any], out: list[Any]
) -> bool:
    """The end of redis-py's ``_execute_transaction``: each item of the parsed
    EXEC reply that is not an error goes through its command's callback, with
    the command's options, and is appended to ``out``. Returns whether any
    result is not a plain value (see ``replies_applied``)."""
    plain = PLAIN
    unusual = False
    found: dict[Any, Callable[..., Any] | None] = {}
    command_name = callback = None
    append = out.append
    for r, (args, options) in zip(response, stack):
        if isinstance(r, Exception):
            append(r)
            unusual = True
            continue
        if options:
            options.pop("keys", None)
        if args[0] is not command_name:  # (redis-py's methods pass one str object per name)
            command_name = args[0]
            callback = _callback(found, callbacks, command_name)
        if callback is not None:
            r = apply_callback(callback, r, options)
            if r.__class__ not in plain:
                unusual = True
        append(r)
    return unusual


_NOT_A_NAME = object()


def replies_applied(
    bridge: Bridge,
    callbacks: Mapping[Any, Any],
    stack: Sequence[Command],
    replies: list[Reply],
    out: list[Any],
    transaction: bool = False,
) -> bool:
    """Each reply as redis-py's client hands it over, appended to ``out``;
    returns whether any of them is not a plain value (an error, or whatever a
    user-set callback returned): only then must the caller look for an error
    to raise or an awaitable to await. (``out`` is the caller's, so that
    what was made before an exception can still be awaited.)

    For a plain pipeline, what ``_execute_pipeline`` makes of them: each one
    parsed as ``parse_response`` would (options, NEVER_DECODE and
    EMPTY_RESPONSE included), errors in place, not raised. For a transaction
    (``transaction``; EXEC's items, none of them an error), what the end of
    ``_execute_transaction`` does: the item shaped with the rest of EXEC's
    reply, then ``callback(item, **options)``.

    The common case is inlined; callbacks are looked up again only when the
    command name changes (redis-py's callback dict upper-cases each key); once
    a name is known to have redis-py's SET callback, its plain +OK becomes
    True without a call (``apply_callback``'s rule)."""
    decode = bridge.decode
    encoding = bridge.encoding
    encoding_errors = bridge.encoding_errors
    shape = bridge.shape
    finish = bridge.finish
    plain = PLAIN
    unusual = False
    found: dict[Any, Callable[..., Any] | None] = {}
    command_name = callback = None
    set_name: Any = _NOT_A_NAME  # a name whose callback is redis-py's SET callback
    append = out.append
    for (args, options), reply in zip(stack, replies):
        if reply is OK and args[0] is set_name and not options:
            append(True)  # the run of plain SETs a pipeline often is
            continue
        kind = reply.__class__
        if options or kind is CommandError:
            if transaction:
                options.pop("keys", None)  # the rest go to the callback
            else:
                if len(options) == 1 and "keys" in options:
                    options.pop("keys")  # as parse_response does; the rest is the fast path
                if options or kind is CommandError:
                    try:
                        value: Any = finish(args[0], reply, options)
                    except ResponseError as exc:
                        value = exc
                    if value.__class__ not in plain:
                        unusual = True
                    append(value)
                    continue
        if args[0] is not command_name:  # (redis-py's methods pass one str object per name)
            command_name = args[0]
            callback = _callback(found, callbacks, command_name)
            if callback is parse_set_result:
                set_name = command_name
        if kind is Simple:
            value = reply.decode(encoding, encoding_errors) if decode else bytes(reply)
        elif kind is bytes:
            value = reply.decode(encoding, encoding_errors) if decode else reply
        elif kind is int or reply is None:
            value = reply
        else:
            value = shape(reply, decode)
        if callback is not None:
            value = callback(value, **options) if options else callback(value)
            if value.__class__ not in plain:
                unusual = True
        append(value)
    return unusual


# SET and GET as the encoder spells them: one object per word for every
# command of that name (Server.execute_many looks a command up again only when
# the name object changes).
_SET_WORD = encode_args(("SET",), "utf-8", "strict")[0]
_GET_WORD = encode_args(("GET",), "utf-8", "strict")[0]


class Stack(list):  # type: ignore[type-arg]
    """A pipeline's ``command_stack``: a list that notes (``edited``) every
    change made to it other than an append, so that ``Queue._encoded`` can tell
    whether the argvs encoded while queuing still match it."""

    edited = False  # (a class default: a copy of a Stack starts unedited too)


def _noting(name: str) -> Callable[..., Any]:
    change = getattr(list, name)

    def edit(self: Stack, *args: Any, **kwargs: Any) -> Any:
        self.edited = True
        return change(self, *args, **kwargs)

    edit.__name__ = name
    return edit


for _name in (
    "__delitem__", "__iadd__", "__imul__", "__setitem__",
    "clear", "extend", "insert", "pop", "remove", "reverse", "sort",
):
    setattr(Stack, _name, _noting(_name))


class Queue:
    """The queuing side both pipelines share (sync and asyncio).

    ``set`` and ``get`` queue exactly the entry redis-py's methods and its
    ``pipeline_execute_command`` make, without the argument checks when there
    are no options to check; while WATCHing (before MULTI) they run at once.

    ``_argvs`` runs alongside ``command_stack``: a plain SET or GET of str or
    bytes is encoded as it is queued, which saves ``execute`` a pass over the
    stack. That is safe: str and bytes cannot change before ``execute``, and
    for a client whose codec is utf-8 with strict errors (the only one this
    is done for) it is exactly ``encode_commands``'s encoding. Everything else
    is None there and is encoded by ``execute``; so is a str that fails to
    encode, which then raises as redis-py would. If the stack was changed
    other than through these methods (``Stack.edited``, or lengths that
    differ), ``execute`` encodes the whole stack instead."""

    command_stack: list[Command]
    watching: bool
    explicit_transaction: bool
    _argvs: list[list[bytes] | None]
    _utf8: bool

    def _start_queue(self, bridge: Bridge) -> None:
        self.command_stack = Stack()
        self._argvs = []
        self._utf8 = bridge.encoding == "utf-8" and bridge.encoding_errors == "strict"

    def pipeline_execute_command(self, *args: Any, **options: Any) -> Any:
        self.command_stack.append((args, options))
        self._argvs.append(None)
        return self

    def set(self, name: KeyT, value: EncodableT, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or (self.watching and not self.explicit_transaction):
            return super().set(name, value, *args, **kwargs)  # type: ignore[misc]
        self.command_stack.append((("SET", name, value), {}))
        argv = None
        if self._utf8:
            try:
                key: Any = name.encode() if name.__class__ is str else name
                data: Any = value.encode() if value.__class__ is str else value
            except UnicodeEncodeError:
                pass  # execute raises it, as redis-py would
            else:
                if key.__class__ is bytes and data.__class__ is bytes:
                    argv = [_SET_WORD, key, data]
        self._argvs.append(argv)
        return self

    def get(self, name: KeyT) -> Any:
        if self.watching and not self.explicit_transaction:
            return self.execute_command("GET", name, keys=[name])  # type: ignore[attr-defined]
        self.command_stack.append((("GET", name), {"keys": [name]}))
        argv = None
        if self._utf8:
            try:
                key: Any = name.encode() if name.__class__ is str else name
            except UnicodeEncodeError:
                pass  # execute raises it, as redis-py would
            else:
                if key.__class__ is bytes:
                    argv = [_GET_WORD, key]
        self._argvs.append(argv)
        return self

    def _reset_queue(self) -> None:
        self.command_stack = Stack()
        self._argvs = []

    def _encoded(self, bridge: Bridge, skip_empty: bool = False) -> list[list[bytes] | None]:
        """Every queued command as argv (DataError here, before anything runs):
        what was encoded while queuing, the rest now."""
        stack = self.command_stack
        argvs = self._argvs
        encoding = bridge.encoding
        errors = bridge.encoding_errors
        if len(argvs) != len(stack) or stack.__class__ is not Stack or stack.edited:
            return encode_commands(stack, encoding, errors, skip_empty)
        if None not in argvs:
            return argvs
        argvs = argvs[:]
        missing = [i for i, argv in enumerate(argvs) if argv is None]
        encoded = encode_commands([stack[i] for i in missing], encoding, errors, skip_empty)
        for i, argv in zip(missing, encoded):
            argvs[i] = argv
        return argvs


class Pipeline(Queue, redis.client.Pipeline):
    """A drop-in ``redis.client.Pipeline`` for ``burner.Redis``."""

    def __init__(
        self, client: Redis, transaction: bool = True, shard_hint: str | None = None
    ) -> None:
        super().__init__(  # type: ignore[no-untyped-call,unused-ignore]
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

    def reset(self) -> None:  # type: ignore[override]
        self._reset_queue()
        self.scripts = set()
        session = getattr(self, "_session", None)
        if session is not None:
            # Dropping the session forgets its WATCHes (redis-py sends UNWATCH).
            self._session = None
            close_session(self._bridge, session)
        self.watching = False
        self.explicit_transaction = False

    def immediate_execute_command(self, *args: Any, **options: Any) -> Any:
        bridge = self._bridge
        session = self._use_session()
        argv = bridge.encode(args)
        replies: list[Reply] = []
        blocked = run_batch(bridge, session, [argv], replies)
        reply = replies[0] if blocked is None else wait_for_keys(bridge, argv, blocked, session)
        command_name = args[0]
        result = bridge.finish(command_name, reply, options)
        if command_name in UNWATCH_COMMANDS:
            self.watching = False
        elif command_name == "WATCH":
            self.watching = True
        return result

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        stack = self.command_stack
        if not stack and not self.watching:
            return []
        if self.scripts:
            self.load_scripts()  # type: ignore[no-untyped-call,unused-ignore]
        try:
            if self.transaction or self.explicit_transaction:  # type: ignore[truthy-function]
                return self._run_transaction(stack, raise_on_error)
            return self._run_pipeline(stack, raise_on_error)
        finally:
            self.reset()

    def _run_transaction(self, stack: list[Command], raise_on_error: bool) -> list[Any]:
        bridge = self._bridge
        argvs = self._encoded(bridge, skip_empty=True)
        replies = run_transaction(bridge, self._use_session(), argvs)
        data: list[Any] = []
        transaction_results(self, bridge, stack, replies, raise_on_error, data)
        return data

    def _run_pipeline(self, stack: list[Command], raise_on_error: bool) -> list[Any]:
        bridge = self._bridge
        argvs = self._encoded(bridge)
        replies = run_commands(bridge, self._use_session(), argvs)  # type: ignore[arg-type]
        responses: list[Any] = []
        unusual = replies_applied(bridge, self.response_callbacks, stack, replies, responses)
        if self.watching:
            for args, _ in stack:
                if args[0] in UNWATCH_COMMANDS:
                    self.watching = False
        if raise_on_error and unusual:
            self.raise_first_error(stack, responses)  # type: ignore[no-untyped-call,unused-ignore]
        return responses


__all__ = ["Pipeline"]
