"""Connection commands: PING, ECHO, SELECT, HELLO, CLIENT ..., QUIT, RESET."""

from __future__ import annotations

from .. import errors
from .._version_info import REDIS_VERSION
from ..parse import to_int
from ..registry import command
from ..replies import NO_REPLY, OK, PONG, Reply, Simple
from ..session import Session


@command("ping", -1, "fast", category="connection")
def ping(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) > 2:
        raise errors.err(errors.wrong_arity("ping"))
    if s.resp == 2 and s.sub is not None and s.sub.active:
        # A subscribed RESP2 client gets its PONG as a pub/sub-shaped message.
        s.sub.put([b"pong", argv[1] if len(argv) == 2 else b""])
        return NO_REPLY
    return PONG if len(argv) == 1 else argv[1]


@command("echo", 2, "fast loading stale", category="connection")
def echo(s: Session, argv: list[bytes]) -> Reply:
    return argv[1]


@command("select", 2, "loading stale fast", category="connection")
def select(s: Session, argv: list[bytes]) -> Reply:
    index = to_int(argv[1])
    if index < 0 or index >= len(s.server.dbs):
        raise errors.err(errors.DB_INDEX_RANGE)
    s.select(index)
    return OK


@command("quit", -1, "allow_busy noscript loading stale fast no_auth", category="connection")
def quit_(s: Session, argv: list[bytes]) -> Reply:
    return OK


@command("reset", 1, "noscript loading stale fast no_auth allow_busy", category="connection")
def reset(s: Session, argv: list[bytes]) -> Reply:
    s.unwatch()
    s.multi = False
    s.multi_error = False
    s.queued.clear()
    s.select(0)
    s.resp = 2
    s.name = b""
    return Simple(b"RESET")


@command("hello", -1, "noscript loading stale fast no_auth allow_busy", category="connection")
def hello(s: Session, argv: list[bytes]) -> Reply:
    resp = s.resp
    i = 1
    if len(argv) > 1:
        try:
            resp = to_int(argv[1])
        except Exception:
            raise errors.err("ERR Protocol version is not an integer or out of range")
        if resp not in (2, 3):
            raise errors.err(errors.NOPROTO)
        i = 2
    name: bytes | None = None
    while i < len(argv):
        opt = argv[i].lower()
        more = len(argv) - i - 1
        if opt == b"auth" and more >= 2:
            i += 3
        elif opt == b"setname" and more >= 1:
            name = argv[i + 1]
            _check_name(name)
            i += 2
        else:
            raise errors.err(f"ERR Syntax error in HELLO option '{argv[i].decode('utf-8', 'replace')}'")
    s.resp = resp
    if name is not None:
        s.name = name
    return {
        b"server": b"redis",
        b"version": REDIS_VERSION,
        b"proto": resp,
        b"id": s.id,
        b"mode": b"standalone",
        b"role": b"master",
        b"modules": [],
    }


def _check_name(name: bytes) -> None:
    for byte in name:
        if byte < 33 or byte > 126:
            raise errors.err(errors.CLIENT_NAME_SPACES)


@command("client|setname", 3, "noscript loading stale", category="connection")
def client_setname(s: Session, argv: list[bytes]) -> Reply:
    _check_name(argv[2])
    s.name = argv[2]
    return OK


@command("client|getname", 2, "noscript loading stale", category="connection")
def client_getname(s: Session, argv: list[bytes]) -> Reply:
    return s.name or None


@command("client|id", 2, "noscript loading stale", category="connection")
def client_id(s: Session, argv: list[bytes]) -> Reply:
    return s.id


@command("client|setinfo", 4, "noscript loading stale", category="connection")
def client_setinfo(s: Session, argv: list[bytes]) -> Reply:
    attr = argv[2].lower()
    value = argv[3]
    if attr not in (b"lib-name", b"lib-ver"):
        raise errors.err(f"ERR Unrecognized option '{argv[2].decode('utf-8', 'replace')}'")
    for byte in value:
        if byte < 33 or byte > 126:
            raise errors.err(
                f"ERR {attr.decode()} cannot contain spaces, newlines or special characters."
            )
    if attr == b"lib-name":
        s.lib_name = value
    else:
        s.lib_ver = value
    return OK


def client_line(c: Session, now_ms: int) -> bytes:
    age = (now_ms - c.created_ms) // 1000
    idle = (now_ms - c.last_ms) // 1000
    return (
        b"id=%d addr=127.0.0.1:0 laddr=127.0.0.1:0 fd=-1 name=%s age=%d idle=%d flags=%s "
        b"db=%d sub=0 psub=0 ssub=0 multi=%d qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 "
        b"rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|list user=default "
        b"redir=-1 resp=%d lib-name=%s lib-ver=%s"
        % (
            c.id,
            c.name,
            age,
            idle,
            b"b" if c.id in c.server.blocking.by_session else b"N",
            c.db.index,
            len(c.queued) if c.multi else -1,
            c.resp,
            c.lib_name,
            c.lib_ver,
        )
    )


@command("client|info", 2, "noscript loading stale", category="connection")
def client_info(s: Session, argv: list[bytes]) -> Reply:
    from ..replies import Verbatim

    return Verbatim(client_line(s, s.server.clock.ms()) + b"\n")


@command("client|list", -2, "admin noscript loading stale", category="connection")
def client_list(s: Session, argv: list[bytes]) -> Reply:
    from ..replies import Verbatim

    now = s.server.clock.ms()
    lines = [client_line(c, now) + b"\n" for c in s.server.sessions.values()]
    return Verbatim(b"".join(lines))
