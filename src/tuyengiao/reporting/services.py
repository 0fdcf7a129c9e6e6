"""The reporting services under their old module name, for code that still imports them from here.

The write path is in ``entry``, validation rules in ``validation``, the approval chain in
``approval`` and completeness in ``completeness``; import from those in new code.
"""

from __future__ import annotations

from .approval import (
    BulkResult,
    approve,
    approve_many,
    approver_unit,
    can_approve,
    changes_since_last,
    report_grid,
    return_,
    submission_for,
    submit,
    unlock,
    withdraw,
)
from .completeness import Completeness, CompletenessReport, completeness
from .entry import (
    PROGRESS_EVERY,
    Change,
    Entry,
    Progress,
    ValueError_,
    ValueInput,
    apply,
    check_entries,
    do_save_entries,
    lock_reason,
    parse_raw,
    period_reason,
    person_name,
    prepare,
    save_value,
    save_values,
)
from .validation import Violation, check_rules, values_map

__all__ = [
    "PROGRESS_EVERY",
    "BulkResult",
    "Change",
    "Completeness",
    "CompletenessReport",
    "Entry",
    "Progress",
    "ValueError_",
    "ValueInput",
    "Violation",
    "apply",
    "approve",
    "approve_many",
    "approver_unit",
    "can_approve",
    "changes_since_last",
    "check_entries",
    "check_rules",
    "completeness",
    "do_save_entries",
    "lock_reason",
    "parse_raw",
    "period_reason",
    "person_name",
    "prepare",
    "report_grid",
    "return_",
    "save_value",
    "save_values",
    "submission_for",
    "submit",
    "unlock",
    "values_map",
    "withdraw",
]
