"""The emulation API: scoped by subtree like the pages, judges see only their own sheets."""

from __future__ import annotations

import datetime as dt

from tests.conftest import World
from tests.emulation.conftest import ContestWorld
from tests.support.personas import api_client_for
from tuyengiao.emulation import services
from tuyengiao.emulation.models import JudgeAssignment, PracticeModel, Score


def test_practice_models_are_scoped_for_reads_and_writes(world: World) -> None:
    theirs = services.save_record(world.province_admin, PracticeModel(
        unit=world.other_commune, name="Mô hình xã Tân Lập", started_on=dt.date(2026, 1, 5)))
    client = api_client_for(world.commune_officer)
    assert client.get(f"/api/practiceModels/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/practiceModels/{theirs.pk}/", {"name": "Đổi"}, format="json").status_code == 404
    assert client.delete(f"/api/practiceModels/{theirs.pk}/").status_code == 404
    listed = client.get("/api/practiceModels/").json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []
    made = client.post("/api/practiceModels/", {"unit": world.commune.pk, "name": "Mô hình dân vận khéo",
                                               "started_on": "2026-03-01", "field": "follow_ho"}, format="json")
    assert made.status_code == 201, made.content
    refused = client.post("/api/practiceModels/", {"unit": world.other_commune.pk, "name": "X",
                                                  "started_on": "2026-03-01"}, format="json")
    assert refused.status_code == 403
    assert PracticeModel.objects.filter(unit=world.other_commune).count() == 1


def test_a_judge_scores_through_the_api_and_sees_only_their_sheets(contest_world: ContestWorld) -> None:
    cw = contest_world
    client = api_client_for(cw.judge_a)
    listed = client.get("/api/judgeAssignments/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert len(rows) == 4
    other = JudgeAssignment.objects.filter(judge=cw.judge_b).first()
    assert other is not None
    assert client.get(f"/api/judgeAssignments/{other.pk}/").status_code == 404
    assert client.post(f"/api/judgeAssignments/{other.pk}/scores/", {"scores": {}}, format="json").status_code == 404
    mine = rows[0]["id"]
    bad = client.post(f"/api/judgeAssignments/{mine}/scores/",
                      {"scores": {str(cw.content.pk): "12", str(cw.form.pk): "5"}}, format="json")
    assert bad.status_code == 400
    assert "Nội dung" in bad.json()[f"criterion_{cw.content.pk}"][0]
    assert not Score.objects.exists()
    good = client.post(f"/api/judgeAssignments/{mine}/scores/",
                       {"scores": {str(cw.content.pk): "8,5", str(cw.form.pk): "7"}}, format="json")
    assert good.status_code == 200, good.content
    assert good.json()["scores"] == {str(cw.content.pk): "8.50", str(cw.form.pk): "7.00"}
    # the organiser's results are not for others before publication
    assert api_client_for(cw.world.commune_officer).get(f"/api/contests/{cw.contest.pk}/results/").status_code == 403
    assert api_client_for(cw.world.other_commune_officer).get(f"/api/contests/{cw.contest.pk}/results/").status_code == 403


def test_the_schema_lists_the_endpoints(world: World) -> None:
    schema = api_client_for(world.province_admin).get("/api/schema/?format=json").json()
    for path in ("/api/practiceModels/", "/api/contests/{id}/entries/", "/api/exemplars/", "/api/commendations/", "/api/contests/{id}/results/",
                 "/api/judgeAssignments/{id}/scores/", "/api/contests/{id}/rounds/{round_pk}/",
                 "/api/contests/{id}/categories/", "/api/inspections/", "/api/recommendations/{id}/"):
        assert path in schema["paths"], path
