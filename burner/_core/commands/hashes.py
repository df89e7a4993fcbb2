"""Hash commands."""

from __future__ import annotations

from .. import errors
from ..registry import command
from ..replies import Reply
from ..session import Session
from ..values.hash import Hash


@command("hset", -4, "write denyoom fast", keys=(1, 1, 1), category="hash")
def hset(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) % 2:
        raise errors.err(errors.wrong_arity("hset"))
    key = argv[1]
    h = s.db.get_typed(key, Hash)
    created = h is None
    if h is None:
        h = Hash()
    added = 0
    for i in range(2, len(argv), 2):
        if argv[i] not in h:
            added += 1
        h[argv[i]] = argv[i + 1]
    if created:
        s.db.add(key, h)
    else:
        s.db.modified(key)
    return added


@command("hget", 3, "readonly fast", keys=(1, 1, 1), category="hash")
def hget(s: Session, argv: list[bytes]) -> Reply:
    h = s.db.get_typed(argv[1], Hash)
    return None if h is None else h.get(argv[2])
