"""The document registry: symbols kept as typed and flagged, sanitised text, scoped pages and API,
attachments checked by their content."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import World
from tuyengiao.core.exceptions import UserError
from tuyengiao.documents import services
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.linking import find_in_text
from tuyengiao.documents.models import Attachment, Document, DocumentReference, WorkField
from tuyengiao.documents.references import format_symbol, parse_symbol


def make_document(unit, **fields) -> Document:  # type: ignore[no-untyped-def]
    values = {
        "kind": DocumentKind.RESOLUTION,
        "issuer": Issuer.POLITBURO,
        "symbol": "35-NQ/TW",
        "term": "XII",
        "issued_on": dt.date(2018, 10, 22),
        "unit": unit,
        "title": "Nghị quyết về tăng cường bảo vệ nền tảng tư tưởng của Đảng",
    }
    values.update(fields)
    document = Document(**values)
    services.save_document(document)
    return document


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("symbol", "number", "kind", "issuer"),
    [
        ("35-NQ/TW", "35", "NQ", "TW"),
        ("01-KL/TW", "01", "KL", "TW"),
        ("10-HD/BTGDVTU", "10", "HD", "BTGDVTU"),
        ("  05 - CT / TW ", "05", "CT", "TW"),
    ],
)
def test_it_reads_party_symbols(symbol: str, number: str, kind: str, issuer: str) -> None:
    parsed = parse_symbol(symbol)
    assert parsed.valid
    assert (parsed.number, parsed.kind, parsed.issuer) == (number, kind, issuer)
    assert parsed.formatted == f"{number}-{kind}/{issuer}"


def test_it_formats_symbols_the_party_way() -> None:
    assert format_symbol("01", DocumentKind.CONCLUSION, "TW") == "01-KL/TW"
    assert format_symbol("10", DocumentKind.GUIDANCE, "BTGDVTU") == "10-HD/BTGDVTU"


@pytest.mark.smoke
def test_it_keeps_a_malformed_symbol_as_typed_and_flags_it(world: World) -> None:
    document = make_document(
        world.province, symbol="KH 07/TU", kind=DocumentKind.PLAN, issuer=Issuer.PROVINCIAL_COMMITTEE, term=""
    )
    document.refresh_from_db()
    assert document.symbol == "KH 07/TU"
    assert document.number == ""
    assert document.symbol_is_valid is False


def test_it_fills_the_number_from_a_good_symbol(world: World) -> None:
    document = make_document(world.province)
    assert document.number == "35"
    assert document.symbol_is_valid is True


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"number": "3a5"}, "số nguyên"),
        ({"number": "36"}, "khác"),
        ({"kind": DocumentKind.DIRECTIVE}, "loại văn bản"),
        ({"symbol": "35-NQ/TU"}, "/TW"),
        ({"term": "12"}, "La Mã"),
    ],
)
def test_it_flags_numbers_that_do_not_agree(world: World, fields: dict, reason: str) -> None:
    values = {
        "kind": DocumentKind.RESOLUTION,
        "number": "",
        "symbol": "35-NQ/TW",
        "issuer": Issuer.POLITBURO,
        "term": "XII",
    }
    values.update(fields)
    problems = services.symbol_problems(**values)
    assert problems and any(reason in p for p in problems)


@pytest.mark.smoke
def test_it_removes_scripts_from_every_text(world: World) -> None:
    document = make_document(
        world.province,
        title="Nghị quyết <script>alert(1)</script>mới",
        body='<p onclick="steal()">Nội dung <strong>chính</strong></p><script>alert(2)</script>'
        '<a href="javascript:alert(3)">x</a><img src=x onerror=alert(4)>',
        summary="<b>Tóm tắt</b> <script>alert(5)</script>ngắn",
    )
    document.refresh_from_db()
    assert "script" not in document.title and "alert" not in document.title
    assert "<script" not in document.body and "onclick" not in document.body
    assert "javascript:" not in document.body and "onerror" not in document.body
    assert "<strong>chính</strong>" in document.body
    assert document.summary == "Tóm tắt ngắn"


def test_the_detail_page_never_runs_typed_html(client, world: World) -> None:  # type: ignore[no-untyped-def]
    document = make_document(world.province, title="a &lt;script&gt;alert(1)&lt;/script&gt; b")
    client.force_login(world.province_admin)
    response = client.get(reverse("documents:document_detail", args=[document.pk]))
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content


def test_a_commune_reads_the_provinces_documents_but_not_a_neighbours(client, world: World) -> None:  # type: ignore[no-untyped-def]
    provincial = make_document(world.province)
    neighbour = make_document(
        world.other_commune,
        symbol="04-NQ/ĐU",
        issuer=Issuer.COMMUNE_COMMITTEE,
        title="Nghị quyết của xã Tân Lập",
        term="",
    )
    client.force_login(world.commune_officer)
    assert client.get(reverse("documents:document_detail", args=[provincial.pk])).status_code == 200
    assert client.get(reverse("documents:document_detail", args=[neighbour.pk])).status_code == 404
    listing = client.get(reverse("documents:document_list")).content.decode()
    assert "bảo vệ nền tảng tư tưởng" in listing and "xã Tân Lập" not in listing
    assert client.get(reverse("documents:document_edit", args=[provincial.pk])).status_code == 403


@pytest.mark.smoke
def test_the_api_hides_other_units_documents(client, world: World) -> None:  # type: ignore[no-untyped-def]
    neighbour = make_document(
        world.other_commune,
        symbol="",
        issuer=Issuer.COMMUNE_COMMITTEE,
        title="Kế hoạch của xã Tân Lập",
        kind=DocumentKind.PLAN,
        term="",
    )
    client.force_login(world.commune_officer)
    assert client.get(f"/api/documents/{neighbour.pk}/").status_code == 404
    ids = (
        [row["id"] for row in client.get("/api/documents/").json()["results"]]
        if isinstance(client.get("/api/documents/").json(), dict)
        else [row["id"] for row in client.get("/api/documents/").json()]
    )
    assert neighbour.pk not in ids


def test_the_api_searches_without_accents(client, world: World) -> None:  # type: ignore[no-untyped-def]
    wanted = make_document(world.province)
    make_document(world.province, symbol="23-NQ/TW", title="Nghị quyết về văn học, nghệ thuật", term="X")
    client.force_login(world.province_admin)
    data = client.get("/api/documents/", {"q": "nen tang tu tuong"}).json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["id"] for r in rows] == [wanted.pk]


def test_the_list_filters_by_kind_year_and_field(client, world: World) -> None:  # type: ignore[no-untyped-def]
    services.ensure_work_fields()
    arts = WorkField.objects.get(code="culture_arts")
    make_document(world.province)
    literature = make_document(
        world.province,
        symbol="23-NQ/TW",
        title="Nghị quyết về văn học, nghệ thuật",
        term="X",
        issued_on=dt.date(2008, 6, 16),
    )
    literature.work_fields.add(arts)
    client.force_login(world.province_admin)
    page = client.get(reverse("documents:document_list"), {"year": 2008}).content.decode()
    assert "văn học" in page and "nền tảng" not in page
    page = client.get(reverse("documents:document_list"), {"field": "culture_arts"}).content.decode()
    assert "văn học" in page and "nền tảng" not in page


def test_an_officer_registers_a_document_for_their_unit_only(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    form = {
        "unit": world.commune.pk,
        "kind": DocumentKind.PLAN,
        "symbol": "03-KH/ĐU",
        "issuer": Issuer.COMMUNE_COMMITTEE,
        "issued_on": "2026-03-02",
        "title": "Kế hoạch học tập Nghị quyết 35",
        "body": "<p>Nội dung</p>",
        "summary": "Tóm tắt",
    }
    response = client.post(reverse("documents:document_add"), form)
    assert response.status_code == 302
    document = Document.objects.get(title="Kế hoạch học tập Nghị quyết 35")
    assert document.unit == world.commune and document.summary_is_draft is False
    form["unit"] = world.other_commune.pk
    form["title"] = "Kế hoạch của xã khác"
    response = client.post(reverse("documents:document_add"), form)
    assert response.status_code == 200  # the other commune is not a choice
    assert not Document.objects.filter(title="Kế hoạch của xã khác").exists()


# --- attachments ------------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n0000", "image/png"),
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
    ],
)
def test_it_accepts_files_by_their_content(
    world: World, data: bytes, content_type: str, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    document = make_document(world.province)
    attachment = services.add_attachment(document, SimpleUploadedFile("../../etc/passwd .exe", data))
    assert attachment.content_type == content_type
    assert ".." not in attachment.file.name and "passwd" not in attachment.file.name
    assert attachment.original_name == "passwd .exe"


def test_it_recognises_a_word_file(world: World, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    attachment = services.add_attachment(
        make_document(world.province), SimpleUploadedFile("nq.docx", _docx())
    )
    assert attachment.content_type.endswith("wordprocessingml.document")
    assert attachment.file.name.endswith(".docx")


@pytest.mark.smoke
def test_it_refuses_a_file_whose_content_is_not_allowed(world: World, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    document = make_document(world.province)
    with pytest.raises(UserError) as refused:
        services.add_attachment(document, SimpleUploadedFile("nghi-quyet.pdf", b"<html><script>x</script>"))
    assert "nghi-quyet.pdf" in refused.value.message
    assert not Attachment.objects.exists()


def test_it_refuses_an_oversized_file(world: World, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    document = make_document(world.province)
    big = SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(UserError) as refused:
        services.add_attachment(document, big)
    assert "20" in refused.value.message and "lon.pdf" in refused.value.message
    assert not Attachment.objects.exists()


def test_the_page_shows_the_refusal_and_outsiders_cannot_download(
    client, world: World, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    document = make_document(world.commune, issuer=Issuer.COMMUNE_COMMITTEE, symbol="", term="")
    client.force_login(world.commune_officer)
    url = reverse("documents:attachment_add", args=[document.pk])
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00binary")}, follow=True)
    assert "a.pdf" in response.content.decode()
    assert not Attachment.objects.exists()
    client.post(url, {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 ok")})
    attachment = Attachment.objects.get()
    download = reverse("documents:attachment_download", args=[document.pk, attachment.pk])
    assert client.get(download).status_code == 200
    client.force_login(world.other_commune_officer)
    assert client.get(download).status_code == 404


def test_the_search_box_answers_with_a_fragment_for_htmx(client, world: World) -> None:  # type: ignore[no-untyped-def]
    make_document(world.province)
    client.force_login(world.member)
    response = client.get(reverse("documents:document_list"), {"q": "35-NQ"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "35-NQ/TW" in body


def test_a_summary_typed_by_a_person_is_not_a_draft(world: World) -> None:
    document = make_document(
        world.province, summary="Bảo vệ nền tảng tư tưởng là trách nhiệm của mỗi đảng viên."
    )
    assert document.summary_is_draft is False
    document.summary_is_draft = True
    services.save_document(document)
    assert document.summary_is_draft is False


def test_found_references_resolve_to_readable_documents(world: World) -> None:
    resolution = make_document(world.province)
    congress = make_document(
        world.province,
        symbol="",
        issuer=Issuer.NATIONAL_CONGRESS,
        term="XIII",
        title="Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII",
    )
    neighbour = make_document(
        world.other_commune,
        symbol="04-NQ/ĐU",
        issuer=Issuer.COMMUNE_COMMITTEE,
        term="",
        title="Nghị quyết của xã Tân Lập",
    )
    readable = services.visible_documents(world.commune_officer)

    def linked(sentence: str) -> Document | None:
        [(_found, document)] = find_in_text(sentence, readable)
        return document

    assert linked("Thực hiện Nghị quyết số 35-NQ/TW của Bộ Chính trị.") == resolution
    assert linked("Thực hiện Nghị quyết 35 (khóa XII).") == resolution
    assert linked("Quán triệt Nghị quyết Đại hội XIII của Đảng.") == congress
    assert linked("Theo Nghị quyết 04-NQ/ĐU của Đảng ủy xã.") is None
    assert neighbour.pk not in readable.values_list("pk", flat=True)


def test_unresolved_references_are_listed_for_the_board(client, world: World) -> None:  # type: ignore[no-untyped-def]
    source = make_document(world.province)
    hidden = make_document(
        world.other_commune,
        symbol="",
        issuer=Issuer.COMMUNE_COMMITTEE,
        term="",
        title="Kế hoạch xã Tân Lập",
        kind=DocumentKind.PLAN,
    )
    DocumentReference.objects.create(
        source=source,
        text="Chỉ thị số 42-CT/TW",
        start=0,
        end=19,
        kind=DocumentKind.DIRECTIVE,
        number="42",
        symbol="CT/TW",
    )
    DocumentReference.objects.create(
        source=source,
        target=source,
        text="Nghị quyết 35-NQ/TW",
        start=30,
        end=49,
        kind=DocumentKind.RESOLUTION,
        number="35",
        symbol="NQ/TW",
    )
    DocumentReference.objects.create(
        source=hidden,
        text="Quy định 99-QĐ/ĐU",
        start=0,
        end=17,
        kind=DocumentKind.REGULATION,
        number="99",
        symbol="QĐ/ĐU",
    )
    client.force_login(world.commune_officer)
    page = client.get(reverse("documents:unresolved_references")).content.decode()
    assert "Chỉ thị số 42-CT/TW" in page
    assert "Nghị quyết 35-NQ/TW" not in page and "99-QĐ/ĐU" not in page
    detail = client.get(reverse("documents:document_detail", args=[source.pk])).content.decode()
    assert "Chỉ thị số 42-CT/TW" in detail


def test_the_api_registers_a_document_flagging_a_malformed_symbol(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    body = {
        "kind": "plan",
        "symbol": "KH-03/ĐU",
        "issuer": "commune_committee",
        "title": "Kế hoạch <b>học tập</b>",
        "unit": world.commune.pk,
        "issued_on": "2026-03-02",
        "work_fields": ["ideology"],
    }
    response = client.post("/api/documents/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["symbol"] == "KH-03/ĐU" and data["symbol_is_valid"] is False
    assert data["title"] == "Kế hoạch học tập" and data["work_fields"] == ["ideology"]
    body["unit"] = world.other_commune.pk
    assert client.post("/api/documents/", body, content_type="application/json").status_code == 403
