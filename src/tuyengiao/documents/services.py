"""The document registry's logic: symbols, sanitising, attachments, saving."""

from __future__ import annotations

from .choices import WorkField as WorkFieldChoice


def ensure_work_fields() -> None:
    from .models import WorkField

    for code, label in WorkFieldChoice.choices:
        WorkField.objects.get_or_create(code=code, defaults={"name": str(label)})
