"""A cell's members as its secretary and the admins above see them: rates, filters, export, status changes."""

from __future__ import annotations

import datetime as dt
import io

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tuyengiao.campaigns.models import CampaignParticipation
from tuyengiao.core.periods import Period
from tuyengiao.handbook import board, providers, services
from tuyengiao.handbook.models import Attendance, Meeting, Member, MemberStatus

from .fixtures import Handbook, right_answers


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _activity(hb: Handbook) -> Meeting:
    """A month of the cell: the member read and passed, two of three attended, one commitment."""
    services.record_reading(hb.member, hb.document, 90)
    attempt = services.start_attempt(hb.member, hb.quiz, seed=1)
    services.submit_attempt(hb.member, attempt, right_answers(hb.quiz))
    meeting = services.schedule_meeting(hb.world.cell_secretary, Meeting(
        unit=hb.world.cell, title="Sinh hoạt tháng", start=timezone.now() - dt.timedelta(hours=2)))
    services.record_attendance(hb.world.cell_secretary, meeting, {
        hb.member.pk: "present", hb.neighbour.pk: "present", hb.offline.pk: "absent"})
    services.register_commitment(hb.member, timezone.localdate().year, "Gương mẫu học tập và làm theo Bác.")
    return meeting


def test_the_board_shows_each_members_rates_and_the_cells_over_active_members(hb: Handbook) -> None:
    _activity(hb)
    year = timezone.localdate().year
    rows = {r.member.pk: r for r in board.member_rows(hb.world.cell, board.Filters(year=year))}
    assert set(rows) == {hb.member.pk, hb.neighbour.pk, hb.offline.pk}
    mine = rows[hb.member.pk]
    assert (mine.finished, mine.present, mine.recorded, mine.passed, mine.quizzes) == (1, 1, 1, 1, 1)
    assert mine.commitment is not None and rows[hb.offline.pk].meeting_rate == 0
    rates = board.cell_rates(hb.world.cell, year)
    assert rates["active"] == 3 and str(rates["meetings"]) == "66.7"
    assert str(rates["registered"]) == "33.3"

    board.change_status(hb.world.cell_secretary, hb.offline, MemberStatus.EXEMPT)
    rates = board.cell_rates(hb.world.cell, year)
    assert (rates["active"], rates["exempt"]) == (2, 1)
    assert rates["meetings"] == 100 and rates["registered"] == 50  # the exempt member left every denominator
    period = Period.parse(f"{year}")
    assert providers.members_recorded([hb.world.cell.pk], period)[hb.world.cell.pk] == 2
    assert hb.world.cell.pk not in providers.commitments_registered([hb.world.other_cell.pk], period)


def test_a_status_change_is_audited_recounts_the_cell_and_invites_only_active_members(hb: Handbook) -> None:
    upcoming = services.schedule_meeting(hb.world.cell_secretary, Meeting(
        unit=hb.world.cell, title="Sinh hoạt tháng sau", start=timezone.now() + dt.timedelta(days=7)))
    secretary = client_for(hb.world.cell_secretary)
    url = reverse("handbook:cell_member_status", args=[hb.world.cell.pk, hb.neighbour.pk])
    response = secretary.post(url, {"status": "exempt", "next_query": "status=exempt"})
    assert response["Location"] == reverse("handbook:cell_members", args=[hb.world.cell.pk]) + "?status=exempt"
    hb.neighbour.refresh_from_db()
    assert hb.neighbour.status == MemberStatus.EXEMPT
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Member),
                                 object_pk=str(hb.neighbour.pk), action=LogEntry.Action.UPDATE)
    assert entry.actor == hb.world.cell_secretary and entry.changes_dict["status"] == ["active", "exempt"]
    assert not Attendance.objects.filter(meeting=upcoming, member=hb.neighbour).exists()
    hb.world.cell.refresh_from_db()
    assert hb.world.cell.member_count == 3  # still a member of the cell, just not expected to take part
    row = CampaignParticipation.objects.get(campaign=hb.campaign, unit=hb.world.cell)
    assert row.expected == 2
    page = secretary.post(url, {"status": "exempt"}, follow=True).content.decode()
    assert "Lê Văn Tám đã ở trạng thái “Miễn sinh hoạt”" in page
    assert "Trạng thái: chọn" in secretary.post(url, {"status": "bogus"}, follow=True).content.decode()
    secretary.post(url, {"status": "active"})
    assert Attendance.objects.filter(meeting=upcoming, member=hb.neighbour).exists()
    assert CampaignParticipation.objects.get(pk=row.pk).expected == 3


def test_the_board_filters_and_exports_what_it_lists(hb: Handbook) -> None:
    _activity(hb)
    admin = client_for(hb.world.province_admin)  # a unit admin above the cell sees its members
    url = reverse("handbook:cell_members", args=[hb.world.cell.pk])
    page = admin.get(url).content.decode()
    assert all(name in page for name in ("Hoàng Minh Quân", "Lê Văn Tám", "Nguyễn Thị Ổn"))
    page = admin.get(url, {"phone": "no"}).content.decode()
    assert "Nguyễn Thị Ổn" in page and "Hoàng Minh Quân" not in page
    page = admin.get(url, {"q": "hoang minh"}).content.decode()  # accent-insensitive
    assert "Hoàng Minh Quân" in page and "Lê Văn Tám" not in page
    export = admin.get(reverse("handbook:cell_members_export", args=[hb.world.cell.pk]), {"q": "hoang minh"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    values = list(sheet.values)
    assert values[0][0] == "Họ và tên" and len(values) == 2
    assert values[1][0] == "Hoàng Minh Quân" and values[1][5] == 1 and values[1][7] == 1


def test_only_who_administers_the_cell_sees_its_members(hb: Handbook) -> None:
    url = reverse("handbook:cell_members", args=[hb.world.cell.pk])
    export = reverse("handbook:cell_members_export", args=[hb.world.cell.pk])
    status = reverse("handbook:cell_member_status", args=[hb.world.cell.pk, hb.member.pk])
    for user in (hb.world.commune_officer, hb.world.province_approver, hb.world.other_commune_officer,
                 hb.world.member):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.get(export).status_code == 404
        assert client.post(status, {"status": "exempt"}).status_code == 404
    secretary = client_for(hb.world.cell_secretary)
    assert secretary.get(url).status_code == 200
    # a member of another cell through this cell's address: 404
    other = reverse("handbook:cell_member_status", args=[hb.world.cell.pk, hb.stranger.pk])
    assert secretary.post(other, {"status": "exempt"}).status_code == 404
    hb.stranger.refresh_from_db()
    assert hb.stranger.status == MemberStatus.ACTIVE
    assert url not in client_for(hb.world.member).get(reverse("handbook:home")).content.decode()
    assert reverse("handbook:cell_members", args=[hb.world.cell.pk]) in secretary.get(
        reverse("handbook:cell", args=[hb.world.cell.pk])).content.decode()
