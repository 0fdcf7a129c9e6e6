"""Odd input answers a 400 or a form error in Vietnamese, never a server error.

Periods outside a sensible range of years, paging parameters past what a database integer
holds, counts of 24 digits and numbers written with foreign digits, underscores or a percent
sign where a count is expected.
"""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.reporting.conftest import Catalogue, build_catalogue
from tests.support.personas import api_client_for, client_for
from tuyengiao.core.numbers import parse_count, parse_number
from tuyengiao.core.periods import FIRST_YEAR, LAST_YEAR, Period
from tuyengiao.org.models import Unit

HUGE = "9223372036854775808"  # one past the largest 64-bit integer
TWENTY_FOUR_DIGITS = "123456789012345678901234"


@pytest.fixture
def catalogue(world: World) -> Catalogue:
    return build_catalogue()



# --- periods --------------------------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize("code", ["0000S1", "999912", "0000", "1929", "2101Q1", "9999"])
def test_periods_outside_the_year_range_are_refused_in_vietnamese(code: str) -> None:
    with pytest.raises(ValueError, match=f"từ {FIRST_YEAR} đến {LAST_YEAR}"):
        Period.parse(code)


@pytest.mark.parametrize("code", ["1930", "1930S1", "2100Q4", "210012"])
def test_periods_at_the_edges_of_the_range_are_accepted(code: str) -> None:
    assert Period.parse(code).code == code


def test_shifting_past_the_range_is_refused() -> None:
    with pytest.raises(ValueError, match="từ 1930 đến 2100"):
        Period.parse("210012").shift(1)


@pytest.mark.parametrize("code", ["0000S1", "999912"])
def test_pages_answer_404_or_a_form_error_for_a_period_out_of_range(world: World, catalogue: Catalogue,
                                                                     code: str) -> None:
    client = client_for(world.commune_officer)
    entry = reverse("reporting:entry", args=[catalogue.monthly.pk, world.commune.pk, code])
    assert client.get(entry).status_code == 404
    dashboard = client.get(reverse("reporting:dashboard"), {"period": code})
    assert dashboard.status_code == 200
    assert "từ 1930 đến 2100" in dashboard.content.decode()
    pivot = client.get(reverse("reporting:pivot"), {"periods": code})
    assert pivot.status_code == 200
    assert "từ 1930 đến 2100" in pivot.content.decode()


@pytest.mark.parametrize("code", ["0000S1", "999912"])
def test_the_api_answers_400_for_a_period_out_of_range(world: World, catalogue: Catalogue, code: str) -> None:
    client = api_client_for(world.commune_officer)
    for url, params in [
        ("/api/dataValueSets/", {"dataSet": "BC_THANG", "orgUnit": "T.X1", "period": code}),
        ("/api/completeness/", {"dataSet": "BC_THANG", "orgUnit": "T.X1", "period": code}),
        ("/api/analytics/", {"dx": "HT_SO_BUOI", "ou": "T.X1", "pe": code}),
    ]:
        answer = client.get(url, params)
        assert answer.status_code == 400, (url, answer.content)
        assert "1930" in answer.content.decode()
    answer = client.post("/api/submissions/submit/", {"dataSet": "BC_THANG", "orgUnit": "T.X1", "period": code},
                         format="json")
    assert answer.status_code == 400


# --- paging ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"limit": HUGE}, {"offset": HUGE}, {"limit": "-1"}, {"offset": "-5"}, {"limit": "0"}, {"limit": "abc"},
     {"limit": "100000"}, {"limit": "1e3"}],
)
def test_paging_parameters_out_of_range_answer_400(world: World, params: dict[str, str]) -> None:
    answer = api_client_for(world.province_admin).get("/api/units/", params)
    assert answer.status_code == 400, answer.content
    assert set(answer.json()) <= {"limit", "offset"}


def test_page_sizes_up_to_the_maximum_are_served(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    from tuyengiao.api.pagination import BoundedLimitOffsetPagination

    top = BoundedLimitOffsetPagination.max_limit
    answer = api_client_for(world.province_admin).get("/api/units/", {"limit": str(top), "offset": "1"})
    assert answer.status_code == 200
    assert answer.json()["count"] == Unit.objects.count()
    over = api_client_for(world.province_admin).get("/api/units/", {"limit": str(top + 1)})
    assert over.status_code == 400
    assert str(top) in over.json()["limit"][0]


# --- counts ---------------------------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize(("text", "value"), [("47600", 47600), ("47.600", 47600), (" 12 ", 12), ("0", 0),
                                             ("1.200.000", 1_200_000)])
def test_counts_read_the_vietnamese_way(text: str, value: int) -> None:
    assert parse_count(text) == value


@pytest.mark.smoke
@pytest.mark.parametrize(
    "text",
    ["1_000", "١٢", "۱۲", "１２", "12%", "1,5", "-3", "1e3", "", "12 đv", "∞", "NaN", TWENTY_FOUR_DIGITS],
)
def test_counts_refuse_what_is_not_a_plain_whole_number(text: str) -> None:
    with pytest.raises(ValueError, match="“"):
        parse_count(text)


@pytest.mark.parametrize("text", ["1_000", "١٢", "１２", "1e3", "NaN", "Infinity"])
def test_numbers_refuse_foreign_digits_underscores_and_exponents(text: str) -> None:
    with pytest.raises(ValueError, match="không phải số"):
        parse_number(text)


def test_a_count_too_large_names_the_limit() -> None:
    with pytest.raises(ValueError, match=r"2\.147\.483\.647"):
        parse_count(TWENTY_FOUR_DIGITS)


def test_a_unit_import_with_a_24_digit_member_count_names_the_row(world: World) -> None:
    data = io.BytesIO(
        ("code,name,kind,parent_code,valid_from,member_count\n"
         "N.1,Chi bộ thôn Mới,chi bộ,T.X1,01/01/2024,12\n"
         f"N.2,Chi bộ thôn Lớn,chi bộ,T.X1,01/01/2024,{TWENTY_FOUR_DIGITS}\n"
         "N.3,Chi bộ thôn Ả Rập,chi bộ,T.X1,01/01/2024,١٢\n").encode()
    )
    data.name = "don-vi.csv"
    before = Unit.objects.count()
    response = client_for(world.province_admin).post(reverse("org:unit_import", args=[world.province.pk]),
                                                      {"file": data})
    assert response.status_code == 200
    body = response.content.decode()
    assert Unit.objects.count() == before
    assert "<td>3</td>" in body and "<td>4</td>" in body
    assert "2.147.483.647" in body


def test_campaign_figures_refuse_24_digits_and_foreign_digits(world: World) -> None:
    from tests.campaigns.test_campaigns import make_campaign
    from tuyengiao.campaigns.models import CampaignParticipation

    campaign = make_campaign(world)
    row = CampaignParticipation.objects.get(campaign=campaign, unit=world.cell)
    client = client_for(world.commune_officer)
    url = reverse("campaigns:participation_entry", args=[campaign.pk, world.commune.pk])
    for typed in (TWENTY_FOUR_DIGITS, "１２", "12%", "1_0"):
        response = client.post(url, {f"expected-{world.cell.pk}": "30", f"attended-{world.cell.pk}": typed})
        assert response.status_code == 200, typed
        assert "Chi bộ thôn Đông" in response.content.decode()
        row.refresh_from_db()
        assert row.attended is None
    answer = Client()
    answer.force_login(world.commune_officer)
    patched = answer.patch(f"/api/participations/{row.pk}/", {"attended": int(TWENTY_FOUR_DIGITS)},
                           content_type="application/json")
    assert patched.status_code == 400


def test_event_counts_refuse_full_width_digits_and_24_digits(world: World) -> None:
    from tuyengiao.campaigns.models import Campaign
    from tuyengiao.documents.models import Document
    from tuyengiao.events.forms import EventForm

    for typed in ("１２", TWENTY_FOUR_DIGITS, "1_000", "12%"):
        form = EventForm(
            {"expected_attendees": typed},
            units=Unit.objects.all(), documents=Document.objects.none(), campaigns=Campaign.objects.none(),
        )
        assert not form.is_valid()
        assert "expected_attendees" in form.errors, typed


# --- analytics bounds -----------------------------------------------------------------------


def test_an_analytics_request_too_large_is_refused_naming_the_limit_and_the_size(
    world: World, catalogue: Catalogue, settings  # type: ignore[no-untyped-def]
) -> None:
    settings.ANALYTICS_MAX_CELLS = 100
    months = ";".join(f"2024{m:02d}" for m in range(1, 13)) + ";" + ";".join(f"2025{m:02d}" for m in range(1, 13))
    answer = api_client_for(world.province_admin).get(
        "/api/analytics/",
        {"dx": "HT_SO_BUOI;HT_LUOT_DV;HT_DV_TRIEU_TAP", "pe": months, "ou": "T", "ou_mode": "descendants"},
    )
    assert answer.status_code == 400, answer.content
    text = answer.content.decode()
    # 3 elements × 24 months × the 6 units below the province
    assert "432 giá trị (3 chỉ tiêu × 24 kỳ × 6 đơn vị), vượt giới hạn 100" in text
    small = api_client_for(world.province_admin).get("/api/analytics/", {"dx": "HT_SO_BUOI", "pe": "2024", "ou": "T"})
    assert small.status_code == 200


def test_the_pivot_page_shows_the_same_bound(world: World, catalogue: Catalogue, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYTICS_MAX_CELLS = 5
    response = client_for(world.province_admin).get(
        reverse("reporting:pivot"),
        {"unit": world.province.pk, "periods": "2024S1;2024S2", "dx": "HT_SO_BUOI;HT_LUOT_DV", "rows": "descendants"},
    )
    assert response.status_code == 200
    assert "giới hạn" in response.content.decode()


@pytest.mark.parametrize("level", ["-1", "0", "abc", "١", HUGE])
def test_analytics_level_out_of_range_answers_400(world: World, catalogue: Catalogue, level: str) -> None:
    answer = api_client_for(world.province_admin).get(
        "/api/analytics/", {"dx": "HT_SO_BUOI", "pe": "2024", "ou": "T", "ou_mode": "descendants", "level": level}
    )
    assert answer.status_code == 400


@pytest.mark.postgres  # statement timeouts are a PostgreSQL setting
@pytest.mark.django_db(transaction=False)
def test_an_analytics_statement_past_the_timeout_answers_503_in_vietnamese(
    world: World, catalogue: Catalogue, settings  # type: ignore[no-untyped-def]
) -> None:
    from decimal import Decimal

    from django.db import connection

    from tuyengiao.core import providers


    def slow(unit_ids, period):  # type: ignore[no-untyped-def]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(2)")
        return {world.cell.pk: Decimal(1)}

    providers.register(providers.DerivedElement(code="CHAM_CHAP", name="Chậm chạp", compute=slow))
    settings.ANALYTICS_STATEMENT_TIMEOUT_MS = 200
    try:
        answer = api_client_for(world.province_admin).get("/api/analytics/", {"dx": "CHAM_CHAP", "pe": "2024", "ou": "T"})
    finally:
        providers._REGISTRY.pop("CHAM_CHAP", None)
    assert answer.status_code == 503, answer.content
    assert "dừng" in answer.json()["detail"]
    # the limit was lifted with the savepoint: the request's other statements run as before
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    fine = api_client_for(world.province_admin).get("/api/analytics/", {"dx": "HT_SO_BUOI", "pe": "2024", "ou": "T"})
    assert fine.status_code == 200
