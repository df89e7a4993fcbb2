"""Sessions: tests, typecheck, lint, redis_py_range, bench."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "typecheck", "lint"]
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session: nox.Session) -> None:
    """The whole suite, oracle tests included (needs redis-server on PATH)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
@nox.parametrize("redis_py", ["6.0.0", "latest"])
def redis_py_range(session: nox.Session, redis_py: str) -> None:
    """The suite against the oldest and the newest supported redis-py."""
    session.install("-e", ".[test]")
    if redis_py == "latest":
        session.install("--upgrade", "redis")
    else:
        session.install(f"redis=={redis_py}")
    session.run("pytest", "-q", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("mypy")


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "burner", "tests", "benchmarks", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Side-by-side benchmarks (burner, burner-redis, fakeredis, redis-server + hiredis).

    ``nox -s bench`` runs the latency table, memory, scaling and docket
    throughput; ``-- --quick`` a smaller run; ``-- --update-docs`` the same
    and rewrites the tables in docs/performance.md.
    """
    session.install("-e", ".[test]")
    session.install("fakeredis", "burner-redis", "hiredis")
    quick = ["--quick"] if "--quick" in session.posargs else []
    if "--update-docs" in session.posargs:
        session.run("python", "-m", "benchmarks.report", *quick)
        return
    session.run("python", "-m", "benchmarks", *session.posargs)
    session.run("python", "-m", "benchmarks.memory", *quick)
    session.run("python", "-m", "benchmarks.scaling", *(["--sizes", "1000,100000"] if quick else []))
    session.run("python", "-m", "benchmarks.docket_bench", *(["--tasks", "1000"] if quick else []))
