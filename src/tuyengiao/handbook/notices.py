"""Inbox notices sent when things happen: a document for the member, a meeting invitation, a quiz
opening, a bulletin. Each is queued when its change commits and run by a task worker; the sweep in
``jobs`` sends the same notices for what it finds (deadlines, quizzes that opened meanwhile), and a
member gets each notice once whoever sends it first (one row per member, kind and address).

Documents and campaigns live in other apps: the handbook listens to their saves (``connect``)
rather than being called by them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from tuyengiao.core.numbers import format_date
from tuyengiao.core.tasks import enqueue_on_commit

from .models import Bulletin, InboxItem, InboxKind, Meeting, Member, MemberStatus, Quiz

GUIDANCE_KINDS = ["guidance", "orientation", "notice"]  # the boards' guidance a member's library shows
RECENT_DAYS = 90


def notify_once(members: Iterable[Member], kind: str, title: str, url: str) -> int:
    """Add the notice for members who do not have it yet; returns how many were added."""
    items = [InboxItem(member=m, kind=kind, title=title[:300], url=url[:300]) for m in members]
    if not items:
        return 0
    before = InboxItem.objects.filter(kind=kind, url=url[:300]).count()
    InboxItem.objects.bulk_create(items, batch_size=1000, ignore_conflicts=True)
    return InboxItem.objects.filter(kind=kind, url=url[:300]).count() - before


def _active_under(path: str) -> QuerySet[Member]:
    return Member.objects.filter(unit__path__startswith=path, status=MemberStatus.ACTIVE)


# --- documents -------------------------------------------------------------------------------


def document_readers(document: Any, on: dt.date | None = None) -> QuerySet[Member]:
    """Active members whose library holds the document: its running campaigns reach their cell, or it
    is recent guidance of a board above them (as ``services.library`` reads it)."""
    from tuyengiao.campaigns.models import Campaign

    on = on or timezone.localdate()
    scopes = list(Campaign.objects.filter(documents=document, start__lte=on, deadline__gte=on)
                  .values_list("scope__path", flat=True))
    condition = Q(pk__in=[])
    for path in scopes:
        condition |= Q(unit__path__startswith=path)
    recent = document.issued_on is not None and document.issued_on >= on - dt.timedelta(days=RECENT_DAYS)
    if document.kind in GUIDANCE_KINDS and recent and document.unit_id:
        condition |= Q(unit__path__startswith=document.unit.path)
    return Member.objects.filter(condition, status=MemberStatus.ACTIVE)


def notify_document(document: Any) -> int:
    return notify_once(document_readers(document), InboxKind.DOCUMENT,
                       _("New document: %(t)s") % {"t": document.title},
                       reverse("handbook:document", args=[document.pk]))


@task()
def document_task(document_id: int) -> int:
    from tuyengiao.documents.models import Document

    document = Document.objects.select_related("unit").filter(pk=document_id).first()
    return notify_document(document) if document is not None else 0


def _document_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        enqueue_on_commit(document_task, instance.pk)


def _campaign_documents_changed(sender: Any, instance: Any, action: str, reverse: bool = False,
                                pk_set: set[int] | None = None, **kwargs: Any) -> None:
    if action != "post_add" or not pk_set:
        return
    for document_id in sorted([instance.pk] if reverse else pk_set):
        enqueue_on_commit(document_task, document_id)


# --- meetings, quizzes, bulletins ------------------------------------------------------------


def meeting_title(meeting: Meeting) -> str:
    return _("Meeting invitation: %(t)s, %(d)s") % {"t": meeting.title, "d": format_date(meeting.start)}


@task()
def meeting_task(meeting_id: int) -> int:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.start < timezone.now():
        return 0
    invited = Member.objects.filter(attendances__meeting=meeting, status=MemberStatus.ACTIVE)
    return notify_once(invited, InboxKind.MEETING, meeting_title(meeting), meeting.get_absolute_url())


def announce_meeting(meeting: Meeting) -> None:
    enqueue_on_commit(meeting_task, meeting.pk)


def notify_quiz(quiz: Quiz, at: dt.datetime | None = None) -> int:
    """Members under the quiz's unit hear of it once it is open (not before, not after its deadline)."""
    at = at or timezone.now()
    if not quiz.opens_at <= at <= quiz.deadline:
        return 0
    return notify_once(_active_under(quiz.unit.path), InboxKind.QUIZ, _("Quiz open: %(t)s") % {"t": quiz.title},
                       quiz.get_absolute_url())


@task()
def quiz_task(quiz_id: int) -> int:
    quiz = Quiz.objects.select_related("unit").filter(pk=quiz_id).first()
    return notify_quiz(quiz) if quiz is not None else 0


def announce_quiz(quiz: Quiz) -> None:
    """At once when open now; a quiz opening later is announced by a task due at its opening (and
    by the sweep, should that task be lost)."""
    if quiz.opens_at <= timezone.now():
        enqueue_on_commit(quiz_task, quiz.pk)
    else:
        enqueue_on_commit(quiz_task.using(run_after=quiz.opens_at), quiz.pk)


@task()
def bulletin_task(bulletin_id: int) -> int:
    bulletin = Bulletin.objects.select_related("unit").filter(pk=bulletin_id, published_at__isnull=False).first()
    if bulletin is None:
        return 0
    readers = Member.objects.filter(unit__path__startswith=bulletin.unit.path).exclude(
        status=MemberStatus.TRANSFERRED)
    return notify_once(readers, InboxKind.BULLETIN, bulletin.title, bulletin.get_absolute_url())


def announce_bulletin(bulletin: Bulletin) -> None:
    enqueue_on_commit(bulletin_task, bulletin.pk)


def connect() -> None:
    """Listen to the documents and campaigns apps (called from the app's ``ready``)."""
    from tuyengiao.campaigns.models import Campaign
    from tuyengiao.documents.models import Document

    post_save.connect(_document_saved, sender=Document, dispatch_uid="handbook.document_saved")
    m2m_changed.connect(_campaign_documents_changed, sender=Campaign.documents.through,
                        dispatch_uid="handbook.campaign_documents")
