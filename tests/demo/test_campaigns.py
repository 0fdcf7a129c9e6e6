"""The demo registry, events and campaigns load once, and loading again changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from tuyengiao.campaigns import services
from tuyengiao.campaigns.models import Campaign, CampaignParticipation
from tuyengiao.demo import DOMAINS
from tuyengiao.documents.models import Document
from tuyengiao.events.models import Event, EventFormat


def counts() -> tuple[int, int, int, int]:
    return (
        Document.objects.count(),
        Event.objects.count(),
        Campaign.objects.count(),
        CampaignParticipation.objects.filter(attended__isnull=False).count(),
    )


@pytest.mark.django_db
def test_the_demo_is_realistic_and_idempotent() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    headings = [line for line in out.getvalue().splitlines() if line.startswith("· ")]
    assert len(headings) == len(DOMAINS)  # every domain, once, in the declared order
    assert "tinh.quantri" in out.getvalue() and "TuyenGiao@2025" in out.getvalue()
    first = counts()
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    assert counts() == first
    assert Document.objects.filter(symbol="35-NQ/TW", issuer="politburo", term="XII").exists()
    assert Document.objects.filter(symbol_is_valid=False).exists()
    assert Event.objects.filter(format=EventFormat.HYBRID, connected_sites__gte=30).count() >= 12
    closed = [c for c in Campaign.objects.all() if c.deadline.year < 2027]
    lagging = 0
    for campaign in closed:
        figures = services.rollup(campaign, [campaign.scope])[campaign.scope.pk]
        assert Decimal(90) <= figures.rate <= Decimal(99)
        lagging += len(services.laggards(campaign, campaign.scope))
    assert 1 <= lagging <= 10
