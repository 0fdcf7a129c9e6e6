"""Kinds of units, roles and titles, named as in the glossary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    GRASSROOTS_ORG = "grassroots_org", _("Grassroots Party organisation")
    AFFILIATED_ORG = "affiliated_org", _("Affiliated Party organisation")
    CELL = "cell", _("Party cell")


# Which kinds a unit of each kind may sit under; a root (no parent) is allowed only where listed.
ALLOWED_PARENTS: dict[str, set[str | None]] = {
    UnitKind.CENTRAL: {None},
    UnitKind.PROVINCE: {None, UnitKind.CENTRAL},
    UnitKind.DISTRICT: {UnitKind.PROVINCE},
    UnitKind.COMMUNE: {UnitKind.DISTRICT, UnitKind.PROVINCE},
    UnitKind.GRASSROOTS_ORG: {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.AFFILIATED_ORG},
    UnitKind.AFFILIATED_ORG: {UnitKind.CENTRAL, UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE},
    UnitKind.CELL: {UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.GRASSROOTS_ORG, UnitKind.AFFILIATED_ORG},
}

# Vietnamese words accepted in imports for each kind.
KIND_ALIASES: dict[str, str] = {
    "trung ương": UnitKind.CENTRAL, "tw": UnitKind.CENTRAL,
    "tỉnh": UnitKind.PROVINCE, "thành phố trực thuộc tw": UnitKind.PROVINCE, "tỉnh ủy": UnitKind.PROVINCE,
    "huyện": UnitKind.DISTRICT, "thị xã": UnitKind.DISTRICT, "huyện ủy": UnitKind.DISTRICT,
    "xã": UnitKind.COMMUNE, "phường": UnitKind.COMMUNE, "thị trấn": UnitKind.COMMUNE, "đặc khu": UnitKind.COMMUNE,
    "đảng bộ cơ sở": UnitKind.GRASSROOTS_ORG, "tổ chức cơ sở đảng": UnitKind.GRASSROOTS_ORG,
    "đảng bộ trực thuộc": UnitKind.AFFILIATED_ORG,
    "chi bộ": UnitKind.CELL,
}  # fmt: skip


class SuccessionKind(models.TextChoices):
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename")


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    DATA_ENTRY = "data_entry", _("Data entry")
    APPROVER = "approver", _("Approver")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")


class Action(models.TextChoices):
    VIEW = "view", _("View")
    ENTER = "enter", _("Enter data")
    APPROVE = "approve", _("Approve")
    ADMIN = "admin", _("Administer")


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.VIEWER: frozenset({Action.VIEW}),
    Role.DATA_ENTRY: frozenset({Action.VIEW, Action.ENTER}),
    Role.APPROVER: frozenset({Action.VIEW, Action.APPROVE}),
    Role.UNIT_ADMIN: frozenset({Action.VIEW, Action.ENTER, Action.APPROVE, Action.ADMIN}),
}


class StaffTitle(models.TextChoices):
    HEAD = "head", _("Head of board")
    DEPUTY_HEAD = "deputy_head", _("Deputy head of board")
    MEMBER = "member", _("Board member")
    SPECIALIST = "specialist", _("Specialist")
    OFFICER = "officer", _("Officer in charge")


class CommitteeRole(models.TextChoices):
    NONE = "", _("None")
    SECRETARY = "secretary", _("Committee secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Committee deputy secretary")
    STANDING_MEMBER = "standing_member", _("Standing committee member")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
