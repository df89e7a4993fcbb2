"""Scripting commands: EVAL*, SCRIPT *, FUNCTION *, FCALL* (engine in ../lua.py).

Rules:
- Every argument is validated before a script runs or a library changes.
- EVAL caches the script it compiles, as Redis does (SCRIPT EXISTS sees it).
- A library replaces the old one only after it loaded completely.
"""

from __future__ import annotations

import hashlib
import re

from .. import errors
from ..lua import Function, Library, Script, error_text, run, scripting
from ..lua_dump import dump_libraries, parse_dump
from ..parse import to_int
from ..registry import command
from ..replies import OK, Reply
from ..session import Session

_SCRIPT_FLAGS = frozenset(
    {b"no-writes", b"allow-oom", b"allow-stale", b"no-cluster", b"allow-cross-slot-keys"}
)


def _numkeys(argv: list[bytes], message: str = errors.NOT_INTEGER) -> int:
    n = to_int(argv[2], message)
    if n < 0:
        raise errors.err(errors.NUMKEYS_NEGATIVE)
    if n > len(argv) - 3:
        raise errors.err(errors.NUMKEYS_TOO_MANY)
    return n


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _shebang(body: bytes) -> tuple[bytes, bool]:
    """The code to compile and whether the shebang says no-writes."""
    if not body.startswith(b"#!"):
        return body, False
    end = body.find(b"\n")
    line = body if end < 0 else body[:end]
    parts = line.split(b" ")
    if parts[0] != b"#!lua":
        raise errors.err(errors.shebang_engine(_text(parts[0])))
    no_writes = False
    for part in parts[1:]:
        if not part:
            continue
        if part.startswith(b"flags="):
            for flag in part[6:].split(b","):
                if not flag:
                    continue
                if flag not in _SCRIPT_FLAGS:
                    raise errors.err(errors.shebang_flag(_text(flag)))
                if flag == b"no-writes":
                    no_writes = True
        else:
            raise errors.err(errors.shebang_option(_text(part)))
    return (b"" if end < 0 else body[end:]), no_writes


def _compile(s: Session, body: bytes) -> tuple[bytes, Script]:
    state = scripting(s.server)
    sha = hashlib.sha1(body).hexdigest().encode()
    script = state.scripts.get(sha)
    if script is not None:
        return sha, script
    code, no_writes = _shebang(body)
    compiled = state.eval_rt.compile(code, b"@user_script")
    if type(compiled) is tuple:
        raise errors.err(errors.compile_error(_oneline(compiled[1])))
    fn = compiled
    script = state.scripts[sha] = Script(fn, body, no_writes, sha.decode())
    return sha, script


def _oneline(raw: bytes) -> str:
    return _text(raw).replace("\r", " ").replace("\n", " ")


def _eval(s: Session, argv: list[bytes], script: Script, nkeys: int, ro: bool) -> Reply:
    rt = scripting(s.server).eval_rt
    return run(rt, s, rt.run_script, script.fn, script.name, nkeys, argv[3:], ro or script.readonly)


@command(
    "eval", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", category="scripting"
)
def eval_(s: Session, argv: list[bytes]) -> Reply:
    nkeys = _numkeys(argv)
    _, script = _compile(s, argv[1])
    return _eval(s, argv, script, nkeys, False)


@command(
    "eval_ro",
    -3,
    "readonly noscript stale skip_monitor no_mandatory_keys movablekeys",
    category="scripting",
)
def eval_ro(s: Session, argv: list[bytes]) -> Reply:
    nkeys = _numkeys(argv)
    _, script = _compile(s, argv[1])
    return _eval(s, argv, script, nkeys, True)


def _lookup_sha(s: Session, raw: bytes) -> tuple[bytes, Script]:
    scripts = scripting(s.server).scripts
    script = scripts.get(raw)
    if script is None:
        sha = raw.lower()
        script = scripts.get(sha) if len(sha) == 40 else None
        if script is None:
            raise errors.err(errors.NOSCRIPT)
        return sha, script
    return raw, script


@command(
    "evalsha", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", category="scripting"
)
def evalsha(s: Session, argv: list[bytes]) -> Reply:
    nkeys = _numkeys(argv)
    _, script = _lookup_sha(s, argv[1])
    return _eval(s, argv, script, nkeys, False)


@command(
    "evalsha_ro",
    -3,
    "readonly noscript stale skip_monitor no_mandatory_keys movablekeys",
    category="scripting",
)
def evalsha_ro(s: Session, argv: list[bytes]) -> Reply:
    nkeys = _numkeys(argv)
    _, script = _lookup_sha(s, argv[1])
    return _eval(s, argv, script, nkeys, True)


# --- SCRIPT ---------------------------------------------------------------------------
@command("script|load", 3, "noscript stale", category="scripting")
def script_load(s: Session, argv: list[bytes]) -> Reply:
    sha, _ = _compile(s, argv[2])
    return sha


@command("script|exists", -3, "noscript", category="scripting")
def script_exists(s: Session, argv: list[bytes]) -> Reply:
    scripts = scripting(s.server).scripts
    return [1 if (a in scripts or a.lower() in scripts) else 0 for a in argv[2:]]


def _flush_option(argv: list[bytes], message: str) -> None:
    if len(argv) > 3 or (len(argv) == 3 and argv[2].lower() not in (b"sync", b"async")):
        raise errors.err(message)


@command("script|flush", -2, "noscript", category="scripting")
def script_flush(s: Session, argv: list[bytes]) -> Reply:
    _flush_option(argv, errors.SCRIPT_FLUSH_OPTION)
    scripting(s.server).flush_scripts()
    return OK


@command("script|kill", 2, "noscript allow_busy", category="scripting")
def script_kill(s: Session, argv: list[bytes]) -> Reply:
    raise errors.err(errors.NOTBUSY)


@command("script|debug", 3, "noscript", category="scripting")
def script_debug(s: Session, argv: list[bytes]) -> Reply:
    mode = argv[2].lower()
    if mode == b"no":
        return OK
    if mode in (b"yes", b"sync"):
        raise errors.err(errors.SCRIPT_DEBUG_UNSUPPORTED)
    raise errors.err(errors.SCRIPT_DEBUG_OPTION)


_SCRIPT_HELP = [
    b"SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"DEBUG (YES|SYNC|NO)",
    b"    Set the debug mode for subsequent scripts executed.",
    b"EXISTS <sha1> [<sha1> ...]",
    b"    Return information about the existence of the scripts in the script cache.",
    b"FLUSH [ASYNC|SYNC]",
    b"    Flush the Lua scripts cache. Very dangerous on replicas.",
    b"    When called without the optional mode argument, the behavior is determined by the",
    b"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    b"    * ASYNC: Asynchronously flush the scripts cache.",
    b"    * SYNC: Synchronously flush the scripts cache.",
    b"KILL",
    b"    Kill the currently executing Lua script.",
    b"LOAD <script>",
    b"    Load a script into the scripts cache without executing it.",
    b"HELP",
    b"    Prints this help.",
]


@command("script|help", 2, "loading stale", category="scripting")
def script_help(s: Session, argv: list[bytes]) -> Reply:
    return list(_SCRIPT_HELP)


# --- FUNCTION --------------------------------------------------------------------------
_NAME_RE = re.compile(rb"[A-Za-z0-9_]+\Z")


def _library_name(code: bytes) -> tuple[bytes, bytes]:
    """The library's name and the code to compile (shebang line blanked)."""
    if not code.startswith(b"#!"):
        raise errors.err(errors.MISSING_LIBRARY_METADATA)
    end = code.find(b"\n")
    if end < 0:
        raise errors.err(errors.INVALID_LIBRARY_METADATA)
    parts = code[2:end].rstrip(b"\r").split(b" ")
    engine = parts[0]
    if engine.lower() != b"lua":
        raise errors.err(errors.engine_not_found(_text(engine)))
    name: bytes | None = None
    for part in parts[1:]:
        if not part:
            continue
        if part.startswith(b"name="):
            if name is not None:
                raise errors.err(errors.LIBRARY_NAME_GIVEN_TWICE)
            name = part[5:]
        else:
            raise errors.err(errors.invalid_metadata_value(_text(part)))
    if name is None:
        raise errors.err(errors.INVALID_LIBRARY_METADATA)
    if not _NAME_RE.match(name):
        raise errors.err(errors.BAD_LIBRARY_NAME)
    return name, code[end:]


def load_library(s: Session, code: bytes, replace: bool) -> Library:
    """Compile and run ``code``; register its library (all checks first)."""
    state = scripting(s.server)
    name, body = _library_name(code)
    old = state.libraries.get(name)
    if old is not None and not replace:
        raise errors.err(errors.library_exists(_text(name)))
    rt = state.func_rt
    from ..lua import deadline

    ok, out = rt.load_library(body, min(deadline(s.server), _load_deadline()))
    if not ok:
        raise errors.err(_oneline(b"ERR " + out))
    items = list(out.values())
    if not items:
        raise errors.err(errors.NO_FUNCTIONS_REGISTERED)
    lib = Library(name, code)
    for i in range(0, len(items), 4):
        fname = items[i]
        flags = [f for f in items[i + 2].split(b",") if f]
        desc = items[i + 3] if items[i + 3] is not False else None
        lib.functions[fname] = Function(fname, items[i + 1], flags, desc, lib)
    for fname in lib.functions:
        existing = state.functions.get(fname)
        if existing is not None and existing.library is not old:
            raise errors.err(errors.function_exists(_text(fname)))
    install(s, lib)
    return lib


def install(s: Session, lib: Library) -> None:
    state = scripting(s.server)
    old = state.libraries.pop(lib.name, None)
    if old is not None:
        for fname in old.functions:
            state.functions.pop(fname, None)
    state.libraries[lib.name] = lib
    state.functions.update(lib.functions)


def _load_deadline() -> float:
    import time

    return time.monotonic() + 0.5


@command("function|load", -3, "write denyoom noscript", category="scripting")
def function_load(s: Session, argv: list[bytes]) -> Reply:
    replace = False
    i = 2
    while i < len(argv) - 1:
        if argv[i].lower() == b"replace":
            replace = True
        else:
            raise errors.err(f"ERR Unknown option given: {_text(argv[i])}")
        i += 1
    if i != len(argv) - 1:
        raise errors.err(errors.wrong_arity("function|load"))
    return load_library(s, argv[-1], replace).name


@command("function|delete", 3, "write noscript", category="scripting")
def function_delete(s: Session, argv: list[bytes]) -> Reply:
    state = scripting(s.server)
    lib = state.libraries.pop(argv[2], None)
    if lib is None:
        raise errors.err(errors.LIBRARY_NOT_FOUND)
    for fname in lib.functions:
        state.functions.pop(fname, None)
    return OK


@command("function|flush", -2, "write noscript", category="scripting")
def function_flush(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) > 3:
        raise errors.err(errors.subcommand_syntax(argv[1], "FUNCTION"))
    _flush_option(argv, errors.FUNCTION_FLUSH_OPTION)
    scripting(s.server).flush_functions()
    return OK


@command("function|kill", 2, "noscript allow_busy", category="scripting")
def function_kill(s: Session, argv: list[bytes]) -> Reply:
    raise errors.err(errors.NOTBUSY)


@command("function|stats", 2, "noscript allow_busy", category="scripting")
def function_stats(s: Session, argv: list[bytes]) -> Reply:
    state = scripting(s.server)
    return {
        b"running_script": None,
        b"engines": {
            b"LUA": {
                b"libraries_count": len(state.libraries),
                b"functions_count": len(state.functions),
            }
        },
    }


def _glob(pattern: bytes) -> re.Pattern[bytes]:
    out = bytearray()
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i : i + 1]
        if c == b"*":
            out += b".*"
        elif c == b"?":
            out += b"."
        elif c == b"\\" and i + 1 < n:
            i += 1
            out += re.escape(pattern[i : i + 1])
        elif c == b"[":
            j = pattern.find(b"]", i + 1)
            if j < 0:
                out += re.escape(c)
            else:
                body = pattern[i + 1 : j]
                neg = body.startswith(b"^")
                if neg:
                    body = body[1:]
                out += b"[" + (b"^" if neg else b"") + body.replace(b"\\", b"\\\\") + b"]"
                i = j
        else:
            out += re.escape(c)
        i += 1
    return re.compile(bytes(out) + rb"\Z", re.DOTALL)


@command("function|list", -2, "noscript", category="scripting")
def function_list(s: Session, argv: list[bytes]) -> Reply:
    with_code = False
    pattern: re.Pattern[bytes] | None = None
    i = 2
    while i < len(argv):
        opt = argv[i].lower()
        if opt == b"withcode" and not with_code:
            with_code = True
        elif opt == b"libraryname" and pattern is None:
            if i + 1 >= len(argv):
                raise errors.err(errors.LIBRARY_NAME_MISSING)
            i += 1
            pattern = _glob(argv[i])
        else:
            raise errors.err(errors.unknown_argument(_text(argv[i])))
        i += 1
    out = []
    for lib in scripting(s.server).libraries.values():
        if pattern is not None and not pattern.match(lib.name):
            continue
        entry: dict[bytes, Reply] = {
            b"library_name": lib.name,
            b"engine": b"LUA",
            b"functions": [
                {
                    b"name": f.name,
                    b"description": f.description,
                    b"flags": list(f.flags),
                }
                for f in lib.functions.values()
            ],
        }
        if with_code:
            entry[b"library_code"] = lib.code
        out.append(entry)
    return out


@command("function|dump", 2, "noscript", category="scripting")
def function_dump(s: Session, argv: list[bytes]) -> Reply:
    return dump_libraries([lib.code for lib in scripting(s.server).libraries.values()])


@command("function|restore", -3, "write denyoom noscript", category="scripting")
def function_restore(s: Session, argv: list[bytes]) -> Reply:
    policy = b"append"
    if len(argv) > 4:
        raise errors.err(errors.subcommand_syntax(argv[1], "FUNCTION"))
    if len(argv) == 4:
        policy = argv[3].lower()
        if policy not in (b"flush", b"append", b"replace"):
            raise errors.err(errors.RESTORE_POLICY)
    codes = parse_dump(argv[2])
    if codes is None:
        raise errors.err(errors.DUMP_PAYLOAD)
    state = scripting(s.server)
    saved_libs = dict(state.libraries)
    saved_funcs = dict(state.functions)
    if policy == b"flush":
        state.libraries.clear()
        state.functions.clear()
    try:
        for code in codes:
            name, _ = _library_name(code)
            if policy == b"append" and name in state.libraries:
                raise errors.err(f"ERR Library {_text(name)} already exists")
            load_library(s, code, True)
    except Exception:
        state.libraries.clear()
        state.libraries.update(saved_libs)
        state.functions.clear()
        state.functions.update(saved_funcs)
        raise
    return OK


_FUNCTION_HELP = [
    b"FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    b"LOAD [REPLACE] <FUNCTION CODE>",
    b"    Create a new library with the given library name and code.",
    b"DELETE <LIBRARY NAME>",
    b"    Delete the given library.",
    b"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    b"    Return general information on all the libraries:",
    b"    * Library name",
    b"    * The engine used to run the Library",
    b"    * Library description",
    b"    * Functions list",
    b"    * Library code (if WITHCODE is given)",
    b"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    b"STATS",
    b"    Return information about the current function running:",
    b"    * Function name",
    b"    * Command used to run the function",
    b"    * Duration in MS that the function is running",
    b"    If no function is running, return nil",
    b"    In addition, returns a list of available engines.",
    b"KILL",
    b"    Kill the current running function.",
    b"FLUSH [ASYNC|SYNC]",
    b"    Delete all the libraries.",
    b"    When called without the optional mode argument, the behavior is determined by the",
    b"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    b"    * ASYNC: Asynchronously flush the libraries.",
    b"    * SYNC: Synchronously flush the libraries.",
    b"DUMP",
    b"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    b"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    b"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    b"    control how to handle existing libraries (default APPEND):",
    b"    * FLUSH: delete all existing libraries.",
    b"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    b"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    b"      libraries with the new libraries (notice that even on this option there is a chance of failure",
    b"      in case of functions name collision with another library).",
    b"HELP",
    b"    Prints this help.",
]


@command("function|help", 2, "loading stale", category="scripting")
def function_help(s: Session, argv: list[bytes]) -> Reply:
    return list(_FUNCTION_HELP)


# --- FCALL -----------------------------------------------------------------------------
def _fcall(s: Session, argv: list[bytes], ro: bool) -> Reply:
    state = scripting(s.server)
    fn = state.functions.get(argv[1])
    if fn is None:
        raise errors.err(errors.FUNCTION_NOT_FOUND)
    nkeys = _numkeys(argv, errors.FCALL_BAD_NUMKEYS)
    no_writes = b"no-writes" in fn.flags
    if ro and not no_writes:
        raise errors.err(errors.RO_WITH_WRITE_SCRIPT)
    rt = state.func_rt
    return run(
        rt, s, rt.run_function, fn.fn, _text(fn.name), nkeys, argv[3:], ro or no_writes
    )


@command(
    "fcall", -3, "noscript stale skip_monitor no_mandatory_keys movablekeys", category="scripting"
)
def fcall(s: Session, argv: list[bytes]) -> Reply:
    return _fcall(s, argv, False)


@command(
    "fcall_ro",
    -3,
    "readonly noscript stale skip_monitor no_mandatory_keys movablekeys",
    category="scripting",
)
def fcall_ro(s: Session, argv: list[bytes]) -> Reply:
    return _fcall(s, argv, True)


__all__ = ["error_text", "install", "load_library"]
