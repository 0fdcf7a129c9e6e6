"""Errors that carry a message fit to show a board official."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class UserError(Exception):
    """A refusal with a Vietnamese message; nothing has been changed.

    ``field`` names the form or API field the message belongs beside, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(UserError):
    """Someone else saved the record since it was read."""

    def __init__(self, message: str, current: object = None) -> None:
        super().__init__(message)
        self.current = current


@dataclass
class RowError:
    """One bad cell of an import: where it is and why it is refused."""

    row: int
    column: str
    message: str
    sheet: str = ""

    def __str__(self) -> str:
        place = {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}
        if self.sheet:
            return _("Sheet “%(sheet)s”, row %(row)d, column “%(column)s”: %(message)s") % place
        return _("Row %(row)d, column “%(column)s”: %(message)s") % place


@dataclass
class ImportRejected(UserError):
    """An import with at least one bad row; nothing was saved."""

    errors: list[RowError] = field(default_factory=list)

    def __post_init__(self) -> None:
        count = len(self.errors)
        super().__init__(f"Tệp có {count} lỗi; chưa lưu dữ liệu nào.")
