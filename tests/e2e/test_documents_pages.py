"""The document pages in a real browser: accent-free search, reading a document, scope, safe text."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.conftest import World, build_world
from tests.e2e.conftest import fits_a_phone
from tuyengiao.documents import services
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.models import Document

pytestmark = pytest.mark.e2e

# Every link, button, field and disclosure a thumb may need on a phone.
def make(unit, **fields) -> Document:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {"kind": DocumentKind.RESOLUTION, "issuer": Issuer.POLITBURO, "unit": unit}
    values.update(fields)
    document = Document(**values)
    services.save_document(document)
    return document


class Docs:
    def __init__(self, world: World) -> None:
        self.world = world
        self.nq35 = make(
            world.province, number="35", symbol="35-NQ/TW", term="XII", issued_on=dt.date(2018, 10, 22),
            title="Nghị quyết về tăng cường bảo vệ nền tảng tư tưởng của Đảng",
            summary="Mỗi đảng viên là một chiến sĩ bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng.",
            body="<p>Bộ Chính trị yêu cầu các cấp ủy chủ động đấu tranh, phản bác các quan điểm sai trái.</p>",
        )
        self.hd10 = make(
            world.province, kind=DocumentKind.GUIDANCE, issuer=Issuer.BOARD, number="10",
            symbol="10-HD/BTGDVTU", issued_on=dt.date(2026, 2, 25),
            title="Hướng dẫn học tập các văn bản của năm 2026",
            summary="Các chi bộ học tập lại văn bản trước 31/5/2026; mỗi đảng viên viết cam kết.",
            body="<p>Tiếp tục thực hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị (khóa XII)"
                 " về tăng cường bảo vệ nền tảng tư tưởng của Đảng.</p>",
        )
        self.ct05 = make(
            world.province, kind=DocumentKind.DIRECTIVE, number="05", symbol="05-CT/TW",
            issued_on=dt.date(2016, 5, 15),
            title="Chỉ thị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            summary="Học tập và làm theo Bác thành việc làm thường xuyên.",
        )
        self.neighbour = make(
            world.other_commune, kind=DocumentKind.PLAN, issuer=Issuer.COMMUNE_COMMITTEE, number="03",
            symbol="03-KH/ĐU", issued_on=dt.date(2026, 3, 1),
            title="Kế hoạch tuyên truyền của xã Tân Lập",
        )


@pytest.fixture
def docs(transactional_db: None) -> Docs:
    return Docs(build_world())


@pytest.mark.parametrize(
    ("query", "first", "marked"),
    [("nen tang tu tuong", "nq35", ["nền", "tảng", "tư", "tưởng"]), ("35-NQ", "nq35", None)],
)
def test_search_without_diacritics_puts_the_right_document_first_on_a_phone(  # type: ignore[no-untyped-def]
    phone_page, login, docs: Docs, query: str, first: str, marked: list[str] | None
) -> None:
    page = phone_page
    login(page, docs.world.commune_officer)
    page.goto("/documents/")
    rows = page.locator("[data-testid=document-row]")
    # Newest first before searching: the guidance of 2026 heads the list.
    expect(rows.first).to_contain_text(docs.hd10.title)
    page.locator("#id_q").press_sequentially(query)  # typed, not submitted: results follow the typing
    expect(rows.first).to_contain_text(getattr(docs, first).title)
    assert docs.ct05.title not in page.locator("#document-results").inner_text()
    assert docs.neighbour.title not in page.locator("#document-results").inner_text()
    snippets = page.locator("[data-testid=document-row] .snippet mark").all_inner_texts()
    assert snippets, "the matching words are highlighted"
    if marked:
        first_marks = [m.lower() for m in rows.first.locator(".snippet mark").all_inner_texts()]
        assert set(marked) <= set(first_marks)
    else:
        assert any("35" in m for m in snippets)
    assert "q=" in page.url  # the search can be shared or reloaded
    fits_a_phone(page)


def test_search_on_a_desktop_shows_a_table_with_all_columns(page, login, docs: Docs) -> None:  # type: ignore[no-untyped-def]
    login(page, docs.world.commune_officer)
    page.goto("/documents/?q=35-NQ")
    table = page.locator("table[data-testid=documents]")
    assert table.locator("thead").is_visible()
    assert "Cơ quan ban hành" in table.locator("thead").inner_text()
    first = table.locator("tbody tr").first
    assert first.locator("td").first.inner_text().strip() == "35-NQ/TW"
    assert "22/10/2018" in first.inner_text()
    assert page.locator("[data-testid=document-row]").count() == 2  # the resolution and the guidance citing it


def test_an_officer_reads_a_documents_summary_and_follows_its_references(phone_page, login, docs: Docs) -> None:  # type: ignore[no-untyped-def]
    page = phone_page
    login(page, docs.world.commune_officer)
    page.goto("/documents/?q=huong+dan+hoc+tap")
    page.get_by_role("link", name=docs.hd10.title).click()
    page.wait_for_url(f"**/documents/{docs.hd10.pk}/")
    assert page.locator("h1").inner_text() == docs.hd10.title
    assert "Số 10-HD/BTGDVTU" in page.locator("[data-testid=symbol]").inner_text()
    assert "25/02/2026" in page.locator("hgroup").inner_text()
    assert "viết cam kết" in page.locator("[data-testid=summary]").inner_text()
    references = page.locator("[data-testid=references]")
    assert "35-NQ/TW" in references.inner_text()
    fits_a_phone(page)
    references.get_by_role("link").first.click()
    page.wait_for_url(f"**/documents/{docs.nq35.pk}/")
    assert page.locator("h1").inner_text() == docs.nq35.title
    # The resolution knows which registered documents cite it.
    assert docs.hd10.title in page.locator("[data-testid=cited-by]").inner_text()


def test_a_commune_officer_gets_404_for_another_communes_document(page, login, docs: Docs) -> None:  # type: ignore[no-untyped-def]
    login(page, docs.world.commune_officer)
    assert page.goto(f"/documents/{docs.nq35.pk}/").status == 200
    assert page.goto(f"/documents/{docs.neighbour.pk}/").status == 404
    assert page.goto(f"/documents/{docs.neighbour.pk}/edit/").status == 404


@pytest.mark.parametrize("width", [390, 1280])
def test_the_document_form_fits_and_takes_vietnamese_dates(page_at, login, docs: Docs,  # type: ignore[no-untyped-def]
                                                          width: int) -> None:
    page = page_at(width)
    login(page, docs.world.province_admin)
    page.goto("/documents/new/")
    page.select_option("#id_kind", "guidance")
    page.select_option("#id_issuer", "board")
    page.fill("#id_symbol", "12-HD/BTGDVTU")
    page.fill("#id_issued_on", "28/12/2022")
    page.fill("#id_title", "Hướng dẫn tuyên truyền cuối năm")
    page.fill("#id_summary", "Tóm tắt.")
    if width == 390:
        fits_a_phone(page)
    page.click("main form button[type=submit]")
    page.wait_for_selector("h1")
    saved = Document.objects.get(symbol="12-HD/BTGDVTU")
    assert saved.issued_on == dt.date(2022, 12, 28)
    assert "28/12/2022" in page.locator("hgroup").inner_text()
    page.goto(f"/documents/{saved.pk}/edit/")
    assert page.input_value("#id_issued_on") == "28/12/2022"


def test_html_typed_into_a_document_is_not_executed(page, login, docs: Docs) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, docs.world.province_admin)
    page.goto("/documents/new/")
    page.select_option("#id_kind", "guidance")
    page.select_option("#id_issuer", "board")
    page.fill("#id_title", "Hướng dẫn <script>alert('tieu-de')</script><img src=x onerror=alert('anh')>")
    page.fill("#id_body", "<p>Nội dung <b>chính</b></p><script>alert('toan-van')</script>"
                          "<img src=x onerror=\"alert('onerror')\"><a href=\"javascript:alert('link')\">bấm</a>")
    page.fill("#id_summary", "Tóm tắt <script>alert('tom-tat')</script>")
    page.click("main form button[type=submit]")
    page.wait_for_selector("[data-testid=summary]")
    page.click("main details summary")  # open the full text
    page.get_by_text("bấm").click()
    page.goto("/documents/?q=huong+dan")
    page.wait_for_load_state("networkidle")
    assert dialogs == []
    document = Document.objects.latest("pk")
    page.goto(f"/documents/{document.pk}/")
    main = page.locator("main")
    assert main.locator("script").count() == 0
    assert main.locator("[onerror]").count() == 0
    assert main.locator("a[href^=javascript]").count() == 0
    assert page.locator("[data-testid=body] b").text_content() == "chính"  # harmless markup is kept
    # Tags typed into plain-text fields are dropped; what remains is shown as text.
    assert page.locator("h1").inner_text() == "Hướng dẫn"
    assert page.locator("[data-testid=summary]").inner_text() == "Tóm tắt"
    assert "alert" not in page.locator("main").inner_text()
    assert dialogs == []
