"""The API: value sets in and out, analytics equal to the service and dashboard, scope."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.support.personas import api_client_for
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.org.models import today
from tuyengiao.reporting import analytics, dashboard, services
from tuyengiao.reporting.models import DataValue, Status, Submission


def value_set(unit_code: str, values: list[dict]) -> dict:  # type: ignore[type-arg]
    return {"dataSet": "BC_THANG", "period": "202405", "orgUnit": unit_code, "dataValues": values}


@pytest.mark.smoke
def test_a_value_set_round_trips(world: World, catalogue: Catalogue) -> None:
    client = api_client_for(world.commune_officer)
    answer = client.post(
        "/api/dataValueSets/",
        value_set(
            "T.X1",
            [
                {"dataElement": "HT_SO_BUOI", "value": 4},
                {"dataElement": "HT_LUOT_DV", "value": "1.200"},
                {"dataElement": "GHI_CHU", "value": "Học trực tuyến"},
            ],
        ),
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"status": "OK", "saved": 3}
    got = client.get(
        "/api/dataValueSets/", {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T.X1"}
    ).json()
    assert {v["dataElement"]: v["value"] for v in got["dataValues"]} == {
        "HT_SO_BUOI": "4",
        "HT_LUOT_DV": "1200",
        "GHI_CHU": "Học trực tuyến",
    }
    assert all(v["version"] == 1 for v in got["dataValues"])


def test_every_bad_value_is_named_and_nothing_is_saved(world: World, catalogue: Catalogue) -> None:
    answer = api_client_for(world.commune_officer).post(
        "/api/dataValueSets/",
        value_set(
            "T.X1",
            [
                {"dataElement": "HT_SO_BUOI", "value": 4},
                {"dataElement": "HT_LUOT_DV", "value": -2},
                {"dataElement": "KHONG_CO", "value": 1},
                {"dataElement": "HT_TY_LE_TU_DANH_GIA", "value": 130},
            ],
        ),
        format="json",
    )
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert [(e["index"], e["dataElement"]) for e in errors] == [
        (1, "HT_LUOT_DV"),
        (2, "KHONG_CO"),
        (3, "HT_TY_LE_TU_DANH_GIA"),
    ]
    assert "không được âm" in errors[0]["message"]
    assert not DataValue.objects.exists()


def test_stale_versions_and_approved_reports_are_refused(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, "202405", "3", 0)
    client = api_client_for(world.commune_officer)
    stale = client.post(
        "/api/dataValueSets/",
        value_set("T.X1", [{"dataElement": "HT_SO_BUOI", "value": 5, "version": 0}]),
        format="json",
    )
    assert stale.status_code == 400 and "chưa ghi đè" in stale.json()["errors"][0]["message"]
    sub = client.post(
        "/api/submissions/submit/",
        {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T.X1"},
        format="json",
    )
    assert sub.status_code == 200 and sub.json()["status"] == "submitted"
    approver = api_client_for(world.province_approver)
    returned = approver.post(f"/api/submissions/{sub.json()['id']}/return/", {"reason": ""}, format="json")
    assert returned.status_code == 400
    assert approver.post(f"/api/submissions/{sub.json()['id']}/approve/").json()["status"] == "approved"
    locked = client.post(
        "/api/dataValueSets/", value_set("T.X1", [{"dataElement": "HT_SO_BUOI", "value": 9}]), format="json"
    )
    assert locked.status_code == 400 and "đã được duyệt" in locked.json()["errors"][0]["message"]
    assert DataValue.objects.get().value == Decimal(3)
    assert Submission.objects.get().status == Status.APPROVED


def test_analytics_rows_equal_the_service_and_the_dashboard(world: World, catalogue: Catalogue) -> None:
    admin = world.province_admin
    for month in range(1, 13):
        services.save_value(
            admin, catalogue.attendees, world.commune, f"2024{month:02d}", str(100 + month), None
        )
        services.save_value(admin, catalogue.expected, world.commune, f"2024{month:02d}", "130", None)
        services.save_value(admin, catalogue.attendees, world.other_commune, f"2024{month:02d}", "40", None)
        services.save_value(admin, catalogue.expected, world.other_commune, f"2024{month:02d}", "45", None)
    client = api_client_for(world.province_approver)
    answer = client.get(
        "/api/analytics/",
        {"dx": "HT_LUOT_DV;TL_THAM_GIA", "pe": "2024S1;2024S2", "ou": "T.H1", "ou_mode": "children"},
    )
    assert answer.status_code == 200
    rows = answer.json()["rows"]
    service = analytics.values(
        ["HT_LUOT_DV", "TL_THAM_GIA"], ["2024S1", "2024S2"], world.district, "children"
    )
    assert rows == [[r.dx, r.pe, r.ou, str(r.value)] for r in service]
    assert ["HT_LUOT_DV", "2024S1", "T.X1", "621"] in rows
    board = dashboard.build(world.province, analytics.Period.parse("2024S1"))
    card = next(c for c in board.cards if c.code == "TL_THAM_GIA")
    province = client.get("/api/analytics/", {"dx": "TL_THAM_GIA", "pe": "2024S1", "ou": "T"}).json()["rows"]
    assert province == [["TL_THAM_GIA", "2024S1", "T", str(card.value)]]
    assert Decimal(province[0][3]) == Decimal("82.0")  # (621 + 240) / (780 + 270)


def test_outsiders_get_404_and_bad_parameters_400(world: World, catalogue: Catalogue) -> None:
    outsider = api_client_for(world.other_commune_officer)
    assert (
        outsider.get("/api/analytics/", {"dx": "HT_SO_BUOI", "pe": "2024", "ou": "T.X1"}).status_code == 404
    )
    assert (
        outsider.get(
            "/api/dataValueSets/", {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T.X1"}
        ).status_code
        == 404
    )
    assert (
        outsider.post(
            "/api/dataValueSets/",
            value_set("T.X1", [{"dataElement": "HT_SO_BUOI", "value": 1}]),
            format="json",
        ).status_code
        == 404
    )
    assert (
        outsider.get(
            "/api/completeness/", {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T"}
        ).status_code
        == 404
    )
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, "202405", "3", 0)
    sub = services.submit(world.commune_officer, catalogue.monthly, world.commune, "202405")
    assert outsider.post(f"/api/submissions/{sub.pk}/approve/").status_code == 404
    assert outsider.get("/api/submissions/").json()["count"] == 0
    mine = api_client_for(world.commune_officer)
    bad = mine.get("/api/analytics/", {"dx": "KHONG_CO", "pe": "2024", "ou": "T.X1"})
    assert bad.status_code == 400 and "KHONG_CO" in str(bad.json())
    assert mine.get("/api/analytics/", {"dx": "HT_SO_BUOI", "pe": "2024X", "ou": "T.X1"}).status_code == 400
    report = (
        api_client_for(world.province_approver)
        .get("/api/completeness/", {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T"})
        .json()
    )
    assert (report["expected"], report["submitted"]) == (3, 1)
    assert {u["orgUnit"] for u in report["late"]} == {"T.H1", "T.X2"}


def test_the_schema_lists_the_reporting_endpoints(world: World) -> None:
    schema = api_client_for(world.province_admin).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for endpoint in (
        "/api/dataValueSets/",
        "/api/analytics/",
        "/api/completeness/",
        "/api/submissions/",
        "/api/dataSets/",
        "/api/dataElements/",
    ):
        assert endpoint in paths


def test_analytics_descendants_at_a_level(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.cell, "202405", "2", None)
    services.save_value(world.province_admin, catalogue.sessions, world.commune, "202405", "3", None)
    client = api_client_for(world.province_approver)
    communes = client.get(
        "/api/analytics/",
        {"dx": "HT_SO_BUOI", "pe": "2024Q2", "ou": "T", "ou_mode": "descendants", "level": 2},
    ).json()["rows"]
    assert communes == [["HT_SO_BUOI", "2024Q2", "T.X1", "5"]]
    everything = client.get(
        "/api/analytics/",
        {"dx": "HT_SO_BUOI", "pe": "2024Q2", "ou": "T", "ou_mode": "descendants", "structure": "current"},
    ).json()["rows"]
    assert {row[2]: row[3] for row in everything} == {"T.H1": "5", "T.X1": "5", "T.X1.C1": "2"}


def test_data_sets_list_their_elements_in_order(world: World, catalogue: Catalogue) -> None:
    got = api_client_for(world.member).get("/api/dataSets/BC_THANG/").json()
    assert [e["code"] for e in got["dataElements"]] == [
        "HT_SO_BUOI",
        "HT_LUOT_DV",
        "HT_DV_TRIEU_TAP",
        "HT_TY_LE_TU_DANH_GIA",
        "GHI_CHU",
    ]


@pytest.mark.django_db(transaction=True)
def test_an_analytics_answer_is_reused_until_the_data_changes(world: World, catalogue: Catalogue) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = world.province_admin
    services.save_value(admin, catalogue.attendees, world.commune, "202403", "100", None)
    client = api_client_for(world.province_approver)
    ask = {"dx": "HT_LUOT_DV", "pe": "2024Q1", "ou": "T.H1", "ou_mode": "children"}
    first = client.get("/api/analytics/", ask)
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    assert ["HT_LUOT_DV", "2024Q1", "T.X1", "100"] in first.json()["rows"]
    with CaptureQueriesContext(connection) as again:
        second = client.get("/api/analytics/", ask)
    assert second.content == first.content
    assert not any("reporting_aggregate" in q["sql"] or "reporting_datavalue" in q["sql"] for q in again.captured_queries)
    from django.test import override_settings

    with override_settings(KEEP_ANSWERS=False), CaptureQueriesContext(connection) as afresh:
        assert client.get("/api/analytics/", ask).content == first.content
    assert any("reporting_aggregate" in q["sql"] for q in afresh.captured_queries)
    # a save through any path is in the very next answer
    services.save_value(admin, catalogue.attendees, world.commune, "202402", "20", None)
    assert ["HT_LUOT_DV", "2024Q1", "T.X1", "120"] in client.get("/api/analytics/", ask).json()["rows"]
    # any committed write, even outside the application, makes earlier answers unreachable
    from tuyengiao.core import snapshots

    before = snapshots.current()
    assert before is not None and snapshots.current() == before
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_unit SET name = name WHERE code = 'T'")
    assert snapshots.current() != before
    # another unit's question is its own answer, and a browser asking for HTML still gets the page
    other = client.get("/api/analytics/", {**ask, "ou": "T"})
    assert other.status_code == 200 and other.content != first.content
    assert client.get("/api/analytics/", ask, HTTP_ACCEPT="text/html").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_an_analytics_answer_is_sent_compressed_to_clients_that_accept_gzip(
    world: World, catalogue: Catalogue
) -> None:
    import gzip

    services.save_value(world.province_admin, catalogue.attendees, world.commune, "202403", "100", None)
    client = api_client_for(world.province_approver)
    ask = {"dx": "HT_LUOT_DV", "pe": "202401,202402,202403,2024Q1", "ou": "T.H1", "ou_mode": "children"}
    plain = client.get("/api/analytics/", ask)
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    for accepted in ("gzip", "gzip, deflate, br", "br, gzip;q=0.8"):
        packed = client.get("/api/analytics/", ask, HTTP_ACCEPT_ENCODING=accepted)
        assert packed.status_code == 200 and packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"] and packed["Content-Type"] == "application/json"
        assert gzip.decompress(packed.content) == plain.content
    assert "Content-Encoding" not in client.get("/api/analytics/", ask, HTTP_ACCEPT_ENCODING="br, deflate")
    # the answer computed afresh (nothing kept) is compressed the same way
    from django.test import override_settings

    with override_settings(KEEP_ANSWERS=False):
        packed = client.get("/api/analytics/", ask, HTTP_ACCEPT_ENCODING="gzip")
    assert gzip.decompress(packed.content) == plain.content


@pytest.mark.django_db(transaction=True)
def test_a_question_asked_again_skips_the_scope_until_anything_changes(world: World, catalogue: Catalogue) -> None:
    """Asked again by the same person under the same data, the answer is found without reading
    their scope or the unit; a withdrawn assignment is a write, so the next request is checked
    again, and nobody else is answered from another's request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_user
    from tuyengiao.org.choices import Role
    from tuyengiao.org.models import Assignment

    services.save_value(world.province_admin, catalogue.attendees, world.commune, "202403", "100", None)
    viewer = make_user("district_viewer", world.district, Role.VIEWER)
    client = api_client_for(viewer)
    from tuyengiao.core import snapshots

    ask = {"dx": "HT_LUOT_DV", "pe": "2024Q1", "ou": "T.H1", "ou_mode": "children"}
    for _attempt in range(5):
        # the snapshot is the server's: a commit anywhere on it (autovacuum's ANALYZE writes its
        # statistics) between the two requests makes the second an answer under other data
        before = snapshots.current()
        first = client.get("/api/analytics/", ask)
        assert first.status_code == 200
        with CaptureQueriesContext(connection) as again:
            assert client.get("/api/analytics/", ask).content == first.content
        if snapshots.current() == before:
            break
    read = " ".join(q["sql"] for q in again.captured_queries)
    assert "org_assignment" not in read and "org_unit" not in read and "reporting_aggregate" not in read
    # the same question from someone whose scope does not reach the unit
    assert api_client_for(world.commune_officer).get("/api/analytics/", ask).status_code == 404
    Assignment.objects.filter(user=viewer).delete()
    assert client.get("/api/analytics/", ask).status_code == 404


def test_a_value_set_for_a_period_not_yet_begun_is_refused_by_row(world: World, catalogue: Catalogue) -> None:
    ahead = Period.of(PeriodType.MONTH, today()).shift(2)
    answer = api_client_for(world.commune_officer).post(
        "/api/dataValueSets/",
        {**value_set("T.X1", [{"dataElement": "HT_SO_BUOI", "value": 4}]), "period": ahead.code},
        format="json",
    )
    assert answer.status_code == 400, answer.content
    (error,) = answer.json()["errors"]
    assert error["index"] == 0 and error["dataElement"] == "HT_SO_BUOI"
    assert "chưa bắt đầu" in error["message"] and ahead.label in error["message"]
    assert not DataValue.objects.exists()
