"""Derived figures kept as values: what ``core.providers.depends_on`` promises.

A figure whose provider declared the records it depends on is stored as ``DataValue`` rows of a
data element with the same code, one per (owning unit, month), and carried into the aggregate
rows like an entered value; the analytics service then reads it from the aggregates, the way it
reads entered figures, instead of running the provider for every request. When one of the
records changes, the affected (unit, month) pairs are recomputed by the provider once the
transaction commits, through the task queue (``refresh_task``). ``keep`` fills a figure's values
for the first time (``manage.py rebuild_aggregates --derived`` runs it for every kept figure).

The values belong to the system: they are not in any data set, so nobody types them, and they
are written here directly, not through the entry checks meant for people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from tuyengiao.core import providers
from tuyengiao.core.periods import Period
from tuyengiao.core.tasks import enqueue_on_commit

from . import aggregates
from .models import DataElement, DataValue

Pair = tuple[int, str]  # (unit id, month code)


def _month(day: Any) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.year}{day.month:02d}"


def element_of(code: str) -> DataElement | None:
    """The data element that holds a kept figure's values, once ``keep`` has filled them."""
    return DataElement.objects.filter(code=code).first()


def changed(code: str, places: Iterable[tuple[int, Any]]) -> None:
    """Records a figure depends on changed: recompute the touched (unit, month) pairs on commit."""
    pairs = sorted({(int(unit), _month(day)) for unit, day in places if unit and day})
    if pairs and DataElement.objects.filter(code=code).exists():
        enqueue_on_commit(refresh_task, code, [list(p) for p in pairs])


@task()
def refresh_task(code: str, pairs: list[list[Any]]) -> int:
    return refresh(code, [(int(u), str(m)) for u, m in pairs])


def refresh(code: str, pairs: Iterable[Pair]) -> int:
    """Recompute a kept figure for some (unit, month) pairs, store it and move the aggregates by the
    difference, in one transaction; the number of values that changed."""
    derived = providers.get(code)
    element = element_of(code)
    if derived is None or element is None:
        return 0
    by_month: dict[str, set[int]] = defaultdict(set)
    for unit_id, month in pairs:
        by_month[month].add(unit_id)
    changes: list[aggregates.ValueChange] = []
    with transaction.atomic():
        for month in sorted(by_month):
            units = sorted(by_month[month])
            period = Period.parse(month)
            new = {u: v for u, v in derived.compute(units, period).items() if u in by_month[month]}
            changes += _store(element, month, units, new)
        aggregates.apply_changes(changes)
    return len(changes)


def _store(element: DataElement, month: str, units: list[int], new: dict[int, Decimal]) -> list[aggregates.ValueChange]:
    """Write the month's values of these units (rows locked in unit order), the changes made."""
    old = {
        unit_id: value
        for unit_id, value in DataValue.objects.select_for_update()
        .filter(element=element, period=month, unit_id__in=units)
        .order_by("unit_id")
        .values_list("unit_id", "value")
    }
    changes = []
    now = timezone.now()
    table = connection.ops.quote_name(DataValue._meta.db_table)
    with connection.cursor() as cursor:
        for unit_id in units:
            before, after = old.get(unit_id), new.get(unit_id)
            if unit_id in old and after is None:
                cursor.execute(f"DELETE FROM {table} WHERE element_id = %s AND unit_id = %s AND period = %s",
                               [element.pk, unit_id, month])
            elif unit_id in old and before != after:
                cursor.execute(
                    f"UPDATE {table} SET value = %s, updated_at = %s, version = version + 1"
                    " WHERE element_id = %s AND unit_id = %s AND period = %s",
                    [after, now, element.pk, unit_id, month],
                )
            elif unit_id not in old and after is not None:
                DataValue.objects.bulk_create([DataValue(element=element, unit_id=unit_id, period=month, value=after)])
            else:
                continue
            changes.append(aggregates.ValueChange(element.pk, unit_id, month, before, after))
    return changes


def keep(code: str, months: Iterable[str]) -> int:
    """Fill a kept figure's values for these months (its element is made if missing); then reads
    go to the values. The number of values written."""
    derived = providers.get(code)
    if derived is None or not providers.dependencies(code):
        raise ValueError(f"{code} is not a kept figure")
    with transaction.atomic():
        element, _made = DataElement.objects.get_or_create(
            code=code,
            defaults={"name": derived.name, "value_type": derived.value_type, "aggregation": derived.aggregation,
                      "work_field": derived.work_field, "description": derived.description},
        )
        changes: list[aggregates.ValueChange] = []
        for month in sorted(set(months)):
            found = derived.compute(None, Period.parse(month))
            units = sorted(set(found) | set(
                DataValue.objects.filter(element=element, period=month).values_list("unit_id", flat=True)))
            changes += _store(element, month, units, found)
        aggregates.apply_changes(changes)
        return len(changes)


def keep_all(first: dt.date, last: dt.date) -> dict[str, int]:
    """Every kept figure, for every month from ``first`` to ``last``."""
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {d.code: keep(d.code, months) for d in providers.kept()}
