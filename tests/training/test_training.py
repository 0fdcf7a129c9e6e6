"""Training classes: bad dates and counts refused by field, classes behind plan flagged, plan against what
opened, figures through the analytics service, the review section, pages and API scoped to the subtree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from tests.conftest import World
from tests.support.personas import api_client_for, client_for
from tests.support.records import draft, figure
from tuyengiao.core.exceptions import UserError
from tuyengiao.training import services
from tuyengiao.training.models import ClassCategory, TrainingClass, TrainingPlan

D = dt.date


def make_class(world: World, user=None, **fields) -> TrainingClass:  # type: ignore[no-untyped-def]
    values = {
        "unit": world.commune, "centre": "Trung tâm chính trị huyện Đông Sơn", "category": ClassCategory.ELEMENTARY,
        "title": "Lớp sơ cấp lý luận chính trị khóa 1", "planned_open": D(2025, 3, 1), "planned_close": D(2025, 5, 30),
        "opened_on": D(2025, 3, 1), "closed_on": D(2025, 5, 30), "enrolled": 60, "completed": 58,
        "enrolled_off_payroll": 20, "completed_off_payroll": 19,
    }
    values.update(fields)
    return services.save_class(user or world.province_admin, TrainingClass(**values))


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"closed_on": D(2025, 2, 1)}, "closed_on", "bế giảng trước khi khai giảng"),
    ({"planned_close": D(2025, 2, 1)}, "planned_close", "bế giảng trước khi khai giảng"),
    ({"completed": 61}, "completed", "61"),
    ({"enrolled_off_payroll": 70}, "enrolled_off_payroll", "không hưởng lương"),
    ({"enrolled": -3}, "enrolled", "không được âm"),
    ({"enrolled": "nhiều"}, "enrolled", "không phải là số"),
])
def test_bad_classes_are_refused_naming_the_field(world: World, fields: dict, field: str, words: str) -> None:
    with pytest.raises(UserError) as refused:
        make_class(world, **fields)
    assert refused.value.field == field
    assert words in refused.value.message
    assert not TrainingClass.objects.exists()


def test_a_class_not_opened_by_its_planned_date_is_behind_plan(world: World) -> None:
    on_time = make_class(world)
    late = make_class(world, title="Lớp trung cấp", planned_open=D(2025, 4, 1), opened_on=D(2025, 5, 15),
                      closed_on=None, completed=0, completed_off_payroll=0)
    waiting = make_class(world, title="Lớp đảng viên mới", planned_open=D(2025, 6, 1), planned_close=D(2025, 6, 10),
                         opened_on=None, closed_on=None, completed=0, completed_off_payroll=0)
    assert not on_time.behind_plan and late.behind_plan and waiting.behind_plan
    behind = set(services.behind_plan(world.province_admin, D(2025, 12, 31)))
    assert behind == {late, waiting}
    assert figure("BD_LOP_CHAM", "2025S1", world.province) == 2
    assert figure("BD_LOP_KE_HOACH", "2025S1", world.province) == 3
    assert figure("BD_LOP_DA_MO", "2025S1", world.province) == 2
    assert figure("BD_HV_NGOAI_BIEN_CHE", "2025S1", world.district) == 40
    section = draft("training", world.province, "2025S1")
    assert "02 lớp" in section.paragraphs[0]
    assert any("Lớp đảng viên mới" in s.text for s in section.suggestions)


def test_the_yearly_plan_is_set_against_what_opened(world: World) -> None:
    make_class(world)
    plan = services.save_plan(world.province_admin, TrainingPlan(unit=world.province, year=2025, planned_classes=4,
                                                                 planned_learners=200, planned_off_payroll=50))
    actual = services.plan_against_actual(plan)
    assert actual["opened"] == 1 and actual["rate"] == 25.0 and actual["off_payroll"] == 20
    assert figure("BD_KE_HOACH_NAM", "2025", world.province) == 4
    with pytest.raises(UserError) as twice:
        services.save_plan(world.province_admin, TrainingPlan(unit=world.province, year=2025))
    assert twice.value.field == "year"


def test_an_officer_cannot_record_a_class_for_another_commune(world: World) -> None:
    with pytest.raises(PermissionDenied):
        make_class(world, unit=world.other_commune, user=world.commune_officer)


def test_pages_list_flag_and_hide_other_units(world: World) -> None:
    mine = make_class(world, opened_on=None, closed_on=None, completed=0, completed_off_payroll=0)
    theirs = make_class(world, unit=world.other_commune, title="Lớp của xã Tân Lập")
    officer = client_for(world.commune_officer)
    page = officer.get("/training/").content.decode()
    assert mine.title in page and theirs.title not in page and "Chậm so với kế hoạch" in page
    assert officer.get(f"/training/{theirs.pk}/").status_code == 404
    assert officer.get(f"/training/{theirs.pk}/edit/").status_code == 404
    assert officer.post(f"/training/{theirs.pk}/edit/", {"title": "x"}).status_code == 404
    assert officer.post(f"/training/{theirs.pk}/delete/").status_code == 404
    in_cell = make_class(world, unit=world.cell, title="Lớp tại chi bộ")
    assert client_for(world.member).get(f"/training/{in_cell.pk}/").status_code == 200
    assert client_for(world.member).get(f"/training/{in_cell.pk}/edit/").status_code == 403
    export = officer.get("/training/export/")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_form_shows_the_reason_beside_the_field_and_saves_nothing(world: World) -> None:
    officer = client_for(world.commune_officer)
    response = officer.post("/training/new/", {
        "unit": world.commune.pk, "centre": "Trung tâm", "category": "elementary", "title": "Lớp A",
        "planned_open": "01/03/2025", "planned_close": "30/05/2025", "opened_on": "01/03/2025",
        "closed_on": "28/02/2025", "enrolled": "40", "completed": "10", "enrolled_off_payroll": "0",
        "completed_off_payroll": "0"})
    assert response.status_code == 200
    assert "bế giảng trước khi khai giảng" in response.content.decode()
    assert not TrainingClass.objects.exists()
    saved = officer.post("/training/new/", {
        "unit": world.commune.pk, "centre": "Trung tâm", "category": "elementary", "title": "Lớp A",
        "planned_open": "01/03/2025", "planned_close": "30/05/2025", "enrolled": "1.200", "completed": "0",
        "enrolled_off_payroll": "0", "completed_off_payroll": "0"})
    assert saved.status_code == 302 and TrainingClass.objects.get().enrolled == 1200


def test_the_api_refuses_bad_counts_and_other_units(world: World) -> None:
    theirs = make_class(world, unit=world.other_commune)
    api = api_client_for(world.commune_officer)
    body = {"unit": world.commune.pk, "centre": "Trung tâm", "category": "elementary", "title": "Lớp B",
            "planned_open": "2025-03-01", "planned_close": "2025-05-30", "opened_on": "2025-03-01",
            "enrolled": 30, "completed": 40}
    refused = api.post("/api/training/classes/", body, format="json")
    assert refused.status_code == 400 and "completed" in refused.json()
    assert api.post("/api/training/classes/", {**body, "enrolled": -1}, format="json").status_code == 400
    assert api.get(f"/api/training/classes/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/training/classes/{theirs.pk}/", {"title": "x"}, format="json").status_code == 404
    created = api.post("/api/training/classes/", {**body, "completed": 30}, format="json")
    assert created.status_code == 201, created.content
    assert [c["id"] for c in api.get("/api/training/classes/").json()["results"]] == [created.json()["id"]]


def test_the_export_keeps_formula_like_text_as_text_and_numbers_as_numbers(world: World) -> None:
    import io

    from openpyxl import load_workbook

    make_class(world, title="=HYPERLINK(\"http://x\",\"bấm\")", enrolled=1200, completed=1100)
    export = client_for(world.commune_officer).get("/training/export/?year=2025")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Lớp" and rows[1][0].startswith("=HYPERLINK")
    assert sheet.cell(row=2, column=1).data_type == "s" and rows[1][6] == 1200
