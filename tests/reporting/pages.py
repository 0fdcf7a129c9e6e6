"""Addresses of the reporting pages, shared by their test modules."""

from __future__ import annotations

from django.urls import reverse

from tests.reporting.conftest import Catalogue

HX = {"HTTP_HX_REQUEST": "true"}


def entry_url(catalogue: Catalogue, unit, period: str = "202405") -> str:  # type: ignore[no-untyped-def]
    return reverse("reporting:entry", args=[catalogue.monthly.pk, unit.pk, period])


def value_url(catalogue: Catalogue, unit, element, period: str = "202405") -> str:  # type: ignore[no-untyped-def]
    return reverse("reporting:entry_value", args=[catalogue.monthly.pk, unit.pk, period, element.pk])
