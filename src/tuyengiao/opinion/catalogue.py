"""The catalogue of topics public concerns are grouped under (code, Vietnamese name)."""

from typing import Any

TOPICS = [
    ("DAT_DAI", "Đất đai, bồi thường, giải phóng mặt bằng"),
    ("DOI_SONG", "Giá cả, việc làm, đời sống nhân dân"),
    ("BO_MAY", "Sắp xếp tổ chức bộ máy, đơn vị hành chính"),
    ("Y_TE_GD", "Y tế, giáo dục"),
    ("MOI_TRUONG", "Môi trường, thiên tai"),
    ("THAM_NHUNG", "Phòng, chống tham nhũng, tiêu cực"),
    ("AN_NINH", "An ninh, trật tự, an toàn giao thông"),
    ("HA_TANG", "Hạ tầng, giao thông, xây dựng"),
    ("CHINH_SACH", "Chính sách an sinh xã hội"),
    ("KHAC", "Vấn đề khác"),
]


def install(topic_model: Any) -> None:
    """Add the catalogue's missing topics; the migration and the demo share it, so an emptied table refills."""
    for order, (code, name) in enumerate(TOPICS, start=1):
        topic_model.objects.get_or_create(code=code, defaults={"name": name, "order": order})
