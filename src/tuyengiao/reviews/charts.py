"""Charts drawn on the server (matplotlib, no display) as PNG for the Word file."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from tuyengiao.core.numbers import format_number

plt.rcParams["font.family"] = ["Liberation Serif", "DejaVu Serif", "serif"]


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=120, bbox_inches="tight")
    plt.close(figure)
    return out.getvalue()


def trend(data: dict[str, Any], title: str) -> bytes | None:
    """The key rates over the last periods, one line each; None when there is nothing to draw."""
    series = {name: [float(v) if v is not None else None for v in values]
              for name, values in (data.get("series") or {}).items()}
    if not any(v is not None for values in series.values() for v in values):
        return None
    labels = data.get("periods") or []
    figure, axes = plt.subplots(figsize=(6.3, 3.0))
    for name, values in series.items():
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name[:60])
        for i, v in points:
            axes.annotate(format_number(round(v, 1)), (i, v), textcoords="offset points", xytext=(0, 5),
                          ha="center", fontsize=7)
    axes.set_xticks(range(len(labels)), [str(label) for label in labels], fontsize=7)
    axes.set_title(title, fontsize=10)
    axes.legend(fontsize=7, loc="lower left")
    axes.grid(alpha=0.3)
    return _png(figure)


def units(data: dict[str, Any], title: str) -> bytes | None:
    """One key figure of each unit below, as horizontal bars; None when there is nothing to draw."""
    rows = [(str(name), float(v)) for name, v in data.get("rows") or [] if v is not None]
    if not rows:
        return None
    rows = rows[:40]
    figure, axes = plt.subplots(figsize=(6.3, max(2.0, 0.22 * len(rows) + 0.8)))
    axes.barh([r[0] for r in rows][::-1], [r[1] for r in rows][::-1], color="#b22222")
    axes.tick_params(labelsize=7)
    axes.set_title(title, fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    return _png(figure)
