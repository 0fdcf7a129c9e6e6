"""API tokens: one per device or program, named, expiring, revocable by their owner."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class ApiToken(AbstractAuthToken):
    """A knox token (only its digest is stored) with a name its owner recognises and a plain id.

    The digest stays unique but is not the key: revoking goes by ``id`` so no part of the secret
    or its hash appears in URLs.
    """

    # knox ships no type hints, so the model plugin cannot see this is a model: fields typed by hand.
    id: Any = models.BigAutoField(primary_key=True)
    digest: Any = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name: Any = models.CharField(_("name"), max_length=100)
    last_used: Any = models.DateTimeField(_("last used"), null=True, blank=True)
    read_only: Any = models.BooleanField(
        _("read only"), default=False, help_text=_("The token may read but not change anything."),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
