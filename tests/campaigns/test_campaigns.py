"""Study campaigns: scope, attendance, the rate at every level, laggards, sessions counted at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tuyengiao.campaigns import services
from tuyengiao.campaigns.models import Campaign, CampaignParticipation, Source
from tuyengiao.core.exceptions import ImportRejected, UserError
from tuyengiao.events.models import Event, EventKind
from tuyengiao.events.services import delete_event, save_event
from tuyengiao.org.models import Board, StaffPosition

START = dt.date(2026, 3, 1)
DEADLINE = dt.date(2026, 5, 31)


def make_campaign(world: World, *, scope=None, user=None, target=Decimal(95)) -> Campaign:  # type: ignore[no-untyped-def]
    data = services.CampaignData(
        title="Học tập Nghị quyết 35-NQ/TW",
        unit=world.province,
        scope=scope or world.province,
        start=START,
        deadline=DEADLINE,
        target_rate=target,
    )
    return services.create_campaign(user or world.province_admin, data)


def session(world: World, campaign: Campaign, unit, present: int, expected: int = 30, day: int = 10) -> Event:  # type: ignore[no-untyped-def]
    start = timezone.make_aware(dt.datetime(2026, 3, day, 19, 30))
    event = Event(
        unit=unit,
        kind=EventKind.STUDY_SESSION,
        title="Sinh hoạt chuyên đề",
        start=start,
        end=start + dt.timedelta(hours=2),
        expected_attendees=expected,
        present_attendees=present,
        campaign=campaign,
    )
    return save_event(world.province_admin, event)


@pytest.mark.smoke
def test_a_campaign_gives_each_cell_its_members_as_expected(world: World) -> None:
    campaign = make_campaign(world)
    rows = dict(campaign.participations.values_list("unit__code", "expected"))
    assert rows == {"T.X1.C1": 30, "T.X1.C2": 25, "T.X2.C1": 40}


@pytest.mark.smoke
def test_a_scope_outside_the_users_subtree_is_refused(world: World) -> None:
    data = services.CampaignData(
        title="Học tập", unit=world.commune, scope=world.other_commune, start=START, deadline=DEADLINE
    )
    with pytest.raises(UserError) as refused:
        services.create_campaign(world.commune_officer, data)
    assert "Tân Lập" in refused.value.message
    assert not Campaign.objects.exists()


def test_the_page_refuses_a_scope_outside_the_subtree(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    response = client.post(
        reverse("campaigns:campaign_add"),
        {
            "title": "Học tập",
            "unit": world.commune.pk,
            "scope": world.province.pk,
            "audience": "all_members",
            "start": "2026-03-01",
            "deadline": "2026-05-31",
            "target_rate": "95",
        },
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()


def test_province_rate_is_the_sum_over_its_cells(world: World) -> None:
    campaign = make_campaign(world)
    services.record_attendance(
        world.province_admin, campaign, {world.cell.pk: (None, 29), world.other_cell.pk: (None, 37)}
    )
    cells = {r.unit_id: r for r in CampaignParticipation.objects.filter(campaign=campaign)}
    expected = sum(r.expected for r in cells.values())
    attended = sum(r.attended or 0 for r in cells.values())
    figures = services.rollup(campaign, [world.province, world.district, world.commune, world.cell])
    assert (
        (figures[world.province.pk].expected, figures[world.province.pk].attended)
        == (expected, attended)
        == (95, 66)
    )
    assert figures[world.province.pk].rate == (Decimal(attended) * 100 / expected).quantize(Decimal("0.01"))
    assert (figures[world.commune.pk].expected, figures[world.commune.pk].attended) == (55, 29)
    assert figures[world.cell.pk].rate == Decimal("96.67")
    assert figures[world.province.pk].reported == 2 and figures[world.province.pk].cells == 3


@pytest.mark.smoke
def test_attended_above_expected_is_refused_and_nothing_is_saved(world: World) -> None:
    campaign = make_campaign(world)
    with pytest.raises(ImportRejected) as refused:
        services.record_attendance(
            world.province_admin, campaign, {world.other_cell.pk: (None, 39), world.cell.pk: (None, 31)}
        )
    assert "Chi bộ thôn Đông" in str(refused.value.errors[0])
    assert not CampaignParticipation.objects.filter(attended__isnull=False).exists()


def test_the_database_also_refuses_attended_above_expected(world: World) -> None:
    campaign = make_campaign(world)
    row = campaign.participations.get(unit=world.cell)
    row.attended = 31
    with pytest.raises(IntegrityError):
        row.save()


def test_an_officer_cannot_report_a_neighbours_cells(world: World) -> None:
    campaign = make_campaign(world)
    with pytest.raises(PermissionDenied):
        services.record_attendance(world.commune_officer, campaign, {world.other_cell.pk: (None, 20)})


@pytest.mark.smoke
def test_a_study_session_updates_the_campaign_at_once(world: World) -> None:
    campaign = make_campaign(world)
    event = session(world, campaign, world.cell, present=27)
    row = campaign.participations.get(unit=world.cell)
    assert (row.attended, row.source) == (27, Source.EVENTS)
    session(world, campaign, world.cell, present=2, day=20)
    assert campaign.participations.get(unit=world.cell).attended == 29
    assert services.rollup(campaign, [world.province])[world.province.pk].attended == 29
    delete_event(world.province_admin, event)
    assert campaign.participations.get(unit=world.cell).attended == 2


def test_sessions_counting_more_than_expected_are_refused(world: World) -> None:
    campaign = make_campaign(world)
    session(world, campaign, world.cell, present=25)
    with pytest.raises(UserError) as refused:
        session(world, campaign, world.cell, present=10, day=20)
    assert "Chi bộ thôn Đông" in refused.value.message
    assert Event.objects.count() == 1
    assert campaign.participations.get(unit=world.cell).attended == 25


def test_a_direct_report_takes_precedence_over_sessions(world: World) -> None:
    campaign = make_campaign(world)
    services.record_attendance(world.cell_secretary, campaign, {world.cell.pk: (None, 28)})
    session(world, campaign, world.cell, present=20)
    row = campaign.participations.get(unit=world.cell)
    assert (row.attended, row.source) == (28, Source.DIRECT)


def test_only_a_cells_study_session_within_scope_counts(world: World) -> None:
    campaign = make_campaign(world, scope=world.commune)
    with pytest.raises(UserError):
        session(world, campaign, world.other_cell, present=10, expected=40)
    with pytest.raises(UserError):
        session(world, campaign, world.commune, present=10)


def test_laggards_are_below_target_or_late_with_their_boards_contact(world: World) -> None:
    campaign = make_campaign(world)
    board = Board.objects.create(
        unit=world.other_commune, name="Ban Tuyên giáo Đảng ủy xã Tân Lập", phone="0209.3888999"
    )
    StaffPosition.objects.create(
        board=board, full_name="Nguyễn Văn Bình", title="head", start=dt.date(2020, 1, 1)
    )
    services.record_attendance(
        world.province_admin,
        campaign,
        {world.cell.pk: (None, 30), world.other_cell.pk: (None, 30)},
        day=dt.date(2026, 5, 1),
    )
    after = DEADLINE + dt.timedelta(days=1)
    found = {row.unit.code: row for row in services.laggards(campaign, world.district, on=after)}
    # T.X1 has one cell unreported (late); T.X2 reported 75% (below target).
    assert set(found) == {"T.X1", "T.X2"}
    assert found["T.X1"].state == "late" and found["T.X2"].state == "below_target"
    assert found["T.X2"].contact == {
        "board": "Ban Tuyên giáo Đảng ủy xã Tân Lập",
        "phone": "0209.3888999",
        "head": "Nguyễn Văn Bình",
        "email": "",
    }


def test_completed_on_time_needs_every_cell_and_the_target(world: World) -> None:
    campaign = make_campaign(world)
    services.record_attendance(
        world.province_admin,
        campaign,
        {world.cell.pk: (None, 30), world.other_cell.pk: (None, 39)},
        day=dt.date(2026, 5, 1),
    )
    assert services.completed_on_time(campaign) is False
    services.record_attendance(
        world.province_admin,
        campaign,
        {t.pk: (None, 24) for t in [campaign.participations.get(unit__code="T.X1.C2").unit]},
        day=dt.date(2026, 5, 2),
    )
    assert services.completed_on_time(campaign) is True


def test_the_campaign_page_shows_a_bar_per_child_unit(client, world: World) -> None:  # type: ignore[no-untyped-def]
    campaign = make_campaign(world)
    services.record_attendance(world.province_admin, campaign, {world.cell.pk: (None, 30)})
    client.force_login(world.province_admin)
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert "<progress" in page and "Đảng bộ huyện Đông Sơn" in page
    page = client.get(
        reverse("campaigns:campaign_detail", args=[campaign.pk]), {"unit": world.commune.pk}
    ).content.decode()
    assert "Chi bộ thôn Đông" in page and "Chi bộ thôn Đoài" in page and "100%" in page


def test_outsiders_get_404_for_a_campaign_and_its_figures(client, world: World) -> None:  # type: ignore[no-untyped-def]
    data = services.CampaignData(
        title="Học tập của xã Tân Lập",
        unit=world.other_commune,
        scope=world.other_commune,
        start=START,
        deadline=DEADLINE,
    )
    campaign = services.create_campaign(world.other_commune_officer, data)
    client.force_login(world.commune_officer)
    assert client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).status_code == 404
    assert client.get(f"/api/campaigns/{campaign.pk}/").status_code == 404
    row = campaign.participations.get()
    assert client.get(f"/api/participations/{row.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/participations/{row.pk}/", {"attended": 1}, content_type="application/json"
        ).status_code
        == 404
    )


def test_a_commune_sees_the_provinces_campaign_only_for_its_own_cells(client, world: World) -> None:  # type: ignore[no-untyped-def]
    campaign = make_campaign(world)
    client.force_login(world.commune_officer)
    page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Chi bộ thôn Đông" in page and "Chi bộ thôn Bắc" not in page
    data = client.get("/api/participations/", {"campaign": campaign.pk}).json()
    rows = data["results"] if isinstance(data, dict) else data
    assert {r["unit_code"] for r in rows} == {"T.X1.C1", "T.X1.C2"}


def test_the_api_reports_a_cell_and_refuses_too_many(client, world: World) -> None:  # type: ignore[no-untyped-def]
    campaign = make_campaign(world)
    row = campaign.participations.get(unit=world.cell)
    client.force_login(world.cell_secretary)
    response = client.patch(
        f"/api/participations/{row.pk}/", {"attended": 31}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "Chi bộ thôn Đông" in str(response.json())
    response = client.patch(
        f"/api/participations/{row.pk}/", {"attended": 28}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["attended"] == 28
    client.force_login(world.province_admin)
    figures = client.get(f"/api/campaigns/{campaign.pk}/progress/").json()
    assert figures[0]["unit_code"] == "T" and figures[0]["attended"] == 28 and figures[0]["expected"] == 95


def test_the_attendance_form_saves_all_rows_or_none(client, world: World) -> None:  # type: ignore[no-untyped-def]
    campaign = make_campaign(world)
    client.force_login(world.commune_officer)
    url = reverse("campaigns:participation_entry", args=[campaign.pk, world.commune.pk])
    c2 = campaign.participations.get(unit__code="T.X1.C2").unit_id
    response = client.post(
        url,
        {
            f"expected-{world.cell.pk}": "30",
            f"attended-{world.cell.pk}": "29",
            f"expected-{c2}": "25",
            f"attended-{c2}": "26",
        },
    )
    assert response.status_code == 200
    assert "Chi bộ thôn Đoài" in response.content.decode()
    assert not campaign.participations.filter(attended__isnull=False).exists()
    response = client.post(
        url,
        {
            f"expected-{world.cell.pk}": "30",
            f"attended-{world.cell.pk}": "29",
            f"expected-{c2}": "25",
            f"attended-{c2}": "25",
        },
    )
    assert response.status_code == 302
    assert services.rollup(campaign, [world.commune])[world.commune.pk].attended == 54
    other = reverse("campaigns:participation_entry", args=[campaign.pk, world.other_commune.pk])
    assert client.get(other).status_code == 404


def test_the_campaign_page_does_not_query_per_unit(client, world: World) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuyengiao.org.choices import UnitKind
    from tuyengiao.org.services import create_unit

    def queries(campaign: Campaign) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(
                reverse("campaigns:campaign_detail", args=[campaign.pk]), {"unit": world.commune.pk}
            )
        assert response.status_code == 200
        return len(ctx)

    client.force_login(world.province_admin)
    small = make_campaign(world)
    before = queries(small)
    for n in range(5):
        create_unit(
            code=f"T.X1.C{n + 3}",
            name=f"Chi bộ xóm {n + 3}",
            kind=UnitKind.CELL,
            parent=world.commune,
            valid_from=dt.date(2015, 1, 1),
            member_count=20,
        )
    bigger = make_campaign(world)
    assert bigger.participations.count() == 8
    assert queries(bigger) == before


def test_the_api_refuses_a_scope_outside_the_subtree(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    body = {
        "title": "Học tập",
        "unit": world.commune.pk,
        "scope": world.other_commune.pk,
        "audience": "all_members",
        "start": "2026-03-01",
        "deadline": "2026-05-31",
        "target_rate": "95",
        "documents": [],
    }
    response = client.post("/api/campaigns/", body, content_type="application/json")
    assert response.status_code == 400
    assert "Tân Lập" in str(response.json())
    body["scope"] = world.commune.pk
    response = client.post("/api/campaigns/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Campaign.objects.get().participations.count() == 2
