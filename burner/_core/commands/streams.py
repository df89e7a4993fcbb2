"""Streams commands."""
