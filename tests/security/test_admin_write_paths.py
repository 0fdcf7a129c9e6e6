"""Django's admin shows the records that have a write path of their own and never changes them:
a value edited there would skip its aggregates, locks and versions; a unit moved there would keep
its old path and leave every figure above it where it was."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.conftest import World
from tuyengiao.org.models import Unit, UnitPlacement, UnitSuccession
from tuyengiao.reporting import aggregates
from tuyengiao.reporting.models import DataElement, DataValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world: World) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="Mat-khau-goc-2024"))
    return client


def _form(body: str) -> dict[str, str]:
    """The fields a browser would send back from an admin change page, as they were shown."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'type="checkbox"' not in tag and 'type="submit"' not in tag:
            value = re.search(r'value="([^"]*)"', tag)
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def test_values_reports_and_successions_are_shown_but_never_changed(world: World, staff: Client) -> None:
    element = DataElement.objects.create(code="HT_LUOT", name="Lượt", value_type="integer")
    value = DataValue.objects.create(element=element, unit=world.cell, period="202401", value=Decimal(4))
    aggregates.rebuild()
    base = "/admin/reporting/datavalue"
    assert staff.get(f"{base}/").status_code == 200
    assert staff.get(f"{base}/{value.pk}/change/").status_code == 200  # shown, read-only
    assert staff.get(f"{base}/add/").status_code == 403
    assert staff.post(f"{base}/{value.pk}/change/", {"value": "400", "period": "202401"}).status_code == 403
    assert staff.post(f"{base}/{value.pk}/delete/", {"post": "yes"}).status_code == 403
    value.refresh_from_db()
    assert value.value == Decimal(4)
    assert aggregates.check() == []
    for model in ("reporting/submission", "reporting/importjob", "org/unitsuccession"):
        assert staff.get(f"/admin/{model}/add/").status_code == 403, model
    assert UnitSuccession.objects.count() == 0


def test_a_unit_keeps_its_place_and_dates_and_only_its_name_is_corrected(world: World, staff: Client) -> None:
    url = f"/admin/org/unit/{world.cell.pk}/change/"
    body = staff.get(url).content.decode()
    form = _form(body)
    assert "parent" not in form and "valid_from" not in form and "valid_to" not in form
    placements = UnitPlacement.objects.count()
    form.update({"name": "Chi bộ thôn Đông (sửa tên)", "parent": str(world.other_commune.pk),
                 "valid_to": "01/01/2025", "member_count": "999"})
    response = staff.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    cell = Unit.objects.get(pk=world.cell.pk)
    assert cell.name == "Chi bộ thôn Đông (sửa tên)"
    assert (cell.parent_id, cell.valid_to, cell.path) == (world.commune.pk, None, world.cell.path)
    assert cell.member_count == world.cell.member_count
    assert UnitPlacement.objects.count() == placements
    assert staff.get("/admin/org/unit/add/").status_code == 403
    assert staff.post(f"/admin/org/unit/{world.cell.pk}/delete/", {"post": "yes"}).status_code == 403
