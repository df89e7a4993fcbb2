"""Side-by-side benchmarks: burner against burner-redis, fakeredis and a real
redis-server. Run with ``nox -s bench`` (or ``python -m benchmarks``)."""
