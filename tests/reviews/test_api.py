"""The reviews API: create, read figures and sections, edit, finalise, download; scoped by subtree."""

from __future__ import annotations

import io

import pytest
from docx import Document
from rest_framework.test import APIClient

from tests.reviews.conftest import Filled

pytestmark = pytest.mark.django_db


def client(user) -> APIClient:  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_review_is_created_read_edited_finalised_and_downloaded(filled: Filled) -> None:
    w = filled.world
    api = client(w.commune_officer)
    created = api.post("/api/reviews/", {"unit": w.commune.code, "period": "2025S1"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    detail = api.get(f"/api/reviews/{pk}/").json()
    assert detail["figures"]["HT_SO_BUOI"]["now"] == "12"
    blocks = {b["id"] for b in detail["sections"]["blocks"]}
    assert {"reporting", "shortcomings", "lessons", "directions"} <= blocks
    edited = api.patch(f"/api/reviews/{pk}/", {"blocks": {"lessons": "<p>Bài học<script>x</script></p>"},
                                              "version": detail["version"]}, format="json")
    assert edited.status_code == 200
    lessons = next(b for b in edited.json()["sections"]["blocks"] if b["id"] == "lessons")
    assert lessons["html"] == "<p>Bài học</p>"
    stale = api.patch(f"/api/reviews/{pk}/", {"blocks": {"lessons": "<p>x</p>"}, "version": detail["version"]},
                      format="json")
    assert stale.status_code == 400 and "version" in stale.json()
    download = api.get(f"/api/reviews/{pk}/download/docx/")
    assert download.status_code == 200
    assert Document(io.BytesIO(download.content)).tables[0].rows[0].cells[1].paragraphs[0].text == (
        "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert api.get(f"/api/reviews/{pk}/download/odt/").status_code == 404


def test_a_finalised_review_answers_403_with_the_reason(filled: Filled) -> None:
    w = filled.world
    admin = client(w.province_admin)
    pk = admin.post("/api/reviews/", {"unit": w.province.code, "period": "2025S1"}, format="json").json()["id"]
    assert client(w.commune_officer).post(f"/api/reviews/{pk}/finalise/").status_code == 404
    assert admin.post(f"/api/reviews/{pk}/finalise/").status_code == 200
    refused = admin.patch(f"/api/reviews/{pk}/", {"blocks": {"lessons": "<p>x</p>"}}, format="json")
    assert refused.status_code == 403
    assert "không thể sửa" in refused.json()["detail"]


def test_reviews_outside_ones_subtree_answer_404(filled: Filled) -> None:
    w = filled.world
    pk = client(w.commune_officer).post("/api/reviews/", {"unit": w.commune.code, "period": "2025S1"},
                                        format="json").json()["id"]
    other = client(w.other_commune_officer)
    assert other.get(f"/api/reviews/{pk}/").status_code == 404
    assert other.get(f"/api/reviews/{pk}/download/docx/").status_code == 404
    assert other.patch(f"/api/reviews/{pk}/", {"blocks": {}}, format="json").status_code == 404
    assert other.post("/api/reviews/", {"unit": w.commune.code, "period": "2025"}, format="json").status_code == 404
    assert other.get("/api/reviews/").json()["results"] == []


def test_a_bad_period_is_refused_with_the_reason(filled: Filled) -> None:
    w = filled.world
    answer = client(w.commune_officer).post("/api/reviews/", {"unit": w.commune.code, "period": "2025Q1"},
                                            format="json")
    assert answer.status_code == 400 and "2025Q1" in answer.json()["period"][0]


def test_the_reviews_are_in_the_api_schema(filled: Filled) -> None:
    schema = client(filled.world.province_admin).get("/api/schema/?format=json").json()
    assert "/api/reviews/" in schema["paths"] and "/api/reviews/{id}/download/{fmt}/" in schema["paths"]
