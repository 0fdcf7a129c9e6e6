"""One set of document filters for the list page and the API (kind, issuer, year, field, search)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import DocumentKind, Issuer
from .models import Document, WorkField


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        help_text="ranked search, accents optional: “nen tang tu tuong”",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DocumentKind.choices, empty_label=_("All kinds"))
    issuer = django_filters.ChoiceFilter(label=_("Issuer"), choices=Issuer.choices, empty_label=_("All issuers"))
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="issued_on", lookup_expr="year", min_value=1930, max_value=2100
    )
    field = django_filters.ModelChoiceFilter(
        label=_("Work field"),
        field_name="work_fields",
        queryset=WorkField.objects.all(),
        to_field_name="code",
        empty_label=_("All fields"),
        help_text="work field code",
    )

    class Meta:
        model = Document
        fields = ["q", "kind", "issuer", "year", "field"]

    def filter_search(self, queryset: QuerySet[Document], name: str, value: Any) -> QuerySet[Document]:
        from .services import search

        return search(queryset, value)

    @property
    def searching(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.form.cleaned_data.get("q"))

    def filter_queryset(self, queryset: QuerySet[Document]) -> QuerySet[Document]:
        """Newest first, unless a search ranks the results."""
        filtered = super().filter_queryset(queryset)
        return filtered if self.searching else filtered.order_by("-issued_on", "-pk")
