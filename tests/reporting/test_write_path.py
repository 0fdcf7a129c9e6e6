"""The one write path in a few statements: values, their kept aggregates and the audit move together."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import World
from tests.reporting.conftest import Catalogue
from tuyengiao.core.exceptions import ConflictError
from tuyengiao.core.periods import Period
from tuyengiao.reporting import aggregates, entry
from tuyengiao.reporting.models import Aggregate, DataValue

pytestmark = pytest.mark.django_db

MAY = Period.parse("202405")


def statements(ctx: CaptureQueriesContext) -> list[str]:
    """What the database was asked, without the savepoints of the test's own transaction."""
    return [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]


def audit(unit_code: str, period: str) -> list[LogEntry]:
    return list(LogEntry.objects.filter(object_pk=f"{unit_code}:{period}").order_by("pk"))


@pytest.mark.postgres
def test_a_save_costs_the_same_few_statements_for_one_value_or_many(world: World, catalogue: Catalogue) -> None:
    user = world.province_admin
    entry.save_values(user, world.cell, MAY, [entry.ValueInput(catalogue.attendees, "3", 0)])
    with CaptureQueriesContext(connection) as one:
        entry.save_values(user, world.cell, MAY, [entry.ValueInput(catalogue.attendees, "5", 1)])
    # the data sets, the locking reports, the stored values, the update, the aggregates with the audit
    assert len(statements(one)) == 5, statements(one)

    cells = [(unit, Period.parse(code)) for unit in (world.cell, world.other_cell) for code in ("202406", "202407")]
    entries = [entry.Entry(unit, period, element, str(n), None)
               for n, (unit, period) in enumerate([*cells, (world.cell, MAY)])
               for element in (catalogue.sessions, catalogue.attendees)]
    entries += [entry.Entry(world.commune, MAY, catalogue.attendees, "8", None),
                entry.Entry(world.commune, MAY, catalogue.note, "Có 2 buổi trực tuyến", None)]
    changes, errors = entry.check_entries(user, entries)
    assert errors == []
    with CaptureQueriesContext(connection) as many:
        assert entry.do_save_entries(user, changes) == len(entries)
    # the locking reports, the inserts, the updates, the aggregates with the audit
    assert len(statements(many)) == 4, statements(many)
    assert aggregates.check() == []


@pytest.mark.postgres
def test_a_value_kept_by_last_saves_with_its_audit_in_as_few_statements(world: World, catalogue: Catalogue) -> None:
    """The save of a figure kept by its latest value (members registered) reads the unit's values of
    the year once and writes its rows with the audit in one statement; nothing is recomputed."""
    from tuyengiao.reporting.models import DataElement, DataSetElement

    registered = DataElement.objects.create(code="SO_DANG_KY", name="Số đăng ký", value_type="integer",
                                            aggregation="last")
    DataSetElement.objects.create(dataset=catalogue.monthly, element=registered, section="Học tập", order=9)
    user = world.province_admin
    entry.save_values(user, world.commune, "202404", [entry.ValueInput(registered, "30", None)])
    with CaptureQueriesContext(connection) as saved:
        entry.save_values(user, world.commune, MAY, [entry.ValueInput(registered, "32", None)])
    # the data sets, the locking reports, the stored values, the insert, the lock of the unit's
    # element, its landings and groups, its values of the year, the rows with the audit
    assert len(statements(saved)) == 8, statements(saved)
    assert not [q for q in statements(saved) if "CREATE TEMP" in q]
    assert audit(world.commune.code, MAY.code)[-1].changes == {"SO_DANG_KY": [None, "32"]}
    assert aggregates.check() == []
    year = aggregates.read([registered], [Period.parse("2024")], {"2024": [world.province]}, "period")
    assert year[(registered.code, "2024", world.province.pk)] == Decimal(32)


def test_the_audit_names_every_value_changed_once_per_unit_and_period(world: World, catalogue: Catalogue) -> None:
    user = world.province_admin
    entry.save_values(user, world.commune, MAY, [entry.ValueInput(catalogue.attendees, "1.250", 0)])
    entry.save_values(user, world.commune, MAY, [
        entry.ValueInput(catalogue.attendees, "1.300", 1),  # changed
        entry.ValueInput(catalogue.sessions, "4", 0),  # new
        entry.ValueInput(catalogue.note, "Có 2 buổi trực tuyến", 0),  # new text
    ])
    entry.save_values(user, world.commune, MAY, [entry.ValueInput(catalogue.attendees, "", 2)])  # cleared
    first, second, third = audit(world.commune.code, MAY.code)
    assert first.changes == {"HT_LUOT_DV": [None, "1250"]}
    assert second.changes == {"HT_LUOT_DV": ["1250", "1300"], "HT_SO_BUOI": [None, "4"],
                              "GHI_CHU": [None, "Có 2 buổi trực tuyến"]}
    assert third.changes == {"HT_LUOT_DV": ["1300", ""]}
    assert second.actor == user and second.action == LogEntry.Action.UPDATE
    assert second.object_repr == f"{world.commune.code} {MAY.code}: 3"
    assert second.additional_data == {"unit_path": world.commune.path, "period": MAY.code}
    assert second.content_type.model_class() is DataValue


def test_a_value_typed_again_as_it_is_stored_writes_nothing(world: World, catalogue: Catalogue) -> None:
    user = world.province_admin
    entry.save_values(user, world.cell, MAY, [entry.ValueInput(catalogue.attendees, "7", 0)])
    assert entry.save_values(user, world.cell, MAY, [entry.ValueInput(catalogue.attendees, "7,0", None)]) == 0
    assert DataValue.objects.get(element=catalogue.attendees).version == 1
    assert len(audit(world.cell.code, MAY.code)) == 1


def test_values_written_and_cleared_move_the_kept_rows_exactly(world: World, catalogue: Catalogue) -> None:
    user = world.province_admin
    entry.save_values(user, world.commune, MAY, [entry.ValueInput(catalogue.attendees, "10", 0),
                                                 entry.ValueInput(catalogue.rate, "40", 0)])
    entry.save_values(user, world.other_commune, MAY, [entry.ValueInput(catalogue.attendees, "5", 0)])
    row = Aggregate.objects.get(structure="p", element=catalogue.attendees, period=MAY.code, unit=world.province)
    assert (row.total, row.count, row.maximum) == (Decimal(15), 2, Decimal(10))
    entry.save_values(user, world.commune, MAY, [entry.ValueInput(catalogue.attendees, "", 1),
                                                 entry.ValueInput(catalogue.rate, "", 1)])
    row = Aggregate.objects.get(structure="p", element=catalogue.attendees, period=MAY.code, unit=world.province)
    assert (row.total, row.count) == (Decimal(5), 1)
    # the rate's only value went away: its rows go with it
    assert not Aggregate.objects.filter(element=catalogue.rate).exists()
    assert aggregates.check() == []


def test_a_value_overtaken_after_the_check_refuses_the_whole_save_and_names_it(
    world: World, catalogue: Catalogue
) -> None:
    user = world.province_admin
    entry.save_values(user, world.cell, MAY, [entry.ValueInput(catalogue.attendees, "10", 0)])
    checked, errors = entry.check_entries(user, [entry.Entry(world.cell, MAY, catalogue.sessions, "3", 0),
                                                 entry.Entry(world.cell, MAY, catalogue.attendees, "11", 1)])
    assert errors == []
    # a colleague saves between the check and the write
    entry.save_values(world.commune_officer, world.cell, MAY, [entry.ValueInput(catalogue.attendees, "12", 1)])
    before = list(Aggregate.objects.order_by("structure", "unit_id").values_list("total", flat=True))
    with pytest.raises(ConflictError) as refused:
        entry.do_save_entries(user, checked)
    assert catalogue.attendees.label in refused.value.message and "12" in refused.value.message
    assert not DataValue.objects.filter(element=catalogue.sessions).exists()
    assert list(Aggregate.objects.order_by("structure", "unit_id").values_list("total", flat=True)) == before
    assert len(audit(world.cell.code, MAY.code)) == 2


def test_a_value_someone_else_inserted_meanwhile_is_overwritten_or_a_conflict(
    world: World, catalogue: Catalogue
) -> None:
    user = world.province_admin
    blind, _errors = entry.check_entries(user, [entry.Entry(world.cell, MAY, catalogue.attendees, "9", None)])
    careful, _errors = entry.check_entries(user, [entry.Entry(world.cell, MAY, catalogue.sessions, "2", 0)])
    entry.save_values(world.commune_officer, world.cell, MAY, [entry.ValueInput(catalogue.attendees, "4", 0),
                                                               entry.ValueInput(catalogue.sessions, "1", 0)])
    # without a version the value is written over; "I saw no value" is a conflict
    assert entry.do_save_entries(user, blind) == 1
    with pytest.raises(ConflictError):
        entry.do_save_entries(user, careful)
    assert DataValue.objects.get(element=catalogue.attendees).value == Decimal(9)
    assert DataValue.objects.get(element=catalogue.sessions).value == Decimal(1)
    assert audit(world.cell.code, MAY.code)[-1].changes == {"HT_LUOT_DV": ["4", "9"]}
    assert aggregates.check() == []
