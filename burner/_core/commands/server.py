"""Server commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, COMMAND, CONFIG, INFO."""

from __future__ import annotations

import fnmatch

from .. import errors, notify, registry
from .._version_info import REDIS_VERSION
from ..parse import to_int
from ..registry import Command, command
from ..replies import OK, Reply, SetReply, Simple, Verbatim
from ..session import Session
from ..state import CONFIG_ALIASES


@command("dbsize", 1, "readonly fast", category="keyspace")
def dbsize(s: Session, argv: list[bytes]) -> Reply:
    return len(s.db.data)


def _flush_mode(argv: list[bytes], name: str) -> None:
    if len(argv) > 2:
        raise errors.err(errors.SYNTAX)
    if len(argv) == 2 and argv[1].lower() not in (b"async", b"sync"):
        raise errors.err(errors.SYNTAX)


@command("flushdb", -1, "write", category="keyspace")
def flushdb(s: Session, argv: list[bytes]) -> Reply:
    _flush_mode(argv, "flushdb")
    s.db.clear()
    return OK


@command("flushall", -1, "write", category="keyspace")
def flushall(s: Session, argv: list[bytes]) -> Reply:
    _flush_mode(argv, "flushall")
    for db in s.server.dbs:
        db.clear()
    return OK


@command("swapdb", 3, "write fast", category="keyspace")
def swapdb(s: Session, argv: list[bytes]) -> Reply:
    a = to_int(argv[1], "ERR invalid first DB index")
    b = to_int(argv[2], "ERR invalid second DB index")
    n = len(s.server.dbs)
    if not (0 <= a < n) or not (0 <= b < n):
        raise errors.err(errors.DB_INDEX_RANGE)
    if a == b:
        return OK
    da, db_ = s.server.dbs[a], s.server.dbs[b]
    # Swap contents, not Db objects: sessions keep pointing at their index.
    touched = set(da.data) | set(db_.data)
    da.data, db_.data = db_.data, da.data
    da.expires, db_.expires = db_.expires, da.expires
    da.deadlines, db_.deadlines = db_.deadlines, da.deadlines
    for key in touched:
        da.modified(key)
        db_.modified(key)
    return OK


@command("time", 1, "loading stale fast", category="server")
def time_(s: Session, argv: list[bytes]) -> Reply:
    now = s.server.clock.time()
    sec = int(now)
    return [b"%d" % sec, b"%d" % int((now - sec) * 1_000_000)]


@command("lastsave", 1, "loading stale fast", category="server")
def lastsave(s: Session, argv: list[bytes]) -> Reply:
    return s.server.started_ms // 1000


# --- COMMAND -------------------------------------------------------------------
def _info(cmd: Command) -> Reply:
    return [
        cmd.full_name.encode(),
        cmd.arity,
        SetReply([Simple(f.encode()) for f in sorted(cmd.flags)]),
        cmd.first_key,
        cmd.last_key,
        cmd.key_step,
        SetReply([Simple(b"@" + cmd.category.encode())] if cmd.category else []),
        [],
        [],
        [_info(sub) for sub in cmd.subcommands.values()],
    ]


@command("command", -1, "loading stale", category="connection")
def command_(s: Session, argv: list[bytes]) -> Reply:
    return [_info(c) for c in registry.all_commands()]


@command("command|count", 2, "loading stale", category="connection")
def command_count(s: Session, argv: list[bytes]) -> Reply:
    return len(registry.all_commands())


@command("command|info", -2, "loading stale", category="connection")
def command_info(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) == 2:
        return [_info(c) for c in registry.all_commands()]
    out: list[Reply] = []
    for name in argv[2:]:
        found = _find(name)
        out.append(None if found is None else _info(found))
    return out


def _find(name: bytes) -> Command | None:
    lowered = name.lower()
    if b"|" in lowered:
        parent, sub = lowered.split(b"|", 1)
        cmd = registry.TABLE.get(parent)
        return None if cmd is None else cmd.subcommands.get(sub)
    return registry.TABLE.get(lowered)


@command("command|list", -2, "loading stale", category="connection")
def command_list(s: Session, argv: list[bytes]) -> Reply:
    names = [c.name.encode() for c in registry.all_commands()]
    if len(argv) == 2:
        return names
    if len(argv) != 5 or argv[2].lower() != b"filterby":
        raise errors.err(errors.SYNTAX)
    kind, arg = argv[3].lower(), argv[4]
    if kind == b"pattern":
        pattern = arg.decode("utf-8", "replace").lower()
        return [n for n in names if fnmatch.fnmatchcase(n.decode(), pattern)]
    if kind == b"aclcat":
        cat = arg.decode("utf-8", "replace").lower()
        return [c.name.encode() for c in registry.all_commands() if c.category == cat]
    if kind == b"module":
        return []
    raise errors.err(errors.SYNTAX)


@command("command|docs", -2, "loading stale", category="connection")
def command_docs(s: Session, argv: list[bytes]) -> Reply:
    return {}


@command("command|getkeys", -4, "loading stale", category="connection")
def command_getkeys(s: Session, argv: list[bytes]) -> Reply:
    found = registry.lookup(argv[2:])
    if not isinstance(found, Command):
        raise errors.err("ERR Invalid command specified")
    keys = [argv[2:][i] for i in found.key_indexes(argv[2:])]
    if not keys:
        raise errors.err("ERR The command has no key arguments")
    return keys


# --- CONFIG --------------------------------------------------------------------
@command("config|get", -3, "admin noscript loading stale", category="server")
def config_get(s: Session, argv: list[bytes]) -> Reply:
    config = s.server.config
    out: dict[Reply, Reply] = {}
    for raw in argv[2:]:
        pattern = raw.decode("utf-8", "replace").lower()
        for name, value in config.items():
            if fnmatch.fnmatchcase(name, pattern):
                out[name.encode()] = value
        for alias, name in CONFIG_ALIASES.items():
            if fnmatch.fnmatchcase(alias, pattern):
                out[alias.encode()] = config[name]
    return out


@command("config|set", -4, "admin noscript loading stale", category="server")
def config_set(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) % 2:
        raise errors.err(errors.wrong_arity("config|set"))
    pairs = list(zip(argv[2::2], argv[3::2]))
    for name, _ in pairs:
        key = name.decode("utf-8", "replace").lower()
        key = CONFIG_ALIASES.get(key, key)
        if key not in s.server.config:
            raise errors.err(
                f"ERR Unknown option or number of arguments for CONFIG SET - '{key}'"
            )
    updates: dict[str, bytes] = {}
    for name, value in pairs:
        key = name.decode().lower()
        key = CONFIG_ALIASES.get(key, key)
        if key == "notify-keyspace-events":
            flags = notify.parse_flags(value)
            value = notify.format_flags(flags)
        updates[key] = value
    for key, value in updates.items():
        s.server.config[key] = value
        if key == "notify-keyspace-events":
            s.server.notify_flags = notify.parse_flags(value)
    return OK


@command("config|resetstat", 2, "admin noscript loading stale", category="server")
def config_resetstat(s: Session, argv: list[bytes]) -> Reply:
    return OK


# --- INFO ------------------------------------------------------------------------
@command("info", -1, "loading stale", category="server")
def info(s: Session, argv: list[bytes]) -> Reply:
    server = s.server
    uptime = (server.clock.ms() - server.started_ms) // 1000
    lines = [
        b"# Server",
        b"redis_version:" + REDIS_VERSION,
        b"redis_mode:standalone",
        b"arch_bits:64",
        b"uptime_in_seconds:%d" % uptime,
        b"",
        b"# Clients",
        b"connected_clients:%d" % len(server.sessions),
        b"blocked_clients:%d" % len(server.blocking.by_session),
        b"",
        b"# Keyspace",
    ]
    for db in server.dbs:
        if db.data:
            lines.append(
                b"db%d:keys=%d,expires=%d,avg_ttl=0" % (db.index, len(db.data), len(db.expires))
            )
    return Verbatim(b"\r\n".join(lines) + b"\r\n")
