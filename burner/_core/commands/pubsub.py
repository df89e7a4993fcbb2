"""Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB.

Subscribe-family commands answer through the session's mailbox (one
confirmation per channel, as Redis sends them) and return NO_REPLY.
"""

from __future__ import annotations

from .. import errors
from ..pubsub import Subscriber, parse_limits
from ..registry import command
from ..replies import NO_REPLY, Reply
from ..session import Session


def _subscriber(s: Session) -> Subscriber:
    if s.sub is None:
        s.sub = Subscriber()
    return s.sub


def _bad_arity(argv: list[bytes]) -> str:
    sub = argv[1].decode("utf-8", "replace")
    return f"ERR unknown subcommand or wrong number of arguments for '{sub}'. Try PUBSUB HELP."


def _limits(s: Session) -> tuple[int, int, int]:
    return parse_limits(s.server.config.get("client-output-buffer-limit", b""))


@command("subscribe", -2, "pubsub noscript loading stale", category="pubsub")
def subscribe(s: Session, argv: list[bytes]) -> Reply:
    sub = _subscriber(s)
    registry = s.server.pubsub
    for channel in argv[1:]:
        registry.subscribe(s, sub, channel)
        sub.put([b"subscribe", channel, sub.count])
    return NO_REPLY


@command("psubscribe", -2, "pubsub noscript loading stale", category="pubsub")
def psubscribe(s: Session, argv: list[bytes]) -> Reply:
    sub = _subscriber(s)
    registry = s.server.pubsub
    for pattern in argv[1:]:
        registry.psubscribe(s, sub, pattern)
        sub.put([b"psubscribe", pattern, sub.count])
    return NO_REPLY


@command("ssubscribe", -2, "pubsub noscript loading stale", keys=(1, -1, 1), category="pubsub")
def ssubscribe(s: Session, argv: list[bytes]) -> Reply:
    sub = _subscriber(s)
    registry = s.server.pubsub
    for channel in argv[1:]:
        registry.ssubscribe(s, sub, channel)
        sub.put([b"ssubscribe", channel, len(sub.shard_channels)])
    return NO_REPLY


@command("unsubscribe", -1, "pubsub noscript loading stale", category="pubsub")
def unsubscribe(s: Session, argv: list[bytes]) -> Reply:
    sub = _subscriber(s)
    registry = s.server.pubsub
    names = argv[1:] or list(sub.channels)
    if not names:
        sub.put([b"unsubscribe", None, sub.count])
    for channel in names:
        registry.unsubscribe(s, sub, channel)
        sub.put([b"unsubscribe", channel, sub.count])
    return NO_REPLY


@command("punsubscribe", -1, "pubsub noscript loading stale", category="pubsub")
def punsubscribe(s: Session, argv: list[bytes]) -> Reply:
    sub = _subscriber(s)
    registry = s.server.pubsub
    names = argv[1:] or list(sub.patterns)
    if not names:
        sub.put([b"punsubscribe", None, sub.count])
    for pattern in names:
        registry.punsubscribe(s, sub, pattern)
        sub.put([b"punsubscribe", pattern, sub.count])
    return NO_REPLY


@command("sunsubscribe", -1, "pubsub noscript loading stale", keys=(1, -1, 1), category="pubsub")
def sunsubscribe(s: Session, argv: list[bytes]) -> Reply:
    sub = _subscriber(s)
    registry = s.server.pubsub
    names = argv[1:] or list(sub.shard_channels)
    if not names:
        sub.put([b"sunsubscribe", None, len(sub.shard_channels)])
    for channel in names:
        registry.sunsubscribe(s, sub, channel)
        sub.put([b"sunsubscribe", channel, len(sub.shard_channels)])
    return NO_REPLY


@command("publish", 3, "pubsub loading stale fast", category="pubsub")
def publish(s: Session, argv: list[bytes]) -> Reply:
    return s.server.pubsub.publish(argv[1], argv[2], s.server.clock.ms(), _limits(s))


@command("spublish", 3, "pubsub loading stale fast", keys=(1, 1, 1), category="pubsub")
def spublish(s: Session, argv: list[bytes]) -> Reply:
    return s.server.pubsub.spublish(argv[1], argv[2], s.server.clock.ms(), _limits(s))


@command("pubsub|channels", -2, "pubsub loading stale", category="pubsub")
def pubsub_channels(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) > 3:
        raise errors.err(_bad_arity(argv))
    return s.server.pubsub.channel_names(argv[2] if len(argv) == 3 else None)


@command("pubsub|shardchannels", -2, "pubsub loading stale", category="pubsub")
def pubsub_shardchannels(s: Session, argv: list[bytes]) -> Reply:
    if len(argv) > 3:
        raise errors.err(_bad_arity(argv))
    return s.server.pubsub.channel_names(argv[2] if len(argv) == 3 else None, shard=True)


@command("pubsub|numsub", -2, "pubsub loading stale", category="pubsub")
def pubsub_numsub(s: Session, argv: list[bytes]) -> Reply:
    registry = s.server.pubsub
    out: list[Reply] = []
    for channel in argv[2:]:
        out.append(channel)
        out.append(registry.numsub(channel))
    return out


@command("pubsub|shardnumsub", -2, "pubsub loading stale", category="pubsub")
def pubsub_shardnumsub(s: Session, argv: list[bytes]) -> Reply:
    registry = s.server.pubsub
    out: list[Reply] = []
    for channel in argv[2:]:
        out.append(channel)
        out.append(registry.numsub(channel, shard=True))
    return out


@command("pubsub|numpat", 2, "pubsub loading stale", category="pubsub")
def pubsub_numpat(s: Session, argv: list[bytes]) -> Reply:
    return len(s.server.pubsub.patterns)


@command("pubsub|help", 2, "loading stale", category="pubsub")
def pubsub_help(s: Session, argv: list[bytes]) -> Reply:
    return [
        b"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        b"CHANNELS [<pattern>]",
        b"    Return the currently active channels matching a <pattern> (default: '*').",
        b"NUMPAT",
        b"    Return number of subscriptions to patterns.",
        b"NUMSUB [<channel> ...]",
        b"    Return the number of subscribers for the specified channels, excluding",
        b"    pattern subscriptions(default: no channels).",
        b"SHARDCHANNELS [<pattern>]",
        b"    Return the currently active shard level channels matching a <pattern> (default: '*').",
        b"SHARDNUMSUB [<shardchannel> ...]",
        b"    Return the number of subscribers for the specified shard level channel(s)",
        b"HELP",
        b"    Print this help.",
    ]
