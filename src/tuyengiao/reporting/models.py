"""Data elements, data sets, stored values, indicators, validation rules and submissions.

Every figure a board reports is a ``DataValue`` of a ``DataElement`` for (unit, period code);
the period is a code (``202406``, ``2024S1``) from ``core.periods`` so values of any period type
sit in one table and roll up through the one analytics service.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel, VersionedModel
from tuyengiao.core.periods import Period, PeriodType
from tuyengiao.core.scoping import ScopedQuerySet
from tuyengiao.org.models import Unit

CODE_RE = re.compile(r"^[A-Z0-9_]{2,40}$")


def validate_code(value: str) -> None:
    if not CODE_RE.match(value):
        raise ValidationError(_("A code uses capital letters, digits and underscores (2 to 40 characters)."))


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    NUMBER = "number", _("Number")
    PERCENT = "percent", _("Percent")
    BOOLEAN = "boolean", _("Yes/no")
    TEXT = "text", _("Text")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    AVERAGE = "avg", _("Average")
    LAST = "last", _("Last value in period")
    MAX = "max", _("Maximum")


class WorkField(models.TextChoices):
    STUDY = "study", _("Study and dissemination")
    THEORY = "theory", _("Political theory")
    OUTREACH = "outreach", _("Outreach and press")
    FOLLOW_HO = "follow_ho", _("Following Ho Chi Minh's example")
    IDEOLOGY = "ideology", _("Ideological work")
    HISTORY = "history", _("Party history")
    SCIENCE = "science", _("Science and education")
    CULTURE = "culture", _("Culture and arts")
    ORGANISATION = "organisation", _("Organisation")


class DataElement(TimeStampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    value_type = models.CharField(
        _("value type"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=5, choices=Aggregation.choices, default=Aggregation.SUM
    )
    work_field = models.CharField(_("work field"), max_length=20, choices=WorkField.choices, blank=True)
    zero_is_significant = models.BooleanField(_("zero is significant"), default=False)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def is_numeric(self) -> bool:
        return self.value_type not in (ValueType.TEXT,)

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": "/"}


class DataSet(TimeStampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=255)
    period_type = models.CharField(
        _("period type"), max_length=10, choices=[(t.value, t.value) for t in PeriodType]
    )
    unit_kinds = models.JSONField(_("unit kinds that report"), default=list)
    due_days = models.PositiveSmallIntegerField(_("due (days after period end)"), default=5)
    expiry_days = models.PositiveSmallIntegerField(
        _("entry locks (days after period end)"), default=0, help_text=_("0: never locks.")
    )
    elements: models.ManyToManyField[DataElement, DataSetElement] = models.ManyToManyField(
        DataElement, through="DataSetElement", related_name="datasets"
    )

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": "/"}

    def period(self, code: str) -> Period:
        """Parse a period code that must be of this data set's type."""
        period = Period.parse(code)
        if period.type != self.period_type:
            raise ValueError(
                gettext("The period “%(code)s” is not a reporting period of “%(dataset)s”.")
                % {"code": code, "dataset": self.name}
            )
        return period

    def due_date(self, period: Period) -> dt.date:
        return period.end + dt.timedelta(days=self.due_days)

    def expiry_date(self, period: Period) -> dt.date | None:
        return period.end + dt.timedelta(days=self.expiry_days) if self.expiry_days else None

    def reports(self, unit: Unit) -> bool:
        return unit.kind in (self.unit_kinds or [])


class DataSetElement(models.Model):
    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="memberships")
    section = models.CharField(_("section"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("data set element")
        verbose_name_plural = _("data set elements")
        ordering = ["dataset", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["dataset", "element"], name="unique_dataset_element")]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.element}"

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": "/"}


class DataValueQuerySet(ScopedQuerySet):
    pass


class DataValue(VersionedModel):
    # Tens of millions of rows: only the indexes queries use (the unique key serves element and
    # element + period lookups, the (unit, period) index a unit's form and own values).
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="data_values", db_index=False)
    period = models.CharField(_("period"), max_length=8)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    text_value = models.TextField(_("text value"), blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    objects = DataValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(fields=["element", "period", "unit"], name="unique_data_value")
        ]
        indexes = [
            models.Index(fields=["unit", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.element.code} {self.unit_id} {self.period}: {self.display}"

    @property
    def display(self) -> str:
        from tuyengiao.core.numbers import format_number

        if self.value is None:
            return self.text_value
        return format_number(self.value)

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path}


class Operator(models.TextChoices):
    EQ = "==", "="
    NE = "!=", "≠"
    LT = "<", "<"
    LE = "<=", "≤"
    GT = ">", ">"
    GE = ">=", "≥"


class ValidationRule(TimeStampedModel):
    dataset = models.ForeignKey(
        DataSet, on_delete=models.CASCADE, related_name="rules", null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=255)
    left = models.CharField(_("left side"), max_length=500)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("right side"), max_length=500)
    message = models.CharField(_("message (Vietnamese)"), max_length=500)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["dataset", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .expressions import ExpressionError, check

        errors = {}
        for field in ("left", "right"):
            try:
                check(getattr(self, field), known_code)
            except ExpressionError as exc:
                errors[field] = exc.message
        if errors:
            raise ValidationError(errors)

    def holds(self, left: Decimal, right: Decimal) -> bool:
        return {
            "==": left == right,
            "!=": left != right,
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[self.operator]

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": "/"}


def known_code(code: str) -> bool:
    """A code an expression may name: a stored or derived data element."""
    from tuyengiao.core import providers

    return providers.get(code) is not None or DataElement.objects.filter(code=code).exists()


class Indicator(TimeStampedModel):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=255)
    numerator = models.CharField(_("numerator"), max_length=500)
    denominator = models.CharField(_("denominator"), max_length=500, default="1")
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=4, default=Decimal(1))
    unit_label = models.CharField(_("unit label"), max_length=20, blank=True, help_text=_("e.g. % or turns"))
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    work_field = models.CharField(_("work field"), max_length=20, choices=WorkField.choices, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .expressions import ExpressionError, check

        errors = {}
        for field in ("numerator", "denominator"):
            try:
                check(getattr(self, field), known_code)
            except ExpressionError as exc:
                errors[field] = exc.message
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.clean()
        super().save(*args, **kwargs)

    @property
    def is_percent(self) -> bool:
        """A rate shown with %: labelled so, or unlabelled with factor 100."""
        label = self.unit_label.strip()
        return label == "%" or (not label and self.factor == 100)

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": "/"}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class SubmissionQuerySet(ScopedQuerySet):
    pass


class Submission(TimeStampedModel):
    dataset = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField(_("period"), max_length=8)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    reason = models.CharField(_("reason"), max_length=1000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The figures as sent ({element code: value}) and as sent the time before, so the approver
    # sees what changed since the version they last saw.
    snapshot = models.JSONField(_("figures as sent"), default=dict, blank=True)
    previous_snapshot = models.JSONField(_("figures as sent before"), default=dict, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            # on PostgreSQL the key also carries the status (migration 0009), so whether a unit sent
            # its report is read from the index alone
            models.UniqueConstraint(fields=["dataset", "unit", "period"], name="unique_submission")
        ]
        indexes = [models.Index(fields=["dataset", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.unit} · {self.period}: {self.get_status_display()}"

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path}


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    CHECKING = "checking", _("Checking")
    READY = "ready_for_review", _("Ready for review")
    COMMITTED = "committed", _("Waiting to save")
    SAVING = "saving", _("Saving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJobQuerySet(ScopedQuerySet):
    owner_field = "user"  # a person always sees the imports they started


def import_upload_to(instance: ImportJob, filename: str) -> str:
    """A generated name: the person's file name is kept only in ``file_name``."""
    import uuid

    return f"reporting/imports/{uuid.uuid4().hex}.xlsx"


class ImportJob(TimeStampedModel):
    """One Excel upload: checked in the background, reviewed, then saved in the background.

    ``processed``/``total`` count the cells checked (or the values saved) so far; the job page
    polls them. ``errors`` lists the first bad cells ({sheet, row, column, message}); ``preview``
    summarises what a commit would change; ``seen`` keeps the version of every stored value the
    preview was made against, so a commit never overwrites a value changed since. ``attempts``
    counts the workers that took the job: a worker given up on (it stopped writing progress) is
    fenced off by it; ``retries`` counts the times housekeeping handed the job to a new worker.
    """

    RUNNING = (JobStatus.QUEUED, JobStatus.CHECKING, JobStatus.COMMITTED, JobStatus.SAVING)
    WORKING = (JobStatus.CHECKING, JobStatus.SAVING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("user")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("unit"))
    dataset = models.ForeignKey(
        DataSet, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("data set")
    )
    period = models.CharField(_("period"), max_length=8)
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("total"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    message = models.TextField(_("message"), blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    seen = models.JSONField(_("versions seen at preview"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    retries = models.PositiveSmallIntegerField(_("retries"), default=0)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("Excel import")
        verbose_name_plural = _("Excel imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.unit} · {self.period}: {self.get_status_display()}"

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def stalled(self) -> bool:
        """Being worked on but silent for long: the worker stopped; housekeeping retries or fails it."""
        from django.utils import timezone

        from tuyengiao.core.tasks import stalled_after

        return self.status in self.WORKING and self.updated_at < timezone.now() - stalled_after()

    @property
    def period_obj(self) -> Period:
        return Period.parse(self.period)

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path}


class ExactDecimalField(models.DecimalField):
    """``numeric`` without a fixed scale on PostgreSQL: sums of values times shares stay exact."""

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "postgresql":
            return "numeric"
        return super().db_type(connection)


class Aggregate(models.Model):
    """Everything below a unit for one element and period, kept exact by ``reporting.aggregates``.

    ``structure`` is ``p`` (the tree as it stood at the end of each value's period) or ``c``
    (today's units, through the successions). Written only by that module.
    """

    pk = models.CompositePrimaryKey("structure", "element", "period", "unit")
    structure = models.CharField(max_length=1)
    element = models.ForeignKey(
        DataElement, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    period = models.CharField(max_length=8)
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    total = ExactDecimalField(max_digits=40, decimal_places=12)
    plain = ExactDecimalField(max_digits=40, decimal_places=12)
    count = models.IntegerField()
    maximum = ExactDecimalField(max_digits=40, decimal_places=12, null=True)

    objects: models.Manager[Aggregate] = models.Manager()

    class Meta:
        verbose_name = _("aggregate")
        verbose_name_plural = _("aggregates")

    def __str__(self) -> str:
        return f"{self.structure} {self.period} {self.pk}"


class ReportCount(models.Model):
    """Reports of the units of one kind strictly below a unit on the tree of the period's end:
    sent, sent on time, approved. Kept exact by ``reporting.report_counts``, written only there."""

    pk = models.CompositePrimaryKey("dataset", "period", "unit", "kind")
    dataset = models.ForeignKey(
        DataSet, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    period = models.CharField(max_length=8)
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    kind = models.CharField(max_length=20)
    sent = models.IntegerField()
    on_time = models.IntegerField()
    approved = models.IntegerField()

    objects: models.Manager[ReportCount] = models.Manager()

    class Meta:
        verbose_name = _("report count")
        verbose_name_plural = _("report counts")

    def __str__(self) -> str:
        return f"{self.period} {self.pk}"


class ReportCountBasis(models.Model):
    """The on-time cutoff the ``ReportCount`` rows of a data set and period were counted against
    (a changed due date makes completeness count on read until they are rebuilt)."""

    pk = models.CompositePrimaryKey("dataset", "period")
    dataset = models.ForeignKey(
        DataSet, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    period = models.CharField(max_length=8)
    cutoff = models.DateTimeField()

    objects: models.Manager[ReportCountBasis] = models.Manager()

    class Meta:
        verbose_name = _("report count basis")
        verbose_name_plural = _("report count bases")

    def __str__(self) -> str:
        return f"{self.period} {self.pk}"
