"""After a contest is created its organiser still changes rounds and categories, shares the prizes out
by category, and runs several rounds: the earlier ones select, the last one ranks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.emulation.conftest import ContestWorld, make_contest, score_all
from tests.support.personas import api_client_for, client_for
from tuyengiao.core.exceptions import UserError
from tuyengiao.emulation import services
from tuyengiao.emulation.models import Category, Contest, Entry, Grade, Prize, Round


def _categorised(cw: ContestWorld, quotas: dict[str, int | None]) -> tuple[Category, Category]:
    """Entries 0, 2, 4… in “Bài viết” (with ``quotas``), the others in “Ký sự” (no quota of its own)."""
    admin = cw.world.province_admin
    writing = services.add_category(admin, cw.contest, "Bài viết", quotas)
    report = services.add_category(admin, cw.contest, "Ký sự")
    for n, entry in enumerate(cw.entries):
        Entry.objects.filter(pk=entry.pk).update(category=writing if n % 2 == 0 else report)
    return writing, report


def test_rounds_and_categories_change_after_creation_until_the_results_lock(contest_world: ContestWorld) -> None:
    cw = contest_world
    admin = cw.world.province_admin
    renamed = services.edit_round(admin, cw.round, "Vòng chung khảo")
    assert Round.objects.get(pk=cw.round.pk).name == "Vòng chung khảo" == renamed.name
    with pytest.raises(UserError) as caught:
        services.edit_round(admin, cw.round, "Vòng chung khảo", order=5)
    assert caught.value.field == "order" and "giám khảo" in caught.value.message  # judges already assigned
    with pytest.raises(UserError) as caught:
        services.delete_round(admin, cw.round)
    assert "Vòng chung khảo" in caught.value.message
    spare = services.add_round(admin, cw.contest, "Vòng phụ")
    services.delete_round(admin, spare)
    assert not Round.objects.filter(pk=spare.pk).exists()
    writing, _report = _categorised(cw, {Grade.A: 1})
    services.edit_category(admin, writing, "Bài viết chính luận", {Grade.A: 1, Grade.B: 1})
    writing.refresh_from_db()
    assert (writing.name, writing.quota_a, writing.quota_b, writing.quota_c) == ("Bài viết chính luận", 1, 1, None)
    with pytest.raises(UserError) as caught:
        services.delete_category(admin, writing)
    assert caught.value.field == "category" and "Bài viết chính luận" in caught.value.message
    score_all(cw, {0: (9, 9), 1: (8, 8), 2: (7, 7), 3: (6, 6)})
    services.close_round(admin, cw.round)
    services.confirm_prizes(admin, cw.contest, {r.entry.pk: g for r, g in services.preview_prizes(cw.contest)})
    services.publish_results(admin, cw.contest)
    for attempt in (lambda: services.edit_round(admin, cw.round, "Đổi tên"),
                    lambda: services.add_category(admin, cw.contest, "Thể loại mới"),
                    lambda: services.edit_category(admin, writing, "Đổi tên", {Grade.A: 0}),
                    lambda: services.delete_category(admin, _report)):
        with pytest.raises(UserError) as caught:
            attempt()
        assert "khóa" in caught.value.message
    writing.refresh_from_db()
    assert writing.name == "Bài viết chính luận" and writing.quota_a == 1


def test_category_quotas_share_out_the_contests_and_say_which_field_is_over(world) -> None:  # type: ignore[no-untyped-def]
    cw = make_contest(world, entries=6, quotas=(2, 2, 1, 1))
    admin = world.province_admin
    with pytest.raises(UserError) as caught:
        services.add_category(admin, cw.contest, "Bài viết", {Grade.A: 3})
    assert caught.value.field == "quota_a"
    assert caught.value.message == ("Giải A của thể loại “Bài viết”: các thể loại sẽ chia 03 giải,"
                                    " vượt số giải của cuộc thi là 02.")
    with pytest.raises(UserError) as caught:
        services.add_category(admin, cw.contest, "Bài viết", {Grade.B: "hai"})
    assert caught.value.field == "quota_b" and "Giải B" in caught.value.message
    assert not Category.objects.exists()  # nothing half-saved
    writing, _report = _categorised(cw, {Grade.A: 1, Grade.B: 0})
    contest = Contest.objects.get(pk=cw.contest.pk)
    contest.quota_a = 0
    with pytest.raises(UserError) as caught:
        services.save_record(admin, contest)
    assert caught.value.field == "quota_a"
    # entries 0, 2, 4 are writing (best scores first), 1, 3, 5 reports
    score_all(cw, {0: (10, 10), 1: (9, 9), 2: (8, 8), 3: (7, 7), 4: (6, 6), 5: (5, 5)})
    services.close_round(admin, cw.round)
    preview = [(row.entry.pk, grade) for row, grade in services.preview_prizes(cw.contest)]
    e = [x.pk for x in cw.entries]
    # writing: one A at most and no B, so its second entry gets C; the reports take the other A and both B
    assert preview == [(e[0], Grade.A), (e[1], Grade.A), (e[2], Grade.C), (e[3], Grade.B), (e[4], Grade.CONSOLATION),
                       (e[5], Grade.B)]
    over = dict(preview) | {e[2]: Grade.B}
    over[e[5]] = ""
    with pytest.raises(UserError) as caught:
        services.confirm_prizes(admin, cw.contest, over)
    assert caught.value.field == "quota_b"
    assert caught.value.message == ("Giải B của thể loại “Bài viết”: trao 01 giải, vượt số giải của thể loại"
                                    " là 00.")
    assert not Prize.objects.exists()
    services.confirm_prizes(admin, cw.contest, dict(preview))
    assert services.prize_counts(cw.contest) == {"A": 2, "B": 2, "C": 1, "K": 1}
    # changing a quota after the prizes were confirmed asks for them to be confirmed again
    services.edit_category(admin, writing, "Bài viết", {Grade.A: 1, Grade.B: 1})
    assert Contest.objects.get(pk=cw.contest.pk).prizes_confirmed_at is None
    with pytest.raises(UserError):
        services.publish_results(admin, cw.contest)


def test_with_two_rounds_the_first_selects_and_the_last_ranks(world) -> None:  # type: ignore[no-untyped-def]
    cw = make_contest(world, entries=4, quotas=(1, 1, 0, 0))
    admin = world.province_admin
    services.edit_round(admin, cw.round, "Sơ khảo")
    final = services.add_round(admin, cw.contest, "Chung khảo")
    with pytest.raises(UserError) as caught:
        services.assign_judge(admin, final, cw.entries[:2], cw.judge_a)
    assert caught.value.field == "round" and "Sơ khảo" in caught.value.message  # the first round is still open
    score_all(cw, {0: (9, 9), 1: (8, 8), 2: (7, 7), 3: (6, 6)})
    services.close_round(admin, cw.round)
    ghost = services.add_entry(admin, cw.contest, Entry(title="Bài nộp muộn", authors="Tác giả muộn",
                                                        received_on=dt.date(2026, 4, 1)))
    with pytest.raises(UserError) as caught:
        services.assign_judge(admin, final, [ghost], cw.judge_a)
    assert caught.value.field == "entries" and "Bài nộp muộn" in caught.value.message
    # entries 2 and 3 go on; in the final they swap places, and the final decides
    services.assign_judge(admin, final, cw.entries[2:], cw.judge_a)
    services.assign_judge(admin, final, cw.entries[2:], cw.judge_b)
    for judge in (cw.judge_a, cw.judge_b):
        services.submit_scores(judge, final, cw.entries[2], {cw.content.pk: 5, cw.form.pk: 5})
        services.submit_scores(judge, final, cw.entries[3], {cw.content.pk: 9, cw.form.pk: 9})
    services.close_round(admin, final)
    ranked = services.ranking(cw.contest)
    assert [r.entry.pk for r in ranked] == [cw.entries[3].pk, cw.entries[2].pk]
    assert ranked[0].total == Decimal("27.00")
    assert [g for _r, g in services.preview_prizes(cw.contest)] == [Grade.A, Grade.B]
    page = client_for(admin).get(cw.contest.get_absolute_url()).content.decode()
    assert "Xếp hạng theo điểm của vòng cuối" in page
    from io import BytesIO

    from openpyxl import load_workbook

    services.confirm_prizes(admin, cw.contest, {r.entry.pk: g for r, g in services.preview_prizes(cw.contest)})
    services.publish_results(admin, cw.contest)
    sheet = load_workbook(BytesIO(services.results_xlsx(cw.contest))).active
    assert sheet is not None
    assert any("vòng cuối" in str(c.value) for row in sheet.iter_rows() for c in row if c.value)


def test_the_pages_change_rounds_and_categories_and_name_the_field_refused(contest_world: ContestWorld) -> None:
    cw = contest_world
    admin = client_for(cw.world.province_admin)
    url = f"/emulation/contests/{cw.contest.pk}/setup/"
    answer = admin.post(url, {"action": "round_edit", "round": cw.round.pk, f"round{cw.round.pk}-name": "Vòng cuối",
                              f"round{cw.round.pk}-order": cw.round.order})
    assert answer.status_code == 302 and Round.objects.get(pk=cw.round.pk).name == "Vòng cuối"
    admin.post(url, {"action": "category", "category-name": "Bài viết", "category-quota_a": "1"})
    category = Category.objects.get(contest=cw.contest)
    assert category.quota_a == 1 and category.quota_b is None
    answer = admin.post(url, {"action": "category_edit", "category": category.pk,
                              f"category{category.pk}-name": "Bài viết", f"category{category.pk}-quota_a": "7"},
                        follow=True)
    assert "Giải A của thể loại “Bài viết”" in answer.content.decode()
    assert Category.objects.get(pk=category.pk).quota_a == 1
    page = admin.get(cw.contest.get_absolute_url()).content.decode()
    assert 'data-testid="edit-category"' in page and 'data-testid="edit-round"' in page
    admin.post(url, {"action": "category_delete", "category": category.pk})
    assert not Category.objects.filter(pk=category.pk).exists()
    # another unit's officer sees the contest only as far as their scope allows, never changes it
    outsider = client_for(cw.world.other_commune_officer)
    assert outsider.post(url, {"action": "round_edit", "round": cw.round.pk,
                               f"round{cw.round.pk}-name": "X"}).status_code in (403, 404)
    assert Round.objects.get(pk=cw.round.pk).name == "Vòng cuối"
    # a round of another contest is not found through this one
    other = services.save_record(cw.world.province_admin, Contest(unit=cw.world.province, title="Cuộc thi khác",
                                                                  year=2026))
    assert isinstance(other, Contest)
    foreign = services.add_round(cw.world.province_admin, other, "Vòng khác")
    assert admin.post(url, {"action": "round_delete", "round": foreign.pk}).status_code == 404
    assert Round.objects.filter(pk=foreign.pk).exists()


def test_the_api_changes_rounds_and_categories_and_refuses_once_locked(contest_world: ContestWorld) -> None:
    cw = contest_world
    client = api_client_for(cw.world.province_admin)
    base = f"/api/contests/{cw.contest.pk}"
    made = client.post(f"{base}/categories/", {"name": "Bài viết", "quota_a": 1}, format="json")
    assert made.status_code == 201, made.content
    category = made.json()[0]
    assert category["quota_a"] == 1 and category["quota_b"] is None
    over = client.patch(f"{base}/categories/{category['id']}/", {"quota_a": 5}, format="json")
    assert over.status_code == 400 and "Giải A" in over.json()["quota_a"][0]
    changed = client.patch(f"{base}/categories/{category['id']}/", {"name": "Bài viết chính luận"}, format="json")
    assert changed.status_code == 200 and changed.json() == {**category, "name": "Bài viết chính luận"}
    rounds = client.post(f"{base}/rounds/", {"name": "Vòng phụ"}, format="json")
    assert rounds.status_code == 201 and [r["name"] for r in rounds.json()] == ["Chung khảo", "Vòng phụ"]
    spare = rounds.json()[1]["id"]
    assert client.patch(f"{base}/rounds/{spare}/", {"name": "Vòng bổ sung"}, format="json").json()["name"] == (
        "Vòng bổ sung")
    assert client.delete(f"{base}/rounds/{spare}/").status_code == 204
    assert client.delete(f"{base}/rounds/{cw.round.pk}/").status_code == 400  # judges are assigned
    outsider = api_client_for(cw.world.other_commune_officer)
    assert outsider.patch(f"{base}/rounds/{cw.round.pk}/", {"name": "X"}, format="json").status_code in (403, 404)
    score_all(cw, {0: (9, 9), 1: (8, 8), 2: (7, 7), 3: (6, 6)})
    admin = cw.world.province_admin
    services.close_round(admin, cw.round)
    services.confirm_prizes(admin, cw.contest, {r.entry.pk: g for r, g in services.preview_prizes(cw.contest)})
    services.publish_results(admin, cw.contest)
    locked = client.patch(f"{base}/rounds/{cw.round.pk}/", {"name": "Đổi"}, format="json")
    assert locked.status_code == 400 and "khóa" in str(locked.json())
    assert client.post(f"{base}/categories/", {"name": "Mới"}, format="json").status_code == 400
    assert Round.objects.get(pk=cw.round.pk).name == "Chung khảo"


def test_a_quota_lowered_after_the_prizes_were_confirmed_stops_the_publication(world) -> None:  # type: ignore[no-untyped-def]
    cw = make_contest(world, entries=4, quotas=(2, 1, 0, 0))
    admin = world.province_admin
    score_all(cw, {0: (9, 9), 1: (8, 8), 2: (7, 7), 3: (6, 6)})
    services.close_round(admin, cw.round)
    services.confirm_prizes(admin, cw.contest, {r.entry.pk: g for r, g in services.preview_prizes(cw.contest)})
    contest = Contest.objects.get(pk=cw.contest.pk)
    contest.quota_a = 1
    services.save_record(admin, contest)
    with pytest.raises(UserError) as caught:
        services.publish_results(admin, contest)
    assert caught.value.field == "quota_a"
    assert caught.value.message == "Giải A: trao 02 giải, vượt số lượng 01 giải của cuộc thi."
    assert not Contest.objects.get(pk=contest.pk).locked
