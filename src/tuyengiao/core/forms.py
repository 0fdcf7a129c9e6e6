"""Form pieces every app uses."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from .numbers import MAX_COUNT, parse_count
from .tabular import MAX_UPLOAD_BYTES


class TableFileField(forms.FileField):
    """A CSV or XLSX upload, refused by size before a byte of it is read into memory."""

    def __init__(self, *args: object, max_bytes: int = MAX_UPLOAD_BYTES, **kwargs: object) -> None:
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        if upload is not None and upload.size is not None and upload.size > self.max_bytes:
            raise ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": self.max_bytes // (1024 * 1024)}, code="too_big"
            )
        return upload


class CountField(forms.IntegerField):
    """A count typed by a person: ASCII digits (dots between thousands allowed), 0 to MAX_COUNT.

    Django's IntegerField reads whatever Python's int() reads: full-width and Arabic-Indic
    digits, "1_000"; and it leaves numbers too large for the column to fail on save.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_COUNT)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return parse_count(str(value), maximum=int(self.max_value or MAX_COUNT))
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class VNDateInput(forms.DateInput):
    """A date typed and shown as dd/mm/yyyy whatever the browser's language.

    A plain text box with a numeric keyboard on phones: ``type="date"`` shows mm/dd/yyyy in an
    English browser. Every form's DateField uses it (set in ``CoreConfig.ready``); ISO dates
    (2024-06-01) are still read, so links with ``?on=2024-06-01`` keep working.
    """

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        defaults = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "placeholder": "28/12/2022",
            "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}",
            "title": _("Day/month/year, e.g. 28/12/2022"),
        }
        super().__init__({**defaults, **(attrs or {})}, format=format or "%d/%m/%Y")


def parse_vn_date(value: str) -> dt.date:
    """dd/mm/yyyy (or ISO) to a date; ValueError with the reason otherwise."""
    field = forms.DateField()
    try:
        result = field.clean(value.strip())
    except ValidationError as error:
        raise ValueError(error.messages[0]) from error
    if result is None:
        raise ValueError(value)
    return result


class FormRenderer(DjangoTemplates):
    """Every form's field group: label, field, help and errors, the last two tied to the field by
    ``aria-describedby`` (Django adds ``aria-invalid`` on errors), the errors after the field so a
    screen reader meets them in the order a sighted person does."""

    field_template_name = "core/forms/field.html"


ONCE_FIELD = "form_once"


def new_once_token() -> str:
    return secrets.token_urlsafe(24)


class OnceFormMixin(forms.BaseForm):
    """Gives a create form a one-time token in a hidden field so a double POST makes one record.

    ``core.middleware.OnceMiddleware`` claims the token on the first POST and sends a repeat to
    the page the first one led to. A form re-shown with errors keeps its token, released, so the
    corrected form can be sent.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[ONCE_FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=new_once_token, label="", max_length=64,
        )
