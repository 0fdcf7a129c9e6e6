"""The ``import_data_elements`` command: creates and updates by code, all or nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tuyengiao.reporting.models import DataElement

pytestmark = pytest.mark.django_db


def test_it_creates_then_updates_elements_from_a_csv_with_vietnamese_headers(tmp_path: Path) -> None:
    first = tmp_path / "chi-tieu.csv"
    first.write_text(
        "Mã,Tên,Kiểu giá trị,Cách tổng hợp\n"
        "HT_SO_BUOI,Số buổi học tập,integer,sum\n"
        "HT_TY_LE,Tỷ lệ tham gia,percent,avg\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_data_elements", str(first), stdout=out)
    assert "2 mới, 0 cập nhật" in out.getvalue()
    assert DataElement.objects.get(code="HT_TY_LE").aggregation == "avg"
    first.write_text("code,name\nHT_SO_BUOI,Số buổi học tập, quán triệt\n", encoding="utf-8")
    out = StringIO()
    call_command("import_data_elements", str(first), stdout=out)
    assert "0 mới, 1 cập nhật" in out.getvalue()


def test_it_names_every_bad_row_and_saves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "loi.csv"
    bad.write_text(
        "code,name,value_type\n"
        "HT_SO_BUOI,Số buổi,integer\n"
        "sai ma,Tên,integer\n"
        "HT_KHAC,,kiểu lạ\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_data_elements", str(bad), stderr=err)
    text = err.getvalue()
    assert "3" in text and "SAI MA" in text and "4" in text and "kiểu lạ" in text
    assert not DataElement.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_data_elements", str(tmp_path / "khong-co.csv"))
