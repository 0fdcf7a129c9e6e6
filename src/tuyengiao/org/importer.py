"""Import an organisation tree from CSV or XLSX: every row checked, all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import ImportRejected, RowError, UserError
from tuyengiao.core.numbers import parse_count, parse_date
from tuyengiao.core.tabular import iter_records, read_table
from tuyengiao.core.text import fold

from .choices import ALLOWED_PARENTS, KIND_ALIASES, UnitKind
from .models import Unit
from .services import _open_unit, not_yet_come

COLUMNS = ["code", "name", "kind", "parent_code", "valid_from"]
OPTIONAL = ["member_count"]
# Vietnamese headers accepted beside the English ones.
HEADER_ALIASES = {
    "mã": "code", "ma": "code", "mã đơn vị": "code",
    "tên": "name", "ten": "name", "tên đơn vị": "name",
    "loại": "kind", "loai": "kind", "cấp": "kind",
    "mã cấp trên": "parent_code", "ma cap tren": "parent_code", "đơn vị cấp trên": "parent_code",
    "từ ngày": "valid_from", "tu ngay": "valid_from", "ngày thành lập": "valid_from",
    "số đảng viên": "member_count", "so dang vien": "member_count",
}  # fmt: skip
_FOLDED_KINDS = {fold(k): v for k, v in KIND_ALIASES.items()} | {v: v for v in UnitKind.values}


@dataclass
class _Row:
    number: int
    code: str
    name: str
    kind: str | None
    parent_code: str
    valid_from: dt.date | None
    member_count: int


@dataclass
class ImportResult:
    created: list[Unit]


def _kind(raw: str) -> str | None:
    return _FOLDED_KINDS.get(fold(raw)) or _FOLDED_KINDS.get(raw.strip().lower())


@dataclass
class CheckedUnits:
    """A file's units, every row checked, ready to create (parents before children)."""

    rows: dict[str, _Row]
    existing: dict[str, Unit]


def import_units(data: bytes, filename: str = "", scope_root: Unit | None = None) -> ImportResult:
    """Create the units of a file; raise ``ImportRejected`` listing every bad cell, saving nothing.

    With ``scope_root``, every parent must lie in that subtree (a unit admin imports under
    their own unit only).
    """
    return apply_units(check_units(data, filename, scope_root))


def check_units(data: bytes, filename: str = "", scope_root: Unit | None = None) -> CheckedUnits:
    """Read and check every row of the file; raise ``ImportRejected`` listing every bad cell.

    Nothing is written; ``apply_units`` creates what this returns.
    """
    try:
        sheets = read_table(data, filename)
    except UserError as exc:
        raise ImportRejected([RowError(0, "", exc.message)]) from exc
    sheet = sheets[0]
    header = [HEADER_ALIASES.get(h, h) for h in sheet.header]
    sheet.header = header
    errors: list[RowError] = []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRejected([RowError(1, c, _("required column is missing")) for c in missing])

    wanted = [record.get("code", "").strip() for _number, record in iter_records(sheet)]
    taken: set[str] = set()
    for start in range(0, len(wanted), 5000):
        taken.update(Unit.objects.filter(code__in=wanted[start : start + 5000]).values_list("code", flat=True))
    rows: dict[str, _Row] = {}
    for number, record in iter_records(sheet):
        code = record.get("code", "").strip()
        if not code:
            errors.append(RowError(number, "code", _("the code is empty")))
            continue
        if len(code) > 32:
            errors.append(RowError(number, "code", _("the code is longer than 32 characters")))
        if code in rows:
            errors.append(RowError(number, "code", _("the code “%(code)s” already appears on row %(row)d")
                                   % {"code": code, "row": rows[code].number}))
            continue
        elif code in taken:
            errors.append(RowError(number, "code", _("the code “%(code)s” is already used") % {"code": code}))
        name = record.get("name", "").strip()
        if not name:
            errors.append(RowError(number, "name", _("the name is empty")))
        elif len(name) > 255:
            errors.append(RowError(number, "name", _("the name is longer than 255 characters")))
        kind = _kind(record.get("kind", ""))
        if kind is None:
            errors.append(RowError(number, "kind", _("unknown kind “%(kind)s”") % {"kind": record.get("kind", "")}))
        try:
            valid_from = parse_date(record.get("valid_from", ""))
        except ValueError as exc:
            errors.append(RowError(number, "valid_from", str(exc)))
            valid_from = None
        ahead = not_yet_come(valid_from) if valid_from is not None else None
        if ahead:
            errors.append(RowError(number, "valid_from", ahead))
        member_count = 0
        raw_count = record.get("member_count", "").strip()
        if raw_count:
            try:
                member_count = parse_count(raw_count)
            except ValueError as exc:
                errors.append(RowError(number, "member_count", str(exc)))
        rows[code] = _Row(number, code, name, kind, record.get("parent_code", "").strip(), valid_from, member_count)

    # Parents: an existing open unit or another row of the file; kinds must fit; no cycles.
    parents = sorted({r.parent_code for r in rows.values() if r.parent_code and r.parent_code not in rows})
    existing: dict[str, Unit] = {}
    for start in range(0, len(parents), 5000):
        existing.update((u.code, u) for u in Unit.objects.filter(code__in=parents[start : start + 5000]))
    for row in rows.values():
        number, parent_code, kind = row.number, row.parent_code, row.kind
        parent_kind: str | None
        if not parent_code:
            parent_kind = None
        elif parent_code in rows:
            parent_kind = rows[parent_code].kind
            parent_from = rows[parent_code].valid_from
            own_from = row.valid_from
            if parent_from is not None and own_from is not None and parent_from > own_from:
                message = _("the unit opens before its parent “%(p)s”") % {"p": parent_code}
                errors.append(RowError(number, "valid_from", message))
        elif parent_code in existing:
            existing_parent = existing[parent_code]
            parent_kind = existing_parent.kind
            if existing_parent.valid_to is not None:
                errors.append(RowError(number, "parent_code", _("the parent “%(p)s” is closed") % {"p": parent_code}))
            if scope_root is not None and not existing_parent.path.startswith(scope_root.path):
                message = _("the parent “%(p)s” is outside your unit") % {"p": parent_code}
                errors.append(RowError(number, "parent_code", message))
        else:
            errors.append(RowError(number, "parent_code", _("unknown parent code “%(p)s”") % {"p": parent_code}))
            continue
        if not parent_code and scope_root is not None:
            errors.append(RowError(number, "parent_code", _("a unit without parent is outside your unit")))
        parent_unknown = bool(parent_code) and parent_kind is None
        if kind and not parent_unknown and parent_kind not in ALLOWED_PARENTS[str(kind)]:
            errors.append(RowError(number, "kind", _("a unit of kind “%(k)s” cannot be placed under “%(p)s”")
                                   % {"k": UnitKind(str(kind)).label,
                                      "p": UnitKind(str(parent_kind)).label if parent_kind else _("no parent")}))
    # Cycles among rows of the file.
    for code, row in rows.items():
        seen = {code}
        current = row.parent_code
        while current in rows:
            if current in seen:
                errors.append(RowError(row.number, "parent_code", _("the parents form a cycle")))
                break
            seen.add(current)
            current = rows[current].parent_code
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e.row, e.column)))
    return CheckedUnits(rows, existing)


def apply_units(checked: CheckedUnits) -> ImportResult:
    """Create checked units in one transaction, each parent before its children."""
    rows, existing = checked.rows, checked.existing
    created: dict[str, Unit] = {}
    with transaction.atomic():
        pending = list(rows)
        while pending:
            for code in list(pending):
                row = rows[code]
                if row.parent_code in rows and row.parent_code not in created:
                    continue
                parent = created.get(row.parent_code) or existing.get(row.parent_code)
                assert row.kind is not None and row.valid_from is not None  # validated above
                created[code] = _open_unit(code, row.name, row.kind, parent, row.valid_from, row.member_count)
                pending.remove(code)
    return ImportResult(created=list(created.values()))
