"""Excel in and out: a template of one data set and period for a unit's subtree, and its upload.

The template has one row per reporting unit and one column per element, pre-filled with what is
stored; the codes sit in a hidden first row and a hidden first column so officials can rename
headers or sort rows without breaking the upload. An upload is checked completely first; any bad
cell blocks the whole commit and is listed with its sheet, row, column and reason.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tuyengiao.core.exceptions import ImportRejected, RowError, UserError
from tuyengiao.core.numbers import format_number
from tuyengiao.core.periods import Period
from tuyengiao.core.scoping import scope_q
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit
from tuyengiao.org.services import tree_as_of

from . import services
from .models import DataElement, DataSet, DataValue

SHEET = "Số liệu"  # the sheet name is part of the template format, not translated
META = "_meta"
MAX_VALUES = 100_000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reporting_units(dataset: DataSet, unit: Unit, period: Period) -> list[Unit]:
    """Units of the subtree (as the tree stood at period end) that report this data set."""
    day = min(period.end, unit.last_day())
    tree = tree_as_of(day, root=unit)
    found = [unit] if dataset.reports(unit) else []
    frontier = [unit.pk]
    while frontier:
        level = [u for pid in frontier for u in tree.get(pid, [])]
        found.extend(u for u in level if dataset.reports(u))
        frontier = [u.pk for u in level]
    return sorted(found, key=lambda u: u.path)


def template(dataset: DataSet, unit: Unit, period: Period) -> bytes:
    elements = [m.element for m in dataset.members.select_related("element").order_by("order", "id")]
    units = reporting_units(dataset, unit, period)
    stored = {
        (dv.unit_id, dv.element_id): dv
        for dv in DataValue.objects.filter(unit__in=units, period=period.code, element__in=elements)
    }
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = SHEET
    sheet.append(["MA_DON_VI", "", *[e.code for e in elements]])
    sheet.append(
        [
            _("Unit code"),
            _("Unit — %(dataset)s, %(period)s") % {"dataset": dataset.name, "period": period.label},
            *[e.name for e in elements],
        ]
    )
    for u in units:
        row: list[Any] = [u.code, u.name]
        for e in elements:
            dv = stored.get((u.pk, e.pk))
            if dv is None:
                row.append(None)
            elif dv.value is not None:
                row.append(int(dv.value) if dv.value == dv.value.to_integral_value() else float(dv.value))
            else:
                row.append(dv.text_value)
        sheet.append(row)
    sheet.row_dimensions[1].hidden = True
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].width = 42
    for col in range(3, len(elements) + 3):
        sheet.column_dimensions[get_column_letter(col)].width = 16
        cell = sheet.cell(row=2, column=col)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    sheet.freeze_panes = "C3"
    meta = book.create_sheet(META)
    meta.append(["dataSet", dataset.code])
    meta.append(["period", period.code])
    meta.append(["orgUnit", unit.code])
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class Preview:
    changes: list[services.Change]
    unchanged: int
    values: int

    @property
    def changed(self) -> list[services.Change]:
        return [c for c in self.changes if c.changed]


def _cell_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def read(
    user: Any, data: bytes, dataset: DataSet, period: Period, progress: services.Progress | None = None
) -> Preview:
    """Check a filled template; raise ``ImportRejected`` listing every bad cell, or return the changes.

    ``progress`` is told ``(cells checked, cells to check)`` as the check goes on.
    """
    if data[:4] != b"PK\x03\x04":
        raise UserError(_("The file is not an Excel workbook (.xlsx); use the template you downloaded."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise UserError(_("The Excel file is damaged or cannot be read.")) from exc
    try:
        if SHEET not in book.sheetnames:
            raise UserError(
                _("The template's sheet “%(sheet)s” is missing; download the template again and fill it in.")
                % {"sheet": SHEET}
            )
        errors: list[RowError] = []
        if META in book.sheetnames:
            meta = {str(r[0]): str(r[1]) for r in book[META].iter_rows(values_only=True) if r and r[0]}
            if meta.get("dataSet") != dataset.code or meta.get("period") != period.code:
                raise UserError(
                    _(
                        "The file is the template of %(file_dataset)s for %(file_period)s, "
                        "not of %(dataset)s for %(period)s."
                    )
                    % {
                        "file_dataset": meta.get("dataSet"),
                        "file_period": meta.get("period"),
                        "dataset": dataset.code,
                        "period": period.code,
                    }
                )
        rows = list(book[SHEET].iter_rows(values_only=True))
    finally:
        book.close()
    if len(rows) < 2:
        raise UserError(_("The figures sheet is empty."))
    codes = [str(c).strip().upper() if c is not None else "" for c in rows[0]]
    headers = [str(c) if c is not None else "" for c in rows[1]]
    elements = {e.code: e for e in dataset.elements.all()}
    columns: dict[int, DataElement] = {}
    for index, code in enumerate(codes[2:], start=2):
        if not code:
            continue
        label = f"{get_column_letter(index + 1)} ({headers[index] if index < len(headers) else code})"
        if code not in elements:
            errors.append(
                RowError(
                    1,
                    label,
                    _("the element code “%(code)s” is not in “%(dataset)s”")
                    % {"code": code, "dataset": dataset.name},
                    SHEET,
                )
            )
            continue
        columns[index] = elements[code]
    unit_codes = {str(r[0]).strip() for r in rows[2:] if r and r[0]}
    scope = scope_q(user, Action.VIEW, unit_field="")
    units_qs = Unit.objects.filter(code__in=unit_codes)
    if scope is not None:
        units_qs = units_qs.filter(scope)
    units = {u.code: u for u in units_qs}
    entries: list[services.Entry] = []
    for number, row in enumerate(rows[2:], start=3):
        if not row or all(v in (None, "") for v in row):
            continue
        code = str(row[0]).strip() if row[0] is not None else ""
        unit = units.get(code)
        if unit is None:
            errors.append(
                RowError(
                    number,
                    "A (" + _("Unit code") + ")",
                    _("no unit with code “%(code)s” within your units") % {"code": code}
                    if code
                    else _("the unit code is missing (hidden column A); use the template"),
                    SHEET,
                )
            )
            continue
        if not dataset.reports(unit):
            errors.append(
                RowError(
                    number,
                    "A (" + _("Unit code") + ")",
                    _("%(unit)s does not report this data set") % {"unit": unit.name},
                    SHEET,
                )
            )
            continue
        for index, element in columns.items():
            value = _cell_value(row[index]) if index < len(row) else None
            label = (
                f"{get_column_letter(index + 1)} ({headers[index] if index < len(headers) else element.code})"
            )
            entries.append(
                services.Entry(unit, period, element, value if value != "" else None, where=(number, label))
            )
    if len(entries) > MAX_VALUES:
        raise UserError(
            _("The file has %(count)s values, more than the limit of %(limit)s.")
            % {"count": format_number(len(entries)), "limit": format_number(MAX_VALUES)}
        )
    # an empty cell with nothing stored is simply not an entry
    existing = set(
        DataValue.objects.filter(
            Q(unit__in=list(units.values())), period=period.code, element__in=list(columns.values())
        ).values_list("unit_id", "element_id")
    )
    entries = [e for e in entries if e.raw is not None or (e.unit.pk, e.element.pk) in existing]
    changes, bad = services.prepare(user, entries, progress)
    for entry, message in bad:
        row_number, label = entry.where
        errors.append(RowError(row_number, label, message, SHEET))
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(errors=errors)
    changed = [c for c in changes if c.changed]
    return Preview(changes, len(changes) - len(changed), len(entries))


def commit(
    user: Any,
    data: bytes,
    dataset: DataSet,
    period: Period,
    checked: services.Progress | None = None,
    saved: services.Progress | None = None,
) -> int:
    """Re-check and write everything in one transaction; nothing is written if anything is bad.

    ``checked`` follows the re-check (cells), ``saved`` the writing (values changed).
    """
    preview = read(user, data, dataset, period, checked)
    return services.apply(user, preview.changes, saved)
