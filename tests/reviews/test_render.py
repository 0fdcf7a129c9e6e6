"""The Word file read back (A4, margins, fonts, header, numbering, tables), its PDF, and templates."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.utils import translation
from docx import Document
from docx.shared import Mm, Pt

from tests.reviews.conftest import Filled
from tuyengiao.core.exceptions import UserError
from tuyengiao.reviews import render, services
from tuyengiao.reviews.models import DocumentSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        yield


@pytest.fixture
def review(filled: Filled):  # type: ignore[no-untyped-def]
    w = filled.world
    DocumentSettings.objects.create(
        unit=w.province, superior="Tỉnh ủy Hòa An", issuer="Ban Tuyên giáo", symbol="BTGTU", place="Hòa An",
        signer_line="K/T Trưởng ban", signer_position="Phó Trưởng ban", signer_name="Nguyễn Văn An",
        recipients="Thường trực Tỉnh ủy (để b/c)\nLưu VP",
    )
    review = services.create(w.province_admin, w.province, "2025S1")
    review = services.edit(w.province_admin, review, blocks={"lessons": "<p>Một là, <strong>đoàn kết</strong>.</p>"})
    return services.finalise(w.province_admin, review, issued_on=dt.date(2025, 7, 5))


def _mm(length) -> float:  # type: ignore[no-untyped-def]
    return round(length / Mm(1), 1)


def test_the_word_file_follows_the_partys_document_format(review) -> None:  # type: ignore[no-untyped-def]
    document = Document(io.BytesIO(render.to_docx(review)))
    section = document.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210, 297)
    assert 20 <= _mm(section.top_margin) <= 25 and 20 <= _mm(section.bottom_margin) <= 25
    assert 30 <= _mm(section.left_margin) <= 35 and 15 <= _mm(section.right_margin) <= 20
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size == Pt(14)

    header = document.tables[0]
    left, right = (cell.paragraphs for cell in header.rows[0].cells)
    assert [p.text for p in left] == ["TỈNH ỦY HÒA AN", "BAN TUYÊN GIÁO", "*", "Số 01-BC/BTGTU"]
    assert left[1].runs[0].bold and not left[0].runs[0].bold
    assert right[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right[0].runs[0].bold and right[0].runs[0].underline and right[0].runs[0].font.size == Pt(15)
    date = next(p for p in right if p.text.startswith("Hòa An"))
    assert date.text == "Hòa An, ngày 05 tháng 7 năm 2025" and date.runs[0].italic
    assert 'w:val="nil"' in header._tbl.xml  # borderless

    texts = [p.text for p in document.paragraphs]
    title = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
    assert title.alignment == 1 and title.runs[0].bold and title.runs[0].font.size == Pt(16)
    assert "Sơ kết công tác tuyên giáo 6 tháng đầu năm 2025" in texts
    headings = [t for t in texts if re.match(r"^(I|II|III|IV)- ", t)]
    assert headings == ["I- KẾT QUẢ ĐẠT ĐƯỢC", "II- HẠN CHẾ, NGUYÊN NHÂN", "III- BÀI HỌC KINH NGHIỆM",
                        "IV- PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"]
    assert "1. Kết quả trên các lĩnh vực công tác" in texts and "1.1. Học tập, quán triệt" in texts
    body = next(p for p in document.paragraphs if p.text.startswith("Trong 6 tháng đầu năm 2025"))
    assert body.alignment == 3 and body.paragraph_format.first_line_indent is not None
    assert all(r.font.name == "Times New Roman" and r.font.size == Pt(14) for r in body.runs)
    bold = next(p for p in document.paragraphs if p.text.startswith("Một là"))
    assert [r.bold for r in bold.runs] == [False, True, False]

    figures = document.tables[1]
    assert figures.rows[0].cells[1].text == "Chỉ tiêu"
    assert "w:tblHeader" in figures.rows[0]._tr.xml  # repeated on every page the table runs onto
    assert all("w:cantSplit" in row._tr.xml for row in figures.rows[1:])
    sessions = next(r for r in figures.rows if r.cells[1].text == "Số buổi học tập, quán triệt")
    assert [c.text for c in sessions.cells[2:4]] == ["18", "6"]
    children = document.tables[2]
    assert children.rows[1].cells[1].text == "Đảng bộ huyện Đông Sơn"

    signature = document.tables[-1]
    recipients, signer = signature.rows[0].cells
    assert recipients.paragraphs[0].text == "Nơi nhận:" and recipients.paragraphs[0].runs[0].font.size == Pt(12)
    assert [p.text for p in recipients.paragraphs[1:]] == ["- Thường trực Tỉnh ủy (để b/c)", "- Lưu VP"]
    assert signer.paragraphs[0].text == "K/T TRƯỞNG BAN" and signer.paragraphs[-1].text == "Nguyễn Văn An"
    assert len(document.inline_shapes) >= 1  # the charts


@pytest.mark.skipif(not render.pdf_available(), reason="LibreOffice is not installed")
def test_the_pdf_has_pages(review) -> None:  # type: ignore[no-untyped-def]
    data = render.render(review, "pdf")
    assert data.startswith(b"%PDF")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.pdf"
        path.write_bytes(data)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 2
    assert "(A4)" in info


def _template(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_boards_own_template_is_filled(review) -> None:  # type: ignore[no-untyped-def]
    data = render.from_template(_template("{{ co_quan }}", "Số {{ so_hieu }}", "{{ dia_danh_ngay }}",
                                          "{{ ket_qua }}", "{{ nguoi_ky }}"), review, "Tỉnh ủy Hòa An", "Ban Tuyên giáo")
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert texts[:3] == ["BAN TUYÊN GIÁO", "Số 01-BC/BTGTU", "Hòa An, ngày 05 tháng 7 năm 2025"]
    assert "18 buổi học tập" in texts[3] and texts[-1] == "Nguyễn Văn An"


@pytest.mark.parametrize(("line", "named"), [
    ("Số {{ so_hieu ", "{{ so_hieu"),
    ("{{ so_hieu }} {{ nguoi_ki }}", "{{ nguoi_ki }}"),
    ("{{ ket_qua | }}", "{{ ket_qua | }}"),
])
def test_a_broken_template_is_refused_naming_the_placeholder(line: str, named: str) -> None:
    with pytest.raises(UserError) as refused:
        render.check_template(_template("Báo cáo", line))
    assert named in refused.value.message and refused.value.field == "template"


def test_a_file_that_is_not_word_is_refused() -> None:
    with pytest.raises(UserError, match="Word"):
        render.check_template(b"not a docx")
