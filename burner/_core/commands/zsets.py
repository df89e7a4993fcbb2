"""Zsets commands."""
