"""The handbook's rules: members from Excel, privacy by the tree, reading, quizzes, meetings, commitments, points."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from openpyxl import Workbook

from tuyengiao.campaigns.models import CampaignParticipation
from tuyengiao.core.exceptions import ImportRejected, UserError
from tuyengiao.core.periods import Period
from tuyengiao.handbook import providers, services
from tuyengiao.handbook.jobs import notify_documents_and_deadlines
from tuyengiao.handbook.models import (
    Attempt,
    InboxItem,
    Meeting,
    Member,
    PointAction,
    PointEntry,
    PointRule,
    Reading,
    Transfer,
)
from tuyengiao.org.models import Unit

from .fixtures import Handbook, deliver, make_quiz, right_answers

HEADER = ["Họ và tên", "Năm sinh", "Ngày vào Đảng", "Ngày chính thức", "Chức vụ", "Mã chi bộ", "Tên đăng nhập"]


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- members ---------------------------------------------------------------------------------


def test_bulk_invite_creates_members_logins_and_the_cell_counts_from_them(hb: Handbook) -> None:
    w = hb.world
    data = xlsx([["Phạm Thị Hoa", 1975, "03/02/2000", "03/02/2001", "Chi ủy viên", "T.X1.C2", "hoa.pt"],
                 ["Đỗ Văn Nam", 1990, "19/05/2015", "", "", "T.X1.C2", ""]])
    invited = services.invite_members(w.commune_officer, data, "ds.xlsx")
    assert [i.member.full_name for i in invited] == ["Phạm Thị Hoa", "Đỗ Văn Nam"]
    assert invited[0].username == "hoa.pt" and invited[0].password
    assert invited[1].username  # a login made from the name
    assert Unit.objects.get(code="T.X1.C2").member_count == 2  # counted from the records, no longer 25
    assert Unit.objects.get(code="T.X2.C1").member_count == 40  # a cell without new records keeps its figure


def test_bulk_invite_with_bad_rows_saves_nothing_and_lists_every_row(hb: Handbook) -> None:
    w = hb.world
    before = Member.objects.count()
    data = xlsx([["Phạm Thị Hoa", 1975, "03/02/2000", "", "", "T.X1.C2", "member"],
                 ["", "năm", "31/02/2000", "", "", "KHONG.CO", ""],
                 ["Trần Văn Bắc", 1980, "01/01/2001", "01/01/2000", "", "T.X2.C1", ""]])
    with pytest.raises(ImportRejected) as caught:
        services.invite_members(w.commune_officer, data, "ds.xlsx")
    messages = [str(e) for e in caught.value.errors]
    assert any("Dòng 2" in m and "Tên đăng nhập" in m for m in messages)  # login taken
    assert sum("Dòng 3" in m for m in messages) == 4  # name, year, date, cell
    assert any("Dòng 4" in m and "Mã chi bộ" in m for m in messages)  # another commune's cell
    assert any("Dòng 4" in m and "Ngày chính thức" in m for m in messages)
    assert Member.objects.count() == before


def test_a_transfer_keeps_history_and_both_cells_count_again(hb: Handbook) -> None:
    w = hb.world
    target = Unit.objects.get(code="T.X1.C2")
    services.transfer_member(w.commune_officer, hb.neighbour, target)
    assert Transfer.objects.filter(member=hb.neighbour, from_unit=w.cell, to_unit=target).exists()
    assert Unit.objects.get(pk=w.cell.pk).member_count == 2
    assert Unit.objects.get(pk=target.pk).member_count == 1
    with pytest.raises(PermissionDenied):
        services.transfer_member(w.other_commune_officer, hb.member, target)


def test_a_member_sees_only_their_own_records_the_secretary_the_cell_boards_none(hb: Handbook) -> None:
    w = hb.world
    services.record_reading(hb.member, hb.document, 30)
    services.record_reading(hb.neighbour, hb.document, 30)
    assert set(Reading.objects.restrict(w.member).values_list("member_id", flat=True)) == {hb.member.pk}
    assert set(Member.objects.restrict(w.member).values_list("pk", flat=True)) == {hb.member.pk}
    assert set(Member.objects.restrict(w.cell_secretary).values_list("pk", flat=True)) == {
        hb.member.pk, hb.neighbour.pk, hb.offline.pk}
    assert not Member.objects.restrict(w.province_approver).exists()  # boards read the rates
    assert not Member.objects.restrict(w.commune_officer).exists()  # data entry above the cell is not its secretary
    assert Member.objects.restrict(w.province_admin).count() == 4


# --- library and reading ---------------------------------------------------------------------


def test_the_library_holds_the_campaigns_documents_and_finds_them_without_accents(hb: Handbook) -> None:
    assert list(services.library(hb.member)) == [hb.document]
    assert list(services.library_search(hb.member, "nen tang tu tuong")) == [hb.document]
    assert list(services.library_search(hb.member, "Tân Lập")) == []
    with pytest.raises(Http404):
        services.get_document(hb.world.member, hb.member, hb.other_document.pk)


def test_reading_is_recorded_and_finishing_earns_points_once(hb: Handbook) -> None:
    reading, award = services.record_reading(hb.member, hb.document, 40)
    assert award is None and reading.finished_at is None
    reading, award = services.record_reading(hb.member, hb.document, 30)
    assert reading.seconds == 70 and reading.finished_at is not None
    assert award is not None and award.points == 5
    _reading, again = services.record_reading(hb.member, hb.document, 30, finished=True)
    assert again is None
    assert services.points_total(hb.member) == 5


def test_finishing_at_once_without_reading_is_refused(hb: Handbook) -> None:
    with pytest.raises(UserError):
        services.record_reading(hb.member, hb.document, 0, finished=True)


def test_points_over_the_daily_cap_are_not_added_and_the_member_is_told(hb: Handbook) -> None:
    PointRule.objects.create(action=PointAction.DOCUMENT_FINISHED, points=5, daily_cap=10)
    assert services.award(hb.member, PointAction.DOCUMENT_FINISHED, "doc:1").points == 5
    assert services.award(hb.member, PointAction.DOCUMENT_FINISHED, "doc:2").points == 5
    refused = services.award(hb.member, PointAction.DOCUMENT_FINISHED, "doc:3")
    assert refused.points == 0
    assert "tối đa 10 điểm" in refused.message
    assert services.points_total(hb.member) == 10
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert services.award(hb.member, PointAction.DOCUMENT_FINISHED, "doc:3", on=tomorrow).points == 5


def test_the_only_named_ranking_is_ones_own_cell(hb: Handbook) -> None:
    services.award(hb.member, PointAction.QUIZ_PASSED, "quiz:1")
    names = [name for name, _points in services.cell_board(hb.member)]
    assert names[0] == "Hoàng Minh Quân"
    assert "Trần Văn Bắc" not in names


# --- quizzes ---------------------------------------------------------------------------------


def test_a_quiz_is_shuffled_scored_on_the_server_and_passing_earns_points(hb: Handbook) -> None:
    attempt = services.start_attempt(hb.member, hb.quiz, seed=3)
    assert {q for q, _o in attempt.layout} == set(hb.quiz.questions.values_list("pk", flat=True))
    shown = services.present_attempt(attempt)
    assert all("correct" not in o for q in shown for o in q["options"])
    attempt, award = services.submit_attempt(hb.member, attempt, right_answers(hb.quiz))
    assert attempt.score == 100 and attempt.passed
    assert award is not None and award.points == 10


def test_a_multiple_choice_question_needs_exactly_the_right_answers(hb: Handbook) -> None:
    answers = right_answers(hb.quiz)
    multiple = hb.quiz.questions.get(multiple=True)
    answers[multiple.pk] = answers[multiple.pk][:1]
    attempt = services.start_attempt(hb.member, hb.quiz)
    attempt, _award = services.submit_attempt(hb.member, attempt, answers)
    assert attempt.score == 50


def test_a_second_open_attempt_and_attempts_beyond_the_limit_are_refused(hb: Handbook) -> None:
    first = services.start_attempt(hb.member, hb.quiz)
    with pytest.raises(UserError, match="đang làm dở"):
        services.start_attempt(hb.member, hb.quiz)
    services.submit_attempt(hb.member, first, {})
    second = services.start_attempt(hb.member, hb.quiz)
    services.submit_attempt(hb.member, second, {})
    with pytest.raises(UserError, match="hết 2 lượt"):
        services.start_attempt(hb.member, hb.quiz)


def test_an_answer_after_the_deadline_is_refused_with_the_reason(hb: Handbook) -> None:
    attempt = services.start_attempt(hb.member, hb.quiz)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - dt.timedelta(days=2))
    hb.quiz.deadline = timezone.now() - dt.timedelta(minutes=1)
    hb.quiz.save()
    attempt.refresh_from_db()
    with pytest.raises(UserError, match="hết hạn"):
        services.submit_attempt(hb.member, attempt, right_answers(hb.quiz))


def test_another_members_attempt_answers_404(hb: Handbook) -> None:
    attempt = services.start_attempt(hb.neighbour, hb.quiz)
    with pytest.raises(Http404):
        services.submit_attempt(hb.member, attempt, {})


def test_a_question_bank_comes_from_excel_all_or_nothing(hb: Handbook) -> None:
    quiz = make_quiz(hb.world, hb.document)
    book = Workbook()
    sheet = book.active
    sheet.append(["Câu hỏi", "A", "B", "C", "Đáp án đúng"])
    sheet.append(["Nghị quyết 35 do ai ban hành?", "Bộ Chính trị", "Quốc hội", "", "A"])
    sheet.append(["Chọn hai đáp án đúng", "Một", "Hai", "Ba", "A,C"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert services.import_questions(hb.world.province_admin, quiz, buffer.getvalue(), "q.xlsx") == 2
    assert quiz.questions.filter(multiple=True).count() == 2  # one from the fixture, one imported
    sheet.append(["Câu lỗi", "Chỉ một", "", "", "D"])
    buffer = io.BytesIO()
    book.save(buffer)
    before = quiz.questions.count()
    with pytest.raises(ImportRejected) as caught:
        services.import_questions(hb.world.province_admin, quiz, buffer.getvalue(), "q.xlsx")
    assert {e.row for e in caught.value.errors} == {4}
    assert quiz.questions.count() == before


# --- meetings --------------------------------------------------------------------------------


def _meeting(hb: Handbook, days: int = 3, campaigns: list | None = None) -> Meeting:  # type: ignore[type-arg]
    meeting = Meeting(unit=hb.world.cell, title="Sinh hoạt chi bộ tháng", start=timezone.now() + dt.timedelta(days=days))
    return services.schedule_meeting(hb.world.cell_secretary, meeting, [hb.document],
                                     [hb.campaign] if campaigns is None else campaigns)


def test_a_meeting_invites_every_member_and_they_confirm_or_give_a_reason(
    hb: Handbook, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _meeting(hb)
    assert meeting.attendances.count() == 3
    assert services.unread_count(hb.member) == 0  # the invitation is sent by a worker once the meeting is saved
    deliver()
    assert services.unread_count(hb.member) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_meeting(hb.world.cell_secretary, meeting, [hb.document])  # edited: not invited twice
    deliver()
    notify_documents_and_deadlines()
    assert InboxItem.objects.filter(member=hb.member, kind="meeting").count() == 1
    services.reply_to_meeting(hb.member, meeting, "yes")
    with pytest.raises(UserError, match="Lý do"):
        services.reply_to_meeting(hb.neighbour, meeting, "no")
    services.reply_to_meeting(hb.neighbour, meeting, "no", "Đi công tác")
    with pytest.raises(Http404):
        services.reply_to_meeting(hb.stranger, meeting, "yes")
    with pytest.raises(PermissionDenied):
        services.schedule_meeting(hb.world.member, Meeting(unit=hb.world.cell, title="x", start=timezone.now()))


def test_attendance_makes_the_meeting_the_cells_study_session_for_its_campaign(hb: Handbook) -> None:
    meeting = _meeting(hb, days=-1)
    services.record_attendance(hb.world.cell_secretary, meeting, {
        hb.member.pk: "present", hb.offline.pk: "present", hb.neighbour.pk: "excused"}, "Biên bản họp")
    (event,) = meeting.events.all()
    assert event.present_attendees == 2 and event.campaign_id == hb.campaign.pk
    row = CampaignParticipation.objects.get(campaign=hb.campaign, unit=hb.world.cell)
    assert row.attended == 2  # counted for the campaign through the events service
    offline = meeting.attendances.get(member=hb.offline)
    assert offline.by_secretary
    assert PointEntry.objects.filter(member=hb.offline, action=PointAction.MEETING_ATTENDED).exists()
    with pytest.raises(Http404):
        services.record_attendance(hb.world.other_commune_officer, meeting, {})
    with pytest.raises(PermissionDenied):
        services.record_attendance(hb.world.member, meeting, {})


# --- commitments -----------------------------------------------------------------------------


def test_a_commitment_is_confirmed_only_by_the_cells_secretary_or_an_admin(hb: Handbook) -> None:
    year = timezone.localdate().year
    commitment, award = services.register_commitment(hb.member, year, "Gương mẫu học tập và làm theo Bác")
    assert award.points == 10
    with pytest.raises(UserError):
        services.register_commitment(hb.member, year, "Một cam kết nữa trong năm")
    services.self_assess(hb.member, commitment, "mid_year", "Đã làm được một nửa")
    services.self_assess(hb.member, commitment, "year_end", "Hoàn thành", completed=True)
    for outsider in (hb.world.member, hb.world.commune_officer, hb.world.province_approver):
        with pytest.raises((PermissionDenied, Http404)):
            services.confirm_commitment(outsider, commitment)
    with pytest.raises(Http404):
        services.confirm_commitment(hb.world.other_commune_officer, commitment)
    services.confirm_commitment(hb.world.cell_secretary, commitment)
    commitment.refresh_from_db()
    assert commitment.confirmed_by == hb.world.cell_secretary
    assert PointEntry.objects.filter(member=hb.member, action=PointAction.COMMITMENT_COMPLETED).exists()
    with pytest.raises(UserError):
        services.self_assess(hb.member, commitment, "year_end", "Sửa lại")


# --- figures ---------------------------------------------------------------------------------


def test_the_providers_give_rates_per_member_for_each_cell(hb: Handbook) -> None:
    year = timezone.localdate().year
    period = Period.parse(str(year))
    services.record_reading(hb.member, hb.document, 90)
    services.register_commitment(hb.member, year, "Gương mẫu học tập và làm theo Bác")
    attempt = services.start_attempt(hb.member, hb.quiz)
    services.submit_attempt(hb.member, attempt, right_answers(hb.quiz))
    cell = hb.world.cell.pk
    assert providers.members_recorded(None, period)[cell] == 3
    assert providers.members_active(None, period)[cell] == 1
    assert providers.documents_finished(None, period)[cell] == 1
    assert providers.quiz_passed([cell], period)[cell] == 1
    assert providers.commitments_registered(None, period)[cell] == 1
    assert cell not in providers.commitments_completed(None, period)


def test_the_province_dashboard_reads_the_new_rates_at_once(hb: Handbook) -> None:
    from tuyengiao.reporting import analytics

    year = timezone.localdate().year
    services.record_reading(hb.member, hb.document, 90)
    services.record_reading(hb.stranger, hb.document, 90)
    rows = analytics.values(["ST_VB_DOC_XONG", "ST_DV_HO_SO"], [str(year)], hb.world.province)
    found = {r.dx: r.value for r in rows}
    assert found == {"ST_VB_DOC_XONG": 2, "ST_DV_HO_SO": 4}


def test_the_review_section_writes_the_rates(hb: Handbook) -> None:
    from tuyengiao.core.review_sections import ReviewContext
    from tuyengiao.handbook.review import build
    from tuyengiao.reporting import analytics

    year = timezone.localdate().year
    services.record_reading(hb.member, hb.document, 90)

    def figures(codes, period):  # type: ignore[no-untyped-def]
        return {r.dx: r.value for r in analytics.values(codes, [period], hb.world.province)}

    section = build(ReviewContext(unit=hb.world.province, period=Period.parse(str(year)), figures=figures))
    assert section is not None
    assert "04 đảng viên" in section.paragraphs[0] and "25%" in section.paragraphs[0]


# --- campaigns: meetings as study sessions, members expected ---------------------------------


def _second_campaign(hb: Handbook):  # type: ignore[no-untyped-def]
    from tuyengiao.campaigns import services as campaigns

    today = timezone.localdate()
    return campaigns.create_campaign(hb.world.province_admin, campaigns.CampaignData(
        title="Học tập chuyên đề năm", unit=hb.world.province, scope=hb.world.commune,
        start=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=40), documents=[hb.document]))


def test_a_meeting_covering_two_campaigns_is_the_cells_study_session_for_each(hb: Handbook) -> None:
    second = _second_campaign(hb)
    meeting = _meeting(hb, days=-1, campaigns=[hb.campaign, second])
    services.record_attendance(hb.world.cell_secretary, meeting, {
        hb.member.pk: "present", hb.offline.pk: "present", hb.neighbour.pk: "absent"})
    assert sorted(meeting.events.values_list("campaign_id", "present_attendees")) == sorted(
        [(hb.campaign.pk, 2), (second.pk, 2)])
    for campaign in (hb.campaign, second):
        assert CampaignParticipation.objects.get(campaign=campaign, unit=hb.world.cell).attended == 2
    # no longer covering the second: its session goes, and its figure with it
    services.schedule_meeting(hb.world.cell_secretary, meeting, [hb.document], [hb.campaign])
    services.record_attendance(hb.world.cell_secretary, meeting, {hb.neighbour.pk: "present"})
    assert list(meeting.events.values_list("campaign_id", "present_attendees")) == [(hb.campaign.pk, 3)]
    assert CampaignParticipation.objects.get(campaign=second, unit=hb.world.cell).attended is None
    assert CampaignParticipation.objects.get(campaign=hb.campaign, unit=hb.world.cell).attended == 3


def test_a_meeting_cannot_cover_a_campaign_that_does_not_reach_its_cell(hb: Handbook) -> None:
    from tuyengiao.campaigns import services as campaigns

    elsewhere = campaigns.create_campaign(hb.world.province_admin, campaigns.CampaignData(
        title="Đợt của xã khác", unit=hb.world.province, scope=hb.world.other_commune,
        start=timezone.localdate(), deadline=timezone.localdate() + dt.timedelta(days=9)))
    with pytest.raises(UserError, match="không bao gồm chi bộ này"):
        _meeting(hb, campaigns=[elsewhere])
    assert not Meeting.objects.exists()


def test_campaigns_expect_the_active_members_of_cells_with_member_records(hb: Handbook) -> None:
    from tuyengiao.campaigns.models import Source

    row = CampaignParticipation.objects.get(campaign=hb.campaign, unit=hb.world.cell)
    other_row = CampaignParticipation.objects.get(campaign=hb.campaign, unit=hb.world.other_cell)
    typed = other_row.expected
    services.recount_members([hb.world.cell.pk])
    row.refresh_from_db()
    assert row.expected == 3  # from the records, whatever the figure entered before
    hb.offline.status = "exempt"
    hb.offline.save()
    services.recount_members([hb.world.cell.pk])
    row.refresh_from_db()
    assert row.expected == 2
    assert _second_campaign(hb).participations.get(unit=hb.world.cell).expected == 2  # new campaigns too
    # a cell that typed its own figures keeps them
    other_row.expected, other_row.attended, other_row.source = typed, 1, Source.DIRECT
    other_row.save()
    services.recount_members([hb.world.other_cell.pk])
    other_row.refresh_from_db()
    assert other_row.expected == typed
    # a cell without member records keeps its figure as entered
    no_records = Unit.objects.get(code="T.X1.C2")
    assert services.expected_members([no_records.pk]) == {}


def test_a_transferred_member_is_invited_to_the_new_cells_meetings_not_the_old_ones(hb: Handbook) -> None:
    coming = _meeting(hb, days=4, campaigns=[])
    there = services.schedule_meeting(hb.world.province_admin, Meeting(
        unit=hb.world.other_cell, title="Sinh hoạt chi bộ bạn", start=timezone.now() + dt.timedelta(days=4)))
    services.transfer_member(hb.world.province_admin, hb.neighbour, hb.world.other_cell)
    assert not coming.attendances.filter(member=hb.neighbour).exists()
    assert there.attendances.filter(member=hb.neighbour).exists()
