"""The organisation tree: units, their dated placements and successions, boards, assignments.

A unit is never deleted. It closes (``valid_to``) and names its successors, and its place in
the tree is dated (``UnitPlacement``), so the tree of any past date can be rebuilt.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import ScopedQuerySet
from tuyengiao.core.text import fold

from .choices import CommitteeRole, Role, StaffTitle, SuccessionKind, UnitKind


def today() -> dt.date:
    return timezone.localdate()


def open_on_q(day: dt.date, prefix: str = "") -> Q:
    """Records valid on ``day``: opened on or before it and not yet closed (``valid_to`` exclusive)."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


class UnitQuerySet(ScopedQuerySet):
    """Units are scoped like every record: by their own path (``unit_field`` empty)."""

    unit_field = ""

    def open_on(self, day: dt.date | None = None) -> UnitQuerySet:
        return self.filter(open_on_q(day or today()))

    def current(self) -> UnitQuerySet:
        return self.open_on(today())

    def subtree_of(self, unit: Unit, include_self: bool = True) -> UnitQuerySet:
        """Descendants by the current materialised path (closed ones keep their last path)."""
        qs = self.filter(path__startswith=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def search(self, query: str) -> UnitQuerySet:
        """Accent-insensitive match on name and code: "chi linh" finds "Chí Linh"."""
        folded = fold(query)
        if not folded:
            return self
        qs = self
        for word in folded.split():
            qs = qs.filter(search_text__contains=word)
        return qs


class Unit(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("closed on"), null=True, blank=True)
    member_count = models.PositiveIntegerField(
        _("members"), default=0, help_text=_("Party members registered in this unit itself (for cells).")
    )
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        # valid_from and valid_to alone: the latest change to the tree is read from their ends.
        indexes = [models.Index(fields=["kind", "valid_to"]), models.Index(fields=["valid_from"]),
                   models.Index(fields=["valid_to"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = f"{fold(self.name)} {fold(self.code)}"[:300]
        super().save(*args, **kwargs)

    def is_open_on(self, day: dt.date | None = None) -> bool:
        day = day or today()
        return self.valid_from <= day and (self.valid_to is None or self.valid_to > day)

    @property
    def is_open(self) -> bool:
        return self.is_open_on()

    def last_day(self) -> dt.date:
        """The last day the unit existed (or today while it is open)."""
        return self.valid_to - dt.timedelta(days=1) if self.valid_to else today()

    def get_additional_data(self) -> dict[str, str]:
        """Stored with each audit entry so unit admins can read the log of their subtree."""
        return {"unit_path": self.path}

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class UnitPlacement(models.Model):
    """Where a unit sat in the tree between two dates (``valid_to`` exclusive)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="placements")
    parent = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="child_placements"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("placement in the tree")
        verbose_name_plural = _("placements in the tree")
        ordering = ["unit", "valid_from"]
        indexes = [models.Index(fields=["parent", "valid_from"]), models.Index(fields=["valid_from"]),
                   models.Index(fields=["valid_to"])]

    def __str__(self) -> str:
        return f"{self.unit} ← {self.parent or '—'} ({self.valid_from}–{self.valid_to or ''})"

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path}


class UnitSuccession(models.Model):
    """A predecessor closed and (part of) it lives on in a successor.

    ``share`` is the part of the predecessor's figures that goes to the successor when figures
    are re-aggregated onto today's structure: 1 for merges and renames, split among successors.
    """

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions_out")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions_in")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=SuccessionKind.choices)
    share = models.DecimalField(_("share"), max_digits=7, decimal_places=6, default=Decimal(1))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_succession"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.successor.path}


class TreeVersion(models.Model):
    """The transaction that last changed a unit, a placement or a succession (PostgreSQL).

    Kept by statement triggers on the three tables (migration 0004), so no write path, raw SQL
    or bulk load can forget it: figures that depend on the tree alone (members carried through
    the successions, units expected to report) are kept per version and recomputed only after
    the tree changes, not after every saved value.
    """

    xact = models.BigIntegerField()

    class Meta:
        verbose_name = _("tree version")
        verbose_name_plural = _("tree versions")

    def __str__(self) -> str:
        return str(self.xact)


class Board(TimeStampedModel):
    """The propaganda & education board (Ban Tuyên giáo) of a unit's Party committee."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="board")
    name = models.CharField(_("name"), max_length=255)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path}

    def __str__(self) -> str:
        return self.name


class StaffPositionQuerySet(models.QuerySet["StaffPosition"]):
    def current(self) -> StaffPositionQuerySet:
        day = today()
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day)))


class StaffPosition(TimeStampedModel):
    """A person holding a title on a board for a time; the head may be the committee's
    secretary or deputy secretary (as at commune level)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="staff")
    full_name = models.CharField(_("full name"), max_length=120)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(_("position"), max_length=20, choices=StaffTitle.choices)
    committee_role = models.CharField(
        _("also in the committee as"), max_length=20, choices=CommitteeRole.choices, blank=True, default=""
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = StaffPositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff position")
        verbose_name_plural = _("staff positions")
        ordering = ["board", "title", "start"]

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.board.unit.path}

    def __str__(self) -> str:
        return f"{self.full_name} — {self.get_title_display()}"


class Assignment(TimeStampedModel):
    """A user's role over a unit's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_assignment")]

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path}

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
