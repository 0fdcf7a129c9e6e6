"""The unit importer in two steps: ``check_units`` reads and refuses without writing,
``apply_units`` creates; the page shows the first errors of a huge bad file, with the count."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tuyengiao.core.exceptions import ImportRejected
from tuyengiao.org.importer import apply_units, check_units
from tuyengiao.org.models import Unit, today

GOOD = (
    "code,name,kind,parent_code,valid_from\n"
    "N.X,Đảng bộ xã Mới,xã,T.H1,01/01/2024\n"
    "N.C1,Chi bộ thôn Mới,chi bộ,N.X,02/01/2024\n"
)


def test_checking_writes_nothing_and_applying_creates_parents_first(world: World) -> None:
    before = Unit.objects.count()
    checked = check_units(GOOD.encode(), "don-vi.csv", scope_root=world.province)
    assert sorted(checked.rows) == ["N.C1", "N.X"] and Unit.objects.count() == before
    created = apply_units(checked).created
    assert [u.code for u in created] == ["N.X", "N.C1"]
    assert Unit.objects.get(code="N.C1").parent == Unit.objects.get(code="N.X")


def test_checking_refuses_codes_already_used_in_one_query(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    rows = "".join(f"T.X{n % 2 + 1},Tên {n},chi bộ,T.X1,01/01/2024\n" for n in range(300))
    with django_assert_max_num_queries(4), pytest.raises(ImportRejected) as refused:
        check_units(("code,name,kind,parent_code,valid_from\n" + rows).encode())
    assert refused.value.errors[0].message == "mã “T.X1” đã được dùng"


def test_a_unit_opening_ahead_of_today_is_refused_by_row_and_column(world: World) -> None:
    ahead = (today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    data = GOOD + f"N.C2,Chi bộ sắp lập,chi bộ,N.X,{ahead}\n"
    with pytest.raises(ImportRejected) as refused:
        check_units(data.encode(), "don-vi.csv", scope_root=world.province)
    assert [(e.row, e.column) for e in refused.value.errors] == [(4, "valid_from")]
    assert "chưa đến" in refused.value.errors[0].message
    assert not Unit.objects.filter(code__startswith="N.").exists()


def test_a_file_with_thousands_of_bad_rows_shows_the_first_two_hundred(world: World) -> None:
    client = Client()
    client.force_login(world.province_admin)
    rows = "".join(f"N.{n},,xóm,KHONG.CO,31/02/2024\n" for n in range(1000))
    data = io.BytesIO(("code,name,kind,parent_code,valid_from\n" + rows).encode())
    data.name = "don-vi.csv"
    body = client.post(reverse("org:unit_import", args=[world.province.pk]), {"file": data}).content.decode()
    assert body.count("<tr><td>") == 200
    assert "4000 lỗi" in body
