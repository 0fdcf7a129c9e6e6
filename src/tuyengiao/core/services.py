"""Write helpers every app uses."""

from __future__ import annotations

from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from .exceptions import ConflictError
from .models import VersionedModel

V = TypeVar("V", bound=VersionedModel)


def save_versioned(instance: V, expected_version: int) -> V:
    """Save only if nobody saved since ``expected_version`` was read; bump the version.

    The row is locked while versions are compared, so two concurrent saves cannot both pass;
    a normal ``save()`` follows so the audit log sees the change.
    """
    model = type(instance)
    with transaction.atomic():
        if instance.pk is not None:
            current = (
                model._default_manager.select_for_update()
                .filter(pk=instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and current != expected_version:
                raise ConflictError(
                    _("Someone else changed this record after you opened it; reload to see their changes."),
                    current=model._default_manager.get(pk=instance.pk),
                )
            instance.version = expected_version + 1
        instance.save()
    return instance
