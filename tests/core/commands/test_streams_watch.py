"""WATCH and the stream commands, compared with the real server.

Redis 7.0 counts a change to a stream's entries as touching the key (XADD,
XDEL, XTRIM, XSETID...), but not a change to its consumer groups only:
XREADGROUP, XACK, XCLAIM, XAUTOCLAIM and the XGROUP subcommands leave a
WATCH on the key alone, except XGROUP CREATE ... MKSTREAM, which creates the
key. A client WATCHes the stream, another client runs one command, and the
first one's EXEC must succeed or fail as on the real server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis

import burner
from tests.oracle import Outcome, Pair

# name -> the command another client runs while "s" is watched
TOUCHES: dict[str, tuple[Any, ...] | Callable[[redis.Redis], Any]] = {
    "xadd": ("XADD", "s", "*", "f", "v"),
    "xdel": ("XDEL", "s", "1-1"),
    "xdel-missing": ("XDEL", "s", "9-9"),
    "xtrim": ("XTRIM", "s", "MAXLEN", "1"),
    "xtrim-nothing": ("XTRIM", "s", "MAXLEN", "100"),
    "xsetid": ("XSETID", "s", "99-0"),
    "xreadgroup-new": ("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"),
    "xreadgroup-none-left": ("XREADGROUP", "GROUP", "g2", "c", "STREAMS", "s", ">"),
    "xreadgroup-history": ("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"),
    "xreadgroup-noack": ("XREADGROUP", "GROUP", "g", "c3", "NOACK", "STREAMS", "s", ">"),
    "xack": ("XACK", "s", "g", "1-1"),
    "xack-nothing": ("XACK", "s", "g", "7-7"),
    "xclaim": ("XCLAIM", "s", "g", "c9", "0", "1-1"),
    # redis-py parses a JUSTID reply only when its xclaim() method asks for it
    "xclaim-justid": lambda r: r.xclaim("s", "g", "c9", 0, ["1-1"], justid=True),
    "xautoclaim": ("XAUTOCLAIM", "s", "g", "c9", "0", "0"),
    "xgroup-create": ("XGROUP", "CREATE", "s", "g9", "$"),
    "xgroup-create-mkstream-existing": ("XGROUP", "CREATE", "s", "g8", "0", "MKSTREAM"),
    "xgroup-setid": ("XGROUP", "SETID", "s", "g", "0"),
    "xgroup-destroy": ("XGROUP", "DESTROY", "s", "g"),
    "xgroup-createconsumer": ("XGROUP", "CREATECONSUMER", "s", "g", "c7"),
    "xgroup-delconsumer": ("XGROUP", "DELCONSUMER", "s", "g", "c"),
    "xinfo": ("XINFO", "STREAM", "s"),
}

SETUP: list[tuple[Any, ...]] = [
    ("XADD", "s", "1-1", "a", "1"),
    ("XADD", "s", "2-1", "b", "2"),
    ("XGROUP", "CREATE", "s", "g", "0"),
    ("XGROUP", "CREATE", "s", "g2", "$"),
    ("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"),
]


def _run(
    main: redis.Redis, other: Any, argv: tuple[Any, ...] | Callable[[redis.Redis], Any]
) -> Outcome:
    main.flushall()
    for command in SETUP:
        other.execute_command(*command)
    with main.pipeline() as pipe:
        pipe.watch("s")  # type: ignore[no-untyped-call,unused-ignore]
        if callable(argv):
            Outcome.of(lambda: argv(other))
        else:
            Outcome.of(lambda: other.execute_command(*argv))
        pipe.multi()
        pipe.set("done", "1")
        return Outcome.of(lambda: pipe.execute())


@pytest.mark.parametrize("name", list(TOUCHES))
def test_watch_and_stream_commands(pair: Pair, name: str) -> None:
    kwargs = pair.kwargs
    assert isinstance(pair.burner, burner.Redis)
    other_burner = burner.Redis(server=pair.burner.server, **kwargs)
    other_real = redis.Redis(
        host="127.0.0.1", port=pair.real.connection_pool.connection_kwargs["port"], **kwargs
    )
    try:
        got = _run(pair.burner, other_burner, TOUCHES[name])
        want = _run(pair.real, other_real, TOUCHES[name])
        assert got == want, f"{name}: burner {got} != redis {want}"
    finally:
        other_burner.close()
        other_real.close()


def test_watch_sees_xgroup_create_mkstream_of_a_new_key(pair: Pair) -> None:
    kwargs = pair.kwargs
    assert isinstance(pair.burner, burner.Redis)
    other_burner = burner.Redis(server=pair.burner.server, **kwargs)
    other_real = redis.Redis(
        host="127.0.0.1", port=pair.real.connection_pool.connection_kwargs["port"], **kwargs
    )

    def run(main: redis.Redis, other: Any) -> Outcome:
        main.flushall()
        with main.pipeline() as pipe:
            pipe.watch("s")  # type: ignore[no-untyped-call,unused-ignore]
            other.execute_command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
            pipe.multi()
            pipe.set("done", "1")
            return Outcome.of(lambda: pipe.execute())

    try:
        got = run(pair.burner, other_burner)
        want = run(pair.real, other_real)
        assert got == want
        assert want.error == ("WatchError", "Watched variable changed.")
    finally:
        other_burner.close()
        other_real.close()
