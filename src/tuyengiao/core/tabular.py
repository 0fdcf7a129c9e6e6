"""Spreadsheets in and out: uploaded CSV or XLSX read safely, and cells written safely.

Reading: the type is decided by content, not by the file name; a workbook's zip members, declared
dimensions and cell count are checked before a cell is parsed, and rows are streamed (openpyxl
read-only), so a small hostile file cannot exhaust memory or CPU.

Writing: text that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@``, tab, CR) is
neutralised by ``csv_row`` and ``append_row``, which every export goes through; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from .exceptions import UserError
from .numbers import format_number

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_CELLS = 2_000_000
# Uncompressed sizes inside an .xlsx: a few MB of zip can hold gigabytes of XML.
MAX_XML_BYTES = 200 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How large a workbook may be; checked on the declared size first, then while streaming."""

    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    cells: int = MAX_CELLS
    xml_bytes: int = MAX_XML_BYTES


def _damaged() -> UserError:
    return UserError(_("The Excel file is damaged or not a real .xlsx workbook."))


def _too_large(limits: Limits) -> UserError:
    return UserError(
        _("The workbook is too large: at most %(rows)s rows, %(columns)s columns and %(cells)s cells.")
        % {
            "rows": format_number(limits.rows),
            "columns": format_number(limits.columns),
            "cells": format_number(limits.cells),
        }
    )


def check_zip(data: bytes, limits: Limits = Limits()) -> None:
    """Refuse a non-zip, a damaged zip, or one whose members expand beyond the limits."""
    if data[:4] != b"PK\x03\x04":
        raise UserError(_("The file is not an Excel workbook (.xlsx); use the template you downloaded."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged() from exc
    if len(members) > 1000:
        raise _damaged()
    total = 0
    for member in members:
        total += member.file_size
        shared = member.filename.lower().endswith("sharedstrings.xml")
        if total > limits.xml_bytes or (shared and member.file_size > MAX_SHARED_STRINGS_BYTES):
            raise _too_large(limits)


def open_xlsx(data: bytes, limits: Limits = Limits(), data_only: bool = True) -> Workbook:
    """A read-only (streamed) workbook, after the zip checks; the caller closes it."""
    from openpyxl import load_workbook

    check_zip(data, limits)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds on malformed XML
        raise _damaged() from exc


def check_dimensions(worksheet: Any, limits: Limits = Limits()) -> None:
    """Refuse a sheet whose declared size (``<dimension ref="A1:XFD1048576">``) is beyond the limits.

    The declaration may be missing or false, so ``stream_rows`` counts again while reading.
    """
    try:
        rows, columns = worksheet.max_row or 0, worksheet.max_column or 0
    except Exception as exc:
        raise _damaged() from exc
    if rows > limits.rows or columns > limits.columns or rows * columns > limits.cells:
        raise _too_large(limits)


def stream_rows(
    worksheet: Any,
    limits: Limits = Limits(),
    columns: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The rows' values, one at a time, at most ``columns`` wide; stop at the first limit passed.

    Every row is read, whatever the sheet declares: a declared size smaller than the data would
    otherwise hide rows without a word.
    """
    width = min(columns or limits.columns, limits.columns)
    cells = 0
    try:
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()
        for number, row in enumerate(worksheet.iter_rows(max_col=width, values_only=True), start=1):
            cells += len(row)
            if number > limits.rows or cells > limits.cells:
                raise _too_large(limits)
            yield row
    except UserError:
        raise
    except Exception as exc:
        raise _damaged() from exc


# --- writing ------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d[\d.,\s]*)(e[+-]?\d+)?%?$", re.IGNORECASE)


def formula_like(value: object) -> bool:
    """Text a spreadsheet would run as a formula; numbers, and text that reads as one, are not."""
    return isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER_TEXT.match(value.strip())


def csv_cell(value: object) -> object:
    """A CSV cell: formula-like text gets a leading apostrophe (shown as text by spreadsheets)."""
    return "'" + value if formula_like(value) else value  # type: ignore[operator]


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(v) for v in values]


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """Append a row to an openpyxl sheet, keeping formula-like text a plain string cell.

    openpyxl stores any text starting with "=" as a formula; here such text is written as a string,
    with the quote prefix Excel itself uses, so it is shown and kept as typed and never run.
    Numbers (Decimal included) are written as numbers.
    """
    row = [float(v) if isinstance(v, Decimal) else v for v in values]
    sheet.append(row)
    index = sheet.max_row
    for column, value in enumerate(row, start=1):
        if formula_like(value):
            cell = sheet.cell(row=index, column=column)
            cell.value = str(value)
            cell.data_type = "s"
            cell.quotePrefix = True


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based row number in the file, cells)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, filename: str = "") -> list[Sheet]:
    """Parse CSV (UTF-8, with or without BOM; comma or semicolon) or XLSX bytes."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UserError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if not data.strip():
        raise UserError(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UserError(_("Old Excel files (.xls) are not supported; save the file as .xlsx or .csv."))
    return [_read_csv(data)]


def _read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(_("The file is neither an Excel workbook (.xlsx) nor UTF-8 text (.csv).")) from exc
    if "\x00" in text:
        raise UserError(_("The file is neither an Excel workbook (.xlsx) nor UTF-8 text (.csv)."))
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    cells = 0
    for number, row in enumerate(reader, start=1):
        cells += len(row)
        if number > MAX_ROWS + 1 or len(row) > MAX_COLUMNS or cells > MAX_CELLS:
            raise _too_large(Limits())
        stripped = [cell.strip() for cell in row]
        if any(stripped):
            rows.append((number, stripped))
    return _to_sheet("CSV", rows)


def _read_xlsx(data: bytes, limits: Limits = Limits()) -> list[Sheet]:
    workbook = open_xlsx(data, limits)
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            check_dimensions(worksheet, limits)
            rows: list[tuple[int, list[str]]] = []
            for number, row in enumerate(stream_rows(worksheet, limits), start=1):
                cells = [_cell_text(v) for v in row]
                if any(cells):
                    rows.append((number, cells))
            sheets.append(_to_sheet(worksheet.title, rows))
    except UserError:
        raise
    except Exception as exc:
        raise _damaged() from exc
    finally:
        workbook.close()
    return sheets


def _to_sheet(name: str, rows: list[tuple[int, list[str]]]) -> Sheet:
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if len(rows) > MAX_ROWS + 1:
        raise UserError(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    if not rows:
        return Sheet(name, [], [])
    header = [h.strip().lower() for h in rows[0][1]]
    return Sheet(name, header, rows[1:])


def iter_records(sheet: Sheet) -> Iterator[tuple[int, dict[str, str]]]:
    for number, cells in sheet.rows:
        padded = cells + [""] * (len(sheet.header) - len(cells))
        yield number, {key: padded[i] for i, key in enumerate(sheet.header) if key}
