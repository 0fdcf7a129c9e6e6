"""Housekeeping for the handbook: members hear of new documents of their campaigns and of deadlines.

Run with the other sweeps (``core.tasks``); each notice is sent once (the inbox is checked first),
so two sweeps overlapping add nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.numbers import format_date
from tuyengiao.core.tasks import register_sweep

from .models import InboxItem, InboxKind, Member, MemberStatus

RECENT = dt.timedelta(days=7)
DEADLINE_NOTICE = dt.timedelta(days=7)


def notify_documents_and_deadlines() -> bool:
    """Per cell: documents of its campaigns added this week, campaigns due within a week."""
    from tuyengiao.campaigns.models import Campaign
    from tuyengiao.org.models import Unit

    from .services import _paths_up, notify

    today = timezone.localdate()
    cell_ids = Member.objects.filter(status=MemberStatus.ACTIVE).values_list("unit_id", flat=True).distinct()
    for cell in Unit.objects.filter(pk__in=list(cell_ids)):
        members = list(Member.objects.filter(unit=cell, status=MemberStatus.ACTIVE))
        campaigns = Campaign.objects.filter(Q(scope__path__in=_paths_up(cell)), start__lte=today,
                                            deadline__gte=today)
        notices: list[tuple[str, str, str]] = []
        for campaign in campaigns.prefetch_related("documents"):
            for document in campaign.documents.all():
                if document.created_at >= timezone.now() - RECENT:
                    notices.append((InboxKind.DOCUMENT, _("New document: %(t)s") % {"t": document.title},
                                    reverse("handbook:document", args=[document.pk])))
            if campaign.deadline - today <= DEADLINE_NOTICE:
                notices.append((InboxKind.DEADLINE, _("Study by %(d)s: %(t)s")
                                % {"d": format_date(campaign.deadline), "t": campaign.title},
                                reverse("handbook:library") + f"#campaign-{campaign.pk}"))
        for kind, title, url in notices:
            told = set(InboxItem.objects.filter(member__in=members, kind=kind, url=url)
                       .values_list("member_id", flat=True))
            notify([m for m in members if m.pk not in told], kind, title, url)
    return False


register_sweep("handbook.notices", notify_documents_and_deadlines)
