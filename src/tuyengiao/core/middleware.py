"""One record per create form, however many times it is posted; input refused before any view."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import ONCE_FIELD
from .models import OnceToken

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP = dt.timedelta(days=1)
WAIT_SECONDS = 10.0  # how long a repeat waits for the first POST of the same form to finish
_ATTR = "_tuyengiao_once_token"


class OnceMiddleware:
    """Claim the form's token before the view runs; keep where it led, or release it on errors.

    Only POSTs that carry a token (forms with ``core.forms.OnceFormMixin``) are touched. The claim
    is a primary-key insert, so two simultaneous POSTs cannot both pass, on any database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except BaseException:
            self._release(request)
            raise
        token = getattr(request, _ATTR, None)
        if token is not None:
            if isinstance(response, HttpResponseRedirect) or response.status_code in (301, 302, 303):
                OnceToken.objects.filter(token=token).update(result_url=response["Location"][:500])
            elif response.has_header("HX-Redirect"):  # an htmx form sent on: the same, by header
                OnceToken.objects.filter(token=token).update(result_url=response["HX-Redirect"][:500])
            else:
                self._release(request)
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method != "POST" or ONCE_FIELD not in request.POST:
            return None
        token = request.POST[ONCE_FIELD]
        if not TOKEN_RE.match(token):
            return None  # the form's own validation answers
        user_id = getattr(getattr(request, "user", None), "pk", None)
        OnceToken.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        try:
            with transaction.atomic():
                OnceToken.objects.create(token=token, user_id=user_id)
        except IntegrityError:
            return self._repeat(request, token, user_id)
        setattr(request, _ATTR, token)
        return None

    def _repeat(self, request: HttpRequest, token: str, user_id: int | None) -> HttpResponse | None:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            row = OnceToken.objects.filter(token=token).first()
            if row is None:  # the first POST failed validation and released it: this one goes ahead
                return self.process_view(request, None, (), {})
            if row.user_id != user_id:
                return HttpResponse(_("This form was sent by another account."), status=409)
            if row.result_url:
                messages.info(request, _("This form had already been sent; it was saved once."))
                if request.headers.get("HX-Request") == "true":
                    response = HttpResponse(status=200)
                    response["HX-Redirect"] = row.result_url
                    return response
                return HttpResponseRedirect(row.result_url)
            if time.monotonic() > deadline:
                return HttpResponse(_("This form is still being saved; reload the page in a moment."), status=409)
            time.sleep(0.2)

    def _release(self, request: HttpRequest) -> None:
        token = getattr(request, _ATTR, None)
        if token is not None:
            OnceToken.objects.filter(token=token, result_url="").delete()
            delattr(request, _ATTR)


# Control characters no text of the product holds (tab, line feed and carriage return are text).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters written as JSON escapes (``\u0000``), after an even run of backslashes.
JSON_CONTROL_RE = re.compile(rb"(?<!\\)(?:\\\\)*\\u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F]|7[fF])")


class InputMiddleware:
    """Refuse, before any view reads it, input no view should see: too big, or holding control characters.

    * A body larger than ``REQUEST_MAX_BODY_SIZE`` (by its declared length) answers 413 unread;
      form fields and JSON over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answer 413, more than
      ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields 400, each naming the limit.
    * A query parameter, form field or JSON body holding a control character (a NUL above all:
      PostgreSQL cannot store one, and no field of the product holds them) answers 400.

    It runs before the CSRF check reads the form, so these refusals are its own and in Vietnamese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._check(request)
        return refusal if refusal is not None else self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Files are streamed to disk, so only a multipart body may exceed what is read into memory.
        multipart = request.content_type == "multipart/form-data"
        limit = settings.REQUEST_MAX_BODY_SIZE if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit and length > limit:
            return self._too_big(request, limit)
        try:
            for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
                for key, values in data.lists():
                    if CONTROL_RE.search(key) or any(CONTROL_RE.search(v) for v in values if isinstance(v, str)):
                        return self._refuse(request, CONTROL_RE.sub("", key)[:50])
            json_body = request.content_type == "application/json" and request.method not in ("GET", "HEAD")
            if json_body and JSON_CONTROL_RE.search(request.body):
                return self._refuse(request, "")
        except RequestDataTooBig:
            return self._too_big(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except TooManyFieldsSent:
            message = _("Too many fields were sent: at most %(limit)s.") % {
                "limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            }
            return self._answer(request, message, 400)
        return None

    def _too_big(self, request: HttpRequest, limit: int) -> HttpResponse:
        message = _("The data sent is too large: at most %(limit)s MB.") % {"limit": f"{limit / 1024 / 1024:g}"}
        return self._answer(request, message, 413)

    def _refuse(self, request: HttpRequest, field: str) -> HttpResponse:
        if field:
            message = _("The field “%(field)s” holds a control character (such as NUL); remove it and send again.") % {
                "field": field
            }
        else:
            message = _("The data sent holds a control character (such as NUL); remove it and send again.")
        return self._answer(request, message, 400)

    def _answer(self, request: HttpRequest, message: str, status: int) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
