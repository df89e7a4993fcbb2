"""Redis's glob patterns (KEYS, SCAN MATCH, PSUBSCRIBE, ...), on bytes.

Rules (Redis's ``stringmatchlen``, byte for byte):
- ``*`` any run of bytes, ``?`` one byte, ``\\x`` the byte x (a trailing
  ``\\`` is a literal backslash).
- ``[...]`` one byte from a set: ``^`` first negates; ``\\x`` inside is x
  (always case-sensitive); ``a-z`` is a range, the ends swapped when reversed
  and compared as C ``char`` (signed: bytes >= 0x80 sort below 0x00); ``]``
  right after ``[`` (or ``[^``) closes an empty set. A set with no closing
  ``]`` runs to the end of the pattern, so ``[`` alone matches nothing and
  ``[^`` any one byte.
- The empty string matches only the empty pattern (not even ``*``; KEYS and
  SCAN treat a lone ``*`` as "everything" before matching).
- ``nocase`` folds ASCII letters only (C locale ``tolower``).

A pattern compiles once into a matcher: the pattern is a sequence of
single-byte sets and stars, so it is cut at the stars into fixed-length
segments; the first must match the head, the last the tail, and each middle
one is found leftmost (which is optimal for this language). That is linear in
practice and immune to the exponential backtracking that ``*a*a*a*b`` causes
in a regex engine. Compiled matchers are cached in a bounded dict.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["compile_glob", "glob_match"]

Matcher = Callable[[bytes], bool]

_STAR = None  # marker atom in the parsed pattern
_ALL = frozenset(range(256))
_CACHE_SIZE = 512
_cache: dict[tuple[bytes, bool], Matcher] = {}


def _lower(c: int) -> int:
    return c + 32 if 65 <= c <= 90 else c


def _signed(c: int) -> int:
    return c - 256 if c >= 128 else c


def _fold(c: int, nocase: bool) -> frozenset[int]:
    if nocase and (65 <= c <= 90 or 97 <= c <= 122):
        low = _lower(c)
        return frozenset((low, low - 32))
    return frozenset((c,))


def _parse(p: bytes, nocase: bool) -> list[frozenset[int] | None]:
    """The pattern as a list of atoms: a set of bytes (one byte of input) or
    ``_STAR``."""
    atoms: list[frozenset[int] | None] = []
    n = len(p)
    i = 0
    while i < n:
        c = p[i]
        if c == 42:  # '*'
            if not atoms or atoms[-1] is not _STAR:
                atoms.append(_STAR)
            i += 1
        elif c == 63:  # '?'
            atoms.append(_ALL)
            i += 1
        elif c == 91:  # '['
            i += 1
            negate = i < n and p[i] == 94  # '^'
            if negate:
                i += 1
            chosen: set[int] = set()
            while i < n:
                b = p[i]
                if b == 92 and n - i >= 2:  # '\\' escapes, case-sensitively
                    chosen.add(p[i + 1])
                    i += 2
                elif b == 93:  # ']'
                    i += 1
                    break
                elif n - i >= 3 and p[i + 1] == 45:  # 'x-y'
                    lo, hi = _signed(p[i]), _signed(p[i + 2])
                    if lo > hi:
                        lo, hi = hi, lo
                    if nocase:
                        lo, hi = _signed(_lower(lo & 0xFF)), _signed(_lower(hi & 0xFF))
                        chosen.update(
                            x for x in range(256) if lo <= _signed(_lower(x)) <= hi
                        )
                    else:
                        chosen.update(x for x in range(256) if lo <= _signed(x) <= hi)
                    i += 3
                else:
                    chosen.update(_fold(b, nocase))
                    i += 1
            atoms.append(_ALL - chosen if negate else frozenset(chosen))
        else:
            if c == 92 and n - i >= 2:  # '\\x'
                i += 1
                c = p[i]
            atoms.append(_fold(c, nocase))
            i += 1
    return atoms


def _byte_class(atom: frozenset[int]) -> bytes:
    if len(atom) == 256:
        return b"."
    if not atom:
        return b"(?!)"
    if len(atom) == 1:
        return re.escape(bytes(atom))
    return b"[" + b"".join(b"\\x%02x" % x for x in sorted(atom)) + b"]"


Segment = bytes | re.Pattern[bytes]


def _segment(atoms: list[frozenset[int]]) -> tuple[Segment, int]:
    """A star-free run of atoms: literal bytes when every atom is one byte,
    else a compiled regex; with its length in bytes."""
    if all(len(a) == 1 for a in atoms):
        return bytes(next(iter(a)) for a in atoms), len(atoms)
    return re.compile(b"".join(_byte_class(a) for a in atoms), re.DOTALL), len(atoms)


def _build(pattern: bytes, nocase: bool) -> Matcher:
    atoms = _parse(pattern, nocase)
    if _STAR not in atoms:
        seg, _ = _segment(atoms)  # type: ignore[arg-type]
        if isinstance(seg, bytes):
            return seg.__eq__
        return lambda value: seg.fullmatch(value) is not None
    # An empty string matches only the empty pattern: Redis's loop never
    # starts for it, so even "*" fails (KEYS * and SCAN MATCH * skip matching).
    if atoms == [_STAR]:
        return bool
    # Cut at the stars: head * mid * mid * ... * tail.
    parts: list[list[frozenset[int]]] = [[]]
    for atom in atoms:
        if atom is _STAR:
            parts.append([])
        else:
            parts[-1].append(atom)
    head, head_len = _segment(parts[0])
    tail, tail_len = _segment(parts[-1])
    mids = [_segment(part) for part in parts[1:-1]]
    fixed = max(1, head_len + tail_len + sum(length for _, length in mids))
    if not mids and isinstance(head, bytes) and isinstance(tail, bytes):
        if not tail:
            return lambda value: value.startswith(head)
        if not head:
            return lambda value: value.endswith(tail)

    def match(value: bytes) -> bool:
        n = len(value)
        if n < fixed:
            return False
        if head_len:
            if isinstance(head, bytes):
                if not value.startswith(head):
                    return False
            elif head.match(value) is None:
                return False
        end = n - tail_len
        if tail_len:
            if isinstance(tail, bytes):
                if not value.endswith(tail):
                    return False
            elif tail.match(value, end) is None:
                return False
        pos = head_len
        for seg, length in mids:
            if isinstance(seg, bytes):
                found = value.find(seg, pos, end)
                if found < 0:
                    return False
                pos = found + length
            else:
                m = seg.search(value, pos, end)
                if m is None:
                    return False
                pos = m.end()
        return True

    return match


def compile_glob(pattern: bytes, nocase: bool = False) -> Matcher:
    """A function telling whether a byte string matches ``pattern``."""
    key = (pattern, nocase)
    matcher = _cache.get(key)
    if matcher is None:
        matcher = _build(pattern, nocase)
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = matcher
    return matcher


def glob_match(pattern: bytes, value: bytes) -> bool:
    """Whether ``value`` matches ``pattern`` (case-sensitive)."""
    return compile_glob(pattern)(value)
