"""A create form posted twice (double click, resend after a slow answer) makes one record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tuyengiao.campaigns.models import Campaign
from tuyengiao.core.models import OnceToken
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.models import Document
from tuyengiao.events.models import Event

pytestmark = pytest.mark.django_db


def _token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'name="form_once" value="([^"]+)"', page)
    assert found, "the create form carries a one-time token"
    return found.group(1)


def _forms(world: World) -> list[tuple[str, type[Any], dict[str, Any]]]:
    return [
        ("documents:document_add", Document, {
            "unit": world.commune.pk, "kind": DocumentKind.PLAN, "symbol": "03-KH/ĐU",
            "issuer": Issuer.COMMUNE_COMMITTEE, "issued_on": "2026-03-02",
            "title": "Kế hoạch học tập Nghị quyết 35", "body": "<p>Nội dung</p>", "summary": "Tóm tắt",
        }),
        ("events:event_add", Event, {
            "unit": world.commune.pk, "kind": "conference", "title": "Hội nghị quán triệt",
            "start": "2026-03-10T08:00", "end": "2026-03-10T11:00", "format": "in_person",
            "connected_sites": 0, "expected_attendees": 50, "present_attendees": 45,
        }),
        ("campaigns:campaign_add", Campaign, {
            "title": "Học tập Nghị quyết", "unit": world.commune.pk, "scope": world.commune.pk,
            "audience": "all_members", "start": "2026-03-01", "deadline": "2026-05-31", "target_rate": "95",
        }),
    ]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["document", "event", "campaign"])
def test_a_double_post_makes_one_record(world: World, which: int) -> None:
    url_name, model, data = _forms(world)[which]
    client = Client()
    client.force_login(world.commune_officer)
    url = reverse(url_name)
    data = {**data, "form_once": _token(client, url)}
    first = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(url, data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert model.objects.count() == 1
    # A fresh form is a new record.
    third = client.post(url, {**data, "form_once": _token(client, url)})
    assert third.status_code == 302 and third["Location"] != first["Location"]
    assert model.objects.count() == 2


def test_a_form_sent_back_with_errors_can_be_corrected_and_sent(world: World) -> None:
    url_name, model, data = _forms(world)[1]
    client = Client()
    client.force_login(world.commune_officer)
    url = reverse(url_name)
    data = {**data, "form_once": _token(client, url)}
    refused = client.post(url, {**data, "end": "2026-03-09T08:00"})  # ends before it starts
    assert refused.status_code == 200 and model.objects.count() == 0
    assert client.post(url, data).status_code == 302
    assert model.objects.count() == 1


def test_another_account_cannot_reuse_a_token(world: World) -> None:
    url_name, model, data = _forms(world)[1]
    first = Client()
    first.force_login(world.commune_officer)
    url = reverse(url_name)
    data = {**data, "form_once": _token(first, url)}
    assert first.post(url, data).status_code == 302
    other = Client()
    other.force_login(world.province_admin)
    assert other.post(url, data).status_code == 409
    assert model.objects.count() == 1
    assert OnceToken.objects.count() == 1
