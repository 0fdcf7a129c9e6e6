"""The entry form of one unit, data set and period: HTMX saves, rules, conflicts; outsiders 404."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.reporting.pages import HX, entry_url, value_url
from tests.support.personas import client_for
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.org.models import today
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataValue, Status, Submission

pytestmark = pytest.mark.django_db



def test_it_requires_login(world: World, catalogue: Catalogue) -> None:
    answer = client_for(None).get(entry_url(catalogue, world.commune))
    assert answer.status_code == 302 and reverse("accounts:login") in answer["Location"]


def test_it_requires_the_unit_in_scope(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", 0)
    outsider = client_for(world.other_commune_officer)
    assert outsider.get(entry_url(catalogue, world.commune)).status_code == 404
    assert (
        outsider.post(
            value_url(catalogue, world.commune, catalogue.sessions), {"value": "1", "version": 1}, **HX
        ).status_code
        == 404
    )
    assert DataValue.objects.get().value == Decimal(3)


@pytest.mark.smoke
def test_officer_fills_the_form_by_htmx_and_submits(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.commune_officer)
    page = client.get(entry_url(catalogue, world.commune))
    assert page.status_code == 200
    assert 'hx-post="' in page.content.decode() and "Cùng kỳ năm trước" in page.content.decode()
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.expected), {"value": "60", "version": 0}, **HX
    )
    assert answer.status_code == 200 and "Đã lưu" in answer.content.decode()
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.attendees), {"value": "1.500", "version": 0}, **HX
    )
    body = answer.content.decode()
    assert 'id="rule-messages"' in body and "không được lớn hơn" in body  # the rule explains itself
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.attendees), {"value": "55", "version": 1}, **HX
    )
    assert "Đã lưu" in answer.content.decode()
    assert DataValue.objects.get(element=catalogue.attendees).value == Decimal(55)
    client.post(reverse("reporting:entry_submit", args=[catalogue.monthly.pk, world.commune.pk, "202405"]))
    assert Submission.objects.get(unit=world.commune).status == Status.SUBMITTED
    status_page = client.get(reverse("reporting:my_reports"))
    assert status_page.status_code == 200


def test_bad_value_is_shown_beside_the_field(world: World, catalogue: Catalogue) -> None:
    client = client_for(world.commune_officer)
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.attendees), {"value": "-4", "version": 0}, **HX
    )
    body = answer.content.decode()
    assert 'aria-invalid="true"' in body and "không được âm" in body
    assert not DataValue.objects.exists()


def test_two_browsers_editing_one_value_produce_a_conflict(world: World, catalogue: Catalogue) -> None:
    first, second = client_for(world.commune_officer), client_for(world.province_admin)
    url = value_url(catalogue, world.commune, catalogue.sessions)
    first.post(url, {"value": "3", "version": 0}, **HX)
    assert "Đã lưu" in second.post(url, {"value": "4", "version": 1}, **HX).content.decode()
    body = first.post(url, {"value": "5", "version": 1}, **HX).content.decode()
    assert "chưa ghi đè" in body and "4" in body and "(5) chưa được lưu" in body
    assert DataValue.objects.get(element=catalogue.sessions).value == Decimal(4)


def test_entry_page_query_count_is_bounded(
    world: World, catalogue: Catalogue, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for element in (catalogue.sessions, catalogue.attendees, catalogue.expected):
        services.save_value(world.commune_officer, element, world.commune, "202405", "5", 0)
        services.save_value(world.commune_officer, element, world.commune, "202305", "4", 0)
    client = client_for(world.commune_officer)
    with django_assert_max_num_queries(20):
        page = client.get(entry_url(catalogue, world.commune))
    assert page.status_code == 200 and "<strong>4</strong>" in page.content.decode()


def test_the_form_of_a_period_not_yet_begun_says_why_and_takes_no_value(world: World, catalogue: Catalogue) -> None:
    ahead = Period.of(PeriodType.MONTH, today()).shift(1)
    client = client_for(world.commune_officer)
    body = client.get(entry_url(catalogue, world.commune, ahead.code)).content.decode()
    fields = re.findall(r'<(?:input|textarea) id="v-\d+"[^>]*>', body)
    assert "chưa bắt đầu" in body and ahead.label in body
    assert fields and all(" disabled" in field for field in fields)
    answer = client.post(
        value_url(catalogue, world.commune, catalogue.sessions, ahead.code), {"value": "2", "version": 0}, **HX
    )
    assert "chưa bắt đầu" in answer.content.decode()
    assert not DataValue.objects.exists()
