"""History works: stages follow their dates, figures by stage, the review section, scoped pages and API."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import World
from tests.support.personas import api_client_for, client_for
from tests.support.records import draft, figure
from tuyengiao.core.exceptions import UserError
from tuyengiao.history import services
from tuyengiao.history.models import HistoryWork, Stage, WorkKind

D = dt.date


def work(world: World, **fields) -> HistoryWork:  # type: ignore[no-untyped-def]
    values = {"unit": world.commune, "kind": WorkKind.COMMITTEE_HISTORY, "title": "Lịch sử Đảng bộ xã Chí Linh",
              "covers": "1945–2025", "stage": Stage.DRAFTING, "started_on": D(2024, 1, 15)}
    values.update(fields)
    return services.save_work(world.province_admin, HistoryWork(**values))


@pytest.mark.parametrize(("fields", "field"), [
    ({"stage": Stage.PUBLISHED}, "published_on"),
    ({"stage": Stage.APPRAISAL, "appraised_on": D(2023, 1, 1)}, "appraised_on"),
    ({"stage": Stage.PUBLISHED, "appraisal_decision": "12-QĐ/ĐU", "appraised_on": D(2025, 3, 1),
      "published_on": D(2025, 2, 1)}, "published_on"),
    ({"copies": -10}, "copies"),
])
def test_inconsistent_stages_are_refused(world: World, fields: dict, field: str) -> None:
    with pytest.raises(UserError) as refused:
        work(world, **fields)
    assert refused.value.field == field
    assert not HistoryWork.objects.exists()


def test_works_by_stage_reach_the_dashboard_and_the_review(world: World) -> None:
    work(world)
    work(world, title="Biên niên sự kiện", kind=WorkKind.CHRONICLE, stage=Stage.PUBLISHED,
         appraisal_decision="12-QĐ/ĐU", appraised_on=D(2025, 2, 1), published_on=D(2025, 5, 19), copies=500)
    assert figure("LSD_XUAT_BAN", "2025S1", world.province) == 1
    assert figure("LSD_THAM_DINH", "2025S1", world.province) == 1
    assert figure("LSD_DANG_BIEN_SOAN", "2025S1", world.province) == 1
    assert figure("LSD_DANG_BIEN_SOAN", "2024", world.province) == 2
    section = draft("history", world.province, "2025S1")
    assert "01 công trình lịch sử Đảng bộ" in section.paragraphs[0]


def test_other_units_works_answer_404(world: World) -> None:
    theirs = work(world, unit=world.other_commune, title="Lịch sử Đảng bộ xã Tân Lập")
    officer = client_for(world.commune_officer)
    assert theirs.title not in officer.get("/history/").content.decode()
    assert officer.get(f"/history/{theirs.pk}/").status_code == 404
    assert officer.post(f"/history/{theirs.pk}/edit/", {}).status_code == 404
    api = api_client_for(world.commune_officer)
    assert api.get(f"/api/history/works/{theirs.pk}/").status_code == 404
    assert api.put(f"/api/history/works/{theirs.pk}/", {}, format="json").status_code == 404
