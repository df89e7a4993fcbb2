"""Scripting commands."""
