"""Every spreadsheet the reporting app writes (pivot CSV and XLSX, the Excel template) escapes
text that looks like a formula and keeps numbers, negative ones included, as numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import World
from tests.core.test_spreadsheets import HOSTILE
from tests.reporting.conftest import Catalogue
from tuyengiao.org.models import Unit
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataElement, DataSetElement


@pytest.fixture
def hostile_world(world: World, catalogue: Catalogue) -> DataElement:
    """A unit, an element and a text value that look like formulas, and a negative figure."""
    Unit.objects.filter(pk=world.commune.pk).update(name=HOSTILE[0])
    catalogue.note.name = HOSTILE[1]
    catalogue.note.save()
    balance = DataElement.objects.create(code="CHENH_LECH", name="@chênh lệch", value_type="number",
                                         aggregation="sum")
    DataSetElement.objects.create(dataset=catalogue.monthly, element=balance, order=9)
    services.save_value(world.province_admin, balance, world.commune, "202405", "-12,5", 0)
    services.save_value(world.province_admin, catalogue.note, world.commune, "202405", HOSTILE[3], 0)
    return balance


def test_the_pivot_exports_escape_formulas_and_keep_negative_numbers(
    world: World, catalogue: Catalogue, hostile_world: DataElement
) -> None:
    client = Client()
    client.force_login(world.province_admin)
    query = f"?unit={world.district.pk}&periods=202405&dx=CHENH_LECH"
    text = client.get(reverse("reporting:pivot") + query + "&format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][2] == "'@chênh lệch"
    commune = next(r for r in rows if r[0] == "T.X1")
    assert commune[1] == "'" + HOSTILE[0] and commune[2] == "-12,5"
    book = load_workbook(io.BytesIO(client.get(reverse("reporting:pivot") + query + "&format=xlsx").content))
    sheet = book.worksheets[0]
    assert sheet["C1"].value == "@chênh lệch"
    cells = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "T.X1")
    assert cells[1].value == HOSTILE[0] and cells[1].data_type == "s"
    assert cells[2].value == -12.5 and cells[2].data_type == "n"


def test_the_excel_template_keeps_formula_like_text_as_text_and_round_trips_it(
    world: World, catalogue: Catalogue, hostile_world: DataElement
) -> None:
    client = Client()
    client.force_login(world.province_admin)
    args = [catalogue.monthly.pk, world.district.pk, "202405"]
    content = client.get(reverse("reporting:excel_template", args=args)).content
    book = load_workbook(io.BytesIO(content))
    sheet = book["Số liệu"]
    every = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in every)  # no formula anywhere
    values = {c.value for c in every}
    assert {HOSTILE[0], HOSTILE[1], HOSTILE[3]} <= values
    codes = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "T.X1")
    assert row[codes.index("CHENH_LECH")].value == -12.5
    # uploaded back unchanged, the text and the negative number are unchanged
    from tuyengiao.reporting import excel

    preview = excel.check(world.province_admin, bytes(content), catalogue.monthly, world.district,
                          catalogue.monthly.period("202405"))
    assert preview.changed == []
