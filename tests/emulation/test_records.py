"""Practice models, exemplars and commendations: saved in scope, photos checked, figures derived."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import World
from tests.emulation.conftest import make_contest, score_all
from tests.support.personas import client_for
from tuyengiao.core import providers
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.periods import Period
from tuyengiao.core.review_sections import ReviewContext, all_sections
from tuyengiao.emulation import services
from tuyengiao.emulation.models import Commendation, Exemplar, ModelStatus, Photo, PracticeModel

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
       b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def model(world: World, unit, name: str, day: dt.date, status: str = ModelStatus.ACTIVE, field: str = "follow_ho"):  # type: ignore[no-untyped-def]
    return services.save_record(world.province_admin, PracticeModel(
        unit=unit, name=name, started_on=day, status=status, field=field))


def compute(code: str, period: str) -> dict[int, Decimal]:
    element = providers.get(code)
    assert element is not None, code
    return element.compute(None, Period.parse(period))


def test_a_commendation_names_its_recipient(world: World) -> None:
    with pytest.raises(UserError) as caught:
        services.save_record(world.province_admin, Commendation(
            unit=world.province, form="merit", issuer="board", awarded_on=dt.date(2026, 3, 1)))
    assert caught.value.field == "recipient_name" and "Người được khen" in caught.value.message
    assert not Commendation.objects.exists()


def test_records_are_saved_only_in_the_users_units(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.save_record(world.commune_officer, PracticeModel(
            unit=world.other_commune, name="Mô hình", started_on=dt.date(2026, 1, 1)))
    with pytest.raises(UserError) as caught:
        services.save_record(world.commune_officer, PracticeModel(
            unit=world.commune, name="Mô hình", started_on=dt.date(2026, 1, 1)), replicated_to=[world.other_commune])
    assert caught.value.field == "replicated_to"
    assert not PracticeModel.objects.exists()


def test_other_units_records_answer_404_for_reads_and_writes(world: World) -> None:
    theirs = model(world, world.other_commune, "Mô hình của xã Tân Lập", dt.date(2026, 2, 1))
    client = client_for(world.commune_officer)
    for name in ("record_detail", "record_edit"):
        assert client.get(reverse(f"emulation:{name}", args=["models", theirs.pk])).status_code == 404
    assert client.post(reverse("emulation:record_edit", args=["models", theirs.pk]), {}).status_code == 404
    assert client.post(reverse("emulation:photo_add", args=["models", theirs.pk]), {}).status_code == 404
    listing = client.get(reverse("emulation:record_list", args=["models"])).content.decode()
    assert "Mô hình của xã Tân Lập" not in listing
    export = client.get(reverse("emulation:record_export", args=["models"]))
    assert export.status_code == 200 and "Tân Lập".encode() not in export.content


def test_photos_are_checked_by_content_and_size(world: World) -> None:
    mine = model(world, world.commune, "Mô hình dân vận khéo", dt.date(2026, 2, 1))
    client = client_for(world.commune_officer)
    url = reverse("emulation:photo_add", args=["models", mine.pk])
    fake = SimpleUploadedFile("anh.png", b"<script>alert(1)</script>", content_type="image/png")
    client.post(url, {"image": fake, "caption": "giả"})
    assert not Photo.objects.exists()
    big = SimpleUploadedFile("lon.jpg", b"\xff\xd8\xff" + b"0" * (services.MAX_PHOTO_BYTES + 1), content_type="image/jpeg")
    with pytest.raises(UserError):
        services.add_photo(world.commune_officer, mine, big)
    client.post(url, {"image": SimpleUploadedFile("that.png", PNG, content_type="image/png"), "caption": "Ảnh"})
    photo = Photo.objects.get()
    assert photo.content_type == "image/png" and photo.size == len(PNG)
    shown = client.get(reverse("emulation:photo_view", args=["models", mine.pk, photo.pk]))
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == PNG  # type: ignore[attr-defined]
    other = client_for(world.other_commune_officer)
    assert other.get(reverse("emulation:photo_view", args=["models", mine.pk, photo.pk])).status_code == 404


def test_providers_equal_the_records(world: World) -> None:
    model(world, world.commune, "Mô hình 1", dt.date(2026, 2, 1))
    model(world, world.commune, "Mô hình 2", dt.date(2026, 8, 1), field="culture")
    model(world, world.cell, "Mô hình 3", dt.date(2025, 5, 1), status=ModelStatus.STOPPED)
    model(world, world.province, "Mô hình 4", dt.date(2025, 5, 1))
    for day in (dt.date(2026, 3, 1), dt.date(2026, 5, 19)):
        services.save_record(world.province_admin, Exemplar(unit=world.commune, name="Nguyễn Văn A",
                                                            achievement="Gương mẫu", honoured_on=day))
    services.save_record(world.province_admin, Commendation(
        unit=world.province, form="merit", issuer="peoples_committee", recipient_unit=world.commune,
        awarded_on=dt.date(2026, 5, 19)))
    services.save_record(world.province_admin, Commendation(
        unit=world.province, form="commendation", issuer="board", recipient_name="Trần Thị B",
        awarded_on=dt.date(2026, 5, 19)))
    p, c = world.province.pk, world.commune.pk
    assert compute("TD_MO_HINH_MOI", "2026") == {c: 2}
    assert compute("TD_MO_HINH_MOI_VAN_HOA", "2026") == {c: 1}
    assert compute("TD_MO_HINH_DUY_TRI", "2026S1") == {c: 1, p: 1}
    assert compute("TD_MO_HINH_NHAN_RONG", "2026S1") == {}
    PracticeModel.objects.filter(name="Mô hình 4").update(status=ModelStatus.REPLICATED)
    assert compute("TD_MO_HINH_NHAN_RONG", "2026S1") == {p: 1}
    assert compute("TD_MO_HINH_NHAN_RONG", "2024") == {}  # not started yet
    assert compute("TD_DIEN_HINH", "2026S1") == {c: 2}
    assert compute("TD_KHEN_THUONG", "2026Q2") == {p: 2}
    assert compute("TD_BANG_KHEN", "2026") == {p: 1}
    assert compute("TD_KHEN_UBND_TINH", "2026") == {p: 1}
    assert compute("TD_KHEN_BAN", "2026") == {p: 1}
    stored = {"HCM_MO_HINH", "HCM_DIEN_HINH", "HCM_MO_HINH_DUY_TRI"}
    assert not stored & {e.code for e in providers.all_elements()}


def test_contest_figures_and_the_review_section(world: World) -> None:
    cw = make_contest(world, entries=5, quotas=(1, 1, 1, 1))
    score_all(cw, {0: (9, 9), 1: (8, 8), 2: (7, 7), 3: (6, 6), 4: (5, 5)})
    services.close_round(world.province_admin, cw.round)
    services.confirm_prizes(world.province_admin, cw.contest,
                            {r.entry.pk: g for r, g in services.preview_prizes(cw.contest)})
    assert compute("TD_GIAI_A", "2026") == {}  # not published yet
    services.publish_results(world.province_admin, cw.contest)
    year = str(cw.contest.published_at.year)  # type: ignore[union-attr]
    p = world.province.pk
    assert compute("TD_CUOC_THI", year) == {p: 1}
    assert compute("TD_BAI_DU_THI", year) == {p: 5}
    assert [compute(code, year) for code in ("TD_GIAI_A", "TD_GIAI_B", "TD_GIAI_C", "TD_GIAI_KK")] == [{p: 1}] * 4
    section = {s.code: s for s in all_sections("results")}["emulation"]
    ctx = ReviewContext(unit=world.province, period=Period.parse(year), figures=lambda codes, period: {
        code: sum(providers.get(code).compute(None, period).values(), Decimal(0))  # type: ignore[union-attr]
        for code in codes if providers.get(code).compute(None, period)})  # type: ignore[union-attr]
    draft = section.build(ctx)
    assert draft is not None
    assert "01 cuộc thi với 05 bài dự thi, trao 01 giải A, 01 giải B, 01 giải C và 01 giải khuyến khích" in (
        draft.paragraphs[0])


def test_results_excel_escapes_formulas(world: World) -> None:
    from openpyxl import load_workbook

    cw = make_contest(world, entries=1, quotas=(1, 0, 0, 0))
    cw.entries[0].title = "=HYPERLINK(\"http://x\")"
    cw.entries[0].save()
    score_all(cw, {0: (9, 9)})
    services.close_round(world.province_admin, cw.round)
    services.confirm_prizes(world.province_admin, cw.contest, {cw.entries[0].pk: "A"})
    services.publish_results(world.province_admin, cw.contest)
    response = client_for(world.commune_officer).get(reverse("emulation:contest_results_xlsx", args=[cw.contest.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    cell = sheet.cell(row=4, column=2)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    assert sheet.cell(row=4, column=7).value == "Giải A"
