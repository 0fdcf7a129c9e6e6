"""Pages of the organisation tree. Every lookup goes through ``restrict``; logic is in services."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuyengiao.core.exceptions import ImportRejected
from tuyengiao.core.text import vn_sorted

from . import services, tree
from .access import Scope, get_unit_for_user
from .choices import Action, StaffTitle
from .forms import AsOfForm, MoveForm, ReorganiseForm, ReorganiseFormBase, SplitForm, UnitImportForm, UnitSearchForm
from .importer import import_units
from .models import Assignment, Unit, today


def _as_of(request: HttpRequest) -> tuple[AsOfForm, dt.date | None]:
    form = AsOfForm(request.GET or None)
    day = form.cleaned_data.get("on") if form.is_valid() else None
    return form, day


def _roots(request: HttpRequest) -> list[Unit]:
    """The top units of the user's own assignments (the tree's roots for superusers); the history
    of their predecessors is reached from these, not listed beside them."""
    if Scope.of(request.user).everything:
        return list(Unit.objects.filter(parent__isnull=True).order_by("name"))
    assigned = sorted(
        {a.unit for a in Assignment.objects.filter(user=request.user).select_related("unit")},  # type: ignore[misc]
        key=lambda u: (u.depth, u.path),
    )
    return [u for u in assigned if not any(u.path.startswith(o.path) and u != o for o in assigned)]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roots = _roots(request)
    if len(roots) == 1:
        return redirect("org:unit_detail", pk=roots[0].pk)
    return redirect("org:unit_tree")


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    form, day = _as_of(request)
    day = day or today()
    roots = []
    for root in _roots(request):
        if root.is_open_on(day):
            roots.append(root)
        else:  # a unit formed later: show what it was made of on that day
            roots.extend(s.predecessor for s in tree.predecessors(root)
                         if s.predecessor.is_open_on(day) and s.predecessor not in roots)
    nodes = []
    for root in roots:
        kids = vn_sorted(tree.children(root, day), key=lambda u: u.name)
        counts = services.children_counts(kids, day)
        nodes.append((root, [(k, counts.get(k.pk, 0)) for k in kids]))
    return render(request, "org/unit_tree.html", {
        "nodes": nodes, "as_of_form": form, "day": day, "search_form": UnitSearchForm(),
    })


@login_required
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX fragment: the children of one node, for expanding the tree."""
    unit = get_unit_for_user(request.user, pk)
    _form, day = _as_of(request)
    day = day or today()
    kids = tree.children(unit, day)
    grand = services.children_counts(kids, day)
    return render(request, "org/_tree_children.html", {
        "children": [(k, grand.get(k.pk, 0)) for k in vn_sorted(kids, key=lambda u: u.name)], "day": day,
    })


@login_required
def unit_search(request: HttpRequest) -> HttpResponse:
    """HTMX fragment (or full page): accent-insensitive search within the user's scope."""
    form = UnitSearchForm(request.GET)
    results: list[Unit] = []
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"]
        found = Unit.objects.restrict(request.user).search(query).order_by("depth")[:50]
        results = vn_sorted(found, key=lambda u: u.name)
    template = "org/_search_results.html" if getattr(request, "htmx", False) else "org/unit_search.html"
    return render(request, template, {"results": results, "query": query, "search_form": form})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    form, day = _as_of(request)
    view_day = day or min(today(), unit.last_day())
    kids = vn_sorted(tree.children(unit, view_day), key=lambda u: u.name)
    totals = services.member_totals_on([*kids, unit], view_day)
    board = getattr(unit, "board", None)
    titles = list(StaffTitle.values)  # head first, then deputies, members, specialists
    staff = sorted(board.staff.current(), key=lambda s: (titles.index(s.title), s.full_name)) if board else []
    context = {
        "unit": unit,
        "as_of_form": form,
        "day": view_day,
        "is_historical_view": day is not None,
        "ancestors": tree.ancestors(unit, view_day),
        "children": [(k, totals.get(k.pk, 0)) for k in kids],
        "member_total": totals.get(unit.pk, 0),
        "board": board,
        "staff": staff,
        "predecessors": tree.predecessors(unit),
        "successors": tree.successors(unit) if unit.valid_to else [],
        "direct_successions": list(unit.successions_out.select_related("successor")),
        "can_admin": Scope.of(request.user).allows(unit, Action.ADMIN),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Unit admins import units under their own unit; all rows or none."""
    unit = get_unit_for_user(request.user, pk, Action.ADMIN)
    form = UnitImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_units(upload.read(), upload.name, scope_root=unit)
        except ImportRejected as exc:
            errors = exc.errors[:200]  # the message gives the full count
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Imported %(n)d units.") % {"n": len(result.created)})
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_import.html", {"unit": unit, "form": form, "errors": errors})


REORGANISE_FORMS: dict[str, type[ReorganiseFormBase]] = {"merge": ReorganiseForm, "split": SplitForm, "move": MoveForm}


def _change_from(mode: str, form: ReorganiseFormBase) -> services.Reorganisation:
    """The service's change from a valid form of the reorganise page."""
    data = form.cleaned_data
    if mode == "split":
        assert isinstance(form, SplitForm)
        unit: Unit = data["unit"]
        rows = form.rows()
        parent = data["new_parent"] or unit.parent
        index = data["children_to"] - 1
        destination = rows[index][0] if index < len(rows) else ""
        return services.Reorganisation(
            date=data["date"], close=[unit], note=data["note"],
            open=[services.NewUnit(code=code, name=name, kind=unit.kind, parent=parent) for code, name, _s in rows],
            successions=[(unit.code, code, share) for code, _name, share in rows],
            moves={child.code: destination for child in tree.children(unit, data["date"])} if destination else {},
        )
    if mode == "move":
        return services.Reorganisation(date=data["date"], note=data["note"],
                                       moves={data["unit"].code: data["new_parent"].code})
    closing = list(data["units"])
    return services.Reorganisation(
        date=data["date"], close=closing, note=data["note"],
        open=[services.NewUnit(code=data["new_code"].strip(), name=data["new_name"].strip(),
                               kind=closing[0].kind, parent=data["new_parent"])],
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_reorganise(request: HttpRequest, pk: int) -> HttpResponse:
    """Unit admins merge, rename, split or move units of their subtree; the same service as the
    API refuses bad changes whole and its reasons are shown beside the fields they are about."""
    unit = get_unit_for_user(request.user, pk, Action.ADMIN)
    mode = request.POST.get("mode") or request.GET.get("mode") or "merge"
    if mode not in REORGANISE_FORMS:
        mode = "merge"
    candidates = (Unit.objects.current().subtree_of(unit, include_self=False)
                  .filter(depth__lte=unit.depth + 2).order_by("path"))
    parents = Unit.objects.current().restrict(request.user, Action.ADMIN).exclude(kind="cell").order_by("depth", "name")
    form = REORGANISE_FORMS[mode](request.POST or None, candidates=candidates, parents=parents,
                                  initial={"new_parent": unit.pk} if mode == "merge" else {})
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.reorganise(_change_from(mode, form))
        except services.ReorganisationError as exc:
            problems = form.show_problems(exc.plan.problems) if exc.plan else exc.problems
            if not problems:
                problems = [_("See the reasons beside the fields marked below.")]
        else:
            messages.success(request, _("The reorganisation was recorded."))
            target = created[0] if created else form.cleaned_data.get("unit") or unit
            return redirect("org:unit_detail", pk=target.pk)
    return render(request, "org/unit_reorganise.html", {
        "unit": unit, "form": form, "problems": problems, "mode": mode,
        "modes": [("merge", _("Merge or rename")), ("split", _("Split")), ("move", _("Move"))],
    })


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Changes within the subtrees the user administers."""
    scope = Scope.of(request.user)
    if not scope.reaches_anything(Action.ADMIN):
        raise PermissionDenied
    entries = (LogEntry.objects.filter(scope.path_q("additional_data__unit_path", Action.ADMIN))
               .select_related("actor", "content_type").order_by("-timestamp"))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    from .audit import describe

    return render(request, "org/audit_log.html", {"page": page, "lines": describe(list(page))})
