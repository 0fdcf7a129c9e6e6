"""Paging of every API list: a bounded page size, and a 400 for paging parameters that are not
whole numbers in range (DRF's own class ignores bad ones and passes huge ones to the database)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

# Far beyond any list here, far below what the database's LIMIT/OFFSET can hold.
MAX_OFFSET = 1_000_000_000


def _whole(request: Request, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(high)) or not low <= int(raw) <= high:
        raise ValidationError({name: [
            _("“%(name)s” must be a whole number from %(low)d to %(high)d, not “%(value)s”.")
            % {"name": name, "low": low, "high": high, "value": raw[:40]}
        ]})
    return int(raw)


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    default_limit = int(getattr(settings, "API_PAGE_SIZE", 100))
    max_limit = int(getattr(settings, "API_MAX_PAGE_SIZE", 500))

    def get_limit(self, request: Request) -> int | None:
        return _whole(request, self.limit_query_param, self.default_limit, 1, int(self.max_limit or 1))

    def get_offset(self, request: Request) -> int:
        return _whole(request, self.offset_query_param, 0, 0, MAX_OFFSET) or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.limit_query_param:
                param["schema"].update({"minimum": 1, "maximum": self.max_limit})
            elif param["name"] == self.offset_query_param:
                param["schema"].update({"minimum": 0, "maximum": MAX_OFFSET})
        return params
