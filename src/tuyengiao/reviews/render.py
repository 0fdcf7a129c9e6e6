"""The review as a Word file in the Party's document format (Hướng dẫn 36-HD/VPTW), and as PDF.

A4; Times New Roman; the two-column borderless header (superior committee and issuing board with
the number on the left, "ĐẢNG CỘNG SẢN VIỆT NAM" underlined with the place and date in italics on
the right); "BÁO CÁO" centred and bold with the summary line; body in 14 justified with a first-line
indent; parts "I-", sections "1.", "1.1."; page numbers from page 2; "Nơi nhận:" in 12 bottom left
beside the signature block. A board's own template (docxtpl) replaces the built-in layout.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from tuyengiao.core import narrative
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.html import plain_text
from tuyengiao.core.numbers import format_number

from . import charts
from .models import Review
from .services import blocks_of, kept_suggestions

FONT = "Times New Roman"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
PDF_PACKAGES = "libreoffice-writer-nogui fonts-liberation2"

Progress = Callable[[int, int], None]


# --- small helpers ------------------------------------------------------------------------------


def _font(run: Any, size: float | None = None, bold: bool | None = None, italic: bool | None = None,
          underline: bool | None = None) -> Any:
    """Times New Roman for every script on the run itself (a reader that ignores styles still sees it)."""
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in _FONT_ATTRS:
        fonts.set(attr, FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline
    return run


_FONT_ATTRS = tuple(qn(attr) for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"))


def _para(container: Any, text: str = "", size: float = 14, bold: bool = False, italic: bool = False,
          align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False, underline: bool = False,
          after: float = 6) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = Mm(12.7)
    if text:
        _font(paragraph.add_run(text), size, bold, italic, underline)
    return paragraph


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _cell_para(cell: _Cell, text: str, size: float, bold: bool = False, italic: bool = False,
               underline: bool = False, first: bool = False) -> Paragraph:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _font(paragraph.add_run(text), size, bold, italic, underline)
    return paragraph


def _page_number_header(section: Any) -> None:
    """Page numbers at the top centre from page 2 (the first page's header is empty)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _font(paragraph.add_run(), 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _widths(table: Any, widths: list[Any]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def display(value: str | None, kind: str = "count") -> str:
    if value is None:
        return "—"
    number = Decimal(value)
    return narrative.rate(number) if kind == "rate" else format_number(number)


# --- rich text of the sections --------------------------------------------------------------------


class _HtmlToDocx(HTMLParser):
    """Paragraphs and list items of a section's sanitised HTML as body paragraphs with their bold,
    italic and underline runs."""

    BLOCKS = {"p", "li", "h2", "h3", "h4", "blockquote", "div"}

    def __init__(self, document: Any) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph: Paragraph | None = None
        self.styles: dict[str, int] = {"b": 0, "i": 0, "u": 0}
        self.in_list = 0

    def _current(self) -> Paragraph:
        if self.paragraph is None:
            self.paragraph = _para(self.document, indent=True)
        return self.paragraph

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self.in_list += 1
        elif tag in self.BLOCKS:
            self.paragraph = _para(self.document, indent=True)
            if tag == "li":
                _font(self.paragraph.add_run("- "), 14)
        elif tag == "br":
            self._current().add_run().add_break()
        elif tag in ("strong", "b", "h3"):
            self.styles["b"] += 1
        elif tag in ("em", "i"):
            self.styles["i"] += 1
        elif tag == "u":
            self.styles["u"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.in_list -= 1
        elif tag in self.BLOCKS:
            self.paragraph = None
        elif tag in ("strong", "b", "h3"):
            self.styles["b"] = max(0, self.styles["b"] - 1)
        elif tag in ("em", "i"):
            self.styles["i"] = max(0, self.styles["i"] - 1)
        elif tag == "u":
            self.styles["u"] = max(0, self.styles["u"] - 1)

    def handle_data(self, data: str) -> None:
        if not data.strip() and self.paragraph is None:
            return
        _font(self._current().add_run(data), 14, bool(self.styles["b"]), bool(self.styles["i"]),
              bool(self.styles["u"]))


def add_html(document: Any, value: str) -> None:
    parser = _HtmlToDocx(document)
    parser.feed(value or "")
    parser.close()


# --- the built-in layout ----------------------------------------------------------------------------


def _setup(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_number_header(section)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.get_or_add_rPr()
    fonts = style.element.rPr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        style.element.rPr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def date_line(review: Review) -> str:
    day = review.issued_on
    if day is None:
        return _("%(place)s, day ... month ... year %(year)s") % {"place": review.place, "year": review.period_obj.year}
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": review.place, "day": f"{day.day:02d}", "month": f"{day.month:02d}" if day.month < 3 else day.month,
        "year": day.year,
    }


def _header(document: Any, review: Review, superior: str, issuer: str) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Mm(75), Mm(90)
    _cell_para(left, superior.upper(), 14, first=True)
    _cell_para(left, issuer.upper(), 14, bold=True)
    _cell_para(left, "*", 14)
    _cell_para(left, _("No. %(reference)s") % {"reference": review.reference}, 14)
    _cell_para(right, "ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True, underline=True, first=True)
    _cell_para(right, "", 8)
    _cell_para(right, date_line(review), 14, italic=True)


def _header_row(table: Any) -> None:
    """The first row repeats at the top of every page the table runs onto, and no row splits."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def _caption(document: Any, text: str) -> None:
    paragraph = _para(document, text, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.keep_with_next = True


def _rows(table: Any, rows: list[list[str]], size: float, aligns: list[Any], widths: list[Any]) -> None:
    """Body rows of a figure table: the first built cell by cell, the others copied from it with their
    texts replaced (building every cell through python-docx costs a second on a province's tables)."""
    if not rows:
        return
    cells = table.add_row().cells
    for cell, align, width in zip(cells, aligns, widths, strict=True):
        _cell_para(cell, "0", size, first=True).alignment = align
        cell.width = width
    template = table.rows[-1]._tr
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    template.get_or_add_trPr().append(cant_split)
    texts_of = [t for t in template.iter(qn("w:t"))]
    if len(texts_of) != len(aligns):  # one text per cell is what the copies rely on
        raise ValueError("figure table row")
    parent = template.getparent()
    for values in rows[1:]:
        row = copy.deepcopy(template)
        for node, value in zip(row.iter(qn("w:t")), values, strict=True):
            node.text = value
        parent.append(row)
    for node, value in zip(texts_of, rows[0], strict=True):
        node.text = value


def _figure_table(document: Any, review: Review) -> None:
    rows = [(code, f) for code, f in review.figures.items() if f.get("now") is not None]
    if not rows:
        return
    period = review.period_obj
    _caption(document, _("Table 1. Main figures of %(period)s") % {"period": period.label})
    header = [_("No."), _("Figure"), str(period.label), _("Same period last year"), str(period.previous.label),
              _("Plan")]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_para(cell, text, 12, bold=True, first=True)
    _header_row(table)
    body = [
        [str(number), fig["name"], display(fig["now"], fig["kind"]), display(fig["last_year"], fig["kind"]),
         display(fig["previous"], fig["kind"]), display(fig.get("plan"), fig["kind"])]
        for number, (_code, fig) in enumerate(rows, start=1)
    ]
    right = WD_ALIGN_PARAGRAPH.RIGHT
    widths = [Mm(11), Mm(64), Mm(22), Mm(22), Mm(22), Mm(22)]
    _widths(table, widths)
    _rows(table, body, 12, [WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, right, right, right, right], widths)
    _para(document, "", after=0)


def _children_table(document: Any, review: Review) -> None:
    children = review.children or {}
    rows = children.get("rows") or []
    codes = children.get("codes") or []
    if not rows or not codes:
        return
    kinds = {c: review.figures.get(c, {}).get("kind", "count") for c in codes}
    _caption(document, _("Table 2. Key figures of the units below"))
    table = document.add_table(rows=1, cols=len(codes) + 2)
    table.style = "Table Grid"
    header = [_("No."), _("Unit"), *[children["names"][c] for c in codes]]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_para(cell, text, 11, bold=True, first=True)
    _header_row(table)
    body = [[str(number), name, *[display(values.get(c), kinds[c]) for c in codes]]
            for number, (name, values) in enumerate(rows, start=1)]
    center = WD_ALIGN_PARAGRAPH.CENTER
    rest = (Mm(165) - Mm(11) - Mm(50)) // max(1, len(codes))
    widths = [Mm(11), Mm(50), *[rest] * len(codes)]
    _widths(table, widths)
    _rows(table, body, 11, [center, WD_ALIGN_PARAGRAPH.LEFT, *[center] * len(codes)], widths)
    _para(document, "", after=0)


def _charts(document: Any, review: Review) -> None:
    data = review.charts or {}
    images = [
        charts.trend(data.get("trend") or {}, _("Key rates over the last periods (%)")),
        charts.units(data.get("units") or {}, (data.get("units") or {}).get("name", "")),
    ]
    drawn = [image for image in images if image is not None]
    for number, image in enumerate(drawn, start=1):
        paragraph = _para(document, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(image), width=Mm(150))
        _para(document, _("Chart %(n)s") % {"n": number}, 12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _heading(document: Any, text: str, bold: bool = True, italic: bool = False) -> None:
    paragraph = _para(document, text, 14, bold=bold, italic=italic, indent=True)
    paragraph.paragraph_format.keep_with_next = True


def _signature(document: Any, review: Review) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    first = left.paragraphs[0]
    first.paragraph_format.space_after = Pt(0)
    _font(first.add_run(_("Recipients:")), 12, bold=True, italic=True)
    for line in [x.strip() for x in review.recipients.splitlines() if x.strip()]:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _font(paragraph.add_run(f"- {line.lstrip('- ')}"), 11)
    _cell_para(right, review.signer_line.upper(), 14, bold=True, first=True)
    _cell_para(right, review.signer_position.upper(), 14, bold=True)
    for _i in range(4):
        _cell_para(right, "", 14)
    _cell_para(right, review.signer_name, 14, bold=True)


def built_in(review: Review, superior: str, issuer: str, progress: Progress | None = None) -> bytes:
    document = Document()
    _setup(document)
    _header(document, review, superior, issuer)
    _para(document, "", after=6)
    _para(document, _("REPORT"), 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(document, review.title, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(document, "-----", 14, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    if progress:
        progress(1, 6)
    parts = [
        ("results", _("RESULTS ACHIEVED")),
        ("shortcomings", _("SHORTCOMINGS AND THEIR CAUSES")),
        ("lessons", _("LESSONS LEARNT")),
        ("directions", _("DIRECTIONS AND TASKS FOR THE NEXT PERIOD")),
    ]
    for index, (part, title) in enumerate(parts):
        _heading(document, f"{ROMAN[index]}- {title}")
        if part == "results":
            number, sub = 0, 0
            for block in blocks_of(review, "results"):
                if block["level"] == 1:
                    number, sub = number + 1, 0
                    _heading(document, f"{number}. {block['title']}")
                else:
                    sub += 1
                    _heading(document, f"{number}.{sub}. {block['title']}", bold=True, italic=True)
                add_html(document, block["html"])
            _figure_table(document, review)
            _children_table(document, review)
            _charts(document, review)
        elif part == "shortcomings":
            for position, text in enumerate(kept_suggestions(review), start=1):
                lead = narrative.sentence(narrative.ordinal(position))
                paragraph = _para(document, indent=True)
                _font(paragraph.add_run(lead.rstrip(".") + ", "), 14, italic=True)
                _font(paragraph.add_run(narrative.lower_first(text)), 14)
            for block in blocks_of(review, part):
                add_html(document, block["html"])
        else:
            for block in blocks_of(review, part):
                add_html(document, block["html"])
        if progress:
            progress(2 + index, 6)
    _para(document, "", after=6)
    _signature(document, review)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- a board's own template --------------------------------------------------------------------------

PLACEHOLDERS = {
    "so_hieu": "number and symbol (15-BC/BTGTU)", "cap_tren": "superior committee", "co_quan": "issuing board",
    "dia_danh_ngay": "place and date", "tieu_de": "summary line", "ky": "period (6 tháng đầu năm 2025)",
    "ket_qua": "part I as text", "han_che": "part II as text", "bai_hoc": "part III as text",
    "phuong_huong": "part IV as text", "so_lieu": "figures: list of {ten, ky_nay, cung_ky, ky_truoc, ke_hoach}",
    "noi_nhan": "recipients: list of lines", "ky_thay": "T/M or K/T line", "chuc_vu": "signer's position",
    "nguoi_ky": "signer's name",
}


def template_context(review: Review, superior: str, issuer: str) -> dict[str, Any]:
    def text(part: str) -> str:
        chunks = []
        for block in blocks_of(review, part):
            if block.get("title"):
                chunks.append(block["title"])
            chunks.append(plain_text(block["html"].replace("</p>", "</p>\n")))
        if part == "shortcomings":
            chunks = kept_suggestions(review) + chunks
        return "\n".join(c for c in chunks if c)

    return {
        "so_hieu": review.reference, "cap_tren": superior.upper(), "co_quan": issuer.upper(),
        "dia_danh_ngay": date_line(review), "tieu_de": review.title, "ky": narrative.period_label(review.period_obj),
        "ket_qua": text("results"), "han_che": text("shortcomings"), "bai_hoc": text("lessons"),
        "phuong_huong": text("directions"),
        "so_lieu": [
            {"ten": f["name"], "ky_nay": display(f["now"], f["kind"]), "cung_ky": display(f["last_year"], f["kind"]),
             "ky_truoc": display(f["previous"], f["kind"]), "ke_hoach": display(f.get("plan"), f["kind"])}
            for f in review.figures.values()
        ],
        "noi_nhan": [x.strip() for x in review.recipients.splitlines() if x.strip()],
        "ky_thay": review.signer_line.upper(), "chuc_vu": review.signer_position.upper(),
        "nguoi_ky": review.signer_name,
    }


def _broken_placeholder(data: bytes) -> str:
    """The first placeholder that jinja cannot read on its own ("{{ so_hieu" left open, "{{ a | }}"),
    as the board typed it."""
    from docx import Document as Reader
    from jinja2 import Environment, TemplateSyntaxError

    text = "\n".join(p.text for p in Reader(io.BytesIO(data)).paragraphs)
    env = Environment(autoescape=True)
    for match in re.finditer(r"\{\{.*?(?:\}\}|$)|\{%.*?(?:%\}|$)", text, flags=re.M):
        chunk = match.group(0)
        if chunk.startswith("{%"):
            continue  # blocks ("{% for %}") only parse with their closing tag
        try:
            env.parse(chunk)
        except TemplateSyntaxError:
            return chunk.strip()[:80]
    return ""


def check_template(data: bytes) -> None:
    """Refuse a template that cannot be filled, naming the placeholder that failed."""
    from docxtpl import DocxTemplate
    from jinja2 import TemplateSyntaxError

    try:
        template = DocxTemplate(io.BytesIO(data))
        names = template.get_undeclared_template_variables()
    except TemplateSyntaxError as exc:
        where = _broken_placeholder(data) or exc.message or ""  # jinja's own words when none stands out
        raise UserError(_("The template cannot be used: the placeholder “%(placeholder)s” is broken (%(reason)s).")
                        % {"placeholder": where, "reason": exc.message}, field="template") from exc
    except Exception as exc:  # not a Word file at all
        raise UserError(_("The template is not a Word (.docx) file."), field="template") from exc
    unknown = sorted(set(names) - set(PLACEHOLDERS))
    if unknown:
        raise UserError(
            _("The template cannot be used: the placeholder “%(placeholder)s” is unknown; use one of: %(known)s.")
            % {"placeholder": "{{ " + unknown[0] + " }}", "known": ", ".join(sorted(PLACEHOLDERS))},
            field="template",
        )


def from_template(data: bytes, review: Review, superior: str, issuer: str) -> bytes:
    from docxtpl import DocxTemplate

    check_template(data)
    template = DocxTemplate(io.BytesIO(data))
    template.render(template_context(review, superior, issuer))
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


# --- entry points -------------------------------------------------------------------------------------


def to_docx(review: Review, progress: Progress | None = None) -> bytes:
    from .services import settings_for

    doc = settings_for(review.unit)
    if doc.pk and doc.template:
        with doc.template.open("rb") as handle:
            return from_template(handle.read(), review, doc.superior, doc.issuer)
    return built_in(review, doc.superior, doc.issuer, progress)


def office() -> str | None:
    from .office import program

    return program()


def pdf_available() -> bool:
    return office() is not None


def to_pdf(docx: bytes) -> bytes:
    """Convert with LibreOffice in headless mode (see ``office``: an instance kept by the worker)."""
    from . import office as converter

    if office() is None:
        raise UserError(_("PDF export needs LibreOffice on the server: install the packages %(packages)s"
                          " (sudo apt-get install -y %(packages)s).") % {"packages": PDF_PACKAGES})
    try:
        return converter.convert(docx)
    except converter.ConversionFailed as exc:
        raise UserError(_("LibreOffice could not convert the review to PDF: %(error)s") % {"error": str(exc)}) from exc


def warm_up() -> None:
    """Load what the first rendering of a worker would wait for: the chart library and LibreOffice."""
    charts.load()
    if pdf_available():
        from . import office as converter

        converter.warm_up()


def latest_word(review: Review) -> bytes | None:
    """The Word file last made of the review, if nothing it shows has changed since (the review, its
    unit's document settings): a PDF asked for after the Word file is converted from that file."""
    from .models import DocumentSettings, JobStatus, ReviewJob

    if review.pk is None:
        return None
    since = review.updated_at
    settings_changed = DocumentSettings.objects.filter(unit=review.unit_id).values_list("updated_at", flat=True).first()
    if settings_changed is not None and since is not None:
        since = max(since, settings_changed)
    job = (ReviewJob.objects.filter(review=review, format="docx", status=JobStatus.DONE, created_at__gte=since)
           .exclude(file="").order_by("-created_at").first())
    if job is None:
        return None
    try:
        with job.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:  # cleaned up meanwhile
        return None


def render(review: Review, fmt: str, progress: Progress | None = None) -> bytes:
    if fmt not in ("docx", "pdf"):
        raise UserError(_("The format is docx or pdf, not “%(format)s”.") % {"format": fmt}, field="format")
    if fmt == "pdf":
        return to_pdf(latest_word(review) or to_docx(review, progress))
    return to_docx(review, progress)


def filename(review: Review, fmt: str) -> str:
    kind = "tong-ket" if review.is_annual else "so-ket"
    return f"bao-cao-{kind}-{review.unit.code}-{review.period}.{fmt}".replace("/", "-")


