"""Connected sites of online and hybrid events: units or named places whose attendance adds up."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.support.personas import api_client_for
from tuyengiao.core.exceptions import UserError
from tuyengiao.events import services
from tuyengiao.events.models import Event, EventSite

pytestmark = pytest.mark.django_db



def hybrid(world: World, **fields) -> Event:  # type: ignore[no-untyped-def]
    start = timezone.make_aware(dt.datetime(2026, 3, 10, 8))
    values = {
        "unit": world.commune,
        "kind": "conference",
        "title": "Hội nghị trực tuyến",
        "start": start,
        "end": start + dt.timedelta(hours=3),
        "format": "hybrid",
        "connected_sites": 1,
        "expected_attendees": 100,
        "present_attendees": 90,
    }
    values.update(fields)
    return Event(**values)


def form_data(world: World, sites: list[tuple[object, str, object]], present: int = 90) -> dict[str, object]:
    data: dict[str, object] = {
        "unit": world.commune.pk,
        "kind": "conference",
        "title": "Hội nghị trực tuyến",
        "start": "10/03/2026 08:00",
        "end": "10/03/2026 11:00",
        "format": "hybrid",
        "connected_sites": 0,
        "expected_attendees": 100,
        "present_attendees": present,
        "sites-TOTAL_FORMS": len(sites),
        "sites-INITIAL_FORMS": 0,
        "sites-MIN_NUM_FORMS": 0,
        "sites-MAX_NUM_FORMS": 1000,
    }
    for i, (unit, name, count) in enumerate(sites):
        data[f"sites-{i}-unit"] = unit or ""
        data[f"sites-{i}-name"] = name
        data[f"sites-{i}-present"] = count
    return data


def test_the_sites_are_saved_and_count_the_connected_sites(world: World) -> None:
    sites = [EventSite(unit=world.cell, present=50), EventSite(name="Hội trường thôn Đoài", present=40)]
    event = services.save_event(world.commune_officer, hybrid(world), sites=sites)
    assert event.connected_sites == 2
    assert sorted((s.label, s.present) for s in event.sites.all()) == [
        ("Chi bộ thôn Đông", 50),
        ("Hội trường thôn Đoài", 40),
    ]


def test_sites_that_do_not_add_up_are_refused_beside_the_attendees(world: World) -> None:
    sites = [EventSite(unit=world.cell, present=50), EventSite(name="Nhà văn hóa", present=30)]
    with pytest.raises(UserError) as refused:
        services.save_event(world.commune_officer, hybrid(world), sites=sites)
    assert refused.value.field == "present_attendees"
    assert "80" in refused.value.message and "90" in refused.value.message
    assert not Event.objects.exists()


def test_the_page_shows_the_sum_error_beside_the_field_and_saves_nothing(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    response = client.post(
        reverse("events:event_add"), form_data(world, [(world.cell.pk, "", 50), ("", "Nhà văn hóa", 30)])
    )
    assert response.status_code == 200
    assert "present_attendees" in response.context["form"].errors
    assert not Event.objects.exists()
    response = client.post(
        reverse("events:event_add"), form_data(world, [(world.cell.pk, "", 50), ("", "Nhà văn hóa", 40)])
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.connected_sites == 2 and event.sites.count() == 2


def test_a_site_needs_a_unit_or_a_place(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    response = client.post(reverse("events:event_add"), form_data(world, [("", "", 90)]))
    assert response.status_code == 200 and not Event.objects.exists()
    assert "Chọn đơn vị hoặc nhập tên địa điểm" in response.content.decode()


def test_a_site_in_another_commune_is_refused(world: World) -> None:
    response = api_client_for(world.commune_officer).post(
        "/api/events/",
        {
            "unit": world.commune.pk,
            "kind": "conference",
            "title": "Hội nghị",
            "format": "online",
            "start": "2026-03-10T08:00:00+07:00",
            "end": "2026-03-10T11:00:00+07:00",
            "connected_sites": 1,
            "expected_attendees": 100,
            "present_attendees": 40,
            "sites": [{"unit": world.other_cell.pk, "present": 40}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ngoài phạm vi" in response.json()["sites"][0]
    assert not Event.objects.exists()


def test_the_api_saves_and_returns_the_sites(world: World) -> None:
    api = api_client_for(world.commune_officer)
    response = api.post(
        "/api/events/",
        {
            "unit": world.commune.pk,
            "kind": "conference",
            "title": "Hội nghị",
            "format": "hybrid",
            "start": "2026-03-10T08:00:00+07:00",
            "end": "2026-03-10T11:00:00+07:00",
            "connected_sites": 0,
            "expected_attendees": 100,
            "present_attendees": 70,
            "sites": [{"unit": world.cell.pk, "present": 30}, {"name": "Nhà văn hóa thôn Đoài", "present": 40}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = api.get(f"/api/events/{response.json()['id']}/").json()
    assert body["connected_sites"] == 2
    assert sorted(s["present"] for s in body["sites"]) == [30, 40]


def test_an_event_may_not_cover_a_document_outside_the_users_scope(world: World) -> None:
    from tuyengiao.documents.models import Document
    from tuyengiao.documents.services import save_document

    hidden = Document(kind="plan", issuer="commune_committee", title="Kế hoạch xã Tân Lập", unit=world.other_commune)
    save_document(hidden)
    response = api_client_for(world.commune_officer).post(
        "/api/events/",
        {
            "unit": world.commune.pk,
            "kind": "conference",
            "title": "Hội nghị",
            "format": "in_person",
            "start": "2026-03-10T08:00:00+07:00",
            "end": "2026-03-10T11:00:00+07:00",
            "expected_attendees": 10,
            "documents": [hidden.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "documents" in response.json()
    assert not Event.objects.exists()


def test_events_never_import_the_campaigns() -> None:
    """Dependencies run one way: campaigns use events, events reach campaigns through a hook."""
    root = Path(__file__).resolve().parents[2] / "src" / "tuyengiao" / "events"
    imported = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert not any(name.startswith("tuyengiao.campaigns") for name in imported)
