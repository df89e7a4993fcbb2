"""Stream: entries keyed by ID, plus consumer groups.

An ID is a tuple (ms, seq) of unsigned 64-bit integers. Entries live in a
SortedDict id -> flat [field, value, ...] list: append, lookup, delete and the
start of a range are O(log n); a range of k entries is O(log n + k).

Redis groups entries into listpack nodes (stream-node-max-entries, -bytes);
approximate trimming (``~``) removes whole nodes only, so the node layout
decides what XTRIM ~ and XADD MAXLEN ~ leave behind. ``nodes`` models that
layout: one [first_id, alive, total, bytes] record per node, oldest first.

Consumer groups keep their pending entries list (PEL) in a SortedDict too, and
each consumer keeps a SortedList of the IDs it owns, so XACK, XCLAIM and
per-consumer history reads are O(log n).
"""

from __future__ import annotations

from sortedcontainers import SortedDict, SortedList

StreamID = tuple[int, int]
MAX_ID: StreamID = (2**64 - 1, 2**64 - 1)
ZERO_ID: StreamID = (0, 0)
INVALID = -1  # an unknown entries-read counter


def format_id(sid: StreamID) -> bytes:
    return b"%d-%d" % sid


class Consumer:
    __slots__ = ("active_ms", "name", "pending", "seen_ms")

    def __init__(self, name: bytes, now_ms: int) -> None:
        self.name = name
        self.seen_ms = now_ms
        self.active_ms = -1  # never read anything yet
        self.pending: SortedList[StreamID] = SortedList()


class PendingEntry:
    __slots__ = ("consumer", "count", "delivered_ms")

    def __init__(self, consumer: Consumer, delivered_ms: int, count: int) -> None:
        self.consumer = consumer
        self.delivered_ms = delivered_ms
        self.count = count


class Group:
    __slots__ = ("consumers", "entries_read", "last_id", "name", "pel")

    def __init__(self, name: bytes, last_id: StreamID, entries_read: int) -> None:
        self.name = name
        self.last_id = last_id
        self.entries_read = entries_read
        self.pel: SortedDict[StreamID, PendingEntry] = SortedDict()
        self.consumers: dict[bytes, Consumer] = {}

    def consumer(self, name: bytes, now_ms: int) -> tuple[Consumer, bool]:
        """The consumer called ``name``, created if missing (and whether it was)."""
        found = self.consumers.get(name)
        if found is not None:
            return found, False
        created = self.consumers[name] = Consumer(name, now_ms)
        return created, True

    def ack(self, sid: StreamID) -> bool:
        entry = self.pel.pop(sid, None)
        if entry is None:
            return False
        entry.consumer.pending.discard(sid)
        return True


class Node:
    """One modelled listpack node: its first ID and how many entries it holds."""

    __slots__ = ("alive", "first", "size", "total")

    def __init__(self, first: StreamID, size: int) -> None:
        self.first = first
        self.alive = 1  # live entries
        self.total = 1  # live + deleted (a node fills up by total, like Redis's)
        self.size = size  # approximate bytes


class Stream:
    __slots__ = (
        "entries",
        "entries_added",
        "groups",
        "last_id",
        "max_deleted_id",
        "node_max_bytes",
        "node_max_entries",
        "nodes",
    )
    type_name = b"stream"

    def __init__(self, node_max_entries: int = 100, node_max_bytes: int = 4096) -> None:
        self.entries: SortedDict[StreamID, list[bytes]] = SortedDict()
        self.last_id: StreamID = ZERO_ID
        self.max_deleted_id: StreamID = ZERO_ID
        self.entries_added = 0
        self.groups: dict[bytes, Group] = {}
        self.nodes: list[Node] = []
        self.node_max_entries = node_max_entries
        self.node_max_bytes = node_max_bytes

    def __len__(self) -> int:
        return len(self.entries)

    def encoding(self) -> bytes:
        return b"stream"

    @property
    def first_id(self) -> StreamID:
        if not self.entries:
            return ZERO_ID
        first: StreamID = self.entries.peekitem(0)[0]
        return first

    # --- appending -------------------------------------------------------------
    def append(self, sid: StreamID, fields: list[bytes]) -> None:
        self.entries[sid] = fields
        self.last_id = sid
        self.entries_added += 1
        size = 6 + 2 * len(fields) + sum(map(len, fields))
        nodes = self.nodes
        if nodes:
            tail = nodes[-1]
            if (self.node_max_entries == 0 or tail.total < self.node_max_entries) and (
                self.node_max_bytes == 0 or tail.size + size <= self.node_max_bytes
            ):
                tail.alive += 1
                tail.total += 1
                tail.size += size
                return
        nodes.append(Node(sid, size))

    # --- deleting ----------------------------------------------------------------
    def delete(self, sid: StreamID) -> bool:
        if self.entries.pop(sid, None) is None:
            return False
        if sid > self.max_deleted_id:
            self.max_deleted_id = sid
        self._node_lost(sid)
        return True

    def _node_index(self, sid: StreamID) -> int:
        nodes = self.nodes
        lo, hi = 0, len(nodes)
        while lo < hi:
            mid = (lo + hi) // 2
            if nodes[mid].first <= sid:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1

    def _node_lost(self, sid: StreamID) -> None:
        i = self._node_index(sid)
        node = self.nodes[i]
        node.alive -= 1
        if node.alive == 0:
            del self.nodes[i]

    def trim(self, maxlen: int | None, minid: StreamID | None, approx: bool, limit: int) -> int:
        """Remove old entries per XTRIM's rules; returns how many went.

        Whole nodes go first; with ``approx`` trimming stops at the first node
        that cannot go whole; ``limit`` (0 = none) caps the work like Redis.
        """
        removed = 0
        entries = self.entries
        while self.nodes:
            node = self.nodes[0]
            alive = node.alive
            if limit and removed + alive > limit:
                break
            if maxlen is not None:
                whole = len(entries) - alive >= maxlen
            else:
                assert minid is not None
                whole = self._node_last_id(0) < minid
            if whole:
                for _ in range(alive):
                    entries.popitem(0)
                del self.nodes[0]
                removed += alive
                continue
            if approx:
                break
            # Remove entries one by one from this node.
            while entries:
                first = entries.peekitem(0)[0]
                if maxlen is not None:
                    if len(entries) <= maxlen:
                        break
                elif minid is not None and first >= minid:
                    break
                entries.popitem(0)
                node.alive -= 1
                removed += 1
            if node.alive == 0:
                del self.nodes[0]
            break
        return removed

    def _node_last_id(self, index: int) -> StreamID:
        """The last live ID in node ``index``."""
        if index + 1 < len(self.nodes):
            nxt = self.nodes[index + 1].first
            pos = self.entries.bisect_left(nxt) - 1
        else:
            pos = len(self.entries) - 1
        last: StreamID = self.entries.peekitem(pos)[0]
        return last

    # --- reading -----------------------------------------------------------------
    def range(
        self, start: StreamID, end: StreamID, count: int | None = None, reverse: bool = False
    ) -> list[tuple[StreamID, list[bytes]]]:
        if start > end:
            return []
        ids = self.entries.irange(start, end, reverse=reverse)
        entries = self.entries
        out: list[tuple[StreamID, list[bytes]]] = []
        for sid in ids:
            if count is not None and len(out) >= count:
                break
            out.append((sid, entries[sid]))
        return out

    # --- lag bookkeeping (Redis 7 semantics) --------------------------------------
    def has_tombstones_after(self, start: StreamID) -> bool:
        if not self.entries or self.max_deleted_id == ZERO_ID:
            return False
        if self.first_id > self.max_deleted_id:
            return False
        return start <= self.max_deleted_id

    def estimate_read_counter(self, sid: StreamID) -> int:
        """How many entries were added up to ``sid``, if it can be known."""
        if not self.entries_added:
            return 0
        if not self.entries and sid <= self.last_id:
            return self.entries_added
        if sid == self.last_id:
            return self.entries_added
        if sid > self.last_id:
            return INVALID
        first = self.first_id
        if self.max_deleted_id == ZERO_ID or self.max_deleted_id < first:
            if sid < first:
                return self.entries_added - len(self.entries)
            if sid == first:
                return self.entries_added - len(self.entries) + 1
        return INVALID

    def lag(self, group: Group) -> int | None:
        if not self.entries_added:
            return 0
        if group.entries_read != INVALID and not self.has_tombstones_after(group.last_id):
            return self.entries_added - group.entries_read
        estimate = self.estimate_read_counter(group.last_id)
        if estimate != INVALID:
            return self.entries_added - estimate
        return None

    def copy(self) -> Stream:
        other = Stream(self.node_max_entries, self.node_max_bytes)
        other.entries = SortedDict((k, list(v)) for k, v in self.entries.items())
        other.last_id = self.last_id
        other.max_deleted_id = self.max_deleted_id
        other.entries_added = self.entries_added
        for n in self.nodes:
            copied = Node(n.first, n.size)
            copied.alive, copied.total = n.alive, n.total
            other.nodes.append(copied)
        for name, g in self.groups.items():
            ng = other.groups[name] = Group(name, g.last_id, g.entries_read)
            for cname, c in g.consumers.items():
                nc = ng.consumers[cname] = Consumer(cname, c.seen_ms)
                nc.active_ms = c.active_ms
            for sid, pe in g.pel.items():
                owner = ng.consumers[pe.consumer.name]
                ng.pel[sid] = PendingEntry(owner, pe.delivered_ms, pe.count)
                owner.pending.add(sid)
        return other

    def _check(self) -> None:
        ids = list(self.entries.keys())
        assert ids == sorted(ids)
        if ids:
            assert ids[-1] <= self.last_id
        assert sum(n.alive for n in self.nodes) == len(self.entries)
        for node in self.nodes:
            assert 0 < node.alive <= node.total
        assert self.entries_added >= len(self.entries)
        for group in self.groups.values():
            owned = 0
            for consumer in group.consumers.values():
                owned += len(consumer.pending)
                for sid in consumer.pending:
                    assert group.pel[sid].consumer is consumer
            assert owned == len(group.pel)
