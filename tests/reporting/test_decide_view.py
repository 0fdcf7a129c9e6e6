"""Returning and approving a submitted report: the reason reaches the officer, approval locks the value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.reporting.pages import HX, entry_url, value_url
from tests.support.personas import client_for
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataValue, Status, Submission

pytestmark = pytest.mark.django_db



def submitted(world: World, catalogue: Catalogue) -> Submission:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    return services.submit(world.province_admin, catalogue.monthly, world.commune, "202405")


def test_it_requires_login(world: World, catalogue: Catalogue) -> None:
    sub = submitted(world, catalogue)
    answer = client_for(None).post(reverse("reporting:decide", args=[sub.pk, "approve"]))
    assert answer.status_code == 302
    sub.refresh_from_db()
    assert sub.status == Status.SUBMITTED


def test_it_requires_the_unit_in_scope(world: World, catalogue: Catalogue) -> None:
    sub = submitted(world, catalogue)
    outsider = client_for(world.other_commune_officer)
    assert outsider.post(reverse("reporting:decide", args=[sub.pk, "approve"])).status_code == 404
    sub.refresh_from_db()
    assert sub.status == Status.SUBMITTED


def test_approver_returns_with_reason_then_approves_and_the_value_locks(
    world: World, catalogue: Catalogue
) -> None:
    officer = client_for(world.commune_officer)
    officer.post(value_url(catalogue, world.commune, catalogue.sessions), {"value": "3", "version": 0}, **HX)
    officer.post(reverse("reporting:entry_submit", args=[catalogue.monthly.pk, world.commune.pk, "202405"]))
    approver = client_for(world.province_approver)
    page = approver.get(
        reverse("reporting:approvals", args=[catalogue.monthly.pk, world.district.pk, "202405"])
    )
    assert page.status_code == 200 and "Đảng bộ xã Chí Linh" in page.content.decode()
    sub = Submission.objects.get(unit=world.commune)
    approver.post(
        reverse("reporting:decide", args=[sub.pk, "return"]), {"reason": "Thiếu số buổi của chi bộ"}
    )
    sub.refresh_from_db()
    assert sub.status == Status.RETURNED and sub.reason == "Thiếu số buổi của chi bộ"
    assert "Thiếu số buổi của chi bộ" in officer.get(entry_url(catalogue, world.commune)).content.decode()
    status_page = officer.get(reverse("reporting:my_reports")).content.decode()
    assert "Bị trả lại" in status_page and "Thiếu số buổi của chi bộ" in status_page
    officer.post(value_url(catalogue, world.commune, catalogue.sessions), {"value": "4", "version": 1}, **HX)
    officer.post(reverse("reporting:entry_submit", args=[catalogue.monthly.pk, world.commune.pk, "202405"]))
    approver.post(reverse("reporting:decide", args=[sub.pk, "approve"]))
    sub.refresh_from_db()
    assert sub.status == Status.APPROVED
    body = officer.post(
        value_url(catalogue, world.commune, catalogue.sessions), {"value": "9", "version": 2}, **HX
    ).content.decode()
    assert "đã được duyệt" in body
    assert DataValue.objects.get(element=catalogue.sessions).value == Decimal(4)
