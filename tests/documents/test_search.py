"""Search finds documents typed without diacritics, ranks symbol and title matches first, and
highlights why a document matched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import World
from tuyengiao.documents import search
from tuyengiao.documents.models import Document
from tuyengiao.documents.search import Query, highlight, search_documents

pytestmark = pytest.mark.django_db

ON_POSTGRES = pytest.mark.postgres  # PostgreSQL's full-text search and its indexes


@pytest.fixture
def docs(world: World) -> dict[str, Document]:
    def make(key: str, **fields: object) -> tuple[str, Document]:
        defaults: dict[str, object] = {"owner": world.province, "issuer": "politburo", "kind": "resolution"}
        defaults.update(fields)
        return key, Document.objects.create(**defaults)

    return dict([
        make("nq35", number="35", symbol="35-NQ/TW", term="XII", issued_on=dt.date(2018, 10, 22),
             title="Về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác quan điểm sai trái",
             summary="Mỗi đảng viên là một chiến sĩ bảo vệ nền tảng tư tưởng của Đảng trên mạng xã hội.",
             body="<p>Bộ Chính trị yêu cầu các cấp ủy <b>chủ động</b> đấu tranh, phản bác.</p>"),
        make("hd10", kind="guidance", issuer="board", number="10", symbol="10-HD/BTGDVTU",
             issued_on=dt.date(2024, 1, 8), title="Hướng dẫn công tác Tuyên giáo năm 2024",
             summary="Các nhiệm vụ trọng tâm của ngành trong năm.",
             body="<p>Tiếp tục thực hiện Nghị quyết 35-NQ/TW; tổ chức hội nghị báo cáo viên hằng tháng.</p>"),
        make("ct05", kind="directive", number="05", symbol="05-CT/TW", issued_on=dt.date(2016, 5, 15),
             title="Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
             summary="Học tập và làm theo Bác thành việc làm thường xuyên.",
             body="<p>Mỗi cán bộ, đảng viên đăng ký làm theo Bác.</p>"),
        make("kh02", kind="plan", issuer="provincial_committee", number="02", symbol="02-KH/TU",
             issued_on=dt.date(2023, 3, 2), title="Kế hoạch tổ chức hội nghị báo cáo viên quý II",
             summary="Hội nghị báo cáo viên trực tuyến kết hợp trực tiếp tới 40 điểm cầu.",
             body="<p>Nội dung có chuyên đề về phong cách Hồ Chí Minh & <i>ký hiệu</i> &lt;b&gt;.</p>"),
    ])


def pks(results: object) -> list[int]:
    return [doc.pk for doc in results]  # type: ignore[attr-defined]


@pytest.mark.smoke
def test_it_finds_tuyen_giao_without_diacritics(docs: dict[str, Document]) -> None:
    results = list(search_documents(Document.objects.all(), "tuyen giao"))
    assert [d.pk for d in results] == [docs["hd10"].pk]
    assert "<mark>Tuyên</mark> <mark>giáo</mark>" in results[0].snippet  # type: ignore[attr-defined]


@pytest.mark.smoke
def test_a_symbol_ranks_its_document_first(docs: dict[str, Document]) -> None:
    results = pks(search_documents(Document.objects.all(), "35-NQ"))
    assert results[0] == docs["nq35"].pk
    assert docs["hd10"].pk in results  # its body cites 35-NQ/TW


def test_nen_tang_tu_tuong_finds_the_resolution(docs: dict[str, Document]) -> None:
    results = list(search_documents(Document.objects.all(), "nen tang tu tuong"))
    assert pks(results) == [docs["nq35"].pk]
    assert results[0].rank > 0  # type: ignore[attr-defined]
    assert "<mark>nền</mark> <mark>tảng</mark> <mark>tư</mark> <mark>tưởng</mark>" in results[0].snippet  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", ["35-nq/tw", "35 - NQ", "35-NQ/TW", "NQ 35-NQ"])
def test_symbol_spellings(docs: dict[str, Document], query: str) -> None:
    assert pks(search_documents(Document.objects.all(), query))[0] == docs["nq35"].pk


def test_title_matches_rank_above_body_matches(docs: dict[str, Document]) -> None:
    results = pks(search_documents(Document.objects.all(), "phong cach Ho Chi Minh"))
    assert results == [docs["ct05"].pk, docs["kh02"].pk]


def test_typed_diacritics_and_case_do_not_matter(docs: dict[str, Document]) -> None:
    assert pks(search_documents(Document.objects.all(), "BÁO CÁO VIÊN"))[0] == docs["kh02"].pk
    assert pks(search_documents(Document.objects.all(), "dang"))  # "Đảng" folds to "dang"


def test_the_last_word_may_be_unfinished(docs: dict[str, Document]) -> None:
    assert pks(search_documents(Document.objects.all(), "bao ve nen ta")) == [docs["nq35"].pk]


def test_every_word_must_match(docs: dict[str, Document]) -> None:
    assert pks(search_documents(Document.objects.all(), "tuyen giao thu dong")) == []


def test_caller_filters_combine_with_search(docs: dict[str, Document]) -> None:
    base = Document.objects.filter(kind="plan", issued_on__year=2023)
    assert pks(search_documents(base, "Ho Chi Minh")) == [docs["kh02"].pk]
    assert pks(search_documents(Document.objects.all(), "Ho Chi Minh").filter(kind="directive")) == [
        docs["ct05"].pk
    ]


def test_an_empty_query_leaves_the_queryset_alone(docs: dict[str, Document]) -> None:
    qs = Document.objects.order_by("pk")
    assert search_documents(qs, "  ") is qs


def test_snippets_escape_html_and_mark_matches(docs: dict[str, Document]) -> None:
    [result] = list(search_documents(Document.objects.all(), "ky hieu"))
    snippet = result.snippet  # type: ignore[attr-defined]
    assert "<mark>ký</mark> <mark>hiệu</mark>" in snippet
    assert "&amp;" in snippet and "&lt;b&gt;" in snippet
    assert "<i>" not in snippet and "<b>" not in snippet


def test_highlight_cuts_a_long_text_around_the_first_match() -> None:
    text = "Mở đầu. " * 60 + "Đoạn nói về chuyển đổi số trong công tác tuyên giáo. " + "Kết thúc. " * 60
    snippet = highlight(text, Query("chuyen doi so").words)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark>" in snippet
    assert len(snippet) < 300


def test_python_ranking_agrees_with_the_database(docs: dict[str, Document]) -> None:
    """The SQLite path, run here on any database."""
    for query, first in [("tuyen giao", "hd10"), ("35-NQ", "nq35"), ("nen tang tu tuong", "nq35"),
                         ("phong cach Ho Chi Minh", "ct05")]:
        assert pks(search._python(Document.objects.all(), Query(query)))[0] == docs[first].pk
    assert pks(search._python(Document.objects.all(), Query("tuyen giao thu dong"))) == []


@ON_POSTGRES
def test_immutable_unaccent_folds_vietnamese() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT immutable_unaccent(lower('Tuyên giáo Đảng'))")
        assert cursor.fetchone() == ("tuyen giao dang",)


@ON_POSTGRES
def test_the_planner_can_use_the_search_indexes(docs: dict[str, Document]) -> None:
    sql, params = search_documents(Document.objects.all(), "nen tang tu tuong").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "documents_document_search" in plan
    assert "documents_document_title_trgm" in plan


@ON_POSTGRES
def test_index_expression_matches_the_query_expression() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('documents_document_search'::regclass)")
        definition = cursor.fetchone()[0]
    assert "immutable_unaccent" in definition and "setweight" in definition


@pytest.mark.parametrize("query", ["nghi quyet 35", "Nghị quyết số 35", "35", "NQ 35"])
def test_kind_and_number_find_a_document_whatever_its_title(docs: dict[str, Document], query: str) -> None:
    assert pks(search_documents(Document.objects.all(), query))[0] == docs["nq35"].pk
    assert pks(search._python(Document.objects.all(), Query(query)))[0] == docs["nq35"].pk


def test_the_migration_indexes_the_expression_the_search_queries() -> None:
    import importlib

    migration = importlib.import_module("tuyengiao.documents.migrations.0002_search")
    assert search.search_vector_sql() == migration.VECTOR


ODD = ["'; DROP TABLE documents_document; --", "a & b | !c :* ()", "%_\\", "<script>", "ky'hieu"]


@pytest.mark.parametrize("query", ODD)
def test_odd_queries_are_safe(docs: dict[str, Document], query: str) -> None:
    results = list(search_documents(Document.objects.all(), query))
    assert all("<script>" not in getattr(r, "snippet", "") for r in results)
    assert Document.objects.count() == 4


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.text(max_size=20))
def test_highlight_escapes_everything_but_its_marks(text: str, query: str) -> None:
    snippet = str(highlight(text, Query(query).words))
    bare = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in bare and ">" not in bare
    assert snippet.count("<mark>") == snippet.count("</mark>")


def test_only_the_last_word_highlights_as_a_prefix() -> None:
    assert highlight("Tư tưởng tuyên giáo", Query("tu tuo").words) == (
        "<mark>Tư</mark> <mark>tưởng</mark> tuyên giáo"
    )
