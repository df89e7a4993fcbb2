"""The Redis version burner answers to (HELLO, INFO, redis.REDIS_VERSION)."""

REDIS_VERSION = b"7.2.0"
