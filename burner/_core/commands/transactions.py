"""Transactions commands."""
