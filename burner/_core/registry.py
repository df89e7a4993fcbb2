"""The command table (DESIGN.md D2).

Each command is declared once with ``@command``: its name, its arity in
Redis's convention (N exact, -N at least N, name included), its flags (Redis's
own flag words), its legacy key positions (first, last, step) and its ACL
category. Container commands (CLIENT, OBJECT, ...) get one entry per
subcommand, named ``container|sub``. Arity errors, unknown-command and
unknown-subcommand errors are produced from this table by ``dispatch``, nowhere
else; COMMAND COUNT/INFO/LIST read it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from . import errors
from .replies import CommandError, Reply

if TYPE_CHECKING:
    from .session import Session

Handler = Callable[["Session", list[bytes]], Reply]
H = TypeVar("H", bound=Handler)


class Command:
    __slots__ = (
        "arity",
        "category",
        "first_key",
        "flags",
        "handler",
        "key_step",
        "last_key",
        "name",
        "parent",
        "subcommands",
    )

    def __init__(
        self,
        name: str,
        handler: Handler | None,
        arity: int,
        flags: frozenset[str],
        keys: tuple[int, int, int],
        category: str,
        parent: Command | None = None,
    ) -> None:
        self.name = name
        self.handler = handler
        self.arity = arity
        self.flags = flags
        self.first_key, self.last_key, self.key_step = keys
        self.category = category
        self.parent = parent
        self.subcommands: dict[bytes, Command] = {}

    @property
    def full_name(self) -> str:
        return f"{self.parent.name}|{self.name}" if self.parent else self.name

    def key_indexes(self, argv: list[bytes]) -> list[int]:
        """Positions of the keys in ``argv`` (legacy first/last/step rule)."""
        if self.first_key <= 0:
            return []
        last = self.last_key if self.last_key >= 0 else len(argv) + self.last_key
        return list(range(self.first_key, min(last, len(argv) - 1) + 1, self.key_step))

    def arity_ok(self, argc: int) -> bool:
        arity = self.arity
        return argc == arity if arity >= 0 else argc >= -arity


TABLE: dict[bytes, Command] = {}


def _container(name: str, category: str) -> Command:
    key = name.encode()
    cmd = TABLE.get(key)
    if cmd is None:
        cmd = Command(name, None, -2, frozenset(), (0, 0, 0), category)
        TABLE[key] = cmd
        TABLE[key.upper()] = cmd
    return cmd


def command(
    name: str,
    arity: int,
    flags: str = "",
    keys: tuple[int, int, int] = (0, 0, 0),
    category: str = "",
) -> Callable[[H], H]:
    """Register the decorated function as the handler of ``name``.

    ``name`` is lowercase; ``"client|setname"`` registers a subcommand.
    """

    def register(handler: H) -> H:
        flagset = frozenset(flags.split())
        if "|" in name:
            parent_name, sub = name.split("|", 1)
            parent = _container(parent_name, category)
            cmd = Command(sub, handler, arity, flagset, keys, category, parent)
            parent.subcommands[sub.encode()] = cmd
        else:
            key = name.encode()
            existing = TABLE.get(key)
            cmd = Command(name, handler, arity, flagset, keys, category)
            if existing is not None:
                if existing.handler is not None:
                    raise RuntimeError(f"command {name!r} registered twice")
                cmd.subcommands = existing.subcommands
            TABLE[key] = cmd
            TABLE[key.upper()] = cmd
        return handler

    return register


def lookup(argv: list[bytes]) -> Command | CommandError:
    """The command ``argv`` names, or the error Redis gives for it."""
    name = argv[0]
    cmd = TABLE.get(name)
    if cmd is None:
        cmd = TABLE.get(name.lower())
        if cmd is None:
            return CommandError(errors.unknown_command(name, argv[1:]))
    if cmd.subcommands and (cmd.handler is None or len(argv) > 1):
        if len(argv) < 2:
            return CommandError(errors.wrong_arity(cmd.name))
        sub = cmd.subcommands.get(argv[1].lower())
        if sub is None:
            # Redis: a container given any argument looks it up as a subcommand
            # (COMMAND alone runs its own handler; COMMAND NOSUCH is an error).
            return CommandError(errors.unknown_subcommand(argv[1], cmd.name))
        if not sub.arity_ok(len(argv)):
            return CommandError(errors.wrong_arity(sub.full_name))
        return sub
    arity = cmd.arity  # Command.arity_ok, inlined: this runs for every command
    argc = len(argv)
    if argc != arity if arity >= 0 else argc < -arity:
        return CommandError(errors.wrong_arity(cmd.name))
    return cmd


def all_commands() -> list[Command]:
    """Every top-level command once (no aliases from the uppercase entries)."""
    seen: dict[str, Command] = {}
    for cmd in TABLE.values():
        seen.setdefault(cmd.name, cmd)
    return list(seen.values())
