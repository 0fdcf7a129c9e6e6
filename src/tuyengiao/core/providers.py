"""The registry of derived data elements: figures the system already knows.

Apps that keep records (org, events, campaigns, …) register a ``DerivedElement`` whose
``compute`` returns, in one query, the value for each unit that *owns* records in a period. The
analytics service (``reporting``) treats these exactly like stored values: it rolls them up the
tree by the element's aggregation and across periods, so nobody types a number the system knows.

Aggregation types follow DHIS2: ``sum`` adds over units and periods; ``last`` adds over units
and takes the last period (stocks such as member counts); ``avg`` averages; ``max`` takes the
largest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, QuerySet

from .periods import Period

# unit ids to compute for (None: every unit that has records), period -> {unit_id: value}
Compute = Callable[[Iterable[int] | None, Period], dict[int, Decimal]]


@dataclass(frozen=True)
class DerivedElement:
    code: str
    name: str  # Vietnamese, as shown to boards
    compute: Compute
    aggregation: str = "sum"  # sum | last | avg | max
    value_type: str = "integer"  # integer | number | percent
    work_field: str = ""
    description: str = ""


_REGISTRY: dict[str, DerivedElement] = {}


def register(element: DerivedElement) -> DerivedElement:
    """Register once (from an app's ``ready``); a second app claiming the code is a bug."""
    existing = _REGISTRY.get(element.code)
    if existing is not None and existing.compute is not element.compute:
        raise ValueError(f"Derived element {element.code} is registered twice")
    _REGISTRY[element.code] = element
    return element


def get(code: str) -> DerivedElement | None:
    return _REGISTRY.get(code)


def all_elements() -> list[DerivedElement]:
    return sorted(_REGISTRY.values(), key=lambda e: e.code)


def per_unit(
    queryset: QuerySet[Any], unit_ids: Iterable[int] | None, aggregate: Aggregate, unit_field: str = "unit_id"
) -> dict[int, Decimal]:
    """One grouped query: ``aggregate`` of the records each unit owns (units without records absent)."""
    if unit_ids is not None:
        queryset = queryset.filter(**{f"{unit_field}__in": list(unit_ids)})
    rows = queryset.values(unit_field).annotate(value=aggregate).values_list(unit_field, "value")
    return {unit: Decimal(value or 0) for unit, value in rows}
