"""The figures events, documents and campaigns hand to reporting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import World
from tuyengiao.campaigns import services as campaigns
from tuyengiao.core import providers
from tuyengiao.core.periods import Period
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.models import Document
from tuyengiao.documents.services import save_document
from tuyengiao.events.models import Event, EventFormat, EventKind
from tuyengiao.events.services import save_event


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8)))


def event(world: World, unit, kind, fmt, day, present, sites=0) -> Event:  # type: ignore[no-untyped-def]
    return save_event(
        world.province_admin,
        Event(
            unit=unit,
            kind=kind,
            title="Sự kiện",
            start=at(day),
            end=at(day) + dt.timedelta(hours=2),
            format=fmt,
            connected_sites=sites,
            expected_attendees=40,
            present_attendees=present,
        ),
    )


def compute(code: str, period: str) -> dict[int, Decimal]:
    element = providers.get(code)
    assert element is not None, code
    return element.compute(None, Period.parse(period))


@pytest.mark.smoke
def test_event_providers(world: World) -> None:
    event(world, world.cell, EventKind.STUDY_SESSION, EventFormat.IN_PERSON, dt.date(2026, 3, 5), 28)
    event(world, world.cell, EventKind.STUDY_SESSION, EventFormat.HYBRID, dt.date(2026, 4, 5), 25, sites=1)
    event(world, world.commune, EventKind.CONFERENCE, EventFormat.ONLINE, dt.date(2026, 3, 9), 35, sites=4)
    event(world, world.commune, EventKind.CONFERENCE, EventFormat.IN_PERSON, dt.date(2026, 3, 20), 30)
    event(world, world.cell, EventKind.STUDY_SESSION, EventFormat.IN_PERSON, dt.date(2026, 7, 1), 20)
    assert compute("SK_BUOI_HOC_TAP", "2026S1") == {world.cell.pk: 2}
    assert compute("SK_LUOT_DV_HOC_TAP", "2026S1") == {world.cell.pk: 53}
    assert compute("SK_SO_HOI_NGHI", "2026Q1") == {world.cell.pk: 1, world.commune.pk: 2}
    assert compute("SK_TRUC_TUYEN", "2026S1") == {world.cell.pk: 1, world.commune.pk: 1}
    assert compute("SK_TY_LE_TRUC_TUYEN", "2026S1") == {
        world.cell.pk: Decimal("50.0"),
        world.commune.pk: Decimal("50.0"),
    }


def test_document_providers(world: World) -> None:
    for symbol, kind, day in [
        ("10-HD/BTGDVTU", DocumentKind.GUIDANCE, dt.date(2026, 2, 25)),
        ("12-HD/BTGDVTU", DocumentKind.ORIENTATION, dt.date(2026, 1, 20)),
        ("18-HD/BTGDVTU", DocumentKind.ORIENTATION, dt.date(2026, 6, 5)),
        ("03-HD/BTGDVTU", DocumentKind.GUIDANCE, dt.date(2025, 12, 1)),
    ]:
        save_document(
            Document(
                symbol=symbol,
                kind=kind,
                issuer=Issuer.BOARD,
                issued_on=day,
                title=symbol,
                unit=world.province,
            )
        )
    assert compute("VB_HUONG_DAN", "2026") == {world.province.pk: 1}
    assert compute("VB_DINH_HUONG", "2026") == {world.province.pk: 2}
    assert compute("VB_DINH_HUONG", "2026Q1") == {world.province.pk: 1}


def test_campaign_providers(world: World) -> None:
    data = campaigns.CampaignData(
        title="Học tập",
        unit=world.province,
        scope=world.province,
        start=dt.date(2026, 3, 1),
        deadline=dt.date(2026, 5, 31),
    )
    campaign = campaigns.create_campaign(world.province_admin, data)
    campaigns.record_attendance(
        world.province_admin,
        campaign,
        {world.cell.pk: (None, 30), world.other_cell.pk: (None, 39)},
        day=dt.date(2026, 5, 1),
    )
    c2 = campaign.participations.get(unit__code="T.X1.C2").unit_id
    assert compute("HT_DV_CAN_HOC", "2026S1") == {world.cell.pk: 30, c2: 25, world.other_cell.pk: 40}
    assert compute("HT_DV_DA_HOC", "2026S1") == {world.cell.pk: 30, world.other_cell.pk: 39}
    assert compute("HT_DOT_DUNG_HAN", "2026S1") == {world.province.pk: 0}
    campaigns.record_attendance(world.province_admin, campaign, {c2: (None, 24)}, day=dt.date(2026, 5, 20))
    assert compute("HT_DOT_DUNG_HAN", "2026S1") == {world.province.pk: 1}
    assert compute("HT_DOT_DUNG_HAN", "2026S2") == {}
