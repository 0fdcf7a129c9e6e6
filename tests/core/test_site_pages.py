"""The pages every user shares: Vietnamese error pages with the menu, each role's home, the menu's
entries, the large-text setting and dates typed as dd/mm/yyyy. DEBUG is off, as in production."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone

from tests.conftest import World
from tuyengiao.campaigns import services as campaigns
from tuyengiao.core.forms import VNDateInput, parse_vn_date
from tuyengiao.org.forms import AsOfForm

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def assert_site_page(body: str) -> None:
    assert '<html lang="vi"' in body
    assert "Danh mục" in body  # the site menu
    assert 'href="/"' in body  # a way back


@override_settings(DEBUG=False)
def test_an_unknown_page_is_a_vietnamese_404_with_the_menu_and_a_way_home(world: World) -> None:
    response = client_for(world.member).get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in body
    assert_site_page(body)


@override_settings(DEBUG=False)
def test_a_forbidden_page_is_a_vietnamese_403_with_the_menu(world: World) -> None:
    response = client_for(world.member).get(reverse("org:audit_log"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Bạn không có quyền thực hiện việc này" in body
    assert_site_page(body)


@override_settings(DEBUG=False)
def test_a_server_error_is_a_vietnamese_500_with_the_menu(world: World) -> None:
    request = RequestFactory().get("/")
    request.user = world.member
    handler = get_resolver().resolve_error_handler(500)
    response = handler(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in body
    assert_site_page(body)


@override_settings(DEBUG=False)
def test_a_form_sent_without_its_token_gets_the_vietnamese_csrf_page(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    response = client.post(reverse("text_size"), {"size": "large"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in body
    assert_site_page(body)


def test_large_text_is_kept_and_set_on_the_html_element(world: World) -> None:
    client = client_for(world.member)
    assert 'class="large-text"' not in client.get(reverse("org:unit_tree")).content.decode()
    response = client.post(reverse("text_size"), {"size": "large", "next": "/org/"})
    assert response.status_code == 302 and response["Location"] == "/org/"
    assert 'class="large-text"' in client.get(reverse("org:unit_tree")).content.decode()
    client.post(reverse("text_size"), {"size": "normal", "next": "https://example.com/"})
    assert 'class="large-text"' not in client.get(reverse("org:unit_tree")).content.decode()


def test_the_text_size_setting_never_sends_a_user_to_another_site(world: World) -> None:
    response = client_for(world.member).post(reverse("text_size"), {"size": "large", "next": "https://example.com/"})
    assert response["Location"] == "/"


def test_a_member_lands_on_the_cells_campaigns_not_on_an_admin_card(world: World) -> None:
    today = timezone.localdate()
    campaigns.create_campaign(world.province_admin, campaigns.CampaignData(
        title="Học tập Nghị quyết 57-NQ/TW", unit=world.province, scope=world.province,
        start=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=30), target_rate=Decimal(90)))
    campaigns.create_campaign(world.province_admin, campaigns.CampaignData(
        title="Chuyên đề riêng của xã Tân Lập", unit=world.other_commune, scope=world.other_commune,
        start=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=30)))
    response = client_for(world.member).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Học tập Nghị quyết 57-NQ/TW" in body and "Tân Lập" not in body
    assert "Sự kiện sắp tới" in body and "Văn bản mới" in body
    assert "ban tuyên giáo" not in body.lower()


def test_an_officer_still_lands_on_their_unit(world: World) -> None:
    response = client_for(world.commune_officer).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("org:unit_detail", args=[world.commune.pk])


def test_the_menu_names_the_person_and_offers_the_api_only_to_admins(world: World) -> None:
    world.member.last_name, world.member.first_name = "Nguyễn", "Văn An"
    world.member.save()
    member_page = client_for(world.member).get(reverse("org:unit_tree")).content.decode()
    assert "(Nguyễn Văn An)</button>" in member_page
    assert reverse("api-docs") not in member_page and ">API<" not in member_page
    admin_page = client_for(world.province_admin).get(reverse("org:unit_tree")).content.decode()
    assert reverse("api-docs") in admin_page and "(province_admin)</button>" in admin_page


def test_every_page_links_the_favicon_and_the_old_address_redirects(world: World) -> None:
    body = client_for(world.member).get(reverse("org:unit_tree")).content.decode()
    assert 'rel="icon"' in body
    response = Client().get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_dates_are_typed_and_shown_as_day_month_year() -> None:
    form = AsOfForm({"on": "01/06/2024"})
    assert form.is_valid() and form.cleaned_data["on"] == dt.date(2024, 6, 1)
    html = str(AsOfForm(initial={"on": dt.date(2024, 6, 1)})["on"])
    assert 'type="text"' in html and 'value="01/06/2024"' in html and 'inputmode="numeric"' in html
    assert parse_vn_date("28/12/2022") == dt.date(2022, 12, 28)
    assert parse_vn_date("2022-12-28") == dt.date(2022, 12, 28)
    with pytest.raises(ValueError):
        parse_vn_date("12/28/2022")


def test_a_model_forms_date_field_uses_the_day_month_year_box() -> None:
    from django import forms

    from tuyengiao.org.models import Unit

    class UnitDates(forms.ModelForm):
        class Meta:
            model = Unit
            fields = ["valid_from"]

    assert isinstance(UnitDates().fields["valid_from"].widget, VNDateInput)


def test_a_fields_error_is_tied_to_it_in_every_forms_field_group() -> None:
    from tuyengiao.org.forms import UnitImportForm

    form = AsOfForm({"on": "31/02/2024"})
    assert not form.is_valid()
    html = form["on"].as_field_group()
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_on_error"' in html
    assert 'id="id_on_error"' in html and html.index("<input") < html.index('id="id_on_error"')
    upload = UnitImportForm()["file"].as_field_group()
    assert 'aria-describedby="id_file_helptext"' in upload and 'id="id_file_helptext"' in upload


def test_a_charts_figures_are_a_table_with_headers_built_from_the_charts_data() -> None:
    from django.template import Context, Template

    html = Template("{% load a11y %}{% chart_figures 'Xu hướng' 'Kỳ' labels series %}").render(Context({
        "labels": ["6 tháng đầu năm 2025", "6 tháng cuối năm 2025"],
        "series": [{"name": "Lượt đảng viên", "data": [1250, None]}, {"name": "Số buổi", "data": [4]}],
    }))
    assert "<details" in html and '<th scope="col" class="num">Lượt đảng viên</th>' in html
    assert '<th scope="row">6 tháng đầu năm 2025</th><td class="num">1.250</td><td class="num">4</td>' in html
    assert '<th scope="row">6 tháng cuối năm 2025</th><td class="num">—</td><td class="num">—</td>' in html
