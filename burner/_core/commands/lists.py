"""Lists commands."""
