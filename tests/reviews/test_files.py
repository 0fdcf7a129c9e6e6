"""Rendered files: the latest Word and PDF of each review kept, older ones and orphans swept away by the
housekeeping; a PDF made from the Word file already made; LibreOffice kept running or started once."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone, translation
from docx import Document

from tests.reviews.conftest import Filled
from tuyengiao.reviews import jobs, office, render, services
from tuyengiao.reviews.models import JobKind, JobStatus, Review, ReviewJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with translation.override("vi"):
        yield


def _done(review: Review, fmt: str, content: bytes, age_minutes: int) -> ReviewJob:
    job = ReviewJob.objects.create(review=review, kind=JobKind.RENDER, format=fmt, status=JobStatus.DONE)
    job.file.save(render.filename(review, fmt), ContentFile(content), save=True)
    ReviewJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=age_minutes))
    job.refresh_from_db()
    return job


def test_housekeeping_keeps_the_latest_file_of_each_review_and_format(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.commune_officer, w.commune, "2025S1")
    other = services.create(w.other_commune_officer, w.other_commune, "2025S1")
    old_word = _done(review, "docx", b"old word", 30)
    new_word = _done(review, "docx", b"new word", 10)
    old_pdf = _done(review, "pdf", b"old pdf", 20)
    new_pdf = _done(review, "pdf", b"new pdf", 5)
    others = _done(other, "docx", b"other word", 40)
    call_command("housekeeping", verbosity=0)
    kept = set(ReviewJob.objects.values_list("pk", flat=True))
    assert kept == {new_word.pk, new_pdf.pk, others.pk}
    assert not default_storage.exists(old_word.file.name) and not default_storage.exists(old_pdf.file.name)
    for job in (new_word, new_pdf, others):
        assert default_storage.exists(job.file.name)


def test_housekeeping_removes_the_files_of_deleted_reviews_once_they_are_old(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.commune_officer, w.commune, "2025S1")
    name = _done(review, "docx", b"word", 90).file.name
    fresh = default_storage.save("reviews/files/being-written.docx", ContentFile(b"x"))
    Review.objects.filter(pk=review.pk).delete()  # its jobs go with it, its file stays behind
    assert default_storage.exists(name)
    old = time.time() - 2 * 3600
    os.utime(default_storage.path(name), (old, old))
    jobs.clean_up()
    assert not default_storage.exists(name)
    assert default_storage.exists(fresh)  # a file written a moment ago may be a job's that is saving


def test_a_pdf_is_made_from_the_word_file_already_made_while_nothing_changed(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.commune_officer, w.commune, "2025S1")
    assert render.latest_word(review) is None
    job = jobs.start(review, w.commune_officer, JobKind.RENDER, "docx")
    jobs.work(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        made = handle.read()
    review.refresh_from_db()
    assert render.latest_word(review) == made
    review = services.edit(w.commune_officer, review, blocks={"lessons": "<p>Một là, sát cơ sở.</p>"})
    assert render.latest_word(review) is None  # the text changed since: a new Word file is made


@pytest.mark.skipif(not render.pdf_available(), reason="LibreOffice is not installed")
def test_libreoffice_kept_running_and_started_once_give_the_same_pages() -> None:
    document = Document()
    document.add_paragraph("Báo cáo sơ kết 6 tháng đầu năm 2025: 03 cuộc, 98,1%.")
    out = io.BytesIO()
    document.save(out)
    try:
        kept = office.convert(out.getvalue())
        again = office.convert(out.getvalue())
    finally:
        office.stop()
    once = office.convert_once(out.getvalue())
    texts = []
    for data in (kept, again, once):
        assert data.startswith(b"%PDF")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            texts.append(subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True,
                                        check=True).stdout.strip())
    assert texts[0] == texts[1] == texts[2] == "Báo cáo sơ kết 6 tháng đầu năm 2025: 03 cuộc, 98,1%."


@pytest.mark.skipif(not render.pdf_available(), reason="LibreOffice is not installed")
def test_a_conversion_does_not_wait_when_kept_instances_hold_every_profile(settings, tmp_path: Path) -> None:
    import fcntl

    settings.VAR_DIR = tmp_path
    (tmp_path / "libreoffice").mkdir()
    held = []
    for number in range(office.PROFILE_SLOTS):
        handle = open(tmp_path / "libreoffice" / f"profile-{number}.lock", "a+")  # noqa: SIM115
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.append(handle)
    document = Document()
    document.add_paragraph("Một trang")
    out = io.BytesIO()
    document.save(out)
    try:
        assert office.convert_once(out.getvalue()).startswith(b"%PDF")
    finally:
        for handle in held:
            handle.close()
    assert not any((tmp_path / "libreoffice").glob("profile-*/"))  # none of the kept profiles was used


@pytest.mark.skipif(not render.pdf_available(), reason="LibreOffice is not installed")
def test_a_worker_that_drafted_a_review_gets_libreoffice_ready_for_its_pdf(filled: Filled) -> None:
    w = filled.world
    review = services.create(w.commune_officer, w.commune, "2025S1", draft_now=False)
    job = jobs.start(review, w.commune_officer, JobKind.DRAFT)
    office.stop()
    try:
        assert jobs.work(job.pk) == JobStatus.DONE
        assert office._listener is not None and office._listener.alive()
    finally:
        office.stop()
