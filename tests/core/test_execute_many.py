"""``Server.execute_many`` (a pipeline's loop) against ``Server.execute``.

``execute_many`` sends commands it can to their handler directly and the rest
to ``execute``; the two must not be told apart. Two Servers on one virtual
clock get the same argv lists, one through ``execute_many`` and the other one
by one through ``execute``: every reply (a Block included) and the state left
behind (every database, the session's transaction and pub/sub state, what a
watcher sees) must be the same. The commands are the ones that change how the
next command is treated (MULTI, EXEC, SUBSCRIBE, HELLO, RESET, SELECT...),
wrong arities and names, containers, blocking commands and plain writes, in
upper and lower case.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burner import Server, VirtualClock
from burner._core.replies import Block, Reply
from burner._core.session import Session

ARGVS = st.sampled_from(
    [
        [b"SET", b"k", b"v"],
        [b"set", b"k", b"w"],
        [b"SET", b"k"],
        [b"SET", b"n", b"1", b"NX"],
        [b"GET", b"k"],
        [b"get", b"k", b"extra"],
        [b"INCR", b"n"],
        [b"LPUSH", b"k", b"x"],
        [b"LPUSH", b"l", b"x"],
        [b"BLPOP", b"l", b"0"],
        [b"BLPOP", b"empty", b"0"],
        [b"DEL", b"k", b"l"],
        [b"MULTI"],
        [b"EXEC"],
        [b"DISCARD"],
        [b"WATCH", b"k"],
        [b"UNWATCH"],
        [b"SUBSCRIBE", b"ch"],
        [b"UNSUBSCRIBE"],
        [b"PSUBSCRIBE", b"c*"],
        [b"PING"],
        [b"HELLO", b"2"],
        [b"HELLO", b"3"],
        [b"RESET"],
        [b"SELECT", b"1"],
        [b"SELECT", b"0"],
        [b"CLIENT", b"GETNAME"],
        [b"CLIENT", b"NOSUCH"],
        [b"CLIENT"],
        [b"OBJECT", b"ENCODING", b"k"],
        [b"NOSUCH", b"x"],
        [b"PUBLISH", b"ch", b"m"],
    ]
)


def _state(server: Server, session: Session) -> Any:
    dbs = [sorted((k, repr(v)) for k, v in db.data.items()) for db in server.dbs]
    sub = session.sub
    return (
        dbs,
        session.multi,
        session.multi_error,
        session.dirty,
        [(cmd.full_name, argv) for cmd, argv in session.queued],
        session.resp,
        session.db.index,
        None if sub is None else (sub.active, sorted(sub.channels), sorted(sub.patterns), list(sub.outbox)),
    )


def _shown(reply: Reply) -> Any:
    return "BLOCK" if type(reply) is Block else reply


@settings(max_examples=400, deadline=None)
@given(argvs=st.lists(ARGVS, max_size=30), resp=st.sampled_from([2, 3]))
def test_execute_many_is_execute_one_by_one(argvs: list[list[bytes]], resp: int) -> None:
    _compare(argvs, resp)


HELLO = b"HELLO"  # one name object, as an encoder gives a run of HELLOs


@pytest.mark.parametrize(
    ("resp", "argvs"),
    [
        # A run of one command that changes how the next one is treated: the
        # second HELLO arrives in a RESP2 subscribed context, where it is refused.
        (3, [[b"SUBSCRIBE", b"ch"], [HELLO, b"2"], [HELLO, b"2"], [b"GET", b"k"]]),
        (2, [[b"SUBSCRIBE", b"ch"], [HELLO, b"3"], [HELLO, b"2"], [HELLO, b"2"]]),
        (2, [[b"MULTI"], [b"SET", b"k", b"v"], [b"SET", b"k", b"w"], [b"EXEC"], [b"GET", b"k"]]),
        (2, [[b"SET", b"k", b"v"], [b"SET", b"k"], [b"SET", b"k", b"w", b"XX"], [b"GET", b"k"]]),
        (3, [[b"UNSUBSCRIBE"], [b"UNSUBSCRIBE"], [b"SUBSCRIBE", b"a"], [b"UNSUBSCRIBE", b"a"],
             [b"GET", b"k"]]),
    ],
)
def test_execute_many_runs_that_change_the_session(resp: int, argvs: list[list[bytes]]) -> None:
    _compare(argvs, resp)


def _compare(argvs: list[list[bytes]], resp: int) -> None:
    clock = VirtualClock(1_700_000_000.0)
    many, single = Server(clock=clock), Server(clock=clock)
    a, b = many.new_session(resp), single.new_session(resp)

    replies: list[Reply] = []
    got: list[Any] = []
    while True:
        blocked = many.execute_many(a, argvs, replies)
        got.extend(_shown(r) for r in replies[len(got):])
        if blocked is None:
            break
        got.append("BLOCK")
        replies.append(b"(blocked)")  # as a waiter's answer would take its slot
    want = [_shown(single.execute(b, argv)) for argv in argvs]

    assert got == want
    assert _state(many, a) == _state(single, b)
