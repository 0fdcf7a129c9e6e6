"""Practice models, exemplars, commendations and judged contests: the board's emulation records."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import Reach, ScopedQuerySet
from tuyengiao.reporting.models import WorkField


class RecordQuerySet(ScopedQuerySet):
    unit_field = "unit"


class ContestPartQuerySet(ScopedQuerySet):
    """Rounds, categories, criteria, entries and prizes belong to the contest's organising unit."""

    unit_field = "contest__unit"


class ContestQuerySet(ScopedQuerySet):
    """A contest is seen below its organiser too (entries come from there); run only by the organiser."""

    unit_field = "unit"
    reach = Reach.SUBTREE_AND_ABOVE


class AssignmentQuerySet(ScopedQuerySet):
    unit_field = "round__contest__unit"


class ModelStatus(models.TextChoices):
    ACTIVE = "active", _("Maintained")
    REPLICATED = "replicated", _("Replicated")
    STOPPED = "stopped", _("Stopped")


class PracticeModel(TimeStampedModel):
    """Mô hình học tập và làm theo Bác: a named good practice run by a unit."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=300)
    field = models.CharField(_("work field"), max_length=20, choices=WorkField.choices, default=WorkField.FOLLOW_HO)
    started_on = models.DateField(_("started on"))
    description = models.TextField(_("description"), blank=True, default="")
    status = models.CharField(_("status"), max_length=12, choices=ModelStatus.choices, default=ModelStatus.ACTIVE)
    replicated_to = models.ManyToManyField(
        "org.Unit", verbose_name=_("replicated to"), blank=True, related_name="replicated_models"
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice model")
        verbose_name_plural = _("practice models")
        ordering = ["-started_on", "pk"]
        indexes = [models.Index(fields=["unit", "started_on"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emulation:record_detail", args=["models", self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}


class ExemplarKind(models.TextChoices):
    PERSON = "person", _("Person")
    COLLECTIVE = "collective", _("Collective")


class Exemplar(TimeStampedModel):
    """Điển hình: a person or a collective held up as an example, honoured on a date."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=ExemplarKind.choices, default=ExemplarKind.PERSON)
    name = models.CharField(_("name"), max_length=300)
    achievement = models.TextField(_("achievement"))
    honoured_on = models.DateField(_("honoured on"))
    event = models.ForeignKey(
        "events.Event", verbose_name=_("honoured at"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("exemplar")
        verbose_name_plural = _("exemplars")
        ordering = ["-honoured_on", "pk"]
        indexes = [models.Index(fields=["unit", "honoured_on"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emulation:record_detail", args=["exemplars", self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}


class CommendationForm(models.TextChoices):
    CERTIFICATE_OF_MERIT = "merit", _("Certificate of merit")
    CERTIFICATE_OF_COMMENDATION = "commendation", _("Certificate of commendation")
    OTHER = "other", _("Other form")


class Issuer(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("Provincial People's Committee")
    STANDING_COMMITTEE = "standing_committee", _("Standing Committee of the Provincial Party Committee")
    BOARD = "board", _("The board")
    OTHER = "other", _("Other issuer")


class Commendation(TimeStampedModel):
    """A commendation the unit recorded: who gave which form to whom, when and why."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("recording unit"), on_delete=models.PROTECT,
                             related_name="+")
    form = models.CharField(_("form"), max_length=14, choices=CommendationForm.choices)
    issuer = models.CharField(_("issuer"), max_length=20, choices=Issuer.choices)
    recipient_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("recipient unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_name = models.CharField(_("recipient"), max_length=300, blank=True, default="")
    awarded_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True, default="")
    event = models.ForeignKey(
        "events.Event", verbose_name=_("linked event"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-awarded_on", "pk"]
        indexes = [models.Index(fields=["unit", "awarded_on"])]

    def __str__(self) -> str:
        return f"{self.get_form_display()} – {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        return self.recipient_name or (self.recipient_unit.name if self.recipient_unit else "")

    def get_absolute_url(self) -> str:
        return reverse("emulation:record_detail", args=["commendations", self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}


def photo_path(instance: Photo, filename: str) -> str:
    extension = "png" if instance.content_type == "image/png" else "jpg"
    return f"emulation/{uuid.uuid4().hex}.{extension}"


class Photo(TimeStampedModel):
    """A photo of a practice model or of an exemplar (checked by content and size when uploaded)."""

    practice_model = models.ForeignKey(PracticeModel, null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="photos")
    exemplar = models.ForeignKey(Exemplar, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    caption = models.CharField(_("caption"), max_length=300, blank=True, default="")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(practice_model__isnull=False, exemplar__isnull=True)
                | models.Q(practice_model__isnull=True, exemplar__isnull=False),
                name="emulation_photo_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.caption or f"#{self.pk}"


# --- contests ----------------------------------------------------------------------------------


class TieRule(models.TextChoices):
    CRITERIA = "criteria", _("Higher score on the criteria in the order of the sheet, then the earlier entry")
    EARLIER = "earlier", _("The entry received earlier ranks higher")


class Grade(models.TextChoices):
    A = "A", _("Prize A")
    B = "B", _("Prize B")
    C = "C", _("Prize C")
    CONSOLATION = "K", _("Consolation prize")


class Contest(TimeStampedModel):
    """A judged contest (writing, art, press…) with a scoring sheet, judges, prizes by quota."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT,
                             related_name="+")
    title = models.CharField(_("contest title"), max_length=300)
    year = models.PositiveIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True, default="")
    tie_rule = models.CharField(_("tie rule"), max_length=10, choices=TieRule.choices, default=TieRule.CRITERIA)
    quota_a = models.PositiveIntegerField(_("prizes A"), default=0)
    quota_b = models.PositiveIntegerField(_("prizes B"), default=0)
    quota_c = models.PositiveIntegerField(_("prizes C"), default=0)
    quota_consolation = models.PositiveIntegerField(_("consolation prizes"), default=0)
    prizes_confirmed_at = models.DateTimeField(_("prizes confirmed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)

    objects = ContestQuerySet.as_manager()

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-year", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def locked(self) -> bool:
        return self.published_at is not None

    def quotas(self) -> dict[str, int]:
        return {
            Grade.A: self.quota_a, Grade.B: self.quota_b, Grade.C: self.quota_c,
            Grade.CONSOLATION: self.quota_consolation,
        }

    def get_absolute_url(self) -> str:
        return reverse("emulation:record_detail", args=["contests", self.pk])

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path if self.unit_id else ""}


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("round"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=1)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ContestPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["contest", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class Category(models.Model):
    """A category of a contest; its own prize quotas, when set, share out the contest's."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("contest category"), max_length=200)
    quota_a = models.PositiveIntegerField(_("prizes A in the category"), null=True, blank=True)
    quota_b = models.PositiveIntegerField(_("prizes B in the category"), null=True, blank=True)
    quota_c = models.PositiveIntegerField(_("prizes C in the category"), null=True, blank=True)
    quota_consolation = models.PositiveIntegerField(_("consolation prizes in the category"), null=True,
                                                    blank=True)

    objects = ContestPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("contest category")
        verbose_name_plural = _("categories")
        ordering = ["contest", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_quotas(self) -> bool:
        return any(q is not None for q in (self.quota_a, self.quota_b, self.quota_c, self.quota_consolation))

    def quotas(self) -> dict[str, int | None]:
        """The category's quota of each grade; ``None``: the category sets no limit of that grade."""
        return {
            Grade.A: self.quota_a, Grade.B: self.quota_b, Grade.C: self.quota_c,
            Grade.CONSOLATION: self.quota_consolation,
        }


class Criterion(models.Model):
    """A line of the scoring sheet: a score between ``min_score`` and ``max_score``, counted by ``weight``."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    min_score = models.DecimalField(_("lowest score"), max_digits=6, decimal_places=2, default=0)
    max_score = models.DecimalField(_("highest score"), max_digits=6, decimal_places=2, default=10)
    order = models.PositiveIntegerField(_("order"), default=1)

    objects = ContestPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["contest", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Entry(TimeStampedModel):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    category = models.ForeignKey(Category, verbose_name=_("contest category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="entries")
    title = models.CharField(_("entry title"), max_length=300)
    authors = models.CharField(_("authors"), max_length=500)
    author_unit = models.ForeignKey("org.Unit", verbose_name=_("authors' unit"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("received on"))

    objects = ContestPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["contest", "received_on", "pk"]

    def __str__(self) -> str:
        return self.title


class JudgeAssignment(models.Model):
    """A judge assigned an entry in a round; the judge sees and scores only these."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.PROTECT,
                              related_name="contest_assignments")
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("judge assignment")
        verbose_name_plural = _("judge assignments")
        ordering = ["round", "entry", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "entry", "judge"], name="one_assignment_per_judge")]

    def __str__(self) -> str:
        return f"{self.judge} – {self.entry}"


class Score(models.Model):
    assignment = models.ForeignKey(JudgeAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Prize(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="prizes")
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="prize")
    grade = models.CharField(_("prize"), max_length=1, choices=Grade.choices)
    rank = models.PositiveIntegerField(_("rank"))

    objects = ContestPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("prize")
        verbose_name_plural = _("prizes")
        ordering = ["contest", "rank"]

    def __str__(self) -> str:
        return f"{self.get_grade_display()}: {self.entry}"
