"""Derived figures kept as values: after any change to their records, the task queue leaves them
equal to the providers' computation on read, and the aggregates equal a recomputation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import World
from tuyengiao.campaigns.models import Campaign, CampaignParticipation
from tuyengiao.core import providers
from tuyengiao.core.periods import Period
from tuyengiao.events.models import Event, EventFormat, EventKind
from tuyengiao.org.models import Unit
from tuyengiao.reporting import aggregates, analytics, derived
from tuyengiao.reporting.models import DataValue

pytestmark = pytest.mark.django_db(transaction=True)

MONTHS = [f"2024{m:02d}" for m in range(1, 13)]
ASKED = ["202403", "2024Q2", "2024S1", "2024"]


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def event(unit: Unit, day: dt.date, kind: str = EventKind.STUDY_SESSION, present: int | None = 20) -> Event:
    return Event.objects.create(unit=unit, kind=kind, title="Học tập Nghị quyết", start=at(day), end=at(day, 11),
                                format=EventFormat.HYBRID, present_attendees=present)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def kept_equal_on_read(world: World) -> None:
    """Every kept figure, read like an entered one, equals the provider run for the asked period."""
    assert aggregates.check() == []
    elements = providers.kept()
    codes = [e.code for e in elements]
    for code in ASKED:
        period = Period.parse(code)
        for mode in ("self", "children", "descendants"):
            targets = {code: analytics.targets(world.province, mode, "period", period)}
            reference = analytics._derived(elements, [period], "period", targets)
            rows = analytics.values(codes, [code], world.province, mode, "period")
            assert {(r.dx, r.pe, r.ou_id): r.value for r in rows} == reference, (code, mode)


def test_kept_figures_follow_their_records_through_the_task_queue(world: World) -> None:
    first = event(world.cell, dt.date(2024, 3, 5))
    event(world.other_cell, dt.date(2024, 3, 20), present=12)
    event(world.commune, dt.date(2024, 5, 2), kind=EventKind.CONFERENCE, present=None)
    campaign = Campaign.objects.create(title="Học tập chuyên đề", unit=world.province, scope=world.district,
                                       start=dt.date(2024, 3, 1), deadline=dt.date(2024, 4, 30))
    CampaignParticipation.objects.create(campaign=campaign, unit=world.cell, expected=30, attended=25)
    share = CampaignParticipation.objects.create(campaign=campaign, unit=world.other_cell, expected=25)
    written = derived.keep_all(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert written["SK_BUOI_HOC_TAP"] == 2 and written["HT_DV_CAN_HOC"] == 2
    kept_equal_on_read(world)

    # moved to another unit and month, a new one, one deleted; a cell reports; the deadline moves
    first.unit, first.start, first.end = world.other_cell, at(dt.date(2024, 6, 1)), at(dt.date(2024, 6, 1), 11)
    first.save()
    event(world.cell, dt.date(2024, 8, 9), present=7)
    Event.objects.filter(kind=EventKind.CONFERENCE).delete()
    share.attended = 20
    share.save()
    campaign.deadline = dt.date(2024, 9, 30)
    campaign.save()
    assert DataValue.objects.filter(element__code="SK_BUOI_HOC_TAP", period="202403", unit=world.cell).exists()
    run_worker()
    assert not DataValue.objects.filter(element__code="SK_BUOI_HOC_TAP", period="202403", unit=world.cell).exists()
    assert DataValue.objects.get(element__code="HT_DV_DA_HOC", period="202409", unit=world.other_cell).value == 20
    kept_equal_on_read(world)

    campaign.delete()
    run_worker()
    assert not DataValue.objects.filter(element__code__startswith="HT_DV_").exists()
    kept_equal_on_read(world)
    year = analytics.values(["SK_LUOT_DV_HOC_TAP"], ["2024"], world.province)
    assert [r.value for r in year] == [Decimal(12 + 20 + 7)]


def test_a_campaign_made_and_changed_through_its_service_keeps_every_cells_figures(world: World) -> None:
    """The service gives every cell its row in bulk: the kept figures of the cells follow all the same."""
    from tuyengiao.campaigns import services as campaigns
    from tuyengiao.campaigns.models import Audience

    derived.keep_all(dt.date(2024, 1, 1), dt.date(2024, 12, 31))  # kept from here on
    data = campaigns.CampaignData(title="Học tập chuyên đề", unit=world.province, scope=world.district,
                                  start=dt.date(2024, 3, 1), deadline=dt.date(2024, 4, 30))
    campaign = campaigns.create_campaign(world.province_admin, data)
    run_worker()
    assert DataValue.objects.filter(element__code="HT_DV_CAN_HOC", unit=world.cell, period="202404").exists()
    kept_equal_on_read(world)
    data.audience = Audience.KEY_CADRES
    campaigns.update_campaign(world.province_admin, campaign, data)
    run_worker()
    kept_equal_on_read(world)
    data.audience, data.scope = Audience.ALL_MEMBERS, world.commune
    campaigns.update_campaign(world.province_admin, campaign, data)
    run_worker()
    kept_equal_on_read(world)
