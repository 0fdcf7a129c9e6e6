"""Emulation pages: lists with filters, details, forms and Excel for each record; a contest's run."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.records import XLSX_TYPE, xlsx_response
from tuyengiao.core.text import fold
from tuyengiao.core.views import form_view, get_for_user, get_rw_for_user, require
from tuyengiao.events.models import Event
from tuyengiao.org.access import Scope, get_unit_for_user
from tuyengiao.org.models import Unit

from . import forms, services
from .models import Contest, Exemplar, Grade, JudgeAssignment, Photo, PracticeModel

TITLES = {
    "models": _("Practice models"),
    "exemplars": _("Exemplars"),
    "commendations": _("Commendations"),
    "contests": _("Contests"),
}
DATE_FIELD = {"models": "started_on", "exemplars": "honoured_on", "commendations": "awarded_on", "contests": "year"}
SEARCH_FIELD = {"models": "name", "exemplars": "name", "commendations": "recipient_name", "contests": "title"}


def _model(kind: str) -> Any:
    model = services.RECORDS.get(kind)
    if model is None:
        raise Http404
    return model


def _editable_units(request: HttpRequest) -> Any:
    return Unit.objects.restrict(request.user, "enter").current().order_by("path")


def _visible_units(request: HttpRequest) -> Any:
    return Unit.objects.restrict(request.user, "view").current().order_by("path")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("emulation:record_list", kind="models")


def _filtered(request: HttpRequest, kind: str) -> tuple[Any, Any, Unit | None]:
    model = _model(kind)
    form = forms.ListFilter(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    records = services.visible(request.user, model).select_related("unit")
    unit = None
    if data.get("unit"):
        unit = get_unit_for_user(request.user, data["unit"])
        records = records.filter(unit__path__startswith=unit.path)
    if data.get("year"):
        field = DATE_FIELD[kind]
        records = records.filter(**({field: data["year"]} if field == "year" else {f"{field}__year": data["year"]}))
    if data.get("status") and kind == "models":
        records = records.filter(status=data["status"])
    if data.get("field") and kind == "models":
        records = records.filter(field=data["field"])
    if data.get("q"):
        wanted = fold(data["q"])
        name = SEARCH_FIELD[kind]
        return [r for r in records if wanted in fold(getattr(r, name) or str(r))], form, unit
    return records, form, unit


@login_required
def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    records, form, unit = _filtered(request, kind)
    records = list(records[:500])
    return render(request, "emulation/record_list.html", {
        "kind": kind, "title": TITLES[kind], "records": records, "filter": form, "unit": unit,
        "can_add": _editable_units(request).exists(), "kinds": TITLES,
        "units": Scope.of(request.user).top_units("view"),
        "judging": services.judge_assignments(request.user).exists(),
    })


@login_required
def record_export(request: HttpRequest, kind: str) -> HttpResponse:
    records, _form, _unit = _filtered(request, kind)
    columns = services.LIST_COLUMNS[kind]
    return xlsx_response(kind, str(TITLES[kind]), [label for label, _get in columns],
                         [[get(record) for _label, get in columns] for record in records])


def _get(request: HttpRequest, kind: str, pk: int) -> Any:
    return get_for_user(services.visible(request.user, _model(kind)).select_related("unit"), pk)


def _get_rw(request: HttpRequest, kind: str, pk: int) -> Any:
    model = _model(kind)
    return get_rw_for_user(services.visible(request.user, model).select_related("unit"),
                           services.editable(request.user, model), pk)


@login_required
def record_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _get(request, kind, pk)
    context: dict[str, Any] = {"kind": kind, "title": TITLES[kind], "record": record,
                               "can_edit": Scope.of(request.user).allows(record.unit, "enter")}
    if isinstance(record, PracticeModel | Exemplar):
        context["photos"] = list(record.photos.all())
    if isinstance(record, PracticeModel):
        context["replicated"] = list(record.replicated_to.filter(pk__in=_visible_units(request)))
    if isinstance(record, Contest):
        context.update(_contest_context(request, record))
        return render(request, "emulation/contest_detail.html", context)
    return render(request, "emulation/record_detail.html", context)


def _contest_context(request: HttpRequest, contest: Contest) -> dict[str, Any]:
    prizes = {p.entry_id: p for p in contest.prizes.all()}
    rounds = list(contest.rounds.all())
    organiser = Scope.of(request.user).allows(contest.unit, "enter")
    ranked = services.ranking(contest) if (contest.locked or organiser) and rounds and all(
        r.closed for r in rounds) else []
    return {
        "contest": contest,
        "rounds": rounds,
        "categories": list(contest.categories.all()),
        "criteria": list(contest.criteria.all()),
        "entries": list(contest.entries.select_related("category", "author_unit")),
        "assignments": list(
            JudgeAssignment.objects.filter(round__contest=contest).select_related("judge", "entry", "round")
        ) if organiser else [],
        "ranked": [(row, prizes.get(row.entry.pk)) for row in ranked],
        "prize_counts": services.prize_counts(contest),
        "prize_sentence": services.prize_sentence(services.prize_counts(contest)),
        "organiser": organiser and not contest.locked,
        "round_form": forms.NameForm(prefix="round"),
        "category_form": forms.CategoryForm(prefix="category"),
        "round_forms": [(r, forms.RoundForm(prefix=f"round{r.pk}", initial={"name": r.name, "order": r.order}))
                        for r in rounds],
        "category_forms": [
            (c, forms.CategoryForm(prefix=f"category{c.pk}", initial={
                "name": c.name, "quota_a": c.quota_a, "quota_b": c.quota_b, "quota_c": c.quota_c,
                "quota_consolation": c.quota_consolation}))
            for c in contest.categories.all()
        ],
        "ranking_rule": services.RANKING_RULE if len(rounds) > 1 else "",
        "criterion_form": forms.CriterionForm(prefix="criterion"),
        "entry_form": forms.EntryForm(prefix="entry", contest=contest, visible_units=_visible_units(request)),
        "assign_form": forms.AssignForm(prefix="assign", contest=contest),
    }


def _record_form(request: HttpRequest, kind: str, record: Any) -> Any:
    data = request.POST or None
    units = _editable_units(request)
    events = Event.objects.restrict(request.user, "view").order_by("-start")
    if kind == "models":
        return forms.PracticeModelForm(data, instance=record, units=units, visible_units=_visible_units(request))
    if kind == "exemplars":
        return forms.ExemplarForm(data, instance=record, units=units, events=events)
    if kind == "commendations":
        return forms.CommendationForm(data, instance=record, units=units, visible_units=_visible_units(request),
                                      events=events)
    return forms.ContestForm(data, instance=record, units=units)


def _form_page(request: HttpRequest, kind: str, record: Any) -> HttpResponse:
    form = _record_form(request, kind, record)

    def save() -> Any:
        saved = form.save(commit=False)
        replicated = form.cleaned_data.get("replicated_to") if kind == "models" else None
        return services.save_record(request.user, saved, replicated_to=replicated)

    context = {"kind": kind, "title": TITLES[kind], "record": record}
    return form_view(request, form, save, "emulation/record_form.html", context, success=_("Saved."))


@login_required
@require_http_methods(["GET", "POST"])
def record_add(request: HttpRequest, kind: str) -> HttpResponse:
    _model(kind)
    require(_editable_units(request).exists())
    return _form_page(request, kind, None)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _get_rw(request, kind, pk)
    if isinstance(record, Contest) and record.locked:
        messages.error(request, services._locked_message(record))
        return redirect(record.get_absolute_url())
    return _form_page(request, kind, record)


@login_required
@require_POST
def photo_add(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in ("models", "exemplars"):
        raise Http404
    record = _get_rw(request, kind, pk)
    upload = request.FILES.get("image")
    if upload is None:
        messages.error(request, _("Photo: choose a PNG or JPEG file to add."))
    else:
        try:
            services.add_photo(request.user, record, upload, request.POST.get("caption", ""))
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The photo was added."))
    return redirect(record.get_absolute_url())


@login_required
def photo_view(request: HttpRequest, kind: str, pk: int, photo_pk: int) -> FileResponse:
    if kind not in ("models", "exemplars"):
        raise Http404
    record = _get(request, kind, pk)
    photo = record.photos.filter(pk=photo_pk).first()
    if not isinstance(photo, Photo):
        raise Http404
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- contest run ----------------------------------------------------------------------------------


def _contest_rw(request: HttpRequest, pk: int) -> Contest:
    return get_rw_for_user(services.visible(request.user, Contest).select_related("unit"),
                           services.editable(request.user, Contest), pk)


def _pk(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


@login_required
@require_POST
def contest_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's additions and changes: a round or category (added, changed, removed), a
    criterion, an entry, a judge's entries; all refused once the results are locked."""
    contest = _contest_rw(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "round":
            form: Any = forms.NameForm(request.POST, prefix="round")
            if form.is_valid():
                services.add_round(request.user, contest, form.cleaned_data["name"])
        elif action in ("round_edit", "round_delete"):
            round_ = get_for_user(contest.rounds.all(), _pk(request.POST.get("round")))
            form = forms.RoundForm(request.POST, prefix=f"round{round_.pk}")
            if action == "round_delete":
                services.delete_round(request.user, round_)
                form = None
            elif form.is_valid():
                services.edit_round(request.user, round_, form.cleaned_data["name"], form.cleaned_data["order"])
        elif action == "category":
            form = forms.CategoryForm(request.POST, prefix="category")
            if form.is_valid():
                services.add_category(request.user, contest, form.cleaned_data["name"], form.quotas())
        elif action in ("category_edit", "category_delete"):
            category = get_for_user(contest.categories.all(), _pk(request.POST.get("category")))
            form = forms.CategoryForm(request.POST, prefix=f"category{category.pk}")
            if action == "category_delete":
                services.delete_category(request.user, category)
                form = None
            elif form.is_valid():
                services.edit_category(request.user, category, form.cleaned_data["name"], form.quotas())
        elif action == "criterion":
            form = forms.CriterionForm(request.POST, prefix="criterion")
            if form.is_valid():
                d = form.cleaned_data
                services.add_criterion(request.user, contest, d["name"], d["weight"], d["min_score"], d["max_score"])
        elif action == "entry":
            form = forms.EntryForm(request.POST, prefix="entry", contest=contest,
                                   visible_units=_visible_units(request))
            if form.is_valid():
                services.add_entry(request.user, contest, form.save(commit=False))
        elif action == "assign":
            form = forms.AssignForm(request.POST, prefix="assign", contest=contest)
            if form.is_valid():
                judge = get_user_model().objects.filter(username=form.cleaned_data["judge"].strip()).first()
                services.assign_judge(request.user, form.cleaned_data["round"], list(form.cleaned_data["entries"]),
                                      judge)
        else:
            messages.error(request, _("Choose what to add to the contest."))
            return redirect(contest.get_absolute_url())
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        if form is None or form.is_valid():
            messages.success(request, _("Saved."))
        else:
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                text = " ".join(str(e) for e in errors)
                messages.error(request, f"{label}: {text}" if label else text)
    return redirect(contest.get_absolute_url())


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    contest = _contest_rw(request, pk)
    round_ = contest.rounds.filter(pk=round_pk).first()
    if round_ is None:
        raise Http404
    try:
        services.close_round(request.user, round_)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The round was closed."))
    return redirect(contest.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def contest_prizes(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of prizes by quota; the organiser may change a grade, then confirms."""
    contest = _contest_rw(request, pk)
    preview = services.preview_prizes(contest)
    error = ""
    if request.method == "POST":
        allocation = {row.entry.pk: request.POST.get(f"grade_{row.entry.pk}", "") for row, _g in preview}
        try:
            services.confirm_prizes(request.user, contest, allocation)
        except UserError as exc:
            error = exc.message
            preview = [(row, allocation.get(row.entry.pk, "")) for row, _g in preview]
        else:
            messages.success(request, _("The prizes were confirmed."))
            return redirect(contest.get_absolute_url())
    return render(request, "emulation/contest_prizes.html", {
        "contest": contest, "preview": preview, "grades": forms.GRADE_CHOICES, "error": error,
        "quotas": [(label, contest.quotas()[grade]) for grade, label in Grade.choices],
        "category_quotas": [(c, [(label, c.quotas()[grade]) for grade, label in Grade.choices])
                            for c in contest.categories.all() if c.has_quotas],
        "ranking_rule": services.RANKING_RULE if contest.rounds.count() > 1 else "",
    }, status=400 if error else 200)


@login_required
@require_POST
def contest_publish(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest_rw(request, pk)
    try:
        services.publish_results(request.user, contest)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The results were published and locked."))
    return redirect(contest.get_absolute_url())


@login_required
def contest_results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_for_user(services.visible(request.user, Contest), pk)
    if not contest.locked:
        raise Http404
    response = HttpResponse(services.results_xlsx(contest), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="ket-qua-cuoc-thi-{contest.pk}.xlsx"'
    return response


# --- judging --------------------------------------------------------------------------------------


@login_required
def judging(request: HttpRequest) -> HttpResponse:
    assignments = services.judge_assignments(request.user).order_by("round__contest", "round__order", "entry")
    return render(request, "emulation/judging.html", {"assignments": list(assignments)})


@login_required
@require_http_methods(["GET", "POST"])
def judge_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A judge's scoring sheet for one entry; others' sheets appear only once the round is closed."""
    assignment = get_for_user(services.judge_assignments(request.user), pk)
    contest = assignment.round.contest
    criteria = list(contest.criteria.all())
    own = {s.criterion_id: s.value for s in assignment.scores.all()}
    form = forms.ScoreForm(request.POST or None, criteria=criteria, initial_scores=own)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_scores(request.user, assignment.round, assignment.entry, form.values())
        except UserError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = 400
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect("emulation:judge_sheet", pk=assignment.pk)
    sheets = services.scores_seen_by(request.user, assignment)
    return render(request, "emulation/judge_sheet.html", {
        "assignment": assignment, "entry": assignment.entry, "contest": contest, "form": form,
        "criteria": criteria,
        "sheets": [(sheet, {s.criterion_id: s.value for s in sheet.scores.all()}) for sheet in sheets],
        "open": not assignment.round.closed and not contest.locked,
    }, status=status)

