"""One realistic small world with named personas, built through the same services the app uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from tuyengiao.org.choices import Role, UnitKind
from tuyengiao.org.models import Assignment, Unit
from tuyengiao.org.services import create_unit

PASSWORD = "Mat-khau-thu-2024"
FOUNDED = dt.date(2015, 1, 1)


@dataclass
class World:
    province: Unit
    district: Unit
    commune: Unit
    other_commune: Unit
    cell: Unit
    other_cell: Unit
    province_admin: User
    province_approver: User
    commune_officer: User
    other_commune_officer: User
    cell_secretary: User
    member: User


def make_user(username: str, unit: Unit | None, role: str | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    if unit is not None and role is not None:
        Assignment.objects.create(user=user, unit=unit, role=role)
    return user


def build_world() -> World:
    province = create_unit(code="T", name="Đảng bộ tỉnh Hòa An", kind=UnitKind.PROVINCE, parent=None, valid_from=FOUNDED)
    district = create_unit(code="T.H1", name="Đảng bộ huyện Đông Sơn", kind=UnitKind.DISTRICT, parent=province,
                           valid_from=FOUNDED)
    commune = create_unit(code="T.X1", name="Đảng bộ xã Chí Linh", kind=UnitKind.COMMUNE, parent=district,
                          valid_from=FOUNDED)
    other = create_unit(code="T.X2", name="Đảng bộ xã Tân Lập", kind=UnitKind.COMMUNE, parent=district,
                        valid_from=FOUNDED)
    cell = create_unit(code="T.X1.C1", name="Chi bộ thôn Đông", kind=UnitKind.CELL, parent=commune,
                       valid_from=FOUNDED, member_count=30)
    create_unit(code="T.X1.C2", name="Chi bộ thôn Đoài", kind=UnitKind.CELL, parent=commune,
                valid_from=FOUNDED, member_count=25)
    other_cell = create_unit(code="T.X2.C1", name="Chi bộ thôn Bắc", kind=UnitKind.CELL, parent=other,
                             valid_from=FOUNDED, member_count=40)
    return World(
        province=province, district=district, commune=commune, other_commune=other, cell=cell,
        other_cell=other_cell,
        province_admin=make_user("province_admin", province, Role.UNIT_ADMIN),
        province_approver=make_user("province_approver", province, Role.APPROVER),
        commune_officer=make_user("commune_officer", commune, Role.DATA_ENTRY),
        other_commune_officer=make_user("other_commune_officer", other, Role.DATA_ENTRY),
        cell_secretary=make_user("cell_secretary", cell, Role.DATA_ENTRY),
        member=make_user("member", cell, Role.VIEWER),
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()
