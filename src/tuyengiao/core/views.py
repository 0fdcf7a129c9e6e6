"""The access helpers and the add/edit pattern every app's pages share.

``get_for_user`` / ``get_rw_for_user`` are the one pair of access helpers: a record outside the
user's scope answers 404 (reads and writes alike), one they may see but not change answers 403.
``form_view`` is the add/edit page: show the form, save through the app's service, put a refusal
beside its field, redirect to the saved record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .exceptions import UserError

if TYPE_CHECKING:
    from django.forms import BaseForm

M = TypeVar("M", bound=Model)


def get_for_user(visible: QuerySet[M], pk: Any) -> M:
    """The record among those the user may see (the caller passes the scoped queryset), else 404."""
    return get_object_or_404(visible, pk=pk)


def get_rw_for_user(visible: QuerySet[M], writable: QuerySet[M], pk: Any) -> M:
    """The record if the user may change it: 404 outside what they see, 403 outside what they may change.

    Both querysets come scoped from the app (``Model.objects.restrict(user, "view")`` and
    ``restrict(user, "enter")``), so the rule lives in one place.
    """
    obj = get_for_user(visible, pk)
    if not writable.filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def require(allowed: bool) -> None:
    """403 unless the user holds the role somewhere (e.g. a unit to add records in)."""
    if not allowed:
        raise PermissionDenied


def form_view(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[], Model | None],
    template: str,
    context: Mapping[str, Any] | None = None,
    success: str | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST calls ``save`` (the app's service) and redirects to the record.

    A ``UserError`` from the service is shown beside the field it names (or above the form) and
    nothing is saved; ``save`` may also add errors to the form itself and return None.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except UserError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            if saved is not None:
                if success:
                    messages.success(request, success)
                return redirect(saved.get_absolute_url())  # type: ignore[attr-defined]
    return render(request, template, {"form": form, **(context or {})})
