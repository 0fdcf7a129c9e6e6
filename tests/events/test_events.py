"""Events: checks on save, sanitised notes, photos by content, the calendar per subtree, scoping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tuyengiao.core.exceptions import UserError
from tuyengiao.events import services
from tuyengiao.events.models import Event, EventFormat, EventKind, EventPhoto


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_event(world: World, unit=None, user=None, **fields) -> Event:  # type: ignore[no-untyped-def]
    values = {
        "unit": unit or world.commune,
        "kind": EventKind.CONFERENCE,
        "title": "Hội nghị quán triệt Nghị quyết",
        "start": at(dt.date(2026, 3, 10)),
        "end": at(dt.date(2026, 3, 10), 11),
        "format": EventFormat.HYBRID,
        "connected_sites": 12,
        "expected_attendees": 200,
        "present_attendees": 190,
    }
    values.update(fields)
    return services.save_event(user or world.province_admin, Event(**values))


@pytest.mark.smoke
def test_present_above_expected_is_refused_with_a_clear_message(world: World) -> None:
    with pytest.raises(UserError) as refused:
        make_event(world, expected_attendees=100, present_attendees=120)
    assert "120" in refused.value.message and "100" in refused.value.message
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"end": at(dt.date(2026, 3, 9))}, "kết thúc"),
        ({"format": EventFormat.ONLINE, "connected_sites": 0}, "điểm cầu"),
        ({"format": EventFormat.IN_PERSON, "connected_sites": 3}, "điểm cầu"),
        ({"kind": EventKind.WORKSHOP, "title": ""}, "tên sự kiện"),
    ],
)
def test_it_refuses_inconsistent_events(world: World, fields: dict, word: str) -> None:
    with pytest.raises(UserError) as refused:
        make_event(world, **fields)
    assert word.lower() in refused.value.message.lower()


@pytest.mark.smoke
def test_notes_and_titles_are_sanitised(world: World) -> None:
    event = make_event(
        world,
        title="Hội nghị <script>alert(1)</script>",
        venue="<b>Hội trường</b>",
        notes='<p onmouseover="x()">Ghi chú</p><script>alert(2)</script>',
    )
    event.refresh_from_db()
    assert event.title == "Hội nghị" and event.venue == "Hội trường"
    assert event.notes == "<p>Ghi chú</p>"


def test_an_officer_cannot_record_an_event_for_another_commune(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_event(world, unit=world.other_commune, user=world.commune_officer)


def test_the_calendar_shows_the_subtree_of_the_unit(client, world: World) -> None:  # type: ignore[no-untyped-def]
    make_event(
        world,
        unit=world.cell,
        title="Sinh hoạt chi bộ thôn Đông",
        format=EventFormat.IN_PERSON,
        connected_sites=0,
        expected_attendees=30,
        present_attendees=28,
    )
    make_event(world, unit=world.other_commune, title="Hội nghị xã Tân Lập")
    make_event(
        world, title="Hội nghị tháng sau", start=at(dt.date(2026, 4, 2)), end=at(dt.date(2026, 4, 2), 10)
    )
    client.force_login(world.commune_officer)
    page = client.get(reverse("events:event_list"), {"month": "2026-03"}).content.decode()
    assert "Sinh hoạt chi bộ thôn Đông" in page
    assert "Hội nghị xã Tân Lập" not in page and "Hội nghị tháng sau" not in page
    assert "10/03/2026" in page
    client.force_login(world.province_admin)
    page = client.get(
        reverse("events:event_list"), {"month": "2026-03", "unit": world.district.pk}
    ).content.decode()
    assert "Hội nghị xã Tân Lập" in page and "Sinh hoạt chi bộ thôn Đông" in page


def test_outsiders_get_404_on_page_and_api(client, world: World) -> None:  # type: ignore[no-untyped-def]
    event = make_event(world, unit=world.other_commune)
    client.force_login(world.commune_officer)
    assert client.get(reverse("events:event_detail", args=[event.pk])).status_code == 404
    assert client.get(f"/api/events/{event.pk}/").status_code == 404
    assert client.get(reverse("events:event_list"), {"unit": world.other_commune.pk}).status_code == 404
    data = client.get("/api/events/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert event.pk not in [r["id"] for r in rows]


def test_the_api_refuses_present_above_expected(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    body = {
        "unit": world.commune.pk,
        "kind": "conference",
        "title": "Hội nghị",
        "start": "2026-03-10T08:00:00+07:00",
        "end": "2026-03-10T11:00:00+07:00",
        "format": "in_person",
        "connected_sites": 0,
        "expected_attendees": 50,
        "present_attendees": 51,
    }
    response = client.post("/api/events/", body, content_type="application/json")
    assert response.status_code == 400
    body["present_attendees"] = 48
    response = client.post("/api/events/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    body["unit"] = world.other_commune.pk
    assert client.post("/api/events/", body, content_type="application/json").status_code == 403


def test_photos_are_checked_by_content(world: World, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    event = make_event(world)
    with pytest.raises(UserError):
        services.add_photo(event, SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not an image"))
    photo = services.add_photo(event, SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\nrest"), "Toàn cảnh")
    assert photo.content_type == "image/png" and EventPhoto.objects.count() == 1
    assert photo.image.name.startswith("events/") and "anh" not in photo.image.name


def test_the_form_shows_why_an_event_is_refused(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    response = client.post(
        reverse("events:event_add"),
        {
            "unit": world.commune.pk,
            "kind": "conference",
            "title": "Hội nghị",
            "start": "2026-03-10T08:00",
            "end": "2026-03-10T11:00",
            "format": "in_person",
            "connected_sites": 0,
            "expected_attendees": 50,
            "present_attendees": 60,
        },
    )
    assert response.status_code == 200
    assert "60" in response.content.decode() and not Event.objects.exists()
    response = client.post(
        reverse("events:event_add"),
        {
            "unit": world.commune.pk,
            "kind": "conference",
            "title": "Hội nghị",
            "start": "2026-03-10T08:00",
            "end": "2026-03-10T11:00",
            "format": "hybrid",
            "connected_sites": 3,
            "expected_attendees": 50,
            "present_attendees": 45,
            "notes": "<p>Ghi chú</p><script>alert(1)</script>",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.notes == "<p>Ghi chú</p>"
    page = client.get(event.get_absolute_url()).content.decode()
    assert "alert(1)" not in page
