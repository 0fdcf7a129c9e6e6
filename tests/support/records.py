"""Helpers the register apps' tests share: figures through the analytics service, a review drafted for a unit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tuyengiao.core.periods import Period
from tuyengiao.core.review_sections import ReviewContext, all_sections


def figure(code: str, period: str, unit: Any) -> Decimal | None:
    """The figure the dashboards show for the unit's subtree (stored and derived alike)."""
    from tuyengiao.reporting import analytics

    rows = analytics.values([code], [period], unit)
    return rows[0].value if rows else None


def figures(codes: Any, period: Period, unit: Any) -> dict[str, Decimal]:
    from tuyengiao.reporting import analytics

    return {row.dx: row.value for row in analytics.values(list(codes), [period], unit)}


def draft(code: str, unit: Any, period: str) -> Any:
    """The section ``code`` of a review of ``unit`` for ``period``, built with the analytics figures."""
    section = next(s for s in all_sections() if s.code == code)
    ctx = ReviewContext(unit=unit, period=Period.parse(period), figures=lambda codes, p: figures(codes, p, unit))
    return section.build(ctx)
