"""Read uploaded CSV or XLSX files into rows of text, refusing what is not a real table.

Type is decided by content, not by the file name; sizes are bounded so a hostile file cannot
exhaust memory.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .exceptions import UserError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000


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
    rows = [(number, [cell.strip() for cell in row]) for number, row in enumerate(reader, start=1)]
    return _to_sheet("CSV", rows)


def _read_xlsx(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UserError(_("The Excel file is damaged or not a real .xlsx workbook.")) from exc
    except Exception as exc:  # openpyxl raises many kinds on malformed XML
        raise UserError(_("The Excel file is damaged or not a real .xlsx workbook.")) from exc
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows: list[tuple[int, list[str]]] = []
            for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS + 1:
                    raise UserError(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
                rows.append((number, [_cell_text(v) for v in row]))
            sheets.append(_to_sheet(worksheet.title, rows))
    except UserError:
        raise
    except Exception as exc:
        raise UserError(_("The Excel file is damaged or not a real .xlsx workbook.")) from exc
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
