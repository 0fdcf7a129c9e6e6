"""The handbook's pages and API: the member's home, their own records only, the secretary's cell, bulletins."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from tuyengiao.handbook import bulletins, services
from tuyengiao.handbook.models import Bookmark, Bulletin, InboxItem, Meeting, Reading

from .fixtures import Handbook, deliver, right_answers


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    """A client holding an API token, as the native app will."""
    from tuyengiao.accounts.services import issue_token

    client = APIClient()
    _token, key = issue_token(user, "Điện thoại")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_members_home_is_the_handbook_with_something_to_do(hb: Handbook) -> None:
    client = client_for(hb.world.member)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("handbook:home")
    page = client.get(reverse("handbook:home")).content.decode()
    assert "Việc cần làm" in page and "Đăng ký cam kết làm theo Bác" in page
    assert "Làm bài kiểm tra: Kiểm tra Nghị quyết 35" in page
    assert 'rel="manifest"' in page and "<script>" not in page  # no inline script


def test_a_board_officials_home_stays_their_dashboard(hb: Handbook) -> None:
    response = client_for(hb.world.province_admin).get("/")
    assert response["Location"] != reverse("handbook:home")


def test_the_document_page_shows_the_summary_first_and_bookmarks(hb: Handbook) -> None:
    client = client_for(hb.world.member)
    url = reverse("handbook:document", args=[hb.document.pk])
    page = client.get(url).content.decode()
    assert page.index("Tóm tắt") < page.index("Toàn văn")
    assert Reading.objects.filter(member=hb.member, document=hb.document).exists()
    client.post(reverse("handbook:bookmark", args=[hb.document.pk]))
    assert Bookmark.objects.filter(member=hb.member, document=hb.document).exists()
    response = client.post(reverse("handbook:document_read", args=[hb.document.pk]), {"seconds": "45"},
                           HTTP_ACCEPT="application/json")
    assert response.json()["seconds"] == 45


def test_another_units_document_answers_404(hb: Handbook) -> None:
    client = client_for(hb.world.member)
    assert client.get(reverse("handbook:document", args=[hb.other_document.pk])).status_code == 404
    assert client.post(reverse("handbook:bookmark", args=[hb.other_document.pk])).status_code == 404


def test_another_members_records_answer_404(hb: Handbook) -> None:
    attempt = services.start_attempt(hb.neighbour, hb.quiz)
    item = InboxItem.objects.create(member=hb.neighbour, kind="quiz", title="x", url="/handbook/")
    year = timezone.localdate().year
    commitment, _a = services.register_commitment(hb.neighbour, year, "Gương mẫu học tập và làm theo Bác")
    client = client_for(hb.world.member)
    assert client.get(reverse("handbook:attempt", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("handbook:attempt", args=[attempt.pk]), {}).status_code == 404
    assert client.get(reverse("handbook:inbox_open", args=[item.pk])).status_code == 404
    assert client.post(reverse("handbook:commitment_assess", args=[commitment.pk]),
                       {"stage": "mid_year", "text": "x"}).status_code == 404
    assert client.post(reverse("handbook:commitment_confirm", args=[commitment.pk])).status_code == 404
    assert client.get(reverse("handbook:cell", args=[hb.world.cell.pk])).status_code == 404
    api = api_for(hb.world.member)
    assert api.get(f"/api/handbook/attempts/{attempt.pk}/").status_code == 404
    assert api.post(f"/api/handbook/inbox/{item.pk}/read/").status_code == 404


def test_the_quiz_pages_take_and_pass_a_quiz(hb: Handbook) -> None:
    client = client_for(hb.world.member)
    response = client.post(reverse("handbook:quiz_start", args=[hb.quiz.pk]))
    attempt_url = response["Location"]
    page = client.get(attempt_url).content.decode()
    assert "Nghị quyết 35 bàn về điều gì?" in page
    answers = {f"q{q}": v for q, v in right_answers(hb.quiz).items()}
    client.post(attempt_url, answers)
    page = client.get(attempt_url).content.decode()
    assert "Đạt, 100%." in page
    page = client.get(reverse("handbook:points")).content.decode()
    assert "Đạt một bài kiểm tra" in page


def test_the_secretary_records_attendance_and_confirms_on_the_cells_page(hb: Handbook) -> None:
    meeting = services.schedule_meeting(hb.world.cell_secretary, Meeting(
        unit=hb.world.cell, title="Sinh hoạt tháng", start=timezone.now() - dt.timedelta(hours=1)))
    client = client_for(hb.world.cell_secretary)
    client.post(reverse("handbook:meeting_attendance", args=[meeting.pk]),
                {f"presence-{hb.offline.pk}": "present", "minutes": "Biên bản"})
    assert meeting.attendances.get(member=hb.offline).presence == "present"
    year = timezone.localdate().year
    client.post(reverse("handbook:cell_record", args=[hb.world.cell.pk, hb.offline.pk]),
                {"what": "commitment", "text": "Giữ gìn phẩm chất đạo đức của người đảng viên"})
    commitment = hb.offline.commitments.get(year=year)
    assert commitment.by_secretary
    page = client.get(reverse("handbook:cell", args=[hb.world.cell.pk])).content.decode()
    assert "Nguyễn Thị Ổn" in page
    client.post(reverse("handbook:commitment_confirm", args=[commitment.pk]))
    commitment.refresh_from_db()
    assert commitment.confirmed_by == hb.world.cell_secretary
    # A member of the cell may not record attendance
    member = client_for(hb.world.member)
    assert member.post(reverse("handbook:meeting_attendance", args=[meeting.pk]),
                       {f"presence-{hb.member.pk}": "present"}).status_code == 403


def test_the_invite_page_lists_every_bad_row(hb: Handbook) -> None:
    client = client_for(hb.world.commune_officer)
    csv = "Họ và tên,Năm sinh,Ngày vào Đảng,Mã chi bộ\nAn,1980,01/01/2000,T.X1.C1\n,1800,xx,T.X2.C1\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(reverse("handbook:invite"), {"file": SimpleUploadedFile("ds.csv", csv)}).content.decode()
    assert "chưa lưu dữ liệu nào" in page
    assert page.count("Dòng 3") == 4


def test_the_api_serves_the_library_quizzes_commitments_points_and_inbox(hb: Handbook) -> None:
    api = api_for(hb.world.member)
    library = api.get("/api/handbook/library/?q=nen tang").json()
    assert [d["id"] for d in library["results"]] == [hb.document.pk]
    assert api.post("/api/handbook/bookmarks/", {"document": hb.document.pk}).status_code == 201
    started = api.post(f"/api/handbook/quizzes/{hb.quiz.pk}/start/")
    assert started.status_code == 201
    second = api.post(f"/api/handbook/quizzes/{hb.quiz.pk}/start/")
    assert second.status_code == 400 and "đang làm dở" in str(second.json())
    answers = {str(q): v for q, v in right_answers(hb.quiz).items()}
    submitted = api.post(f"/api/handbook/attempts/{started.json()['id']}/submit/", {"answers": answers}, format="json")
    assert submitted.json()["passed"] is True
    created = api.post("/api/handbook/commitments/", {"text": "Gương mẫu học tập và làm theo Bác"})
    assert created.status_code == 201
    points = api.get("/api/handbook/points/").json()
    assert sum(p["points"] for p in points["results"]) == 20
    assert api.get("/api/handbook/inbox/unread/").json() == {"unread": 0}
    schema = api.get("/api/schema/").content.decode()  # the schema needs a login like the rest
    assert "/api/handbook/quizzes/{id}/start/" in schema


def test_a_bulletin_carries_the_months_figures_and_renders_vietnamese_pngs_and_a_pdf(
    hb: Handbook, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    services.record_reading(hb.member, hb.document, 90)
    month = timezone.localdate().strftime("%Y%m")
    title = unicodedata.normalize("NFD", "Tiếp tục đẩy mạnh học tập và làm theo Bác")
    bulletin = bulletins.compose(hb.world.province_admin, hb.world.province, month, title,
                                 "Đề nghị các chi bộ tổ chức sinh hoạt chuyên đề.", [hb.document])
    assert bulletin.title == unicodedata.normalize("NFC", title)
    assert ["Lượt đọc xong văn bản", "1"] in bulletin.figures
    with pytest.raises(Exception):  # noqa: B017 - a member does not publish
        bulletins.publish(hb.world.member, bulletin)
    with django_capture_on_commit_callbacks(execute=True):
        bulletins.publish(hb.world.province_admin, bulletin)
    deliver()  # the notices and the drawing, by a worker
    assert InboxItem.objects.filter(member=hb.stranger, kind="bulletin").exists()
    bulletin.refresh_from_db()
    assert bulletin.images.exists()
    image = Image.open(bulletin.images.first().image.open("rb"))
    assert image.size == (1080, 1920)
    assert bulletin.pdf.open("rb").read(5) == b"%PDF-"
    client = client_for(hb.world.member)
    page = client.get(reverse("handbook:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "Trang 1 (PNG)" in page
    png = client.get(reverse("handbook:bulletin_png", args=[bulletin.pk, 1]))
    assert png["Content-Type"] == "image/png"


def test_a_draft_bulletin_is_not_shown_to_members(hb: Handbook) -> None:
    month = timezone.localdate().strftime("%Y%m")
    bulletin = bulletins.compose(hb.world.province_admin, hb.world.province, month, "Bản tin nháp", "")
    assert client_for(hb.world.member).get(reverse("handbook:bulletin_detail", args=[bulletin.pk])).status_code == 404
    assert Bulletin.objects.restrict(hb.world.other_commune_officer).filter(pk=bulletin.pk).exists()


def test_the_glyphs_of_vietnamese_letters_exist_in_the_bulletin_font() -> None:
    from PIL import ImageFont

    font = ImageFont.truetype(bulletins.FONT_DIR + "LiberationSans-Regular.ttf", 40)
    missing = font.getmask("\ufffe").getbbox()
    for letter in "ổứếịảẫằẵỹựọđĐ":
        assert font.getmask(letter).getbbox() != missing, letter


def test_the_service_worker_and_manifest_are_served_for_the_handbooks_scope(hb: Handbook) -> None:
    client = client_for(hb.world.member)
    sw = client.get(reverse("handbook:service_worker"))
    assert sw["Service-Worker-Allowed"] == "/handbook/" and b"hb-docs" in sw.content
    manifest = client.get(reverse("handbook:manifest")).json()
    assert manifest["start_url"] == "/handbook/" and manifest["display"] == "standalone"
    assert "văn bản đọc gần đây" in client.get(reverse("handbook:offline")).content.decode()
    io.BytesIO()


def _bank(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Câu hỏi", "A", "B", "C", "Đáp án đúng"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_board_creates_a_quiz_from_a_question_bank_and_members_are_told(
    hb: Handbook, django_capture_on_commit_callbacks  # type: ignore[no-untyped-def]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuyengiao.handbook.models import Quiz

    client = client_for(hb.world.province_admin)
    form = {"unit": hb.world.province.pk, "title": "Kiểm tra tháng 12", "pass_mark": "60", "max_attempts": "2",
            "opens_at": "01/12/2026 07:00", "deadline": "31/12/2026 23:00"}
    bad = _bank([["Câu một", "Đúng", "Sai", "", "A"], ["Câu hai", "Chỉ một", "", "", "B"]])
    page = client.post(reverse("handbook:quiz_add"), {**form, "bank": SimpleUploadedFile("q.xlsx", bad)})
    assert "Dòng 3" in page.content.decode()
    assert not Quiz.objects.filter(title="Kiểm tra tháng 12").exists()
    good = _bank([["Câu một", "Đúng", "Sai", "", "A"], ["Câu hai", "Một", "Hai", "Ba", "B,C"]])
    form["opens_at"] = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
    form["deadline"] = (timezone.localtime() + dt.timedelta(days=20)).strftime("%d/%m/%Y %H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("handbook:quiz_add"), {**form, "bank": SimpleUploadedFile("q.xlsx", good)})
    quiz = Quiz.objects.get(title="Kiểm tra tháng 12")
    assert response["Location"] == quiz.get_absolute_url()
    assert quiz.questions.count() == 2
    deliver()
    assert InboxItem.objects.filter(member=hb.stranger, kind="quiz").exists()
    assert client_for(hb.world.member).post(reverse("handbook:quiz_add"), form).status_code == 403


def test_the_secretary_records_a_quiz_taken_on_paper(hb: Handbook) -> None:
    client = client_for(hb.world.cell_secretary)
    client.post(reverse("handbook:cell_record", args=[hb.world.cell.pk, hb.offline.pk]),
                {"what": "quiz", "quiz": hb.quiz.pk, "score": "90"})
    attempt = hb.offline.attempts.get()
    assert attempt.by_secretary and attempt.passed and attempt.score == 90
    stranger_cell = client.post(reverse("handbook:cell_record", args=[hb.world.other_cell.pk, hb.stranger.pk]),
                                {"what": "quiz", "quiz": hb.quiz.pk, "score": "90"})
    assert stranger_cell.status_code == 404


def test_the_secretary_transfers_a_member_within_their_units_only(hb: Handbook) -> None:
    officer = client_for(hb.world.commune_officer)  # data entry above the cell: no per-member detail
    url = reverse("handbook:cell_transfer", args=[hb.world.cell.pk, hb.neighbour.pk])
    assert officer.post(url, {"code": "T.X1.C2"}).status_code == 404
    admin = client_for(hb.world.province_admin)
    admin.post(url, {"code": "T.X1.C2"})
    hb.neighbour.refresh_from_db()
    assert hb.neighbour.unit.code == "T.X1.C2"
    response = admin.post(reverse("handbook:cell_transfer", args=[hb.world.cell.pk, hb.member.pk]),
                          {"code": "KHONG.CO"}, follow=True)
    assert "Chi bộ: không có chi bộ mang mã này." in response.content.decode()
    secretary = client_for(hb.world.cell_secretary)
    response = secretary.post(reverse("handbook:cell_transfer", args=[hb.world.cell.pk, hb.member.pk]),
                              {"code": "T.X2.C1"}, follow=True)
    assert "ngoài phạm vi đơn vị của bạn" in response.content.decode()
    hb.member.refresh_from_db()
    assert hb.member.unit == hb.world.cell


def test_members_hear_of_new_documents_and_near_deadlines_once(hb: Handbook) -> None:
    from tuyengiao.handbook.jobs import notify_documents_and_deadlines

    hb.campaign.deadline = timezone.localdate() + dt.timedelta(days=3)
    hb.campaign.save()
    notify_documents_and_deadlines()
    notify_documents_and_deadlines()
    kinds = sorted(InboxItem.objects.filter(member=hb.member).values_list("kind", flat=True))
    assert kinds == ["deadline", "document", "quiz"]  # the quiz opened yesterday is caught up too
    assert InboxItem.objects.filter(member=hb.stranger, kind="document").count() == 1


def test_publishing_queues_the_drawing_for_a_worker(hb: Handbook, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    month = timezone.localdate().strftime("%Y%m")
    bulletin = bulletins.compose(hb.world.province_admin, hb.world.province, month, "Bản tin tháng", "")
    with django_capture_on_commit_callbacks(execute=True):
        bulletins.publish(hb.world.province_admin, bulletin)
    job = DBTaskResult.objects.get(task_path="tuyengiao.handbook.bulletins.render_bulletin_task")
    assert job.args_kwargs["args"] == [bulletin.pk]
    assert bulletins.render_bulletin_task.call(bulletin.pk) >= 1


def test_every_letter_a_bulletin_draws_has_its_own_glyph_in_the_font(hb: Handbook) -> None:
    """No tofu: each character of the pages (NFC, so "ổ" is one character) is a real glyph of the font,
    not the box the font draws for what it lacks; a decomposed title is drawn the same as a composed one."""
    month = timezone.localdate().strftime("%Y%m")
    title = unicodedata.normalize("NFD", "Ổn định tư tưởng, đoàn kết thống nhất — Quyết tâm hành động")
    bulletin = bulletins.compose(hb.world.province_admin, hb.world.province, month, title,
                                 "Ưu tiên học tập nghị quyết; ghi nhận thay cho đảng viên không có điện thoại.")
    for bold in (False, True):
        font = bulletins._font(40, bold)
        missing = bytes(font.getmask("\U000f0000"))  # a private character: the font's box
        for _style, text in bulletins._blocks(bulletin):
            drawn = bulletins.nfc(text)
            assert drawn == unicodedata.normalize("NFC", drawn)
            lacking = {ch for ch in drawn if not ch.isspace() and bytes(font.getmask(ch)) == missing}
            assert lacking == set(), f"{text!r}: {lacking}"


def test_a_paper_score_that_is_not_a_number_is_refused_naming_the_field_and_member(hb: Handbook) -> None:
    client = client_for(hb.world.cell_secretary)
    url = reverse("handbook:cell_record", args=[hb.world.cell.pk, hb.offline.pk])
    page = client.post(url, {"what": "quiz", "quiz": hb.quiz.pk, "score": "chín"}, follow=True).content.decode()
    assert "Nguyễn Thị Ổn: Điểm bài làm trên giấy: “chín” không phải là số nguyên." in page
    page = client.post(url, {"what": "quiz", "quiz": hb.quiz.pk, "score": "120"}, follow=True).content.decode()
    assert "Nguyễn Thị Ổn: Điểm: từ 0 đến 100." in page
    assert not hb.offline.attempts.exists()


def test_the_site_menu_counts_the_members_unread_notices(hb: Handbook) -> None:
    client = client_for(hb.world.member)
    assert 'data-testid="menu-badge"' not in client.get(reverse("reporting:dashboard")).content.decode()
    for number, title in enumerate(("Tài liệu mới", "Lịch sinh hoạt chi bộ")):
        InboxItem.objects.create(member=hb.member, kind="document", title=title, url=f"/handbook/{number}/")
    InboxItem.objects.create(member=hb.neighbour, kind="document", title="Của người khác", url="/handbook/")
    body = client.get(reverse("reporting:dashboard")).content.decode()
    assert 'data-testid="menu-badge">2 mới</span>' in body
