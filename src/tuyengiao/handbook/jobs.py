"""Housekeeping for the handbook: campaign deadlines, and the notices a queued task may have missed.

Run with the other sweeps (``core.tasks``). Notices are normally sent when things happen
(``notices``); the sweep sends deadlines, which happen by the calendar, and catches up on documents
of campaigns that started and quizzes that opened meanwhile. A member gets each notice once
(one row per member, kind and address), so sweeps and tasks overlapping add nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.numbers import format_date
from tuyengiao.core.tasks import register_sweep

from .models import Member, MemberStatus, Quiz

RECENT = dt.timedelta(days=7)
DEADLINE_NOTICE = dt.timedelta(days=7)


def notify_documents_and_deadlines() -> bool:
    """Per cell: campaigns due within a week; documents of campaigns added or started this week;
    quizzes opened this week."""
    from tuyengiao.campaigns.models import Campaign
    from tuyengiao.org.models import Unit

    from .models import InboxKind
    from .notices import notify_once, notify_quiz
    from .services import _paths_up

    today = timezone.localdate()
    now = timezone.now()
    cell_ids = Member.objects.filter(status=MemberStatus.ACTIVE).values_list("unit_id", flat=True).distinct()
    for cell in Unit.objects.filter(pk__in=list(cell_ids)):
        members = list(Member.objects.filter(unit=cell, status=MemberStatus.ACTIVE))
        campaigns = Campaign.objects.filter(Q(scope__path__in=_paths_up(cell)), start__lte=today,
                                            deadline__gte=today)
        for campaign in campaigns.prefetch_related("documents"):
            started = campaign.start >= today - RECENT
            for document in campaign.documents.all():
                if started or document.created_at >= now - RECENT:
                    notify_once(members, InboxKind.DOCUMENT, _("New document: %(t)s") % {"t": document.title},
                                reverse("handbook:document", args=[document.pk]))
            if campaign.deadline - today <= DEADLINE_NOTICE:
                notify_once(members, InboxKind.DEADLINE, _("Study by %(d)s: %(t)s")
                            % {"d": format_date(campaign.deadline), "t": campaign.title},
                            reverse("handbook:library") + f"#campaign-{campaign.pk}")
    for quiz in Quiz.objects.select_related("unit").filter(opens_at__gte=now - RECENT, opens_at__lte=now,
                                                           deadline__gte=now):
        notify_quiz(quiz, now)
    return False


register_sweep("handbook.notices", notify_documents_and_deadlines)
