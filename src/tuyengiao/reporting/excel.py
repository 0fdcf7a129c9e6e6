"""Excel in and out: a template of one data set and period for a unit's subtree, and its upload.

The template has one row per reporting unit and one column per element, pre-filled with what is
stored; the codes sit in a hidden first row and a hidden first column so officials can rename
headers or sort rows without breaking the upload.

An upload goes in two steps. ``check`` reads the file (streamed, within size limits), refuses any
bad cell (listed with its sheet, row, column and reason), and returns a ``Preview`` of the changes
with the version of every stored value it read. ``apply`` writes those changes in one transaction,
except values someone changed since the preview: those are listed as conflicts, not overwritten.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tuyengiao.core import tabular
from tuyengiao.core.exceptions import ImportRejected, RowError, UserError
from tuyengiao.core.numbers import format_number
from tuyengiao.core.periods import Period
from tuyengiao.org import tree
from tuyengiao.org.models import Unit

from . import services
from .models import DataElement, DataSet, DataValue

SHEET = "Số liệu"  # the sheet name is part of the template format, not translated
META = "_meta"
MAX_VALUES = 100_000
# A template has one row per reporting unit of a subtree and one column per element.
LIMITS = tabular.Limits(rows=20_000, columns=256, cells=1_000_000, xml_bytes=64 * 1024 * 1024)
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reporting_units(dataset: DataSet, unit: Unit, period: Period) -> list[Unit]:
    """Units of the subtree (as the tree stood at period end) that report this data set."""
    day = min(period.end, unit.last_day())
    found = tree.descendants(unit, day, include_self=True)
    return sorted((u for u in found if dataset.reports(u)), key=lambda u: u.path)


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
    tabular.append_row(sheet, ["MA_DON_VI", "", *[e.code for e in elements]])
    tabular.append_row(
        sheet,
        [
            _("Unit code"),
            _("Unit — %(dataset)s, %(period)s") % {"dataset": dataset.name, "period": period.label},
            *[e.name for e in elements],
        ],
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
        tabular.append_row(sheet, row)
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
    tabular.append_row(meta, ["dataSet", dataset.code])
    tabular.append_row(meta, ["period", period.code])
    tabular.append_row(meta, ["orgUnit", unit.code])
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class Preview:
    changes: list[services.Change]
    unchanged: int
    values: int
    seen: dict[str, int] = field(default_factory=dict)
    """``"unit_id:element_id"`` -> version of each stored value the check read (absent: none stored)."""

    @property
    def changed(self) -> list[services.Change]:
        return [c for c in self.changes if c.changed]


@dataclass
class Conflict:
    """A value of the file not written because someone changed the stored one after the preview."""

    change: services.Change


@dataclass
class Outcome:
    saved: int
    conflicts: list[Conflict]


def seen_key(unit_id: int, element_id: int) -> str:
    return f"{unit_id}:{element_id}"


def _cell_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _is_formula(value: Any) -> bool:
    """A cell of the formulas pass that holds a formula (text "=…", array or data-table formula)."""
    return value is not None and (not isinstance(value, str | int | float | bool) or str(value).startswith("="))


@dataclass
class _Sheet:
    codes: list[str]
    headers: list[str]
    rows: Iterator[tuple[int, tuple[Any, ...]]]


def _label(index: int, headers: list[str], fallback: str) -> str:
    header = headers[index] if index < len(headers) and headers[index] else fallback
    return f"{get_column_letter(index + 1)} ({header})"


@contextmanager
def _opened(data: bytes, dataset: DataSet, period: Period, errors: list[RowError]) -> Iterator[_Sheet]:
    """Open the file twice, streamed: cached values (what Excel shows) and formulas, row by row.

    A formula cell counts by its cached value; a formula Excel never computed (no cached value,
    e.g. a file written by a script) is refused, naming the cell, instead of being read as empty.
    """
    values_book = tabular.open_xlsx(data, LIMITS, data_only=True)
    formulas_book = tabular.open_xlsx(data, LIMITS, data_only=False)
    try:
        if SHEET not in values_book.sheetnames:
            raise UserError(
                _("The template's sheet “%(sheet)s” is missing; download the template again and fill it in.")
                % {"sheet": SHEET}
            )
        if META in values_book.sheetnames:
            meta_sheet = values_book[META]
            tabular.check_dimensions(meta_sheet, LIMITS)
            meta = {str(r[0]): str(r[1]) for r in tabular.stream_rows(meta_sheet, LIMITS, 2) if r and r[0]}
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
        sheet, formulas = values_book[SHEET], formulas_book[SHEET]
        tabular.check_dimensions(sheet, LIMITS)
        head = list(sheet.iter_rows(min_row=1, max_row=2, max_col=LIMITS.columns, values_only=True))
        if len(head) < 2:
            raise UserError(_("The figures sheet is empty."))
        codes = [str(c).strip().upper() if c is not None else "" for c in head[0]]
        while codes and not codes[-1]:
            codes.pop()
        headers = [str(c) if c is not None else "" for c in head[1]]
        width = max(len(codes), 1)

        def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
            pairs = zip(
                tabular.stream_rows(sheet, LIMITS, width),
                tabular.stream_rows(formulas, LIMITS, width),
                strict=False,
            )
            for number, (values, formula_row) in enumerate(pairs, start=1):
                if number <= 2:
                    continue
                cells = list(values)
                for index, (value, formula) in enumerate(zip(values, formula_row, strict=False)):
                    if value is None and _is_formula(formula):
                        errors.append(
                            RowError(
                                number,
                                _label(index, headers, get_column_letter(index + 1)),
                                _(
                                    "the cell %(cell)s holds a formula without a computed value; "
                                    "open the file in Excel, let it calculate and save it, or type the number"
                                )
                                % {"cell": f"{get_column_letter(index + 1)}{number}"},
                                SHEET,
                            )
                        )
                        cells[index] = _FORMULA_WITHOUT_VALUE
                yield number, tuple(cells)

        yield _Sheet(codes, headers, rows())
    finally:
        values_book.close()
        formulas_book.close()


_FORMULA_WITHOUT_VALUE = object()


def check(
    user: Any,
    data: bytes,
    dataset: DataSet,
    unit: Unit,
    period: Period,
    progress: services.Progress | None = None,
) -> Preview:
    """Check a filled template for ``unit``'s subtree; raise ``ImportRejected`` listing every bad
    cell, or return the changes it would make. Nothing is written.

    Rows may only be units of the subtree that report the data set (the template's rows); a unit
    or an element appearing twice is refused naming both places. ``progress`` is told
    ``(cells checked, cells to check)`` as the check goes on.
    """
    errors: list[RowError] = []
    elements = {e.code: e for e in dataset.elements.all()}
    allowed = {u.code: u for u in reporting_units(dataset, unit, period)}
    entries: list[services.Entry] = []
    with _opened(data, dataset, period, errors) as sheet:
        codes, headers = sheet.codes, sheet.headers
        columns: dict[int, DataElement] = {}
        column_of: dict[str, int] = {}
        for index, code in enumerate(codes[2:], start=2):
            if not code:
                continue
            label = _label(index, headers, code)
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
            if code in column_of:
                errors.append(
                    RowError(
                        1,
                        label,
                        _("the element “%(code)s” already has column %(column)s")
                        % {"code": code, "column": get_column_letter(column_of[code] + 1)},
                        SHEET,
                    )
                )
                continue
            column_of[code] = index
            columns[index] = elements[code]
        row_of: dict[str, int] = {}
        for number, row in sheet.rows:
            if all(v in (None, "") for v in row):
                continue
            if row[0] is _FORMULA_WITHOUT_VALUE:
                continue  # already refused
            code = str(row[0]).strip() if row[0] is not None else ""
            where = "A (" + _("Unit code") + ")"
            target = allowed.get(code)
            if target is None:
                errors.append(
                    RowError(
                        number,
                        where,
                        _("no unit with code “%(code)s” among the units of %(unit)s that report this data set")
                        % {"code": code, "unit": unit.name}
                        if code
                        else _("the unit code is missing (hidden column A); use the template"),
                        SHEET,
                    )
                )
                continue
            if code in row_of:
                errors.append(
                    RowError(
                        number,
                        where,
                        _("the unit “%(code)s” already appears on row %(row)d; keep one row per unit")
                        % {"code": code, "row": row_of[code]},
                        SHEET,
                    )
                )
                continue
            row_of[code] = number
            for index, element in columns.items():
                value = _cell_value(row[index]) if index < len(row) else None
                if value is _FORMULA_WITHOUT_VALUE:
                    continue  # already refused
                entries.append(
                    services.Entry(
                        target,
                        period,
                        element,
                        value if value != "" else None,
                        where=(number, _label(index, headers, element.code)),
                    )
                )
                if len(entries) > MAX_VALUES:
                    raise UserError(
                        _("The file has more than %(limit)s values; split it by unit.")
                        % {"limit": format_number(MAX_VALUES)}
                    )
    # an empty cell with nothing stored is simply not an entry
    stored = DataValue.objects.filter(
        unit__in=list(allowed.values()), period=period.code, element__in=list(elements.values())
    ).values_list("unit_id", "element_id", "version")
    seen = {seen_key(u, e): v for u, e, v in stored}
    entries = [e for e in entries if e.raw is not None or seen_key(e.unit.pk, e.element.pk) in seen]
    changes, bad = services.prepare(user, entries, progress)
    for entry, message in bad:
        row_number, label = entry.where
        errors.append(RowError(row_number, label, message, SHEET))
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(errors=errors)
    changed = [c for c in changes if c.changed]
    used = {seen_key(e.unit.pk, e.element.pk) for e in entries}
    return Preview(changes, len(changes) - len(changed), len(entries), {k: v for k, v in seen.items() if k in used})


def conflicts_with(preview: Preview, seen: dict[str, int]) -> tuple[list[services.Change], list[Conflict]]:
    """Split the changes: those against the values seen at preview, and those against values
    someone changed (or entered) since."""
    keep: list[services.Change] = []
    conflicts: list[Conflict] = []
    for change in preview.changes:
        if not change.changed:
            continue
        now = change.current.version if change.current is not None else 0
        if now != seen.get(seen_key(change.entry.unit.pk, change.entry.element.pk), 0):
            conflicts.append(Conflict(change))
        else:
            keep.append(change)
    return keep, conflicts


def apply(
    user: Any, preview: Preview, seen: dict[str, int] | None = None, progress: services.Progress | None = None
) -> Outcome:
    """Write a checked file in one transaction; values changed since ``seen`` are left alone and
    returned as conflicts (``seen`` None: the preview's own, nothing can have moved)."""
    keep, conflicts = conflicts_with(preview, preview.seen if seen is None else seen)
    saved = services.apply(user, keep, progress) if keep else 0
    return Outcome(saved, conflicts)


def commit(
    user: Any,
    data: bytes,
    dataset: DataSet,
    unit: Unit,
    period: Period,
    seen: dict[str, int],
    checked: services.Progress | None = None,
    saved: services.Progress | None = None,
) -> Outcome:
    """Check the file again (locks and rights may have changed) and apply it against ``seen``.

    ``checked`` follows the re-check (cells), ``saved`` the writing (values changed).
    """
    return apply(user, check(user, data, dataset, unit, period, checked), seen, saved)
