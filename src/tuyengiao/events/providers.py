"""Derived figures (below)."""
