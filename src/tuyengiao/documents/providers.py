"""Figures the document registry derives (filled below)."""
