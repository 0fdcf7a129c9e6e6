"""A province's half-year review drafted and rendered at demo scale (target: 5 s or less).

    .venv/bin/python -m bench.reviews          # starts a throw-away PostgreSQL with the demo
    DATABASE_URL=... .venv/bin/python -c "from bench.reviews import measure; measure()"   # a loaded database

Prints one row per step (drafting from the figures, the Word file, the PDF when LibreOffice is
installed, and drafting plus Word together) with the median of several runs.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
TARGET_SECONDS = 5.0
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def _median(fn: Callable[[], Any], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(unit_code: str = "LS", period: str = "2025S1") -> list[tuple[str, float]]:
    """Time the steps of the review of ``unit_code`` for ``period`` and print them as a table."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import translation

    from tuyengiao.core.periods import Period
    from tuyengiao.org.models import Unit
    from tuyengiao.reviews import render, services
    from tuyengiao.reviews.models import Review

    unit = Unit.objects.get(code=unit_code)
    rows: list[tuple[str, float]] = []
    with translation.override(settings.LANGUAGE_CODE):
        structure = services.structure_for(unit)
        draft = _median(lambda: services.build_draft(unit, Period.parse(period), structure))
        rows.append(("draft from the figures", draft))
        with transaction.atomic():
            review = Review(unit=unit, period=period, structure=structure, symbol="BTG", place=unit.name,
                            title=services.summary_line(unit, Period.parse(period)))
            drafted = services.build_draft(unit, Period.parse(period), structure)
            review.figures, review.children = drafted["figures"], drafted["children"]
            review.charts, review.sections = drafted["charts"], drafted["sections"]
            word = _median(lambda: render.render(review, "docx"))
            rows.append(("Word file (docx)", word))
            if render.pdf_available():
                data = render.render(review, "docx")
                rows.append(("PDF from the Word file", _median(lambda: render.to_pdf(data), 1)))
            transaction.set_rollback(True)
    rows.append(("draft + Word", draft + word))
    print(f"\nReview of {unit.name} for {period} (target ≤ {TARGET_SECONDS:.0f} s for draft + Word)")
    print(f"{'step':<28}{'seconds':>10}")
    for name, seconds in rows:
        print(f"{name:<28}{seconds:>10.2f}")
    verdict = "met" if draft + word <= TARGET_SECONDS else "MISSED"
    print(f"{'target':<28}{verdict:>10}")
    return rows


def main() -> int:
    if "DATABASE_URL" in os.environ:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
        import django

        django.setup()
        measure()
        return 0
    from bench.__main__ import _setup

    cluster = _setup()
    try:
        measure()
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
