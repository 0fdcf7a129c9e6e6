"""Input no view should see is refused before it reaches one: control characters (PostgreSQL
cannot store a NUL), bodies larger than the limits, too many values in one API request, a document
body beyond its length. Each answer names the reason in Vietnamese, quickly, and saves nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from tests.conftest import World
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.documents.models import Document
from tuyengiao.events.models import Event
from tuyengiao.reporting.models import DataValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world: World) -> Catalogue:
    return build_catalogue()

CONTROL = "điều khiển"  # in the Vietnamese refusal: "ký tự điều khiển"


def _api(world: World) -> APIClient:
    client = APIClient()
    client.force_login(world.province_admin)
    return client


def _page(world: World) -> Client:
    client = Client()
    client.force_login(world.commune_officer)
    return client


@pytest.mark.parametrize("url", [
    "/api/completeness/?dataSet=%00&period=202405&orgUnit=T.X1",
    "/api/dataValueSets/?dataSet=BC_THANG&period=2024%0005&orgUnit=T.X1",
    "/api/units/?search=a%00b",
    "/api/documents/?q=%00",
    "/api/analytics/?dx=HT%1F&pe=202405&ou=T",
])
def test_a_control_character_in_a_query_parameter_is_refused_by_the_api(world: World, catalogue: Catalogue,
                                                                         url: str) -> None:
    answer = _api(world).get(url)
    assert answer.status_code == 400, answer.content
    assert CONTROL in answer.json()["detail"]


@pytest.mark.parametrize("url", ["/documents/?q=%00", "/org/search/?q=a%00", "/events/?month=2026%0003",
                                 "/reporting/pivot/?periods=2024%00"])
def test_a_control_character_in_a_query_parameter_is_refused_by_the_pages(world: World, url: str) -> None:
    answer = _page(world).get(url)
    assert answer.status_code == 400
    assert CONTROL in answer.content.decode()


def test_a_control_character_in_a_form_field_is_refused_and_nothing_saved(world: World) -> None:
    answer = _page(world).post("/events/new/", {"unit": world.commune.pk, "kind": "conference",
                                                "title": "Hội nghị\x00", "start": "2026-03-10T08:00",
                                                "end": "2026-03-10T11:00", "format": "in_person"})
    assert answer.status_code == 400
    assert "title" in answer.content.decode() and CONTROL in answer.content.decode()
    assert not Event.objects.exists()


def test_a_nul_in_a_json_body_is_refused(world: World) -> None:
    body = json.dumps({"title": "Nghị quyết\u0000", "kind": "resolution"})
    answer = _api(world).post("/api/documents/", body, content_type="application/json")
    assert answer.status_code == 400 and CONTROL in answer.json()["detail"]
    # A backslash written as text before "u0000" is no control character.
    text = json.dumps({"title": "C:\\u0000"})
    assert "\\\\u0000" in text
    assert _api(world).post("/api/documents/", text, content_type="application/json").status_code == 400
    assert not Document.objects.exists()


def test_line_breaks_and_tabs_are_text(world: World) -> None:
    answer = _page(world).post("/events/new/", {"unit": world.commune.pk, "kind": "conference",
                                                "title": "Hội nghị", "description": "Dòng 1\r\n\tDòng 2",
                                                "start": "2026-03-10T08:00", "end": "2026-03-10T11:00"})
    assert answer.status_code in (200, 302)


def test_the_request_size_limits_are_set_deliberately(settings: Any) -> None:
    from django.conf import global_settings

    for name in ("DATA_UPLOAD_MAX_MEMORY_SIZE", "FILE_UPLOAD_MAX_MEMORY_SIZE", "DATA_UPLOAD_MAX_NUMBER_FIELDS"):
        assert getattr(settings, name) != getattr(global_settings, name), name
    assert settings.REQUEST_MAX_BODY_SIZE >= 20 * 1024 * 1024  # the largest attachment goes through
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024


def test_a_million_values_are_refused_before_they_are_read_naming_the_limit(world: World, catalogue: Catalogue,
                                                                           settings: Any) -> None:
    row = {"dataElement": "HT_SO_BUOI", "value": 1}
    body = json.dumps({"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T.X1", "dataValues": [row] * 1_000_000})
    answer = _api(world).post("/api/dataValueSets/", body, content_type="application/json")
    assert answer.status_code == 413  # how fast is for the benchmarks; here: refused, nothing written
    with translation.override("vi"):
        assert "10 MB" in answer.json()["detail"]  # DATA_UPLOAD_MAX_MEMORY_SIZE
    assert not DataValue.objects.exists()


def test_more_values_than_one_request_may_write_are_refused_naming_the_limit(world: World, catalogue: Catalogue,
                                                                               settings: Any) -> None:
    settings.API_MAX_DATA_VALUES = 100
    row = {"dataElement": "HT_SO_BUOI", "value": 1}
    body = {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T.X1", "dataValues": [row] * 101}
    answer = _api(world).post("/api/dataValueSets/", body, format="json")
    assert answer.status_code == 400
    assert "100" in answer.json()["dataValues"][0] and "101" in answer.json()["dataValues"][0]
    assert not DataValue.objects.exists()


def test_a_body_beyond_the_limit_is_refused_unread(world: World) -> None:
    answer = _page(world).post("/events/new/", b"x", content_type="application/octet-stream",
                               CONTENT_LENGTH=str(64 * 1024 * 1024))
    assert answer.status_code == 413
    assert "MB" in answer.content.decode()


def test_too_many_form_fields_are_refused_naming_the_limit(world: World, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    data = "&".join(f"f{i}=1" for i in range(60))
    answer = _page(world).post("/events/new/", data, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400 and "50" in answer.content.decode()


def test_a_document_body_beyond_its_length_is_refused_on_the_field(world: World, settings: Any) -> None:
    settings.DOCUMENT_BODY_MAX_CHARS = 1000
    answer = _api(world).post("/api/documents/", {
        "kind": "plan", "issuer": "commune_committee", "symbol": "03-KH/ĐU", "issued_on": "2026-03-02",
        "unit": world.commune.pk, "title": "Kế hoạch", "body": "<p>" + "a" * 1200 + "</p>"}, format="json")
    assert answer.status_code == 400, answer.content
    assert "1000" in answer.json()["body"][0] or "1.000" in answer.json()["body"][0]
    assert not Document.objects.exists()
