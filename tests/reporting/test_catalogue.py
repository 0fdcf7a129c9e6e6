from __future__ import annotations

import pytest

from tuyengiao.core.exceptions import ImportRejected
from tuyengiao.reporting.catalogue import import_elements
from tuyengiao.reporting.models import DataElement


@pytest.mark.smoke
@pytest.mark.django_db
def test_the_catalogue_imports_with_vietnamese_headers_and_labels() -> None:
    data = (
        "Mã;Tên;Kiểu giá trị;Cách tổng hợp;Lĩnh vực\n"
        "HT_SO_BUOI;Số buổi học tập;integer;sum;study\n"
        "TL_DAT;Tỷ lệ đạt;Tỷ lệ phần trăm;Bình quân;Khoa giáo\n"
    ).encode()
    assert import_elements(data, "danh-muc.csv") == (2, 0)
    rate = DataElement.objects.get(code="TL_DAT")
    assert (rate.value_type, rate.aggregation, rate.work_field) == ("percent", "avg", "science")
    assert import_elements(data, "danh-muc.csv") == (0, 2)


@pytest.mark.django_db
def test_a_bad_catalogue_row_blocks_the_whole_import() -> None:
    data = ("code,name,aggregation\nGOOD_CODE,Tốt,sum\nbad code,Xấu,sum\nOTHER,Khác,median\n").encode()
    with pytest.raises(ImportRejected) as info:
        import_elements(data, "x.csv")
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "code"), (4, "aggregation")]
    assert not DataElement.objects.exists()
