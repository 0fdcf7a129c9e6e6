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
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import ImportRejected, RowError, UserError
from tuyengiao.core.numbers import format_number
from tuyengiao.org.access import can, scope_paths
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
    from tuyengiao.documents.services import ancestor_paths

    paths = scope_paths(user, "view")
    qs = Campaign.objects.all()
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    condition = Q()
    for path in paths:
        condition |= Q(unit__path__startswith=path) | Q(scope__path__startswith=path)
    above = ancestor_paths(paths)
    if above:
        condition |= Q(scope__path__in=above)
    return qs.filter(condition)


def root_for(user: User, campaign: Campaign) -> Unit:
    """The highest unit of the campaign the user may see: its scope, or their own unit inside it."""
    from django.http import Http404

    paths = scope_paths(user, "view")
    if paths is None or any(campaign.scope.path.startswith(p) for p in paths):
        return campaign.scope
    inside = (
        Unit.objects.filter(path__in=paths, path__startswith=campaign.scope.path).order_by("depth").first()
    )
    if inside is None:
        raise Http404
    return inside


def visible_participations(user: User, campaign: Campaign) -> QuerySet[CampaignParticipation]:
    return CampaignParticipation.objects.filter(campaign=campaign).restrict(user, "view")


def cells_in(scope: Unit) -> QuerySet[Unit]:
    return Unit.objects.current().filter(kind=UnitKind.CELL, path__startswith=scope.path)


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
    from tuyengiao.documents.services import plain_text

    if not can(user, "enter", data.unit):
        raise PermissionDenied
    if not can(user, "enter", data.scope):
        raise UserError(
            _("The scope “%(unit)s” is outside the units you are responsible for.")
            % {"unit": data.scope.name}
        )
    if not data.scope.path.startswith(data.unit.path):
        raise UserError(
            _("The scope “%(scope)s” is not under the organising unit “%(unit)s”.")
            % {"scope": data.scope.name, "unit": data.unit.name}
        )
    if data.deadline < data.start:
        raise UserError(_("The deadline is before the start."))
    if not (Decimal(0) <= Decimal(data.target_rate) <= Decimal(100)):
        raise UserError(_("The target rate must be between 0 and 100 percent."))
    data.title = plain_text(data.title)
    data.description = plain_text(data.description)
    if not data.title:
        raise UserError(_("The campaign title is required."))


def sync_cells(campaign: Campaign) -> int:
    """Give every open cell in the scope its row (expected: its members); drop rows left outside."""
    cells = list(cells_in(campaign.scope).only("pk", "member_count"))
    have = set(campaign.participations.values_list("unit_id", flat=True))
    new = [
        CampaignParticipation(campaign=campaign, unit_id=c.pk, expected=c.member_count)
        for c in cells
        if c.pk not in have
    ]
    CampaignParticipation.objects.bulk_create(new, batch_size=1000)
    campaign.participations.exclude(unit__path__startswith=campaign.scope.path).delete()
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
    if not can(user, "enter", campaign.unit):
        raise PermissionDenied
    _check(user, data)
    with transaction.atomic():
        for name in ("title", "unit", "scope", "start", "deadline", "audience", "target_rate", "description"):
            setattr(campaign, name, getattr(data, name))
        campaign.save()
        campaign.documents.set(data.documents)
        sync_cells(campaign)
    return campaign


# ---------------------------------------------------------------------------------------------
# Recording attendance


def _too_many(unit: Unit, attended: int, expected: int) -> str:
    return _("%(unit)s: attended (%(a)s) is greater than expected (%(e)s).") % {
        "unit": unit.name,
        "a": format_number(attended),
        "e": format_number(expected),
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
        if not can(user, "enter", row.unit):
            raise PermissionDenied
        new_expected = row.expected if expected is None else expected
        if new_expected < 0 or (attended is not None and attended < 0):
            errors.append(RowError(number, row.unit.name, _("figures cannot be negative")))
            continue
        if attended is not None and attended > new_expected:
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
    from tuyengiao.events.models import Event, EventKind

    row = CampaignParticipation.objects.select_for_update().filter(campaign=campaign, unit=unit).first()
    if row is None or row.source == Source.DIRECT:
        return row
    sessions = Event.objects.filter(
        campaign=campaign, unit=unit, kind=EventKind.STUDY_SESSION, present_attendees__isnull=False
    )
    figures = sessions.aggregate(total=Sum("present_attendees"), last=Max("start"), n=Count("pk"))
    if not figures["n"]:
        row.attended, row.source, row.reported_on = None, "", None
    else:
        total = int(figures["total"] or 0)
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
    from tuyengiao.org.services import children

    if parent.kind == UnitKind.CELL:
        return [parent]
    kids = [
        k
        for k in children(parent)
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
    """Units directly under ``parent`` below the target or not reported by the deadline, with whom to call.

    Pass the ``rows`` of ``progress`` when they are at hand to save computing them again.
    """
    if rows is None:
        _total, rows = progress(campaign, parent, on)
    found = [r for r in rows if r.state in ("below_target", "late")]
    contacts = board_contacts([r.unit for r in found])
    for row in found:
        row.contact = contacts[row.unit.pk]
    return found


def completed_on_time(campaign: Campaign) -> bool:
    """Every cell reported by the deadline and the scope reached the target."""
    figures = rollup(campaign, [campaign.scope])[campaign.scope.pk]
    if not figures.all_reported or figures.reported_late:
        return False
    return (figures.rate or Decimal(0)) >= campaign.target_rate
