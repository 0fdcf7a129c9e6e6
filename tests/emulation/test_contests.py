"""A judged contest from entries to locked results, and each refusal on the way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.emulation.conftest import ContestWorld, make_contest, score_all
from tuyengiao.core.exceptions import UserError
from tuyengiao.emulation import services
from tuyengiao.emulation.models import Entry, Grade, JudgeAssignment, Prize, Score


def run_to_scores(cw: ContestWorld) -> None:
    score_all(cw, {0: (9, 8), 1: (7, 9), 2: (8, 5), 3: (6, 6)})


def test_a_score_outside_a_criterions_range_is_refused_naming_the_criterion(contest_world: ContestWorld) -> None:
    cw = contest_world
    with pytest.raises(UserError) as caught:
        services.submit_scores(cw.judge_a, cw.round, cw.entries[0], {cw.content.pk: "7", cw.form.pk: "11"})
    assert "Hình thức" in caught.value.message
    assert "0–10" in caught.value.message
    assert caught.value.field == f"criterion_{cw.form.pk}"
    assert not Score.objects.exists()  # the valid content score was not kept either
    assert JudgeAssignment.objects.filter(submitted_at__isnull=False).count() == 0


def test_a_judge_cannot_score_an_entry_not_assigned(contest_world: ContestWorld) -> None:
    cw = contest_world
    other = services.add_entry(cw.world.province_admin, cw.contest, Entry(
        title="Bài chưa phân công", authors="Tác giả X", received_on=dt.date(2026, 3, 20)))
    with pytest.raises(UserError) as caught:
        services.submit_scores(cw.judge_a, cw.round, other, {cw.content.pk: 5, cw.form.pk: 5})
    assert caught.value.field == "entry"
    assert "Bài chưa phân công" in caught.value.message
    with pytest.raises(UserError):
        services.submit_scores(cw.world.province_admin, cw.round, cw.entries[0], {cw.content.pk: 5, cw.form.pk: 5})
    assert not Score.objects.exists()


def test_judges_are_blind_to_each_other_until_the_round_closes(contest_world: ContestWorld) -> None:
    cw = contest_world
    run_to_scores(cw)
    mine = JudgeAssignment.objects.get(judge=cw.judge_a, entry=cw.entries[0])
    assert [s.judge for s in services.scores_seen_by(cw.judge_a, mine)] == [cw.judge_a]
    assert services.scores_seen_by(cw.judge_b, mine) == []  # not their sheet at all
    services.close_round(cw.world.province_admin, cw.round)
    mine.round.refresh_from_db()
    assert {s.judge for s in services.scores_seen_by(cw.judge_a, mine)} == {cw.judge_a, cw.judge_b}
    assert set(services.judge_assignments(cw.judge_a).values_list("judge", flat=True)) == {cw.judge_a.pk}


def test_a_round_closes_only_when_every_sheet_is_in_and_then_scores_stand(contest_world: ContestWorld) -> None:
    cw = contest_world
    score_all(cw, {0: (9, 8)})
    with pytest.raises(UserError) as caught:
        services.close_round(cw.world.province_admin, cw.round)
    assert caught.value.message == "Vòng thi: còn 06 phiếu chấm chưa nộp."
    score_all(cw, {1: (7, 9), 2: (8, 5), 3: (6, 6)})
    services.close_round(cw.world.province_admin, cw.round)
    with pytest.raises(UserError) as closed:
        services.submit_scores(cw.judge_a, cw.round, cw.entries[0], {cw.content.pk: 1, cw.form.pk: 1})
    assert closed.value.field == "round"


def test_ranking_weights_the_criteria_and_states_its_tie_rule(contest_world: ContestWorld) -> None:
    cw = contest_world
    # entry 1 and 2 tie at 24 weighted points; entry 2 has the higher content score (first criterion)
    score_all(cw, {0: (9, 8), 1: (7, 10), 2: (8, 8), 3: (6, 6)})
    services.close_round(cw.world.province_admin, cw.round)
    rows = services.ranking(cw.contest)
    assert [(r.entry.title, r.total) for r in rows] == [
        ("Bài dự thi số 1", Decimal("26.00")),
        ("Bài dự thi số 3", Decimal("24.00")),
        ("Bài dự thi số 2", Decimal("24.00")),
        ("Bài dự thi số 4", Decimal("18.00")),
    ]
    assert rows[2].tied and not rows[1].tied
    cw.contest.tie_rule = "earlier"
    assert [r.entry.title for r in services.ranking(cw.contest)][1:3] == ["Bài dự thi số 2", "Bài dự thi số 3"]


def test_prizes_follow_the_quota_and_more_than_the_quota_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    cw = make_contest(world, entries=5, quotas=(1, 1, 1, 1))
    score_all(cw, {0: (9, 9), 1: (8, 8), 2: (7, 7), 3: (6, 6), 4: (5, 5)})
    services.close_round(world.province_admin, cw.round)
    preview = services.preview_prizes(cw.contest)
    assert [g for _r, g in preview] == [Grade.A, Grade.B, Grade.C, Grade.CONSOLATION, ""]
    too_many = {r.entry.pk: Grade.A for r, _g in preview[:2]}
    with pytest.raises(UserError) as caught:
        services.confirm_prizes(world.province_admin, cw.contest, too_many)
    assert caught.value.field == "quota_a"
    assert caught.value.message == "Giải A: trao 02 giải, vượt số lượng 01 giải của cuộc thi."
    assert not Prize.objects.exists()
    services.confirm_prizes(world.province_admin, cw.contest, {r.entry.pk: g for r, g in preview})
    assert services.prize_counts(cw.contest) == {"A": 1, "B": 1, "C": 1, "K": 1}


def test_results_lock_once_published(contest_world: ContestWorld) -> None:
    cw = contest_world
    admin = cw.world.province_admin
    run_to_scores(cw)
    with pytest.raises(UserError):
        services.publish_results(admin, cw.contest)  # prizes not confirmed yet
    services.close_round(admin, cw.round)
    services.confirm_prizes(admin, cw.contest, {r.entry.pk: g for r, g in services.preview_prizes(cw.contest)})
    services.publish_results(admin, cw.contest)
    attempts = [
        lambda: services.confirm_prizes(admin, cw.contest, {cw.entries[3].pk: Grade.A}),
        lambda: services.add_entry(admin, cw.contest, Entry(title="Muộn", authors="Ai đó",
                                                            received_on=dt.date(2026, 5, 1))),
        lambda: services.add_round(admin, cw.contest, "Vòng thêm"),
        lambda: services.submit_scores(cw.judge_a, cw.round, cw.entries[0], {cw.content.pk: 1, cw.form.pk: 1}),
        lambda: services.save_record(admin, cw.contest),
        lambda: services.delete_record(admin, cw.contest),
    ]
    for attempt in attempts:
        with pytest.raises(UserError) as caught:
            attempt()
        assert "khóa" in caught.value.message
    assert services.prize_counts(cw.contest) == {"A": 1, "B": 1, "C": 1, "K": 1}
    workbook = services.results_xlsx(cw.contest)
    assert workbook[:2] == b"PK"


def test_another_units_officer_cannot_run_the_contest(contest_world: ContestWorld) -> None:
    cw = contest_world
    with pytest.raises(PermissionDenied):
        services.add_round(cw.world.commune_officer, cw.contest, "Vòng lạ")
    with pytest.raises(PermissionDenied):
        services.close_round(cw.world.other_commune_officer, cw.round)


def test_prize_sentence_is_written_the_reports_way() -> None:
    assert services.prize_sentence({"A": 6, "B": 8, "C": 13, "K": 20}) == (
        "06 giải A, 08 giải B, 13 giải C và 20 giải khuyến khích"
    )
    assert services.prize_sentence({"A": 1, "K": 0}) == "01 giải A"
