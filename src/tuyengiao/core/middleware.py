"""One record per create form, however many times it is posted."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
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
                return HttpResponseRedirect(row.result_url)
            if time.monotonic() > deadline:
                return HttpResponse(_("This form is still being saved; reload the page in a moment."), status=409)
            time.sleep(0.2)

    def _release(self, request: HttpRequest) -> None:
        token = getattr(request, _ATTR, None)
        if token is not None:
            OnceToken.objects.filter(token=token, result_url="").delete()
            delattr(request, _ATTR)
