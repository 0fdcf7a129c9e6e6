"""Notices sent when things happen, through the task queue, once per member whoever sends them first."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tuyengiao.campaigns import services as campaigns
from tuyengiao.documents.models import Document
from tuyengiao.handbook import notices, services
from tuyengiao.handbook.jobs import notify_documents_and_deadlines
from tuyengiao.handbook.models import InboxItem, InboxKind, MemberStatus, Quiz

from .fixtures import Handbook, deliver


def _notices(member, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(InboxItem.objects.filter(member=member, kind=kind).values_list("title", flat=True))


def test_a_board_guidance_reaches_the_members_below_once_it_commits(
    hb: Handbook, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        guidance = Document.objects.create(kind="guidance", number="7", symbol="07-HD/BTGTU", issuer="board",
                                           issued_on=timezone.localdate(), unit=hb.world.commune,
                                           title="Hướng dẫn sinh hoạt chuyên đề quý IV")
        assert _notices(hb.member, InboxKind.DOCUMENT) == []  # nothing before the commit and the worker
    deliver()
    assert _notices(hb.member, InboxKind.DOCUMENT) == [f"Văn bản mới: {guidance.title}"]
    assert _notices(hb.offline, InboxKind.DOCUMENT) != []
    assert _notices(hb.stranger, InboxKind.DOCUMENT) == []  # another commune's member: not in their library
    notify_documents_and_deadlines()
    notices.document_task.call(guidance.pk)
    assert _notices(hb.member, InboxKind.DOCUMENT).count(f"Văn bản mới: {guidance.title}") == 1


def test_a_document_added_to_a_running_campaign_reaches_its_scope_but_not_the_exempt(
    hb: Handbook, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    hb.offline.status = MemberStatus.EXEMPT
    hb.offline.save()
    plan = Document.objects.create(kind="plan", number="3", symbol="03-KH/TU", issuer="provincial_committee",
                                   issued_on=dt.date(2026, 1, 5), unit=hb.world.province,
                                   title="Kế hoạch học tập Nghị quyết 35 năm 2026")
    with django_capture_on_commit_callbacks(execute=True):
        hb.campaign.documents.add(plan)
    deliver()
    title = f"Văn bản mới: {plan.title}"
    assert title in _notices(hb.member, InboxKind.DOCUMENT) and title in _notices(hb.stranger, InboxKind.DOCUMENT)
    assert title not in _notices(hb.offline, InboxKind.DOCUMENT)
    # the same document in a campaign created later, and the sweep: still one notice each
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.create_campaign(hb.world.province_admin, campaigns.CampaignData(
            title="Đợt hai", unit=hb.world.province, scope=hb.world.province,
            start=timezone.localdate(), deadline=timezone.localdate() + dt.timedelta(days=30), documents=[plan]))
    deliver()
    notify_documents_and_deadlines()
    assert _notices(hb.member, InboxKind.DOCUMENT).count(title) == 1


def test_a_quiz_opening_later_is_announced_when_it_opens(
    hb: Handbook, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    opens = timezone.now() + dt.timedelta(days=2)
    data = services.QuizData(unit=hb.world.province, title="Kiểm tra tháng sau", opens_at=opens,
                             deadline=opens + dt.timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        quiz = services.create_quiz(hb.world.province_admin, data)
    job = DBTaskResult.objects.get(task_path="tuyengiao.handbook.notices.quiz_task")
    assert job.run_after == opens and job.args_kwargs["args"] == [quiz.pk]
    assert deliver() == 0  # not due yet
    assert notices.notify_quiz(quiz) == 0
    assert _notices(hb.member, InboxKind.QUIZ) == []
    Quiz.objects.filter(pk=quiz.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())
    deliver()
    notify_documents_and_deadlines()
    assert _notices(hb.member, InboxKind.QUIZ).count("Bài kiểm tra mới: Kiểm tra tháng sau") == 1
