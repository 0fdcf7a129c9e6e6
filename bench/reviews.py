"""A province's half-year review drafted and rendered at demo scale (target: 5 s or less).

    .venv/bin/python -m bench.reviews          # starts a throw-away PostgreSQL with the demo
    DATABASE_URL=... .venv/bin/python -c "from bench.reviews import measure; measure()"   # a loaded database

Prints one row per step (drafting from the figures, the Word file, the PDF when LibreOffice is
installed, and the three together) with the median of several runs, the lower bound of the step
where there is one, and the first run of the process. ``make bench SCALE=demo`` prints it after the
analytics table.
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


def _once(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _one_line_word() -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("Báo cáo")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def measure(unit_code: str = "LS", period: str = "2025S1") -> list[tuple[str, float, float | None]]:
    """Time the steps of the review of ``unit_code`` for ``period`` and print them as a table.

    Each step is the median of ``RUNS`` runs in a worker that has already rendered once (the first
    run, which imports the chart library and sets up LibreOffice's profile, is printed apart). The
    lower bounds: reading every figure the review quotes in one analytics call; LibreOffice turning a
    one-line Word file into PDF.
    """
    from django.conf import settings
    from django.db import transaction
    from django.utils import translation

    from tuyengiao.core.periods import Period
    from tuyengiao.org.models import Unit
    from tuyengiao.reporting import analytics
    from tuyengiao.reviews import render, services
    from tuyengiao.reviews.models import Review

    unit = Unit.objects.get(code=unit_code)
    the_period = Period.parse(period)
    rows: list[tuple[str, float, float | None]] = []
    first: dict[str, float] = {}
    with translation.override(settings.LANGUAGE_CODE):
        structure = services.structure_for(unit)
        first["draft"] = _once(lambda: services.build_draft(unit, the_period, structure))
        draft = _median(lambda: services.build_draft(unit, the_period, structure))
        drafted = services.build_draft(unit, the_period, structure)
        quoted = list(drafted["figures"])
        comparisons = [the_period, the_period.same_period_last_year, the_period.previous]
        floor = _median(lambda: analytics.values(quoted, comparisons, unit, "self", structure))
        rows.append(("draft from the figures", draft, floor))
        with transaction.atomic():
            review = Review(unit=unit, period=period, structure=structure, symbol="BTG", place=unit.name,
                            title=services.summary_line(unit, the_period))
            review.figures, review.children = drafted["figures"], drafted["children"]
            review.charts, review.sections = drafted["charts"], drafted["sections"]
            first["word"] = _once(lambda: render.render(review, "docx"))
            word = _median(lambda: render.render(review, "docx"))
            rows.append(("Word file (docx)", word, None))
            if render.pdf_available():
                data = render.render(review, "docx")
                first["pdf"] = _once(lambda: render.to_pdf(data))
                tiny = _one_line_word()
                pdf = _median(lambda: render.to_pdf(data))
                rows.append(("PDF from the Word file", pdf, _median(lambda: render.to_pdf(tiny))))
            transaction.set_rollback(True)
    total = sum(seconds for _name, seconds, _floor in rows)
    rows.append(("draft + Word + PDF", total, None))
    print(f"\nReview of {unit.name} for {period}: target ≤ {TARGET_SECONDS:.0f} s to draft and render Word and PDF")
    print(f"{'step':<26}{'seconds':>9}{'lower bound':>13}{'first run':>11}")
    firsts = [first.get("draft"), first.get("word"), first.get("pdf")]
    for index, (name, seconds, bound) in enumerate(rows):
        shown = f"{bound:>13.2f}" if bound is not None else f"{'—':>13}"
        cold = firsts[index] if index < len(firsts) else None
        cold_shown = f"{cold:>11.2f}" if cold is not None else f"{'—':>11}"
        print(f"{name:<26}{seconds:>9.2f}{shown}{cold_shown}")
    verdict = "met" if total <= TARGET_SECONDS else "MISSED"
    print(f"{'target ≤ 5 s':<26}{verdict:>9}")
    print(f"median of {RUNS} runs after a first one; lower bounds: the quoted figures in one analytics call,"
          " LibreOffice converting a one-line file")
    return rows


def main() -> int:
    if "DATABASE_URL" in os.environ:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
        import django

        django.setup()
        measure()
        return 0
    from bench.cluster import demo_database

    cluster = demo_database()
    try:
        measure()
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
