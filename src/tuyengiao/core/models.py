"""Base models shared by every app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record edited by several people: saves carry the version they read.

    ``core.services.save_versioned`` refuses a save whose version is stale, so two officials
    editing the same record never silently overwrite each other.
    """

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True
