"""Server: the one entry point of the core, ``execute(session, argv)``.

``execute`` looks the command up in the registry (which produces arity and
unknown-command errors), queues it when the session is inside MULTI, runs it,
and turns a raised CommandError into the error reply. It never raises for bad
input and never blocks: a blocking command that cannot proceed returns a Block.
"""

from __future__ import annotations

import threading
from itertools import islice

from . import commands as _commands  # noqa: F401  (loads the command table)
from . import registry
from .clock import Clock
from .commands import transactions as _transactions
from .replies import QUEUED, Block, CommandError, Reply
from .session import Session
from .state import ServerState

# What a RESP2 client may send while it has subscriptions.
_SUBSCRIBED_ALLOWED = frozenset(
    {
        "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
        "psubscribe", "punsubscribe", "quit", "reset",
    }
)

# Commands that run immediately even inside MULTI.
_MULTI_IMMEDIATE = frozenset({"exec", "discard", "multi", "watch", "quit", "reset"})


class Server(ServerState):
    """An in-process Redis: 16 databases, a clock, and the command table.

    ``lock`` is the mutex the facades hold around each command, EXEC or
    script (D5); the core itself never takes it.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.lock = threading.RLock()

    def new_session(self, resp: int = 2) -> Session:
        session = Session(self, self.next_client_id(), resp)
        self.sessions[session.id] = session
        return session

    def close_session(self, session: Session) -> None:
        if session.sub is not None:
            self.pubsub.drop(session, session.sub)
        session.unwatch()
        session.multi = False
        session.queued.clear()
        self.sessions.pop(session.id, None)

    def execute(self, session: Session, argv: list[bytes]) -> Reply:
        found = registry.lookup(argv)
        if type(found) is CommandError:
            if argv[0].lower() == b"exec":
                return _transactions.exec_rejected(session, found.message)
            if session.multi:
                session.multi_error = True
            return found
        cmd: registry.Command = found  # type: ignore[assignment]
        sub = session.sub
        if sub is not None and session.resp == 2 and sub.active:
            name = (cmd.parent or cmd).name
            if name not in _SUBSCRIBED_ALLOWED:
                return CommandError(
                    f"ERR Can't execute '{cmd.full_name}': only (P|S)SUBSCRIBE / "
                    "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
                )
        if session.multi and not _runs_at_once(cmd):
            if "no_multi" in cmd.flags:
                session.multi_error = True
                return CommandError("ERR Command not allowed inside a transaction")
            session.queued.append((cmd, argv))  # resolved once, run by EXEC
            return QUEUED
        try:
            return cmd.handler(session, argv)  # type: ignore[misc]
        except CommandError as exc:
            return exc

    def execute_many(
        self, session: Session, argvs: list[list[bytes]], replies: list[Reply]
    ) -> Block | None:
        """``execute`` for each of ``argvs[len(replies):]`` in turn, appending
        the replies, up to the first command that must wait: its Block is
        returned (not appended) and the commands after it have not run.

        This is a pipeline's loop, and a run of one command (a thousand SETs)
        is what it mostly sees, so a command is looked up only when the name
        changes (encoders give every SET in a batch the same name object, so
        ``is`` tells) and then goes straight to its handler, as ``execute``
        would send it, when all of these hold:
        - it has no subcommands, and this argv has the right arity;
        - when the run began, the session was neither in MULTI nor subscribed;
        - it is not flagged ``noscript``. Those are the commands that can
          change the session's mode (MULTI, EXEC, SUBSCRIBE, HELLO, RESET...),
          so no command of a direct run can change the condition above.
          (A run of one of those would be safe too, as each is treated the
          same in either mode, but the rule should not rest on that.)
        Anything else goes to ``execute``."""
        table = registry.TABLE
        execute = self.execute
        append = replies.append
        name = handler = None
        low = high = 0  # the argument counts ``handler`` takes (low > high: none)
        for argv in islice(argvs, len(replies), None):
            if argv[0] is not name:
                name = argv[0]
                cmd = table.get(name)
                if (
                    cmd is None
                    or cmd.subcommands
                    or "noscript" in cmd.flags
                    or session.multi
                    or session.sub is not None
                ):
                    low, high = 1, 0
                else:
                    handler = cmd.handler
                    arity = cmd.arity
                    low, high = (arity, arity) if arity >= 0 else (-arity, 1 << 62)
            if low <= len(argv) <= high:
                try:
                    reply = handler(session, argv)  # type: ignore[misc]
                except CommandError as exc:
                    reply = exc
            else:
                reply = execute(session, argv)
            if reply.__class__ is Block:
                return reply
            append(reply)
        return None

    def transaction(self, session: Session, argvs: list[list[bytes]]) -> Reply:
        """MULTI, each of ``argvs``, then EXEC, as ``session`` would send them:
        EXEC's reply. Only when every command would queue cleanly (known,
        right arity, allowed in MULTI) and the session is neither in MULTI
        nor subscribed; otherwise nothing is done and NOT_QUEUED comes back,
        and the caller sends them one by one through ``execute``."""
        if session.multi or session.sub is not None:
            return NOT_QUEUED
        queued: list[tuple[registry.Command, list[bytes]]] = []
        append = queued.append
        lookup = registry.lookup
        name: bytes | None = None
        cmd: registry.Command | None = None
        low = high = 0
        for argv in argvs:
            # As in execute_many: a plain command is looked up again only
            # when the name object changes; its arity is checked each time.
            if argv[0] is not name or not low <= len(argv) <= high:
                found = lookup(argv)
                if type(found) is CommandError:
                    return NOT_QUEUED
                resolved: registry.Command = found  # type: ignore[assignment]
                if _runs_at_once(resolved) or "no_multi" in resolved.flags:
                    return NOT_QUEUED
                cmd = resolved
                name = None
                if resolved.parent is None and not resolved.subcommands:
                    name = argv[0]
                    arity = resolved.arity
                    low, high = (arity, arity) if arity >= 0 else (-arity, 1 << 62)
            append((cmd, argv))  # type: ignore[arg-type]
        session.multi = True
        session.queued = queued
        return _transactions.exec_(session, _EXEC)


def _runs_at_once(cmd: registry.Command) -> bool:
    """Whether ``cmd`` runs immediately even inside MULTI (EXEC, WATCH...)."""
    return (cmd.parent or cmd).name in _MULTI_IMMEDIATE


# What ``Server.transaction`` returns when the commands must go one by one.
NOT_QUEUED = CommandError("ERR not queued")
_EXEC = [b"EXEC"]

_named: dict[str, Server] = {}
_named_lock = threading.Lock()


def named_server(name: str) -> Server:
    """The process-wide Server registered under ``name`` (``memory://name``)."""
    with _named_lock:
        server = _named.get(name)
        if server is None:
            server = _named[name] = Server()
        return server


__all__ = ["Server", "named_server"]
