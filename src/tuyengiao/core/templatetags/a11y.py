"""Accessible companions of what is drawn: a chart's figures as a table."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("core/chart_figures.html")
def chart_figures(caption: str, row_header: str, labels: list[Any], series: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures behind a chart as a table inside <details>, built from the data the chart draws
    (``labels`` along one axis, each series ``{"name", "data"}``), for screen readers and for
    anyone who wants the numbers."""
    rows = [(label, [s["data"][i] if i < len(s["data"]) else None for s in series]) for i, label in enumerate(labels)]
    return {"caption": caption, "row_header": row_header, "names": [s["name"] for s in series], "rows": rows}
