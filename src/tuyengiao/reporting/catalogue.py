"""Import the catalogue of data elements from CSV or XLSX: every row checked, all or nothing."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import ImportRejected, RowError
from tuyengiao.core.tabular import iter_records, read_table
from tuyengiao.core.text import fold

from .models import CODE_RE, Aggregation, DataElement, ValueType, WorkField

HEADERS = {
    "code": "code", "mã": "code", "ma": "code", "mã chỉ tiêu": "code",
    "name": "name", "tên": "name", "ten": "name", "tên chỉ tiêu": "name",
    "value_type": "value_type", "kiểu": "value_type", "kiểu giá trị": "value_type",
    "aggregation": "aggregation", "tổng hợp": "aggregation", "cách tổng hợp": "aggregation",
    "work_field": "work_field", "lĩnh vực": "work_field",
    "zero_is_significant": "zero_is_significant", "số 0 có ý nghĩa": "zero_is_significant",
    "description": "description", "mô tả": "description",
}  # fmt: skip


def _choice(raw: str, choices: type[ValueType] | type[Aggregation] | type[WorkField]) -> str | None:
    """A choice by its code or its Vietnamese label, ignoring accents and case."""
    folded = fold(raw)
    for value, label in choices.choices:
        if folded in (fold(value), fold(str(label))):
            return str(value)
    from django.utils import translation

    with translation.override("vi"):
        for value, label in choices.choices:
            if folded == fold(str(label)):
                return str(value)
    return None


@transaction.atomic
def import_elements(data: bytes, filename: str = "") -> tuple[int, int]:
    """Create or update data elements by code; return (created, updated)."""
    sheets = read_table(data, filename)
    errors: list[RowError] = []
    rows: list[tuple[int, dict[str, object]]] = []
    for sheet in sheets[:1]:
        sheet.header = [HEADERS.get(h, HEADERS.get(fold(h), h)) for h in sheet.header]
        for needed in ("code", "name"):
            if needed not in sheet.header:
                errors.append(RowError(1, needed, _("the column is missing"), sheet.name))
        if errors:
            raise ImportRejected(errors=errors)
        seen: set[str] = set()
        for number, record in iter_records(sheet):
            code = record.get("code", "").strip().upper()
            fields: dict[str, object] = {"name": record.get("name", "").strip()}
            if not CODE_RE.match(code):
                errors.append(
                    RowError(number, "code", _("“%(code)s” is not a valid code") % {"code": code}, sheet.name)
                )
            elif code in seen:
                errors.append(
                    RowError(
                        number, "code", _("the code “%(code)s” appears twice") % {"code": code}, sheet.name
                    )
                )
            seen.add(code)
            if not fields["name"]:
                errors.append(RowError(number, "name", _("the name is empty"), sheet.name))
            for column, choices in (
                ("value_type", ValueType),
                ("aggregation", Aggregation),
                ("work_field", WorkField),
            ):
                raw = record.get(column, "").strip()
                if not raw:
                    continue
                value = _choice(raw, choices)
                if value is None:
                    errors.append(
                        RowError(
                            number,
                            column,
                            _("“%(value)s” is not a known choice") % {"value": raw},
                            sheet.name,
                        )
                    )
                fields[column] = value
            flag = fold(record.get("zero_is_significant", ""))
            if flag:
                fields["zero_is_significant"] = flag in ("1", "co", "x", "yes", "true")
            if "description" in record:
                fields["description"] = record["description"].strip()
            rows.append((number, {"code": code, **fields}))
    if errors:
        raise ImportRejected(errors=errors)
    created = updated = 0
    for _number, fields in rows:
        code = str(fields.pop("code"))
        _element, was_created = DataElement.objects.update_or_create(code=code, defaults=fields)
        created += was_created
        updated += not was_created
    return created, updated
