"""The inspections API: scoped by subtree; a recommendation needs an owner and a due date."""

from __future__ import annotations

import datetime as dt

from tests.conftest import World
from tests.support.personas import api_client_for
from tuyengiao.inspections import services
from tuyengiao.inspections.models import Inspection, Recommendation


def test_inspections_are_scoped_and_refuse_a_recommendation_without_owner(world: World) -> None:
    theirs = services.save_inspection(world.province_admin, Inspection(
        unit=world.other_commune, title="Kiểm tra xã Tân Lập", planned_on=dt.date(2026, 3, 1)))
    client = api_client_for(world.commune_officer)
    assert client.get(f"/api/inspections/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/inspections/{theirs.pk}/", {"title": "X"}, format="json").status_code == 404
    assert client.delete(f"/api/inspections/{theirs.pk}/").status_code == 404
    body = {"unit": world.commune.pk, "title": "Kiểm tra chi bộ", "planned_on": "2026-04-01",
            "recommendations": [{"content": "Bổ sung hồ sơ", "due_on": "2026-05-01"}]}
    refused = client.post("/api/inspections/", body, format="json")
    assert refused.status_code == 400
    assert "Đơn vị chịu trách nhiệm" in refused.json()["owner_unit"][0]
    assert not Inspection.objects.filter(unit=world.commune).exists()
    body["recommendations"][0]["owner_unit"] = world.cell.pk  # type: ignore[index]
    assert client.post("/api/inspections/", body, format="json").status_code == 201
    rec = Recommendation.objects.get(inspection__unit=world.commune)
    late = client.get("/api/recommendations/?overdue=true").json()
    rows = late["results"] if isinstance(late, dict) else late
    assert [r["id"] for r in rows] == [rec.pk]
    assert api_client_for(world.other_commune_officer).get(f"/api/recommendations/{rec.pk}/").status_code == 404
    done = api_client_for(world.cell_secretary).patch(
        f"/api/recommendations/{rec.pk}/", {"status": "done", "done_on": "2026-06-01"}, format="json")
    assert done.status_code == 200, done.content
    rec.refresh_from_db()
    assert rec.status == "done"
