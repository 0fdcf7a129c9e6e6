"""Navigation built from what is installed: an app's link shows once its page exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

NAV = [
    ("reporting:dashboard", _("Reports & figures")),
    ("documents:document_list", _("Documents")),
    ("events:event_list", _("Events")),
    ("campaigns:campaign_list", _("Study campaigns")),
    ("reviews:review_list", _("Review reports")),
    # the board's registers
    ("training:class_list", _("Political theory classes")),
    ("outreach:reporter_list", _("Reporters & publications")),
    ("plans:plan_list", _("Work plans")),
    ("opinion:report_list", _("Public concerns")),
    ("history:work_list", _("Party history works")),
    ("emulation:home", _("Emulation and commendation")),
    ("inspections:inspection_list", _("Inspections")),
    ("handbook:home", _("Member handbook")),
]


# Menu entry (URL name) -> how many things wait there for the user (unread notices…); apps
# register from ``ready`` so core never imports them.
_BADGES: dict[str, Callable[[Any], int]] = {}


def register_badge(url_name: str, count: Callable[[Any], int]) -> None:
    _BADGES[url_name] = count


def person_name(user: object) -> str:
    """The person's name the Vietnamese way, family name first (Nguyễn Thị Thu Hà); the login if unset."""
    parts = [getattr(user, "last_name", "").strip(), getattr(user, "first_name", "").strip()]
    return " ".join(p for p in parts if p) or user.get_username()  # type: ignore[attr-defined]


def navigation(request: HttpRequest) -> dict[str, object]:
    large_text = request.COOKIES.get("text_size") == "large"
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"extra_nav": [], "large_text": large_text}
    items = []
    for name, label in NAV:
        try:
            items.append({"url": reverse(name), "label": label, "badge": _BADGES[name](request.user)
                          if name in _BADGES else 0})
        except NoReverseMatch:
            continue
    from tuyengiao.core.scoping import scope_of

    is_admin = scope_of(request.user).reaches_anything("admin")
    return {
        "extra_nav": items,
        "can_read_audit_log": is_admin,
        # The API's documentation serves unit admins and staff who connect other software.
        "can_use_api": is_admin or request.user.is_staff,
        "person_name": person_name(request.user),
        "large_text": large_text,
    }
