"""Form pieces every app uses."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

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
