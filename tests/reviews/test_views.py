"""Review pages: create and draft on a worker, the missing-figure note, edits, 403 when finalised, 404 outside."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from docx import Document

from tests.reviews.conftest import Filled
from tuyengiao.reviews import jobs, services
from tuyengiao.reviews.models import Review, ReviewJob

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_a_review_is_drafted_on_a_worker_and_shows_what_is_missing(filled: Filled) -> None:
    w = filled.world
    page = login(w.commune_officer)
    answer = page.post("/reviews/", {"unit": w.commune.pk, "period": "2025S1"})
    review = Review.objects.get(unit=w.commune, period="2025S1")
    assert answer.status_code == 302 and answer.url == f"/reviews/{review.pk}/"
    job = ReviewJob.objects.get(review=review)
    assert "hx-get" in page.get(f"/reviews/{review.pk}/").content.decode()  # the progress bar polls
    jobs.work(job.pk)
    html = page.get(f"/reviews/{review.pk}/").content.decode()
    assert "12 buổi học tập, quán triệt" in html
    assert 'id="missing-note"' in html and "Tỷ lệ tự đánh giá đạt" in html


def test_a_period_type_without_data_sets_is_refused_beside_the_field(filled: Filled) -> None:
    w = filled.world
    answer = login(w.commune_officer).post("/reviews/", {"unit": w.commune.pk, "period": "2025Q2"})
    assert answer.status_code == 200 and "2025Q2" in answer.content.decode()
    assert not Review.objects.exists()


def test_editing_a_finalised_review_answers_403_with_the_reason(filled: Filled) -> None:
    w = filled.world
    review = services.finalise(w.province_admin, services.create(w.province_admin, w.province, "2025S1"))
    answer = login(w.province_admin).post(f"/reviews/{review.pk}/edit/", {"block:lessons": "<p>x</p>"})
    assert answer.status_code == 403 and "không thể sửa" in answer.content.decode()
    assert login(w.province_admin).post(f"/reviews/{review.pk}/regenerate/").status_code == 403


def test_the_page_saves_sanitised_text(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.commune_officer, w.commune, "2025S1")
    login(w.commune_officer).post(f"/reviews/{review.pk}/edit/", {
        "block:lessons": "<p>Bài học <img src=x onerror=alert(1)></p>", "version": review.version,
        "place": "Chí Linh"})
    review.refresh_from_db()
    assert services.blocks_of(review, "lessons")[0]["html"] == "<p>Bài học </p>" and review.place == "Chí Linh"


def test_reviews_of_other_units_answer_404(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.commune_officer, w.commune, "2025S1")
    other = login(w.other_commune_officer)
    for url in (f"/reviews/{review.pk}/", f"/reviews/{review.pk}/edit/", f"/reviews/{review.pk}/export/docx/"):
        answer = other.post(url) if not url.endswith(f"{review.pk}/") else other.get(url)
        assert answer.status_code == 404, url
    job = jobs.start(review, w.commune_officer, "render", "docx")
    assert other.get(f"/reviews/jobs/{job.pk}/").status_code == 404


def test_export_runs_as_a_job_and_downloads(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.commune_officer, w.commune, "2025S1")
    page = login(w.commune_officer)
    page.post(f"/reviews/{review.pk}/export/docx/")
    job = ReviewJob.objects.get(review=review, kind="render")
    jobs.work(job.pk)
    fragment = page.get(f"/reviews/jobs/{job.pk}/").content.decode()
    assert f"/reviews/jobs/{job.pk}/download/" in fragment
    download = page.get(f"/reviews/jobs/{job.pk}/download/")
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert "BÁO CÁO" in [p.text for p in document.paragraphs]


def test_the_command_writes_the_word_file(filled: Filled, tmp_path: Path) -> None:
    w = filled.world
    target = tmp_path / "r.docx"
    call_command("render_review", w.province.code, "2025S1", "--format", "docx", "--output", str(target))
    texts = [p.text for p in Document(str(target)).paragraphs]
    assert "Sơ kết công tác tuyên giáo 6 tháng đầu năm 2025" in texts
    assert not Review.objects.exists()  # drafted for the file only
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2025Q1"):
        call_command("render_review", w.province.code, "2025Q1", "--output", str(target))


def test_a_broken_template_upload_is_refused_naming_the_placeholder(filled: Filled) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuyengiao.reviews.models import DocumentSettings

    w = filled.world
    document = Document()
    document.add_paragraph("Số {{ so_hieu }} ngày {{ ngay_ky }}")
    data = io.BytesIO()
    document.save(data)
    form = {"superior": "TỈNH ỦY HÒA AN", "issuer": "BAN TUYÊN GIÁO", "symbol": "BTGTU", "place": "Hòa An",
            "signer_line": "", "signer_position": "", "signer_name": "", "recipients": "",
            "template": SimpleUploadedFile("mau.docx", data.getvalue())}
    page = login(w.province_admin)
    answer = page.post(f"/reviews/settings/{w.province.pk}/", form)
    assert answer.status_code == 200 and "{{ ngay_ky }}" in answer.content.decode()
    assert not DocumentSettings.objects.exists()
    form["template"] = SimpleUploadedFile("mau.docx", b"")
    del form["template"]
    assert page.post(f"/reviews/settings/{w.province.pk}/", form).status_code == 302
    assert DocumentSettings.objects.get(unit=w.province).symbol == "BTGTU"
    assert login(w.commune_officer).get(f"/reviews/settings/{w.province.pk}/").status_code == 404
    assert login(w.province_approver).get(f"/reviews/settings/{w.province.pk}/").status_code == 403
