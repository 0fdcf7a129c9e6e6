"""Reviews: drafted from the data, edited by the official, finalised (locked and numbered).

Rules (pages, API and the command call these):

* drafting and editing need the role that enters the unit's data (data entry, unit admin);
  finalising needs the role that approves (approver, unit admin); reading needs a view of the unit;
* a finalised review is locked: every change answers ``ReviewLocked`` (403 with the reason);
* regenerating a draft rereads the figures, keeps every block the official edited, remembers
  which figures changed, and keeps the suggestions the official discarded discarded;
* every change saves a version (``ReviewVersion``).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.core import review_sections
from tuyengiao.core.exceptions import ConflictError, UserError
from tuyengiao.core.html import clean_html
from tuyengiao.core.numbers import format_number
from tuyengiao.core.periods import Period
from tuyengiao.core.review_sections import DraftSection, ReviewContext
from tuyengiao.org.access import Scope
from tuyengiao.org.choices import Action
from tuyengiao.org.models import Unit

from . import figures as figure_service
from .models import DocumentSettings, Review, ReviewState, ReviewVersion

Progress = Callable[[int, int], None]


class ReviewLocked(PermissionDenied):
    """A finalised review refuses changes; the message says why."""

    def __init__(self, review: Review) -> None:
        self.message = _("The review %(reference)s was finalised on %(day)s and can no longer be changed.") % {
            "reference": review.reference, "day": timezone.localdate(review.finalised_at).strftime("%d/%m/%Y")
            if review.finalised_at else "",
        }
        super().__init__(self.message)


def _person(user: Any) -> Any:
    """The user to record as author (``None`` for the anonymous or the command's operator)."""
    from django.contrib.auth.models import AbstractBaseUser

    return user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None


# --- access --------------------------------------------------------------------------------------


def visible(user: Any) -> Any:
    return Review.objects.restrict(user, Action.VIEW).select_related("unit")


def may_edit(user: Any, review: Review) -> bool:
    return Scope.of(user).allows(review.unit, Action.ENTER)


def may_finalise(user: Any, review: Review) -> bool:
    return Scope.of(user).allows(review.unit, Action.APPROVE)


def check_editable(user: Any, review: Review) -> None:
    if not may_edit(user, review):
        raise PermissionDenied(_("Only those who enter the unit's figures may change its review."))
    if review.is_final:
        raise ReviewLocked(review)


# --- document settings ---------------------------------------------------------------------------


def settings_for(unit: Unit) -> DocumentSettings:
    """The unit's settings, or what they would be from its name and board (not saved)."""
    found = DocumentSettings.objects.filter(unit=unit).first()
    if found is not None:
        return found
    board = getattr(unit, "board", None)
    short = unit.name
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ xã ", "Đảng bộ phường ", "Đảng bộ huyện ",
                   "Đảng bộ "):
        if short.startswith(prefix):
            short = short[len(prefix):]
            break
    committee = _("Committee of %(unit)s") % {"unit": unit.name}
    return DocumentSettings(
        unit=unit,
        superior=committee.upper(),
        issuer=(board.name if board else _("Propaganda board")).upper(),
        symbol="BTG",
        place=short,
        signer_line=_("ON BEHALF OF THE BOARD"),
        signer_position=_("HEAD OF BOARD"),
        recipients="\n".join([_("The committee above"), _("The units below"), _("Archive")]),
    )


# --- drafting ------------------------------------------------------------------------------------


def _paragraphs_html(paragraphs: Iterable[str]) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


def _table_json(tables: Iterable[review_sections.Table]) -> list[dict[str, Any]]:
    return [{"caption": t.caption, "header": t.header, "rows": t.rows} for t in tables]


def _blocks(context: ReviewContext, progress: Progress | None) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]], list[str], list[str], dict[str, Decimal]]:
    """Every registered section built for the unit and period: blocks, suggestions, missing figures,
    directions and the figures quoted."""
    blocks: list[dict[str, Any]] = []
    suggestions: list[dict[str, Any]] = []
    missing: list[str] = []
    directions: list[str] = []
    quoted: dict[str, Decimal] = {}
    sections = review_sections.all_sections()
    for done, section in enumerate(sections, start=1):
        built: DraftSection | None = section.build(context)
        if progress:
            progress(done, len(sections) + 2)
        if built is None:
            continue
        missing.extend(built.missing)
        quoted.update(built.figures)
        suggestions.extend({"key": s.key, "text": s.text, "kept": True} for s in built.suggestions)
        directions.extend(built.directions)
        part = "results" if section.part == "results" else section.part
        if built.paragraphs or built.subsections or built.tables:
            generated = _paragraphs_html(built.paragraphs)
            blocks.append({"id": f"{section.code}", "part": part, "level": 1, "title": built.title,
                           "generated": generated, "html": generated, "tables": _table_json(built.tables)})
            for index, sub in enumerate(built.subsections, start=1):
                generated = _paragraphs_html(sub.paragraphs)
                blocks.append({"id": f"{section.code}.{index}", "part": part, "level": 2, "title": sub.title,
                               "generated": generated, "html": generated, "tables": _table_json(sub.tables)})
                missing.extend(sub.missing)
    return blocks, suggestions, missing, directions, quoted


def _own_blocks(directions: list[str]) -> list[dict[str, Any]]:
    """Parts II–IV's own text: empty for the official, directions from the plans where there are any."""
    generated = _paragraphs_html(directions)
    return [
        {"id": "shortcomings", "part": "shortcomings", "level": 0, "title": "", "generated": "", "html": "",
         "tables": []},
        {"id": "lessons", "part": "lessons", "level": 0, "title": "", "generated": "", "html": "", "tables": []},
        {"id": "directions", "part": "directions", "level": 0, "title": "", "generated": generated,
         "html": generated, "tables": []},
    ]


def _add_quoted(table: dict[str, Any], quoted: dict[str, Decimal], lookup: Any, period: Period) -> None:
    """The figures other apps' sections quote (their providers) join the figure table."""
    from tuyengiao.core import providers

    extra = [code for code in quoted if code not in table]
    if not extra:
        return
    last_year = lookup(extra, period.same_period_last_year)
    previous = lookup(extra, period.previous)
    for code in extra:
        derived = providers.get(code)
        kind = "rate" if derived is not None and derived.value_type == "percent" else "count"
        table[code] = {"name": derived.name if derived else code, "kind": kind, "unit_label": "", "work_field":
                       derived.work_field if derived else "", "now": str(quoted[code]),
                       "last_year": str(last_year[code]) if code in last_year else None,
                       "previous": str(previous[code]) if code in previous else None, "plan": None}


def summary_line(unit: Unit, period: Period) -> str:
    if period.type.value == "year":
        return _("Review of the propaganda and education work of %(period)s") % {"period": period.label}
    return _("Interim review of the propaganda and education work of %(period)s") % {"period": period.label}


def build_draft(unit: Unit, period: Period, structure: str, progress: Progress | None = None) -> dict[str, Any]:
    """Everything drafted from the data for the unit and period (nothing saved)."""
    lookup = figure_service.lookup(unit, structure)
    figure_service.prefetch(lookup, unit, period)
    below = figure_service.children_lookup(unit, structure)
    context = ReviewContext(unit=unit, period=period, figures=lookup, structure=structure, children=below)
    collected = figure_service.collect(unit, period, structure, lookup, below)
    blocks, suggestions, missing, directions, quoted = _blocks(context, progress)
    blocks.extend(_own_blocks(directions))
    _add_quoted(collected["figures"], quoted, lookup, period)
    if progress:
        total = len(review_sections.all_sections()) + 2
        progress(total, total)
    return {**collected, "sections": {"blocks": blocks, "suggestions": suggestions},
            "missing": list(dict.fromkeys(_named(entry, collected["figures"]) for entry in missing))}


def _named(entry: str, table: dict[str, dict[str, Any]]) -> str:
    """A missing figure as the page lists it: by its name, also when a section gave its code."""
    from tuyengiao.core import providers

    if entry in table:
        return str(table[entry]["name"])
    derived = providers.get(entry)
    return derived.name if derived is not None else entry


def parse_period(code: str) -> Period:
    try:
        return Period.parse((code or "").strip().upper())
    except ValueError as exc:
        raise UserError(
            _("“%(code)s” is not a period: write 2025S1 for a half-year or 2025 for a year.") % {"code": code},
            field="period",
        ) from exc


def structure_for(unit: Unit) -> str:
    """Open units are reviewed on today's structure (merged communes keep their history)."""
    return "current" if unit.is_open else "period"


@transaction.atomic
def create(user: Any, unit: Unit, period_code: str, draft_now: bool = True) -> Review:
    """A new draft review of the unit for the period (one per unit and period)."""
    if not Scope.of(user).allows(unit, Action.ENTER):
        raise PermissionDenied(_("Only those who enter the unit's figures may draft its review."))
    period = parse_period(period_code)
    from tuyengiao.reporting.review import datasets_for

    datasets_for(unit, period)  # refuses a period type the unit's data sets cannot fill
    if Review.objects.filter(unit=unit, period=period.code).exists():
        raise UserError(
            _("%(unit)s already has a review for %(period)s.") % {"unit": unit.name, "period": period.label},
            field="period",
        )
    doc = settings_for(unit)
    review = Review.objects.create(
        unit=unit, period=period.code, structure=structure_for(unit), symbol=doc.symbol, place=doc.place,
        title=summary_line(unit, period), signer_name=doc.signer_name, signer_position=doc.signer_position,
        signer_line=doc.signer_line, recipients=doc.recipients, created_by=_person(user),
    )
    if draft_now:
        review = regenerate(user, review)
    return review


def _snapshot(review: Review) -> dict[str, Any]:
    fields = ["state", "number", "symbol", "place", "title", "signer_name", "signer_position", "signer_line",
              "recipients", "figures", "sections", "missing", "changes"]
    data = {f: getattr(review, f) for f in fields}
    data["issued_on"] = review.issued_on.isoformat() if review.issued_on else None
    return data


def _save_version(review: Review, user: Any, note: str) -> None:
    last = review.versions.aggregate(n=Max("number"))["n"] or 0
    ReviewVersion.objects.create(review=review, number=last + 1, note=note, data=_snapshot(review),
                                 saved_by=_person(user))


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for code, fig in new.items():
        before = old.get(code, {}).get("now") if code in old else None
        after = fig.get("now")
        if code in old and before != after:
            out.append({"code": code, "name": fig["name"],
                        "before": format_number(Decimal(before)) if before is not None else None,
                        "after": format_number(Decimal(after)) if after is not None else None})
    return out


def merge_blocks(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """New generated text where the official changed nothing; their own text wherever they did."""
    previous = {b["id"]: b for b in old}
    merged = []
    for block in new:
        before = previous.pop(block["id"], None)
        if before is not None and before.get("html", "") != before.get("generated", ""):
            block = {**block, "html": before["html"], "edited": True}
        merged.append(block)
    merged.extend({**b, "edited": True} for b in previous.values() if b.get("html") != b.get("generated"))
    return merged


def regenerate(user: Any, review: Review, progress: Progress | None = None) -> Review:
    """Reread the figures of a draft; the official's own text stays, changed figures are listed."""
    check_editable(user, review)
    drafted = build_draft(review.unit, review.period_obj, review.structure, progress)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.is_final:
            raise ReviewLocked(review)
        first = not review.figures
        old_sections = review.sections or {}
        kept = {s["key"]: s.get("kept", True) for s in old_sections.get("suggestions", [])}
        sections = drafted["sections"]
        sections["blocks"] = merge_blocks(old_sections.get("blocks", []), sections["blocks"])
        for suggestion in sections["suggestions"]:
            suggestion["kept"] = kept.get(suggestion["key"], True)
        review.changes = [] if first else _changes(review.figures, drafted["figures"])
        review.figures = drafted["figures"]
        review.children = drafted["children"]
        review.charts = drafted["charts"]
        review.sections = sections
        review.missing = drafted["missing"]
        review.drafted_at = timezone.now()
        review.version += 1
        review.save()
        _save_version(review, user, _("Drafted from the figures") if first else _("Figures read again"))
    return review


# --- editing -------------------------------------------------------------------------------------

PARTICULARS = ("place", "title", "signer_name", "signer_position", "signer_line", "recipients", "symbol")


@transaction.atomic
def edit(user: Any, review: Review, blocks: dict[str, str] | None = None, kept: Iterable[str] | None = None,
         particulars: dict[str, Any] | None = None, version: int | None = None) -> Review:
    """Save the official's text (sanitised), the suggestions kept and the document particulars."""
    check_editable(user, review)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.is_final:
        raise ReviewLocked(review)
    if version is not None and version != review.version:
        raise ConflictError(_("Someone else saved this review meanwhile; reload the page to see their changes."))
    sections = dict(review.sections)
    if blocks:
        known = {b["id"] for b in sections.get("blocks", [])}
        unknown = [k for k in blocks if k not in known]
        if unknown:
            raise UserError(_("The review has no section “%(id)s”.") % {"id": unknown[0]}, field="blocks")
        sections["blocks"] = [
            {**b, "html": clean_html(blocks[b["id"]])} if b["id"] in blocks else b for b in sections["blocks"]
        ]
    if kept is not None:
        keys = set(kept)
        sections["suggestions"] = [{**s, "kept": s["key"] in keys} for s in sections.get("suggestions", [])]
    for name, value in (particulars or {}).items():
        if name not in PARTICULARS:
            raise UserError(_("“%(name)s” cannot be changed here.") % {"name": name}, field=name)
        value = str(value or "").strip()
        max_length = getattr(Review._meta.get_field(name), "max_length", None)
        if max_length and len(value) > max_length:
            raise UserError(_("At most %(n)s characters.") % {"n": max_length}, field=name)
        setattr(review, name, value)
    review.sections = sections
    review.version += 1
    review.save()
    _save_version(review, user, _("Edited"))
    return review


@transaction.atomic
def finalise(user: Any, review: Review, issued_on: dt.date | None = None) -> Review:
    """Lock the review and give it the next number of the unit's reports of the year."""
    if not may_finalise(user, review):
        raise PermissionDenied(_("Only the approver or the unit administrator may finalise a review."))
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.is_final:
        raise ReviewLocked(review)
    if not review.figures and not review.sections:
        raise UserError(_("Draft the review from the figures before finalising it."))
    day = issued_on or timezone.localdate()
    last = Review.objects.filter(unit=review.unit, issued_on__year=day.year, number__isnull=False).aggregate(
        n=Max("number"))["n"] or 0
    review.number = last + 1
    review.issued_on = day
    review.state = ReviewState.FINAL
    review.finalised_at = timezone.now()
    review.finalised_by = _person(user)
    review.version += 1
    review.save()
    _save_version(review, user, _("Finalised"))
    return review


def blocks_of(review: Review, part: str) -> list[dict[str, Any]]:
    return [b for b in (review.sections or {}).get("blocks", []) if b["part"] == part]


def kept_suggestions(review: Review) -> list[str]:
    return [s["text"] for s in (review.sections or {}).get("suggestions", []) if s.get("kept")]
