"""Lua scripting engine (DESIGN.md D7): lupa's Lua 5.1, sandboxed.

Rules:
- One ``Scripting`` per Server holds two Lua runtimes, as Redis does: one for
  EVAL scripts (dropped whole by SCRIPT FLUSH, which is what keeps memory flat)
  and one for FUNCTION libraries (dropped by FUNCTION FLUSH).
- A script compiles once per SHA1; EVALSHA calls the compiled function.
- The sandbox is built in Lua (``lua_boot``): scripts see read-only globals
  and no Python object; Python callables are reached only through closures.
  Python callbacks never raise into Lua: they return (kind, value) pairs.
- ``redis.call`` goes straight to the registry's handlers with the calling
  session (the facade already holds the Server lock for the whole script).
- Time limit: a Lua count hook aborts a script running longer than
  ``busy-reply-threshold`` (alias ``lua-time-limit``) ms. Redis would keep
  running it and answer BUSY to others until SCRIPT KILL; burner runs one
  script at a time under one lock, so it can only abort. Writes the script
  made before the abort are kept (Redis has no rollback either).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import math
import time
import weakref
from typing import TYPE_CHECKING, Any

import lupa.lua51 as lupa51

from . import registry
from ._version_info import REDIS_VERSION
from .lua_boot import BOOT
from .lua_libs import LibError, make_libs
from .parse import INT64_MAX, INT64_MIN
from .replies import BigNumber, Block, CommandError, Pairs, Reply, SetReply, Simple, Verbatim

if TYPE_CHECKING:
    from .session import Session
    from .state import ServerState

log = logging.getLogger("burner.lua")

_LOG_LEVELS = (logging.DEBUG, logging.INFO, logging.INFO, logging.WARNING)

# kinds returned by the redis.call bridge (see lua_boot r_call)
_PLAIN, _STATUS, _ERROR, _TABLE = 0, 1, 2, 3

_ARGS_TYPE = "ERR Lua redis lib command arguments must be strings or integers"
_NO_ARGS = "ERR Please specify at least one argument for this redis lib call"
_UNKNOWN = "ERR Unknown Redis command called from script"
_ARITY = "ERR Wrong number of args calling Redis command from script"
_NOSCRIPT = "ERR This Redis command is not allowed from script"
_RO_WRITE = "ERR Write commands are not allowed from read-only scripts."
_NO_ARGS_B = _NO_ARGS.encode()
_ARGS_TYPE_B = _ARGS_TYPE.encode()
_UNKNOWN_B = _UNKNOWN.encode()
_ARITY_B = _ARITY.encode()
_NOSCRIPT_B = _NOSCRIPT.encode()
_RO_WRITE_B = _RO_WRITE.encode()
# commands whose BLOCK option scripts may not use
_NO_BLOCK_OPTION = frozenset({"xread", "xreadgroup"})
_lookup = registry.lookup

# more script arguments than this travel as one Lua table
_MAX_VARARGS = 100


def _version_num(version: bytes) -> int:
    parts = [int(p) for p in version.split(b".")[:3]]
    while len(parts) < 3:
        parts.append(0)
    return (parts[0] << 16) | (parts[1] << 8) | parts[2]


def _deny(obj: object, name: object, is_setting: bool) -> object:
    raise AttributeError("access denied")


def _sha1(data: bytes) -> bytes:
    return hashlib.sha1(data).hexdigest().encode()


def _to_int(x: Any) -> int:
    """A Lua number as Redis turns it into an integer reply (C cast)."""
    if type(x) is int:
        if INT64_MIN <= x <= INT64_MAX:
            return x
        return INT64_MIN
    if math.isnan(x) or math.isinf(x):
        return INT64_MIN
    v = int(x)
    if INT64_MIN <= v <= INT64_MAX:
        return v
    return INT64_MIN


def _arg(a: Any) -> bytes | None:
    kind = type(a)
    if kind is bytes:
        return a  # type: ignore[no-any-return]
    if kind is int:
        if -(10**15) < a < 10**15:
            return b"%d" % a
        return b"%.17g" % float(a)
    if kind is float:
        return b"%.17g" % a
    return None


def _oneline(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def _text(raw: Any) -> str:
    if type(raw) is bytes:
        return raw.decode("utf-8", "replace")
    return str(raw)


def error_text(message: str) -> str:
    """A command's error as redis.call sees it: with a code, trimmed."""
    if " " not in message:
        return "ERR " + message.strip("\r\n")
    return message.strip("\r\n")


class Runtime:
    """One Lua state with the sandbox loaded."""

    __slots__ = (
        "__weakref__",
        "cfuncs",
        "compile",
        "load_library",
        "lua",
        "readonly",
        "resp",
        "run_function",
        "run_script",
        "session",
        "table",
    )

    def __init__(self) -> None:
        lua = lupa51.LuaRuntime(
            encoding=None,
            register_eval=False,
            register_builtins=False,
            unpack_returned_tuples=True,
            attribute_filter=_deny,
        )
        self.lua = lua
        self.session: Session | None = None
        self.readonly = False
        self.resp = 2
        self.table = lua.table_from
        self.cfuncs: list[Any] = []
        # Everything Lua holds refers to this runtime weakly: a strong link
        # would be a cycle through Lua that Python's collector cannot see.
        ref = weakref.ref(self)

        def call(resp: int, *args: Any) -> Any:
            return ref()._call(resp, *args)  # type: ignore[union-attr]

        def raising_call(*args: Any) -> Any:
            rt = ref()
            assert rt is not None
            kind, value = rt._call(rt.resp, *args)
            if kind == _PLAIN or kind == _TABLE:
                return value
            if kind == _STATUS:
                return rt.table({b"ok": value})
            # The exception stays in Lua until Lua's collector frees it: its
            # traceback must not hold anything that holds the runtime.
            del rt, args
            raise ScriptCallError(value)

        def setresp(resp: int) -> None:
            ref()._setresp(resp)  # type: ignore[union-attr]

        def cwrap(f: Any) -> Any:
            rt = ref()
            assert rt is not None
            rt.cfuncs.append(f)
            return _cwrap(ref, len(rt.cfuncs) - 1)

        py = lua.table_from(
            {
                b"call": call,
                b"raising_call": raising_call,
                b"error_text": _error_text,
                b"setresp": setresp,
                b"cwrap": cwrap,
                b"now": time.monotonic,
                b"log": _log,
                b"sha1": _sha1,
                b"acl": _acl,
                b"version": REDIS_VERSION,
                b"version_num": _version_num(REDIS_VERSION),
                b"libs": make_libs(ref),
            }
        )
        loader = lua.eval("loadstring")
        chunk = loader(BOOT, b"=burner")
        if type(chunk) is tuple:  # pragma: no cover - the boot code is ours
            raise RuntimeError(chunk[1])
        api = chunk(py)
        self.compile = api[b"compile"]
        self.run_script = api[b"run_script"]
        self.run_function = api[b"run_function"]
        self.load_library = api[b"load_library"]

    def collect(self) -> None:
        """A full Lua collection: frees error values that hold Python objects."""
        self.lua.execute("collectgarbage('collect')")

    # --- redis.call ----------------------------------------------------------
    def _setresp(self, resp: int) -> None:
        self.resp = int(resp)

    def _call(self, resp: int, *args: Any) -> tuple[int, Any]:
        try:
            return self._dispatch(resp, args)
        except CommandError as exc:
            return _ERROR, error_text(exc.message).encode()
        except Exception as exc:  # never let a Python error reach Lua
            log.exception("error inside redis.call")
            return _ERROR, ("ERR " + type(exc).__name__).encode()

    def _dispatch(self, resp: int, args: tuple[Any, ...]) -> tuple[int, Any]:
        if not args:
            return _ERROR, _NO_ARGS_B
        argv: list[bytes] = []
        append = argv.append
        for a in args:
            if type(a) is bytes:
                append(a)
                continue
            b = _arg(a)
            if b is None:
                return _ERROR, _ARGS_TYPE_B
            append(b)
        found = _lookup(argv)
        if type(found) is CommandError:
            if found.message.startswith("ERR wrong number"):
                return _ERROR, _ARITY_B
            return _ERROR, _UNKNOWN_B
        cmd: registry.Command = found  # type: ignore[assignment]
        flags = cmd.flags
        if "noscript" in flags:
            return _ERROR, _NOSCRIPT_B
        if self.readonly and "write" in flags:
            return _ERROR, _RO_WRITE_B
        name = cmd.name
        if name in _NO_BLOCK_OPTION and any(a.lower() == b"block" for a in argv):
            # Redis names the command as the script spelled it.
            return _ERROR, b"ERR " + argv[0] + b" command is not allowed with BLOCK option from scripts"
        session = self.session
        assert session is not None
        saved = session.resp
        if saved != resp:
            session.resp = resp
        try:
            reply = cmd.handler(session, argv)  # type: ignore[misc]
        except CommandError as exc:
            reply = exc
        finally:
            if saved != resp:
                session.resp = saved
        kind = type(reply)
        if kind is bytes or kind is int:
            return _PLAIN, reply
        return self._to_lua(reply, resp)

    def _to_lua(self, reply: Reply, resp: int) -> tuple[int, Any]:
        kind = type(reply)
        if kind is bytes or kind is int:
            return _PLAIN, reply
        if kind is Simple:
            return _STATUS, bytes(reply)
        if reply is None:
            return _PLAIN, (None if resp == 3 else False)
        if kind is CommandError:
            return _ERROR, error_text(reply.message).encode()
        if kind is list and all(type(x) is bytes for x in reply):
            return _TABLE, self.table(reply)
        if kind is Block:
            # blocking commands run as their non-blocking form in scripts
            return self._to_lua(reply.timeout_reply, resp)
        return _TABLE, self._value(reply, resp)

    def _value(self, reply: Reply, resp: int) -> Any:
        kind = type(reply)
        if kind is bytes or kind is int:
            return reply
        if reply is None:
            return None if resp == 3 else False
        if kind is bool:
            return reply if resp == 3 else int(reply)
        if kind is Simple:
            return self.table({b"ok": bytes(reply)})
        if kind is CommandError:
            return self.table({b"err": error_text(reply.message).encode()})
        if kind is float:
            if resp == 3:
                return self.table({b"double": reply})
            from .parse import format_double

            return format_double(reply)
        if kind is BigNumber:
            if resp == 3:
                return self.table({b"big_number": str(int(reply)).encode()})
            return str(int(reply)).encode()
        if kind is Verbatim:
            if resp == 3:
                inner = self.table({b"format": reply.fmt, b"string": bytes(reply)})
                return self.table({b"verbatim_string": inner})
            return bytes(reply)
        if kind is dict:
            if resp == 3:
                m = self.table({})
                for k, v in reply.items():
                    m[self._value(k, resp)] = self._value(v, resp)
                return self.table({b"map": m})
            flat: list[Any] = []
            for k, v in reply.items():
                flat.append(self._value(k, resp))
                flat.append(self._value(v, resp))
            return self.table(flat)
        if kind is Pairs and resp == 3:
            items = [self._value(x, resp) for x in reply]
            return self.table([self.table(items[i : i + 2]) for i in range(0, len(items), 2)])
        if kind is SetReply and resp == 3:
            s = self.table({})
            for item in reply:
                s[self._value(item, resp)] = True
            return self.table({b"set": s})
        if isinstance(reply, list):
            return self.table([self._value(x, resp) for x in reply])
        if kind is Block:
            return self._value(reply.timeout_reply, resp)
        raise TypeError(f"cannot convert {kind!r}")


class ScriptCallError(Exception):
    """A redis.call error on its way through Lua (see lua_boot ``plain``)."""


def _error_text(exc: object) -> tuple[bytes, bool]:
    """The text of an error raised by Python code called from a script, and
    whether Lua should prefix it with the caller's position."""
    if isinstance(exc, ScriptCallError):
        text: bytes = exc.args[0]
        return text, False
    if isinstance(exc, LibError):
        return str(exc).encode(), True
    return b"ERR Error in Lua runtime", False


def _cwrap(ref: Any, index: int) -> Any:
    """A Python (C-level) function calling the runtime's Lua function number
    ``index``, which returns pcall's results; a failure is re-raised as a
    ScriptCallError."""

    def call(*args: Any) -> Any:
        res = ref().cfuncs[index](*args)
        if type(res) is not tuple:
            if res:
                return None
            raise ScriptCallError(b"ERR Error in Lua runtime")
        if res[0]:
            return res[1] if len(res) == 2 else res[1:]
        e = res[1]
        if lupa51.lua_type(e) == "table":
            text = e[b"err"]
            if type(text) is not bytes:
                text = b"ERR Error in Lua runtime"
        else:
            text = b"ERR " + (e if type(e) is bytes else str(e).encode())
        # nothing that holds the runtime may stay in the traceback
        del res, e, args
        raise ScriptCallError(text)

    return call


def _log(level: int, message: bytes) -> None:
    log.log(_LOG_LEVELS[int(level)], "%s", message.decode("utf-8", "replace"))


def _acl(*args: Any) -> bool:
    argv = [_arg(a) or b"" for a in args]
    found = registry.lookup(argv)
    return type(found) is not CommandError


# --- results ---------------------------------------------------------------------
def _decode(items: tuple[Any, ...] | list[Any], i: int, resp: int) -> tuple[Reply, int]:
    tag = items[i]
    v = items[i + 1]
    if tag == b"s":
        return v, i + 2
    if tag == b"i":
        return _to_int(v), i + 2
    if tag == b"a":
        out: list[Reply] = []
        i += 2
        for _ in range(v):
            x, i = _decode(items, i, resp)
            out.append(x)
        return out, i
    if tag == b"z":
        return None, i + 2
    if tag == b"e":
        return CommandError(_oneline(_text(v))), i + 2
    if tag == b"o":
        return Simple(_oneline(_text(v)).encode()), i + 2
    if tag == b"T":
        return (True if resp == 3 else 1), i + 2
    if tag == b"F":
        return (False if resp == 3 else None), i + 2
    if tag == b"d":
        return float(v), i + 2
    if tag == b"g":
        try:
            return BigNumber(int(v)), i + 2
        except ValueError:
            return v, i + 2
    if tag == b"v":
        return Verbatim(v), i + 2
    if tag == b"m":
        m: dict[Any, Reply] = {}
        i += 2
        for _ in range(v):
            k, i = _decode(items, i, resp)
            val, i = _decode(items, i, resp)
            if type(k) is list:
                k = tuple(k)
            elif type(k) is CommandError:
                k = k.message
            m[k] = val
        return m, i
    if tag == b"S":
        s = SetReply()
        i += 2
        for _ in range(v):
            x, i = _decode(items, i, resp)
            s.append(x)
        return s, i
    raise ValueError(f"bad tag {tag!r}")  # pragma: no cover


def result(res: Any, name: str, resp: int) -> Reply:
    """A script's result (as ``finish`` in lua_boot encodes it) as a reply."""
    if type(res) is not tuple:
        tag = res
        if tag == b"z":
            return None
        if tag == b"T":
            return True if resp == 3 else 1
        if tag == b"F":
            return False if resp == 3 else None
        raise ValueError(f"bad result {res!r}")  # pragma: no cover
    tag = res[0]
    if tag == b"s":
        return res[1]
    if tag == b"i":
        return _to_int(res[1])
    if tag == b"L":
        return _decode(res, 1, resp)[0]
    if tag == b"B":
        return _decode(list(res[1].values()), 0, resp)[0]
    if tag == b"E":
        message = _text(res[1])
        source, line = res[2], res[3]
        if source is not None and line is not None:
            text = f"{message} script: {name}, on {_text(source)}:{line}."
        else:
            text = f"{message} script: {name}."
        return CommandError(_oneline(text))
    raise ValueError(f"bad result {res!r}")  # pragma: no cover


# --- per-server state -----------------------------------------------------------
class Function:
    __slots__ = ("description", "flags", "fn", "library", "name")

    def __init__(
        self, name: bytes, fn: Any, flags: list[bytes], description: bytes | None, library: Library
    ) -> None:
        self.name = name
        self.fn = fn
        self.flags = flags
        self.description = description
        self.library = library


class Library:
    __slots__ = ("code", "functions", "name")

    def __init__(self, name: bytes, code: bytes) -> None:
        self.name = name
        self.code = code
        self.functions: dict[bytes, Function] = {}


class Script:
    __slots__ = ("body", "fn", "name", "readonly")

    def __init__(self, fn: Any, body: bytes, readonly: bool, name: str) -> None:
        self.fn = fn
        self.body = body
        self.readonly = readonly
        self.name = name


class Scripting:
    """A Server's scripts and function libraries."""

    __slots__ = ("_eval_rt", "_func_rt", "functions", "libraries", "scripts")

    def __init__(self) -> None:
        self._eval_rt: Runtime | None = None
        self._func_rt: Runtime | None = None
        self.scripts: dict[bytes, Script] = {}
        self.libraries: dict[bytes, Library] = {}
        self.functions: dict[bytes, Function] = {}

    @property
    def eval_rt(self) -> Runtime:
        rt = self._eval_rt
        if rt is None:
            rt = self._eval_rt = Runtime()
        return rt

    @property
    def func_rt(self) -> Runtime:
        rt = self._func_rt
        if rt is None:
            rt = self._func_rt = Runtime()
        return rt

    def flush_scripts(self) -> None:
        self.scripts = {}
        if self._eval_rt is not None:
            self._eval_rt.collect()
            alive = weakref.ref(self._eval_rt)
            self._eval_rt = None
            _drop(alive)

    def flush_functions(self) -> None:
        self.libraries = {}
        self.functions = {}
        if self._func_rt is not None:
            self._func_rt.collect()
            alive = weakref.ref(self._func_rt)
            self._func_rt = None
            _drop(alive)


def _drop(alive: weakref.ref[Runtime]) -> None:
    """Make sure a dropped runtime is freed now. A Python error raised inside
    a script keeps its frames (and so the runtime) in a cycle until the
    collector runs: run it when that is what still holds the runtime."""
    if alive() is not None:
        gc.collect()
    _release_memory()


def _trimmer() -> Any:
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


_malloc_trim = _trimmer()


def _release_memory() -> None:
    """Hand the freed Lua heap back to the OS (glibc keeps it otherwise)."""
    if _malloc_trim is not None:
        _malloc_trim(0)


_ATTR = "_burner_scripting"


def scripting(server: ServerState) -> Scripting:
    state: Scripting | None = getattr(server, _ATTR, None)
    if state is None:
        state = Scripting()
        setattr(server, _ATTR, state)
    return state


_limit_cache: list[Any] = [None, None, 5.0]


def deadline(server: ServerState) -> float:
    """When a script starting now must stop: ``busy-reply-threshold`` (or its
    old name ``lua-time-limit``, whichever was changed) ms from now."""
    config = server.config
    limit = config.get("busy-reply-threshold", b"5000")
    other = config.get("lua-time-limit", b"5000")
    cache = _limit_cache
    if limit is not cache[0] or other is not cache[1]:
        chosen = other if limit == b"5000" and other != b"5000" else limit
        try:
            ms = int(chosen)
        except ValueError:
            ms = 5000
        cache[0], cache[1], cache[2] = limit, other, (ms / 1000.0 if ms > 0 else math.inf)
    return time.monotonic() + cache[2]  # type: ignore[no-any-return]


def run(
    rt: Runtime,
    s: Session,
    runner: Any,
    fn: Any,
    name: str,
    nkeys: int,
    args: list[bytes],
    readonly: bool,
) -> Reply:
    """Run ``fn`` with ``runner`` (run_script or run_function) as ``s``."""
    saved = rt.session, rt.readonly
    saved_db, saved_resp = s.db, s.resp
    rt.session = s
    rt.readonly = readonly
    rt.resp = 2
    try:
        if len(args) <= _MAX_VARARGS:
            res = runner(fn, deadline(s.server), nkeys, False, *args)
        else:
            res = runner(fn, deadline(s.server), nkeys, rt.table(args))
        resp = rt.resp
    finally:
        rt.session, rt.readonly = saved
        s.db, s.resp = saved_db, saved_resp
    return result(res, name, resp)


__all__ = [
    "Function",
    "Library",
    "Runtime",
    "Script",
    "Scripting",
    "error_text",
    "run",
    "scripting",
]
