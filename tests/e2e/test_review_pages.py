"""The review pages in a real browser: draft from the figures, edit the text, export Word, at phone
and desktop widths."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from docx import Document

from tests.conftest import build_world
from tests.e2e.conftest import high_unit_ids
from tests.reporting.conftest import build_catalogue
from tests.reviews.conftest import fill
from tuyengiao.reviews.models import Review

pytestmark = pytest.mark.e2e


def drain() -> None:
    """A real worker runs the queued drafting or rendering."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_review_is_drafted_edited_and_exported(page_at, login, transactional_db, width: int) -> None:  # type: ignore[no-untyped-def]
    high_unit_ids()
    world = build_world()
    fill(world, build_catalogue())
    page = page_at(width)
    login(page, world.commune_officer)
    page.goto("/reviews/")
    page.select_option("#id_unit", str(world.commune.pk))
    page.fill("#id_period", "2025S1")
    page.click("#create-review button[type=submit]")
    page.wait_for_selector("#review-job progress, #review-job")
    drain()
    page.reload()
    results = page.locator("[data-block='reporting.1']")
    assert "12 buổi học tập, quán triệt" in results.inner_text()
    assert page.locator("#missing-note").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    lessons = page.locator("[data-block='lessons']")
    lessons.click()
    page.keyboard.type("Một là, bám sát cơ sở.")
    page.fill("input[name=place]", "Chí Linh")
    page.click("#save-review")
    page.wait_for_load_state()
    assert "Một là, bám sát cơ sở." in page.locator("[data-block='lessons']").inner_text()
    review = Review.objects.get(unit=world.commune, period="2025S1")
    assert review.place == "Chí Linh" and "bám sát cơ sở" in str(review.sections)

    page.click("#export-docx")
    page.wait_for_load_state()
    drain()
    page.wait_for_selector("#download", timeout=15_000)  # the progress fragment polls until the file is ready
    with page.expect_download() as downloading:
        page.click("#download")
    with open(downloading.value.path(), "rb") as handle:
        data = handle.read()
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "BÁO CÁO" in texts and any("bám sát cơ sở" in t for t in texts)
