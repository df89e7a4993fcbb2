"""``python -m burner`` against ``redis-cli`` on the oracle server.

The same command lines go to ``redis-cli`` (talking to the real redis-server)
and to ``python -m burner`` (an embedded Server); their stdout must be the
same bytes, in the raw form (stdout not a terminal) and in the terminal form
(``--no-raw``), over RESP2 and RESP3. Reply kinds the shared command set
cannot produce yet (doubles, booleans, big numbers, sets) are compared by
having the real server return them from a Lua script.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burner import cli
from burner._core.replies import BigNumber, CommandError, Pairs, SetReply, Simple, Verbatim
from tests.oracle import RedisServerProcess

REDIS_CLI = shutil.which("redis-cli")
pytestmark = pytest.mark.skipif(REDIS_CLI is None, reason="redis-cli is not installed")

ORACLE_DB = "9"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    env["HOME"] = env.get("HOME", root)
    return env


def run_burner(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "burner", *args],
        input=stdin,
        capture_output=True,
        env=_env(),
        timeout=60,
        check=False,
    )


def run_redis_cli(
    server: RedisServerProcess, args: list[str], stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    assert REDIS_CLI is not None
    return subprocess.run(
        [REDIS_CLI, "-p", str(server.port), "-n", ORACLE_DB, *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


# Command lines whose replies do not depend on server identity or timing.
SCRIPT = b"""\
flushdb
ping
ping "hello world"
echo ''
set greeting hello
get greeting
get missing
set "a b" 'c d'
get "a b"
echo "tab\\there\\nnewline \\"quoted\\" \\x41\\x00\\xff back\\\\slash"
echo 'single \\'quoted\\' "double"'
echo mid"dle quoted"
"unbalanced
echo "closed"x
echo 'closed'x
echo 'open
   echo   spaced    out
hset h f1 v1 f2 v2 f3 v3 f4 v4 f5 v5 f6 v6 f7 v7 f8 v8 f9 v9 f10 v10 f11 v11 f12 v12
hget h f10
hgetall h
hgetall missing
exists greeting missing "a b"
del greeting "a b"
dbsize
xadd s 1-1 field value other "x y"
xadd s 2-0 f ""
xrange s - +
xrange s + -
hget greeting f
hset s f v
get
nosuch command here
set k v nx xx
select 99
3 echo repeated
echo before quit
quit
echo after quit
"""


def _compare(server: RedisServerProcess, flags: list[str], script: bytes) -> None:
    want = run_redis_cli(server, flags, script)
    got = run_burner(["-n", ORACLE_DB, *flags], script)
    assert got.stderr == b"", got.stderr.decode(errors="replace")
    assert want.returncode == got.returncode == 0
    want_lines = want.stdout.split(b"\n")
    got_lines = got.stdout.split(b"\n")
    for i, (g, w) in enumerate(zip(got_lines, want_lines)):
        assert g == w, f"line {i}: burner {g!r} != redis-cli {w!r}"
    assert got.stdout == want.stdout


@pytest.mark.parametrize(
    "flags",
    [[], ["--no-raw"], ["-3"], ["-3", "--no-raw"]],
    ids=["raw-resp2", "tty-resp2", "raw-resp3", "tty-resp3"],
)
def test_repl_matches_redis_cli(redis_server: RedisServerProcess, flags: list[str]) -> None:
    _compare(redis_server, flags, SCRIPT)


@pytest.mark.parametrize(
    "args",
    [
        ["SET", "k", "v"],
        ["GET", "missing"],
        ["ECHO", "a\nb"],
        ["HSET", "h", "a", "1", "b", "2"],
        ["NOSUCH", "x"],
        ["GET"],
        ["PING"],
    ],
)
@pytest.mark.parametrize(
    "flags", [[], ["--no-raw"], ["-3", "--no-raw"]], ids=["raw", "tty", "tty3"]
)
def test_one_command_matches_redis_cli(
    redis_server: RedisServerProcess,
    args: list[str],
    flags: list[str],
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    run_redis_cli(redis_server, ["FLUSHDB"])
    want = run_redis_cli(redis_server, [*flags, *args])
    got = _main(capsysbinary, *flags, *args)
    assert got == (want.returncode, want.stdout, b"")


# (Lua on the real server, the core reply burner prints): the same wire value.
LUA_CASES: list[tuple[str, object]] = [
    ("return 'bulk \\n \"q\" \\255'", b'bulk \n "q" \xff'),
    ("return {ok='OK'}", Simple(b"OK")),
    ("return {err='ERR something bad'}", CommandError("ERR something bad")),
    ("return 42", 42),
    ("return -7", -7),
    ("return nil", None),
    ("return {}", []),
    ("return {1, 'two', {3, {'four'}}}", [1, b"two", [3, [b"four"]]]),
    (
        "local t = {} for i = 1, 11 do t[i] = {i, tostring(i)} end return t",
        [[i, str(i).encode()] for i in range(1, 12)],
    ),
    ("redis.setresp(3) return {double=3.5}", 3.5),
    ("redis.setresp(3) return {double=-0.25}", -0.25),
    ("redis.setresp(3) return {double=100}", 100.0),
    ("redis.setresp(3) return true", True),
    ("redis.setresp(3) return false", False),
    ("redis.setresp(3) return {map={a=1}}", {b"a": 1}),
    ("redis.setresp(3) return {map={}}", {}),
    ("redis.setresp(3) return {set={}}", SetReply([])),
    ("redis.setresp(3) return {set={x=true}}", SetReply([b"x"])),
    ("redis.setresp(3) return {1, {map={k={1, 2}}}}", [1, {b"k": [1, 2]}]),
    (
        "redis.setresp(3) return {verbatim_string={format='txt', string='a\\nb'}}",
        Verbatim(b"a\nb"),
    ),
    ("redis.setresp(3) return {map={a={}}}", {b"a": []}),
    ("redis.setresp(3) return {map={a={1}}}", {b"a": [1]}),
    ("redis.setresp(3) return {map={a={{1, 2}}}}", {b"a": [[1, 2]]}),
    ("redis.setresp(3) return {map={a={map={b={1, 2}}}}}", {b"a": {b"b": [1, 2]}}),
    ("redis.setresp(3) return {map={a={map={b=1}}}}", {b"a": {b"b": 1}}),
    ("redis.setresp(3) return {map={a={set={b=true}}}}", {b"a": SetReply([b"b"])}),
    ("redis.setresp(3) return {map={[1]=2}}", {1: 2}),
]


@pytest.mark.parametrize("resp", [2, 3])
@pytest.mark.parametrize("tty", [True, False], ids=["tty", "raw"])
@pytest.mark.parametrize("case", range(len(LUA_CASES)))
def test_printing_matches_redis_cli(
    redis_server: RedisServerProcess, case: int, tty: bool, resp: int
) -> None:
    script, reply = LUA_CASES[case]
    flags = (["-3"] if resp == 3 else []) + (["--no-raw"] if tty else ["--raw"])
    want = run_redis_cli(redis_server, [*flags, "EVAL", script, "0"])
    assert want.returncode == 0
    got = cli.render([b"EVAL"], reply, resp, tty)
    assert got == want.stdout, f"{script}: burner {got!r} != redis-cli {want.stdout!r}"


def test_reports_print_raw() -> None:
    text = Verbatim(b"# Server\r\nredis_version:7\r\n")
    for resp in (2, 3):
        for tty in (True, False):
            assert cli.render([b"INFO"], text, resp, tty) == bytes(text)
            assert cli.render([b"client", b"LIST"], Verbatim(b"id=1\n"), resp, tty) == b"id=1\n"
    # A verbatim string that is not a report: RESP2 shows a bulk string.
    assert cli.render([b"X"], Verbatim(b"a\nb"), 2, True) == b'"a\\nb"\n'
    assert cli.render([b"X"], Verbatim(b"a\nb"), 3, True) == b"a\nb\n"


def test_other_reply_kinds() -> None:
    assert cli.render([b"X"], BigNumber(10**30), 3, True) == b"(big number) " + b"1" + b"0" * 30 + b"\n"
    assert cli.render([b"X"], BigNumber(5), 2, True) == b'"5"\n'
    assert cli.render([b"X"], Pairs([b"m", 1.5]), 3, True) == b'1) 1) "m"\n   2) (double) 1.5\n'
    assert cli.render([b"X"], Pairs([b"m", 1.5]), 2, True) == b'1) "m"\n2) "1.5"\n'
    assert cli.render([b"X"], Pairs([b"m", 1.5]), 3, False) == b"m\n1.5\n"
    assert cli.render([b"X"], {b"a": SetReply([])}, 3, True) == b'1# "a" => (empty set)\n'


@pytest.mark.parametrize(
    ("line", "want"),
    [
        (b"", []),
        (b"   ", []),
        (b"a b  c", [b"a", b"b", b"c"]),
        (b'"a b" c', [b"a b", b"c"]),
        (b'"\\x41\\x4a\\x4" x', [b"AJx4", b"x"]),
        (b"'it\\'s' \"\\q\"", [b"it's", b"q"]),
        (b"ab\"c d\"e", None),
        (b"ab\"c d\" e", [b"abc d", b"e"]),
        (b"'x", None),
        (b'"x', None),
        (b'"x\\', None),
        (b"a\tb\r\n", [b"a", b"b"]),
        (b"\va\vb\f c", [b"a\vb\f", b"c"]),
        (b'"x"\v', [b"x"]),
        (b'""', [b""]),
        (b"''", [b""]),
    ],
)
def test_split_line(line: bytes, want: list[bytes] | None) -> None:
    assert cli.split_line(line) == want


def test_subprocess_one_command() -> None:
    result = run_burner(["SET", "a", "1"])
    assert (result.returncode, result.stdout, result.stderr) == (0, b"OK\n", b"")


def _main(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, bytes]:
    code = cli.main(list(args))
    captured = capsysbinary.readouterr()
    return code, captured.out, captured.err


def test_options(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = _main(capsysbinary, "--help")
    assert code == 0 and out.startswith(b"usage: burner")
    code, out, _ = _main(capsysbinary, "--version")
    assert code == 0 and out.startswith(b"burner ")
    code, out, err = _main(capsysbinary, "--bogus")
    assert code == 1 and err == b"Unrecognized option or bad number of args for: '--bogus'\n"
    code, out, err = _main(capsysbinary, "-n", "99", "PING")
    assert (code, out, err) == (0, b"PONG\n", b"SELECT 99 failed: ERR DB index is out of range\n")
    code, out, err = _main(capsysbinary, "-n", "x", "PING")
    assert (code, out, err) == (0, b"PONG\n", b"")
    code, out, err = _main(capsysbinary, "-n", "4abc", "--no-raw", "CLIENT", "INFO")
    assert b" db=4 " in out
    code, out, _ = _main(capsysbinary, "-3", "--no-raw", "HELLO")
    assert code == 0
    assert b'1# "server" => "redis"\n' in out
    assert b'3# "proto" => (integer) 3\n' in out
    code, out, _ = _main(capsysbinary, "--resp3", "--raw", "HELLO")
    assert b"proto 3\n" in out
    code, out, _ = _main(capsysbinary, "--no-raw", "-n", "3", "CLIENT", "INFO")
    assert b" db=3 " in out
    code, out, _ = _main(capsysbinary, "--", "--no-raw")
    assert out == b"ERR unknown command '--no-raw', with args beginning with: \n\n"


def test_repl_in_process_help_prompt_and_tty_output() -> None:
    shell = cli.Shell()
    out: list[bytes] = []
    write: Callable[[bytes], object] = out.append
    lines = [b"help", b"help get", b"help client setname", b"help nosuch", b"set a 1", b"select 2"]
    assert cli.repl(shell, lines, write, tty=True) == 0
    text = b"".join(out)
    assert b'"help <command>"' in text
    assert b"  GET\n  arity: 2\n  flags: fast readonly\n  keys: first 1, last 1, step 1\n" in text
    assert b"  CLIENT SETNAME\n  arity: 3\n" in text
    assert text.endswith(b"OK\nOK\n")
    assert shell.prompt() == "burner[2]> "
    assert cli.Shell(resp=3).prompt() == "burner> "


def test_binary_arguments_round_trip() -> None:
    shell = cli.Shell()
    out: list[bytes] = []
    cli.repl(shell, [b'set k "\\x00\\xff\\r"', b"get k"], out.append, tty=True)
    assert out == [b"OK\n", b'"\\x00\\xff\\r"\n']
    out.clear()
    cli.repl(shell, [b"get k"], out.append, tty=False)
    assert out == [b"\x00\xff\r\n"]


def _read_until(fd: int, marker: bytes, timeout: float = 30.0) -> bytes:
    import select
    import time

    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no {marker!r} in {data!r}")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_interactive_terminal(tmp_path: Path) -> None:
    import pty

    home = str(tmp_path)
    env = _env()
    env["HOME"] = home
    env["TERM"] = "dumb"
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "burner"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    try:
        _read_until(leader, b"burner> ")
        os.write(leader, b"set greeting \"hi there\"\n")
        assert b"OK" in _read_until(leader, b"burner> ")
        os.write(leader, b"get greeting\n")
        assert b'"hi there"' in _read_until(leader, b"burner> ")
        os.write(leader, b"hset h a 1 b 2\n")
        assert b"(integer) 2" in _read_until(leader, b"burner> ")
        os.write(leader, b"hgetall h\n")
        out = _read_until(leader, b"burner> ")
        assert b'1) "a"' in out and b'4) "2"' in out
        os.write(leader, b"nosuch\n")
        assert b"(error) ERR unknown command 'nosuch'" in _read_until(leader, b"burner> ")
        os.write(leader, b"select 3\n")
        _read_until(leader, b"burner[3]> ")
        os.write(leader, b"quit\n")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    history = os.path.join(home, ".burner_history")
    with open(history, encoding="utf-8") as f:
        saved = f.read()
    assert "get greeting" in saved and "select 3" in saved


@given(st.lists(st.binary(max_size=12), max_size=6))
@settings(max_examples=200, deadline=None)
def test_quoted_arguments_split_back(args: list[bytes]) -> None:
    # Whatever redis-cli prints for a bulk string reads back as that string.
    line = b" ".join(cli.quote(a) for a in args)
    assert cli.split_line(line) == args
    assert cli.split_line(b"  \t" + line + b" ") == args


@given(st.binary(max_size=40))
@settings(max_examples=300, deadline=None)
def test_split_line_never_raises(line: bytes) -> None:
    result = cli.split_line(line)
    assert result is None or all(isinstance(a, bytes) for a in result)


# --- random replies: printed by redis-cli (from Lua on the real server) and by burner
def _lua_bytes(data: bytes) -> str:
    return '"' + "".join(f"\\{b}" for b in data) + '"'


Built = tuple[str, object]  # (Lua expression, the core reply it stands for)

_SCALARS: st.SearchStrategy[Built] = st.one_of(
    st.integers(min_value=-(2**53), max_value=2**53).map(lambda i: (str(i), i)),
    st.binary(max_size=8).map(lambda b: (_lua_bytes(b), b)),
    st.text(alphabet="abcOK xyz", max_size=6).map(
        lambda t: ("{ok=" + _lua_bytes(t.encode()) + "}", Simple(t.encode()))
    ),
    # (not -0.0: Lua 5.1 folds it into an equal 0 constant of the same chunk)
    st.floats(allow_nan=False, allow_infinity=False, width=64)
    .filter(lambda f: f != 0 or str(f) == "0.0")
    .map(lambda f: ("{double=" + repr(f) + "}", f)),
    st.booleans().map(lambda b: ("true" if b else "false", b)),
)


def _containers(children: st.SearchStrategy[Built]) -> st.SearchStrategy[Built]:
    arrays = st.lists(children, max_size=11).map(
        lambda items: ("{" + ", ".join(e for e, _ in items) + "}", [r for _, r in items])
    )
    # One-entry maps and sets only: Lua table order is not defined for more.
    maps = st.tuples(st.binary(min_size=1, max_size=4), children).map(
        lambda kv: ("{map={[" + _lua_bytes(kv[0]) + "]=" + kv[1][0] + "}}", {kv[0]: kv[1][1]})
    )
    sets = st.binary(min_size=1, max_size=4).map(
        lambda b: ("{set={[" + _lua_bytes(b) + "]=true}}", SetReply([b]))
    )
    return st.one_of(arrays, maps, sets)


REPLIES: st.SearchStrategy[Built] = st.recursive(_SCALARS, _containers, max_leaves=12)


@pytest.mark.parametrize(
    ("resp", "tty"),
    [(3, True), (2, False), (2, True), (3, False)],
    ids=["tty3", "raw2", "tty2", "raw3"],
)
def test_random_replies_print_like_redis_cli(
    redis_server: RedisServerProcess, resp: int, tty: bool
) -> None:
    flags = (["-3"] if resp == 3 else []) + (["--no-raw"] if tty else ["--raw"])

    @given(REPLIES)
    @settings(max_examples=25, deadline=None, database=None)
    def check(built: Built) -> None:
        expression, reply = built
        script = "redis.setresp(3) return " + expression
        want = run_redis_cli(redis_server, [*flags, "EVAL", script, "0"])
        assert want.returncode == 0
        got = cli.render([b"EVAL"], reply, resp, tty)
        assert got == want.stdout, f"{script}: burner {got!r} != redis-cli {want.stdout!r}"

    check()


def test_blocking_command_waits_for_its_timeout() -> None:
    import re

    shell = cli.Shell()
    out: list[bytes] = []
    cli.repl(shell, [b"blpop nolist 0.6", b"blpop nolist 0.1"], out.append, tty=True)
    assert out[0] == b"(nil)\n"
    assert re.fullmatch(rb"\(0\.\d\ds\)\n", out[1]), out
    assert out[2:] == [b"(nil)\n"]
    out.clear()
    cli.repl(shell, [b"blpop nolist 0.6"], out.append, tty=False)
    assert out == [b"\n"]


def test_console_script_entry_point() -> None:
    tomllib = pytest.importorskip("tomllib")
    root = Path(__file__).resolve().parent.parent
    with open(root / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    target = project["scripts"]["burner"]
    module_name, _, attr = target.partition(":")
    import importlib

    entry = getattr(importlib.import_module(module_name), attr)
    assert entry is cli.main


def test_core_fault_prints_an_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    shell = cli.Shell()

    def broken(session: object, argv: list[bytes]) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(shell.server, "execute", broken)
    out: list[bytes] = []
    cli.repl(shell, [b"get k"], out.append, tty=True)
    assert out == [b"(error) ERR RuntimeError: boom\n"]


def test_closed_stdout_ends_quietly() -> None:
    lines = b"".join(b"echo line%d\n" % i for i in range(20000))
    proc = subprocess.Popen(
        [sys.executable, "-m", "burner"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    import threading

    def feed() -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(lines)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    feeder = threading.Thread(target=feed)
    feeder.start()
    assert proc.stdout.readline() == b"line0\n"
    proc.stdout.close()
    assert proc.wait(timeout=60) in (0, 1)
    feeder.join()
    err = proc.stderr.read()
    proc.stderr.close()
    assert b"Traceback" not in err, err.decode(errors="replace")
