"""Study campaigns over documents, and who took part in each cell."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import Reach, ScopedQuerySet, Visibility


class Audience(models.TextChoices):
    ALL_MEMBERS = "all_members", _("All Party members")
    CADRES = "cadres", _("Cadres")
    KEY_CADRES = "key_cadres", _("Key cadres")


class CampaignQuerySet(ScopedQuerySet):
    unit_field = "unit"
    # A campaign is also seen wherever its scope reaches: by the units under it and above it.
    also_visible = (Visibility("scope", Reach.SUBTREE_AND_ABOVE),)


class Campaign(TimeStampedModel):
    """Học tập, quán triệt: members of a subtree study one or more documents by a deadline."""

    title = models.CharField(_("campaign title"), max_length=300)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="organised_campaigns",
    )
    scope = models.ForeignKey(
        "org.Unit",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        related_name="campaigns_in_scope",
        help_text=_("The campaign covers this unit and everything under it."),
    )
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="campaigns"
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.ALL_MEMBERS
    )
    start = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    target_rate = models.DecimalField(
        _("target rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("95"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    description = models.TextField(_("description"), blank=True, default="")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("study campaign")
        verbose_name_plural = _("study campaigns")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("start")), name="campaign_deadline_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("campaigns:campaign_detail", args=[self.pk])


class Source(models.TextChoices):
    DIRECT = "direct", _("Entered directly")
    EVENTS = "events", _("Counted from study sessions")


class ParticipationQuerySet(ScopedQuerySet):
    unit_field = "unit"


class CampaignParticipation(TimeStampedModel):
    """One cell's figures for a campaign; ``attended`` is empty until the cell reports."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("cell"), on_delete=models.PROTECT, related_name="campaign_participations"
    )
    expected = models.PositiveIntegerField(
        _("expected"),
        null=True,
        blank=True,
        help_text=_("Empty until known: a cadres or key cadres campaign asks each cell for its number."),
    )
    attended = models.PositiveIntegerField(_("attended"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, blank=True, default="")
    reported_on = models.DateField(_("reported on"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign participation")
        verbose_name_plural = _("campaign participation")
        ordering = ["campaign", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="unique_campaign_cell"),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(attended__lte=F("expected")),
                name="attended_not_above_expected",
            ),
            models.CheckConstraint(
                condition=Q(attended__isnull=True) | Q(expected__isnull=False),
                name="attended_needs_expected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.unit}"

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path}
