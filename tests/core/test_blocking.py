"""The core half of blocking (burner/_core/blocking.py), driven step by step.

A hypothesis state machine plays several clients on one Server without
threads: clients block (BLPOP/BRPOP/BLMOVE/BLMPOP), writers push, woken
clients re-run their command as the facades do, others time out or are
cancelled, a plain client pops in between. After every step:
- ``Blocking._check()`` holds;
- nothing is lost or duplicated: every element pushed is in a list or was
  returned to exactly one client;
- no wake-up is lost, first come first served: a key that holds a list and
  has waiters has the oldest of them signaled (it will run and take an
  element, or pass the signal on).
"""

from __future__ import annotations

from collections import Counter

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from burner._core.blocking import Waiter
from burner._core.replies import Block
from burner._core.server import Server
from burner._core.session import Session
from burner._core.values.list import List

KEYS = [b"a", b"b", b"c"]
CLIENTS = 4


class BlockingCore(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.server = Server()
        self.sessions = [self.server.new_session() for _ in range(CLIENTS)]
        self.writer = self.server.new_session()
        self.argv: dict[int, list[bytes]] = {}
        self.waiters: dict[int, Waiter] = {}
        self.woken: set[int] = set()
        self.pushed: Counter[bytes] = Counter()
        self.taken: Counter[bytes] = Counter()
        self.next_value = 0
        self.order: list[int] = []  # registration order of live waiters

    # --- helpers ---------------------------------------------------------------
    def _take(self, reply: object) -> None:
        assert not isinstance(reply, Block)
        if isinstance(reply, list):
            if reply and isinstance(reply[-1], list):  # BLMPOP: [key, [values]]
                self.taken.update(reply[1])
            else:  # BLPOP: [key, value]
                self.taken[reply[1]] += 1
        elif isinstance(reply, bytes):  # BLMOVE: the value, now in another list
            pass

    def _session(self, i: int) -> Session:
        return self.sessions[i]

    # --- rules -----------------------------------------------------------------
    @precondition(lambda self: len(self.waiters) < CLIENTS)
    @rule(
        data=st.data(),
        name=st.sampled_from([b"BLPOP", b"BRPOP", b"BLMOVE", b"BLMPOP"]),
        keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=3),
    )
    def block(self, data: st.DataObject, name: bytes, keys: list[bytes]) -> None:
        free = [i for i in range(CLIENTS) if i not in self.waiters]
        i = data.draw(st.sampled_from(free))
        if name == b"BLMOVE":
            argv = [name, keys[0], keys[-1], b"LEFT", b"RIGHT", b"0"]
        elif name == b"BLMPOP":
            argv = [name, b"0", str(len(keys)).encode(), *keys, b"LEFT", b"COUNT", b"2"]
        else:
            argv = [name, *keys, b"0"]
        reply = self.server.execute(self._session(i), argv)
        if type(reply) is not Block:
            self._take(reply)
            return
        def wake(i: int = i) -> None:
            self.woken.add(i)

        waiter = Waiter(self._session(i), reply.keys, reply.kind, wake)
        self.server.blocking.add(waiter)
        self.argv[i] = argv
        self.waiters[i] = waiter
        self.order.append(i)

    @rule(key=st.sampled_from(KEYS), count=st.integers(min_value=1, max_value=3))
    def push(self, key: bytes, count: int) -> None:
        values = [b"v%d" % (self.next_value + n) for n in range(count)]
        self.next_value += count
        self.pushed.update(values)
        self.server.execute(self.writer, [b"RPUSH", key, *values])

    @rule(key=st.sampled_from(KEYS))
    def plain_pop(self, key: bytes) -> None:
        reply = self.server.execute(self.writer, [b"LPOP", key])
        if reply is not None:
            self.taken[reply] += 1

    @rule(key=st.sampled_from(KEYS))
    def overwrite_with_string(self, key: bytes) -> None:
        lst = self.server.dbs[0].data.get(key)
        if isinstance(lst, List):
            self.taken.update(lst)
        self.server.execute(self.writer, [b"SET", key, b"str"])
        self.server.execute(self.writer, [b"DEL", key])

    @precondition(lambda self: bool(self.woken & set(self.waiters)))
    @rule(data=st.data())
    def run_woken(self, data: st.DataObject) -> None:
        i = data.draw(st.sampled_from(sorted(self.woken & set(self.waiters))))
        self.woken.discard(i)
        waiter = self.waiters[i]
        assert waiter.signaled
        reply = self.server.execute(self._session(i), self.argv[i])
        blocking = self.server.blocking
        if type(reply) is Block:
            blocking.rearm(waiter)
            return
        blocking.done(waiter)
        self._take(reply)
        del self.waiters[i]
        self.order.remove(i)

    @precondition(lambda self: bool(self.waiters))
    @rule(data=st.data())
    def give_up(self, data: st.DataObject) -> None:
        # Timeout or cancellation, maybe after a wake-up it never used.
        i = data.draw(st.sampled_from(sorted(self.waiters)))
        self.server.blocking.done(self.waiters.pop(i))
        self.woken.discard(i)
        self.order.remove(i)

    # --- invariants ----------------------------------------------------------------
    @invariant()
    def consistent(self) -> None:
        self.server.blocking._check()

    @invariant()
    def nothing_lost_or_duplicated(self) -> None:
        stored: Counter[bytes] = Counter()
        for value in self.server.dbs[0].data.values():
            if isinstance(value, List):
                value._check()
                stored.update(value)
        assert stored + self.taken == self.pushed

    @invariant()
    def no_lost_wakeup_and_first_come_first_served(self) -> None:
        # A key holding a list has the oldest of its waiters signaled: it will
        # take an element (or pass the signal on) before anyone behind it.
        data = self.server.dbs[0].data
        for (_, key), queue in self.server.blocking.queues.items():
            if isinstance(data.get(key), List):
                assert queue[0].signaled, key


def test_blocking_core() -> None:
    BlockingCore.TestCase.settings = settings(
        max_examples=100, stateful_step_count=35, deadline=None, database=None
    )
    BlockingCore.TestCase().runTest()
