"""The members' side: member records, reading, cell meetings, quizzes, commitments, points, bulletins, inbox.

Personal data is the minimum the work needs (name, year of birth, dates of joining, position, status).
Records about one member are seen by that member, by the secretary of their cell (data entry on the
cell itself) and by unit admins above it; boards otherwise read only the aggregates (providers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.models import TimeStampedModel
from tuyengiao.core.scoping import Reach, ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class PersonalQuerySet(ScopedQuerySet):
    """Per-member records: their owner, the secretary of their cell, unit admins above.

    Viewers and approvers of the subtree (the boards) do not reach them; they read the rates.
    """

    unit_field = "member__unit"
    owner_field: str | None = "member__user"

    def restrict(self, user: AbstractBaseUser | AnonymousUser, action: str = "view") -> Self:
        from tuyengiao.org.access import Scope

        scope = Scope.of(user)
        if scope.everything:
            return self
        condition = Q(pk__in=[])
        if action == "view" and self.owner_field and user.pk is not None:
            condition |= Q(**{self.owner_field: user.pk})
        if scope.prefixes("admin"):
            condition |= scope.q(self.unit_field, "admin")
        cells = scope.prefixes("enter")
        if cells:  # a secretary enters for the cell itself, not for the cells under a commune
            condition |= Q(**{f"{self.unit_field}__path__in": list(cells), f"{self.unit_field}__kind": "cell"})
        return self.filter(condition)


class MemberQuerySet(PersonalQuerySet):
    unit_field = "unit"
    owner_field = "user"


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active in the cell")
    TRANSFERRED = "transferred", _("Transferred")
    EXEMPT = "exempt", _("Exempt from activities")


class Member(TimeStampedModel):
    """Đảng viên: one person in one cell, linked to a login when they have one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("cell"), on_delete=models.PROTECT, related_name="members")
    full_name = models.CharField(_("full name"), max_length=120)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    joined_on = models.DateField(_("date of joining"))
    full_member_on = models.DateField(_("date of full membership"), null=True, blank=True)
    position = models.CharField(_("position in the cell"), max_length=120, blank=True, default="")
    status = models.CharField(_("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    has_smartphone = models.BooleanField(_("uses the app"), default=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["unit", "full_name", "pk"]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return self.full_name

    def get_additional_data(self) -> dict[str, str]:
        return {"unit_path": self.unit.path}


class Transfer(TimeStampedModel):
    """A member's move from one cell to another; the history stays."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["member", "on", "pk"]


class Reading(TimeStampedModel):
    """A member's reading of a document: opened, seconds read, finished."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="readings")
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="readings")
    opened_at = models.DateTimeField(_("opened"))
    seconds = models.PositiveIntegerField(_("time read (seconds)"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    by_secretary = models.BooleanField(_("recorded by the secretary"), default=False)

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(fields=["member", "document"], name="one_reading_per_document")]
        indexes = [models.Index(fields=["finished_at"])]


class Bookmark(TimeStampedModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="bookmarks")
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["member", "document"], name="one_bookmark_per_document")]


class MeetingKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly meeting")
    THEMATIC = "thematic", _("Thematic meeting")


class MeetingQuerySet(ScopedQuerySet):
    unit_field = "unit"


class Meeting(TimeStampedModel):
    """Sinh hoạt chi bộ. Once attendance is recorded it is the cell's study session for each campaign it covers."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("cell"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.MONTHLY)
    title = models.CharField(_("heading"), max_length=300)
    start = models.DateTimeField(_("starts"))
    venue = models.CharField(_("venue"), max_length=300, blank=True, default="")
    agenda = models.TextField(_("agenda"), blank=True, default="")
    documents = models.ManyToManyField("documents.Document", verbose_name=_("documents"), blank=True,
                                       related_name="+")
    campaigns = models.ManyToManyField("campaigns.Campaign", verbose_name=_("study campaigns"), blank=True,
                                       related_name="+")
    minutes = models.TextField(_("minutes"), blank=True, default="")
    # one study session per campaign covered (an event counts towards one campaign)
    events = models.ManyToManyField("events.Event", blank=True, related_name="+")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("cell meeting")
        verbose_name_plural = _("cell meetings")
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("handbook:meeting_detail", args=[self.pk])


class Reply(models.TextChoices):
    NONE = "", _("No answer yet")
    YES = "yes", _("Will attend")
    NO = "no", _("Cannot attend")


class Presence(models.TextChoices):
    NONE = "", _("Not recorded")
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class Attendance(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendances")
    reply = models.CharField(_("answer"), max_length=3, choices=Reply.choices, blank=True, default="")
    reason = models.CharField(_("reason for absence"), max_length=300, blank=True, default="")
    presence = models.CharField(_("attendance"), max_length=8, choices=Presence.choices, blank=True, default="")
    by_secretary = models.BooleanField(_("recorded by the secretary"), default=False)

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")]


class QuizQuerySet(ScopedQuerySet):
    unit_field = "unit"
    reach = Reach.SUBTREE_AND_ABOVE


class Quiz(TimeStampedModel):
    """A quiz on a document or a campaign, open to the members under ``unit``."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="quizzes")
    title = models.CharField(_("heading"), max_length=300)
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=3)
    opens_at = models.DateTimeField(_("opens"))
    deadline = models.DateTimeField(_("deadline"))

    objects = QuizQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-opens_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("handbook:quiz_detail", args=[self.pk])


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    multiple = models.BooleanField(_("several answers"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["quiz", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("answer"), max_length=500)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Attempt(TimeStampedModel):
    """One go at a quiz: the shuffled order is fixed when it starts; scored on the server when submitted."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    layout: models.JSONField[Any, Any] = models.JSONField(default=list)  # [[question id, [option ids]], ...]
    answers: models.JSONField[Any, Any] = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # per cent
    passed = models.BooleanField(default=False)
    by_secretary = models.BooleanField(_("recorded by the secretary"), default=False)

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "member"], condition=Q(submitted_at__isnull=True),
                                    name="one_open_attempt")
        ]


class Commitment(TimeStampedModel):
    """Đăng ký làm theo Bác: what a member commits to for the year, self-assessed twice, confirmed by the cell."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="commitments")
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("commitment"))
    mid_year = models.TextField(_("mid-year self-assessment"), blank=True, default="")
    year_end = models.TextField(_("year-end self-assessment"), blank=True, default="")
    completed = models.BooleanField(_("completed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    by_secretary = models.BooleanField(_("recorded by the secretary"), default=False)

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="one_commitment_per_year")]


class PointAction(models.TextChoices):
    DOCUMENT_FINISHED = "document_finished", _("Finished reading a document")
    QUIZ_PASSED = "quiz_passed", _("Passed a quiz")
    MEETING_ATTENDED = "meeting_attended", _("Attended a cell meeting")
    COMMITMENT_REGISTERED = "commitment_registered", _("Registered a yearly commitment")
    COMMITMENT_COMPLETED = "commitment_completed", _("Completed a yearly commitment")


class PointRule(models.Model):
    action = models.CharField(_("action"), max_length=30, choices=PointAction.choices, unique=True)
    points = models.PositiveSmallIntegerField(_("points earned"))
    daily_cap = models.PositiveSmallIntegerField(_("daily cap"))

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")

    def __str__(self) -> str:
        return self.get_action_display()


class PointEntry(TimeStampedModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="points")
    action = models.CharField(max_length=30, choices=PointAction.choices)
    points = models.PositiveSmallIntegerField()
    on = models.DateField()
    ref = models.CharField(max_length=60)

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["member", "action", "ref"], name="points_once_per_thing")]
        indexes = [models.Index(fields=["member", "action", "on"])]


class BulletinQuerySet(ScopedQuerySet):
    unit_field = "unit"
    reach = Reach.SUBTREE_AND_ABOVE


class Bulletin(TimeStampedModel):
    """Thông tin Tuyên giáo hằng tháng: composed by a board, published to its subtree, shared as images."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("board's unit"), on_delete=models.PROTECT,
                             related_name="bulletins")
    month = models.CharField(_("month"), max_length=6)  # period code, e.g. 202603
    title = models.CharField(_("heading"), max_length=300)
    message = models.TextField(_("short message"), blank=True, default="")
    figures: models.JSONField[Any, Any] = models.JSONField(default=list)  # [[label, formatted value], ...]
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="+")
    events = models.ManyToManyField("events.Event", blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="bulletins/", blank=True, max_length=200)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly bulletin")
        verbose_name_plural = _("monthly bulletins")
        ordering = ["-month", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("handbook:bulletin_detail", args=[self.pk])


class BulletinImage(models.Model):
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="images")
    page = models.PositiveSmallIntegerField()
    image = models.FileField(upload_to="bulletins/", max_length=200)

    class Meta:
        ordering = ["bulletin", "page"]

    def __str__(self) -> str:
        return f"{self.bulletin_id}/{self.page}"


class InboxKind(models.TextChoices):
    DOCUMENT = "document", _("New document")
    DEADLINE = "deadline", _("Campaign deadline")
    MEETING = "meeting", _("Meeting invitation")
    QUIZ = "quiz", _("Quiz open")
    BULLETIN = "bulletin", _("Bulletin")


class InboxItem(TimeStampedModel):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="inbox")
    kind = models.CharField(max_length=10, choices=InboxKind.choices)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "read_at"])]
        # a notice is sent once per thing, whether the event or the sweep sends it first
        constraints = [models.UniqueConstraint(fields=["member", "kind", "url"], name="one_notice_per_thing")]
