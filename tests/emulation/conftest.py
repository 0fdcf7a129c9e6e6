"""A contest built through the services: two judges, a sheet of two criteria, entries in one round."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.conftest import World, make_user
from tuyengiao.emulation import services
from tuyengiao.emulation.models import Contest, Criterion, Entry, Round


@dataclass
class ContestWorld:
    world: World
    contest: Contest
    round: Round
    content: Criterion
    form: Criterion
    judge_a: User
    judge_b: User
    entries: list[Entry] = field(default_factory=list)


def make_contest(world: World, entries: int = 4, quotas: tuple[int, int, int, int] = (1, 1, 1, 1),
                 tie_rule: str = "criteria") -> ContestWorld:
    admin = world.province_admin
    contest = services.save_record(admin, Contest(
        unit=world.province, title="Cuộc thi viết về học tập và làm theo Bác", year=2026, tie_rule=tie_rule,
        quota_a=quotas[0], quota_b=quotas[1], quota_c=quotas[2], quota_consolation=quotas[3],
    ))
    assert isinstance(contest, Contest)
    round_ = services.add_round(admin, contest, "Chung khảo")
    content = services.add_criterion(admin, contest, "Nội dung", Decimal(2), Decimal(0), Decimal(10))
    form = services.add_criterion(admin, contest, "Hình thức", Decimal(1), Decimal(0), Decimal(10))
    cw = ContestWorld(world, contest, round_, content, form, make_user("giam_khao_a", None, None),
                      make_user("giam_khao_b", None, None))
    for n in range(entries):
        entry = services.add_entry(admin, contest, Entry(
            title=f"Bài dự thi số {n + 1}", authors=f"Tác giả {n + 1}", author_unit=world.commune,
            received_on=dt.date(2026, 3, 1) + dt.timedelta(days=n),
        ))
        cw.entries.append(entry)
    services.assign_judge(admin, round_, cw.entries, cw.judge_a)
    services.assign_judge(admin, round_, cw.entries, cw.judge_b)
    return cw


def score_all(cw: ContestWorld, sheet: dict[int, tuple[Any, Any]]) -> None:
    """Both judges give each entry (by index) the same (content, form) scores."""
    for index, (content, form) in sheet.items():
        for judge in (cw.judge_a, cw.judge_b):
            services.submit_scores(judge, cw.round, cw.entries[index], {cw.content.pk: content, cw.form.pk: form})


@pytest.fixture
def contest_world(world: World) -> ContestWorld:
    return make_contest(world)
