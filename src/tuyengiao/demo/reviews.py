"""Demo reviews of the province "Long Sơn" (LS) and two of its communes: the first half of 2025
finalised and numbered, the year 2025 as a draft. Self-contained: it needs only the demo units and
figures loaded before it, and running it twice changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

PROVINCE = "LS"
COMMUNES = ("LS.XM01", "LS.XM02")
FINAL_PERIOD, FINAL_ON = "2025S1", dt.date(2025, 7, 15)
DRAFT_PERIOD = "2025"

LESSONS = (
    "<p>Một là, cấp ủy các cấp quan tâm lãnh đạo, chỉ đạo sát sao; bám sát nhiệm vụ chính trị của địa phương.</p>"
    "<p>Hai là, chủ động nắm bắt tình hình tư tưởng, kịp thời định hướng thông tin.</p>"
)
DIRECTIONS = (
    "<p>Tiếp tục đổi mới nội dung, hình thức học tập, quán triệt nghị quyết; nâng cao tỷ lệ đảng viên tham gia.</p>"
    "<p>Đôn đốc các đơn vị mở đủ lớp bồi dưỡng lý luận chính trị theo kế hoạch.</p>"
)


def _settings(unit: Any) -> None:
    from tuyengiao.reviews.models import DocumentSettings

    if unit.code == PROVINCE:
        values = {"superior": "TỈNH ỦY LONG SƠN", "issuer": "BAN TUYÊN GIÁO VÀ DÂN VẬN", "symbol": "BTGDVTU",
                  "place": "Long Sơn", "signer_line": "K/T TRƯỞNG BAN", "signer_position": "PHÓ TRƯỞNG BAN",
                  "signer_name": "Trần Quốc Hùng",
                  "recipients": "Ban Tuyên giáo và Dân vận Trung ương (để b/c)\nThường trực Tỉnh ủy (để b/c)\n"
                                "Các đảng bộ trực thuộc\nLưu Văn phòng Ban"}
    else:
        place = unit.name.replace("Đảng bộ xã ", "").replace("Đảng bộ phường ", "")
        values = {"superior": "ĐẢNG ỦY " + unit.name.replace("Đảng bộ ", "").upper(), "issuer": "BAN XÂY DỰNG ĐẢNG",
                  "symbol": "BXDĐ", "place": place, "signer_line": "T/M BAN THƯỜNG VỤ",
                  "signer_position": "PHÓ BÍ THƯ", "signer_name": "Lê Thị Mai",
                  "recipients": "Ban Tuyên giáo và Dân vận Tỉnh ủy (để b/c)\nCác chi bộ trực thuộc\nLưu Văn phòng"}
    DocumentSettings.objects.update_or_create(unit=unit, defaults=values)


def load(stdout: Any) -> None:
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        _load(stdout)


def _load(stdout: Any) -> None:
    from django.contrib.auth import get_user_model

    from tuyengiao.core.exceptions import UserError
    from tuyengiao.org.models import Unit
    from tuyengiao.reviews import services
    from tuyengiao.reviews.models import Review

    operator = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if operator is None:
        stdout.write("  (no administrator account: demo reviews skipped)")
        return
    made = 0
    for unit in Unit.objects.filter(code__in=(PROVINCE, *COMMUNES)).order_by("path"):
        _settings(unit)
        for period, final in ((FINAL_PERIOD, True), (DRAFT_PERIOD, False)):
            if Review.objects.filter(unit=unit, period=period).exists():
                continue
            try:
                review = services.create(operator, unit, period)
            except UserError as exc:
                stdout.write(f"  {unit.code} {period}: {exc.message}")
                continue
            review = services.edit(operator, review, blocks={"lessons": LESSONS, "directions": DIRECTIONS})
            if final:
                services.finalise(operator, review, issued_on=FINAL_ON)
            made += 1
    stdout.write(f"  {made} review reports")
