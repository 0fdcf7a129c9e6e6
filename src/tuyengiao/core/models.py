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


class OnceToken(models.Model):
    """A create form's one-time token, claimed by its first POST (see ``core.middleware``).

    A second POST of the same form (a double click, a resend after a slow answer) finds the
    token taken and is sent where the first one went instead of creating a second record.
    """

    token = models.CharField(max_length=64, primary_key=True)
    user_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    result_url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")

    def __str__(self) -> str:
        return self.token
