"""A contest in a real browser: an entry added, two judges scoring blind, the round closed, prizes
previewed by quota (an over-quota choice refused), confirmed, published and locked; at 390 and 1280 px."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import build_world, make_user
from tests.e2e.conftest import high_unit_ids
from tuyengiao.emulation import services
from tuyengiao.emulation.models import Contest, Entry, Prize, Score

pytestmark = pytest.mark.e2e
QUOTAS = (6, 8, 13, 20)
SEEDED = 49  # scored through the services; the 50th entry goes through the pages


@pytest.fixture
def contest(transactional_db: None):  # type: ignore[no-untyped-def]
    high_unit_ids()
    world = build_world()
    admin = world.province_admin
    contest = services.save_record(admin, Contest(
        unit=world.province, title="Cuộc thi viết về làm theo Bác", year=2026,
        quota_a=QUOTAS[0], quota_b=QUOTAS[1], quota_c=QUOTAS[2], quota_consolation=QUOTAS[3]))
    round_ = services.add_round(admin, contest, "Chung khảo")
    content = services.add_criterion(admin, contest, "Nội dung", Decimal(2), Decimal(0), Decimal(10))
    form = services.add_criterion(admin, contest, "Hình thức", Decimal(1), Decimal(0), Decimal(10))
    judges = [make_user("giamkhao_a", None, None), make_user("giamkhao_b", None, None)]
    entries = [services.add_entry(admin, contest, Entry(
        title=f"Bài số {n + 1:02d}", authors=f"Tác giả {n + 1}", received_on=dt.date(2026, 3, 1)))
        for n in range(SEEDED)]
    for judge in judges:
        services.assign_judge(admin, round_, entries, judge)
        for n, entry in enumerate(entries):
            services.submit_scores(judge, round_, entry, {content.pk: str(Decimal(n % 10)), form.pk: "5"})
    return world, contest, judges, content, form


def open_form(page, testid: str) -> None:  # type: ignore[no-untyped-def]
    details = page.locator(f"details:has([data-testid={testid}])")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def submit(page, testid: str) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(f"[data-testid={testid}] button[type=submit]").click()


def score(page, content_pk: int, form_pk: int, content: str, form: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/emulation/judging/")
    page.get_by_role("link", name="Bài mới về chi bộ").click()
    page.fill(f"input[name=criterion_{content_pk}]", content)
    page.fill(f"input[name=criterion_{form_pk}]", form)
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp phiếu chấm").click()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_contest_runs_from_entries_through_two_blind_judges_to_locked_results(  # type: ignore[no-untyped-def]
    page_at, login, contest, width: int
) -> None:
    world, contest, judges, content, form = contest
    organiser = page_at(width)
    login(organiser, world.province_admin)
    organiser.goto(f"/emulation/contests/{contest.pk}/")
    open_form(organiser, "add-entry")
    organiser.fill("#id_entry-title", "Bài mới về chi bộ")
    organiser.fill("#id_entry-authors", "Nguyễn Văn Mới")
    organiser.fill("#id_entry-received_on", "20/03/2026")
    submit(organiser, "add-entry")
    new = Entry.objects.get(title="Bài mới về chi bộ")
    for judge in judges:
        open_form(organiser, "assign-judge")
        organiser.fill("#id_assign-judge", judge.username)
        organiser.check(f"[data-testid=assign-judge] input[value='{new.pk}']")
        submit(organiser, "assign-judge")
        assert "Đã lưu" in organiser.content()
    assert organiser.locator("[data-testid=assignments] li", has_text="Bài mới về chi bộ").count() == 2
    assert "Nộp phiếu chấm" not in organiser.content()  # the organiser does not score

    judge_a = page_at(width)
    login(judge_a, judges[0])
    score(judge_a, content.pk, form.pk, "11", "9")
    assert "Tiêu chí “Nội dung”: điểm 11 nằm ngoài khoảng 0–10." in judge_a.locator("[data-testid=score-form]").inner_text()
    assert not Score.objects.filter(assignment__entry=new).exists()
    score(judge_a, content.pk, form.pk, "9,5", "9")
    assert "Đã lưu phiếu chấm của bạn." in judge_a.content()

    judge_b = page_at(width)
    login(judge_b, judges[1])
    judge_b.goto("/emulation/judging/")
    assert judge_b.locator("[data-testid=assignment]").count() == SEEDED + 1
    judge_b.get_by_role("link", name="Bài mới về chi bộ").click()
    assert judge_b.locator("[data-testid=blind]").is_visible()
    assert judge_b.locator("[data-testid=sheet]").count() == 1  # their own empty sheet, not judge A's
    assert "giamkhao_a" not in judge_b.content() and "9,5" not in judge_b.locator("[data-testid=sheets]").inner_text()
    score(judge_b, content.pk, form.pk, "9", "10")

    organiser.goto(f"/emulation/contests/{contest.pk}/")
    with organiser.expect_navigation():
        organiser.locator("[data-testid=close-round]").click()
    assert "Đã đóng vòng thi." in organiser.content()
    judge_a.reload()
    assert judge_a.locator("[data-testid=sheet]").count() == 2  # now both sheets are shown
    assert "giamkhao_b" in judge_a.locator("[data-testid=sheets]").inner_text()

    organiser.locator("[data-testid=prizes-preview]").click()
    selects = organiser.locator("[data-testid=preview] select")
    assert selects.count() == SEEDED + 1
    assert selects.first.input_value() == "A"  # the new entry leads: 2 × 9,25 + 9,5
    assert "Bài mới về chi bộ" in organiser.locator("[data-testid=preview] tbody tr").first.inner_text()
    selects.nth(QUOTAS[0]).select_option("A")  # a seventh prize A
    with organiser.expect_navigation():
        organiser.locator("[data-testid=confirm-prizes]").click()
    assert "Giải A: trao 07 giải, vượt số lượng 06 giải của cuộc thi." in organiser.locator(
        "[data-testid=prize-error]").inner_text()
    assert not Prize.objects.exists()
    selects.nth(QUOTAS[0]).select_option("B")
    with organiser.expect_navigation():
        organiser.locator("[data-testid=confirm-prizes]").click()
    assert "Đã xác nhận giải thưởng." in organiser.content()
    with organiser.expect_navigation():
        organiser.locator("[data-testid=publish]").click()
    locked = organiser.locator("[data-testid=locked]").inner_text()
    assert "06 giải A, 08 giải B, 13 giải C và 20 giải khuyến khích" in locked
    assert organiser.locator("[data-testid=setup]").count() == 0  # nothing left to change
    assert organiser.locator("[data-testid=ranking] [data-testid=ranked]").first.inner_text().count("Giải A") == 1
    with organiser.expect_download() as download:
        organiser.locator("[data-testid=results-xlsx]").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    if width == 390:
        assert organiser.evaluate("document.documentElement.scrollWidth") <= 390
    response = organiser.request.post(f"/emulation/contests/{contest.pk}/prizes/",
                                      form={f"grade_{new.pk}": "K"})
    assert response.status in (400, 403)
    assert Prize.objects.get(entry=new).grade == "A"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_organiser_changes_rounds_and_categories_with_their_quotas(  # type: ignore[no-untyped-def]
    page_at, login, contest, width: int
) -> None:
    world, contest, _judges, _content, _form = contest
    organiser = page_at(width)
    login(organiser, world.province_admin)
    organiser.goto(f"/emulation/contests/{contest.pk}/")
    open_form(organiser, "add-category")
    organiser.fill("#id_category-name", "Bài viết")
    organiser.fill("#id_category-quota_a", "2")
    submit(organiser, "add-category")
    item = organiser.locator("[data-testid=category]", has_text="Bài viết")
    assert "A 2" in item.inner_text()
    item.locator("summary").click()
    item.locator("input[name$=-quota_a]").fill("9")
    with organiser.expect_navigation():
        item.get_by_role("button", name="Lưu").click()
    assert ("Giải A của thể loại “Bài viết”: các thể loại sẽ chia 09 giải, vượt số giải của cuộc thi là 06."
            in organiser.content())
    assert "A 2" in organiser.locator("[data-testid=category]").inner_text()  # unchanged
    round_item = organiser.locator("[data-testid=round]").first
    round_item.locator("summary").click()
    round_item.locator("input[name$=-name]").fill("Vòng chung khảo")
    with organiser.expect_navigation():
        round_item.get_by_role("button", name="Lưu").click()
    assert "Vòng chung khảo" in organiser.locator("[data-testid=rounds]").inner_text()
    open_form(organiser, "add-round")
    organiser.fill("#id_round-name", "Vòng phụ")
    submit(organiser, "add-round")
    assert "vòng cuối" in organiser.locator("[data-testid=ranking-rule]").inner_text()
    if width == 390:
        assert organiser.evaluate("document.documentElement.scrollWidth") <= 390
    spare = organiser.locator("[data-testid=round]", has_text="Vòng phụ")
    spare.locator("summary").click()
    with organiser.expect_navigation():
        spare.locator("[data-testid=delete-round]").click()
    assert organiser.locator("[data-testid=round]").count() == 1
    assert organiser.locator("[data-testid=ranking-rule]").count() == 0
