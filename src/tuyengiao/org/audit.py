"""The change log as a person reads it: actions in words, field labels, values as written.

Audit entries keep raw values ("True", "None", primary keys, ISO dates, element codes); this
module turns one page of them into what the page shows, looking up every referenced record of
the page in one query per model (no query per row).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from tuyengiao.core.numbers import format_date, format_number
from tuyengiao.core.periods import Period

_MANAGER_REPR = re.compile(r"^\w+\.\w+\.None$")  # str() of a related manager, not a value
# bookkeeping every save changes, and what the system derives for itself (tree path, search text)
_SKIPPED = {"id", "created_at", "updated_at", "version", "path", "search_text"}
# Labels of link fields declared without one (their name is all the model says).
_LINK_LABELS = [
    gettext_noop("element"),
    gettext_noop("parent"),
    gettext_noop("stored by"),
    gettext_noop("submitted by"),
    gettext_noop("decided by"),
    gettext_noop("dataset"),
    gettext_noop("predecessor"),
    gettext_noop("successor"),
    gettext_noop("campaign"),
    gettext_noop("scope"),
    gettext_noop("issuer unit"),
]


@dataclass(frozen=True)
class CodedRecords:
    """How to name the records of a model whose audit entries speak in codes, not fields: the
    figures are keyed "unit code:period" or by id, and their changes by element code. The app that
    owns the model registers it (``register_coded``), so this module imports no app above ``org``."""

    change_labels: Callable[[set[str]], dict[str, str]]  # change keys -> labels, in one query
    record_names: Callable[[list[int]], dict[str, str]]  # ids -> how a person names each record


_CODED: dict[type[models.Model], CodedRecords] = {}


def register_coded(model: type[models.Model], coded: CodedRecords) -> None:
    _CODED[model] = coded


def action_label(action: int) -> str:
    if action == LogEntry.Action.CREATE:
        return pgettext("audit action", "Created")
    if action == LogEntry.Action.UPDATE:
        return pgettext("audit action", "Changed")
    if action == LogEntry.Action.DELETE:
        return pgettext("audit action", "Deleted")
    return pgettext("audit action", "Viewed")


def empty() -> str:
    return _("(empty)")


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    created: bool = False  # a new record: only the new value matters


@dataclass
class Line:
    entry: LogEntry
    action: str
    record: str
    changes: list[FieldChange] = field(default_factory=list)


def _raw(value: Any) -> str | None:
    """None for what means "nothing": None, "None", "", a related manager's repr."""
    if value is None:
        return None
    text = str(value)
    if text in ("None", "") or _MANAGER_REPR.match(text):
        return None
    return text


def _number(text: str) -> str:
    try:
        return format_number(Decimal(text))
    except (InvalidOperation, ValueError):
        return text


def _date(text: str, with_time: bool) -> str:
    try:
        if with_time:
            moment = dt.datetime.fromisoformat(text)
            if timezone.is_naive(moment):  # stored in UTC
                moment = moment.replace(tzinfo=dt.UTC)
            moment = timezone.localtime(moment)
            return moment.strftime("%d/%m/%Y %H:%M")
        return format_date(dt.date.fromisoformat(text[:10]))
    except ValueError:
        return text


class _Lookups:
    """Names of the records a page of entries refers to, fetched once per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        self.names: dict[tuple[type[models.Model], str], str] = {}

    def want(self, model: type[models.Model], pk: str) -> None:
        self.wanted[model].add(pk)

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            clean = [pk for pk in pks if pk.isdigit()]  # legacy values that are no keys stay as they are
            for obj in model._default_manager.filter(pk__in=clean):
                self.names[(model, str(obj.pk))] = str(obj)

    def name(self, model: type[models.Model], pk: str) -> str:
        return self.names.get((model, pk)) or _("(deleted record #%(pk)s)") % {"pk": pk}


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _label(model: type[models.Model] | None, name: str, coded_labels: dict[str, str]) -> str:
    found = _field(model, name)
    if found is not None:
        text = str(found.verbose_name)
        if text == name.replace("_", " "):  # no label declared: the catalogue may know the name
            text = _(text)
        return text[:1].upper() + text[1:]
    return coded_labels.get(name, name)


def _show(model: type[models.Model] | None, name: str, value: Any, lookups: _Lookups) -> str:
    """One value as a person reads it: Có/Không, names for links, dd/mm/yyyy, 47.600."""
    if isinstance(value, dict) and value.get("type") == "m2m":
        objects = ", ".join(str(o) for o in value.get("objects", [])) or empty()
        return (_("added: %(items)s") if value.get("operation") == "add" else _("removed: %(items)s")) % {
            "items": objects
        }
    if isinstance(value, list):
        return ", ".join(_show(model, name, v, lookups) for v in value) or empty()
    text = _raw(value)
    if text is None:
        return empty()
    found = _field(model, name)
    if found is None:  # a figure keyed by element code, or a field that no longer exists
        return _number(text)
    if found.choices:
        return str(dict(found.flatchoices).get(text, text))
    if isinstance(found, models.BooleanField):
        return _("Yes") if text in ("True", "1", "true") else _("No") if text in ("False", "0", "false") else text
    if isinstance(found, models.ForeignKey):
        return lookups.name(found.related_model, text)  # type: ignore[arg-type]
    if isinstance(found, models.DateTimeField):
        return _date(text, with_time=True)
    if isinstance(found, models.DateField):
        return _date(text, with_time=False)
    if isinstance(found, models.DecimalField | models.FloatField | models.IntegerField):
        return _number(text)
    if name == "period" and found.max_length == 8:
        try:
            return Period.parse(text).label
        except ValueError:
            return text
    return text


def _concrete(model: type[models.Model]) -> set[str]:
    """Fields a record holds itself (reverse relations are not values of it)."""
    return {f.name for f in model._meta.get_fields() if isinstance(f, models.Field) and f.concrete}


def _changes(entry: LogEntry) -> dict[str, Any]:
    changes = entry.changes if isinstance(entry.changes, dict) else entry.changes_dict
    return changes if isinstance(changes, dict) else {}


def describe(entries: list[LogEntry]) -> list[Line]:
    """Lines for a page of entries, in a fixed number of queries whatever its length."""
    from .models import Unit

    lookups = _Lookups()
    change_keys: dict[type[models.Model], set[str]] = defaultdict(set)
    record_ids: dict[type[models.Model], list[int]] = defaultdict(list)
    unit_codes: set[str] = set()
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        for name, values in _changes(entry).items():
            found = _field(model, name)
            if isinstance(found, models.ForeignKey):
                for value in values if isinstance(values, list) else [values]:
                    if _raw(value) is not None:
                        lookups.want(found.related_model, str(value))  # type: ignore[arg-type]
            elif found is None and model in _CODED:
                change_keys[model].add(name)
        if model in _CODED and ":" in (entry.object_pk or ""):
            unit_codes.add(entry.object_pk.split(":", 1)[0])
        elif model in _CODED and (entry.object_pk or "").isdigit():
            record_ids[model].append(int(entry.object_pk))
    lookups.fetch()
    labels = {model: coded.change_labels(change_keys[model]) for model, coded in _CODED.items() if change_keys[model]}
    unit_names = dict(Unit.objects.filter(code__in=unit_codes).values_list("code", "name"))
    concrete: dict[type[models.Model], set[str]] = {}
    records = {
        (model, pk): name
        for model, ids in record_ids.items()
        for pk, name in _CODED[model].record_names(ids).items()
    }
    lines = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        kind = str(model._meta.verbose_name) if model is not None else entry.content_type.name
        record = entry.object_repr
        if model in _CODED and ":" in (entry.object_pk or ""):
            code, period = entry.object_pk.split(":", 1)
            with contextlib.suppress(ValueError):
                period = Period.parse(period).label
            record = f"{unit_names.get(code, code)} · {period}"
        elif model is not None and (model, entry.object_pk) in records:
            record = records[(model, entry.object_pk)]
        created = entry.action == LogEntry.Action.CREATE
        changes = []
        for name, values in _changes(entry).items():
            if name in _SKIPPED:
                continue
            # reverse relations are no values of the record; a figure's changes are keyed by element code
            own = concrete.setdefault(model, _concrete(model)) if model is not None else set()
            if model is not None and model not in _CODED and name not in own:
                continue
            if isinstance(values, list) and len(values) == 2:
                old, new = values
            else:
                old, new = None, values
            if _raw(old) is None and _raw(new) is None and not isinstance(new, dict):
                continue
            changes.append(
                FieldChange(
                    _label(model, name, labels.get(model, {}) if model is not None else {}),
                    _show(model, name, old, lookups),
                    _show(model, name, new, lookups),
                    created,
                )
            )
        lines.append(Line(entry, action_label(entry.action), f"{kind[:1].upper()}{kind[1:]}: {record}", changes))
    return lines
