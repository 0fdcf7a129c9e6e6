"""Who may change a record through the API, decided before its body is read.

A write to a record the user can see (``get_queryset`` is scoped for reading) needs the role
over the record's unit: data entry by default, the approver's role for approval actions. It is
checked on the object, before the serializer validates anything, so a person without the role
learns nothing from validation errors and always gets 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from tuyengiao.core.scoping import ScopedQuerySet
from tuyengiao.org.choices import Action


class ScopedWrite(BasePermission):
    """Unsafe methods on a scoped record need ``view.write_actions[view.action]`` (default: enter).

    A view maps an action to ``None`` when the service alone decides (e.g. the submitter
    withdrawing their own report).
    """

    def has_object_permission(self, request: Request, view: Any, obj: Model) -> bool:
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "write_actions", {}).get(getattr(view, "action", None), Action.ENTER)
        if action is None:
            return True
        queryset = type(obj)._default_manager.all()
        if not isinstance(queryset, ScopedQuerySet):
            return True
        return queryset.restrict(request.user, action).filter(pk=obj.pk).exists()
