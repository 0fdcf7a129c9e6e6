"""The change log reads as plain Vietnamese: actions, field labels, values as a person writes them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.reporting import services
from tuyengiao.reporting.models import DataElement, DataSetElement

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world: World) -> Catalogue:
    return build_catalogue()


def audit_page(world: World, superuser: bool = False) -> str:
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(
        User.objects.create_superuser("quantri", password="x") if superuser else world.province_admin
    )
    html = client.get(reverse("org:audit_log")).content.decode()
    return re.sub(r"\s+", " ", html)


def test_actions_labels_and_values_read_as_people_write_them(world: World, figures: Catalogue) -> None:
    element = DataElement.objects.create(code="HT_SO_LOP", name="Số lớp bồi dưỡng", zero_is_significant=False)
    DataSetElement.objects.create(dataset=figures.monthly, element=element, order=9)
    figures.participation.unit_label = "%"
    figures.participation.save()
    element.zero_is_significant = True
    element.save()
    services.save_value(world.commune_officer, figures.attendees, world.commune, "202406", "47600", None)
    body = audit_page(world, superuser=True)  # the catalogue is no unit's: the system administrator's log
    for raw in ("create", "update", "None", "True", "False", ".None"):
        assert not re.search(rf"[>:→ ]{re.escape(raw)}[<;, ]", body), raw
    assert "<td>Tạo</td>" in body and "<td>Sửa</td>" in body
    assert "</strong>: Không → Có" in body
    assert "(trống) → %" in body  # the empty unit label, then "%"
    # links by name, not by number
    assert "Báo cáo tháng công tác tuyên giáo" in body and "Số lớp bồi dưỡng" in body
    # figures by the element's name and written 47.600
    assert "47.600" in body and "Số lượt đảng viên tham gia" in body


def test_a_unit_admin_reads_figures_by_name_and_no_internal_fields(world: World, figures: Catalogue) -> None:
    services.save_value(world.commune_officer, figures.attendees, world.commune, "202406", "47600", None)
    body = audit_page(world)
    # one entry per unit and period, each figure by the element's name
    assert "Số liệu: Đảng bộ xã Chí Linh · tháng 6/2024" in body
    assert "<strong>Số lượt đảng viên tham gia</strong>: (trống) → 47.600" in body
    assert "<strong>Từ ngày</strong>: 01/01/2015" in body  # a unit's placement, dated the Vietnamese way
    assert "HT_LUOT_DV" not in body and "Search text" not in body and "/1/2/" not in body


def test_the_log_page_costs_a_fixed_number_of_queries(
    world: World, figures: Catalogue, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for month in range(1, 7):
        services.save_value(world.commune_officer, figures.attendees, world.commune, f"20240{month}", "5", None)
    client = Client()
    client.force_login(world.province_admin)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("org:audit_log")).status_code == 200
