"""The demo province: shaped like a real one, reorganised on 1 July 2025, loaded idempotently."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from tuyengiao.demo import org as demo
from tuyengiao.org import services, tree
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit, UnitSuccession

pytestmark = pytest.mark.django_db


def test_the_demo_province_has_both_structures_and_loads_once() -> None:
    demo.load(io.StringIO())
    counts = (Unit.objects.count(), UnitSuccession.objects.count())
    demo.load(io.StringIO())
    assert (Unit.objects.count(), UnitSuccession.objects.count()) == counts

    province = Unit.objects.get(code=demo.PROVINCE_CODE)
    before, after = dt.date(2024, 6, 30), dt.date(2025, 7, 1)
    old_children = tree.children(province, before)
    assert [u.kind for u in old_children] == [UnitKind.DISTRICT] * 8
    old_communes = [u for u in tree.descendants(province, before, include_self=True) if u.kind == UnitKind.COMMUNE]
    assert len(old_communes) == 120
    new_children = tree.children(province, after)
    assert len(new_children) == 40 and {u.kind for u in new_children} == {UnitKind.COMMUNE}
    cells = Unit.objects.current().filter(kind=UnitKind.CELL).count()
    assert 1400 <= cells <= 1600
    assert services.member_total(province) == 47_600
    assert services.member_totals_on([province], before)[province.pk] == 47_600
    # Every old commune lives on in exactly one new commune.
    for commune in old_communes[:10]:
        [(successor, share)] = tree.successors(commune)
        assert successor.is_open and share == 1
    assert province.board.staff.count() >= 3
