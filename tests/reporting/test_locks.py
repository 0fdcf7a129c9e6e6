"""Who may write which figure when: the unit's kind, locks over the subtree, withdrawal and
self-approval, on every write path (service, form, API)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.support.personas import api_client_for, client_for
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.periods import Period
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataSet, DataValue, Status

MAY = Period.parse("202405")
HX = {"HTTP_HX_REQUEST": "true"}




def cell_set() -> DataSet:
    return DataSet.objects.get(code="BC_CHI_BO")


def post_cell_value(user, value: int):  # type: ignore[no-untyped-def]
    return api_client_for(user).post(
        "/api/dataValueSets/",
        {
            "dataSet": "BC_CHI_BO",
            "period": "202405",
            "orgUnit": "T.X1.C1",
            "dataValues": [{"dataElement": "HT_SO_BUOI", "value": value}],
        },
        format="json",
    )


def post_cell_form(user, catalogue: Catalogue, world: World, value: str, version: int):  # type: ignore[no-untyped-def]
    url = reverse("reporting:entry_value", args=[cell_set().pk, world.cell.pk, "202405", catalogue.sessions.pk])
    return client_for(user).post(url, {"value": value, "version": version}, **HX)


def approved_commune(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "3", 0)
    sub = services.submit(world.commune_officer, catalogue.monthly, world.commune, MAY)
    services.approve(world.province_approver, sub)


# --- the unit's kind ------------------------------------------------------------------------


def test_a_cell_cannot_write_figures_of_a_commune_report(world: World, catalogue: Catalogue) -> None:
    with pytest.raises(UserError) as info:
        services.save_value(world.cell_secretary, catalogue.expected, world.cell, MAY, "30", 0)
    assert "Chi bộ thôn Đông" in info.value.message and "không thuộc diện báo cáo" in info.value.message
    answer = api_client_for(world.cell_secretary).post(
        "/api/dataValueSets/",
        {
            "dataSet": "BC_THANG",
            "period": "202405",
            "orgUnit": "T.X1.C1",
            "dataValues": [{"dataElement": "HT_SO_BUOI", "value": 2}],
        },
        format="json",
    )
    assert answer.status_code == 400 and "không thuộc diện báo cáo" in answer.json()["errors"][0]["message"]
    url = reverse("reporting:entry_value", args=[catalogue.monthly.pk, world.cell.pk, "202405", catalogue.sessions.pk])
    body = client_for(world.cell_secretary).post(url, {"value": "2", "version": 0}, **HX).content.decode()
    assert "không thuộc diện báo cáo" in body
    assert not DataValue.objects.exists()
    # the cell's own report is open to it
    services.save_value(world.cell_secretary, catalogue.sessions, world.cell, MAY, "2", 0, dataset=cell_set())
    assert DataValue.objects.get().value == Decimal(2)


# --- locks over the subtree -----------------------------------------------------------------


def test_an_approved_commune_report_locks_its_cells_figures_through_the_service(
    world: World, catalogue: Catalogue
) -> None:
    services.save_value(world.cell_secretary, catalogue.sessions, world.cell, MAY, "1", 0)
    approved_commune(world, catalogue)
    with pytest.raises(UserError) as info:
        services.save_value(world.cell_secretary, catalogue.sessions, world.cell, MAY, "5", 1)
    assert "Đảng bộ xã Chí Linh" in info.value.message and "đã được duyệt" in info.value.message
    assert DataValue.objects.get(unit=world.cell).value == Decimal(1)


def test_an_approved_commune_report_locks_its_cells_figures_through_the_api(
    world: World, catalogue: Catalogue
) -> None:
    approved_commune(world, catalogue)
    answer = post_cell_value(world.cell_secretary, 5)
    assert answer.status_code == 400
    assert "đã được duyệt" in answer.json()["errors"][0]["message"]
    assert not DataValue.objects.filter(unit=world.cell).exists()


def test_an_approved_commune_report_locks_its_cells_figures_through_the_form(
    world: World, catalogue: Catalogue
) -> None:
    approved_commune(world, catalogue)
    body = post_cell_form(world.cell_secretary, catalogue, world, "5", 0).content.decode()
    assert 'role="alert"' in body and "đã được duyệt" in body
    page = client_for(world.cell_secretary).get(
        reverse("reporting:entry", args=[cell_set().pk, world.cell.pk, "202405"])
    ).content.decode()
    assert "đã được duyệt" in page and "disabled" in page
    assert not DataValue.objects.filter(unit=world.cell).exists()


def test_the_bulk_path_refuses_values_under_an_approved_report(world: World, catalogue: Catalogue) -> None:
    approved_commune(world, catalogue)
    entries = [services.Entry(world.cell, MAY, catalogue.sessions, "4", where=0)]
    changes, errors = services.prepare(world.province_admin, entries)
    assert changes == [] and "đã được duyệt" in errors[0][1]


def test_a_sent_report_locks_like_an_approved_one_until_its_sender_withdraws_it(
    world: World, catalogue: Catalogue
) -> None:
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "3", 0)
    sub = services.submit(world.commune_officer, catalogue.monthly, world.commune, MAY)
    with pytest.raises(UserError) as info:
        services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "4", 1)
    assert "đã được gửi" in info.value.message
    assert post_cell_value(world.cell_secretary, 2).status_code == 400  # the cells below too
    with pytest.raises(UserError):  # someone else may not withdraw it
        services.withdraw(world.province_admin, sub)
    sub = services.withdraw(world.commune_officer, sub)
    assert sub.status == Status.DRAFT
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "4", 1)
    assert post_cell_value(world.cell_secretary, 2).status_code == 200
    with pytest.raises(UserError):  # nothing to withdraw any more
        services.withdraw(world.commune_officer, sub)


def test_a_returned_report_is_open_again(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "3", 0)
    sub = services.submit(world.commune_officer, catalogue.monthly, world.commune, MAY)
    services.return_(world.province_approver, sub, "Thiếu số buổi")
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "4", 1)
    assert DataValue.objects.get().value == Decimal(4)


def test_withdraw_through_the_page_and_the_api(world: World, catalogue: Catalogue) -> None:
    officer = client_for(world.commune_officer)
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "3", 0)
    sub = services.submit(world.commune_officer, catalogue.monthly, world.commune, MAY)
    page = officer.get(reverse("reporting:entry", args=[catalogue.monthly.pk, world.commune.pk, "202405"]))
    assert "Rút lại báo cáo để sửa" in page.content.decode()
    other = client_for(world.province_admin).get(
        reverse("reporting:entry", args=[catalogue.monthly.pk, world.commune.pk, "202405"])
    )
    assert "Rút lại báo cáo để sửa" not in other.content.decode()
    officer.post(reverse("reporting:entry_withdraw", args=[catalogue.monthly.pk, world.commune.pk, "202405"]))
    sub.refresh_from_db()
    assert sub.status == Status.DRAFT
    services.submit(world.commune_officer, catalogue.monthly, world.commune, MAY)
    assert api_client_for(world.province_admin).post(f"/api/submissions/{sub.pk}/withdraw/").status_code == 400
    answer = api_client_for(world.commune_officer).post(f"/api/submissions/{sub.pk}/withdraw/")
    assert answer.status_code == 200 and answer.json()["status"] == "draft"
    assert api_client_for(world.other_commune_officer).post(f"/api/submissions/{sub.pk}/withdraw/").status_code == 404


# --- self-approval --------------------------------------------------------------------------


def test_whoever_sent_a_report_cannot_approve_it(world: World, catalogue: Catalogue) -> None:
    admin = world.province_admin  # enters and approves anywhere in the province
    services.save_value(admin, catalogue.sessions, world.commune, MAY, "3", 0)
    sub = services.submit(admin, catalogue.monthly, world.commune, MAY)
    with pytest.raises(UserError) as info:
        services.approve(admin, sub)
    assert "tự gửi" in info.value.message
    assert api_client_for(admin).post(f"/api/submissions/{sub.pk}/approve/").status_code == 400
    sub.refresh_from_db()
    assert sub.status == Status.SUBMITTED
    assert services.approve(world.province_approver, sub).status == Status.APPROVED


@override_settings(ALLOW_SELF_APPROVAL=True)
def test_a_one_person_board_may_approve_its_own_report_when_allowed(world: World, catalogue: Catalogue) -> None:
    admin = world.province_admin
    services.save_value(admin, catalogue.sessions, world.commune, MAY, "3", 0)
    sub = services.submit(admin, catalogue.monthly, world.commune, MAY)
    assert services.approve(admin, sub).status == Status.APPROVED


# --- expiry and versions on the bulk path ---------------------------------------------------


def test_expiry_locks_the_bulk_path_except_for_unit_administrators(world: World, catalogue: Catalogue) -> None:
    catalogue.monthly.expiry_days = 30
    catalogue.monthly.save()
    entries = [services.Entry(world.commune, MAY, catalogue.sessions, "2", where=0)]
    changes, errors = services.prepare(world.commune_officer, entries)
    assert changes == [] and "quá hạn" in errors[0][1] and "30/06/2024" in errors[0][1]
    answer = api_client_for(world.commune_officer).post(
        "/api/dataValueSets/",
        {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T.X1", "dataValues": [
            {"dataElement": "HT_SO_BUOI", "value": 2}]},
        format="json",
    )
    assert answer.status_code == 400 and "quá hạn" in answer.json()["errors"][0]["message"]
    changes, errors = services.prepare(world.province_admin, entries)
    assert errors == [] and services.apply(world.province_admin, changes) == 1


def test_a_write_without_a_version_overwrites(world: World, catalogue: Catalogue) -> None:
    client = api_client_for(world.commune_officer)
    body = {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T.X1"}
    for value in (3, 5):
        answer = client.post(
            "/api/dataValueSets/", {**body, "dataValues": [{"dataElement": "HT_SO_BUOI", "value": value}]},
            format="json",
        )
        assert answer.status_code == 200
    stored = DataValue.objects.get()
    assert stored.value == Decimal(5) and stored.version == 2


def test_changes_checked_then_overtaken_are_still_written_when_no_version_was_given(
    world: World, catalogue: Catalogue
) -> None:
    entries = [services.Entry(world.commune, MAY, catalogue.sessions, "7")]
    changes, _errors = services.prepare(world.commune_officer, entries)
    services.save_value(world.province_admin, catalogue.sessions, world.commune, MAY, "6", 0)  # meanwhile
    assert services.apply(world.commune_officer, changes) == 1
    assert DataValue.objects.get().value == Decimal(7)
    from auditlog.models import LogEntry

    last = LogEntry.objects.filter(object_pk="T.X1:202405").order_by("-timestamp", "-pk").first()
    assert last is not None and last.changes == {"HT_SO_BUOI": ["6", "7"]}
