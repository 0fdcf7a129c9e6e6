"""Navigation built from what is installed: an app's link shows once its page exists."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

NAV = [
    ("reporting:dashboard", _("Reports & figures")),
    ("documents:document_list", _("Documents")),
    ("events:event_list", _("Events")),
    ("campaigns:campaign_list", _("Study campaigns")),
    ("handbook:home", _("Member handbook")),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"extra_nav": []}
    items = []
    for name, label in NAV:
        try:
            items.append({"url": reverse(name), "label": label})
        except NoReverseMatch:
            continue
    from tuyengiao.core.scoping import scope_of

    return {"extra_nav": items, "can_read_audit_log": scope_of(request.user).reaches_anything("admin")}
