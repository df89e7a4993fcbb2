"""Generic key commands."""

from __future__ import annotations

from ..registry import command
from ..replies import Reply
from ..session import Session


@command("del", -2, "write", keys=(1, -1, 1), category="keyspace")
def del_(s: Session, argv: list[bytes]) -> Reply:
    db = s.db
    return sum(1 for key in argv[1:] if db.delete(key))


@command("exists", -2, "readonly fast", keys=(1, -1, 1), category="keyspace")
def exists(s: Session, argv: list[bytes]) -> Reply:
    db = s.db
    return sum(1 for key in argv[1:] if db.lookup(key) is not None)
