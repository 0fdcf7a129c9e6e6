"""The handbook's logic: pages, API, the secretary's entries and the demo all go through here.

Each change is one transaction. A member acts on their own records; the secretary of a cell (data
entry on the cell) and unit admins above act on the cell's members, and what they record for a
member is marked as recorded by the secretary.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core.exceptions import ImportRejected, RowError, UserError
from tuyengiao.core.html import plain_text
from tuyengiao.core.numbers import format_date, format_number, parse_date
from tuyengiao.core.tabular import iter_records, read_table
from tuyengiao.core.text import fold
from tuyengiao.documents.models import Document
from tuyengiao.documents.services import search as search_documents
from tuyengiao.documents.services import visible_documents
from tuyengiao.org.access import Scope
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit

from .models import (
    Attempt,
    Attendance,
    Bookmark,
    Commitment,
    InboxItem,
    Meeting,
    Member,
    MemberStatus,
    PointAction,
    PointEntry,
    PointRule,
    Presence,
    Question,
    Quiz,
    Reading,
    Reply,
    Transfer,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

FINISHED_AFTER_SECONDS = 60  # a document counts as read once the member has spent this long on it
RECENT_DAYS = 90


def now() -> dt.datetime:
    return timezone.now()


# ---------------------------------------------------------------------------------------------
# Members


def member_of(user: User) -> Member | None:
    """The member record of a login (None for board staff without one)."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user_id=user.pk).select_related("unit").first()


def require_member(user: User) -> Member:
    member = member_of(user)
    if member is None:
        raise Http404
    return member


def visible_members(user: User) -> QuerySet[Member]:
    return Member.objects.restrict(user, "view")


def managed_members(user: User) -> QuerySet[Member]:
    """Members whose records the user may enter: the secretary's cell, the admin's subtree."""
    return Member.objects.restrict(user, "enter")


def is_secretary_of(user: User, unit: Unit) -> bool:
    """Data entry on the cell itself, or unit admin above it."""
    scope = Scope.of(user)
    return scope.everything or scope.allows(unit, "admin") or (
        unit.kind == UnitKind.CELL and unit.path in scope.prefixes("enter")
    )


def managed_cells(user: User) -> list[Unit]:
    scope = Scope.of(user)
    cells = Unit.objects.current().filter(kind=UnitKind.CELL)
    if scope.everything:
        return list(cells.order_by("path")[:200])
    condition = Q(path__in=list(scope.prefixes("enter")))
    if scope.prefixes("admin"):
        condition |= scope.q("", "admin")
    return list(cells.filter(condition).order_by("path")[:200])


def recount_members(unit_ids: Iterable[int]) -> None:
    """A cell with member records counts its members from them (active and exempt, not transferred),
    and the campaigns it takes part in expect its active members."""
    unit_ids = set(unit_ids)
    for unit_id in unit_ids:
        count = Member.objects.filter(unit_id=unit_id).exclude(status=MemberStatus.TRANSFERRED).count()
        Unit.objects.filter(pk=unit_id).update(member_count=count)
    sync_campaign_expected(unit_ids)


def expected_members(unit_ids: Iterable[int]) -> dict[int, int]:
    """How many members a campaign expects in each cell that has member records: the active ones
    (a member exempt from activities or transferred away is not expected). Cells without records
    are absent, so their figure stays as entered."""
    unit_ids = list(unit_ids)
    with_records = set(Member.objects.filter(unit_id__in=unit_ids).values_list("unit_id", flat=True).distinct())
    counts = dict.fromkeys(with_records, 0)
    active = (Member.objects.filter(unit_id__in=with_records, status=MemberStatus.ACTIVE)
              .values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    counts.update(active)
    return counts


def sync_campaign_expected(unit_ids: Iterable[int]) -> int:
    """Campaign rows of these cells that the cell has not typed itself follow the member records.

    Sessions already counted are never made impossible: the expected count stays at least the attended.
    Each row is saved on its own so the campaign figures kept as values follow.
    """
    from tuyengiao.campaigns.models import Audience, CampaignParticipation, Source

    counts = expected_members(unit_ids)
    if not counts:
        return 0
    rows = (CampaignParticipation.objects.filter(unit_id__in=list(counts), campaign__audience=Audience.ALL_MEMBERS)
            .exclude(source=Source.DIRECT))
    changed = 0
    for row in rows:
        wanted = max(counts[row.unit_id], row.attended or 0)
        if row.expected != wanted:
            row.expected = wanted
            row.save(update_fields=["expected", "updated_at"])
            changed += 1
    return changed


def active_count(unit_id: int) -> int:
    return Member.objects.filter(unit_id=unit_id, status=MemberStatus.ACTIVE).count()


INVITE_COLUMNS = {
    "họ và tên": "full_name", "ho va ten": "full_name", "full_name": "full_name",
    "năm sinh": "birth_year", "nam sinh": "birth_year", "birth_year": "birth_year",
    "ngày vào đảng": "joined_on", "ngay vao dang": "joined_on", "joined_on": "joined_on",
    "ngày chính thức": "full_member_on", "ngay chinh thuc": "full_member_on", "full_member_on": "full_member_on",
    "chức vụ": "position", "chuc vu": "position", "position": "position",
    "mã chi bộ": "cell_code", "ma chi bo": "cell_code", "cell_code": "cell_code",
    "tên đăng nhập": "username", "ten dang nhap": "username", "username": "username",
    "có điện thoại thông minh": "smartphone", "co dien thoai thong minh": "smartphone", "smartphone": "smartphone",
}  # fmt: skip
REQUIRED_COLUMNS = ["full_name", "birth_year", "joined_on", "cell_code"]
COLUMN_LABELS = {
    "full_name": "Họ và tên", "birth_year": "Năm sinh", "joined_on": "Ngày vào Đảng",
    "full_member_on": "Ngày chính thức", "position": "Chức vụ", "cell_code": "Mã chi bộ",
    "username": "Tên đăng nhập", "smartphone": "Có điện thoại thông minh",
}  # fmt: skip


@dataclass
class Invited:
    member: Member
    username: str
    password: str  # the first password, handed to the member once


@dataclass
class _InviteRow:
    number: int
    data: dict[str, Any] = field(default_factory=dict)


def _error(rows: list[RowError], number: int, column: str, message: str) -> None:
    rows.append(RowError(number, COLUMN_LABELS.get(column, column), message))


def invite_members(user: User, data: bytes, filename: str = "") -> list[Invited]:
    """Create members and their logins from a spreadsheet, all or nothing; every bad cell is listed."""
    try:
        sheet = read_table(data, filename)[0]
    except UserError as exc:
        raise ImportRejected([RowError(0, "", exc.message)]) from exc
    sheet.header = [INVITE_COLUMNS.get(h, INVITE_COLUMNS.get(fold(h), h)) for h in sheet.header]
    missing = [c for c in REQUIRED_COLUMNS if c not in sheet.header]
    if missing:
        raise ImportRejected([RowError(1, COLUMN_LABELS[c], _("required column is missing")) for c in missing])
    records = list(iter_records(sheet))
    codes = {r.get("cell_code", "").strip() for _n, r in records}
    cells = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    wanted_names = [r.get("username", "").strip() for _n, r in records if r.get("username", "").strip()]
    UserModel = get_user_model()
    taken = set(UserModel.objects.filter(username__in=wanted_names).values_list("username", flat=True))
    errors: list[RowError] = []
    rows: list[_InviteRow] = []
    seen: dict[str, int] = {}
    this_year = timezone.localdate().year
    for number, record in records:
        row = _InviteRow(number)
        name = plain_text(record.get("full_name", ""))
        if not name:
            _error(errors, number, "full_name", _("the name is empty"))
        elif len(name) > 120:
            _error(errors, number, "full_name", _("the name is longer than 120 characters"))
        row.data["full_name"] = name
        raw_year = record.get("birth_year", "").strip()
        if not raw_year.isdigit() or not 1900 <= int(raw_year) <= this_year - 18:
            _error(errors, number, "birth_year",
                   _("“%(text)s” is not a year of birth (four digits, at least 18 years ago)") % {"text": raw_year})
        else:
            row.data["birth_year"] = int(raw_year)
        for column, required in (("joined_on", True), ("full_member_on", False)):
            raw = record.get(column, "").strip()
            if not raw:
                if required:
                    _error(errors, number, column, _("the date is empty"))
                row.data[column] = None
                continue
            try:
                row.data[column] = parse_date(raw)
            except ValueError as exc:
                _error(errors, number, column, str(exc))
        joined, full = row.data.get("joined_on"), row.data.get("full_member_on")
        if joined and full and full < joined:
            _error(errors, number, "full_member_on", _("full membership comes before joining"))
        if joined and joined > timezone.localdate():
            _error(errors, number, "joined_on", _("the date is in the future"))
        code = record.get("cell_code", "").strip()
        cell = cells.get(code)
        if cell is None or not cell.is_open or cell.kind != UnitKind.CELL:
            _error(errors, number, "cell_code", _("“%(code)s” is not an open Party cell") % {"code": code})
        elif not is_secretary_of(user, cell) and not Scope.of(user).allows(cell, "enter"):
            _error(errors, number, "cell_code", _("the cell “%(code)s” is outside your units") % {"code": code})
        else:
            row.data["unit"] = cell
        row.data["position"] = plain_text(record.get("position", ""))[:120]
        phone = fold(record.get("smartphone", "có")) or "co"
        if phone not in ("co", "khong", "x", "1", "0", "yes", "no"):
            _error(errors, number, "smartphone", _("write “có” or “không”"))
        row.data["has_smartphone"] = phone in ("co", "x", "1", "yes")
        username = record.get("username", "").strip()
        if username:
            if username in taken:
                _error(errors, number, "username", _("the login “%(u)s” is already used") % {"u": username})
            elif username in seen:
                _error(errors, number, "username", _("the login “%(u)s” already appears on row %(row)d")
                       % {"u": username, "row": seen[username]})
            elif not all(ch.isalnum() or ch in "._-" for ch in username) or len(username) > 150:
                _error(errors, number, "username", _("a login has only letters, digits, dots, dashes"))
            seen[username] = number
        row.data["username"] = username
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(2, "", _("the file has no members")))
    if errors:
        raise ImportRejected(errors)
    if not Scope.of(user).reaches_anything("enter"):
        raise PermissionDenied
    invited: list[Invited] = []
    with transaction.atomic():
        for row in rows:
            fields = row.data
            username = fields.pop("username") or _free_username(fields["full_name"], fields["birth_year"])
            password = secrets.token_urlsafe(9)
            account = None
            if fields["has_smartphone"]:
                last, _sep, first = fields["full_name"].rpartition(" ")
                account = UserModel.objects.create_user(username=username, password=password,
                                                        first_name=first, last_name=last)
                _viewer(account, fields["unit"])
            member = Member.objects.create(user=account, **fields)
            invited.append(Invited(member, username if account else "", password if account else ""))
        recount_members(r.data["unit"].pk for r in rows)
    return invited


def _viewer(account: Any, unit: Unit) -> None:
    from tuyengiao.org.choices import Role
    from tuyengiao.org.models import Assignment

    Assignment.objects.update_or_create(user=account, defaults={"unit": unit, "role": Role.VIEWER})


def _free_username(name: str, year: int) -> str:
    base = "".join(fold(name).split()[-1:]) + "." + "".join(w[0] for w in fold(name).split()[:-1]) + str(year)[-2:]
    UserModel = get_user_model()
    candidate, n = base, 1
    while UserModel.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def transfer_member(user: User, member: Member, to_unit: Unit, on: dt.date | None = None) -> Member:
    """Move a member to another cell; the transfer is kept and both cells count again."""
    scope = Scope.of(user)
    if not scope.allows(member.unit, "enter"):
        raise PermissionDenied
    if not scope.allows(to_unit, "enter"):
        raise UserError(_("Cell: “%(unit)s” is outside your units.") % {"unit": to_unit.name}, field="unit")
    if to_unit.kind != UnitKind.CELL or not to_unit.is_open:
        raise UserError(_("Cell: “%(unit)s” is not an open Party cell.") % {"unit": to_unit.name}, field="unit")
    if to_unit.pk == member.unit_id:
        raise UserError(_("Cell: the member is already in this cell."), field="unit")
    with transaction.atomic():
        Transfer.objects.create(member=member, from_unit_id=member.unit_id, to_unit=to_unit,
                                on=on or timezone.localdate(), by_id=user.pk)
        old = member.unit_id
        member.unit = to_unit
        member.status = MemberStatus.ACTIVE
        member.save(update_fields=["unit", "status", "updated_at"])
        if member.user_id:
            _viewer(member.user, to_unit)
        # invited to the meetings still to come of the new cell, no longer to those of the old one
        upcoming = Meeting.objects.filter(start__gt=now())
        Attendance.objects.filter(member=member, meeting__in=upcoming.filter(unit_id=old), presence="").delete()
        Attendance.objects.bulk_create([Attendance(meeting=m, member=member) for m in upcoming.filter(unit=to_unit)],
                                       ignore_conflicts=True)
        recount_members([old, to_unit.pk])
    return member


# ---------------------------------------------------------------------------------------------
# Points: learning, not clicks


DEFAULT_RULES = {
    PointAction.DOCUMENT_FINISHED: (5, 15),
    PointAction.QUIZ_PASSED: (10, 20),
    PointAction.MEETING_ATTENDED: (10, 10),
    PointAction.COMMITMENT_REGISTERED: (10, 10),
    PointAction.COMMITMENT_COMPLETED: (30, 30),
}


def rule(action: str) -> PointRule:
    points, cap = DEFAULT_RULES[PointAction(action)]
    found, _created = PointRule.objects.get_or_create(action=action, defaults={"points": points, "daily_cap": cap})
    return found


@dataclass
class Award:
    points: int
    message: str


def award(member: Member, action: str, ref: str, on: dt.date | None = None) -> Award:
    """Add the rule's points once per thing, within the day's cap; say why when nothing is added."""
    on = on or timezone.localdate()
    current = rule(action)
    if PointEntry.objects.filter(member=member, action=action, ref=ref).exists():
        return Award(0, "")
    today_total = PointEntry.objects.filter(member=member, action=action, on=on).aggregate(s=Sum("points"))["s"] or 0
    if today_total + current.points > current.daily_cap:
        return Award(0, _("No points added: at most %(cap)s points a day for “%(action)s”; you have %(have)s today.")
                     % {"cap": current.daily_cap, "action": current.get_action_display(), "have": today_total})
    try:
        with transaction.atomic():
            PointEntry.objects.create(member=member, action=action, points=current.points, on=on, ref=ref)
    except IntegrityError:
        return Award(0, "")
    return Award(current.points, _("%(n)s points added.") % {"n": current.points})


def points_total(member: Member) -> int:
    return int(PointEntry.objects.filter(member=member).aggregate(s=Sum("points"))["s"] or 0)


def cell_board(member: Member) -> list[tuple[str, int]]:
    """Points of the members of one's own cell: the only ranking of named people there is."""
    rows = (Member.objects.filter(unit_id=member.unit_id).exclude(status=MemberStatus.TRANSFERRED)
            .annotate(total=Coalesce(Sum("points__points"), 0)).order_by("-total", "full_name"))
    return [(m.full_name, int(m.total or 0)) for m in rows]


# ---------------------------------------------------------------------------------------------
# Library and reading


def library(member: Member) -> QuerySet[Document]:
    """Documents of the member's campaigns and the recent guidance of the boards above the cell."""
    from tuyengiao.campaigns.models import Campaign

    unit = member.unit
    campaigns = Campaign.objects.filter(Q(scope__path__in=_paths_up(unit)) | Q(scope=unit),
                                        start__lte=timezone.localdate())
    since = timezone.localdate() - dt.timedelta(days=RECENT_DAYS)
    above = Q(unit__path__in=_paths_up(unit), kind__in=["guidance", "orientation", "notice"], issued_on__gte=since)
    return (Document.objects.filter(Q(campaigns__in=campaigns) | above).distinct()
            .order_by("-issued_on", "-pk"))


def _paths_up(unit: Unit) -> list[str]:
    parts = [p for p in unit.path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def library_search(member: Member, query: str) -> QuerySet[Document]:
    docs = library(member)
    if query.strip():
        return search_documents(Document.objects.filter(pk__in=docs.values("pk")), query)
    return docs


def get_document(user: User, member: Member | None, pk: int) -> Document:
    """A document of the member's library (or any document the user may read otherwise)."""
    if member is not None:
        found = library(member).filter(pk=pk).first()
        if found is not None:
            return found
    document = visible_documents(user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def open_document(member: Member, document: Document) -> Reading:
    reading, _created = Reading.objects.get_or_create(member=member, document=document,
                                                      defaults={"opened_at": now()})
    return reading


def record_reading(member: Member, document: Document, seconds: int, finished: bool = False,
                   by_secretary: bool = False) -> tuple[Reading, Award | None]:
    """Add reading time; finishing (asked, or enough time read) counts once and earns points once."""
    seconds = max(0, min(int(seconds), 3600))
    with transaction.atomic():
        reading = open_document(member, document)
        reading = Reading.objects.select_for_update().get(pk=reading.pk)
        reading.seconds += seconds
        reading.by_secretary = reading.by_secretary or by_secretary
        result = None
        if reading.finished_at is None and (finished or reading.seconds >= FINISHED_AFTER_SECONDS):
            if finished and not by_secretary and reading.seconds < min(FINISHED_AFTER_SECONDS, 20):
                raise UserError(_("Read the document a little longer before marking it finished."))
            reading.finished_at = now()
            result = award(member, PointAction.DOCUMENT_FINISHED, f"doc:{document.pk}")
        reading.save()
    return reading, result


def toggle_bookmark(member: Member, document: Document) -> bool:
    """Bookmark or un-bookmark; True when the document is now bookmarked."""
    deleted, _rows = Bookmark.objects.filter(member=member, document=document).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(member=member, document=document)
    return True


# ---------------------------------------------------------------------------------------------
# Cell meetings


def visible_meetings(user: User) -> QuerySet[Meeting]:
    member = member_of(user)
    own = Q(unit_id=member.unit_id) if member else Q(pk__in=[])
    return Meeting.objects.filter(own | Q(pk__in=Meeting.objects.restrict(user, "enter").values("pk")))


def schedule_meeting(user: User, meeting: Meeting, documents: Sequence[Document] = (),
                     campaigns: Sequence[Any] | None = None) -> Meeting:
    """Save a meeting with its documents and the campaigns it covers; members are invited once it commits.

    ``campaigns`` None keeps those already set (a new meeting then covers none).
    """
    if not meeting.unit_id or not is_secretary_of(user, meeting.unit):
        raise PermissionDenied
    meeting.title = plain_text(meeting.title)
    meeting.agenda = plain_text(meeting.agenda)
    if not meeting.title:
        raise UserError(_("Heading: required."), field="title")
    if meeting.unit.kind != UnitKind.CELL:
        raise UserError(_("A cell meeting is held by a Party cell."), field="unit")
    for campaign in campaigns or ():
        if not meeting.unit.path.startswith(campaign.scope.path):
            raise UserError(_("Study campaigns: “%(c)s” does not cover this cell.") % {"c": campaign.title},
                            field="campaigns")
    with transaction.atomic():
        meeting.save()
        meeting.documents.set(documents)
        if campaigns is not None:
            meeting.campaigns.set(campaigns)
        members = Member.objects.filter(unit_id=meeting.unit_id, status=MemberStatus.ACTIVE)
        have = set(meeting.attendances.values_list("member_id", flat=True))
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m) for m in members if m.pk not in have])
        from .notices import announce_meeting

        announce_meeting(meeting)
    return meeting


def reply_to_meeting(member: Member, meeting: Meeting, reply: str, reason: str = "") -> Attendance:
    if meeting.unit_id != member.unit_id:
        raise Http404
    if meeting.start < now():
        raise UserError(_("The meeting has already started; the secretary records attendance."))
    reason = plain_text(reason)[:300]
    if reply == Reply.NO and not reason:
        raise UserError(_("Reason: say why you cannot attend."), field="reason")
    if reply not in (Reply.YES, Reply.NO):
        raise UserError(_("Answer: choose whether you will attend."), field="reply")
    attendance, _c = Attendance.objects.get_or_create(meeting=meeting, member=member)
    attendance.reply = reply
    attendance.reason = reason if reply == Reply.NO else ""
    attendance.save()
    return attendance


def record_attendance(user: User, meeting: Meeting, presence: dict[int, str], minutes: str | None = None) -> Meeting:
    """The secretary records who was present, excused or absent; the meeting becomes the cell's
    study session for its campaign (through the events service, which counts it for the campaign)."""
    if not is_secretary_of(user, meeting.unit):
        raise Http404 if not Scope.of(user).allows(meeting.unit, "view") else PermissionDenied
    valid = {Presence.PRESENT, Presence.EXCUSED, Presence.ABSENT}
    rows = {a.member_id: a for a in meeting.attendances.select_related("member")}
    for member_id, value in presence.items():
        if member_id not in rows:
            raise UserError(_("Attendance: a member is not in this cell."))
        if value not in valid:
            raise UserError(_("Attendance of %(name)s: choose present, excused or absent.")
                            % {"name": rows[member_id].member.full_name})
    with transaction.atomic():
        for member_id, value in presence.items():
            row = rows[member_id]
            row.presence = value
            row.by_secretary = not row.member.has_smartphone or row.member.user_id is None or row.by_secretary
            row.save(update_fields=["presence", "by_secretary", "updated_at"])
            if value == Presence.PRESENT:
                award(row.member, PointAction.MEETING_ATTENDED, f"meeting:{meeting.pk}",
                      on=timezone.localdate(meeting.start))
        if minutes is not None:
            meeting.minutes = plain_text(minutes)
            meeting.save(update_fields=["minutes", "updated_at"])
        _as_study_session(user, meeting)
    return meeting


def _as_study_session(user: User, meeting: Meeting) -> None:
    """One study session per campaign the meeting covers, through the events service (which counts
    it for its campaign); sessions of campaigns no longer covered are removed the same way."""
    from tuyengiao.events.models import Event, EventKind
    from tuyengiao.events.services import delete_event, save_event

    covered = list(meeting.campaigns.values_list("pk", flat=True))
    sessions: dict[int | None, Event] = {e.campaign_id: e for e in meeting.events.select_related("unit")}
    if not covered and not sessions:
        return
    counted = meeting.attendances.exclude(presence="")
    present = counted.filter(presence=Presence.PRESENT).count()
    expected = max(meeting.attendances.count(), active_count(meeting.unit_id), present) or meeting.unit.member_count
    documents = list(meeting.documents.all())
    for campaign_id in sorted(covered):
        event = sessions.pop(campaign_id, None) or Event(unit=meeting.unit, kind=EventKind.STUDY_SESSION)
        event.title = meeting.title[:300]
        event.start = meeting.start
        event.end = meeting.start + dt.timedelta(hours=2)
        event.venue = meeting.venue
        event.campaign_id = campaign_id
        event.expected_attendees = expected
        event.present_attendees = present
        event = save_event(user, event, documents=documents)
        meeting.events.add(event)
    for event in sessions.values():
        meeting.events.remove(event)
        delete_event(user, event)


def attendance_rate(meetings: QuerySet[Meeting]) -> tuple[int, int]:
    rows = Attendance.objects.filter(meeting__in=meetings).exclude(presence="")
    return rows.filter(presence=Presence.PRESENT).count(), rows.count()


# ---------------------------------------------------------------------------------------------
# Quizzes


def quizzes_for(member: Member) -> QuerySet[Quiz]:
    return Quiz.objects.filter(unit__path__in=_paths_up(member.unit)).order_by("deadline")


def get_quiz(member: Member, pk: int) -> Quiz:
    quiz = quizzes_for(member).filter(pk=pk).first()
    if quiz is None:
        raise Http404
    return quiz


QUIZ_COLUMNS = {"câu hỏi": "question", "cau hoi": "question", "question": "question",
                "đáp án đúng": "correct", "dap an dung": "correct", "correct": "correct"}


def import_questions(user: User, quiz: Quiz, data: bytes, filename: str = "") -> int:
    """A question bank from a sheet: question, options A–F, the right letters ("B" or "A,C")."""
    if not Scope.of(user).allows(quiz.unit, "enter"):
        raise PermissionDenied
    try:
        sheet = read_table(data, filename)[0]
    except UserError as exc:
        raise ImportRejected([RowError(0, "", exc.message)]) from exc
    letters = "ABCDEF"
    header = []
    for h in sheet.header:
        key = QUIZ_COLUMNS.get(h, QUIZ_COLUMNS.get(fold(h), h))
        if fold(h) in [f"phuong an {x.lower()}" for x in letters] or fold(h) in [x.lower() for x in letters]:
            key = "opt_" + fold(h)[-1].upper()
        header.append(key)
    sheet.header = header
    errors: list[RowError] = []
    if "question" not in header or "correct" not in header:
        raise ImportRejected([RowError(1, "Câu hỏi / Đáp án đúng", _("required column is missing"))])
    parsed = []
    for number, record in iter_records(sheet):
        text = plain_text(record.get("question", ""))
        options = [(x, plain_text(record.get(f"opt_{x}", ""))) for x in letters]
        options = [(x, t) for x, t in options if t]
        right = {c.strip().upper() for c in record.get("correct", "").replace(";", ",").split(",") if c.strip()}
        if not text:
            errors.append(RowError(number, "Câu hỏi", _("the question is empty")))
        if len(options) < 2:
            errors.append(RowError(number, "Phương án", _("a question needs at least two answers")))
        if not right or not right <= {x for x, _t in options}:
            errors.append(RowError(number, "Đáp án đúng",
                                   _("“%(v)s” does not name the letters of given answers")
                                   % {"v": record.get("correct", "")}))
        parsed.append((text, options, right))
    if not parsed and not errors:
        errors.append(RowError(2, "", _("the file has no questions")))
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        start = quiz.questions.count()
        for i, (text, options, right) in enumerate(parsed):
            question = Question.objects.create(quiz=quiz, text=text, multiple=len(right) > 1, position=start + i)
            for x, t in options:
                question.options.create(text=t, correct=x in right)
    return len(parsed)


@dataclass
class QuizData:
    unit: Unit
    title: str
    opens_at: dt.datetime
    deadline: dt.datetime
    pass_mark: int = 80
    max_attempts: int = 3
    document: Document | None = None
    campaign: Any = None


def create_quiz(user: User, data: QuizData, bank: bytes | None = None, filename: str = "") -> Quiz:
    """A quiz for the members under ``unit``, with its question bank; members are told it is open."""
    if not Scope.of(user).allows(data.unit, "enter"):
        raise PermissionDenied
    title = plain_text(data.title)
    if not title:
        raise UserError(_("Heading: required."), field="title")
    if data.deadline <= data.opens_at:
        raise UserError(_("Deadline: after the opening."), field="deadline")
    if not 1 <= data.pass_mark <= 100:
        raise UserError(_("Pass mark: between 1 and 100."), field="pass_mark")
    if not 1 <= data.max_attempts <= 20:
        raise UserError(_("Attempts allowed: between 1 and 20."), field="max_attempts")
    with transaction.atomic():
        quiz = Quiz.objects.create(unit=data.unit, title=title, opens_at=data.opens_at, deadline=data.deadline,
                                   pass_mark=data.pass_mark, max_attempts=data.max_attempts, document=data.document,
                                   campaign=data.campaign)
        if bank is not None:
            import_questions(user, quiz, bank, filename)
        from .notices import announce_quiz

        announce_quiz(quiz)
    return quiz


def attempts_left(member: Member, quiz: Quiz) -> int:
    return max(0, quiz.max_attempts - Attempt.objects.filter(quiz=quiz, member=member).count())


def _can_attempt(member: Member, quiz: Quiz, at: dt.datetime) -> None:
    if at < quiz.opens_at:
        raise UserError(_("The quiz opens on %(d)s.") % {"d": format_date(quiz.opens_at)})
    if at > quiz.deadline:
        raise UserError(_("The quiz closed on %(d)s; answers are no longer accepted.")
                        % {"d": format_date(quiz.deadline)})


def start_attempt(member: Member, quiz: Quiz, seed: int | None = None) -> Attempt:
    """A new attempt with questions and answers shuffled; one open attempt at a time, within the limit."""
    at = now()
    _can_attempt(member, quiz, at)
    if Attempt.objects.filter(quiz=quiz, member=member, submitted_at__isnull=True).exists():
        raise UserError(_("You already have an attempt open: finish it first."))
    if attempts_left(member, quiz) <= 0:
        raise UserError(_("You have used all %(n)s attempts at this quiz.") % {"n": quiz.max_attempts})
    rng = random.Random(seed)
    layout = []
    for question in quiz.questions.prefetch_related("options"):
        options = [o.pk for o in question.options.all()]
        rng.shuffle(options)
        layout.append([question.pk, options])
    if not layout:
        raise UserError(_("The quiz has no questions yet."))
    rng.shuffle(layout)
    try:
        with transaction.atomic():
            return Attempt.objects.create(quiz=quiz, member=member, started_at=at, layout=layout)
    except IntegrityError as exc:
        raise UserError(_("You already have an attempt open: finish it first.")) from exc


def submit_attempt(member: Member, attempt: Attempt, answers: dict[int, list[int]],
                   by_secretary: bool = False) -> tuple[Attempt, Award | None]:
    """Score on the server: a question counts when exactly its right options are chosen."""
    if attempt.member_id != member.pk:
        raise Http404
    if attempt.submitted_at is not None:
        raise UserError(_("This attempt was already submitted."))
    quiz = attempt.quiz
    if not by_secretary:
        _can_attempt(member, quiz, now())
    right = {q.pk: {o.pk for o in q.options.all() if o.correct} for q in quiz.questions.prefetch_related("options")}
    score_count = 0
    for question_id, _options in attempt.layout:
        chosen = set(answers.get(question_id, []))
        if chosen and chosen == right.get(question_id):
            score_count += 1
    total = len(attempt.layout)
    attempt.score = round(100 * score_count / total) if total else 0
    attempt.passed = attempt.score >= quiz.pass_mark
    attempt.answers = {str(k): list(v) for k, v in answers.items()}
    attempt.submitted_at = now()
    attempt.by_secretary = by_secretary
    with transaction.atomic():
        attempt.save()
        result = award(member, PointAction.QUIZ_PASSED, f"quiz:{quiz.pk}") if attempt.passed else None
    return attempt, result


def record_paper_quiz(user: User, member: Member, quiz: Quiz, score: int) -> Attempt:
    """A quiz taken on paper, entered by the secretary with its score."""
    if not is_secretary_of(user, member.unit):
        raise PermissionDenied
    if not 0 <= score <= 100:
        raise UserError(_("Score: between 0 and 100."), field="score")
    if attempts_left(member, quiz) <= 0:
        raise UserError(_("You have used all %(n)s attempts at this quiz.") % {"n": quiz.max_attempts})
    with transaction.atomic():
        attempt = Attempt.objects.create(quiz=quiz, member=member, started_at=now(), submitted_at=now(),
                                         score=score, passed=score >= quiz.pass_mark, by_secretary=True)
        if attempt.passed:
            award(member, PointAction.QUIZ_PASSED, f"quiz:{quiz.pk}")
    return attempt


def present_attempt(attempt: Attempt) -> list[dict[str, Any]]:
    """The questions in the attempt's own shuffled order (never showing which answer is right)."""
    questions = {q.pk: q for q in attempt.quiz.questions.prefetch_related("options")}
    shown = []
    for question_id, option_ids in attempt.layout:
        question = questions.get(question_id)
        if question is None:
            continue
        options = {o.pk: o for o in question.options.all()}
        shown.append({"id": question.pk, "text": question.text, "multiple": question.multiple,
                      "options": [{"id": o, "text": options[o].text} for o in option_ids if o in options]})
    return shown


# ---------------------------------------------------------------------------------------------
# Yearly commitments


def register_commitment(member: Member, year: int, text: str, by_secretary: bool = False) -> tuple[Commitment, Award]:
    text = plain_text(text)
    if len(text) < 10:
        raise UserError(_("Commitment: write what you will do (at least a sentence)."), field="text")
    if Commitment.objects.filter(member=member, year=year).exists():
        raise UserError(_("You have already registered your commitment for %(y)s.") % {"y": year})
    with transaction.atomic():
        commitment = Commitment.objects.create(member=member, year=year, text=text, by_secretary=by_secretary)
        result = award(member, PointAction.COMMITMENT_REGISTERED, f"commit:{year}")
    return commitment, result


def self_assess(member: Member, commitment: Commitment, stage: str, text: str,
                completed: bool | None = None) -> Commitment:
    if commitment.member_id != member.pk:
        raise Http404
    if commitment.confirmed_at:
        raise UserError(_("The cell has confirmed this commitment; it can no longer change."))
    text = plain_text(text)
    if not text:
        raise UserError(_("Self-assessment: write how it went."), field="text")
    if stage == "mid_year":
        commitment.mid_year = text
    elif stage == "year_end":
        commitment.year_end = text
        commitment.completed = completed
    else:
        raise UserError(_("Self-assessment: unknown stage."))
    commitment.save()
    return commitment


def confirm_commitment(user: User, commitment: Commitment) -> Commitment:
    """Only the cell's secretary or a unit admin above confirms; the others' attempt is refused."""
    member = commitment.member
    if not Commitment.objects.restrict(user, "view").filter(pk=commitment.pk).exists():
        raise Http404
    if not is_secretary_of(user, member.unit) or member.user_id == user.pk:
        raise PermissionDenied(_("Only the cell's secretary or a unit admin confirms a commitment."))
    with transaction.atomic():
        commitment.confirmed_by_id = user.pk
        commitment.confirmed_at = now()
        commitment.save()
        if commitment.completed:
            award(member, PointAction.COMMITMENT_COMPLETED, f"commit-done:{commitment.year}")
    return commitment


# ---------------------------------------------------------------------------------------------
# Inbox


def notify(members: Iterable[Member], kind: str, title: str, url: str) -> int:
    """Add a notice for members who do not have it yet (see ``notices``)."""
    from .notices import notify_once

    return notify_once(members, kind, title, url)


def unread_count(member: Member | None) -> int:
    if member is None:
        return 0
    return InboxItem.objects.filter(member=member, read_at__isnull=True).count()


def mark_read(member: Member, item: InboxItem) -> None:
    if item.member_id != member.pk:
        raise Http404
    if item.read_at is None:
        item.read_at = now()
        item.save(update_fields=["read_at", "updated_at"])


# ---------------------------------------------------------------------------------------------
# The member's home


@dataclass
class Todo:
    label: str
    url: str


def todo(member: Member) -> list[Todo]:
    """What the member has to do now: unread documents of campaigns, open quizzes, meetings, the commitment."""
    items: list[Todo] = []
    year = timezone.localdate().year
    if not Commitment.objects.filter(member=member, year=year).exists():
        items.append(Todo(_("Register your commitment for %(y)s") % {"y": year}, reverse("handbook:commitments")))
    waiting = Attendance.objects.filter(member=member, meeting__start__gte=now(), reply="").select_related("meeting")
    for attendance in waiting[:3]:
        items.append(Todo(_("Answer the invitation: %(t)s") % {"t": attendance.meeting.title},
                          attendance.meeting.get_absolute_url()))
    at = now()
    passed = Attempt.objects.filter(member=member, passed=True).values("quiz_id")
    for quiz in quizzes_for(member).filter(opens_at__lte=at, deadline__gte=at).exclude(pk__in=passed)[:3]:
        items.append(Todo(_("Take the quiz: %(t)s (until %(d)s)") % {"t": quiz.title, "d": format_date(quiz.deadline)},
                          quiz.get_absolute_url()))
    finished = Reading.objects.filter(member=member, finished_at__isnull=False).values("document_id")
    for document in library(member).exclude(pk__in=finished)[:3]:
        items.append(Todo(_("Read: %(t)s") % {"t": document.title}, reverse("handbook:document", args=[document.pk])))
    return items


def cell_summary(unit: Unit) -> dict[str, Any]:
    """Rates of one cell for its secretary: members, reading, attendance (no ranking)."""
    members = Member.objects.filter(unit=unit).exclude(status=MemberStatus.TRANSFERRED)
    present, counted = attendance_rate(Meeting.objects.filter(unit=unit))
    readers = Reading.objects.filter(member__in=members).values("member").distinct().count()
    return {"members": members.count(), "readers": readers,
            "present": present, "counted": counted,
            "by_status": dict(members.values_list("status").annotate(n=Count("pk")))}


__all__ = ["format_number"]
