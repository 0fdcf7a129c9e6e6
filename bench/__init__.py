"""Benchmarks of the reporting roll-up; run with ``python -m bench`` (or ``make bench``)."""
