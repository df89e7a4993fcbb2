"""What the sync and async facades share (DESIGN.md D4, D5).

- ``encode_args``: turn redis-py call arguments into argv exactly as redis-py's
  Python serializer would put them on the wire.
- ``Bridge``: one client's link to a Server: its Session, the protocol it speaks,
  its decoding, and redis-py's own response callbacks. ``shape`` turns a core
  reply into what redis-py's parser would have returned for that protocol;
  ``finish`` applies NEVER_DECODE / EMPTY_RESPONSE / callbacks the way
  ``redis.Redis.parse_response`` does.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from itertools import chain
from typing import Any, cast

import redis
from redis._parsers import BaseParser
from redis._parsers.encoders import Encoder
from redis.exceptions import ResponseError

from ._core.parse import format_double
from ._core.replies import (
    BigNumber,
    Block,
    CommandError,
    Pairs,
    Reply,
    SetReply,
    Simple,
    Verbatim,
)
from ._core.server import Server, named_server
from ._core.session import Session
from ._guard import NoSocketConnection, parse_memory_url

NEVER_DECODE = "NEVER_DECODE"
EMPTY_RESPONSE = "EMPTY_RESPONSE"

_parse_error: Callable[[str], ResponseError] = BaseParser.parse_error


def _default_protocol() -> int:
    # redis-py 8 speaks RESP3 when no protocol is given; 6 and 7 speak RESP2.
    try:
        from redis.utils import DEFAULT_RESP_VERSION  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return 2
    return int(DEFAULT_RESP_VERSION)


DEFAULT_PROTOCOL = _default_protocol()


def wire_protocol(protocol: object) -> int:
    if protocol is None:
        return DEFAULT_PROTOCOL
    try:
        value = int(protocol)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DEFAULT_PROTOCOL
    return 3 if value == 3 else 2


# Command names as redis-py's methods spell them ("SET", "CLIENT LIST") -> argv words.
_NAME_WORDS: dict[str, tuple[bytes, ...]] = {}


def encode_commands(
    commands: Iterable[tuple[tuple[Any, ...], Any]],
    encoding: str,
    errors: str,
    skip_empty: bool = False,
) -> list[list[bytes] | None]:
    """Each of redis-py's queued ``(args, options)`` as argv, exactly as its
    serializer would put it on the wire: the command name split into words,
    str in the client's encoding, numbers by ``repr``, anything else as
    redis-py's Encoder takes or refuses it (DataError). With ``skip_empty``,
    a command whose options hold EMPTY_RESPONSE gives None: redis-py's
    transactions do not send those.

    This is a pipeline's loop, so it is written for speed: one call for the
    whole stack, and commands of two or three words (GET k, SET k v, HGET h
    f...) unrolled, since a loop over a slice of their arguments costs more
    than encoding them. Single commands (``encode_args``) come through here
    too, so there is one encoder."""
    utf8 = encoding == "utf-8" and errors == "strict"  # str.encode() is quickest bare
    argvs: list[list[bytes] | None] = []
    push = argvs.append
    words_of = _NAME_WORDS.get
    for args, options in commands:
        if skip_empty and options and EMPTY_RESPONSE in options:
            push(None)
            continue
        first = args[0]
        words = words_of(first) if first.__class__ is str else None
        if words is None:
            words = _name_words(first)
        argc = len(args)
        if argc == 3:
            a = args[1]
            b = args[2]
            push([
                *words,
                a if a.__class__ is bytes else a.encode() if utf8 and a.__class__ is str
                else _word(a, encoding, errors),
                b if b.__class__ is bytes else b.encode() if utf8 and b.__class__ is str
                else _word(b, encoding, errors),
            ])
        elif argc == 2:
            a = args[1]
            push([
                *words,
                a if a.__class__ is bytes else a.encode() if utf8 and a.__class__ is str
                else _word(a, encoding, errors),
            ])
        else:
            out = [*words]
            append = out.append
            for a in args[1:]:
                append(
                    a if a.__class__ is bytes else a.encode() if utf8 and a.__class__ is str
                    else _word(a, encoding, errors)
                )
            push(out)
    return argvs


def _name_words(name: Any) -> tuple[bytes, ...]:
    """The argv words of a command name not yet in ``_NAME_WORDS``."""
    if isinstance(name, str):
        words = tuple(name.encode().split())
        if len(_NAME_WORDS) < 4096 and type(name) is str:
            _NAME_WORDS[name] = words
        return words
    if b" " in name:
        return tuple(bytes(name).split())
    return (bytes(name),)


def _word(arg: Any, encoding: str, errors: str) -> bytes:
    """One argument that is not bytes (str too, unless the client's codec is
    utf-8 with strict errors, which ``encode_commands`` handles inline)."""
    kind = arg.__class__
    if kind is str:
        return arg.encode(encoding, errors)  # type: ignore[no-any-return]
    if kind is int or kind is float:
        return repr(arg).encode()
    return _encode_other(arg, encoding, errors)


def encode_args(args: tuple[Any, ...], encoding: str, errors: str) -> list[bytes]:
    """One command's arguments as argv (see ``encode_commands``)."""
    return encode_commands(((args, None),), encoding, errors)[0]  # type: ignore[return-value]


def _encode_other(value: Any, encoding: str, errors: str) -> bytes:
    """Anything but str/bytes/int/float: exactly what the installed redis-py's
    Encoder accepts or refuses (redis-py 6 refuses bytearray, later releases
    take it)."""
    encoder: Any = Encoder(encoding, errors, False)  # type: ignore[no-untyped-call,unused-ignore]
    return bytes(encoder.encode(value))


_dict_get = dict.get


def callback_for(callbacks: Mapping[Any, Any], command_name: Any) -> Any:
    """``callbacks.get(command_name)`` for redis-py's case-insensitive dict
    (a dict subclass whose keys are upper case): plain dict lookups, no
    Python-level method."""
    table = cast("dict[Any, Any]", callbacks)
    callback = _dict_get(table, command_name)
    if callback is None and type(command_name) is str and not command_name.isupper():
        callback = _dict_get(table, command_name.upper())
    return callback


def _encodes_as_ascii(encoding: str, errors: str) -> bool:
    words = "SET EX NX XX GET LIMIT WITHSCORES COUNT NOACK STREAMS GROUP"
    try:
        return words.encode(encoding, errors) == words.encode("ascii")
    except (LookupError, UnicodeError):
        return False


class Bridge:
    """One client's connection to a Server, minus the socket."""

    __slots__ = (
        "ascii_words",
        "callbacks",
        "decode",
        "encoding",
        "encoding_errors",
        "lock",
        "resp",
        "server",
        "session",
    )

    def __init__(
        self,
        server: Server,
        *,
        db: int,
        protocol: object,
        decode_responses: bool,
        encoding: str,
        encoding_errors: str,
        client_name: str | None,
        callbacks: dict[Any, Callable[..., Any]],
    ) -> None:
        self.server = server
        self.lock = server.lock
        self.resp = wire_protocol(protocol)
        self.decode = decode_responses
        self.encoding = encoding
        self.encoding_errors = encoding_errors
        # Whether option words ("EX", "LIMIT"...) that redis-py sends as str
        # come out as the ASCII bytes Redis expects in this encoding.
        self.ascii_words = _encodes_as_ascii(encoding, encoding_errors)
        self.callbacks = callbacks
        self.session = self.new_session(db, client_name)

    def new_session(self, db: int = 0, client_name: str | None = None) -> Session:
        with self.lock:
            session = self.server.new_session(self.resp)
            if db:
                if not 0 <= db < len(self.server.dbs):
                    raise ResponseError("DB index is out of range")
                session.select(db)
            if client_name:
                session.name = client_name.encode(self.encoding, self.encoding_errors)
            session.lib_name = b"redis-py"
            session.lib_ver = redis.__version__.encode()
        return session

    def close(self) -> None:
        with self.lock:
            self.server.close_session(self.session)

    def encode(self, args: tuple[Any, ...]) -> list[bytes]:
        return encode_args(args, self.encoding, self.encoding_errors)

    def run(self, argv: list[bytes], session: Session | None = None) -> Reply:
        server = self.server
        with self.lock:
            server.sweep_if_due()
            return server.execute(session or self.session, argv)

    # --- reply shaping -----------------------------------------------------------
    def shape(self, reply: Reply, decode: bool) -> Any:
        """``reply`` as redis-py's pure-Python parser returns it (errors as
        exception instances, not raised)."""
        kind = type(reply)
        if kind is bytes:
            return reply.decode(self.encoding, self.encoding_errors) if decode else reply
        if kind is int or reply is None:
            return reply
        if kind is list:
            return self.shape_list(reply, decode)
        if kind is Simple or kind is Verbatim:
            raw = bytes(reply)
            return raw.decode(self.encoding, self.encoding_errors) if decode else raw
        if kind is CommandError:
            return _parse_error(reply.message)
        if kind is float:
            if self.resp == 3:
                return reply
            raw = format_double(reply)
            return raw.decode() if decode else raw
        if kind is bool:
            return reply if self.resp == 3 else int(reply)
        if kind is dict:
            if self.resp == 3:
                out: dict[Any, Any] = {}
                shape = self.shape
                for k, v in reply.items():
                    sk = k if type(k) is bytes and not decode else shape(k, decode)
                    if type(sk) is list:
                        sk = tuple(sk)
                    out[sk] = v if type(v) is bytes and not decode else shape(v, decode)
                return out
            return self.shape_list([*chain.from_iterable(reply.items())], decode)
        if kind is SetReply:
            return self.shape_list(reply, decode)
        if kind is Pairs:
            items = self.shape_list(reply, decode)
            if self.resp == 3:
                return [items[i : i + 2] for i in range(0, len(items), 2)]
            return items
        if kind is BigNumber:
            if self.resp == 3:
                return int(reply)
            raw = str(int(reply)).encode()
            return raw.decode() if decode else raw
        if kind is Block:
            # A blocking command on a path that cannot wait (a pipeline):
            # it answers as if its timeout had passed at once.
            return self.shape(reply.timeout_reply, decode)
        raise TypeError(f"unexpected reply type {kind!r}")

    def shape_list(self, items: list[Reply], decode: bool) -> list[Any]:
        """``shape`` over a list, with strings, integers, nils and nested
        lists inlined (stream entries are lists of lists of strings). Always
        a new list: a reply may hold a list the keyspace keeps."""
        encoding = self.encoding
        encoding_errors = self.encoding_errors
        out: list[Any] = []
        append = out.append
        for item in items:
            kind = type(item)
            if kind is bytes:
                append(item.decode(encoding, encoding_errors) if decode else item)
            elif kind is int or item is None:
                append(item)
            elif kind is list:
                append(self.shape_list(item, decode))
            elif kind is Simple and decode:
                append(item.decode(encoding, encoding_errors))
            else:
                append(self.shape(item, decode))
        return out

    def finish(self, command_name: Any, reply: Reply, options: dict[str, Any]) -> Any:
        """Everything ``redis.Redis.parse_response`` does after reading a reply,
        except awaiting an async callback (the async facade does that)."""
        kind = type(reply)
        decode = self.decode
        if options:
            if NEVER_DECODE in options:
                options.pop(NEVER_DECODE)
                decode = False
            if kind is CommandError and EMPTY_RESPONSE in options:
                return options[EMPTY_RESPONSE]
            options.pop(EMPTY_RESPONSE, None)
            options.pop("keys", None)
        response: Any
        if kind is bytes:
            response = reply.decode(self.encoding, self.encoding_errors) if decode else reply
        elif kind is int or reply is None:
            response = reply
        elif kind is CommandError:
            raise _parse_error(reply.message)
        else:
            response = self.shape(reply, decode)
        callback = callback_for(self.callbacks, command_name)
        if callback is not None:
            return callback(response, **options)
        return response





def attach(client: Any, server: Server | None) -> tuple[Server, Bridge, weakref.finalize[..., None]]:
    """Link a freshly built redis-py client to ``server`` (a new one if None).

    Both facades call this right after redis-py's own ``__init__``: the
    client's pool is barred from making connections, a Bridge is built from
    the client's own settings, and the session is closed when the client is
    closed or collected.
    """
    pool = client.connection_pool
    pool.connection_class = NoSocketConnection
    ck = pool.connection_kwargs
    server = server if server is not None else Server()
    bridge = Bridge(
        server,
        db=int(ck.get("db") or 0),
        protocol=ck.get("protocol"),
        decode_responses=bool(ck.get("decode_responses", False)),
        encoding=ck.get("encoding", "utf-8"),
        encoding_errors=ck.get("encoding_errors", "strict"),
        client_name=ck.get("client_name"),
        callbacks=client.response_callbacks,
    )
    finalizer = weakref.finalize(client, _close_session, server, bridge.session)
    return server, bridge, finalizer


def memory_server(url: str, kwargs: dict[str, Any]) -> tuple[Server, dict[str, Any]]:
    """The Server a ``memory://name`` URL names, and the client keywords it carries."""
    if not url.startswith("memory://"):
        raise ValueError(f"not a memory:// URL: {url!r}; use burner.from_url for others")
    name, options = parse_memory_url(url)
    options.update(kwargs)
    return (named_server(name) if name else Server()), options


def _close_session(server: Server, session: Session) -> None:
    with server.lock:
        server.close_session(session)


__all__ = ["Bridge", "attach", "encode_args", "encode_commands", "memory_server", "wire_protocol"]
