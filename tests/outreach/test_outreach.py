"""Outreach: reporters and briefings, publications and their reach, press guidance tied to the registry;
bad reach figures refused by field; figures and the review section; other units' records answer 404."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.support.personas import api_client_for, client_for
from tests.support.records import draft, figure
from tuyengiao.core.exceptions import UserError
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.models import Document
from tuyengiao.outreach import services
from tuyengiao.outreach.models import (
    Briefing,
    BriefingKind,
    Channel,
    GuidanceKind,
    PressGuidance,
    Publication,
    PublicationKind,
    Reporter,
    ReporterLevel,
)

D = dt.date


def publication(world: World, user=None, **fields) -> Publication:  # type: ignore[no-untyped-def]
    values = {"unit": world.commune, "kind": PublicationKind.INFOGRAPHIC, "title": "Infographic Nghị quyết 57",
              "channel": Channel.SOCIAL, "published_on": D(2025, 4, 2), "views": 12500, "shares": 340}
    values.update(fields)
    return services.save_publication(user or world.province_admin, Publication(**values))


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"views": -5}, "views", "Lượt xem: không được âm"),
    ({"shares": "nhiều"}, "shares", "Lượt chia sẻ: “nhiều” không phải là số"),
    ({"title": ""}, "title", "bắt buộc"),
])
def test_bad_reach_figures_are_refused_naming_the_field(world: World, fields: dict, field: str, words: str) -> None:
    with pytest.raises(UserError) as refused:
        publication(world, **fields)
    assert refused.value.field == field and words in refused.value.message
    assert not Publication.objects.exists()


def test_briefings_publications_and_guidance_give_the_review_its_figures(world: World) -> None:
    admin = world.province_admin
    speaker = services.save_reporter(admin, Reporter(unit=world.province, name="Nguyễn Văn Bình",
                                                     level=ReporterLevel.PROVINCE, subjects="Thời sự"))
    for month in (1, 3, 5):
        services.save_briefing(admin, Briefing(unit=world.province, kind=BriefingKind.PRESS_CONFERENCE,
                                               title=f"Họp báo tháng {month}", held_on=D(2025, month, 10),
                                               audience=40), [speaker])
    services.save_briefing(admin, Briefing(unit=world.commune, kind=BriefingKind.REPORTERS_CONFERENCE,
                                           title="Hội nghị báo cáo viên", held_on=D(2025, 2, 5), audience=120),
                           [speaker])
    publication(world)
    publication(world, kind=PublicationKind.VIDEO, title="Video clip", views=3000, shares=60)
    doc = Document.objects.create(unit=world.province, kind=DocumentKind.ORIENTATION, issuer=Issuer.BOARD,
                                  title="Định hướng tuyên truyền kỷ niệm 50 năm", issued_on=D(2025, 4, 1))
    for n in range(6):
        services.save_guidance(admin, PressGuidance(unit=world.province, kind=GuidanceKind.ORIENTATION,
                                                    subject=f"Định hướng {n}", issued_on=D(2025, 4, 1 + n),
                                                    document=doc if n == 0 else None))
    assert figure("BCV_HOP_BAO", "2025S1", world.province) == 3
    assert figure("BCV_LUOT_NGHE", "2025S1", world.province) == 240
    assert figure("XB_LUOT_XEM", "2025S1", world.district) == 15500
    assert figure("XB_TRUC_QUAN", "2025S1", world.province) == 2
    assert figure("DH_VAN_BAN_DINH_HUONG", "2025S1", world.province) == 6
    section = draft("outreach", world.province, "2025S1")
    text = " ".join(section.paragraphs)
    assert "03 cuộc họp báo" in text and "06 văn bản định hướng" in text and "15.500 lượt xem" in text


def test_guidance_cannot_link_a_document_outside_what_the_user_reads(world: World) -> None:
    theirs = Document.objects.create(unit=world.other_commune, kind=DocumentKind.GUIDANCE,
                                     issuer=Issuer.BOARD, title="Hướng dẫn của xã khác",
                                     issued_on=D(2025, 1, 1))
    with pytest.raises(UserError) as refused:
        services.save_guidance(world.commune_officer, PressGuidance(
            unit=world.commune, kind=GuidanceKind.GUIDANCE, subject="Hướng dẫn", issued_on=D(2025, 1, 2),
            document=theirs))
    assert refused.value.field == "document"
    assert not PressGuidance.objects.exists()


def test_other_units_records_answer_404_on_pages_and_api(world: World) -> None:
    theirs = publication(world, unit=world.other_commune, title="Bản tin xã Tân Lập")
    mine = publication(world, title="Bản tin xã Chí Linh")
    officer = client_for(world.commune_officer)
    listing = officer.get("/outreach/publications/").content.decode()
    assert mine.title in listing and theirs.title not in listing
    for url in (f"/outreach/publications/{theirs.pk}/", f"/outreach/publications/{theirs.pk}/edit/"):
        assert officer.get(url).status_code == 404
    assert officer.post(f"/outreach/publications/{theirs.pk}/delete/").status_code == 404
    api = api_client_for(world.commune_officer)
    assert api.get(f"/api/outreach/publications/{theirs.pk}/").status_code == 404
    assert api.delete(f"/api/outreach/publications/{theirs.pk}/").status_code == 404
    bad = api.post("/api/outreach/publications/", {"unit": world.commune.pk, "kind": "video", "title": "Clip",
                                                   "channel": "social", "published_on": "2025-05-01",
                                                   "views": -1, "shares": "abc"}, format="json")
    assert bad.status_code == 400 and {"views", "shares"} <= set(bad.json())
    form = officer.post("/outreach/publications/new/", {"unit": world.commune.pk, "kind": "video", "title": "Clip",
                                                        "channel": "social", "published_on": "01/05/2025",
                                                        "views": "-3", "shares": "0", "copies": "0"})
    assert form.status_code == 200 and Publication.objects.count() == 2
    export = officer.get("/outreach/publications/export/?year=2025")
    assert export.status_code == 200 and len(export.content) > 1000


def reporter(world: World, name: str, since: dt.date | None, until: dt.date | None) -> Reporter:
    return services.save_reporter(world.province_admin, Reporter(
        unit=world.commune, name=name, level=ReporterLevel.COMMUNE, active_from=since, active_until=until))


def test_a_reporter_counts_only_in_the_periods_they_were_active(world: World) -> None:
    reporter(world, "Lê Văn An", D(2024, 1, 1), None)
    reporter(world, "Trần Thị Bích", None, D(2025, 3, 31))  # on the list since before it was kept
    reporter(world, "Phạm Quốc Cường", D(2025, 8, 1), None)
    assert figure("BCV_SO_LUONG", "2023", world.province) == 1
    assert figure("BCV_SO_LUONG", "2025S1", world.province) == 2
    assert figure("BCV_SO_LUONG", "2025Q2", world.province) == 1
    assert figure("BCV_SO_LUONG", "2025S2", world.province) == 2
    assert figure("BCV_SO_LUONG", "202508", world.commune) == 2
    officer = client_for(world.commune_officer)
    listed = officer.get("/outreach/?year=2024").content.decode()
    assert "Lê Văn An" in listed and "Trần Thị Bích" in listed and "Phạm Quốc Cường" not in listed
    listed = officer.get("/outreach/?year=2026").content.decode()
    assert "Trần Thị Bích" not in listed and "Phạm Quốc Cường" in listed
    api = api_client_for(world.commune_officer)
    rows = api.get("/api/outreach/reporters/?active=false").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [(r["name"], r["active_until"], r["active"]) for r in rows] == [("Trần Thị Bích", "2025-03-31", False)]


def test_active_dates_that_run_backwards_and_a_speaker_not_active_that_day_are_refused(world: World) -> None:
    with pytest.raises(UserError) as refused:
        reporter(world, "Lê Văn An", D(2025, 5, 1), D(2025, 4, 30))
    assert refused.value.field == "active_until"
    assert refused.value.message == "Đến ngày: 30/04/2025 trước ngày bắt đầu hoạt động (01/05/2025)."
    assert not Reporter.objects.exists()
    gone = reporter(world, "Trần Thị Bích", None, D(2025, 3, 31))
    with pytest.raises(UserError) as refused:
        services.save_briefing(world.province_admin, Briefing(
            unit=world.commune, kind=BriefingKind.REPORTERS_CONFERENCE, title="Hội nghị báo cáo viên tháng 4",
            held_on=D(2025, 4, 5), audience=80), [gone])
    assert refused.value.field == "reporters" and "Trần Thị Bích" in refused.value.message
    assert "05/04/2025" in refused.value.message
    assert not Briefing.objects.exists()
    services.save_briefing(world.province_admin, Briefing(
        unit=world.commune, kind=BriefingKind.REPORTERS_CONFERENCE, title="Hội nghị báo cáo viên tháng 3",
        held_on=D(2025, 3, 31), audience=80), [gone])  # their last day still counts
    page = client_for(world.province_admin).post("/outreach/new/", {
        "unit": world.commune.pk, "name": "Ngô Văn Dũng", "level": "commune", "active_from": "01/06/2025",
        "active_until": "01/01/2025"})
    assert page.status_code == 200 and "trước ngày bắt đầu hoạt động" in page.content.decode()
    assert not Reporter.objects.filter(name="Ngô Văn Dũng").exists()
