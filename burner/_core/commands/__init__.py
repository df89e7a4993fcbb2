"""Command families, one module each. Importing this package fills the
registry's table; ``server.py`` is the only importer."""

from . import connection, hashes, keys, server, strings

__all__ = ["connection", "hashes", "keys", "server", "strings"]
