"""The reorganise page and the API: merge, split with shares, move, one service, one set of
messages; problems shown beside the field they are about. Breadcrumbs link only into scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import World
from tests.support.personas import client_for
from tuyengiao.org import services
from tuyengiao.org.choices import Role
from tuyengiao.org.models import Assignment, Unit, UnitSuccession, today

pytestmark = pytest.mark.django_db



def _url(world: World) -> str:
    return reverse("org:unit_reorganise", args=[world.province.pk])


SPLIT = {"mode": "split", "date": "2025-07-01", "code_1": "T.X1.A", "name_1": "Đảng bộ xã Chí Linh A",
         "share_1": "60", "code_2": "T.X1.B", "name_2": "Đảng bộ xã Chí Linh B", "share_2": "40",
         "children_to": "2", "note": "Chia theo địa bàn"}


def test_the_page_offers_merge_split_and_move(world: World) -> None:
    client = client_for(world.province_admin)
    for mode, field in (("merge", "new_code"), ("split", "share_1"), ("move", "new_parent")):
        body = client.get(_url(world), {"mode": mode}).content.decode()
        assert f'data-testid="reorganise-{mode}"' in body and f'name="{field}"' in body


def test_a_split_with_shares_closes_the_unit_and_opens_its_successors(world: World) -> None:
    response = client_for(world.province_admin).post(_url(world), {**SPLIT, "unit": world.commune.pk})
    first = Unit.objects.get(code="T.X1.A")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit_detail", args=[first.pk])
    world.commune.refresh_from_db()
    assert world.commune.valid_to is not None
    shares = dict(UnitSuccession.objects.values_list("successor__code", "share"))
    assert shares == {"T.X1.A": Decimal("0.6"), "T.X1.B": Decimal("0.4")}
    # Kept where the split unit was; its cells went to the chosen new unit.
    assert first.parent == world.district
    assert set(Unit.objects.get(code="T.X1.B").children.values_list("code", flat=True)) == {"T.X1.C1", "T.X1.C2"}
    assert services.member_total(world.province) == 95


def test_shares_that_do_not_add_up_are_shown_beside_the_shares(world: World) -> None:
    before = Unit.objects.count()
    body = client_for(world.province_admin).post(
        _url(world), {**SPLIT, "unit": world.commune.pk, "share_2": "30"}).content.decode()
    assert Unit.objects.count() == before
    errors = body.split('data-testid="errors-share_1"', 1)[1].split("</div>", 1)[0]
    assert "90%" in errors and "100%" in errors
    assert 'data-testid="problems"' in body  # the change as a whole was refused


def test_the_page_and_the_api_refuse_a_split_with_the_same_message(world: World) -> None:
    body = client_for(world.province_admin).post(
        _url(world), {**SPLIT, "unit": world.commune.pk, "share_2": "30"}).content.decode()
    api = APIClient()
    api.force_authenticate(world.province_admin)
    response = api.post("/api/reorganisations/", {
        "date": "2025-07-01", "close": ["T.X1"],
        "open": [{"code": "T.X1.A", "name": "A", "kind": "commune", "parent": "T.H1"},
                 {"code": "T.X1.B", "name": "B", "kind": "commune", "parent": "T.H1"}],
        "successions": [{"predecessor": "T.X1", "successor": "T.X1.A", "share": "0.6"},
                        {"predecessor": "T.X1", "successor": "T.X1.B", "share": "0.3"}],
        "moves": {"T.X1.C1": "T.X1.A", "T.X1.C2": "T.X1.B"},
    }, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    [message] = response.json()["fields"]["shares"]
    assert "90%" in message
    from django.utils.html import escape

    assert escape(message) in body


def test_the_api_splits_by_shares(world: World) -> None:
    api = APIClient()
    api.force_authenticate(world.province_admin)
    response = api.post("/api/reorganisations/", {
        "date": "2025-07-01", "close": ["T.X1.C1"],
        "open": [{"code": "C1A", "name": "Chi bộ A", "kind": "cell", "parent": "T.X1"},
                 {"code": "C1B", "name": "Chi bộ B", "kind": "cell", "parent": "T.X1"}],
        "successions": [{"predecessor": "T.X1.C1", "successor": "C1A", "share": "0.7"},
                        {"predecessor": "T.X1.C1", "successor": "C1B", "share": "0.3"}],
    }, format="json")
    assert response.status_code == 201
    assert dict(Unit.objects.filter(code__in=["C1A", "C1B"]).values_list("code", "member_count")) == \
        {"C1A": 21, "C1B": 9}


def test_an_existing_successor_outside_the_scope_answers_404(world: World) -> None:
    api = APIClient()
    api.force_authenticate(world.commune_officer)
    Assignment.objects.create(user=world.commune_officer, unit=world.commune, role=Role.UNIT_ADMIN)
    response = api.post("/api/reorganisations/", {
        "date": "2025-07-01", "close": ["T.X1.C1"], "successions": [{"predecessor": "T.X1.C1",
                                                                      "successor": "T.X2.C1"}],
    }, format="json")
    assert response.status_code == 404
    world.other_cell.refresh_from_db()
    assert world.other_cell.member_count == 40


def test_a_move_places_the_unit_under_its_new_parent(world: World) -> None:
    # A cell is moved from its commune's page (the page offers two levels below the unit).
    response = client_for(world.province_admin).post(reverse("org:unit_reorganise", args=[world.commune.pk]), {
        "mode": "move", "unit": world.cell.pk, "new_parent": world.other_commune.pk, "date": "2025-07-01"})
    assert response.status_code == 302 and response["Location"] == reverse("org:unit_detail", args=[world.cell.pk])
    world.cell.refresh_from_db()
    assert world.cell.parent == world.other_commune
    assert services.member_total(world.other_commune) == 70


def test_a_refused_move_says_why_beside_the_new_parent(world: World) -> None:
    body = client_for(world.province_admin).post(_url(world), {
        "mode": "move", "unit": world.district.pk, "new_parent": world.commune.pk, "date": "2025-07-01",
    }).content.decode()
    errors = body.split('data-testid="errors-new_parent"', 1)[1].split("</div>", 1)[0]
    assert "vòng lặp" in errors or "không thể" in errors
    world.district.refresh_from_db()
    assert world.district.parent == world.province


def test_a_move_dated_ahead_is_refused_beside_the_date_by_the_page_and_the_api(world: World) -> None:
    ahead = today() + dt.timedelta(days=7)
    body = client_for(world.province_admin).post(reverse("org:unit_reorganise", args=[world.commune.pk]), {
        "mode": "move", "unit": world.cell.pk, "new_parent": world.other_commune.pk,
        "date": ahead.strftime("%d/%m/%Y")}).content.decode()
    errors = body.split('data-testid="errors-date"', 1)[1].split("</div>", 1)[0]
    assert f"Ngày {ahead:%d/%m/%Y} chưa đến" in errors
    api = APIClient()
    api.force_authenticate(world.province_admin)
    response = api.post("/api/reorganisations/", {
        "date": ahead.isoformat(), "moves": {world.cell.code: world.other_commune.code}},
        format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()["fields"]["date"] == [f"Ngày {ahead:%d/%m/%Y} chưa đến: thay đổi tổ chức chỉ được ghi nhận"
                                                 " từ ngày có hiệu lực trở đi."]
    world.cell.refresh_from_db()
    assert world.cell.parent == world.commune


def test_the_move_form_offers_only_the_admins_units(world: World) -> None:
    Assignment.objects.create(user=world.cell_secretary, unit=world.commune, role=Role.UNIT_ADMIN)
    client = client_for(world.cell_secretary)
    response = client.post(reverse("org:unit_reorganise", args=[world.commune.pk]), {
        "mode": "move", "unit": world.cell.pk, "new_parent": world.other_commune.pk, "date": "2025-07-01"})
    assert response.status_code == 200  # the other commune is not a choice: the form refuses it
    world.cell.refresh_from_db()
    assert world.cell.parent == world.commune


def test_breadcrumbs_link_only_to_units_the_user_may_open(world: World) -> None:
    body = client_for(world.commune_officer).get(reverse("org:unit_detail", args=[world.cell.pk])).content.decode()
    crumbs = body.split('data-testid="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert reverse("org:unit_detail", args=[world.commune.pk]) in crumbs
    for outside in (world.province, world.district):
        assert outside.name in crumbs
        assert reverse("org:unit_detail", args=[outside.pk]) not in crumbs
    admin_body = client_for(world.province_admin).get(reverse("org:unit_detail", args=[world.cell.pk]))
    assert reverse("org:unit_detail", args=[world.province.pk]) in admin_body.content.decode()


def test_a_unit_admin_merges_communes_from_the_page(world: World) -> None:
    client = client_for(world.province_admin)
    url = reverse("org:unit_reorganise", args=[world.province.pk])
    response = client.post(url, {"units": [world.commune.pk, world.other_commune.pk], "date": "2025-07-01",
                                 "new_code": "T.XM", "new_name": "Đảng bộ xã Hợp Nhất",
                                 "new_parent": world.province.pk})
    merged = Unit.objects.get(code="T.XM")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit_detail", args=[merged.pk])
    assert set(merged.children.values_list("code", flat=True)) == {"T.X1.C1", "T.X1.C2", "T.X2.C1"}


def test_a_refused_merge_explains_itself_and_changes_nothing(world: World) -> None:
    client = client_for(world.province_admin)
    before = Unit.objects.count()
    body = client.post(reverse("org:unit_reorganise", args=[world.province.pk]), {
        "units": [world.commune.pk, world.other_commune.pk], "date": "2010-01-01", "new_code": "T.XM",
        "new_name": "Xã gộp", "new_parent": world.district.pk,
    }).content.decode()
    assert Unit.objects.count() == before
    assert 'data-testid="problems"' in body
    assert "không sau ngày thành lập" in body


def test_only_unit_admins_reorganise_and_only_their_subtree(world: World) -> None:
    assert client_for(world.province_approver).get(
        reverse("org:unit_reorganise", args=[world.province.pk])).status_code == 403
    assert client_for(world.commune_officer).get(
        reverse("org:unit_reorganise", args=[world.other_commune.pk])).status_code == 404
