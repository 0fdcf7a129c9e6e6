"""A document's issuing unit and linked documents stay within the user's scope; a reference to a
document the reader may not open shows its text, not its id or link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.support.personas import api_client_for
from tuyengiao.core.exceptions import UserError
from tuyengiao.documents import services
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.linking import find_in_text, link_references
from tuyengiao.documents.models import Document

pytestmark = pytest.mark.django_db



def make_document(unit, **fields) -> Document:  # type: ignore[no-untyped-def]
    values = {
        "kind": DocumentKind.RESOLUTION,
        "issuer": Issuer.COMMUNE_COMMITTEE,
        "symbol": "04-NQ/ĐU",
        "issued_on": dt.date(2025, 3, 1),
        "unit": unit,
        "title": "Nghị quyết của Đảng ủy xã Tân Lập",
    }
    values.update(fields)
    document = Document(**values)
    services.save_document(document)
    return document


def test_it_refuses_an_issuing_unit_outside_the_users_scope_through_the_api(world: World) -> None:
    response = api_client_for(world.commune_officer).post(
        "/api/documents/",
        {
            "kind": "plan",
            "issuer": "commune_committee",
            "title": "Kế hoạch tuyên truyền",
            "unit": world.commune.pk,
            "issuer_unit": world.other_commune.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ngoài phạm vi" in response.json()["issuer_unit"][0]
    assert not Document.objects.filter(title="Kế hoạch tuyên truyền").exists()


def test_the_service_refuses_linking_a_document_the_user_cannot_read(world: World) -> None:
    hidden = make_document(world.other_commune)
    mine = Document(kind="plan", issuer="commune_committee", title="Kế hoạch", unit=world.commune)
    with pytest.raises(UserError) as refused:
        services.save_document(mine, user=world.commune_officer, related=[hidden])
    assert refused.value.field == "related" and mine.pk is None


def test_the_form_puts_the_refusal_beside_the_issuing_unit(client, world: World) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.commune_officer)
    response = client.post(
        reverse("documents:document_add"),
        {
            "unit": world.commune.pk,
            "kind": "plan",
            "issuer": "commune_committee",
            "title": "Kế hoạch",
            "issuer_unit": world.other_commune.pk,
        },
    )
    assert response.status_code == 200
    assert "issuer_unit" in response.context["form"].errors
    assert not Document.objects.filter(title="Kế hoạch").exists()


def test_a_reference_to_an_unreadable_document_shows_text_not_its_id(world: World) -> None:
    hidden = make_document(world.other_commune)
    source = make_document(
        world.province,
        kind=DocumentKind.REPORT,
        issuer=Issuer.PROVINCIAL_COMMITTEE,
        symbol="12-BC/TU",
        title="Báo cáo",
        body="<p>Theo Nghị quyết số 04-NQ/ĐU của Đảng ủy xã Tân Lập.</p>",
    )
    [stored] = link_references(source)
    assert stored.target_id == hidden.pk  # the registry knows the link
    body = api_client_for(world.commune_officer).get(f"/api/documents/{source.pk}/").json()
    assert [r["target"] for r in body["references"]] == [None]
    assert (
        api_client_for(world.other_commune_officer).get(f"/api/documents/{source.pk}/").json()["references"][0]["target"]
        == hidden.pk
    )
    page = _page(world, source)
    assert f"/documents/{hidden.pk}/" not in page and "04-NQ/ĐU" in page


def _page(world: World, document: Document) -> str:
    from django.test import Client

    client = Client()
    client.force_login(world.commune_officer)
    return client.get(document.get_absolute_url()).content.decode()


def test_linking_and_reading_name_the_same_document_for_the_same_sentence(world: World) -> None:
    """One resolver: what is stored for a body is what a reader's text resolves to."""
    resolution = make_document(
        world.province,
        issuer=Issuer.POLITBURO,
        symbol="35-NQ/TW",
        term="XII",
        title="Nghị quyết 35",
        issued_on=dt.date(2018, 10, 22),
    )
    make_document(
        world.province,
        issuer=Issuer.POLITBURO,
        symbol="35-NQ/TW",
        term="XI",
        title="Một bản trùng số",
        issued_on=dt.date(2012, 1, 1),
    )
    sentence = "Thực hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị."
    source = make_document(
        world.province,
        kind=DocumentKind.REPORT,
        issuer=Issuer.PROVINCIAL_COMMITTEE,
        symbol="13-BC/TU",
        title="Báo cáo",
        body=f"<p>{sentence}</p>",
    )
    [stored] = link_references(source)
    [(_found, read)] = find_in_text(sentence, Document.objects.all())
    assert stored.target == read == resolution
