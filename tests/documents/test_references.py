"""The reference parser finds Party documents in Vietnamese text and links them to the registry."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import World
from tuyengiao.core.html import html_to_text
from tuyengiao.documents.linking import link_references, resolve
from tuyengiao.documents.models import Document, DocumentReference
from tuyengiao.documents.references import (
    FoundReference,
    find_references,
    issuer_code,
)


def only(text: str) -> FoundReference:
    found = find_references(text)
    assert len(found) == 1, found
    assert text[found[0].start:found[0].end] == found[0].text
    return found[0]


# --- The shapes the issue names ------------------------------------------------------------


@pytest.mark.smoke
def test_it_reads_a_full_citation_with_number_symbol_date_and_issuer() -> None:
    text = "Cần quán triệt Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị về bảo vệ nền tảng."
    ref = only(text)
    assert ref.text == "Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị"
    assert (ref.kind, ref.number, ref.symbol, ref.issuer) == ("resolution", "35", "NQ/TW", "Bộ Chính trị")
    assert ref.date == dt.date(2018, 10, 22)
    assert ref.term is None


def test_it_reads_a_conclusion_without_so() -> None:
    ref = only("Chi bộ đã học Kết luận 01-KL/TW trong quý II.")
    assert (ref.kind, ref.number, ref.symbol, ref.text) == ("conclusion", "01", "KL/TW", "Kết luận 01-KL/TW")


def test_it_reads_a_directive_named_by_number_and_issuer_only() -> None:
    ref = only("Tiếp tục thực hiện Chỉ thị 05 của Bộ Chính trị trong toàn Đảng bộ.")
    assert (ref.kind, ref.number, ref.symbol, ref.issuer) == ("directive", "05", None, "Bộ Chính trị")
    assert ref.text == "Chỉ thị 05 của Bộ Chính trị"


@pytest.mark.parametrize("text", [
    "Nghị quyết Trung ương 4 (khóa XII) về xây dựng Đảng",
    "Nghị quyết Trung ương 4 khoá XII về xây dựng Đảng",
    "Nghị quyết Hội nghị Trung ương 4 khóa XII về xây dựng Đảng",
    "Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XII về xây dựng Đảng",
])
def test_it_reads_a_plenum_resolution(text: str) -> None:
    ref = only(text)
    assert (ref.kind, ref.number, ref.term, ref.plenum) == ("resolution", None, "XII", 4)
    assert ref.issuer == "Ban Chấp hành Trung ương"
    assert ref.text.endswith("XII") or ref.text.endswith("XII)")


@pytest.mark.parametrize("text", [
    "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII",
    "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
    "Nghị quyết Đại hội XIII của Đảng",
    "Nghị quyết Đại hội toàn quốc lần thứ XIII của Đảng",
    "Nghị quyết Đại hội Đảng lần thứ 13",
])
def test_it_reads_the_national_congress_resolution(text: str) -> None:
    ref = only(f"Tuyên truyền {text} tới mọi chi bộ.")
    assert (ref.kind, ref.issuer, ref.term) == ("resolution", "Đại hội đại biểu toàn quốc", "XIII")
    assert ref.text == text


def test_it_reads_a_provincial_congress_resolution_with_its_own_ordinal() -> None:
    ref = only("Sơ kết giữa nhiệm kỳ Nghị quyết Đại hội Đảng bộ tỉnh Hòa An lần thứ XVI, "
               "nhiệm kỳ 2020 - 2025.")
    assert ref.issuer == "Đại hội Đảng bộ tỉnh Hòa An"
    assert ref.term == "XVI"


def test_it_reads_a_provincial_resolution() -> None:
    ref = only("Kết quả 3 năm thực hiện Nghị quyết 04 của Tỉnh ủy về chuyển đổi số.")
    assert (ref.kind, ref.number, ref.issuer) == ("resolution", "04", "Tỉnh ủy")
    assert issuer_code(ref.issuer) == "provincial_committee"


def test_it_reads_term_after_issuer_in_parentheses() -> None:
    text = "Theo Nghị quyết 23-NQ/TW, ngày 16/6/2008 của Bộ Chính trị (Khóa X) về văn học, nghệ thuật"
    ref = only(text)
    assert ref.text == "Nghị quyết 23-NQ/TW, ngày 16/6/2008 của Bộ Chính trị (Khóa X)"
    assert (ref.number, ref.symbol, ref.term, ref.date) == ("23", "NQ/TW", "X", dt.date(2008, 6, 16))


@pytest.mark.parametrize(("text", "kind", "number", "symbol"), [
    ("Quy định số 124-QĐ/TW", "regulation", "124", "QĐ/TW"),
    ("Hướng dẫn số 10-HD/BTGDVTU", "guidance", "10", "HD/BTGDVTU"),
    ("Kế hoạch số 15-KH/TU", "plan", "15", "KH/TU"),
    ("Thông báo số 27-TB/TU", "notice", "27", "TB/TU"),
    ("Công văn số 318-CV/BTGTU", "official_letter", "318", "CV/BTGTU"),
    ("Báo cáo số 92-BC/HU", "report", "92", "BC/HU"),
])
def test_it_reads_every_kind_by_its_noun(text: str, kind: str, number: str, symbol: str) -> None:
    ref = only(f"Căn cứ {text}, Ban Tuyên giáo xây dựng lịch.")
    assert (ref.text, ref.kind, ref.number, ref.symbol) == (text, kind, number, symbol)


@pytest.mark.parametrize(("text", "kind"), [
    ("35-NQ/TW", "resolution"), ("05-CT/TW", "directive"), ("01-KL/TW", "conclusion"),
    ("124-QĐ/TW", "regulation"), ("10-HD/BTGDVTU", "guidance"), ("15-KH/TU", "plan"),
    ("92-BC/HU", "report"), ("27-TB/TU", "notice"), ("318-CV/BTGTU", "official_letter"),
])
def test_a_bare_symbol_gives_the_kind_by_its_letters(text: str, kind: str) -> None:
    ref = only(f"tinh thần văn bản {text} đã được phổ biến")
    assert (ref.text, ref.kind, ref.number) == (text, kind, text.split("-")[0])


# --- Variants ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Nghị quyết số 35-NQ/TW",
    "Nghị quyết 35-NQ/TW",
    "Nghị quyết số 35 - NQ/TW",
    "Nghị quyết số 35-NQ / TW",
    "Nghị quyết số 35 – NQ/TW",
    "nghị quyết số 35-NQ/TW",
    "NGHỊ QUYẾT SỐ 35-NQ/TW",
    "Nghi quyet so 35-NQ/TW",
    "Nghị quyết số: 35-NQ/TW",
])
def test_spacing_case_and_so_variants_read_the_same(text: str) -> None:
    ref = only(f"Học tập {text} của Bộ Chính trị.")
    assert (ref.kind, ref.number, ref.symbol, ref.issuer) == ("resolution", "35", "NQ/TW", "Bộ Chính trị")
    assert ref.text == f"{text} của Bộ Chính trị"


@pytest.mark.parametrize("text", [
    "Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị",
    "Nghị quyết số 35-NQ/TW của Bộ Chính trị ngày 22/10/2018",
    "Nghị quyết số 35-NQ/TW của Bộ Chính trị, ngày 22/10/2018",
    "Nghị quyết số 35-NQ/TW ngày 22 tháng 10 năm 2018 của Bộ Chính trị",
    "Nghị quyết số 35-NQ/TW của Bộ Chính trị (ngày 22-10-2018)",
    "Nghị quyết số 35-NQ/TW, ngày 22.10.2018, của Bộ Chính trị",
    "Nghị quyết số 35-NQ/TW của Bộ Chính trị khóa XII ngày 22/10/2018",
])
def test_issuer_and_date_in_either_order(text: str) -> None:
    ref = only(f"Triển khai {text} về bảo vệ nền tảng tư tưởng.")
    assert ref.text == text
    assert (ref.issuer, ref.date) == ("Bộ Chính trị", dt.date(2018, 10, 22))


@pytest.mark.parametrize("term_word", ["khóa", "khoá", "Khóa", "KHÓA"])
def test_both_spellings_of_khoa(term_word: str) -> None:
    assert only(f"Nghị quyết Trung ương 4 {term_word} XII").term == "XII"


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_decomposed_unicode_keeps_offsets_into_the_original(form: str) -> None:
    citation = "Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị khoá XII"
    base = f"Ở xã, {citation} được quán triệt; Chỉ thị 05 của Ban Bí thư."
    text = unicodedata.normalize(form, base)
    found = find_references(text)
    assert [r.kind for r in found] == ["resolution", "directive"]
    for ref in found:
        assert text[ref.start:ref.end] == ref.text
    assert unicodedata.normalize("NFC", found[0].text) == citation
    assert found[0].issuer == "Bộ Chính trị"
    assert found[1].issuer == "Ban Bí thư"


def test_several_references_in_one_sentence_and_a_list_of_symbols() -> None:
    text = ("Bám sát Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị, Kết luận số 01-KL/TW và các "
            "Nghị quyết 35-NQ/TW, 36-NQ/TW; Hướng dẫn 10-HD/BTGDVTU của Ban Tuyên giáo và Dân vận Tỉnh ủy.")
    found = find_references(text)
    assert [(r.number, r.symbol) for r in found] == [
        ("05", "CT/TW"), ("01", "KL/TW"), ("35", "NQ/TW"), ("36", "NQ/TW"), ("10", "HD/BTGDVTU"),
    ]
    assert found[0].date == dt.date(2016, 5, 15)
    assert found[-1].issuer == "Ban Tuyên giáo và Dân vận Tỉnh ủy"
    assert all(text[r.start:r.end] == r.text for r in found)


def test_issuer_names_keep_the_place() -> None:
    ref = only("Kế hoạch số 15-KH/TU ngày 3/4/2023 của Ban Thường vụ Tỉnh ủy Hòa An về học tập")
    assert ref.issuer == "Ban Thường vụ Tỉnh ủy Hòa An"
    assert issuer_code(ref.issuer) == "provincial_committee"


def test_issuer_before_the_number() -> None:
    ref = only("Chỉ thị của Ban Bí thư số 05-CT/TW ngày 15/5/2016")
    assert (ref.issuer, ref.number, ref.date) == ("Ban Bí thư", "05", dt.date(2016, 5, 15))


def test_a_truncated_symbol_is_kept_as_typed() -> None:
    ref = only("việc thực hiện Kết luận số 01-KL/T và Chuyên đề năm 2023")
    assert (ref.number, ref.symbol) == ("01", "KL/T")


def test_an_impossible_date_is_not_guessed() -> None:
    ref = only("Nghị quyết số 35-NQ/TW ngày 31/02/2018 của Bộ Chính trị")
    assert ref.date is None
    assert ref.issuer == "Bộ Chính trị"


# --- What is not a reference --------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize("text", [
    "Các chi bộ đưa nghị quyết của Đảng vào cuộc sống.",
    "quán triệt các chỉ thị, nghị quyết của Trung ương, của Tỉnh ủy",
    "Thực hiện Nghị định số 15/2020/NĐ-CP của Chính phủ.",
    "Nghị quyết số 01/NQ-CP về nhiệm vụ, giải pháp chủ yếu.",
    "Nghị quyết 20 của Chính phủ về phát triển.",
    "Nghị quyết số 12/2021/NQ-HĐND của Hội đồng nhân dân tỉnh.",
    "Đồng chí phát biểu kết luận hội nghị.",
    "Hội nghị đã kết luận 2 vấn đề lớn, lập kế hoạch 2023 và quy định 3 năm một lần.",
    "Báo cáo 6 tháng đầu năm 2023 và thông báo 2 lần mỗi quý.",
    "Đại hội đại biểu toàn quốc lần thứ XIII của Đảng thành công tốt đẹp.",
    "Giai đoạn 2021-2025, tỷ lệ đạt 97,5%.",
    "Nghị quyết Trung ương năm 2018 được tổng kết.",
])
def test_it_finds_nothing_where_no_party_document_is_named(text: str) -> None:
    assert find_references(text) == []


def test_a_state_decree_next_to_a_party_resolution_is_skipped() -> None:
    found = find_references("Nghị định 15/2020/NĐ-CP và Nghị quyết 35-NQ/TW")
    assert [r.text for r in found] == ["Nghị quyết 35-NQ/TW"]


# --- Properties ---------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "Nghị quyết", "nghị quyết", "số", " ", "  ", "35", "-", "NQ/TW", "KL/TW", "ngày", "22/10/2018", "của",
    "Bộ Chính trị", "Tỉnh ủy", "khóa", "khoá", "XII", "(", ")", ",", "Trung ương", "4", "Đại hội",
    "lần thứ", "XIII", "\u0301", "\u0323", "đ", "\n", "Chỉ thị", "05", "tháng", "năm", "2018", "Đảng bộ",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_spans_index_the_original_text_for_citation_like_noise(text: str) -> None:
    previous_end = 0
    for ref in find_references(text):
        assert text[ref.start:ref.end] == ref.text
        assert 0 <= ref.start < ref.end <= len(text)
        assert ref.start >= previous_end
        previous_end = ref.end
        assert ref.kind in {"resolution", "directive", "conclusion", "regulation", "guidance", "plan",
                            "report", "notice", "official_letter"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_and_spans_hold(text: str) -> None:
    for ref in find_references(text):
        assert text[ref.start:ref.end] == ref.text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_a_citation_is_found_whatever_surrounds_it(before: str, after: str) -> None:
    citation = "Nghị quyết số 35-NQ/TW"
    text = f"{before} {citation} .{after}"
    found = [r for r in find_references(text) if r.symbol == "NQ/TW" and r.number == "35"]
    assert found
    assert all(text[r.start:r.end] == r.text for r in found)


# --- HTML -----------------------------------------------------------------------------------


def test_html_is_reduced_to_plain_text_without_scripts() -> None:
    html = "<h2>Căn cứ</h2><p>Nghị quyết&nbsp;số <b>35-NQ/TW</b> &amp; <script>alert(1)</script>khác</p>"
    text = html_to_text(html)
    assert "alert" not in text and "<" not in text
    assert text.startswith("Căn cứ\n")
    assert "35-NQ/TW &" in text


def test_plain_text_is_left_as_is() -> None:
    assert html_to_text("a  b\n\nc") == "a  b\n\nc"


# --- Registry -------------------------------------------------------------------------------


def _doc(world: World, **fields: object) -> Document:
    defaults: dict[str, object] = {"owner": world.province, "title": "Văn bản", "issuer": "politburo"}
    defaults.update(fields)
    return Document.objects.create(**defaults)


Registry = dict[str, Document]
REGISTRY: dict[str, dict[str, object]] = {
    "nq35": {"kind": "resolution", "number": "35", "symbol": "35-NQ/TW", "term": "XII",
             "issued_on": dt.date(2018, 10, 22), "title": "Về tăng cường bảo vệ nền tảng tư tưởng của Đảng"},
    "ct05": {"kind": "directive", "number": "05", "symbol": "05-CT/TW", "term": "XII",
             "issued_on": dt.date(2016, 5, 15), "title": "Về đẩy mạnh học tập và làm theo Bác"},
    "kl01": {"kind": "conclusion", "number": "01", "symbol": "01-KL/TW", "term": "XIII",
             "issued_on": dt.date(2021, 5, 18), "title": "Về tiếp tục thực hiện Chỉ thị 05"},
    "nq23": {"kind": "resolution", "number": "23", "symbol": "23-NQ/TW", "term": "X",
             "issued_on": dt.date(2008, 6, 16), "title": "Về văn học, nghệ thuật"},
    "tw4": {"kind": "resolution", "number": "04", "symbol": "04-NQ/TW", "issuer": "central_committee",
            "term": "XII", "issued_on": dt.date(2016, 10, 30),
            "title": "Nghị quyết Hội nghị Trung ương 4 khóa XII về xây dựng, chỉnh đốn Đảng"},
    "dh13": {"kind": "resolution", "issuer": "national_congress", "term": "XIII",
             "issued_on": dt.date(2021, 2, 1), "title": "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII"},
    "tu04": {"kind": "resolution", "number": "04", "symbol": "04-NQ/TU", "issuer": "provincial_committee",
             "issued_on": dt.date(2021, 3, 1), "title": "Về chuyển đổi số"},
}


@pytest.fixture
def registry(world: World) -> Registry:
    return {key: _doc(world, **fields) for key, fields in REGISTRY.items()}


@pytest.mark.django_db
@pytest.mark.smoke
@pytest.mark.parametrize(("text", "key"), [
    ("Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị", "nq35"),
    ("nghị quyết 35 - NQ / TW", "nq35"),
    ("Kết luận 01-KL/TW", "kl01"),
    ("Chỉ thị 05 của Bộ Chính trị", "ct05"),
    ("Nghị quyết Trung ương 4 (khóa XII)", "tw4"),
    ("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII", "dh13"),
    ("Nghị quyết Đại hội XIII của Đảng", "dh13"),
    ("Nghị quyết 04 của Tỉnh ủy", "tu04"),
    ("Nghị quyết 23-NQ/TW, ngày 16/6/2008 của Bộ Chính trị (Khóa X)", "nq23"),
    ("5-CT/TW", "ct05"),
])
def test_references_resolve_to_the_registry(registry: Registry, text: str, key: str) -> None:
    assert resolve(only(text)) == registry[key]


@pytest.mark.django_db
@pytest.mark.parametrize("text", [
    "Nghị quyết số 35-NQ/TW ngày 23/10/2018 của Bộ Chính trị",  # wrong date
    "Nghị quyết 35-NQ/TW của Tỉnh ủy",  # wrong issuer
    "Nghị quyết 04",  # central 04-NQ/TW or provincial 04-NQ/TU: ambiguous
    "Nghị quyết 36-NQ/TW",  # not in the registry
    "Nghị quyết 35-NQ/TW khóa XI",  # wrong term
    "Chỉ thị 35",  # a resolution has that number, not a directive
    "Nghị quyết Trung ương 7 khóa X",
    "Nghị quyết Trung ương khóa XII",  # the registry holds one resolution of term XII, but a term has many
    "Nghị quyết Trung ương 6 khóa XII",  # a plenum the registry does not have
])
def test_doubtful_references_stay_unresolved(registry: Registry, text: str) -> None:
    assert resolve(only(text)) is None


@pytest.mark.django_db
def test_plenum_number_chooses_between_resolutions_of_one_term(registry: Registry, world: World) -> None:
    tw5 = _doc(world, kind="resolution", number="10", symbol="10-NQ/TW", issuer="central_committee",
               term="XII", title="Nghị quyết Hội nghị Trung ương 5 khóa XII về kinh tế tư nhân")
    assert resolve(only("Nghị quyết Trung ương 4 khóa XII")) == registry["tw4"]
    assert resolve(only("Nghị quyết Trung ương 5 khóa XII")) == tw5
    assert resolve(only("Nghị quyết Trung ương khóa XII")) is None


@pytest.mark.django_db
def test_link_references_rebuilds_rows_with_plain_text_offsets(registry: Registry, world: World) -> None:
    guidance = _doc(world, kind="guidance", number="10", symbol="10-HD/BTGDVTU", issuer="board",
                    title="Hướng dẫn học tập",
                    body="<p>Số 10-HD/BTGDVTU</p><p>Căn cứ <b>Nghị quyết số 35-NQ/TW</b> của Bộ Chính trị và "
                         "Kết luận 99-KL/TW; Chỉ thị 05 của Bộ Chính trị.</p>")
    rows = link_references(guidance)
    plain = html_to_text(guidance.body)
    stored = list(DocumentReference.objects.filter(source=guidance).order_by("start"))
    assert [r.text for r in stored] == [
        "Nghị quyết số 35-NQ/TW của Bộ Chính trị", "Kết luận 99-KL/TW", "Chỉ thị 05 của Bộ Chính trị",
    ]
    assert [r.target for r in stored] == [registry["nq35"], None, registry["ct05"]]
    assert all(plain[r.start:r.end] == r.text for r in stored)
    assert stored[1].number == "99" and stored[1].symbol == "KL/TW"
    assert len(rows) == 3
    guidance.body = "<p>Không còn trích dẫn.</p>"
    guidance.save()
    link_references(guidance)
    assert not DocumentReference.objects.filter(source=guidance).exists()


# --- Command --------------------------------------------------------------------------------

TEXT = ("\ufeffBáo cáo: thực hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị\r\n"
        "và Kết luận 01-KL/TW; Nghị quyết Trung ương 4 (khóa XII).\n")
ROOT = Path(__file__).resolve().parents[2]
KEYS = ["text", "start", "end", "kind", "number", "symbol", "issuer", "term", "date", "document_id"]


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.mark.django_db
@pytest.mark.smoke
def test_command_prints_one_json_object_per_reference(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    out = io.StringIO()
    call_command("find_references", str(path), stdout=out)
    assert "\\u" not in out.getvalue()  # Vietnamese printed as is
    lines = _lines(out.getvalue())
    assert [list(line) for line in lines] == [KEYS] * 3
    text = TEXT.removeprefix("\ufeff")
    for line in lines:
        assert text[line["start"]:line["end"]] == line["text"]  # type: ignore[index,misc]
    assert lines[0] == {
        "text": "Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị", "start": 19, "end": 74,
        "kind": "resolution", "number": "35", "symbol": "NQ/TW", "issuer": "Bộ Chính trị", "term": None,
        "date": "2018-10-22", "document_id": registry["nq35"].pk,
    }
    assert lines[1]["document_id"] == registry["kl01"].pk
    assert lines[2]["term"] == "XII" and lines[2]["document_id"] == registry["tw4"].pk


@pytest.mark.django_db
def test_command_reads_standard_input(registry: Registry) -> None:
    out = io.StringIO()
    call_command("find_references", "-", stdin=io.StringIO(TEXT), stdout=out)
    lines = _lines(out.getvalue())
    assert [line["symbol"] for line in lines] == ["NQ/TW", "KL/TW", None]
    assert lines[0]["start"] == 19


@pytest.mark.django_db
def test_command_without_registry_rows_prints_null_ids(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("Chỉ thị 05 của Bộ Chính trị", encoding="utf-8")
    out = io.StringIO()
    call_command("find_references", str(path), stdout=out)
    assert _lines(out.getvalue()) == [{
        "text": "Chỉ thị 05 của Bộ Chính trị", "start": 0, "end": 27, "kind": "directive", "number": "05",
        "symbol": None, "issuer": "Bộ Chính trị", "term": None, "date": None, "document_id": None,
    }]


@pytest.mark.parametrize("database", ["unreachable", "unmigrated"])
def test_command_works_without_a_usable_database(tmp_path: Path, database: str) -> None:
    """Run as a user would, against a server that is down or an empty SQLite file."""
    env = dict(os.environ, TUYENGIAO_VAR_DIR=str(tmp_path), PYTHONIOENCODING="utf-8")
    if database == "unreachable":
        env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/none?connect_timeout=2"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "find_references", "-"],
        input="Kết luận 01-KL/TW và Chỉ thị 05 của Bộ Chính trị".encode(), capture_output=True,
        env=env, cwd=ROOT, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    lines = _lines(result.stdout.decode("utf-8"))
    assert [line["number"] for line in lines] == ["01", "05"]
    assert [line["document_id"] for line in lines] == [None, None]


def test_command_refuses_a_missing_file(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("find_references", str(tmp_path / "absent.txt"), no_resolve=True)


# --- More shapes ----------------------------------------------------------------------------


def test_a_notice_of_conclusion_is_a_notice() -> None:
    ref = only("Thông báo kết luận số 12-TB/TW ngày 3/3/2023 của Ban Bí thư về công tác tuyên giáo")
    assert (ref.kind, ref.number, ref.symbol, ref.issuer) == ("notice", "12", "TB/TW", "Ban Bí thư")


def test_a_party_decision_is_filed_with_its_qd_symbol() -> None:
    text = "Quyết định số 99-QĐ/TW của Ban Bí thư"
    ref = only(text)
    assert (ref.kind, ref.symbol, ref.text) == ("regulation", "QĐ/TW", text)
    assert find_references("Ban Thường vụ đã quyết định 2 việc.") == []


def test_issued_by_and_issued_on_phrasing() -> None:
    ref = only("Nghị quyết số 35-NQ/TW do Bộ Chính trị ban hành ngày 22/10/2018 về bảo vệ nền tảng")
    assert ref.text == "Nghị quyết số 35-NQ/TW do Bộ Chính trị ban hành ngày 22/10/2018"
    assert (ref.issuer, ref.date) == ("Bộ Chính trị", dt.date(2018, 10, 22))


def test_a_conclusion_of_a_plenum_keeps_plenum_and_term() -> None:
    ref = only("Kết luận số 21-KL/TW ngày 25/10/2021 Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng "
               "khóa XIII")
    assert (ref.number, ref.symbol, ref.term, ref.plenum) == ("21", "KL/TW", "XIII", 4)
    assert ref.date == dt.date(2021, 10, 25)


@pytest.mark.django_db
def test_a_local_congress_resolution_resolves_by_title_and_term(world: World) -> None:
    congress = _doc(world, kind="resolution", issuer="provincial_committee", term="XVI",
                    title="Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XVI")
    _doc(world, kind="resolution", issuer="provincial_committee", term="XV",
         title="Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XV")
    assert resolve(only("Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVI")) == congress
    assert resolve(only("Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVII")) is None


@pytest.mark.django_db
def test_unresolved_references_are_listed_for_the_board(registry: Registry, world: World) -> None:
    from tuyengiao.documents.linking import unresolved_references

    first = _doc(world, kind="report", title="Báo cáo quý I",
                 body="<p>Theo Kết luận 99-KL/TW và Nghị quyết 35-NQ/TW.</p>")
    second = _doc(world, kind="report", title="Báo cáo quý II", body="<p>Kết luận 99-KL/TW tiếp tục.</p>")
    link_references(first)
    link_references(second)
    [row] = unresolved_references(Document.objects.all())
    assert (row["kind"], row["number"], row["symbol"], row["count"], row["sources"]) == (
        "conclusion", "99", "KL/TW", 2, 2,
    )


def test_the_nq_abbreviation_names_a_resolution() -> None:
    found = find_references("Thực hiện NQ 35 và NQ Trung ương 4 khóa XII")
    assert [(r.kind, r.number, r.plenum) for r in found] == [
        ("resolution", "35", None), ("resolution", None, 4),
    ]


@pytest.mark.parametrize(("text", "span"), [
    ("Kết luận 01-KL/TW, Trung ương yêu cầu sơ kết.", "Kết luận 01-KL/TW"),
    ("Thực hiện Chỉ thị 05-CT/TW, Tỉnh ủy đã chỉ đạo.", "Chỉ thị 05-CT/TW"),
])
def test_a_body_named_after_a_comma_is_not_the_issuer(text: str, span: str) -> None:
    ref = only(text)
    assert (ref.text, ref.issuer) == (span, None)
