"""Approving many reports at once, what changed since the last version sent, and the entry form's
order and fields."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.support.personas import client_for
from tuyengiao.core.periods import Period
from tuyengiao.reporting import approval, entry, services
from tuyengiao.reporting.codes import parse_codes
from tuyengiao.reporting.models import DataElement, DataSetElement, Status, Submission

MAY = Period.parse("202405")



def sent(world: World, catalogue: Catalogue, by_admin_for_other: bool = False) -> tuple[Submission, Submission]:
    services.save_value(world.commune_officer, catalogue.sessions, world.commune, MAY, "3", 0)
    first = services.submit(world.commune_officer, catalogue.monthly, world.commune, MAY)
    sender = world.province_admin if by_admin_for_other else world.other_commune_officer
    services.save_value(sender, catalogue.sessions, world.other_commune, MAY, "2", 0)
    second = services.submit(sender, catalogue.monthly, world.other_commune, MAY)
    return first, second


def test_bulk_approval_decides_each_report_and_names_each_refusal(world: World, catalogue: Catalogue) -> None:
    first, second = sent(world, catalogue, by_admin_for_other=True)
    result = approval.approve_many(world.province_admin, [first, second])
    assert [s.unit for s in result.approved] == [world.commune]
    assert [(s.unit, "tự gửi" in message) for s, message in result.refused] == [(world.other_commune, True)]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.SUBMITTED)


def test_the_approvals_page_approves_the_ticked_reports(world: World, catalogue: Catalogue) -> None:
    first, second = sent(world, catalogue, by_admin_for_other=True)
    client = client_for(world.province_admin)
    url = reverse("reporting:approvals", args=[catalogue.monthly.pk, world.district.pk, "202405"])
    page = client.get(url).content.decode()
    assert f'value="{first.pk}"' in page and "approval-card" in page and "Duyệt các báo cáo đã chọn" in page
    action = reverse("reporting:approve_selected", args=[catalogue.monthly.pk, world.district.pk, "202405"])
    answer = client.post(action, {"submission": [first.pk, second.pk]}, follow=True)
    body = answer.content.decode()
    assert "Đã duyệt 1 báo cáo: Đảng bộ xã Chí Linh" in body
    assert "Đảng bộ xã Tân Lập chưa được duyệt" in body and "tự gửi" in body
    # an outsider's ticks do nothing, and a page outside their subtree is 404
    outsider = client_for(world.other_commune_officer)
    assert outsider.post(action, {"submission": [second.pk]}).status_code == 404
    assert Submission.objects.get(pk=second.pk).status == Status.SUBMITTED


def test_the_api_approves_many_and_reports_refusals(world: World, catalogue: Catalogue) -> None:
    first, second = sent(world, catalogue, by_admin_for_other=True)
    client = APIClient()
    client.force_authenticate(world.province_admin)
    answer = client.post("/api/submissions/approve/", {"ids": [first.pk, second.pk, 999999]}, format="json")
    assert answer.status_code == 200
    data = answer.json()
    assert [s["orgUnit"] for s in data["approved"]] == ["T.X1"]
    assert [(r["id"], r.get("orgUnit")) for r in data["refused"]] == [(second.pk, "T.X2"), (999999, None)]
    assert client.post("/api/submissions/approve/", {"ids": "1"}, format="json").status_code == 400


def test_the_approver_sees_what_changed_since_the_last_version_sent(world: World, catalogue: Catalogue) -> None:
    officer = world.commune_officer
    services.save_value(officer, catalogue.sessions, world.commune, MAY, "3", 0)
    services.save_value(officer, catalogue.attendees, world.commune, MAY, "40", 0)
    services.save_value(officer, catalogue.expected, world.commune, MAY, "50", 0)
    sub = services.submit(officer, catalogue.monthly, world.commune, MAY)
    assert approval.changes_since_last(sub) is None  # a first sending
    services.return_(world.province_approver, sub, "Kiểm tra lại số lượt")
    services.save_value(officer, catalogue.attendees, world.commune, MAY, "1.045", None)
    services.save_value(officer, catalogue.expected, world.commune, MAY, "1.100", None)
    sub = services.submit(officer, catalogue.monthly, world.commune, MAY)
    changes = approval.changes_since_last(sub)
    assert [(c.label, c.old, c.new) for c in changes or []] == [
        ("Số lượt đảng viên tham gia", "40", "1.045"),
        ("Số đảng viên được triệu tập", "50", "1.100"),
    ]
    page = client_for(world.province_approver).get(
        reverse("reporting:approvals", args=[catalogue.monthly.pk, world.district.pk, "202405"])
    ).content.decode()
    assert "2 chỉ tiêu thay đổi so với lần gửi trước" in page and "<del>40</del>" in page


def test_entry_sections_follow_the_reports_numbering_and_long_text_is_a_textarea(
    world: World, catalogue: Catalogue
) -> None:
    titles = ["VI. Giáo dục lý luận", "VII. Lịch sử Đảng bộ", "II. Học tập và làm theo", "I. Học tập nghị quyết",
              "Khác", "V. Văn hóa", "VIII. Khoa giáo", "III. Kiểm tra, giám sát"]
    DataSetElement.objects.filter(dataset=catalogue.monthly).delete()
    for order, title in enumerate(titles):
        element = DataElement.objects.create(code=f"PHAN_{order}", name=f"Chỉ tiêu {order}")
        DataSetElement.objects.create(dataset=catalogue.monthly, element=element, section=title, order=order)
    hard = DataElement.objects.create(code="KHO_KHAN", name="Khó khăn, vướng mắc, kiến nghị", value_type="text")
    DataSetElement.objects.create(dataset=catalogue.monthly, element=hard, section="III. Kiểm tra, giám sát", order=20)
    form = entry.entry_form(world.commune_officer, catalogue.monthly, world.commune, MAY)
    assert [title.split(".")[0] for title, _fields in form.sections] == [
        "I", "II", "III", "V", "VI", "VII", "VIII", "Khác"
    ]
    tab = [f["tabindex"] for _t, fields in form.sections for f in fields]
    assert tab == list(range(1, len(tab) + 1))
    assert entry.field_tabindex(catalogue.monthly, hard) == 4  # I, II, III (two fields)
    page = client_for(world.commune_officer).get(
        reverse("reporting:entry", args=[catalogue.monthly.pk, world.commune.pk, "202405"])
    ).content.decode()
    assert page.index("I. Học tập nghị quyết") < page.index("II. Học tập và làm theo") < page.index("VI. Giáo")
    assert f'<textarea id="v-{hard.pk}" name="value"' in page


def test_code_lists_split_on_semicolons_commas_and_spaces() -> None:
    assert parse_codes("HT_SO_BUOI;TL_THAM_GIA, HT_SO_BUOI ,;2024S1 2024S2") == [
        "HT_SO_BUOI", "TL_THAM_GIA", "2024S1", "2024S2"
    ]
    assert parse_codes("") == [] and parse_codes(None) == []


def test_the_api_reads_comma_separated_code_lists_like_the_pivot(world: World, catalogue: Catalogue) -> None:
    services.save_value(world.province_admin, catalogue.sessions, world.commune, MAY, "3", None)
    client = APIClient()
    client.force_authenticate(world.province_approver)
    rows = client.get("/api/analytics/", {"dx": "HT_SO_BUOI,HT_LUOT_DV", "pe": "202405, 202404", "ou": "T.X1"})
    assert rows.status_code == 200 and ["HT_SO_BUOI", "202405", "T.X1", "3"] in rows.json()["rows"]
