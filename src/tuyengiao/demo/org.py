"""The demo province "Long Sơn": fictional, but shaped like a real one.

Before 1 July 2025: province → 8 districts → 120 communes → about 1,500 cells. On that day the
districts close and the communes merge in threes into 40 new communes directly under the province;
their cells move with them. About 47,600 members in all.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db import transaction

from tuyengiao.org.choices import CommitteeRole, Role, StaffTitle, UnitKind
from tuyengiao.org.models import Assignment, Board, StaffPosition, Unit
from tuyengiao.org.services import NewUnit, Reorganisation, _open_unit, reorganise

PROVINCE_CODE = "LS"
FOUNDED = dt.date(2010, 1, 1)
REORGANISED = dt.date(2025, 7, 1)
TOTAL_MEMBERS = 47_600
PASSWORD = "TuyenGiao@2025"  # noqa: S105 - the printed demo password

DISTRICTS = [
    ("Thành phố Long Sơn", "Thành ủy"), ("Thị xã Bình Minh", "Thị ủy"), ("Huyện Tam Nông", "Huyện ủy"),
    ("Huyện Đồng Hỷ", "Huyện ủy"), ("Huyện Yên Lạc", "Huyện ủy"), ("Huyện Thạch An", "Huyện ủy"),
    ("Huyện Ân Thi", "Huyện ủy"), ("Huyện Bảo Lâm", "Huyện ủy"),
]
_FIRST = ["Tân", "Hòa", "Đồng", "Phú", "An", "Minh", "Hưng", "Thanh", "Vĩnh", "Quang", "Đại", "Bình",
          "Xuân", "Hợp", "Thượng", "Nam", "Bắc", "Đông", "Tây", "Ngọc", "Kim", "Phúc", "Long", "Cẩm"]
_SECOND = ["Lập", "Bình", "Tâm", "Xuân", "Khánh", "Đức", "Đạo", "Sơn", "Hà", "Thịnh", "Phong", "Lộc",
           "Tiến", "Thành", "Yên", "Hưng", "Lợi", "Trung", "Quý", "Nghĩa"]
_CELLS = ["Chi bộ thôn {place} {n}", "Chi bộ khu dân cư {place} {n}", "Chi bộ xóm {place} {n}"]
_SPECIAL_CELLS = ["Chi bộ Trường Tiểu học {place}", "Chi bộ Trạm Y tế {place}", "Chi bộ Công an {place}"]
_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
_MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hồng", "Quốc", "Thanh", "Ngọc", "Hữu"]
_GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Long", "Mai",
          "Nam", "Nga", "Phương", "Quân", "Sơn", "Thảo", "Trung", "Tuấn", "Vân", "Yến"]

USERS = [
    # username, full name, role, unit code, superuser, description
    ("quantri", "Quản trị hệ thống", None, None, True, "quản trị hệ thống (trang quản trị Django)"),
    ("tinh.quantri", "Nguyễn Thị Thu Hà", Role.UNIT_ADMIN, PROVINCE_CODE, False,
     "quản trị Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("tinh.pheduyet", "Trần Quốc Hùng", Role.APPROVER, PROVINCE_CODE, False, "phê duyệt báo cáo cấp tỉnh"),
    ("xa.nhaplieu", "Lê Thị Mai", Role.DATA_ENTRY, "LS.XM01", False, "cán bộ nhập liệu xã Chí Linh"),
    ("chibo.bithu", "Phạm Văn Nam", Role.DATA_ENTRY, "LS.XM01.C01", False, "bí thư chi bộ"),
    ("dangvien", "Hoàng Minh Quân", Role.VIEWER, "LS.XM01.C01", False, "đảng viên"),
]


def loaded_province() -> Unit | None:
    """The demo province, once loaded: every other domain's demo builds on it."""
    return Unit.objects.filter(code=PROVINCE_CODE).first()


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_SURNAMES)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


def _commune_names(rng: random.Random, count: int) -> list[str]:
    names = [f"{a} {b}" for a in _FIRST for b in _SECOND if a != b]
    rng.shuffle(names)
    return names[:count]


def _board(unit: Unit, name: str, rng: random.Random, head_role: str = "", since: dt.date = FOUNDED) -> None:
    phone = f"0{rng.randint(200, 299)}.{rng.randint(3000000, 3999999)}"
    board = Board.objects.create(unit=unit, name=name, phone=phone)
    StaffPosition.objects.create(board=board, full_name=_person(rng), title=StaffTitle.HEAD,
                                 committee_role=head_role, start=since)
    StaffPosition.objects.create(board=board, full_name=_person(rng), title=StaffTitle.DEPUTY_HEAD, start=since)
    StaffPosition.objects.create(board=board, full_name=_person(rng), title=StaffTitle.MEMBER, start=since)


def _member_counts(rng: random.Random, cells: int, total: int) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(cells)]
    scale = total / sum(weights)
    counts = [max(5, round(w * scale)) for w in weights]
    counts[-1] += total - sum(counts)
    return counts


@transaction.atomic
def build_structure() -> Unit:
    rng = random.Random(2025)
    province = _open_unit(PROVINCE_CODE, "Đảng bộ tỉnh Long Sơn", UnitKind.PROVINCE, None, FOUNDED)
    _board(province, "Ban Tuyên giáo và Dân vận Tỉnh ủy Long Sơn", rng, CommitteeRole.STANDING_MEMBER)
    names = _commune_names(rng, 120)
    names[0] = "Chí Linh"
    communes: list[Unit] = []
    cell_specs: list[tuple[Unit, str, str]] = []
    for d_index, (district_name, committee) in enumerate(DISTRICTS, start=1):
        district = _open_unit(f"LS.H{d_index:02d}", f"Đảng bộ {district_name}", UnitKind.DISTRICT, province, FOUNDED)
        place = district_name.split(" ", 2)[-1]
        _board(district, f"Ban Tuyên giáo {committee} {place}", rng)
        for c_index in range(15):
            number = (d_index - 1) * 15 + c_index + 1
            kind_word = "Phường" if d_index <= 2 and 0 < c_index < 7 else "Xã"
            commune = _open_unit(f"LS.X{number:03d}", f"Đảng bộ {kind_word.lower()} {names[number - 1]}",
                                 UnitKind.COMMUNE, district, FOUNDED)
            communes.append(commune)
            cell_count = 12 + (number % 3 == 0)
            for k in range(cell_count):
                place = names[number - 1]
                if k < 3:
                    cell_name = _SPECIAL_CELLS[k].format(place=place)
                else:
                    cell_name = rng.choice(_CELLS).format(place=place, n=k - 2)
                cell_specs.append((commune, f"{commune.code}.C{k + 1:02d}", cell_name))
    counts = _member_counts(rng, len(cell_specs), TOTAL_MEMBERS)
    for (commune, code, name), members in zip(cell_specs, counts, strict=True):
        _open_unit(code, name, UnitKind.CELL, commune, FOUNDED, members)
    return province


@transaction.atomic
def reorganise_2025(province: Unit) -> None:
    """Merge the communes in threes (within each district) and close the districts."""
    rng = random.Random(701)
    communes = list(Unit.objects.filter(kind=UnitKind.COMMUNE, parent__kind=UnitKind.DISTRICT).order_by("code"))
    for group_index in range(0, len(communes), 3):
        group = communes[group_index:group_index + 3]
        number = group_index // 3 + 1
        new_name = group[0].name  # the merged commune keeps the first one's name
        code = f"LS.XM{number:02d}"

        reorganise(Reorganisation(
            date=REORGANISED, close=group,
            open=[NewUnit(code=code, name=new_name, kind=UnitKind.COMMUNE, parent=province)],
            note="Sắp xếp đơn vị hành chính cấp xã, vận hành chính quyền địa phương hai cấp",
        ))
        new = Unit.objects.get(code=code)
        _board(new, f"Ban Tuyên giáo và Dân vận {new_name.replace('Đảng bộ', 'Đảng ủy')}", rng,
               CommitteeRole.DEPUTY_SECRETARY, since=REORGANISED)
    # Renumber the moved cells of the first new commune so demo users have stable codes.
    first = Unit.objects.get(code="LS.XM01")
    for index, cell in enumerate(Unit.objects.filter(parent=first).order_by("code"), start=1):
        if index == 1:
            cell.code = "LS.XM01.C01"
            cell.save(update_fields=["code", "search_text"])
    for district in Unit.objects.filter(kind=UnitKind.DISTRICT, valid_to__isnull=True):
        reorganise(Reorganisation(date=REORGANISED, close=[district], note="Kết thúc hoạt động cấp huyện"))


def create_users() -> None:
    User = get_user_model()
    for username, full_name, role, unit_code, superuser, _desc in USERS:
        if User.objects.filter(username=username).exists():
            continue
        last, _, first = full_name.rpartition(" ")
        user = User.objects.create_user(username=username, password=PASSWORD, first_name=first, last_name=last,
                                        is_staff=superuser, is_superuser=superuser)
        if role and unit_code:
            Assignment.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=role)


def load(stdout: Any) -> None:
    if loaded_province() is not None:
        stdout.write("  tổ chức: đã có, bỏ qua")
    else:
        with disable_auditlog():
            province = build_structure()
            reorganise_2025(province)
        stdout.write(f"  tổ chức: {Unit.objects.count()} đơn vị")
    create_users()


def print_logins(stdout: Any) -> None:
    stdout.write(f"\nTài khoản dùng thử (mật khẩu chung: {PASSWORD})")
    for username, full_name, _role, _unit, _su, desc in USERS:
        stdout.write(f"  {username:<14} {full_name:<22} {desc}")
