"""How the change log names figures: by element, unit and period rather than by their codes."""

from __future__ import annotations

from tuyengiao.core.periods import Period

from .models import DataElement, DataValue


def element_labels(codes: set[str]) -> dict[str, str]:
    """A figure's changes are keyed by element code; the log shows the element's name (one query)."""
    return dict(DataElement.objects.filter(code__in=codes).values_list("code", "name"))


def figure_names(pks: list[int]) -> dict[str, str]:
    """A stored figure named by element, unit and period instead of its codes (one query)."""
    out = {}
    for dv in DataValue.objects.filter(pk__in=pks).select_related("element", "unit"):
        try:
            period = Period.parse(dv.period).label
        except ValueError:
            period = dv.period
        out[str(dv.pk)] = f"{dv.element.name} · {dv.unit.name} · {period}"
    return out
