"""``python -m burner``: a redis-cli for an embedded Server.

Rules (redis-cli 7 decides all of them):
- With arguments, run that one command and print its reply; with none, read
  command lines (a prompt and line editing when stdin is a terminal).
- Replies print the way redis-cli prints them: the TTY form (``"bulk"``,
  ``(integer) 1``, ``(nil)``, ``(error) ERR ...``, numbered nested arrays,
  ``1#`` maps, ``1~`` sets, ``(double)``, ``(true)``) when stdout is a
  terminal, the raw form (one value a line) when it is not. INFO, CLIENT LIST
  and the other reports always print raw.
- Input lines split like redis-cli's: blanks separate arguments; double quotes
  take ``\\n \\r \\t \\b \\a \\\\ \\" \\xHH`` escapes; single quotes take ``\\'``;
  a closing quote must end the argument.
- Bad input prints Redis's error text, never a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import IO, Any

from ._core import registry
from ._core.parse import format_double
from ._core.replies import (
    NO_REPLY,
    BigNumber,
    Block,
    CommandError,
    Pairs,
    Reply,
    SetReply,
    Simple,
    Verbatim,
)
from ._core.server import Server
from ._core.session import Session
from ._version import __version__

USAGE = """\
usage: burner [-2 | -3 | --resp3] [-n DB] [--raw | --no-raw] [COMMAND [ARG ...]]

An embedded, in-process Redis. With a command, run it and print the reply the
way redis-cli does; without one, read commands from the prompt (or stdin).

  -2                 speak RESP2 (the default)
  -3, --resp3        speak RESP3
  -n DB              select database DB first
  --raw              print replies raw even on a terminal
  --no-raw           print replies in the terminal form even when piped
  --version          print the version and exit
  --help             print this help and exit
"""

# --- splitting input lines ------------------------------------------------------
_BLANKS = frozenset(b" \n\r\t\v\f")  # between arguments and after a closing quote
_ENDS = frozenset(b" \n\r\t")  # what ends an unquoted argument
_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("a"): 7}
_HEX = frozenset(b"0123456789abcdefABCDEF")


def split_line(line: bytes) -> list[bytes] | None:
    """The arguments of one input line, or None when its quotes are bad."""
    args: list[bytes] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] in _BLANKS:
            i += 1
        if i >= n:
            return args
        current = bytearray()
        in_double = in_single = False
        while True:
            c = line[i] if i < n else -1
            if in_double:
                if c == 0x5C and i + 3 < n and line[i + 1] == 0x78 and (
                    line[i + 2] in _HEX and line[i + 3] in _HEX
                ):
                    current.append(int(line[i + 2 : i + 4], 16))
                    i += 3
                elif c == 0x5C and i + 1 < n:
                    i += 1
                    current.append(_ESCAPES.get(line[i], line[i]))
                elif c == 0x22:
                    if i + 1 < n and line[i + 1] not in _BLANKS:
                        return None
                    i += 1
                    break
                elif c == -1:
                    return None
                else:
                    current.append(c)
            elif in_single:
                if c == 0x5C and i + 1 < n and line[i + 1] == 0x27:
                    i += 1
                    current.append(0x27)
                elif c == 0x27:
                    if i + 1 < n and line[i + 1] not in _BLANKS:
                        return None
                    i += 1
                    break
                elif c == -1:
                    return None
                else:
                    current.append(c)
            elif c == -1 or c in _ENDS:
                break
            elif c == 0x22:
                in_double = True
            elif c == 0x27:
                in_single = True
            else:
                current.append(c)
            i += 1
        args.append(bytes(current))


# --- printing replies -------------------------------------------------------------
def _repr_table() -> list[bytes]:
    table = []
    for byte in range(256):
        if byte in (0x5C, 0x22):
            table.append(b"\\" + bytes([byte]))
        elif byte == 10:
            table.append(b"\\n")
        elif byte == 13:
            table.append(b"\\r")
        elif byte == 9:
            table.append(b"\\t")
        elif byte == 7:
            table.append(b"\\a")
        elif byte == 8:
            table.append(b"\\b")
        elif 0x20 <= byte <= 0x7E:
            table.append(bytes([byte]))
        else:
            table.append(b"\\x%02x" % byte)
    return table


_REPR = _repr_table()


def quote(data: bytes) -> bytes:
    """``data`` in double quotes with redis-cli's escapes."""
    return b'"' + b"".join([_REPR[b] for b in data]) + b'"'


# What a core reply is on the wire, for printing: one of these kinds.
_STATUS, _ERROR, _INT, _DOUBLE, _BULK, _VERB, _NIL, _BOOL, _BIG = range(9)
_ARRAY, _MAP, _SET = "array", "map", "set"


def wire(reply: Reply, resp: int) -> tuple[Any, Any]:
    """``(kind, value)``: ``reply`` as the wire type the protocol gives it."""
    kind = type(reply)
    if kind is bytes:
        return _BULK, reply
    if kind is Simple:
        return _STATUS, bytes(reply)
    if kind is bool:
        return (_BOOL, reply) if resp == 3 else (_INT, int(reply))
    if kind is int:
        return _INT, reply
    if reply is None:
        return _NIL, None
    if kind is list:
        return _ARRAY, [wire(x, resp) for x in reply]
    if kind is CommandError or isinstance(reply, CommandError):
        return _ERROR, reply.message.encode("utf-8", "surrogateescape")
    if kind is float:
        return (_DOUBLE if resp == 3 else _BULK), format_double(reply)
    if kind is dict:
        items = [(wire(k, resp), wire(v, resp)) for k, v in reply.items()]
        if resp == 3:
            return _MAP, items
        return _ARRAY, [x for pair in items for x in pair]
    if kind is SetReply:
        return (_SET if resp == 3 else _ARRAY), [wire(x, resp) for x in reply]
    if kind is Pairs:
        flat = [wire(x, resp) for x in reply]
        if resp == 3:
            return _ARRAY, [(_ARRAY, flat[i : i + 2]) for i in range(0, len(flat), 2)]
        return _ARRAY, flat
    if kind is Verbatim:
        return (_VERB if resp == 3 else _BULK), bytes(reply)
    if kind is BigNumber:
        return (_BIG if resp == 3 else _BULK), str(int(reply)).encode()
    if isinstance(reply, bytes):
        return _BULK, bytes(reply)
    if isinstance(reply, int):
        return _INT, int(reply)
    if isinstance(reply, list):
        return _ARRAY, [wire(x, resp) for x in reply]
    return _NIL, None


_EMPTY = {_ARRAY: b"(empty array)\n", _MAP: b"(empty hash)\n", _SET: b"(empty set)\n"}
_MARK = {_ARRAY: b")", _MAP: b"#", _SET: b"~"}


def format_tty(node: tuple[Any, Any], prefix: bytes = b"") -> bytes:
    """redis-cli's terminal form of one wire value."""
    kind, value = node
    if kind == _BULK:
        return quote(value) + b"\n"
    if kind == _STATUS or kind == _VERB:
        return value + b"\n"  # type: ignore[no-any-return]
    if kind == _INT:
        return b"(integer) %d\n" % value
    if kind == _NIL:
        return b"(nil)\n"
    if kind == _ERROR:
        return b"(error) " + value + b"\n"  # type: ignore[no-any-return]
    if kind == _DOUBLE:
        return b"(double) " + value + b"\n"  # type: ignore[no-any-return]
    if kind == _BOOL:
        return b"(true)\n" if value else b"(false)\n"
    if kind == _BIG:
        return b"(big number) " + value + b"\n"  # type: ignore[no-any-return]
    if not value:
        return _EMPTY[kind]
    width = len(str(len(value)))
    inner = prefix + b" " * (width + 2)
    mark = _MARK[kind]
    parts: list[bytes] = []
    for index, item in enumerate(value, 1):
        parts.append((b"" if index == 1 else prefix) + b"%*d" % (width, index) + mark + b" ")
        if kind == _MAP:
            key, val = item
            parts.append(format_tty(key, inner)[:-1] + b" => ")
            text = format_tty(val, inner)
            if text.count(b"\n") > 1:
                parts.append(b"\n" + inner)  # a value of several lines starts on its own
            parts.append(text)
        else:
            parts.append(format_tty(item, inner))
    return b"".join(parts)


def format_raw(node: tuple[Any, Any]) -> bytes:
    """redis-cli's raw form of one wire value (no trailing delimiter)."""
    kind, value = node
    if kind in (_BULK, _STATUS, _VERB, _DOUBLE, _BIG):
        return value  # type: ignore[no-any-return]
    if kind == _INT:
        return b"%d" % value
    if kind == _NIL:
        return b""
    if kind == _ERROR:
        return value + b"\n"  # type: ignore[no-any-return]
    if kind == _BOOL:
        return b"(true)" if value else b"(false)"
    if kind == _MAP:
        return b"\n".join(format_raw(k) + b" " + format_raw(v) for k, v in value)
    return b"\n".join(format_raw(item) for item in value)


# Replies redis-cli always prints raw: reports meant to be read as text.
_REPORTS = frozenset({b"info", b"lolwut"})
_REPORT_SUBS = frozenset(
    {
        (b"client", b"list"),
        (b"client", b"info"),
        (b"memory", b"doctor"),
        (b"memory", b"malloc-stats"),
        (b"latency", b"doctor"),
        (b"latency", b"graph"),
        (b"cluster", b"info"),
        (b"cluster", b"nodes"),
        (b"cluster", b"replicas"),
        (b"cluster", b"slaves"),
        (b"debug", b"htstats"),
        (b"debug", b"htstats-key"),
    }
)


def is_report(argv: list[bytes]) -> bool:
    name = argv[0].lower()
    if name in _REPORTS:
        return True
    return len(argv) > 1 and (name, argv[1].lower()) in _REPORT_SUBS


def render(argv: list[bytes], reply: Reply, resp: int, tty: bool) -> bytes:
    """What redis-cli prints for ``reply`` to ``argv``."""
    node = wire(reply, resp)
    if is_report(argv):
        return format_raw(node)
    if tty:
        return format_tty(node)
    return format_raw(node) + b"\n"


# --- help ---------------------------------------------------------------------------
def help_text(words: list[bytes]) -> bytes:
    """``help`` / ``help CMD``: what the command table says."""
    if not words:
        return (
            b"burner " + __version__.encode() + b" (an embedded Redis)\n"
            b'To get help about a command:\n      "help <command>"\n'
            b'To quit:\n      "quit" or "exit"\n'
        )
    name = b" ".join(words).lower()
    parts = name.split()
    cmd = registry.TABLE.get(parts[0])
    if cmd is not None and len(parts) > 1:
        cmd = cmd.subcommands.get(parts[1])
    if cmd is None:
        return b""
    lines = [b"", b"  " + cmd.full_name.replace("|", " ").upper().encode()]
    lines.append(b"  arity: %d" % cmd.arity)
    lines.append(b"  flags: " + (" ".join(sorted(cmd.flags)) or "(none)").encode())
    lines.append(
        b"  keys: first %d, last %d, step %d" % (cmd.first_key, cmd.last_key, cmd.key_step)
    )
    if cmd.category:
        lines.append(b"  group: " + cmd.category.encode())
    if cmd.subcommands:
        subs = sorted(sub.name.upper() for sub in cmd.subcommands.values())
        lines.append(b"  subcommands: " + " ".join(subs).encode())
    lines.append(b"")
    return b"\n".join(lines) + b"\n"


# --- running ------------------------------------------------------------------------
class Shell:
    """One embedded Server and one client Session on it, as redis-cli sees them."""

    def __init__(self, resp: int = 2, db: int = 0, server: Server | None = None) -> None:
        self.server = server if server is not None else Server()
        self.session: Session = self.server.new_session(resp)
        if db:
            self.session.select(db)

    def execute(self, argv: list[bytes]) -> Reply:
        server = self.server
        try:
            with server.lock:
                server.sweep_if_due()
                reply = server.execute(self.session, argv)
        except Exception as exc:  # a fault in the core: report it as Redis would
            return CommandError(f"ERR {type(exc).__name__}: {exc}")
        if isinstance(reply, Block):
            reply = self._wait(reply)
        if reply is NO_REPLY:
            return None
        return reply

    @staticmethod
    def _wait(block: Block) -> Reply:
        # The embedded server has no other client that could write the keys a
        # blocked command waits for: only its timeout can end the wait.
        if block.timeout <= 0:
            while True:
                time.sleep(3600)
        time.sleep(block.timeout)
        return block.timeout_reply

    def run(self, argv: list[bytes], tty: bool) -> bytes:
        return render(argv, self.execute(argv), self.session.resp, tty)

    def prompt(self) -> str:
        index = self.session.db.index
        db = f"[{index}]" if index else ""
        tx = "(TX)" if self.session.multi else ""
        return f"burner{db}{tx}> "


def repl(
    shell: Shell,
    lines: Iterable[bytes],
    write: Callable[[bytes], Any],
    tty: bool,
) -> int:
    """Run command lines until they end or one says quit/exit."""
    for line in lines:
        argv = split_line(line)
        if argv is None:
            write(b"Invalid argument(s)\n")
            continue
        if not argv:
            continue
        first = argv[0].lower()
        if first in (b"quit", b"exit"):
            break
        if first in (b"help", b"?"):
            write(help_text(argv[1:]))
            continue
        if first == b"clear":
            if tty:
                write(b"\x1b[H\x1b[2J")
            continue
        repeat = 1
        if len(argv) > 1 and argv[0].isdigit():
            repeat = int(argv[0])
            argv = argv[1:]
        for _ in range(repeat):
            started = time.monotonic()
            write(shell.run(argv, tty))
            elapsed = time.monotonic() - started
            if tty and elapsed >= 0.5:
                # redis-cli's prompt shows how long a slow (blocking) command took.
                write(b"(%.2fs)\n" % elapsed)
    return 0


def _terminal_lines(shell: Shell) -> Generator[bytes, None, None]:
    history = os.path.join(os.path.expanduser("~"), ".burner_history")
    readline: Any = None
    try:
        import readline as _readline

        readline = _readline
    except ImportError:  # pragma: no cover - platforms without readline
        pass
    if readline is not None:
        try:
            readline.read_history_file(history)
        except OSError:
            pass
    try:
        while True:
            try:
                line = input(shell.prompt())
            except EOFError:
                sys.stdout.write("\n")
                return
            except KeyboardInterrupt:
                sys.stdout.write("\n")
                continue
            yield line.encode("utf-8", "surrogateescape")
    finally:
        if readline is not None:
            try:
                readline.write_history_file(history)
            except OSError:
                pass


def _piped_lines(stream: IO[bytes]) -> Iterator[bytes]:
    for line in stream:
        yield line.rstrip(b"\r\n")


def _atoi(text: str) -> int:
    """C's atoi: the leading (signed) digits, 0 when there are none."""
    stripped = text.lstrip()
    end = 1 if stripped[:1] in ("-", "+") else 0
    while end < len(stripped) and stripped[end].isdigit():
        end += 1
    try:
        return int(stripped[:end])
    except ValueError:
        return 0


def main(argv: list[str] | None = None) -> int:
    """The command line; ends quietly on Ctrl-C and on a closed stdout."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # stdout went away (``| head``): stop writing, and let exit not flush to it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = sys.stdout.buffer
    resp = 2
    db = 0
    tty: bool | None = None
    while args and args[0].startswith("-") and args[0] != "-":
        opt = args.pop(0)
        if opt == "--":
            break
        if opt in ("-3", "--resp3"):
            resp = 3
        elif opt == "-2":
            resp = 2
        elif opt == "-n" and args:
            db = _atoi(args.pop(0))
        elif opt == "--raw":
            tty = False
        elif opt == "--no-raw":
            tty = True
        elif opt in ("-h", "--help"):
            out.write(USAGE.encode())
            return 0
        elif opt in ("-v", "--version"):
            out.write(f"burner {__version__}\n".encode())
            return 0
        else:
            sys.stderr.write(f"Unrecognized option or bad number of args for: '{opt}'\n")
            return 1
    shell = Shell(resp=resp)
    if db:
        # As redis-cli: a failed SELECT is reported and the session stays on 0.
        reply = shell.execute([b"SELECT", str(db).encode()])
        if isinstance(reply, CommandError):
            sys.stderr.write(f"SELECT {db} failed: {reply.message}\n")
    if tty is None:
        tty = out.isatty()
    if args:
        command = [a.encode("utf-8", "surrogateescape") for a in args]
        out.write(shell.run(command, tty))
        out.flush()
        return 0
    if sys.stdin.isatty():
        def write_now(data: bytes) -> None:
            out.write(data)
            out.flush()

        lines = _terminal_lines(shell)
        try:
            return repl(shell, lines, write_now, tty)
        finally:
            lines.close()  # saves the history
    status = repl(shell, _piped_lines(sys.stdin.buffer), out.write, tty)
    out.flush()
    return status


__all__ = ["Shell", "format_raw", "format_tty", "main", "quote", "render", "split_line", "wire"]
