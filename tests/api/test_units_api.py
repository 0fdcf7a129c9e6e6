"""The units API: token and session auth, scoping like the pages, dated tree and successions."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, World
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


@pytest.mark.smoke
def test_detail_outside_the_subtree_is_404(world: World) -> None:
    client = api_for(world.commune_officer)
    assert client.get(f"/api/units/{world.commune.pk}/").status_code == 200
    assert client.get(f"/api/units/{world.other_commune.pk}/").status_code == 404
    assert client.get(f"/api/units/{world.other_commune.pk}/subtree/").status_code == 404


def test_list_is_scoped_and_searchable_without_diacritics(world: World) -> None:
    client = api_for(world.commune_officer)
    codes = {row["code"] for row in client.get("/api/units/").json()["results"]}
    assert codes == {"T.X1", "T.X1.C1", "T.X1.C2"}
    found = client.get("/api/units/", {"q": "dong"}).json()["results"]
    assert [row["code"] for row in found] == ["T.X1.C1"]


def test_anonymous_requests_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert APIClient().get("/api/units/").status_code in (401, 403)


def test_as_of_and_successions_after_a_merge(world: World) -> None:
    reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.commune, world.other_commune],
                              open=[NewUnit("T.XM", "Đảng bộ xã Hợp Nhất", UnitKind.COMMUNE, world.province)]))
    client = api_for(world.province_admin)
    old = {r["code"]: r["parent"] for r in client.get("/api/units/as-of/", {"on": "2024-01-01"}).json()}
    new = {r["code"]: r["parent"] for r in client.get("/api/units/as-of/", {"on": "2025-07-01"}).json()}
    assert old["T.X1"] == world.district.pk and "T.XM" not in old
    assert "T.X1" not in new and new["T.X1.C1"] != world.commune.pk
    body = client.get(f"/api/units/{world.commune.pk}/successions/").json()
    assert [c["unit"]["code"] for c in body["current_successors"]] == ["T.XM"]
    members = client.get(f"/api/units/{new['T.X1.C1']}/members/").json()
    assert members["members"] == 95
    old_members = client.get(f"/api/units/{world.commune.pk}/members/", {"on": "2024-06-01"}).json()
    assert old_members["members"] == 55


def test_bad_dates_get_a_vietnamese_400(world: World) -> None:
    response = api_for(world.province_admin).get("/api/units/as-of/", {"on": "31/02/2024"})
    assert response.status_code == 400
    assert "không phải ngày hợp lệ" in response.json()["on"][0]


def test_the_openapi_schema_describes_units(world: World) -> None:
    client = api_for(world.province_admin)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/units/{id}/subtree/" in schema["paths"]
    assert client.get("/api/docs/").status_code == 200


MERGE = {
    "date": "2025-07-01", "close": ["T.X1", "T.X2"],
    "open": [{"code": "T.XM", "name": "Đảng bộ xã Hợp Nhất", "kind": "commune", "parent": "T"}],
}


def test_a_province_admin_merges_communes_through_the_api(world: World) -> None:
    client = api_for(world.province_admin)
    response = client.post("/api/reorganisations/", MERGE, format="json")
    assert response.status_code == 201, response.content
    assert [u["code"] for u in response.json()] == ["T.XM"]
    old = client.get("/api/units/as-of/", {"on": "2024-06-01"}).json()
    new = client.get("/api/units/as-of/", {"on": "2025-07-01"}).json()
    assert sum(r["kind"] == "commune" for r in old) == 2 and sum(r["kind"] == "commune" for r in new) == 1
    merged = next(r for r in new if r["code"] == "T.XM")
    assert client.get(f"/api/units/{merged['id']}/members/").json()["members"] == 95


def test_a_refused_reorganisation_lists_every_reason_in_vietnamese(world: World) -> None:
    bad = {**MERGE, "date": "2010-01-01",
           "open": [{"code": "T.XM", "name": "Xã gộp", "kind": "commune", "parent": "T.X1.C1"}]}
    response = api_for(world.province_admin).post("/api/reorganisations/", bad, format="json")
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert any("không sau ngày thành lập" in p for p in problems)
    assert any("không thể trực thuộc" in p for p in problems)


def test_reorganising_needs_the_admin_role_and_the_units_in_scope(world: World) -> None:
    assert api_for(world.province_approver).post("/api/reorganisations/", MERGE, format="json").status_code == 403
    assert api_for(world.commune_officer).post("/api/reorganisations/", MERGE, format="json").status_code == 404
