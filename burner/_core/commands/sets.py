"""Sets commands."""
