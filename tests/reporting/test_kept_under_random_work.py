"""Whatever boards do, in whatever order — values typed and cleared through the one write path,
reports sent, approved, returned and unlocked, events recorded, moved and deleted, communes merged
and split — every kept aggregate row equals a recomputation from the raw values, and every kept
derived figure equals its provider run on read.

Committed for real (the derived figures follow their records through the task queue once a
transaction commits), so the examples build on each other's data: the property holds from any
state, not only from an empty one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tests.reporting.test_aggregates import assert_exact, reorganise_at_random
from tuyengiao.core import providers
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.periods import Period
from tuyengiao.events.models import Event, EventFormat, EventKind
from tuyengiao.org import tree
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.org.services import ReorganisationError
from tuyengiao.reporting import aggregates, analytics, approval, derived, report_counts, services
from tuyengiao.reporting.models import DataElement, DataSet, DataSetElement, Status, Submission

pytestmark = pytest.mark.django_db(transaction=True)

MONTHS = ["202401", "202402", "202406", "202407", "202412"]
ASKED = ["2024", "2024S2", "2024Q1", "202407"]
STEPS = ("value", "report", "event", "merge", "split")


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8)))


def _elements(catalogue: Catalogue) -> list[DataElement]:
    """Every aggregation type, each in the data sets of communes, districts and cells."""
    last = DataElement.objects.create(code="SO_DANG_KY", name="Số đăng ký", value_type="integer", aggregation="last")
    top = DataElement.objects.create(code="DIEM_CAO", name="Điểm cao nhất", value_type="integer", aggregation="max")
    for order, element in enumerate([last, top], start=10):
        for dataset in (catalogue.monthly, DataSet.objects.get(code="BC_CHI_BO")):
            DataSetElement.objects.create(dataset=dataset, element=element, section="Khác", order=order)
    return [catalogue.attendees, catalogue.rate, last, top]


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _kept_equal_on_read(root: Unit) -> None:
    """On today's structure any period; on the tree of the period, a month. (A kept figure, like a
    typed one, counts each month under the tree of that month's end, or where a unit that closed
    during the month last stood; computed on read, a longer period puts all its records under the
    tree of its last day.)"""
    elements = providers.kept()
    codes = [e.code for e in elements]
    for code in ASKED:
        period = Period.parse(code)
        for structure in ("current", "period"):
            if structure == "period" and not (code.isdigit() and len(code) == 6):
                continue
            for mode in ("self", "children", "descendants"):
                targets = {code: analytics.targets(root, mode, structure, period)}
                reference = analytics._derived(elements, [period], structure, targets)
                rows = analytics.values(codes, [code], root, mode, structure)
                assert {(r.dx, r.pe, r.ou_id): r.value for r in rows} == reference, (code, structure, mode)


steps = st.lists(
    st.tuples(st.sampled_from(STEPS), st.integers(0, 7), st.integers(0, 7), st.sampled_from(MONTHS),
              st.one_of(st.none(), st.integers(0, 400))),
    min_size=1,
    max_size=8,
)


# no shrinking: the examples share the database, so a smaller example would not replay the same state
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.generate])
@given(work=steps)
# a commune closes in the month one of its events was held: its figure counts where it last stood
@example(work=[("split", 0, 2, "202407", None), ("event", 0, 4, "202407", None),
               ("merge", 0, 4, "202401", None), ("report", 1, 3, "202412", None)])
def test_everything_kept_equals_a_recomputation_after_any_work(
    world: World, catalogue: Catalogue, work: list[tuple[str, int, int, str, int | None]]
) -> None:
    made = DataElement.objects.filter(code__in=["SO_DANG_KY", "DIEM_CAO"]).order_by("code")
    elements = [catalogue.attendees, catalogue.rate, *made] if made else _elements(catalogue)
    derived.keep_all(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    cells = DataSet.objects.get(code="BC_CHI_BO")
    for number, (kind, a, b, month, value) in enumerate(work):
        # each reorganisation a day after the tree's last change, from mid-2024
        day = max(tree.last_change() or dt.date(2024, 6, 30), dt.date(2024, 6, 30)) + dt.timedelta(days=1)
        units = list(Unit.objects.filter(kind__in=[UnitKind.COMMUNE, UnitKind.CELL]).order_by("pk"))
        unit = units[b % len(units)]
        try:
            if kind == "value":
                element = elements[a % len(elements)]
                raw = None if value is None else (str(min(value, 100)) if element == catalogue.rate else str(value))
                services.save_value(world.province_admin, element, unit, month, raw, None)
            elif kind == "report":
                dataset = catalogue.monthly if unit.kind == UnitKind.COMMUNE else cells
                sub = Submission.objects.filter(dataset=dataset, unit=unit, period=month).first()
                if sub is None or sub.status in (Status.DRAFT, Status.RETURNED):
                    approval.submit(world.province_admin, dataset, unit, month)
                elif a % 3 == 0:
                    approval.return_(world.province_approver, sub, "Xem lại số liệu")
                elif a % 3 == 1:
                    approval.approve(world.province_approver, sub)
                else:
                    approval.unlock(world.province_approver, sub, "Mở để sửa")
            elif kind == "event":
                mine = list(Event.objects.order_by("pk"))
                start = _at(Period.parse(month).start + dt.timedelta(days=a))
                # events are held by units that exist that day
                open_then = [u for u in units if u.is_open_on(start.date())]
                unit = open_then[b % len(open_then)]
                if mine and a % 3 == 0:
                    mine[b % len(mine)].delete()
                elif mine and a % 3 == 1:
                    moved = mine[b % len(mine)]
                    moved.unit, moved.start, moved.end = unit, start, start + dt.timedelta(hours=2)
                    moved.save()
                else:
                    Event.objects.create(unit=unit, kind=EventKind.STUDY_SESSION, title="Học tập chuyên đề",
                                         start=start, end=start + dt.timedelta(hours=2), format=EventFormat.HYBRID,
                                         present_attendees=value)
            else:
                reorganise_at_random(kind, a, b, f"{kind[0].upper()}{day:%m%d}{number}", day, world.district)
        except (UserError, ReorganisationError):
            continue  # refused as a board would be refused: nothing changed
    _run_worker()
    assert aggregates.check() == []
    assert report_counts.check() == []
    assert_exact(elements)
    _kept_equal_on_read(world.province)
