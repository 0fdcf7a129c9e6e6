"""Charts drawn on the server (matplotlib, no display) as PNG for the Word file.

Each chart is laid out once from its labels (fixed margins) and drawn once: the "tight" bounding
box that matplotlib can compute costs a second full drawing of every label.
"""

from __future__ import annotations

import io
from typing import Any

from tuyengiao.core.numbers import format_number

WIDTH_IN = 6.3
DPI = 120
FONT_FAMILY = ["Liberation Serif", "DejaVu Serif", "serif"]
LABEL_PT = 7


def _figure(height: float) -> Any:
    """A figure without pyplot's global state (nothing to close, safe in a worker's threads)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams["font.family"] = FONT_FAMILY
    return Figure(figsize=(WIDTH_IN, height), dpi=DPI)


def load() -> None:
    """Import the chart library ahead of the first chart (about a second)."""
    _figure(1.0)


def _png(figure: Any) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _text_width_in(text: str, points: float = LABEL_PT) -> float:
    """About how wide a label is drawn (a serif letter is about half its point size wide)."""
    return len(text) * points * 0.5 / 72


def short_unit_name(name: str) -> str:
    """"Đảng bộ xã An Xuân" -> "Xã An Xuân": the chart's title already says whose figure it is."""
    for prefix in ("Đảng bộ ", "Chi bộ "):
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix):]
            return rest[:1].upper() + rest[1:]
    return name


def trend(data: dict[str, Any], title: str) -> bytes | None:
    """The key rates over the last periods, one line each; None when there is nothing to draw."""
    series = {name: [float(v) if v is not None else None for v in values]
              for name, values in (data.get("series") or {}).items()}
    if not any(v is not None for values in series.values() for v in values):
        return None
    labels = [str(label) for label in data.get("periods") or []]
    figure = _figure(3.2)
    figure.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.3)
    axes = figure.add_subplot()
    for name, values in series.items():
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name[:70])
        for i, v in points:
            axes.annotate(format_number(round(v, 1)), (i, v), textcoords="offset points", xytext=(0, 5),
                          ha="center", fontsize=LABEL_PT)
    axes.set_xticks(range(len(labels)), labels, fontsize=LABEL_PT)
    axes.set_xlim(-0.4, max(len(labels) - 0.6, 0.4))
    axes.tick_params(axis="y", labelsize=LABEL_PT)
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=LABEL_PT, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=1, frameon=False)
    axes.grid(alpha=0.3)
    return _png(figure)


def units(data: dict[str, Any], title: str) -> bytes | None:
    """One key figure of each unit below, as horizontal bars; None when there is nothing to draw."""
    rows = [(short_unit_name(str(name)), float(v)) for name, v in data.get("rows") or [] if v is not None]
    if not rows:
        return None
    rows = rows[:40]
    height = max(2.0, 0.2 * len(rows) + 0.8)
    figure = _figure(height)
    left = min(0.45, (max(_text_width_in(r[0]) for r in rows) + 0.15) / WIDTH_IN)
    figure.subplots_adjust(left=left, right=0.97, top=1 - 0.35 / height, bottom=0.3 / height)
    axes = figure.add_subplot()
    axes.barh([r[0] for r in rows][::-1], [r[1] for r in rows][::-1], color="#b22222")
    axes.set_ylim(-0.6, len(rows) - 0.4)
    axes.tick_params(labelsize=LABEL_PT)
    axes.set_title(title, fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    return _png(figure)
