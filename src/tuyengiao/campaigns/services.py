"""Study campaigns: creating them over a scope, recording who attended, rolling the rate up the tree.

The participation rate of any unit is the sum of attended over the sum of expected of the cells
under it, computed in SQL by path prefix, so the province's rate is exactly the sum over its cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core import providers
from tuyengiao.core.exceptions import ImportRejected, RowError, UserError
from tuyengiao.core.html import plain_text
from tuyengiao.core.numbers import format_number
from tuyengiao.documents.services import visible_documents
from tuyengiao.events.services import session_totals
from tuyengiao.org import tree
from tuyengiao.org.access import Scope
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit
from tuyengiao.org.services import board_contacts

from .models import Audience, Campaign, CampaignParticipation, Source

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Who sees what


def visible_campaigns(user: User) -> QuerySet[Campaign]:
    """Campaigns organised in the user's subtrees, and those whose scope reaches into them."""
    return Campaign.objects.restrict(user, "view")


def root_for(user: User, campaign: Campaign) -> Unit:
    """The highest unit of the campaign the user may see: its scope, or their own unit inside it."""
    from django.http import Http404

    scope = Scope.of(user)
    if scope.allows(campaign.scope, "view"):
        return campaign.scope
    inside = scope.top_units("view").filter(path__startswith=campaign.scope.path).order_by("depth").first()
    if inside is None:
        raise Http404
    return inside


def visible_participations(user: User, campaign: Campaign) -> QuerySet[CampaignParticipation]:
    return CampaignParticipation.objects.filter(campaign=campaign).restrict(user, "view")


def cells_in(scope: Unit) -> QuerySet[Unit]:
    """The open cells of the scope's subtree today."""
    return Unit.objects.current().filter(kind=UnitKind.CELL, pk__in=tree.subtree_ids(scope))


# ---------------------------------------------------------------------------------------------
# Creating and changing campaigns


@dataclass
class CampaignData:
    title: str
    unit: Unit
    scope: Unit
    start: dt.date
    deadline: dt.date
    audience: str = Audience.ALL_MEMBERS
    target_rate: Decimal = Decimal("95")
    description: str = ""
    documents: list[Any] = field(default_factory=list)


def _check(user: User, data: CampaignData) -> None:
    if not Scope.of(user).allows(data.unit, "enter"):
        raise PermissionDenied
    if not Scope.of(user).allows(data.scope, "enter"):
        raise UserError(
            _("The scope “%(unit)s” is outside the units you are responsible for.") % {"unit": data.scope.name},
            field="scope",
        )
    if not data.scope.path.startswith(data.unit.path):
        raise UserError(
            _("The scope “%(scope)s” is not under the organising unit “%(unit)s”.")
            % {"scope": data.scope.name, "unit": data.unit.name},
            field="scope",
        )
    wanted = {d.pk for d in data.documents}
    if wanted and visible_documents(user).filter(pk__in=wanted).count() != len(wanted):
        raise UserError(_("Documents: one of them is outside the documents you can read."), field="documents")
    if data.deadline < data.start:
        raise UserError(_("The deadline is before the start."), field="deadline")
    if not (Decimal(0) <= Decimal(data.target_rate) <= Decimal(100)):
        raise UserError(_("The target rate must be between 0 and 100 percent."), field="target_rate")
    data.title = plain_text(data.title)
    data.description = plain_text(data.description)
    if not data.title:
        raise UserError(_("The campaign title is required."), field="title")


# Apps that keep member records (the handbook) count the members a campaign expects in their cells.
_member_counters: list[Any] = []


def register_member_counter(counter: Any) -> None:
    """``counter(cell ids)`` -> {cell id: members expected} for the cells it keeps records of."""
    if counter not in _member_counters:
        _member_counters.append(counter)


def expected_counts(audience: str, cells: list[Unit]) -> dict[int, int]:
    """How many of each cell's people a campaign expects, where the system knows it.

    All members: the cell's members (from its member records where it has them). Cadres and key
    cadres are not counted anywhere yet, so they are missing here and the cell is asked to type its number.
    """
    if audience == Audience.ALL_MEMBERS:
        counts = {c.pk: c.member_count for c in cells}
        for counter in _member_counters:
            counts.update(counter(list(counts)))
        return counts
    return {}


def sync_cells(campaign: Campaign, audience_changed: bool = False) -> int:
    """Give every open cell in the scope its row (expected as the audience says); drop rows left outside.

    When the audience changed, rows not reported yet take the new audience's expected count.
    """
    cells = list(cells_in(campaign.scope).only("pk", "member_count"))
    counts = expected_counts(campaign.audience, cells)
    have = set(campaign.participations.values_list("unit_id", flat=True))
    new = [
        CampaignParticipation(campaign=campaign, unit_id=c.pk, expected=counts.get(c.pk))
        for c in cells
        if c.pk not in have
    ]
    CampaignParticipation.objects.bulk_create(new, batch_size=1000)
    campaign.participations.exclude(unit__path__startswith=campaign.scope.path).delete()
    if audience_changed:
        waiting = list(campaign.participations.filter(attended__isnull=True))
        for row in waiting:
            row.expected = counts.get(row.unit_id)
        CampaignParticipation.objects.bulk_update(waiting, ["expected"], batch_size=1000)
    if new or audience_changed:
        # rows written in bulk send no signal: the campaign's places are every cell's (one query)
        providers.records_changed(Campaign, [campaign])
    return len(new)


def create_campaign(user: User, data: CampaignData) -> Campaign:
    _check(user, data)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=data.title,
            unit=data.unit,
            scope=data.scope,
            start=data.start,
            deadline=data.deadline,
            audience=data.audience,
            target_rate=data.target_rate,
            description=data.description,
        )
        campaign.documents.set(data.documents)
        sync_cells(campaign)
    return campaign


def update_campaign(user: User, campaign: Campaign, data: CampaignData) -> Campaign:
    if not Scope.of(user).allows(campaign.unit, "enter"):
        raise PermissionDenied
    _check(user, data)
    audience_changed = campaign.audience != data.audience
    with transaction.atomic():
        for name in ("title", "unit", "scope", "start", "deadline", "audience", "target_rate", "description"):
            setattr(campaign, name, getattr(data, name))
        campaign.save()
        campaign.documents.set(data.documents)
        sync_cells(campaign, audience_changed=audience_changed)
    return campaign


# ---------------------------------------------------------------------------------------------
# Recording attendance


def _too_many(unit: Unit, attended: int, expected: int) -> str:
    return _("%(unit)s: attended (%(a)s) is greater than expected (%(e)s).") % {
        "unit": unit.name,
        "a": format_number(attended),
        "e": format_number(expected),
    }


def _missing_expected(unit: Unit, campaign: Campaign) -> str:
    return _("%(unit)s: type how many %(audience)s are expected first.") % {
        "unit": unit.name,
        "audience": str(Audience(campaign.audience).label).lower(),
    }


def record_attendance(
    user: User,
    campaign: Campaign,
    rows: Mapping[int, tuple[int | None, int | None]],
    day: dt.date | None = None,
) -> int:
    """Save the figures typed for several cells (unit id → (expected, attended)); all or none.

    A figure typed here is the cell's own report and takes precedence over counted sessions;
    clearing ``attended`` hands the cell back to its study sessions.
    """
    day = day or today()
    existing = {
        p.unit_id: p for p in campaign.participations.select_related("unit").filter(unit_id__in=list(rows))
    }
    errors: list[RowError] = []
    changed: list[CampaignParticipation] = []
    for number, (unit_id, (expected, attended)) in enumerate(rows.items(), start=1):
        row = existing.get(unit_id)
        if row is None:
            errors.append(RowError(number, _("cell"), _("this cell is not in the campaign's scope")))
            continue
        if not Scope.of(user).allows(row.unit, "enter"):
            raise PermissionDenied
        new_expected = row.expected if expected is None else expected
        if (new_expected is not None and new_expected < 0) or (attended is not None and attended < 0):
            errors.append(RowError(number, row.unit.name, _("figures cannot be negative")))
            continue
        if attended is not None and new_expected is None:
            errors.append(RowError(number, row.unit.name, _missing_expected(row.unit, campaign)))
            continue
        if attended is not None and new_expected is not None and attended > new_expected:
            errors.append(RowError(number, row.unit.name, _too_many(row.unit, attended, new_expected)))
            continue
        if new_expected == row.expected and attended == row.attended:
            continue
        row.expected = new_expected
        if attended == row.attended:
            pass  # only the expected count changed; the figure keeps its source
        elif attended is None:
            row.attended, row.source, row.reported_on = None, "", None
        else:
            row.attended, row.source, row.reported_on = attended, Source.DIRECT, day
        changed.append(row)
    if errors:
        raise ImportRejected(errors=errors)
    with transaction.atomic():
        for row in changed:
            row.save()
        for row in changed:
            if row.attended is None:
                recount_from_events(campaign, row.unit)
    return len(changed)


def recount_from_events(campaign: Campaign, unit: Unit) -> CampaignParticipation | None:
    """Count a cell's attendance from its study sessions of the campaign, at once.

    Figures the cell typed in directly are left alone. Raises ``UserError`` (and the caller's
    transaction rolls back) if the sessions count more attendees than expected.
    """
    row = CampaignParticipation.objects.select_for_update().filter(campaign=campaign, unit=unit).first()
    if row is None or row.source == Source.DIRECT:
        return row
    figures = session_totals(campaign.pk, unit.pk)
    if not figures["n"]:
        row.attended, row.source, row.reported_on = None, "", None
    else:
        total = int(figures["total"] or 0)
        if row.expected is None:
            raise UserError(_missing_expected(unit, campaign))
        if total > row.expected:
            raise UserError(
                _(
                    "The study sessions of %(unit)s count %(a)s attendees for “%(c)s”, more than the "
                    "%(e)s expected."
                )
                % {
                    "unit": unit.name,
                    "a": format_number(total),
                    "c": campaign.title,
                    "e": format_number(row.expected),
                }
            )
        row.attended, row.source = total, Source.EVENTS
        row.reported_on = timezone.localdate(figures["last"])
    row.save()
    return row


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass
class Figures:
    unit: Unit
    expected: int = 0
    attended: int = 0
    cells: int = 0
    reported: int = 0
    reported_late: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(self.attended) * 100 / Decimal(self.expected)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )

    @property
    def all_reported(self) -> bool:
        return self.cells > 0 and self.reported == self.cells

    @property
    def bar(self) -> Decimal:
        """The rate for a progress bar (0–100)."""
        return min(self.rate or Decimal(0), Decimal(100))


def rollup(campaign: Campaign, units: Iterable[Unit]) -> dict[int, Figures]:
    """Figures of each unit over the cells under it, in one SQL query (conditional sums by path)."""
    units = list(units)
    if not units:
        return {}
    aggregates: dict[str, Any] = {}
    for unit in units:
        under = Q(unit__path__startswith=unit.path)
        aggregates[f"e{unit.pk}"] = Sum("expected", filter=under)
        aggregates[f"a{unit.pk}"] = Sum("attended", filter=under)
        aggregates[f"c{unit.pk}"] = Count("pk", filter=under)
        aggregates[f"r{unit.pk}"] = Count("pk", filter=under & Q(attended__isnull=False))
        aggregates[f"l{unit.pk}"] = Count("pk", filter=under & Q(reported_on__gt=campaign.deadline))
    values = CampaignParticipation.objects.filter(campaign=campaign).aggregate(**aggregates)
    return {
        unit.pk: Figures(
            unit=unit,
            expected=values[f"e{unit.pk}"] or 0,
            attended=values[f"a{unit.pk}"] or 0,
            cells=values[f"c{unit.pk}"] or 0,
            reported=values[f"r{unit.pk}"] or 0,
            reported_late=values[f"l{unit.pk}"] or 0,
        )
        for unit in units
    }


def status(campaign: Campaign, figures: Figures, on: dt.date | None = None) -> str:
    """done | below_target | late | in_progress | empty."""
    on = on or today()
    if not figures.cells:
        return "empty"
    deadline_passed = on > campaign.deadline
    if deadline_passed and (figures.reported < figures.cells or figures.reported_late):
        return "late"
    rate = figures.rate or Decimal(0)
    if figures.all_reported or deadline_passed:
        return "done" if rate >= campaign.target_rate else "below_target"
    return "in_progress"


def child_units(campaign: Campaign, parent: Unit) -> list[Unit]:
    """Units directly under ``parent`` that have cells in the campaign (a cell shows itself)."""
    from tuyengiao.core.text import vn_sorted

    if parent.kind == UnitKind.CELL:
        return [parent]
    kids = [
        k
        for k in tree.children(parent)
        if k.path.startswith(campaign.scope.path) or campaign.scope.path.startswith(k.path)
    ]
    return vn_sorted(kids, key=lambda u: u.name)


@dataclass
class Progress:
    unit: Unit
    figures: Figures
    state: str
    contact: Any = None


def board_contact(unit: Unit) -> dict[str, str] | None:
    return board_contacts([unit])[unit.pk]


def progress(campaign: Campaign, parent: Unit, on: dt.date | None = None) -> tuple[Figures, list[Progress]]:
    """The parent's figures and one bar per unit directly under it."""
    kids = child_units(campaign, parent)
    figures = rollup(campaign, [parent, *kids])
    rows = [
        Progress(unit=k, figures=figures[k.pk], state=status(campaign, figures[k.pk], on))
        for k in kids
        if figures[k.pk].cells
    ]
    return figures[parent.pk], rows


def laggards(
    campaign: Campaign, parent: Unit, on: dt.date | None = None, rows: list[Progress] | None = None
) -> list[Progress]:
    """Every unit directly under ``parent`` below the target or late, furthest from the target first,
    with whom to call.

    A unit still reporting counts by what it has reported so far: one far below the target is
    listed, not hidden behind "in progress". Pass the ``rows`` of ``progress`` when they are at hand.
    """
    if rows is None:
        _total, rows = progress(campaign, parent, on)
    found = [
        r for r in rows if r.state == "late" or (r.figures.rate or Decimal(0)) < campaign.target_rate
    ]
    found.sort(key=lambda r: (-gap(campaign, r.figures), r.unit.path))
    contacts = board_contacts([r.unit for r in found])
    for row in found:
        row.contact = contacts[row.unit.pk]
    return found


def gap(campaign: Campaign, figures: Figures) -> Decimal:
    """Percentage points between the target and the rate (0 at or above the target)."""
    return max(Decimal(campaign.target_rate) - (figures.rate or Decimal(0)), Decimal(0))


def list_rows(user: User, campaigns: list[Campaign], on: dt.date | None = None) -> list[tuple[Any, ...]]:
    """For the list page: each campaign with the unit the user sees it from, its figures and state.

    One query for the user's own units and one grouped query for every campaign's figures.
    """
    reach = Scope.of(user)
    own = [] if reach.everything else list(reach.top_units("view").order_by("depth", "path"))
    roots: dict[int, Unit] = {}
    for campaign in campaigns:
        scope = campaign.scope
        if reach.allows(scope, "view"):
            roots[campaign.pk] = scope
        else:
            roots[campaign.pk] = next((u for u in own if u.path.startswith(scope.path)), scope)
    condition = Q(pk__in=[])
    for campaign in campaigns:
        condition |= Q(campaign_id=campaign.pk, unit__path__startswith=roots[campaign.pk].path)
    grouped = {
        row["campaign_id"]: row
        for row in CampaignParticipation.objects.filter(condition)
        .values("campaign_id")
        .annotate(
            sum_expected=Sum("expected"),
            sum_attended=Sum("attended"),
            cells=Count("pk"),
            reported=Count("pk", filter=Q(attended__isnull=False)),
            late=Count("pk", filter=Q(reported_on__gt=F("campaign__deadline"))),
        )
        .order_by()
    }
    out = []
    for campaign in campaigns:
        row = grouped.get(campaign.pk, {})
        figures = Figures(
            unit=roots[campaign.pk],
            expected=row.get("sum_expected") or 0,
            attended=row.get("sum_attended") or 0,
            cells=row.get("cells") or 0,
            reported=row.get("reported") or 0,
            reported_late=row.get("late") or 0,
        )
        out.append((campaign, roots[campaign.pk], figures, status(campaign, figures, on)))
    return out


def completed_on_time(campaign: Campaign) -> bool:
    """Every cell reported by the deadline and the scope reached the target."""
    figures = rollup(campaign, [campaign.scope])[campaign.scope.pk]
    if not figures.all_reported or figures.reported_late:
        return False
    return (figures.rate or Decimal(0)) >= campaign.target_rate


# ---------------------------------------------------------------------------------------------
# Study sessions: what the campaigns offer the events app (registered in apps.py)


class CampaignSessions:
    """Events call this when a study session names a campaign; events never import the campaigns."""

    def choices(self, user: User) -> QuerySet[Campaign]:
        return visible_campaigns(user)

    def problems(self, user: User, event: Any) -> list[str]:
        campaign = visible_campaigns(user).select_related("scope").filter(pk=event.campaign_id).first()
        if campaign is None:
            raise PermissionDenied
        if event.kind != "study_session" or not event.unit_id:
            return []
        if event.unit.kind != UnitKind.CELL or not event.unit.path.startswith(campaign.scope.path):
            return [
                _(
                    "Study campaign: the session must be held by a Party cell within the campaign’s "
                    "scope (%(scope)s)."
                )
                % {"scope": campaign.scope.name}
            ]
        return []

    def recount(self, touched: set[tuple[int, int]]) -> None:
        campaigns = Campaign.objects.in_bulk({c for c, _u in touched})
        units = Unit.objects.in_bulk({u for _c, u in touched})
        for campaign_id, unit_id in sorted(touched):
            recount_from_events(campaigns[campaign_id], units[unit_id])


study_sessions = CampaignSessions()
