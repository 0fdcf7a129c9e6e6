"""Work plans: a task without an owner or due date refused by field; overdue tasks and reviews of documents
listed and fed to the review's "Hạn chế" and "Phương hướng"; the review schedule created from the registry."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.support.personas import api_client_for, client_for
from tests.support.records import draft, figure
from tuyengiao.core.exceptions import UserError
from tuyengiao.documents.choices import DocumentKind, Issuer
from tuyengiao.documents.models import Document
from tuyengiao.plans import services
from tuyengiao.plans.models import DocumentReview, KeyTask, ReviewKind, TaskStatus, WorkPlan

D = dt.date


def plan(world: World, unit=None) -> WorkPlan:  # type: ignore[no-untyped-def]
    return services.save_plan(world.province_admin, WorkPlan(unit=unit or world.province, year=2025,
                                                             title="Chương trình công tác năm 2025"))


def task(world: World, work_plan: WorkPlan, user=None, **fields) -> KeyTask:  # type: ignore[no-untyped-def]
    values = {"plan": work_plan, "title": "Tổ chức hội nghị báo cáo viên quý", "field": "Báo cáo viên",
              "owner": world.commune, "due_on": D(2025, 3, 31)}
    values.update(fields)
    return services.save_task(user or world.province_admin, KeyTask(**values))


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"owner": None}, "owner", "đơn vị chủ trì"),
    ({"due_on": None}, "due_on", "thời hạn"),
    ({"status": TaskStatus.DONE}, "done_on", "ngày hoàn thành"),
    ({"progress": 140}, "progress", "từ 0 đến 100"),
])
def test_a_task_without_an_owner_or_due_date_is_refused(world: World, fields: dict, field: str, words: str) -> None:
    work_plan = plan(world)
    with pytest.raises(UserError) as refused:
        task(world, work_plan, **fields)
    assert refused.value.field == field and words in refused.value.message.lower()
    assert not KeyTask.objects.exists()


def test_overdue_tasks_and_reviews_go_to_the_limitations_and_directions(world: World) -> None:
    work_plan = plan(world)
    late = task(world, work_plan, title="Biên soạn đề cương tuyên truyền", due_on=D(2025, 3, 31))
    task(world, work_plan, title="Tổ chức hội nghị", due_on=D(2025, 4, 30), status=TaskStatus.DONE,
         done_on=D(2025, 4, 20))
    task(world, work_plan, title="Sơ kết công tác tuyên giáo 9 tháng", due_on=D(2025, 9, 30))
    resolution = Document.objects.create(unit=world.province, kind=DocumentKind.RESOLUTION,
                                         issuer=Issuer.PROVINCIAL_COMMITTEE, symbol="05-NQ/TU",
                                         title="Nghị quyết về chuyển đổi số", issued_on=D(2020, 2, 10))
    made = services.schedule_reviews(world.province_admin, world.province, resolution, [5], 10)
    assert [(r.kind, r.due_on) for r in made] == [(ReviewKind.INTERIM, D(2025, 2, 10)),
                                                  (ReviewKind.FINAL, D(2030, 2, 10))]
    assert services.schedule_reviews(world.province_admin, world.province, resolution, [5], 10) == made
    assert set(services.overdue_tasks(world.commune_officer, D(2025, 7, 1))) == set()  # plan is the province's
    assert late in set(services.overdue_tasks(world.province_admin, D(2025, 7, 1)))
    assert figure("KHN_NHIEM_VU", "2025S1", world.province) == 2
    assert figure("KHN_DUNG_HAN", "2025S1", world.province) == 1
    assert figure("KHN_QUA_HAN", "2025S1", world.province) == 1
    assert figure("SKTK_QUA_HAN", "2025S1", world.province) == 1
    section = draft("plans", world.province, "2025S1")
    limits = " ".join(s.text for s in section.suggestions)
    assert "Biên soạn đề cương tuyên truyền" in limits and "05-NQ/TU" in limits
    directions = " ".join(section.directions)
    assert "Sơ kết công tác tuyên giáo 9 tháng" in directions and "Biên soạn đề cương" in directions
    page = client_for(world.province_admin).get("/plans/tasks/?overdue=true").content.decode()
    assert "Biên soạn đề cương tuyên truyền" in page and "Tổ chức hội nghị" not in page.split("</form>")[-1]


def test_tasks_of_other_units_answer_404(world: World) -> None:
    theirs = plan(world, unit=world.other_commune)
    their_task = task(world, theirs, owner=world.other_commune)
    officer = client_for(world.commune_officer)
    assert officer.get(f"/plans/{theirs.pk}/").status_code == 404
    assert officer.get(f"/plans/tasks/{their_task.pk}/").status_code == 404
    assert officer.post(f"/plans/tasks/{their_task.pk}/edit/", {"title": "x"}).status_code == 404
    api = api_client_for(world.commune_officer)
    assert api.get(f"/api/plans/tasks/{their_task.pk}/").status_code == 404
    assert api.patch(f"/api/plans/tasks/{their_task.pk}/", {"title": "x"}, format="json").status_code == 404
    assert api.get("/api/plans/tasks/").json()["results"] == []


def test_the_task_form_names_the_missing_owner_and_due_date(world: World) -> None:
    work_plan = services.save_plan(world.commune_officer, WorkPlan(unit=world.commune, year=2025, title="Kế hoạch xã"))
    officer = client_for(world.commune_officer)
    response = officer.post("/plans/tasks/new/", {"plan": work_plan.pk, "title": "Nhiệm vụ", "status": "planned",
                                                  "progress": "0"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đơn vị chủ trì: mỗi nhiệm vụ" in text and "Thời hạn: mỗi nhiệm vụ" in text
    assert not KeyTask.objects.exists()
    api = api_client_for(world.commune_officer)
    refused = api.post("/api/plans/tasks/", {"plan": work_plan.pk, "title": "Nhiệm vụ"}, format="json")
    assert refused.status_code == 400 and "owner" in refused.json()


def test_the_schedule_page_creates_reviews_from_the_registry(world: World) -> None:
    resolution = Document.objects.create(unit=world.province, kind=DocumentKind.RESOLUTION,
                                         issuer=Issuer.PROVINCIAL_COMMITTEE, symbol="07-NQ/TU",
                                         title="Nghị quyết về văn hóa", issued_on=D(2021, 6, 1))
    admin = client_for(world.province_admin)
    response = admin.post("/plans/reviews/schedule/", {"unit": world.province.pk, "document": resolution.pk,
                                                       "interim_years": "3, 5", "final_years": "10"})
    assert response.status_code == 302
    assert sorted(DocumentReview.objects.values_list("due_on", flat=True)) == [D(2024, 6, 1), D(2026, 6, 1),
                                                                              D(2031, 6, 1)]
    api = api_client_for(world.province_admin)
    again = api.post("/api/plans/reviews/schedule/", {"unit": world.province.pk, "document": resolution.pk,
                                                     "interim_years": [5]}, format="json")
    assert again.status_code == 201 and DocumentReview.objects.count() == 3
