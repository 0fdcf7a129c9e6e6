"""Figures the document registry derives: documents issued by kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count

from tuyengiao.core.periods import Period
from tuyengiao.core.providers import Dependency, DerivedElement, Locate, depends_on, register

from .choices import DocumentKind
from .models import Document


def _issued(kind: str):
    def compute(unit_ids: Iterable[int] | None, period: Period) -> dict[int, Decimal]:
        """Documents of the kind issued in the period, counted for the unit that registered them."""
        qs = Document.objects.filter(kind=kind, issued_on__gte=period.start, issued_on__lte=period.end)
        if unit_ids is not None:
            qs = qs.filter(unit_id__in=list(unit_ids))
        rows = qs.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
        return {unit_id: Decimal(n) for unit_id, n in rows}

    return compute


GUIDANCE_ISSUED = register(
    DerivedElement(
        code="VB_HUONG_DAN",
        name="Số văn bản hướng dẫn đã ban hành",
        compute=_issued(DocumentKind.GUIDANCE),
        aggregation="sum",
        value_type="integer",
        work_field="ideology",
        description="Văn bản loại hướng dẫn có ngày ban hành trong kỳ, tính cho đơn vị đăng ký.",
    )
)
ORIENTATION_ISSUED = register(
    DerivedElement(
        code="VB_DINH_HUONG",
        name="Số văn bản định hướng tuyên truyền đã ban hành",
        compute=_issued(DocumentKind.ORIENTATION),
        aggregation="sum",
        value_type="integer",
        work_field="propaganda",
        description="Văn bản định hướng tuyên truyền có ngày ban hành trong kỳ, tính cho đơn vị đăng ký.",
    )
)


def _registered(kind: str) -> Locate:
    def locate(document: Document) -> list[tuple[int, dt.date]]:
        """A document of the kind counts for the unit that registered it, in the month it was issued."""
        if document.kind != kind or not document.unit_id or not document.issued_on:
            return []
        return [(document.unit_id, document.issued_on)]

    return locate


# Kept as values, refreshed when a document is registered, edited or removed.
for _element, _kind in ((GUIDANCE_ISSUED, DocumentKind.GUIDANCE), (ORIENTATION_ISSUED, DocumentKind.ORIENTATION)):
    depends_on(_element.code, Dependency("documents.Document", _registered(_kind)))
