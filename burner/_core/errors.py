"""Every error text the core replies with, word for word as Redis 7 prints it.

Constants are complete messages (prefix included). Messages that embed a
value are functions. Commands raise ``err(TEXT)``; nothing else in the core
spells an error message.
"""

from __future__ import annotations

from .replies import CommandError


def err(message: str) -> CommandError:
    return CommandError(message)


# --- generic -----------------------------------------------------------------
SYNTAX = "ERR syntax error"
NOT_INTEGER = "ERR value is not an integer or out of range"
NOT_FLOAT = "ERR value is not a valid float"
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NO_SUCH_KEY = "ERR no such key"
OVERFLOW = "ERR increment or decrement would overflow"
INCR_NAN_OR_INF = "ERR increment would produce NaN or Infinity"
DB_INDEX_RANGE = "ERR DB index is out of range"
INVALID_DB_INDEX = "ERR invalid DB index"
INVALID_CURSOR = "ERR invalid cursor"
STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
OFFSET_RANGE = "ERR offset is out of range"
SAME_OBJECT = "ERR source and destination objects are the same"
TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range"
TIMEOUT_NEGATIVE = "ERR timeout is negative"
COUNT_POSITIVE = "ERR value is out of range, must be positive"
NESTED_MULTI = "ERR MULTI calls can not be nested"
EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI"
DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI"
WATCH_IN_MULTI = "ERR WATCH inside MULTI is not allowed"
EXECABORT = "EXECABORT Transaction discarded because of previous errors."
HASH_NOT_INTEGER = "ERR hash value is not an integer"
HASH_NOT_FLOAT = "ERR hash value is not a float"
NOT_VALID_FLOAT_VALUE = "ERR value is not a valid float"
GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible"
NX_XX = "ERR NX and XX, GT or LT options at the same time are not compatible"
GT_LT = "ERR GT and LT options at the same time are not compatible"
NOPROTO = "NOPROTO unsupported protocol version"
CLIENT_NAME_SPACES = "ERR Client names cannot contain spaces, newlines or special characters."
INVALID_EXPIRE_GENERIC = "ERR invalid expire time"
NOTBUSY = "NOTBUSY No scripts in execution right now."


# --- messages that embed a value --------------------------------------------
def wrong_arity(name: str) -> str:
    return f"ERR wrong number of arguments for '{name}' command"


def unknown_command(name: bytes, args: list[bytes]) -> str:
    shown = b""
    for a in args:
        if len(shown) >= 128:
            break
        shown += b"'" + a[: 128 - len(shown)] + b"' "
    raw = b"ERR unknown command '" + name[:128] + b"', with args beginning with: " + shown
    return _oneline(raw)


def unknown_subcommand(sub: bytes, container: str) -> str:
    return (
        f"ERR unknown subcommand '{_text(sub)[:128]}'. "
        f"Try {container.upper()} HELP."
    )


def invalid_expire(command: str) -> str:
    return f"ERR invalid expire time in '{command}' command"


def not_int_arg(what: str) -> str:
    return f"ERR {what} is not an integer or out of range"


def _oneline(raw: bytes) -> str:
    # Redis replaces CR and LF in error replies with spaces.
    return raw.replace(b"\r", b" ").replace(b"\n", b" ").decode("utf-8", "replace")


def _text(raw: bytes) -> str:
    # Redis prints arguments through sdscatrepr-like escaping only for control
    # bytes; ordinary text is shown as it is.
    return raw.decode("utf-8", "replace")


# --- streams -------------------------------------------------------------------
INVALID_STREAM_ID = "ERR Invalid stream ID specified as stream command argument"
XADD_ID_TOO_SMALL = (
    "ERR The ID specified in XADD is equal or smaller than the target stream top item"
)
STREAM_EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items"


# --- hashes --------------------------------------------------------------------
HASH_VALUE_OUT_OF_RANGE = "ERR value is out of range"
HASH_RANDFIELD_COUNT_RANGE = (
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)
HASH_INCR_NOT_FINITE = "ERR value is NaN or Infinity"
XGROUP_NO_KEY = (
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
    "to use the MKSTREAM option to create an empty stream automatically."
)
XREADGROUP_DOLLAR = (
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
    "of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ "
    "ID would just return an empty result set."
)


# --- keys (generic key commands) --------------------------------------------
IDLETIME_LFU = (
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that"
    " when switching between policies at runtime LRU and LFU data will take some time"
    " to adjust."
)
FREQ_NOT_LFU = (
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please"
    " note that when switching between policies at runtime LRU and LFU data will take"
    " some time to adjust."
)


def unsupported_option(option: bytes) -> str:
    return "ERR Unsupported option " + option.decode("utf-8", "replace")


# --- strings -------------------------------------------------------------------
DECR_OVERFLOW = "ERR decrement would overflow"
LCS_NOT_STRINGS = "ERR The specified keys must contain string values"
LCS_LEN_AND_IDX = "ERR If you want both the length and indexes, please just use IDX."


def int_range(low: int, high: int) -> str:
    return f"ERR value is out of range, value must between {low} and {high}"


# --- scripting (EVAL, SCRIPT, FUNCTION, FCALL) ---------------------------------
NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL."
NUMKEYS_NEGATIVE = "ERR Number of keys can't be negative"
NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args"
SCRIPT_FLUSH_OPTION = "ERR SCRIPT FLUSH only support SYNC|ASYNC option"
FUNCTION_FLUSH_OPTION = "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"
SCRIPT_DEBUG_OPTION = "ERR Use SCRIPT DEBUG YES/SYNC/NO"
SCRIPT_DEBUG_UNSUPPORTED = "ERR SCRIPT DEBUG YES/SYNC is not supported by this server"
FUNCTION_NOT_FOUND = "ERR Function not found"
LIBRARY_NOT_FOUND = "ERR Library not found"
RO_WITH_WRITE_SCRIPT = "ERR Can not execute a script with write flag using *_ro command."
MISSING_LIBRARY_METADATA = "ERR Missing library metadata"
INVALID_LIBRARY_METADATA = "ERR Invalid library metadata"
LIBRARY_NAME_GIVEN_TWICE = "ERR Invalid metadata value, name argument was given multiple times"
BAD_LIBRARY_NAME = (
    "ERR Library names can only contain letters, numbers, or underscores(_) "
    "and must be at least one character long"
)
NO_FUNCTIONS_REGISTERED = "ERR No functions registered"
RESTORE_POLICY = (
    "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."
)
DUMP_PAYLOAD = "ERR DUMP payload version or checksum are wrong"
LIBRARY_NAME_MISSING = "ERR library name argument was not given"


def compile_error(message: str) -> str:
    return f"ERR Error compiling script (new function): {message}"


def function_exists(name: str) -> str:
    return f"ERR Function {name} already exists"


def library_exists(name: str) -> str:
    return f"ERR Library '{name}' already exists"


def engine_not_found(name: str) -> str:
    return f"ERR Engine '{name}' not found"


def invalid_metadata_value(value: str) -> str:
    return f"ERR Invalid metadata value given: {value}"


def unknown_argument(arg: str) -> str:
    return f"ERR Unknown argument {arg}"


def shebang_engine(line: str) -> str:
    return f"ERR Unexpected engine in script shebang: {line}"


def shebang_option(option: str) -> str:
    return f"ERR Unknown lua shebang option: {option}"


def shebang_flag(flag: str) -> str:
    return f"ERR Unexpected flag in script shebang: {flag}"


# --- lists -------------------------------------------------------------------
LIST_INDEX_RANGE = "ERR index out of range"
LPOS_RANK_ZERO = (
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
    "or use negative to start from the end of the list"
)
LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative"
LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative"
NUMKEYS_POSITIVE = "ERR numkeys should be greater than 0"
MPOP_COUNT_POSITIVE = "ERR count should be greater than 0"


# --- sets and sorted sets ------------------------------------------------------
ZADD_XX_NX = "ERR XX and NX options at the same time are not compatible"
ZADD_INCR_PAIR = "ERR INCR option supports a single increment-element pair"
ZSCORE_NAN = "ERR resulting score is not a number (NaN)"
ZRANGE_NOT_FLOAT = "ERR min or max is not a float"
ZRANGE_NOT_LEX = "ERR min or max not valid string range item"
ZRANGE_LIMIT = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
ZRANGE_LEX_WITHSCORES = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
WEIGHT_NOT_FLOAT = "ERR weight value is not a float"
LIMIT_NEGATIVE = "ERR LIMIT can't be negative"
NUMKEYS_POSITIVE = "ERR numkeys should be greater than 0"
NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args"
COUNT_GREATER_ZERO = "ERR count should be greater than 0"
VALUE_OUT_OF_RANGE = "ERR value is out of range"
RANDOM_COUNT_RANGE = (
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
)


def at_least_one_key(command: str) -> str:
    return f"ERR at least 1 input key is needed for '{command}' command"


# --- bitmaps (strings family) ----------------------------------------------------
BIT_OFFSET = "ERR bit offset is not an integer or out of range"
BIT_VALUE = "ERR bit is not an integer or out of range"
BIT_ARG = "ERR The bit argument must be 1 or 0."
BITOP_NOT_ONE_KEY = "ERR BITOP NOT must be called with a single source key."
BITFIELD_TYPE = (
    "ERR Invalid bitfield type. Use something like i16 u8. "
    "Note that u64 is not supported but i64 is."
)
BITFIELD_OVERFLOW = "ERR Invalid OVERFLOW type specified"
BITFIELD_RO_GET_ONLY = "ERR BITFIELD_RO only supports the GET subcommand"


# --- keys: DUMP / RESTORE ------------------------------------------------------
BUSYKEY = "BUSYKEY Target key name already exists."
RESTORE_BAD_TTL = "ERR Invalid TTL value, must be >= 0"
RESTORE_BAD_IDLETIME = "ERR Invalid IDLETIME value, must be >= 0"
RESTORE_BAD_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255"
DUMP_PAYLOAD = "ERR DUMP payload version or checksum are wrong"
BAD_DATA_FORMAT = "ERR Bad data format"
DUMP_UNSUPPORTED = "ERR DUMP of this type is not supported"


# --- hyperloglog ----------------------------------------------------------------
HLL_WRONGTYPE = "WRONGTYPE Key is not a valid HyperLogLog string value."
HLL_INVALIDOBJ = "INVALIDOBJ Corrupted HLL object detected"
HLL_NO_KEY = "ERR The specified key does not exist"
HLL_NOT_SPARSE = "ERR HLL encoding is not sparse"
HLL_SELFTEST_SPARSE = "TESTFAILED sparse encoding not used"
HLL_SELFTEST_DISAGREE = "TESTFAILED dense/sparse disagree"


def hll_unknown_debug(sub: bytes) -> str:
    return _oneline(b"ERR Unknown PFDEBUG subcommand '" + sub + b"'")


def hll_selftest_register(index: int, want: int, got: int) -> str:
    return f"TESTFAILED Register {index} should be {want} but is {got}"


def hll_selftest_error(card: int, abserr: int) -> str:
    return f"TESTFAILED Too big error. card:{card} abserr:{abserr}"


# --- blocking (CLIENT UNBLOCK) -----------------------------------------------
UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK"
UNBLOCK_REASON = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"
UNBLOCK_ARGS = (
    "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP."
)


def subcommand_arity(sub: bytes, container: str) -> str:
    """Redis's reply to a known subcommand given a wrong number of arguments
    by the subcommand itself (the name is echoed as typed)."""
    return (
        f"ERR unknown subcommand or wrong number of arguments for '{_text(sub)}'. "
        f"Try {container.upper()} HELP."
    )
FCALL_BAD_NUMKEYS = "ERR Bad number of keys provided"


def subcommand_syntax(sub: bytes, container: str) -> str:
    return (
        f"ERR unknown subcommand or wrong number of arguments for "
        f"'{sub.decode('utf-8', 'replace')[:128]}'. Try {container} HELP."
    )


# --- geo -------------------------------------------------------------------------
GEO_UNIT = "ERR unsupported unit provided. please use M, KM, FT, MI"
GEO_NO_MEMBER = "ERR could not decode requested zset member"
GEO_NEED_RADIUS = "ERR need numeric radius"
GEO_NEED_WIDTH = "ERR need numeric width"
GEO_NEED_HEIGHT = "ERR need numeric height"
GEO_RADIUS_NEGATIVE = "ERR radius cannot be negative"
GEO_BOX_NEGATIVE = "ERR height or width cannot be negative"
GEO_COUNT = "ERR COUNT must be > 0"
GEO_ANY_COUNT = "ERR the ANY argument requires COUNT argument"
GEO_STORE_WITH = (
    "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
)
GEO_SEARCHSTORE_WITH = (
    "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
)


def geo_invalid_pair(lon: float, lat: float) -> str:
    return f"ERR invalid longitude,latitude pair {lon:f},{lat:f}"


def geo_from_one(name: bytes) -> str:
    return (
        "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for "
        + name.decode("utf-8", "replace")
    )


def geo_by_one(name: bytes) -> str:
    return (
        "ERR exactly one of BYRADIUS and BYBOX can be specified for "
        + name.decode("utf-8", "replace")
    )

# Streams: XADD/XTRIM argument checks (hot-method differential tests)
XADD_SEQ_OVERFLOW = "ERR Elements are too large to be stored"
LIMIT_WITHOUT_STRATEGY = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
