"""Draft summaries pick whole sentences of the body, in order, within the asked length."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuyengiao.documents import summary
from tuyengiao.documents.summary import draft_summary, split_sentences

BODY = """
<h2>Kế hoạch học tập chuyên đề năm 2024</h2>
<p>Ban Thường vụ Tỉnh ủy ban hành kế hoạch học tập chuyên đề năm 2024 về xây dựng văn hóa trong Đảng.
Mục tiêu là nâng cao nhận thức của cán bộ, đảng viên về học tập và làm theo tư tưởng Hồ Chí Minh.
Phấn đấu 100% chi bộ tổ chức học tập và ít nhất 95% đảng viên tham gia trước ngày 30/6/2024.</p>
<p>Thời tiết hôm ấy khá đẹp. Hội trường được trang trí gọn gàng.
Các chi bộ báo cáo kết quả học tập chuyên đề về Ban Tuyên giáo Tỉnh ủy trước ngày 15/7/2024.
Ban Tuyên giáo Tỉnh ủy hướng dẫn nội dung, theo dõi và tổng hợp kết quả học tập chuyên đề.</p>
<p>Cán bộ, đảng viên đăng ký làm theo Bác gắn với nhiệm vụ được giao. Mọi người vui vẻ ra về.</p>
"""


def _sentences(text: str) -> list[str]:
    return split_sentences(text)


@pytest.mark.smoke
def test_summary_is_a_few_original_sentences_in_their_order() -> None:
    result = draft_summary(BODY, max_sentences=3)
    from tuyengiao.core.html import html_to_text

    original = split_sentences(html_to_text(BODY))
    chosen = split_sentences(result)
    assert len(chosen) == 3
    assert all(sentence in original for sentence in chosen)
    positions = [original.index(sentence) for sentence in chosen]
    assert positions == sorted(positions)
    assert "<" not in result


def test_summary_prefers_targets_and_central_sentences_over_small_talk() -> None:
    result = draft_summary(BODY, max_sentences=3)
    assert "100% chi bộ" in result
    assert "Thời tiết" not in result
    assert "vui vẻ" not in result


def test_summary_is_deterministic() -> None:
    assert draft_summary(BODY, 4) == draft_summary(BODY, 4)


def test_a_short_text_is_returned_whole() -> None:
    assert draft_summary("Chi bộ họp ngày 5/3. Đạt 98% đảng viên tham gia.", 5) == (
        "Chi bộ họp ngày 5/3. Đạt 98% đảng viên tham gia."
    )


@pytest.mark.parametrize("text", ["", "   ", "<p></p>"])
def test_empty_input_gives_an_empty_summary(text: str) -> None:
    assert draft_summary(text) == ""


def test_the_fallback_splitter_works_without_underthesea(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "_tools", lambda: (summary._fallback_sentences, summary._fallback_words))
    result = draft_summary(BODY, max_sentences=2)
    assert len(split_sentences(result)) == 2
    assert "Thời tiết" not in result


_SENTENCE = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(st.sampled_from(["chi bộ", "đảng viên", "học tập", "nghị quyết", "đạt", "95%", "tuyên truyền",
                              "năm 2024", "cơ sở", "mô hình", "làm theo Bác"]), min_size=3, max_size=12),
    st.sampled_from([".", "!", "?"]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=25), st.integers(min_value=1, max_value=6))
def test_length_bound_and_subset_hold_for_any_text(sentences: list[str], limit: int) -> None:
    text = " ".join(sentences)
    result = draft_summary(text, max_sentences=limit)
    original = _sentences(text)
    chosen = _sentences(result)
    assert 1 <= len(chosen) <= limit
    assert len(result) <= len(text)
    assert all(sentence in original for sentence in chosen)


@pytest.mark.django_db
def test_a_draft_fills_an_empty_summary_and_is_marked_as_draft(world: object) -> None:
    from tuyengiao.documents.models import Document
    from tuyengiao.documents.summary import apply_draft_summary

    document = Document(owner=world.province, kind="plan", issuer="provincial_committee",  # type: ignore[attr-defined]
                        title="Kế hoạch", body=BODY)
    assert apply_draft_summary(document, 2)
    assert document.summary_is_draft and len(split_sentences(document.summary)) == 2
    document.summary, document.summary_is_draft = "Tóm tắt do cán bộ viết.", False
    assert not apply_draft_summary(document)
    assert document.summary == "Tóm tắt do cán bộ viết."
