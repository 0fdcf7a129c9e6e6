"""An upload posted twice (double click, resend after a slow answer) is stored once."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from tests.conftest import World
from tests.reporting.conftest import Catalogue, build_catalogue
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.models import Attachment, Document
from tuyengiao.documents.services import save_document
from tuyengiao.events.models import Event, EventKind, EventPhoto
from tuyengiao.events.services import save_event
from tuyengiao.reporting.models import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(world: World) -> Catalogue:
    return build_catalogue()

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _token(client: Client, url: str) -> str:
    found = re.search(r'name="form_once" value="([^"]+)"', client.get(url).content.decode())
    assert found, f"the upload form of {url} carries a one-time token"
    return found.group(1)


def _file(name: str, content: bytes) -> io.BytesIO:
    out = io.BytesIO(content)
    out.name = name
    return out


def _signed_in(world: World) -> Client:
    client = Client()
    client.force_login(world.commune_officer)
    return client


def test_an_attachment_sent_twice_is_attached_once(world: World) -> None:
    document = Document(kind=DocumentKind.PLAN, issuer=Issuer.COMMUNE_COMMITTEE, symbol="03-KH/ĐU",
                        issued_on=dt.date(2026, 3, 2), unit=world.commune, title="Kế hoạch học tập")
    save_document(document)
    client = _signed_in(world)
    token = _token(client, document.get_absolute_url())
    url = reverse("documents:attachment_add", args=[document.pk])
    first = client.post(url, {"file": _file("anh.png", PNG), "form_once": token})
    second = client.post(url, {"file": _file("anh.png", PNG), "form_once": token})
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Attachment.objects.filter(document=document).count() == 1


def test_an_event_photo_sent_twice_is_added_once(world: World) -> None:
    start = timezone.make_aware(dt.datetime(2026, 3, 10, 8, 0))
    event = save_event(world.commune_officer, Event(unit=world.commune, kind=EventKind.CONFERENCE, title="Hội nghị",
                                                    start=start, end=start + dt.timedelta(hours=2)))
    client = _signed_in(world)
    token = _token(client, event.get_absolute_url())
    url = reverse("events:photo_add", args=[event.pk])
    for _ in range(2):
        answer = client.post(url, {"image": _file("anh.png", PNG), "caption": "Toàn cảnh", "form_once": token})
        assert answer.status_code == 302
    assert EventPhoto.objects.filter(event=event).count() == 1


def _workbook() -> bytes:
    book = Workbook()
    book.active.append(["x"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_an_excel_upload_sent_twice_makes_one_import_job(world: World, catalogue: Catalogue, htmx: bool) -> None:
    client = _signed_in(world)
    url = reverse("reporting:excel_upload", args=[catalogue.monthly.pk, world.commune.pk, "202405"])
    token = _token(client, url)
    headers = {"HX-Request": "true"} if htmx else {}
    answers = [client.post(url, {"file": _file("so-lieu.xlsx", _workbook()), "form_once": token}, headers=headers)
               for _ in range(2)]
    assert ImportJob.objects.count() == 1
    job_url = reverse("reporting:import_job", args=[ImportJob.objects.get().pk])
    if htmx:  # htmx follows the HX-Redirect header to the job, for the repeat as well
        assert [(a.status_code, a["HX-Redirect"]) for a in answers] == [(200, job_url)] * 2
    else:
        assert [(a.status_code, a["Location"]) for a in answers] == [(302, job_url)] * 2
