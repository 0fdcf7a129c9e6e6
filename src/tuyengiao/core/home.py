"""What a member's home shows: their cell's current campaigns, coming events and new documents."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

NEW_DOCUMENTS = 8


def is_member_only(user: Any) -> bool:
    """A member holds only viewer assignments; staff and any officer role see their unit instead."""
    if user.is_staff or user.is_superuser:
        return False
    from tuyengiao.org.choices import Role
    from tuyengiao.org.models import Assignment

    roles = set(Assignment.objects.filter(user=user).values_list("role", flat=True))
    return roles == {Role.VIEWER}


def member_home(user: Any) -> dict[str, Any]:
    from tuyengiao.campaigns.services import visible_campaigns
    from tuyengiao.documents.services import visible_documents
    from tuyengiao.events.services import visible_events
    from tuyengiao.org.models import Assignment

    today = timezone.localdate()
    units = [a.unit for a in Assignment.objects.filter(user=user).select_related("unit").order_by("unit__path")]
    campaigns = (visible_campaigns(user).filter(start__lte=today, deadline__gte=today)
                 .select_related("unit").order_by("deadline", "pk")[:10])
    events = (visible_events(user).filter(end__gte=timezone.now()).select_related("unit")
              .order_by("start", "pk")[:10])
    documents = visible_documents(user).order_by("-issued_on", "-pk")[:NEW_DOCUMENTS]
    return {"units": units, "campaigns": list(campaigns), "events": list(events), "documents": list(documents)}
