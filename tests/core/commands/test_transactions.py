"""MULTI/EXEC/DISCARD/WATCH/UNWATCH, compared with the real redis-server.

Every sequence runs on burner and on Redis through two connections per side
(``Duo``): ``cmd`` on the main one, ``other`` on a second one, which is how a
write by another client reaches a WATCH. Expiry that needs time to pass is
compared with real sleeps where Redis must agree, and checked on burner alone
with a VirtualClock for the cases only time travel can reach (active sweep,
expiry nobody noticed).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import rule

import burner
from burner._core.commands.transactions import exec_ as exec_handler
from tests.machine import KEYS, VALUES, DifferentialMachine, run_machine
from tests.oracle import Outcome, Pair, RedisServerProcess


def plain(value: Any) -> Any:
    """A reply with the error instances inside it (EXEC's slots) as comparable
    (class name, message) tuples."""
    if isinstance(value, Exception):
        return ("error", type(value).__name__, str(value))
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Duo:
    """A Pair plus a second connection on each side (same server, same options)."""

    def __init__(self, pair: Pair, server: RedisServerProcess) -> None:
        self.pair = pair
        client = cast(burner.Redis, pair.burner)
        self.other_burner = burner.Redis(server=client.server, **pair.kwargs)
        self.other_real = server.client(**pair.kwargs)

    def cmd(self, *args: Any) -> Any:
        return self.pair.cmd(*args, normalize=plain)

    def other(self, *args: Any) -> Any:
        got = Outcome.of(lambda: plain(self.other_burner.execute_command(*args)))
        want = Outcome.of(lambda: plain(self.other_real.execute_command(*args)))  # type: ignore[no-untyped-call,unused-ignore]
        assert got == want, f"other {args!r}: burner {got} != redis {want}"
        return got.value

    def close(self) -> None:
        self.other_burner.close()
        self.other_real.close()


@pytest.fixture
def duo(pair: Pair, redis_server: RedisServerProcess) -> Iterator[Duo]:
    d = Duo(pair, redis_server)
    try:
        yield d
    finally:
        d.close()


def _exec_aborted(d: Duo) -> None:
    """The transaction's EXEC must return nil on both sides."""
    d.cmd("MULTI")
    d.cmd("PING")
    assert d.cmd("EXEC") is None


def _exec_ran(d: Duo) -> None:
    d.cmd("MULTI")
    d.cmd("PING")
    assert d.cmd("EXEC") is not None


# --- MULTI / EXEC / DISCARD ----------------------------------------------------------
def test_exec_runs_queued_commands_in_order(duo: Duo) -> None:
    duo.cmd("MULTI")
    duo.cmd("SET", "a", "1")
    duo.cmd("INCR", "a")
    duo.cmd("INCRBY", "a", "10")
    duo.cmd("GET", "a")
    duo.cmd("HSET", "h", "f", "v", "g", "w")
    duo.cmd("HGETALL", "h")
    duo.cmd("DEL", "nothing")
    duo.cmd("ECHO", "hi")
    result = duo.cmd("EXEC")
    assert len(result) == 8
    duo.cmd("GET", "a")


def test_empty_transaction(duo: Duo) -> None:
    duo.cmd("MULTI")
    assert duo.cmd("EXEC") == []


def test_runtime_error_is_returned_in_its_slot(duo: Duo) -> None:
    duo.cmd("MULTI")
    duo.cmd("SET", "s", "x")
    duo.cmd("HSET", "s", "f", "v")  # WRONGTYPE at run time
    duo.cmd("INCR", "s")  # not an integer at run time
    duo.cmd("SET", "s", "y", "BADOPTION")  # syntax error at run time
    duo.cmd("GET", "s")
    result = duo.cmd("EXEC")
    assert result[1][:2] == ("error", "ResponseError")
    assert duo.cmd("GET", "s") in (b"x", "x")


@pytest.mark.parametrize(
    "bad",
    [
        ("GET",),
        ("SET", "a"),
        ("NOSUCHCOMMAND", "x"),
        ("CLIENT", "NOSUCH"),
        ("CLIENT",),
        ("MULTI", "x"),
        ("DISCARD", "x"),
        ("UNWATCH", "x"),
        ("WATCH",),
    ],
)
def test_error_while_queuing_aborts_exec(duo: Duo, bad: tuple[str, ...]) -> None:
    duo.cmd("SET", "a", "before")
    duo.cmd("MULTI")
    duo.cmd("SET", "a", "after")
    duo.cmd(*bad)
    duo.cmd("SET", "b", "after")
    duo.cmd("EXEC")
    # Nothing ran, and the transaction is over.
    duo.cmd("GET", "a")
    duo.cmd("EXISTS", "b")
    duo.cmd("EXEC")


def test_nested_multi_is_an_error_but_not_fatal(duo: Duo) -> None:
    duo.cmd("MULTI")
    duo.cmd("SET", "a", "1")
    duo.cmd("MULTI")
    duo.cmd("INCR", "a")
    assert duo.cmd("EXEC") is not None
    duo.cmd("GET", "a")


def test_watch_inside_multi_is_an_error_but_not_fatal(duo: Duo) -> None:
    duo.cmd("MULTI")
    duo.cmd("WATCH", "a")
    duo.cmd("SET", "a", "1")
    duo.cmd("EXEC")
    duo.cmd("GET", "a")


def test_without_multi(duo: Duo) -> None:
    duo.cmd("EXEC")
    duo.cmd("DISCARD")
    duo.cmd("exec")
    duo.cmd("discard")


def test_exec_with_arguments_discards_the_transaction(duo: Duo) -> None:
    duo.cmd("EXEC", "x")  # outside MULTI too: EXECABORT with the reason
    duo.cmd("MULTI")
    duo.cmd("SET", "a", "1")
    duo.cmd("EXEC", "x", "y")
    duo.cmd("EXEC")  # the transaction is gone
    duo.cmd("EXISTS", "a")
    # ... and so are the watched keys.
    duo.cmd("WATCH", "w")
    duo.cmd("exec", "x")
    duo.other("SET", "w", "1")
    _exec_ran(duo)


def test_discard(duo: Duo) -> None:
    duo.cmd("MULTI")
    duo.cmd("SET", "d", "1")
    duo.cmd("DISCARD")
    duo.cmd("GET", "d")
    duo.cmd("DISCARD")
    duo.cmd("MULTI")
    duo.cmd("DISCARD", "x")  # arity error: flags the transaction, stays in it
    duo.cmd("DISCARD")
    duo.cmd("EXEC")


def test_select_inside_transaction(duo: Duo) -> None:
    duo.cmd("MULTI")
    duo.cmd("SELECT", "1")
    duo.cmd("SET", "sel", "1")
    duo.cmd("SELECT", "99")
    duo.cmd("SET", "sel2", "2")
    duo.cmd("EXEC")
    duo.cmd("GET", "sel")
    duo.cmd("GET", "sel2")
    duo.cmd("SELECT", "0")
    duo.cmd("EXISTS", "sel", "sel2")


def test_reset_leaves_multi(duo: Duo) -> None:
    duo.cmd("WATCH", "r")
    duo.cmd("MULTI")
    duo.cmd("SET", "r", "1")
    duo.cmd("RESET")
    duo.cmd("EXEC")
    duo.cmd("EXISTS", "r")


def test_arity(duo: Duo) -> None:
    duo.cmd("MULTI", "x")
    duo.cmd("WATCH")
    duo.cmd("UNWATCH", "x")
    duo.cmd("DISCARD", "x")


# --- WATCH ---------------------------------------------------------------------------
def test_watch_untouched_key_runs(duo: Duo) -> None:
    duo.cmd("SET", "w", "1")
    duo.cmd("WATCH", "w", "w2")
    duo.other("GET", "w")  # reads do not count
    duo.other("SET", "unrelated", "1")
    duo.cmd("MULTI")
    duo.cmd("INCR", "w")
    assert duo.cmd("EXEC") is not None


@pytest.mark.parametrize(
    "write",
    [
        ("SET", "w", "2"),
        ("SET", "w", "1"),  # the same value still counts
        ("INCR", "w"),
        ("APPEND", "w", "x"),
        ("DEL", "w"),
        ("UNLINK", "w"),
        ("EXPIRE", "w", "100"),
        ("PEXPIREAT", "w", "1"),  # a deadline in the past deletes it
        ("RENAME", "w", "w-elsewhere"),
        ("FLUSHDB",),
        ("FLUSHALL",),
        ("SWAPDB", "0", "1"),
        ("GETDEL", "w"),
        ("HSET", "fresh-hash", "f", "v"),  # control: not the watched key
    ],
)
def test_write_by_another_client(duo: Duo, write: tuple[str, ...]) -> None:
    duo.cmd("SET", "w", "1")
    duo.cmd("WATCH", "w")
    duo.other(*write)
    duo.cmd("MULTI")
    duo.cmd("SET", "result", "ran")
    result = duo.cmd("EXEC")
    assert (result is None) == (write[1:2] != ("fresh-hash",))
    if write[0] == "SWAPDB":
        duo.other("SWAPDB", "0", "1")
    duo.other("FLUSHALL")


@pytest.mark.parametrize(
    "write",
    [
        ("DEL", "w"),  # nothing to delete
        ("PERSIST", "w"),
        ("FLUSHDB",),  # the watched key does not exist: not touched
        ("SWAPDB", "0", "1"),  # neither database has it
        ("SET", "w", "1", "XX"),  # a write that does not happen
        ("GETDEL", "w"),
    ],
)
def test_no_op_on_missing_key_does_not_count(duo: Duo, write: tuple[str, ...]) -> None:
    duo.cmd("WATCH", "w")
    duo.other(*write)
    _exec_ran(duo)
    if write[0] == "SWAPDB":
        duo.other("SWAPDB", "0", "1")


def test_missing_key_created_counts(duo: Duo) -> None:
    duo.cmd("WATCH", "n")
    duo.other("SET", "n", "1")
    _exec_aborted(duo)


def test_rename_onto_watched_key_counts(duo: Duo) -> None:
    duo.cmd("WATCH", "dst")
    duo.other("SET", "src", "1")
    duo.other("RENAME", "src", "dst")
    _exec_aborted(duo)


def test_swapdb_bringing_the_key_counts(duo: Duo) -> None:
    duo.other("SELECT", "1")
    duo.other("SET", "w", "from-db1")
    duo.other("SELECT", "0")
    duo.cmd("WATCH", "w")
    duo.other("SWAPDB", "0", "1")
    _exec_aborted(duo)
    duo.other("FLUSHALL")


def test_flushall_from_another_database_counts(duo: Duo) -> None:
    duo.cmd("SET", "w", "1")
    duo.cmd("WATCH", "w")
    duo.other("SELECT", "5")
    duo.other("FLUSHALL")
    _exec_aborted(duo)


def test_write_in_another_database_does_not_count(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.other("SELECT", "2")
    duo.other("SET", "w", "1")
    _exec_ran(duo)
    duo.other("FLUSHALL")


def test_watch_is_per_database_of_the_watcher(duo: Duo) -> None:
    duo.cmd("SELECT", "3")
    duo.cmd("WATCH", "w")
    duo.cmd("SELECT", "0")
    duo.other("SELECT", "3")
    duo.other("SET", "w", "1")
    _exec_aborted(duo)
    duo.other("FLUSHALL")


def test_own_write_before_multi_counts(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.cmd("SET", "w", "mine")
    _exec_aborted(duo)


def test_own_write_inside_exec_does_not_matter(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.cmd("MULTI")
    duo.cmd("SET", "w", "1")
    duo.cmd("SET", "w", "2")
    assert duo.cmd("EXEC") is not None
    # EXEC forgot the watch: a later write does not abort the next one.
    duo.other("SET", "w", "3")
    _exec_ran(duo)


def test_unwatch_forgets(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.other("SET", "w", "1")
    duo.cmd("UNWATCH")
    _exec_ran(duo)


def test_unwatch_inside_multi_is_queued(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.cmd("MULTI")
    duo.cmd("UNWATCH")
    duo.other("SET", "w", "1")
    assert duo.cmd("EXEC") is None


def test_discard_forgets_the_watch(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.cmd("MULTI")
    duo.cmd("DISCARD")
    duo.other("SET", "w", "1")
    _exec_ran(duo)


def test_execabort_forgets_the_watch_and_wins_over_it(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.other("SET", "w", "1")
    duo.cmd("MULTI")
    duo.cmd("GET")
    duo.cmd("EXEC")  # EXECABORT, not nil
    duo.other("SET", "w", "2")
    _exec_ran(duo)


def test_dirty_watch_with_empty_transaction(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.other("SET", "w", "1")
    duo.cmd("MULTI")
    assert duo.cmd("EXEC") is None


def test_watch_twice_and_many_keys(duo: Duo) -> None:
    duo.cmd("WATCH", "a", "a", "b")
    duo.cmd("WATCH", "a", "c")
    duo.other("SET", "c", "1")
    _exec_aborted(duo)
    duo.cmd("WATCH", "a", "b", "c")
    duo.cmd("UNWATCH")
    duo.cmd("UNWATCH")
    _exec_ran(duo)


def test_watch_over_several_transactions(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    _exec_ran(duo)
    duo.other("SET", "w", "1")  # no longer watched
    _exec_ran(duo)


def test_two_watchers_first_exec_invalidates_second(duo: Duo) -> None:
    duo.cmd("WATCH", "w")
    duo.other("WATCH", "w")
    duo.other("MULTI")
    duo.other("SET", "w", "other")
    duo.other("EXEC")
    _exec_aborted(duo)


def test_expiry_between_watch_and_exec_counts(duo: Duo) -> None:
    duo.cmd("SET", "e", "1", "PX", "150")
    duo.cmd("WATCH", "e")
    time.sleep(0.3)
    _exec_aborted(duo)


def test_expiry_noticed_by_a_read_counts(duo: Duo) -> None:
    duo.cmd("SET", "e", "1", "PX", "150")
    duo.cmd("WATCH", "e")
    time.sleep(0.3)
    duo.other("EXISTS", "e")
    _exec_aborted(duo)


def test_key_already_expired_when_watched_does_not_count(duo: Duo) -> None:
    duo.cmd("SET", "e", "1", "PX", "10")
    time.sleep(0.03)
    duo.cmd("WATCH", "e")
    _exec_ran(duo)
    # ... but creating it again does.
    duo.cmd("SET", "e", "1", "PX", "10")
    time.sleep(0.03)
    duo.cmd("WATCH", "e")
    duo.other("SET", "e", "2")
    _exec_aborted(duo)


def test_blocking_command_inside_exec_does_not_block(duo: Duo) -> None:
    from burner._core import registry

    if registry.TABLE.get(b"blpop") is None:
        pytest.skip("BLPOP is not implemented yet")
    duo.cmd("MULTI")
    duo.cmd("BLPOP", "nolist", "0")
    duo.cmd("EXEC")


# --- burner alone, with a virtual clock ------------------------------------------------
def _virtual() -> tuple[burner.VirtualClock, burner.Redis, burner.Redis]:
    clock = burner.VirtualClock()
    server = burner.Server(clock=clock)
    return clock, burner.Redis(server=server), burner.Redis(server=server)


def _transaction_result(r: burner.Redis) -> Any:
    r.execute_command("MULTI")
    r.execute_command("SET", "ran", "yes")
    return r.execute_command("EXEC")


def test_expiry_nobody_noticed_counts() -> None:
    clock, r, _ = _virtual()
    r.set("e", "1", px=100)
    r.execute_command("WATCH", "e")
    clock.advance(0.2)
    # The key is still stored (nobody looked), but EXEC sees it has expired.
    assert b"e" in r.server.dbs[0].data
    assert _transaction_result(r) is None
    assert r.get("ran") is None


def test_expiry_by_active_sweep_counts() -> None:
    clock, r, other = _virtual()
    r.set("e", "1", px=100)
    r.set("persistent", "1")
    r.execute_command("WATCH", "e", "persistent")
    clock.advance(1)
    other.ping()  # any command gives the sweep a chance
    assert b"e" not in r.server.dbs[0].data
    assert _transaction_result(r) is None


def test_expiry_after_exec_does_not_count() -> None:
    clock, r, _ = _virtual()
    r.set("e", "1", px=1000)
    r.execute_command("WATCH", "e")
    clock.advance(0.5)
    assert _transaction_result(r) is not None
    assert r.get("ran") == b"yes"


def test_ttl_not_reached_runs() -> None:
    clock, r, _ = _virtual()
    r.set("e", "1", px=1000)
    r.execute_command("WATCH", "e")
    clock.advance(0.999)
    result = _transaction_result(r)
    assert result is not None
    assert r.get("ran") == b"yes"


def test_watched_key_expired_before_watch_with_virtual_clock() -> None:
    clock, r, _ = _virtual()
    r.set("e", "1", px=100)
    clock.advance(1)
    r.execute_command("WATCH", "e")
    assert _transaction_result(r) is not None


def test_watch_state_is_released() -> None:
    _, r, other = _virtual()
    db = r.server.dbs[0]
    r.execute_command("WATCH", "a", "b", "a")
    assert sorted(db.watchers) == [b"a", b"b"]
    r.execute_command("MULTI")
    r.execute_command("EXEC")
    assert db.watchers == {}
    other.execute_command("WATCH", "a")
    other.close()
    assert db.watchers == {}
    r.execute_command("WATCH", "a")
    r.execute_command("UNWATCH")
    assert db.watchers == {}


def test_exec_handler_rejects_when_not_in_multi() -> None:
    _, r, _ = _virtual()
    session = r._bridge.session
    with pytest.raises(Exception, match="EXEC without MULTI"):
        exec_handler(session, [b"EXEC"])


# --- state machine -------------------------------------------------------------------------
# Valid UTF-8 only: with decode_responses=True, redis-py itself fails on other bytes.
TEXT = VALUES.map(lambda v: v.decode("utf-8", "ignore").encode())
WRITES = st.one_of(
    st.tuples(st.just(b"SET"), KEYS, TEXT),
    st.tuples(st.just(b"INCR"), KEYS),
    st.tuples(st.just(b"DEL"), KEYS),
    st.tuples(st.just(b"HSET"), KEYS, st.just(b"f"), TEXT),
    st.tuples(st.just(b"APPEND"), KEYS, TEXT),
    st.tuples(st.just(b"SET"), KEYS, TEXT, st.sampled_from([b"NX", b"XX", b"BAD"])),
    st.tuples(st.just(b"EXPIRE"), KEYS, st.sampled_from([b"100", b"-1", b"x"])),
    st.tuples(st.just(b"PERSIST"), KEYS),
    st.tuples(st.just(b"FLUSHDB")),
)
READS = st.one_of(
    st.tuples(st.just(b"GET"), KEYS),
    st.tuples(st.just(b"EXISTS"), KEYS, KEYS),
    st.tuples(st.just(b"HGETALL"), KEYS),
    st.tuples(st.just(b"TYPE"), KEYS),
)
BAD = st.sampled_from(
    [
        (b"GET",),
        (b"SET", b"k1"),
        (b"NOSUCH", b"k1"),
        (b"MULTI", b"x"),
        (b"EXEC", b"x"),
        (b"DISCARD", b"x"),
        (b"WATCH",),
        (b"UNWATCH", b"x"),
    ]
)


class TransactionMachine(DifferentialMachine):
    """MULTI/EXEC/WATCH from one connection, writes from a second one."""

    def __init__(self) -> None:
        super().__init__()
        self.burner2 = burner.Redis(server=self.burner.server, **self.config)
        self.real2 = self.server.client(**self.config)

    def other(self, *argv: Any) -> None:
        got = Outcome.of(lambda: plain(self.burner2.execute_command(*argv)))
        want = Outcome.of(lambda: plain(self.real2.execute_command(*argv)))  # type: ignore[no-untyped-call,unused-ignore]
        assert got == want, f"other {argv!r}: burner {got} != redis {want}"

    def check(
        self, *argv: Any, normalize: Callable[[Any], Any] | None = None, **options: Any
    ) -> Any:
        return super().check(*argv, normalize=normalize or plain, **options)

    @rule()
    def multi(self) -> None:
        self.check(b"MULTI")

    @rule()
    def exec_(self) -> None:
        self.check(b"EXEC")

    @rule()
    def discard(self) -> None:
        self.check(b"DISCARD")

    @rule(keys=st.lists(KEYS, min_size=1, max_size=3))
    def watch(self, keys: list[bytes]) -> None:
        self.check(b"WATCH", *keys)

    @rule()
    def unwatch(self) -> None:
        self.check(b"UNWATCH")

    @rule(argv=WRITES)
    def write(self, argv: tuple[bytes, ...]) -> None:
        self.check(*argv)

    @rule(argv=READS)
    def read(self, argv: tuple[bytes, ...]) -> None:
        self.check(*argv)

    @rule(argv=BAD)
    def bad(self, argv: tuple[bytes, ...]) -> None:
        self.check(*argv)

    @rule(argv=st.one_of(WRITES, READS))
    def other_client(self, argv: tuple[bytes, ...]) -> None:
        self.other(*argv)

    @rule(
        keys=st.lists(KEYS, min_size=1, max_size=2),
        before=st.lists(st.one_of(WRITES, READS), max_size=2),
        own=st.lists(st.one_of(WRITES, READS), max_size=1),
        queued=st.lists(st.one_of(WRITES, READS, BAD), max_size=4),
    )
    def watched_transaction(
        self,
        keys: list[bytes],
        before: list[tuple[bytes, ...]],
        own: list[tuple[bytes, ...]],
        queued: list[tuple[bytes, ...]],
    ) -> None:
        """A whole WATCH ... MULTI ... EXEC, with other clients' (and its own)
        commands in between: the common shape, made likely."""
        self.check(b"WATCH", *keys)
        for argv in before:
            self.other(*argv)
        for argv in own:
            self.check(*argv)
        self.check(b"MULTI")
        for argv in queued:
            self.check(*argv)
        self.check(b"EXEC")

    def teardown(self) -> None:
        self.burner2.close()
        self.real2.close()
        super().teardown()


@pytest.mark.parametrize(
    "config",
    [
        pytest.param({"protocol": 2, "decode_responses": False}, id="resp2-bytes"),
        pytest.param({"protocol": 3, "decode_responses": True}, id="resp3-str"),
    ],
)
def test_transaction_machine(redis_server: RedisServerProcess, config: dict[str, Any]) -> None:
    run_machine(TransactionMachine, redis_server, config, max_examples=50, steps=40)
