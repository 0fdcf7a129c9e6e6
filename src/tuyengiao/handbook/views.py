"""The handbook's pages: phone-first, each a thin call into ``services`` (or ``bulletins``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tuyengiao.campaigns.services import visible_campaigns
from tuyengiao.core import pages as core_pages
from tuyengiao.core.exceptions import ImportRejected, UserError
from tuyengiao.core.records import xlsx_response
from tuyengiao.core.views import form_view, get_for_user
from tuyengiao.documents.services import visible_documents
from tuyengiao.org.access import Scope
from tuyengiao.org.models import Unit

from . import board, bulletins, services
from .forms import (
    AssessForm,
    BulletinForm,
    CommitmentForm,
    MeetingForm,
    MemberFilterForm,
    QuizForm,
    ReplyForm,
    SearchForm,
    StatusForm,
    UploadForm,
)
from .models import (
    Attempt,
    Attendance,
    Bookmark,
    Bulletin,
    Commitment,
    InboxItem,
    Meeting,
    Member,
    MemberStatus,
    PointEntry,
    Presence,
    Quiz,
    Reading,
)

STATIC = Path(__file__).resolve().parent / "static" / "handbook"


def home(request: HttpRequest) -> HttpResponse:
    """The site's home: a member's is the handbook, the boards' stays their dashboard."""
    if request.user.is_authenticated and services.member_of(request.user) is not None:
        return redirect("handbook:home")
    return core_pages.home(request)


def _member(request: HttpRequest) -> Member:
    return services.require_member(request.user)


def _show(request: HttpRequest, award: services.Award | None) -> None:
    if award is not None and award.message:
        (messages.success if award.points else messages.info)(request, award.message)


@login_required
def handbook_home(request: HttpRequest) -> HttpResponse:
    member = services.member_of(request.user)
    context: dict[str, Any] = {"member": member, "cells": services.managed_cells(request.user)}
    if member is not None:
        context.update(
            todo=services.todo(member),
            points=services.points_total(member),
            bulletin=bulletins.visible(request.user).filter(published_at__isnull=False).first(),
            recent=services.library(member)[:5],
        )
    return render(request, "handbook/home.html", context)


# --- library ---------------------------------------------------------------------------------


@login_required
def library(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    documents = list(services.library_search(member, query)[:50])
    read = Reading.objects.filter(member=member, finished_at__isnull=False)
    finished = set(read.values_list("document_id", flat=True))
    marked = set(Bookmark.objects.filter(member=member).values_list("document_id", flat=True))
    return render(request, "handbook/library.html", {"form": form, "documents": documents, "query": query,
                                                     "finished": finished, "marked": marked})


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    doc = services.get_document(request.user, member, pk)
    reading = services.open_document(member, doc)
    marked = Bookmark.objects.filter(member=member, document=doc).exists()
    return render(request, "handbook/document.html", {"document": doc, "reading": reading, "marked": marked})


@login_required
@require_POST
def document_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Reading time sent by the page every little while, and "I have finished"."""
    member = _member(request)
    doc = services.get_document(request.user, member, pk)
    try:
        seconds = int(request.POST.get("seconds", "0") or 0)
    except ValueError:
        seconds = 0
    finished = request.POST.get("finished") == "1"
    try:
        reading, award = services.record_reading(member, doc, seconds, finished=finished)
    except UserError as exc:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"error": exc.message}, status=400)
        messages.error(request, exc.message)
        return redirect("handbook:document", pk=doc.pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"seconds": reading.seconds, "finished": reading.finished_at is not None,
                             "message": award.message if award else ""})
    _show(request, award)
    return redirect("handbook:document", pk=doc.pk)


@login_required
@require_POST
def bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    doc = services.get_document(request.user, member, pk)
    on = services.toggle_bookmark(member, doc)
    messages.success(request, _("Bookmarked.") if on else _("Bookmark removed."))
    return redirect("handbook:document", pk=doc.pk)


@login_required
def bookmarks(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    rows = Bookmark.objects.filter(member=member).select_related("document")
    return render(request, "handbook/bookmarks.html", {"bookmarks": rows})


# --- meetings --------------------------------------------------------------------------------


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    member = services.member_of(request.user)
    rows = services.visible_meetings(request.user).select_related("unit")[:50]
    replies = {}
    if member is not None:
        replies = {a.meeting_id: a for a in Attendance.objects.filter(member=member)}
    return render(request, "handbook/meetings.html", {"meetings": rows, "replies": replies,
                                                      "cells": services.managed_cells(request.user)})


@login_required
def meeting_add(request: HttpRequest) -> HttpResponse:
    cells = services.managed_cells(request.user)
    if not cells:
        raise PermissionDenied
    from tuyengiao.org.models import Unit

    units = Unit.objects.filter(pk__in=[c.pk for c in cells])
    form = MeetingForm(request.POST or None, units=units, documents=visible_documents(request.user),
                       campaigns=visible_campaigns(request.user))

    def save() -> Meeting:
        meeting: Meeting = form.save(commit=False)
        return services.schedule_meeting(request.user, meeting, list(form.cleaned_data["documents"]),
                                         list(form.cleaned_data["campaigns"]))

    return form_view(request, form, save, "handbook/meeting_form.html",
                     success=_("Meeting scheduled; members invited."))


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(services.visible_meetings(request.user).select_related("unit"), pk)
    member = services.member_of(request.user)
    mine = Attendance.objects.filter(meeting=meeting, member=member).first() if member else None
    secretary = services.is_secretary_of(request.user, meeting.unit)
    rows = list(meeting.attendances.select_related("member")) if secretary else []
    return render(request, "handbook/meeting_detail.html", {
        "meeting": meeting, "mine": mine, "secretary": secretary, "rows": rows, "reply_form": ReplyForm(),
        "presences": [(p.value, p.label) for p in Presence if p.value], "documents": meeting.documents.all(),
        "campaigns": meeting.campaigns.all(),
    })


@login_required
@require_POST
def meeting_reply(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    meeting = get_for_user(services.visible_meetings(request.user), pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer: choose whether you will attend."))
    else:
        try:
            services.reply_to_meeting(member, meeting, form.cleaned_data["reply"], form.cleaned_data["reason"])
            messages.success(request, _("Your answer has been sent to the cell secretary."))
        except UserError as exc:
            messages.error(request, exc.message)
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user(services.visible_meetings(request.user), pk)
    presence: dict[int, str] = {}
    for key, value in request.POST.items():
        if key.startswith("presence-") and value:
            try:
                presence[int(key.removeprefix("presence-"))] = str(value)
            except ValueError as exc:
                raise Http404 from exc
    try:
        services.record_attendance(request.user, meeting, presence, request.POST.get("minutes"))
        messages.success(request, _("Attendance recorded."))
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect(meeting.get_absolute_url())


# --- quizzes ---------------------------------------------------------------------------------


@login_required
def quizzes(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    rows = list(services.quizzes_for(member))
    best = {a.quiz_id: a for a in Attempt.objects.filter(member=member, passed=True)}
    return render(request, "handbook/quizzes.html", {"quizzes": rows, "best": best, "now": timezone.now()})


@login_required
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    quiz = services.get_quiz(member, pk)
    attempts = Attempt.objects.filter(quiz=quiz, member=member)
    open_attempt = attempts.filter(submitted_at__isnull=True).first()
    return render(request, "handbook/quiz_detail.html", {
        "quiz": quiz, "attempts": attempts, "open_attempt": open_attempt,
        "left": services.attempts_left(member, quiz), "questions": quiz.questions.count(),
    })


@login_required
@require_POST
def quiz_start(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    quiz = services.get_quiz(member, pk)
    try:
        attempt = services.start_attempt(member, quiz)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect(quiz.get_absolute_url())
    return redirect("handbook:attempt", pk=attempt.pk)


@login_required
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    found = get_for_user(Attempt.objects.filter(member=member).select_related("quiz"), pk)
    if request.method == "POST" and found.submitted_at is None:
        answers = {}
        for question_id, option_ids in found.layout:
            chosen = request.POST.getlist(f"q{question_id}")
            answers[question_id] = [int(o) for o in chosen if o.isdigit() and int(o) in option_ids]
        try:
            found, award = services.submit_attempt(member, found, answers)
            _show(request, award)
        except UserError as exc:
            messages.error(request, exc.message)
        return redirect("handbook:attempt", pk=found.pk)
    return render(request, "handbook/attempt.html", {"attempt": found, "quiz": found.quiz,
                                                     "questions": services.present_attempt(found)})


@login_required
def quiz_add(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.restrict(request.user, "enter").filter(valid_to__isnull=True)
    if not units.exists():
        raise PermissionDenied
    form = QuizForm(request.POST or None, request.FILES or None, units=units,
                    documents=visible_documents(request.user), campaigns=visible_campaigns(request.user))
    errors: list[Any] = []

    def save() -> Quiz | None:
        data = form.cleaned_data
        upload = data.pop("bank")
        try:
            return services.create_quiz(request.user, services.QuizData(**data), upload.read(), upload.name)
        except ImportRejected as exc:
            errors.extend(exc.errors)
            return None

    return form_view(request, form, save, "handbook/quiz_form.html", {"errors": errors},
                     success=_("Quiz created; members are told it is open."))


# --- commitments -----------------------------------------------------------------------------


@login_required
def commitments(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    year = timezone.localdate().year
    current = Commitment.objects.filter(member=member, year=year).first()
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and current is None and form.is_valid():
        try:
            current, award = services.register_commitment(member, year, form.cleaned_data["text"])
            messages.success(request, _("Commitment registered."))
            _show(request, award)
            return redirect("handbook:commitments")
        except UserError as exc:
            form.add_error("text", exc.message)
    return render(request, "handbook/commitments.html", {
        "year": year, "current": current, "form": form, "assess_form": AssessForm(),
        "history": Commitment.objects.filter(member=member).exclude(year=year),
    })


@login_required
@require_POST
def commitment_assess(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    commitment = get_for_user(Commitment.objects.filter(member=member), pk)
    form = AssessForm(request.POST)
    if form.is_valid():
        try:
            services.self_assess(member, commitment, form.cleaned_data["stage"], form.cleaned_data["text"],
                                 form.cleaned_data["completed"])
            messages.success(request, _("Self-assessment saved."))
        except UserError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Self-assessment: write how it went."))
    return redirect("handbook:commitments")


@login_required
@require_POST
def commitment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = get_for_user(Commitment.objects.restrict(request.user, "view").select_related("member__unit"), pk)
    services.confirm_commitment(request.user, commitment)
    messages.success(request, _("Commitment confirmed."))
    return redirect("handbook:cell", pk=commitment.member.unit_id)


# --- points and inbox ------------------------------------------------------------------------


@login_required
def points(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(request, "handbook/points.html", {
        "total": services.points_total(member), "history": PointEntry.objects.filter(member=member)[:100],
        "board": services.cell_board(member), "rules": [services.rule(a) for a in services.DEFAULT_RULES],
    })


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(request, "handbook/inbox.html", {"items": InboxItem.objects.filter(member=member)[:100]})


@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    item = get_for_user(InboxItem.objects.filter(member=member), pk)
    services.mark_read(member, item)
    return redirect(item.url if item.url.startswith("/") and not item.url.startswith("//") else "handbook:inbox")


# --- the secretary's cell --------------------------------------------------------------------


def _cell(request: HttpRequest, pk: int) -> Any:
    from tuyengiao.org.access import get_unit_for_user

    unit = get_unit_for_user(request.user, pk)
    if not services.is_secretary_of(request.user, unit):
        raise Http404
    return unit


@login_required
def cell(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _cell(request, pk)
    year = timezone.localdate().year
    members = list(services.managed_members(request.user).filter(unit=unit).order_by("full_name"))
    commitments = {c.member_id: c for c in Commitment.objects.filter(member__unit=unit, year=year)}
    return render(request, "handbook/cell.html", {
        "unit": unit, "members": [(m, commitments.get(m.pk)) for m in members], "summary": services.cell_summary(unit),
        "upload_form": UploadForm(), "year": year,
        "documents": services.library(members[0])[:30] if members else [],
        "quizzes": services.quizzes_for(members[0])[:20] if members else [],
    })


def _number(request: HttpRequest, name: str, label: str) -> int:
    """A whole number sent by a form, or a refusal naming the field."""
    raw = request.POST.get(name, "").strip()
    if not raw.isdigit():
        raise UserError(_("%(field)s: “%(value)s” is not a whole number.") % {"field": label, "value": raw[:20]},
                        field=name)
    return int(raw)


@login_required
@require_POST
def cell_record(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """The secretary records for a member without a smartphone: reading, a commitment."""
    unit = _cell(request, pk)
    member = get_for_user(services.managed_members(request.user).filter(unit=unit), member_pk)
    what = request.POST.get("what")
    try:
        if what == "reading":
            doc = services.get_document(request.user, member, _number(request, "document", _("Document")))
            services.record_reading(member, doc, 0, finished=True, by_secretary=True)
        elif what == "quiz":
            quiz = services.get_quiz(member, _number(request, "quiz", _("quiz")))
            services.record_paper_quiz(request.user, member, quiz, _number(request, "score", _("Score on paper")))
        elif what == "commitment":
            services.register_commitment(member, timezone.localdate().year, request.POST.get("text", ""),
                                         by_secretary=True)
        else:
            raise Http404
        messages.success(request, _("Recorded for %(name)s.") % {"name": member.full_name})
    except UserError as exc:
        messages.error(request, f"{member.full_name}: {exc.message}")
    return redirect("handbook:cell", pk=unit.pk)


@login_required
@require_POST
def cell_transfer(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Move a member to another cell by its code; the transfer is kept."""
    unit = _cell(request, pk)
    member = get_for_user(services.managed_members(request.user).filter(unit=unit), member_pk)
    target = Unit.objects.filter(code=request.POST.get("code", "").strip()).first()
    if target is None:
        messages.error(request, _("Cell: no cell has this code."))
        return redirect("handbook:cell", pk=unit.pk)
    try:
        services.transfer_member(request.user, member, target)
        messages.success(request, _("%(name)s moved to %(cell)s.") % {"name": member.full_name, "cell": target.name})
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("handbook:cell", pk=unit.pk)


def _member_filters(request: HttpRequest) -> tuple[MemberFilterForm, board.Filters]:
    form = MemberFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = board.Filters(year=data.get("year") or timezone.localdate().year, status=data.get("status") or "",
                            phone=data.get("phone") or "", q=data.get("q") or "")
    return form, filters


@login_required
def cell_members(request: HttpRequest, pk: int) -> HttpResponse:
    """The cell's members with their position, status and rates; only for who administers the cell."""
    unit = _cell(request, pk)
    form, filters = _member_filters(request)
    rates = board.cell_rates(unit, filters.year)
    return render(request, "handbook/cell_members.html", {
        "unit": unit, "form": form, "filters": filters, "rows": board.member_rows(unit, filters), "rates": rates,
        "statuses": MemberStatus.choices, "export_query": request.GET.urlencode(),
    })


@login_required
def cell_members_export(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _cell(request, pk)
    _form, filters = _member_filters(request)
    documents = board.cell_rates(unit, filters.year)["documents"]
    header, rows = board.export_rows(board.member_rows(unit, filters), documents)
    return xlsx_response(f"dang-vien-{unit.code}-{filters.year}", str(_("Members")), header, rows)


@login_required
@require_POST
def cell_member_status(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    unit = _cell(request, pk)
    member = get_for_user(services.managed_members(request.user).filter(unit=unit), member_pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Status: choose active, transferred or exempt from activities."))
    else:
        try:
            board.change_status(request.user, member, form.cleaned_data["status"])
            messages.success(request, _("%(name)s: status changed to “%(status)s”.")
                             % {"name": member.full_name, "status": member.get_status_display()})
        except UserError as exc:
            messages.error(request, exc.message)
    kept = QueryDict(request.POST.get("next_query", "")).urlencode()  # the filters the list had
    return redirect(reverse("handbook:cell_members", args=[unit.pk]) + (f"?{kept}" if kept else ""))


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    if not Scope.of(request.user).reaches_anything("enter"):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    invited: list[services.Invited] = []
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            invited = services.invite_members(request.user, upload.read(), upload.name)
        except ImportRejected as exc:
            errors = exc.errors
        except UserError as exc:
            form.add_error("file", exc.message)
    return render(request, "handbook/invite.html", {"form": form, "errors": errors, "invited": invited})


# --- bulletins -------------------------------------------------------------------------------


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    rows = bulletins.visible(request.user)
    if services.member_of(request.user) is not None and not bulletins.composer_units(request.user).exists():
        rows = rows.filter(published_at__isnull=False)
    return render(request, "handbook/bulletins.html", {"bulletins": rows[:50],
                                                       "can_compose": bulletins.composer_units(request.user).exists()})


@login_required
def bulletin_add(request: HttpRequest) -> HttpResponse:
    units = bulletins.composer_units(request.user)
    unit = units.order_by("depth").first()
    if unit is None:
        raise PermissionDenied
    form = BulletinForm(request.POST or None, documents=visible_documents(request.user))
    if request.method == "GET":
        form.initial = {"month": timezone.localdate().strftime("%Y%m")}

    def save() -> Bulletin:
        data = form.cleaned_data
        return bulletins.compose(request.user, unit, data["month"], data["title"], data["message"],
                                 list(data["documents"]))

    return form_view(request, form, save, "handbook/bulletin_form.html", {"unit": unit},
                     success=_("Bulletin drafted with the month's figures."))


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_for_user(bulletins.visible(request.user), pk)
    can_publish = bulletins.composer_units(request.user).filter(pk=bulletin.unit_id).exists()
    if bulletin.published_at is None and not can_publish:
        raise Http404
    return render(request, "handbook/bulletin_detail.html", {"bulletin": bulletin, "can_publish": can_publish,
                                                             "images": bulletin.images.all()})


@login_required
@require_POST
def bulletin_publish(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = get_for_user(bulletins.visible(request.user), pk)
    bulletins.publish(request.user, bulletin)
    messages.success(request, _("Bulletin published; its images are being prepared."))
    return redirect(bulletin.get_absolute_url())


@login_required
def bulletin_file(request: HttpRequest, pk: int, page: int = 0) -> FileResponse:
    bulletin = get_for_user(bulletins.visible(request.user), pk)
    composer = bulletins.composer_units(request.user).filter(pk=bulletin.unit_id).exists()
    if bulletin.published_at is None and not composer:
        raise Http404
    if page == 0:
        if not bulletin.pdf:
            raise Http404
        return FileResponse(bulletin.pdf.open("rb"), content_type="application/pdf",
                            filename=f"ban-tin-{bulletin.month}.pdf")
    image = bulletin.images.filter(page=page).first()
    if image is None:
        raise Http404
    return FileResponse(image.image.open("rb"), content_type="image/png",
                        filename=f"ban-tin-{bulletin.month}-{page}.png")


# --- installable, offline --------------------------------------------------------------------


def manifest(request: HttpRequest) -> HttpResponse:
    from django.templatetags.static import static

    return JsonResponse({
        "name": "Sổ tay đảng viên", "short_name": "Sổ tay", "lang": "vi", "start_url": "/handbook/",
        "scope": "/handbook/", "display": "standalone", "background_color": "#ffffff", "theme_color": "#b71c1c",
        "icons": [{"src": static("handbook/icon.png"), "sizes": "192x192", "type": "image/png"},
                  {"src": static("handbook/icon-512.png"), "sizes": "512x512", "type": "image/png"}],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served under /handbook/ so that it controls every handbook page."""
    response = HttpResponse((STATIC / "sw.js").read_bytes(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/handbook/"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "handbook/offline.html")


__all__ = ["dt"]
