"""The demo handbook: whole cells as accounts, a year at realistic rates, bulletins, something to do."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tuyengiao.campaigns.models import CampaignParticipation
from tuyengiao.handbook import services
from tuyengiao.handbook.models import Attendance, Bulletin, Commitment, Meeting, Member, Reading


@pytest.mark.django_db
def test_the_demo_handbook_is_realistic_idempotent_and_gives_the_member_something_to_do() -> None:
    out = io.StringIO()
    call_command("load_demo", "--quiet-logins", stdout=out)
    assert "chưa tính cho đợt học tập" not in out.getvalue()  # the meeting counted for its campaign
    members = Member.objects.count()
    for row in CampaignParticipation.objects.filter(unit__members__isnull=False, campaign__audience="all_members",
                                                    source__in=["", "events"]).distinct():
        assert row.expected == Member.objects.filter(unit=row.unit, status="active").count()
    assert Meeting.objects.filter(events__isnull=False).exists()
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    assert Member.objects.count() == members >= 30
    assert Member.objects.filter(user__isnull=True).exists()  # some members have no smartphone
    rows = Attendance.objects.exclude(presence="")
    rate = rows.filter(presence="present").count() / rows.count()
    assert 0.85 <= rate <= 0.95
    finished = Reading.objects.filter(finished_at__isnull=False).count() / Reading.objects.count()
    assert 0.7 <= finished <= 0.9
    year = timezone.localdate().year
    assert Commitment.objects.filter(year=year).count() / members >= 0.9
    assert Bulletin.objects.filter(published_at__isnull=False).count() == 3
    assert all(b.images.exists() and b.pdf for b in Bulletin.objects.all())
    member = Member.objects.get(user__username="dangvien")
    assert len(services.todo(member)) >= 3
    client = Client()
    client.force_login(member.user)  # type: ignore[arg-type]
    page = client.get(reverse("handbook:home")).content.decode()
    assert "Trả lời giấy mời" in page and "Làm bài kiểm tra" in page
