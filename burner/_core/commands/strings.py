"""String commands."""

from __future__ import annotations

from .. import errors
from ..parse import to_int
from ..registry import command
from ..replies import OK, Reply
from ..session import Session


def get_string(s: Session, key: bytes) -> bytes | None:
    return s.db.get_typed(key, bytes)


@command("get", 2, "readonly fast", keys=(1, 1, 1), category="string")
def get(s: Session, argv: list[bytes]) -> Reply:
    return s.db.get_typed(argv[1], bytes)


@command("set", -3, "write denyoom", keys=(1, 1, 1), category="string")
def set_(s: Session, argv: list[bytes]) -> Reply:
    key, value = argv[1], argv[2]
    db = s.db
    if len(argv) == 3:
        db.put(key, value)
        return OK
    nx = xx = get_old = keep_ttl = False
    deadline: int | None = None
    i = 3
    n = len(argv)
    while i < n:
        opt = argv[i].lower()
        if opt == b"nx" and not xx:
            nx = True
        elif opt == b"xx" and not nx:
            xx = True
        elif opt == b"get":
            get_old = True
        elif opt == b"keepttl" and deadline is None:
            keep_ttl = True
        elif opt in (b"ex", b"px", b"exat", b"pxat") and deadline is None and not keep_ttl and i + 1 < n:
            i += 1
            amount = to_int(argv[i])
            if amount <= 0:
                raise errors.err(errors.invalid_expire("set"))
            now = s.server.clock.ms()
            if opt == b"ex":
                if amount > (2**63 - 1 - now) // 1000:
                    raise errors.err(errors.invalid_expire("set"))
                deadline = now + amount * 1000
            elif opt == b"px":
                if amount > 2**63 - 1 - now:
                    raise errors.err(errors.invalid_expire("set"))
                deadline = now + amount
            elif opt == b"exat":
                if amount > (2**63 - 1) // 1000:
                    raise errors.err(errors.invalid_expire("set"))
                deadline = amount * 1000
            else:
                deadline = amount
        else:
            raise errors.err(errors.SYNTAX)
        i += 1
    old = db.lookup(key)
    if get_old and old is not None and type(old) is not bytes:
        raise errors.err(errors.WRONGTYPE)
    if (nx and old is not None) or (xx and old is None):
        return old if get_old else None
    db.put(key, value, keep_ttl=keep_ttl)
    if deadline is not None:
        db.set_expiry(key, deadline)
    return old if get_old else OK
