"""The campaign list in a fixed number of queries, laggards by their gap, key-cadre campaigns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import FOUNDED, World
from tuyengiao.campaigns import services
from tuyengiao.campaigns.models import Audience, Campaign
from tuyengiao.core.exceptions import ImportRejected
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.services import create_unit

pytestmark = pytest.mark.django_db
START, DEADLINE = dt.date(2026, 3, 1), dt.date(2026, 5, 31)


def make_campaign(world: World, title: str = "Học tập Nghị quyết 35-NQ/TW", **fields) -> Campaign:  # type: ignore[no-untyped-def]
    values = {"title": title, "unit": world.province, "scope": world.province, "start": START, "deadline": DEADLINE}
    values.update(fields)
    return services.create_campaign(world.province_admin, services.CampaignData(**values))


def list_queries(client, user) -> int:  # type: ignore[no-untyped-def]
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("campaigns:campaign_list")).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_one_campaign_or_six(client, world: World) -> None:  # type: ignore[no-untyped-def]
    make_campaign(world, scope=world.commune, unit=world.commune)
    one = list_queries(client, world.commune_officer)
    for n in range(5):
        make_campaign(world, title=f"Đợt {n}")
    assert list_queries(client, world.commune_officer) == one


def test_the_list_shows_each_campaign_from_the_users_own_unit(client, world: World) -> None:  # type: ignore[no-untyped-def]
    campaign = make_campaign(world)
    services.record_attendance(
        world.province_admin, campaign, {world.cell.pk: (None, 15), world.other_cell.pk: (None, 40)}
    )
    client.force_login(world.commune_officer)
    [(shown, root, figures, _state)] = client.get(reverse("campaigns:campaign_list")).context["rows"]
    assert shown == campaign and root == world.commune
    assert (figures.attended, figures.expected, figures.cells) == (15, 55, 2)


def test_laggards_list_every_unit_below_target_furthest_first(world: World) -> None:
    third = create_unit(
        code="T.X3",
        name="Đảng bộ xã An Phú",
        kind=UnitKind.COMMUNE,
        parent=world.district,
        valid_from=FOUNDED,
    )
    create_unit(
        code="T.X3.C1",
        name="Chi bộ thôn Nam",
        kind=UnitKind.CELL,
        parent=third,
        valid_from=FOUNDED,
        member_count=20,
    )
    campaign = make_campaign(world, target_rate=Decimal(95))
    # Chí Linh: one cell reported 3 of 30, one still reporting — far below the target.
    # Tân Lập: everything reported, 37 of 40 (92,5%) — just below. An Phú: 20 of 20.
    cells = {p.unit.code: p.unit_id for p in campaign.participations.select_related("unit")}
    services.record_attendance(
        world.province_admin,
        campaign,
        {cells["T.X1.C1"]: (None, 3), cells["T.X2.C1"]: (None, 37), cells["T.X3.C1"]: (None, 20)},
        day=dt.date(2026, 4, 1),
    )
    found = services.laggards(campaign, world.district, on=dt.date(2026, 4, 15))
    assert [row.unit.code for row in found] == ["T.X1", "T.X2"]


def test_the_campaign_page_pages_the_laggards(client, world: World) -> None:  # type: ignore[no-untyped-def]
    for n in range(25):
        commune = create_unit(
            code=f"T.Y{n}",
            name=f"Đảng bộ xã {n}",
            kind=UnitKind.COMMUNE,
            parent=world.district,
            valid_from=FOUNDED,
        )
        create_unit(
            code=f"T.Y{n}.C1",
            name="Chi bộ",
            kind=UnitKind.CELL,
            parent=commune,
            valid_from=FOUNDED,
            member_count=10,
        )
    campaign = make_campaign(world)
    client.force_login(world.province_admin)
    url = f"{campaign.get_absolute_url()}?unit={world.district.pk}"
    first = client.get(url).context["laggards"]
    assert first.paginator.count == 27 and len(first.object_list) == 20
    assert len(client.get(url + "&lagging=2").context["laggards"].object_list) == 7


def test_a_key_cadre_campaign_asks_cells_for_their_expected_count(world: World) -> None:
    campaign = make_campaign(world, audience=Audience.KEY_CADRES)
    rows = {p.unit_id: p for p in campaign.participations.all()}
    assert {p.expected for p in rows.values()} == {None}  # not all 30 members of a cell
    with pytest.raises(ImportRejected) as refused:
        services.record_attendance(world.province_admin, campaign, {world.cell.pk: (None, 5)})
    assert "dự kiến" in refused.value.errors[0].message
    services.record_attendance(world.province_admin, campaign, {world.cell.pk: (6, 5)})
    figures = services.rollup(campaign, [world.commune])[world.commune.pk]
    assert (figures.attended, figures.expected) == (5, 6)


def test_changing_the_audience_resets_the_expected_counts_not_reported(world: World) -> None:
    campaign = make_campaign(world, audience=Audience.KEY_CADRES)
    services.record_attendance(world.province_admin, campaign, {world.cell.pk: (6, 5)})
    data = services.CampaignData(
        title=campaign.title,
        unit=world.province,
        scope=world.province,
        start=START,
        deadline=DEADLINE,
        audience=Audience.ALL_MEMBERS,
    )
    services.update_campaign(world.province_admin, campaign, data)
    expected = dict(campaign.participations.values_list("unit__code", "expected"))
    assert expected == {"T.X1.C1": 6, "T.X1.C2": 25, "T.X2.C1": 40}


def test_a_campaign_may_not_cover_a_document_outside_the_users_scope(world: World) -> None:
    from tuyengiao.documents.models import Document
    from tuyengiao.documents.services import save_document

    hidden = Document(kind="plan", issuer="commune_committee", title="Kế hoạch xã Tân Lập", unit=world.other_commune)
    save_document(hidden)
    api = APIClient()
    api.force_authenticate(world.commune_officer)
    response = api.post(
        "/api/campaigns/",
        {
            "title": "Học tập",
            "unit": world.commune.pk,
            "scope": world.commune.pk,
            "start": "2026-03-01",
            "deadline": "2026-05-31",
            "documents": [hidden.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ngoài phạm vi" in response.json()["documents"][0]
    assert not Campaign.objects.exists()
