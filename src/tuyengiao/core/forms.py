"""Form pieces every app uses."""

from __future__ import annotations

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
