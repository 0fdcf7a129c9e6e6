"""Site-wide pages: each role's home, the text-size setting and the error pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import home as home_service

TEXT_SIZE_COOKIE = "text_size"
logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A member lands on what their cell is doing; officers and admins on their unit."""
    if home_service.is_member_only(request.user):
        return render(request, "core/member_home.html", home_service.member_home(request.user))
    from tuyengiao.org.views import home as unit_home

    return unit_home(request)


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Turn large text on or off; kept in a cookie for a year and applied on the html element."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    large = request.POST.get("size") == "large"
    response.set_cookie(TEXT_SIZE_COOKIE, "large" if large else "normal", max_age=365 * 24 * 3600,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE, httponly=True)
    return response


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    referer = request.META.get("HTTP_REFERER", "")
    back = referer if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}) else ""
    context = {"status": status, "error_title": title, "error_text": text, "back_url": back}
    try:
        body = loader.render_to_string("core/error.html", context, request)
    except Exception:  # the site's own menu failed (e.g. the database is down): a page without it
        logger.exception("error page rendered without the site menu")
        body = loader.render_to_string("core/error_plain.html", context)
    return HttpResponse(body, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("You may not do this"),
                  _("Your role does not allow this page or action. Ask your unit's administrator if you need it."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Page not found"),
                  _("The page does not exist, or it belongs to a unit outside your area."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, _("Something went wrong"),
                  _("The system could not finish this request. Nothing was half-saved; please try again later."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, _("The form has expired"),
                  _("The page was open too long or was opened in another tab. Go back, reload the page and "
                    "send the form again."))
