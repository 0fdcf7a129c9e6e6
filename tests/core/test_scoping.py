"""The reach of every scoped record, for every role, inside and outside the user's subtree, with
the history of merged units: one Scope decides all of it.

The world: a province above a district above two communes, each with cells. Every kind of record
is placed on the province, the district, the officer's commune and its cell, and the other commune
and its cell; the officer is assigned to one commune in each role in turn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from tests.conftest import World, make_user
from tuyengiao.campaigns.models import Campaign, CampaignParticipation
from tuyengiao.campaigns.services import visible_campaigns
from tuyengiao.core.scoping import Reach, Visibility, scope_of
from tuyengiao.documents.models import Document
from tuyengiao.documents.services import visible_documents
from tuyengiao.events.models import Event
from tuyengiao.org.access import Scope, get_unit_for_user
from tuyengiao.org.choices import ROLE_ACTIONS, Action, Role, UnitKind
from tuyengiao.org.models import Assignment, Unit
from tuyengiao.org.services import NewUnit, Reorganisation, reorganise
from tuyengiao.reporting.models import DataElement, DataSet, DataValue, ImportJob, Submission

pytestmark = pytest.mark.django_db

ROLES = [Role.VIEWER, Role.DATA_ENTRY, Role.APPROVER, Role.UNIT_ADMIN]
ACTIONS = [Action.VIEW, Action.ENTER, Action.APPROVE, Action.ADMIN]
# The codes of the world's units (tests/conftest.py): the officer's commune is T.X1.
ABOVE = {"T", "T.H1"}
OWN = {"T.X1", "T.X1.C1"}
OUTSIDE = {"T.X2", "T.X2.C1"}
PLACES = sorted(ABOVE | OWN | OUTSIDE)

# How documents and campaigns are reached (their querysets declare the same at merge).
DOCUMENTS_REACH = (Visibility("unit", Reach.SUBTREE_AND_ABOVE),)
CAMPAIGNS_REACH = (Visibility("unit"), Visibility("scope", Reach.SUBTREE_AND_ABOVE))


@dataclass
class Records:
    owner: User  # starts the import jobs
    catalogue: DataSet


def _put_records(world: World) -> Records:
    """One record of every scoped kind on each place."""
    element = DataElement.objects.create(code="SCOPE_X", name="Chỉ tiêu thử", value_type="integer",
                                         aggregation="sum")
    dataset = DataSet.objects.create(code="BC_SCOPE", name="Báo cáo thử", period_type="month",
                                     unit_kinds=["commune"], due_days=5)
    owner = make_user("import_owner", None, None)
    start = timezone.make_aware(dt.datetime(2024, 5, 2, 8))
    for code in PLACES:
        unit = Unit.objects.get(code=code)
        Document.objects.create(unit=unit, issuer="politburo", kind="resolution", title=f"Văn bản {code}")
        Event.objects.create(unit=unit, kind="conference", title=f"Hội nghị {code}", start=start,
                             end=start + dt.timedelta(hours=2))
        campaign = Campaign.objects.create(title=f"Học tập {code}", unit=unit, scope=unit,
                                           start=dt.date(2024, 5, 1), deadline=dt.date(2024, 6, 30))
        CampaignParticipation.objects.create(campaign=campaign, unit=unit, expected=10)
        DataValue.objects.create(element=element, unit=unit, period="202405", value=1)
        Submission.objects.create(dataset=dataset, unit=unit, period="202405")
        ImportJob.objects.create(user=owner, unit=unit, dataset=dataset, period="202405", file_name=f"{code}.xlsx")
    return Records(owner=owner, catalogue=dataset)


def _officer(world: World, role: str, unit: Unit | None = None) -> User:
    return make_user(f"officer_{role}", unit or world.commune, role)


def _codes(queryset: object, field: str = "unit") -> set[str]:
    return set(queryset.values_list(f"{field}__code" if field else "code", flat=True))  # type: ignore[attr-defined]


def _expected(role: str, action: str, reach: set[str]) -> set[str]:
    return reach if action in ROLE_ACTIONS[role] else set()


@pytest.fixture
def records(world: World) -> Records:
    return _put_records(world)


# --- units ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_units_are_reached_in_the_officers_subtree_for_the_actions_of_the_role(
    world: World, role: str, action: str
) -> None:
    officer = _officer(world, role)
    reached = _codes(Unit.objects.restrict(officer, action), "") & set(PLACES)
    assert reached == _expected(role, action, OWN)
    scope = Scope.of(officer)
    for code in PLACES:
        unit = Unit.objects.get(code=code)
        assert scope.allows(unit, action) == (code in _expected(role, action, OWN))


@pytest.mark.parametrize("role", ROLES)
def test_a_unit_outside_answers_404_and_one_inside_without_the_role_403(world: World, role: str) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    officer = _officer(world, role)
    with pytest.raises(Http404):
        get_unit_for_user(officer, world.other_commune.pk, Action.VIEW)
    with pytest.raises(Http404):
        get_unit_for_user(officer, world.province.pk, Action.ADMIN)
    for action in ACTIONS:
        if action in ROLE_ACTIONS[role]:
            assert get_unit_for_user(officer, world.cell.pk, action) == world.cell
        else:
            with pytest.raises(PermissionDenied):
                get_unit_for_user(officer, world.cell.pk, action)


# --- records of the subtree -----------------------------------------------------------------


SUBTREE_MODELS = [Event, CampaignParticipation, DataValue, Submission]


@pytest.mark.parametrize("model", SUBTREE_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_records_of_the_subtree_are_reached_and_no_others(
    world: World, records: Records, model: type, role: str, action: str
) -> None:
    officer = _officer(world, role)
    assert _codes(model.objects.restrict(officer, action)) == _expected(role, action, OWN)  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_import_jobs_are_reached_in_the_subtree_and_always_by_whoever_started_them(
    world: World, records: Records, role: str, action: str
) -> None:
    officer = _officer(world, role)
    assert _codes(ImportJob.objects.restrict(officer, action)) == _expected(role, action, OWN)
    # The owner holds no assignment at all, yet views (only views) every job they started.
    assert _codes(ImportJob.objects.restrict(records.owner, Action.VIEW)) == set(PLACES)
    assert _codes(ImportJob.objects.restrict(records.owner, Action.ENTER)) == set()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_documents_issued_above_are_read_below_but_never_sideways(
    world: World, records: Records, role: str, action: str
) -> None:
    officer = _officer(world, role)
    reached = _codes(Scope.of(officer).filter(Document.objects.all(), action, DOCUMENTS_REACH))
    # read from above, changed only where the role is held
    assert reached == _expected(role, action, OWN | ABOVE if action == Action.VIEW else OWN)
    if action == Action.VIEW:  # the documents app's own rule says the same
        assert reached == _codes(visible_documents(officer))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_campaigns_are_reached_where_they_are_run_or_where_their_scope_reaches(
    world: World, records: Records, role: str, action: str
) -> None:
    officer = _officer(world, role)
    # A province-wide campaign run by the district reaches the officer's commune.
    Campaign.objects.create(title="Học tập toàn tỉnh", unit=world.district, scope=world.province,
                            start=dt.date(2024, 5, 1), deadline=dt.date(2024, 6, 30))
    reached = {c.title for c in Scope.of(officer).filter(Campaign.objects.all(), action, CAMPAIGNS_REACH)}
    wanted = {f"Học tập {code}" for code in OWN | ABOVE} | {"Học tập toàn tỉnh"}
    if action != Action.VIEW:  # changed only by those with the role over the organising unit
        wanted = {f"Học tập {code}" for code in OWN}
    assert reached == (wanted if action in ROLE_ACTIONS[role] else set())
    if action == Action.VIEW:
        assert reached == {c.title for c in visible_campaigns(officer)}


@pytest.mark.parametrize("role", ROLES)
def test_the_audit_log_is_read_in_the_subtree_administered(world: World, role: str) -> None:
    officer = _officer(world, role)
    scope = Scope.of(officer)
    entries = LogEntry.objects.filter(scope.path_q("additional_data__unit_path", Action.ADMIN))
    paths = set(entries.values_list("additional_data__unit_path", flat=True))
    if role == Role.UNIT_ADMIN:
        assert paths and all(p.startswith(world.commune.path) for p in paths)
        assert world.cell.path in paths
    else:
        assert paths == set()
    assert scope.reaches_anything(Action.ADMIN) == (role == Role.UNIT_ADMIN)


# --- history: the units a unit was made of --------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_an_officer_of_a_merged_commune_reaches_the_records_of_what_it_was_made_of(
    world: World, records: Records, role: str
) -> None:
    [merged] = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[world.commune, world.other_commune],
                                         open=[NewUnit("T.XM", "Xã Hợp Nhất", UnitKind.COMMUNE, world.district)]))
    officer = _officer(world, role, merged)
    every = OWN | OUTSIDE
    for model in SUBTREE_MODELS:
        assert _codes(model.objects.restrict(officer, Action.VIEW)) == every  # type: ignore[attr-defined]
    assert _codes(Unit.objects.restrict(officer), "") == every | {"T.XM", "T.X1.C2"}
    for action in ACTIONS:
        assert Scope.of(officer).allows(world.other_commune, action) == (action in ROLE_ACTIONS[role])


def test_a_chain_of_renames_and_merges_is_followed_to_the_first_unit(world: World, records: Records) -> None:
    renamed = reorganise(Reorganisation(date=dt.date(2020, 1, 1), close=[world.commune],
                                        open=[NewUnit("T.X1R", "Xã Chí Linh (tên mới)", UnitKind.COMMUNE,
                                                      world.district)]))[0]
    merged = reorganise(Reorganisation(date=dt.date(2025, 7, 1), close=[renamed, world.other_commune],
                                       open=[NewUnit("T.XM", "Xã Hợp Nhất", UnitKind.COMMUNE, world.district)]))[0]
    officer = _officer(world, Role.VIEWER, merged)
    assert _codes(Event.objects.restrict(officer)) == OWN | OUTSIDE
    assert _codes(Unit.objects.restrict(officer), "") >= {"T.X1", "T.X1R", "T.X2", "T.XM"}


# --- whole-tree users, strangers, the old entry points --------------------------------------


def test_a_superuser_reaches_everything_and_a_stranger_nothing(world: World, records: Records) -> None:
    root = User.objects.create_superuser("root", password="x")
    stranger = make_user("stranger", None, None)
    for model in [*SUBTREE_MODELS, ImportJob, Document, Campaign]:
        everything = model.objects.count()  # type: ignore[attr-defined]
        assert model.objects.restrict(root, Action.ADMIN).count() == everything  # type: ignore[attr-defined]
        assert model.objects.restrict(stranger, Action.VIEW).count() == 0  # type: ignore[attr-defined]
        assert model.objects.restrict(AnonymousUser(), Action.VIEW).count() == 0  # type: ignore[attr-defined]
    assert Scope.of(root).allows(world.other_cell, Action.ADMIN)
    assert not Scope.of(stranger).reaches_anything()


def test_conditions_and_prefixes_answer_as_the_restricted_queryset_does(world: World, records: Records) -> None:
    officer = world.commune_officer
    scope = Scope.of(officer)
    assert scope.prefixes(Action.ENTER) == (world.commune.path,)
    assert Scope.of(User.objects.create_superuser("root", password="x")).everything
    assert _codes(Event.objects.restrict(officer, Action.ENTER)) == OWN
    assert _codes(Event.objects.filter(scope.q("unit", Action.VIEW))) == OWN
    assert scope_of(officer) is scope


def test_the_scope_costs_one_query_per_request_whatever_is_asked(
    world: World, records: Records, django_assert_num_queries  # type: ignore[no-untyped-def]
) -> None:
    Assignment.objects.create(user=world.commune_officer, unit=world.other_commune, role=Role.VIEWER)
    officer = User.objects.get(pk=world.commune_officer.pk)
    with django_assert_num_queries(1):
        scope = Scope.of(officer)
        for action in ACTIONS:
            scope.allows(world.cell, action)
            Event.objects.restrict(officer, action).query  # noqa: B018 - built, not run
    assert Scope.of(officer) is scope


def test_a_scope_starts_afresh_for_a_new_request(world: World) -> None:
    """The scope lives on the user object of one request; the next request's user is new."""
    officer = User.objects.get(pk=world.member.pk)
    assert not Scope.of(officer).allows(world.other_cell)
    Assignment.objects.create(user=world.member, unit=world.other_commune, role=Role.VIEWER)
    assert not Scope.of(officer).allows(world.other_cell)
    assert Scope.of(User.objects.get(pk=world.member.pk)).allows(world.other_cell)

