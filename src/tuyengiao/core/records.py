"""The pages and API of a board's record register (classes, reporters, plans, concerns, history works…).

Every register has the same shape: a list filtered by unit subtree, year and kind with an Excel
export of exactly what is listed, a detail page, add and edit forms saved through the app's
service, and a REST viewset over the same scoped querysets. An app declares its columns, filters,
form and service once in a ``RecordPages`` and a ``RecordViewSet``; the rules (404 outside the
scope, 403 without the role, refusals beside their field, nothing half-saved) live here.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, PositiveIntegerField, PositiveSmallIntegerField, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from .exceptions import UserError
from .forms import CountField
from .html import plain_text
from .numbers import format_date, format_number
from .periods import FIRST_YEAR, LAST_YEAR
from .tabular import append_row
from .views import form_view, get_for_user, get_rw_for_user, require

if TYPE_CHECKING:
    from django.forms import BaseForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
M = TypeVar("M", bound=Model)


# --- checks every register's services share -----------------------------------------------------


def count_problems(obj: Any, labels: dict[str, str]) -> list[tuple[str, str]]:
    """(field, message) for every count that is not a whole number of at least 0."""
    found = []
    for name, label in labels.items():
        value = getattr(obj, name, None)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            try:
                value = int(str(value))
            except ValueError:
                found.append((name, _("%(field)s: “%(value)s” is not a number.") % {"field": label, "value": value}))
                continue
            setattr(obj, name, value)
        if value < 0:
            found.append((name, _("%(field)s: cannot be negative.") % {"field": label}))
    return found


def require_enter(user: Any, obj: Any, unit_field: str = "unit") -> None:
    """PermissionDenied unless the user may enter records in the record's unit, and, for a saved
    record, in the unit it belonged to before this change (a record is never moved out of reach)."""
    from tuyengiao.org.access import Scope

    unit = getattr(obj, unit_field, None) if getattr(obj, f"{unit_field}_id", None) else None
    if unit is None or not Scope.of(user).allows(unit, "enter"):
        raise PermissionDenied
    if obj.pk:
        before = type(obj)._default_manager.filter(pk=obj.pk).select_related(unit_field).first()
        if before is not None and not Scope.of(user).allows(getattr(before, unit_field), "enter"):
            raise PermissionDenied


def refuse(found: Sequence[tuple[str, str]]) -> None:
    """Raise one ``UserError`` naming every problem; its field is the first problem's."""
    if found:
        raise UserError(" ".join(message for _field, message in found), field=found[0][0])


def scoped_querysets(model: Any) -> tuple[Callable[[Any], QuerySet[Any]], Callable[[Any], QuerySet[Any]]]:
    """A register's (visible, editable) querysets for a user: what they may read, what they may change."""

    def visible(user: Any) -> QuerySet[Any]:
        return model.objects.restrict(user, "view")

    def editable(user: Any) -> QuerySet[Any]:
        return model.objects.restrict(user, "enter")

    return visible, editable


def save_checked(user: Any, record: M, problems: Callable[[M], list[tuple[str, str]]] | None = None,
                 text: Sequence[str] = ()) -> M:
    """The save every register shares: the unit checked, the ``text`` fields made plain, every problem
    refused at once (nothing saved), then one transaction."""
    require_enter(user, record)
    for name in text:
        setattr(record, name, plain_text(getattr(record, name)))
    refuse(problems(record) if problems else [])
    with transaction.atomic():
        record.save()
    return record


def delete_checked(user: Any, record: Any) -> None:
    """Delete a record of a unit the user may enter records in."""
    require_enter(user, record)
    record.delete()


# --- cells and spreadsheets ---------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A value as the pages write it: 28/12/2022, 47.600, Có/Không."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, int | Decimal | float):
        return format_number(value)
    return str(value)


def _cell_value(value: Any) -> Any:
    if value is None or (isinstance(value, int | float | Decimal | dt.date) and not isinstance(value, bool)):
        return value
    return cell_text(value)


def xlsx_response(filename: str, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> HttpResponse:
    """One sheet, formula-like text kept as text (``core.tabular.append_row``), numbers as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    append_row(sheet, [str(h) for h in header])
    for row in rows:
        append_row(sheet, [_cell_value(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


# --- filters shared by list pages and the API ---------------------------------------------------


class RecordFilter(filters.FilterSet):
    """``under`` (a unit id: its subtree) and ``year`` (of ``date_field``) for every register."""

    unit_field = "unit"
    date_field = "created_at"
    under = filters.NumberFilter(method="filter_under", label=_("Unit and the units below it"))
    year = filters.NumberFilter(method="filter_year", label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def filter_under(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        from tuyengiao.org.models import Unit

        unit = Unit.objects.filter(pk=value).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(**{f"{self.unit_field}__path__startswith": unit.path})

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.date_field}__year": int(value)})


# --- pages --------------------------------------------------------------------------------------


def saving(service: Callable[..., Model], *many: str) -> Callable[[HttpRequest, Any, Any], Model]:
    """A ``RecordPages.save`` that hands the app's service the unsaved record (and the form's
    many-to-many choices named in ``many``, in that order)."""

    def save(request: HttpRequest, form: Any, obj: Any) -> Model:
        return service(request.user, form.save(commit=False), *(form.cleaned_data[name] for name in many))

    return save


def unit_choices(querysets: Callable[[HttpRequest], dict[str, Any]] | None = None
                 ) -> Callable[[HttpRequest], dict[str, Any]]:
    """A ``RecordPages.form_kwargs``: the units the user may enter records in, and other choices
    narrowed by ``querysets(request)``."""

    def kwargs(request: HttpRequest) -> dict[str, Any]:
        out: dict[str, Any] = {"units": entry_units(request.user)}
        if querysets is not None:
            out["querysets"] = querysets(request)
        return out

    return kwargs


@dataclass(frozen=True)
class Column:
    label: Any  # lazy Vietnamese text
    value: Callable[[Any], Any]
    link: bool = False  # the cell links to the record


@dataclass
class RecordPages:
    """List, export, detail, add, edit and delete pages of one register.

    ``visible``/``editable`` return the scoped querysets (``Model.objects.restrict``); ``save``
    receives the request and the valid form and calls the app's service (which checks the unit
    and the rules and raises ``UserError``); ``units`` are the units a record may be added in.
    """

    name: str  # e.g. "class": URL names class_list, class_add…
    model: type[Model]
    title: Any
    columns: list[Column]
    visible: Callable[[Any], QuerySet[Any]]
    editable: Callable[[Any], QuerySet[Any]]
    form_class: type[BaseForm]
    save: Callable[[HttpRequest, Any, Any], Model]  # request, form, the record being edited or None
    filterset: type[RecordFilter]
    can_add: Callable[[Any], bool]
    form_kwargs: Callable[[HttpRequest], dict[str, Any]] = lambda request: {}
    delete: Callable[[Any, Any], None] | None = None
    details: Callable[[Any], list[tuple[Any, Any]]] | None = None
    detail_template: str = "core/records/detail.html"
    detail_context: Callable[[HttpRequest, Any], dict[str, Any]] = lambda request, obj: {}
    list_note: Callable[[HttpRequest, QuerySet[Any]], dict[str, Any]] = lambda request, qs: {}
    related: Sequence[str] = ()  # select_related for the list
    saved_message: Any = None
    namespace: str = ""
    extra_urls: list[URLPattern] = field(default_factory=list)

    # -- helpers
    def url(self, suffix: str, *args: Any) -> str:
        return reverse(f"{self.namespace}:{self.name}_{suffix}", args=args)

    def _filtered(self, request: HttpRequest) -> tuple[Any, QuerySet[Any]]:
        queryset = self.visible(request.user).select_related(*self.related)
        fs = self.filterset(request.GET or None, queryset=queryset, request=request)
        return fs, fs.qs if fs.is_bound and fs.is_valid() else (queryset if not fs.is_bound else queryset.none())

    def rows(self, records: Sequence[Any]) -> list[tuple[str, list[tuple[str, bool]]]]:
        return [
            (obj.get_absolute_url(), [(cell_text(c.value(obj)), c.link) for c in self.columns]) for obj in records
        ]

    # -- views
    def list_view(self, request: HttpRequest) -> HttpResponse:
        fs, queryset = self._filtered(request)
        records = list(queryset[:500])
        context = {
            "pages": self,
            "filter": fs,
            "header": [str(c.label) for c in self.columns],
            "rows": self.rows(records),
            "count": len(records),
            "can_add": self.can_add(request.user),
            "add_url": self.url("add"),
            "export_url": self.url("export") + ("?" + request.GET.urlencode() if request.GET else ""),
            **self.list_note(request, self.visible(request.user)),
        }
        return render(request, "core/records/list.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        _fs, records = self._filtered(request)
        return xlsx_response(
            self.name, str(self.title), [str(c.label) for c in self.columns],
            [[c.value(obj) for c in self.columns] for obj in records],
        )

    def detail_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_for_user(self.visible(request.user), pk)
        rows = self.details(obj) if self.details else [(c.label, c.value(obj)) for c in self.columns]
        context = {
            "pages": self,
            "object": obj,
            "rows": [(label, cell_text(value)) for label, value in rows],
            "can_edit": self.editable(request.user).filter(pk=obj.pk).exists(),
            "edit_url": self.url("edit", obj.pk),
            "delete_url": self.url("delete", obj.pk) if self.delete else "",
            "list_url": self.url("list"),
            **self.detail_context(request, obj),
        }
        return render(request, self.detail_template, context)

    def _form_page(self, request: HttpRequest, obj: Any) -> HttpResponse:
        form_class: Any = self.form_class
        form = form_class(request.POST or None, instance=obj, **self.form_kwargs(request))
        context = {"pages": self, "object": obj, "list_url": self.url("list")}
        return form_view(
            request, form, lambda: self.save(request, form, obj), "core/records/form.html", context,
            success=str(self.saved_message) if self.saved_message else None,
        )

    def add_view(self, request: HttpRequest) -> HttpResponse:
        require(self.can_add(request.user))
        return self._form_page(request, None)

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._form_page(request, get_rw_for_user(self.visible(request.user), self.editable(request.user), pk))

    def delete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_rw_for_user(self.visible(request.user), self.editable(request.user), pk)
        assert self.delete is not None
        self.delete(request.user, obj)
        return redirect(self.url("list"))

    def urls(self, prefix: str = "") -> list[URLPattern]:
        """The register's routes under ``prefix`` ("" or e.g. "reporters/")."""
        def page(view: Callable[..., HttpResponse], methods: Sequence[str] = ("GET",)) -> Callable[..., HttpResponse]:
            return login_required(require_http_methods(list(methods))(view))

        out = [
            path(prefix, page(self.list_view), name=f"{self.name}_list"),
            path(f"{prefix}export/", page(self.export_view), name=f"{self.name}_export"),
            path(f"{prefix}new/", page(self.add_view, ("GET", "POST")), name=f"{self.name}_add"),
            path(f"{prefix}<int:pk>/", page(self.detail_view), name=f"{self.name}_detail"),
            path(f"{prefix}<int:pk>/edit/", page(self.edit_view, ("GET", "POST")), name=f"{self.name}_edit"),
        ]
        if self.delete is not None:
            out.append(path(f"{prefix}<int:pk>/delete/", login_required(require_POST(self.delete_view)),
                            name=f"{self.name}_delete"))
        return out + self.extra_urls


# --- API ----------------------------------------------------------------------------------------


class RecordViewSet(viewsets.ModelViewSet[Any]):
    """A register over REST: scoped like the pages, saved through the same service.

    Subclasses set ``model``, ``serializer_class`` and ``filterset_class`` and implement
    ``service_save(user, instance, data)`` (and ``service_delete`` when records may be deleted).
    A record outside the user's scope answers 404; a visible one the user may not change answers 403
    before its body is read, as the pages do.
    """

    model: Any = None
    related: Sequence[str] = ()

    def scoped(self, user: Any, action: str = "view") -> QuerySet[Any]:
        return self.model.objects.restrict(user, action)

    def service_save(self, user: Any, instance: Any, data: dict[str, Any]) -> Any:
        """A register without a save service is read-only through the API."""
        raise PermissionDenied

    def service_delete(self, user: Any, instance: Any) -> None:
        raise PermissionDenied

    def get_queryset(self) -> QuerySet[Any]:
        return self.scoped(self.request.user).select_related(*self.related).order_by("pk")

    def get_object(self) -> Any:
        obj = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and not self.scoped(
            self.request.user, "enter"
        ).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def _save(self, serializer: serializers.BaseSerializer[Any], instance: Any) -> None:
        try:
            serializer.instance = self.service_save(self.request.user, instance, dict(serializer.validated_data))
        except UserError as exc:
            raise ValidationError({exc.field or "detail": [exc.message]}) from exc

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, self.model())

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: Any) -> None:
        try:
            self.service_delete(self.request.user, instance)
        except UserError as exc:
            raise ValidationError({"detail": [exc.message]}) from exc


def assign(instance: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Set the plain fields of ``data`` on the instance; return the many-to-many ones left over."""
    many = {}
    for key, value in data.items():
        if instance._meta.get_field(key).many_to_many:
            many[key] = value
        else:
            setattr(instance, key, value)
    return many


# --- forms --------------------------------------------------------------------------------------

DATE_INPUTS = ["%d/%m/%Y", "%Y-%m-%d"]


class RecordForm(forms.ModelForm):
    """A register's form: dates typed dd/mm/yyyy, counts through ``CountField``, the unit chosen
    among ``units`` (those the user may enter records in), other choices narrowed by ``querysets``."""

    unit_field = "unit"

    def __init__(self, *args: Any, units: Any = None, querysets: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        for name, formfield in fields.items():
            model_field = self._meta.model._meta.get_field(name)
            if isinstance(formfield, forms.DateField):
                formfield.input_formats = DATE_INPUTS
                formfield.widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "28/12/2022",
                                                                          "autocomplete": "off"})
            elif isinstance(model_field, PositiveIntegerField | PositiveSmallIntegerField) and name != "year":
                fields[name] = CountField(label=formfield.label, required=formfield.required,
                                          help_text=formfield.help_text, initial=formfield.initial)
        if units is not None and self.unit_field in fields:
            fields[self.unit_field].queryset = units
        for name, queryset in (querysets or {}).items():
            if name in fields:
                fields[name].queryset = queryset


def entry_units(user: Any) -> QuerySet[Any]:
    """Open units where the user may enter records (the choices of a register's unit field)."""
    from tuyengiao.org.models import Unit

    return Unit.objects.restrict(user, "enter").current().order_by("path")


def may_add(user: Any) -> bool:
    return entry_units(user).exists()
