"""Differential state machines: random command sequences on burner and Redis.

A family's machine subclasses ``DifferentialMachine`` and writes hypothesis
rules that call ``self.check(*argv)``; ``check`` runs the command through
``execute_command`` on a burner client and on a real-Redis client built with
the same keywords and requires the same outcome. ``run_machine`` runs a
machine class against the session's redis-server for one client config.

Keys, fields and values come from small pools so that commands collide on the
same keys (which is where type errors and edge cases live).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

import burner
from tests.oracle import Outcome, RedisServerProcess

KEYS = st.sampled_from([b"k1", b"k2", b"k3", b"{k}4"])
FIELDS = st.sampled_from([b"f1", b"f2", b"f3", b"", b"f\xff"])
SMALL_INTS = st.integers(min_value=-5, max_value=5)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(lambda i: str(i).encode()),
    st.sampled_from([b"0", b"1", b"-1", b"10", b"9223372036854775807", b"-9223372036854775808"]),
)
NOT_NUMBERS = st.sampled_from([b"", b"abc", b"1.5", b" 1", b"1 ", b"0x10", b"+1", b"-0", b"01", b"1e3", b"inf", b"nan", b"9223372036854775808"])
FLOATS = st.one_of(
    st.sampled_from([b"0", b"1.5", b"-2.25", b"1e10", b"inf", b"-inf", b"+inf", b"3.0", b".5", b"5.", b"1e-5"]),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(lambda f: repr(f).encode()),
)
VALUES = st.one_of(
    st.binary(max_size=12),
    NUMBERS,
    st.sampled_from([b"", b"hello", b"\x00\xff", b"1", b"-1", b"3.5"]),
)


class DifferentialMachine(RuleBasedStateMachine):
    server: ClassVar[RedisServerProcess]
    config: ClassVar[dict[str, Any]] = {}
    # Commands whose reply order Redis leaves undefined: replies are sorted.
    unordered: ClassVar[frozenset[bytes]] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self.burner = burner.Redis(**self.config)
        self.real = self.server.client(**self.config)
        self.real.flushall()

    def check(
        self, *argv: Any, normalize: Callable[[Any], Any] | None = None, **options: Any
    ) -> Any:
        name = argv[0].upper() if isinstance(argv[0], bytes) else str(argv[0]).upper().encode()
        if normalize is None and name in self.unordered:
            normalize = _sort_nested

        def run(client: Any) -> Callable[[], Any]:
            def call() -> Any:
                value = client.execute_command(*argv, **options)
                return normalize(value) if normalize is not None else value

            return call

        got = Outcome.of(run(self.burner))
        want = Outcome.of(run(self.real))
        assert got == want, f"{argv!r}: burner {got} != redis {want}"
        return got.value

    def teardown(self) -> None:
        self.burner.close()
        self.real.close()


def _sort_nested(value: Any) -> Any:
    if isinstance(value, (list, set, tuple)):
        return sorted(value, key=repr)
    return value


def run_machine(
    machine: type[DifferentialMachine],
    server: RedisServerProcess,
    config: dict[str, Any],
    max_examples: int = 60,
    steps: int = 30,
) -> None:
    machine.server = server
    machine.config = dict(config)
    run_state_machine_as_test(  # type: ignore[no-untyped-call,unused-ignore]
        machine,
        settings=settings(
            max_examples=max_examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
