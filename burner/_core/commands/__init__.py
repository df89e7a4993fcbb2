"""Command families, one module each. Importing this package fills the
registry's table; ``server.py`` is the only importer."""

from . import (
    bitmaps,
    connection,
    hashes,
    hyperloglog,
    keys,
    keys_sort,
    lists,
    pubsub,
    scripting,
    server,
    sets,
    streams,
    streams_groups,
    strings,
    transactions,
    zsets,
    zsets_algebra,
    zsets_range,
)

__all__ = [
    "bitmaps",
    "connection",
    "hashes",
    "hyperloglog",
    "keys",
    "keys_sort",
    "lists",
    "pubsub",
    "scripting",
    "server",
    "sets",
    "streams",
    "streams_groups",
    "strings",
    "transactions",
    "zsets",
    "zsets_algebra",
    "zsets_range",
]
