"""Public concerns: kept only as anonymous aggregates; personal details removed from the text before it is
stored and the official told what went; trend against last period; figures, review section, scoping."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import World
from tests.support.personas import api_client_for, client_for
from tests.support.records import draft, figure
from tuyengiao.core.exceptions import UserError
from tuyengiao.opinion import services
from tuyengiao.opinion.models import ConcernReport, ConcernTopic, Trend
from tuyengiao.opinion.scrub import scrub

PERSONAL = ("Ông Nguyễn Văn An ở thôn Đông, số 0912.345.678, thư an.nguyen@gmail.com, căn cước 001203004567, "
            "phản ánh chậm bồi thường.")


def topic(code: str = "DAT_DAI") -> ConcernTopic:
    return ConcernTopic.objects.get(code=code)


def report(world: World, user=None, **fields) -> tuple[ConcernReport, object]:  # type: ignore[no-untyped-def]
    values = {"unit": world.commune, "period": "2025Q1", "topic": topic(), "reports": 12,
              "summary": "Nhân dân phản ánh chậm chi trả bồi thường dự án đường tỉnh.",
              "proposed_response": "Đề nghị UBND xã công khai tiến độ.", "responsible_agency": "UBND xã"}
    values.update(fields)
    return services.save_report(user or world.province_admin, ConcernReport(**values))


@pytest.mark.parametrize(("text", "gone", "kept"), [
    ("Gọi 0912345678 hoặc +84 912 345 678", ["0912345678", "912 345 678"], ["Gọi"]),
    ("CMND 123456789, CCCD 001 203 004 567", ["123456789", "004 567"], ["CMND", "CCCD"]),
    ("Liên hệ lan.tran@example.vn", ["lan.tran@example.vn"], ["Liên hệ"]),
    ("chị Trần Thị Lan và [Lê Văn Hùng] nói", ["Trần Thị Lan", "Lê Văn Hùng"], ["chị", "nói"]),
    ("Kinh phí 1.250.000.000 đồng theo 35-NQ/TW năm 2025", [], ["1.250.000.000", "35-NQ/TW", "2025"]),
    ("bà con thôn Đông", [], ["bà con thôn Đông"]),
])
def test_scrubbing_removes_what_points_to_a_person_and_keeps_the_rest(text: str, gone: list, kept: list) -> None:
    result = scrub(text)
    for piece in gone:
        assert piece not in result.text
    for piece in kept:
        assert piece in result.text
    assert bool(result.removed) == bool(gone)


def test_a_concern_with_a_phone_an_email_and_an_id_number_is_stored_without_them(world: World) -> None:
    saved, removed = report(world, summary=PERSONAL, proposed_response="Liên hệ 0243.825.1234 để trả lời.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary, proposed_response FROM opinion_concernreport WHERE id = %s", [saved.pk])
        stored = " ".join(cursor.fetchone())
    for piece in ("0912.345.678", "an.nguyen@gmail.com", "001203004567", "Nguyễn Văn An", "0243.825.1234"):
        assert piece not in stored
    assert "phản ánh chậm bồi thường" in stored
    assert removed == {"phone": 2, "email": 1, "id": 1, "name": 1}


def test_there_is_no_field_for_anyones_identity() -> None:
    names = {f.name for f in ConcernReport._meta.get_fields()}
    assert not names & {"name", "full_name", "person", "phone", "email", "address", "id_number", "reporter",
                        "created_by", "user"}


def test_the_official_is_told_what_was_removed_on_the_page_and_in_the_api(world: World) -> None:
    officer = client_for(world.commune_officer)
    response = officer.post("/opinion/new/", {
        "unit": world.commune.pk, "period": "2025Q1", "topic": topic().pk, "reports": "5",
        "summary": PERSONAL, "proposed_response": "", "responsible_agency": "UBND xã"}, follow=True)
    page = response.content.decode()
    assert "Đã xóa trước khi lưu" in page and "số điện thoại" in page and "số căn cước" in page
    assert "0912.345.678" not in page
    api = api_client_for(world.commune_officer)
    created = api.post("/api/opinion/reports/", {
        "unit": world.commune.pk, "period": "2025Q2", "topic": topic().pk, "reports": 8,
        "summary": "Gọi 0987654321 hoặc viết cho x@y.vn"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert "0987654321" not in body["summary"] and "x@y.vn" not in body["summary"]
    assert "số điện thoại" in body["removed"] and body["trend"] == Trend.UP and body["previous_reports"] == 5


@pytest.mark.parametrize(("fields", "field"), [
    ({"reports": -2}, "reports"), ({"reports": "mười"}, "reports"), ({"period": "quý 5"}, "period"),
    ({"summary": ""}, "summary"),
])
def test_bad_reports_are_refused_naming_the_field(world: World, fields: dict, field: str) -> None:
    with pytest.raises(UserError) as refused:
        report(world, **fields)
    assert refused.value.field == field
    assert not ConcernReport.objects.exists()


def test_trend_figures_and_the_review_section(world: World) -> None:
    report(world, period="2025Q1", reports=12)
    later, _ = report(world, period="2025Q2", reports=7, answered=True)
    assert later.trend == Trend.DOWN and later.previous_reports == 12
    report(world, period="2025Q2", topic=topic("BO_MAY"), reports=30)
    assert figure("DL_LUOT_PHAN_ANH", "2025S1", world.province) == 49
    assert figure("DL_VAN_DE", "2025S1", world.province) == 3
    assert figure("DL_DA_TRA_LOI", "2025S1", world.province) == 1
    assert figure("DL_CD_BO_MAY", "2025", world.district) == 30
    section = draft("opinion", world.province, "2025S1")
    assert "03 vấn đề" in section.paragraphs[0]
    assert any("02 vấn đề" in s.text for s in section.suggestions)


def test_other_units_reports_answer_404(world: World) -> None:
    theirs, _ = report(world, unit=world.other_commune)
    officer = client_for(world.commune_officer)
    assert officer.get(f"/opinion/{theirs.pk}/").status_code == 404
    assert officer.post(f"/opinion/{theirs.pk}/edit/", {}).status_code == 404
    api = api_client_for(world.commune_officer)
    assert api.get(f"/api/opinion/reports/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/opinion/reports/{theirs.pk}/", {"reports": 1}, format="json").status_code == 404


@pytest.mark.django_db
def test_the_topic_catalogue_refills_an_emptied_table_without_duplicating_what_is_there() -> None:
    from tuyengiao.opinion.catalogue import TOPICS, install

    ConcernTopic.objects.exclude(code="BO_MAY").delete()
    ConcernTopic.objects.filter(code="BO_MAY").update(name="Tên đã sửa")
    install(ConcernTopic)
    assert sorted(ConcernTopic.objects.values_list("code", flat=True)) == sorted(code for code, _ in TOPICS)
    assert ConcernTopic.objects.get(code="BO_MAY").name == "Tên đã sửa"
