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
# target units, period, structure ("period" | "current") -> {target id: value already rolled up},
# or None when it cannot answer that question (the service then rolls ``compute`` up itself)
Rollup = Callable[[list[Any], Period, str], dict[int, Decimal] | None]


@dataclass(frozen=True)
class DerivedElement:
    code: str
    name: str  # Vietnamese, as shown to boards
    compute: Compute
    aggregation: str = "sum"  # sum | last | avg | max
    value_type: str = "integer"  # integer | number | percent
    work_field: str = ""
    description: str = ""
    # A figure the owning app can total over whole subtrees in the database (members from the
    # tree) answers for the targets directly, instead of every owning unit being computed and
    # carried up: tens of thousands of cells at national scale.
    rollup: Rollup | None = None


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


# --- figures kept as values --------------------------------------------------------------------

# A record -> the (unit, day) pairs whose figure it counts in (e.g. the organising unit and the
# event's first day); both the record as it was and as it is are asked, so a moved record
# updates the figures it left and those it joined.
Locate = Callable[[Any], Iterable[tuple[int, Any]]]


@dataclass(frozen=True)
class Dependency:
    """Records of one model a derived figure is computed from, and where each one counts."""

    model: str  # "app_label.ModelName"
    locate: Locate


_DEPENDENCIES: dict[str, tuple[Dependency, ...]] = {}


def depends_on(code: str, *dependencies: Dependency) -> None:
    """Declare the records a registered figure depends on: it is then kept as values.

    A change to such a record recomputes the figure for the affected units and months once the
    transaction commits (through the task queue) and carries the difference into the aggregate
    rows, so the analytics service reads the figure like an entered one. Only figures that add up
    across months and units (aggregation ``sum``) are kept; the others stay computed on read.
    """
    element = _REGISTRY.get(code)
    if element is None:
        raise ValueError(f"Derived element {code} is not registered")
    if element.aggregation != "sum":
        raise ValueError(f"Derived element {code} is aggregated by {element.aggregation}: it cannot be kept")
    _DEPENDENCIES[code] = tuple(dependencies)
    from django.db.models.signals import post_delete, post_save, pre_save

    for number, dependency in enumerate(dependencies):
        uid = f"kept:{code}:{number}"
        pre_save.connect(_remember(dependency), sender=dependency.model, dispatch_uid=uid, weak=False)
        post_save.connect(_changed(code, dependency), sender=dependency.model, dispatch_uid=uid, weak=False)
        post_delete.connect(_changed(code, dependency), sender=dependency.model, dispatch_uid=uid, weak=False)


def _remember(dependency: Dependency) -> Callable[..., None]:
    """Before a save: where the record counted until now (it may move to another unit or month)."""

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        if instance.pk is None or kwargs.get("raw"):
            return
        before = sender._default_manager.filter(pk=instance.pk).first()
        places = getattr(instance, "_kept_before", {})
        places[id(dependency)] = list(dependency.locate(before)) if before is not None else []
        instance._kept_before = places

    return receiver


# Who keeps derived figures as values registers here (reporting, at start-up): core only declares
# what a figure depends on and never imports the app that stores it.
_CHANGE_HANDLERS: list[Callable[[str, list[Any]], None]] = []


def on_records_changed(handler: Callable[[str, list[Any]], None]) -> None:
    """Call ``handler(code, places)`` when records a kept figure depends on change."""
    if handler not in _CHANGE_HANDLERS:
        _CHANGE_HANDLERS.append(handler)


def _changed(code: str, dependency: Dependency) -> Callable[..., None]:
    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            return
        places = list(dependency.locate(instance))
        places += getattr(instance, "_kept_before", {}).get(id(dependency), [])
        changed_at(code, places)

    return receiver


def changed_at(code: str, places: Iterable[tuple[int, Any]]) -> None:
    """The records a kept figure depends on changed at these (unit, day) places: its values there
    are recomputed. The model signals call it; so does a change that sends none of them (rows
    inserted or deleted in bulk, such as the links of a many-to-many field)."""
    if code not in _DEPENDENCIES:
        raise ValueError(f"Derived element {code} is not kept")
    places = list(places)
    if places:
        for handler in _CHANGE_HANDLERS:
            handler(code, places)


def records_changed(model: type[Any], records: Iterable[Any]) -> None:
    """These records changed without a signal (rows written with ``bulk_create`` or
    ``bulk_update``): every kept figure that depends on their model is recomputed where they count,
    as their saves would have asked. Records whose unit or day changed need their old places too
    (``changed_at``)."""
    label = model._meta.label
    records = list(records)
    for code, found in _DEPENDENCIES.items():
        for dependency in found:
            if dependency.model == label:
                changed_at(code, [place for record in records for place in dependency.locate(record)])


def dependencies(code: str) -> tuple[Dependency, ...]:
    return _DEPENDENCIES.get(code, ())


def kept() -> list[DerivedElement]:
    """The registered figures kept as values (they declared their records)."""
    return [_REGISTRY[code] for code in sorted(_DEPENDENCIES) if code in _REGISTRY]
