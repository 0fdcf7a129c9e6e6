"""Emulation records: checking and saving them, and running a judged contest to locked results.

A contest runs: entries, judges assigned per round, each judge scoring only their entries on the
contest's sheet (blind to the others until the round closes), the round closed, a ranking by the
weighted scores with the contest's stated tie rule, prizes previewed by quota and confirmed by
the organiser, results published (page and Excel), then locked. Every write is one transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tuyengiao.core import narrative
from tuyengiao.core.exceptions import UserError
from tuyengiao.core.html import plain_text
from tuyengiao.core.numbers import format_number
from tuyengiao.core.uploads import IMAGE_TYPES, read_upload
from tuyengiao.org.access import Scope

from .models import (
    Category,
    Commendation,
    Contest,
    Criterion,
    Entry,
    Exemplar,
    Grade,
    JudgeAssignment,
    Photo,
    PracticeModel,
    Prize,
    Round,
    Score,
    TieRule,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

MAX_PHOTO_BYTES = 10 * 1024 * 1024
QUOTA_FIELDS: dict[str, str] = {Grade.A: "quota_a", Grade.B: "quota_b", Grade.C: "quota_c",
                                Grade.CONSOLATION: "quota_consolation"}
GRADE_LABELS: dict[str, Any] = dict(Grade.choices)
RANKING_RULE = _lazy(
    "Entries are ranked on their scores in the last round; the earlier rounds only select the entries that"
    " go on, and only an entry scored in the round before can be given to a judge of the next."
)
RECORDS: dict[str, type[Model]] = {
    "models": PracticeModel,
    "exemplars": Exemplar,
    "commendations": Commendation,
    "contests": Contest,
}


def visible(user: User, model: type[Any]) -> QuerySet[Any]:
    return model.objects.restrict(user, "view")


def editable(user: User, model: type[Any]) -> QuerySet[Any]:
    return model.objects.restrict(user, "enter")


def _require_enter(user: User, unit: Any) -> None:
    if unit is None or not Scope.of(user).allows(unit, "enter"):
        raise PermissionDenied


# --- practice models, exemplars, commendations ----------------------------------------------------


def record_problems(user: User, record: Model) -> list[tuple[str, str]]:
    """Why a record cannot be saved, as (field, message naming the field)."""
    found: list[tuple[str, str]] = []
    if isinstance(record, PracticeModel | Exemplar) and not record.name.strip():
        found.append(("name", _("Name: required.")))
    if isinstance(record, Exemplar) and not record.achievement.strip():
        found.append(("achievement", _("Achievement: required.")))
    if isinstance(record, Commendation):
        if not record.recipient_unit_id and not record.recipient_name.strip():
            found.append(("recipient_name", _("Recipient: choose a unit or type the person's name.")))
        if record.recipient_unit_id and not Scope.of(user).allows(record.recipient_unit, "view"):  # type: ignore[arg-type]
            found.append(("recipient_unit", _("Recipient unit: outside the units you are responsible for.")))
    if isinstance(record, Contest):
        if not record.title.strip():
            found.append(("title", _("Contest title: required.")))
        if record.pk:
            saved = Contest.objects.filter(pk=record.pk).values_list("published_at", flat=True).first()
            if saved is not None:
                found.append(("title", _locked_message(record)))
            categories = list(Category.objects.filter(contest_id=record.pk))
            for grade, quota in record.quotas().items():
                shared = sum(c.quotas()[grade] or 0 for c in categories)
                if shared > quota:
                    found.append((QUOTA_FIELDS[grade], _(
                        "%(grade)s: the contest's quota of %(q)s is less than the %(n)s its categories share out."
                    ) % {"grade": GRADE_LABELS[grade], "q": narrative.count(quota), "n": narrative.count(shared)}))
    return found


def save_record(user: User, record: Model, replicated_to: Iterable[Any] | None = None) -> Model:
    """Save a practice model, exemplar, commendation or contest in the user's units."""
    unit = getattr(record, "unit", None) if getattr(record, "unit_id", None) else None
    _require_enter(user, unit)
    for name in ("name", "title", "recipient_name"):
        if hasattr(record, name):
            setattr(record, name, plain_text(getattr(record, name) or ""))
    if replicated_to is not None:
        replicated_to = list(replicated_to)
        for target in replicated_to:
            if not Scope.of(user).allows(target, "view"):
                raise UserError(_("Replicated to: a unit is outside the units you are responsible for."),
                                field="replicated_to")
    found = record_problems(user, record)
    if found:
        raise UserError(" ".join(m for _f, m in found), field=found[0][0])
    with transaction.atomic():
        record.save()
        if replicated_to is not None and isinstance(record, PracticeModel):
            record.replicated_to.set(replicated_to)
    return record


def delete_record(user: User, record: Model) -> None:
    _require_enter(user, getattr(record, "unit", None))
    if isinstance(record, Contest) and record.locked:
        raise UserError(_locked_message(record))
    record.delete()


def add_photo(user: User, owner: PracticeModel | Exemplar, upload: Any, caption: str = "") -> Photo:
    """A photo checked by its bytes (PNG or JPEG) and size before anything is written."""
    _require_enter(user, owner.unit)
    data, content_type = read_upload(upload, allowed=IMAGE_TYPES, limit=MAX_PHOTO_BYTES)
    photo = Photo(caption=plain_text(caption)[:300], content_type=content_type, size=len(data))
    if isinstance(owner, PracticeModel):
        photo.practice_model = owner
    else:
        photo.exemplar = owner
    with transaction.atomic():
        photo.image.save("photo", ContentFile(data), save=False)
        photo.save()
    return photo


# --- contests: the sheet, entries, judges ---------------------------------------------------------


def _locked_message(contest: Contest) -> str:
    when = timezone.localtime(contest.published_at).strftime("%d/%m/%Y") if contest.published_at else ""
    return _("Results: the contest's results were published and locked on %(date)s; nothing can change.") % {
        "date": when
    }


def _check_open(user: User, contest: Contest) -> Contest:
    """The contest locked for the rest of the transaction, refused once its results are locked."""
    _require_enter(user, contest.unit)
    current = Contest.objects.select_for_update().get(pk=contest.pk)
    if current.locked:
        raise UserError(_locked_message(current), field="contest")
    return current


def _has_judging(contest: Contest) -> bool:
    return JudgeAssignment.objects.filter(round__contest=contest).exists()


def add_round(user: User, contest: Contest, name: str, order: int | None = None) -> Round:
    with transaction.atomic():
        _check_open(user, contest)
        name = plain_text(name)
        if not name:
            raise UserError(_("Round: the name is required."), field="name")
        if order is None:
            order = max(contest.rounds.values_list("order", flat=True), default=0) + 1
        return Round.objects.create(contest=contest, name=name, order=order)


def edit_round(user: User, round_: Round, name: str, order: int | None = None) -> Round:
    """Rename a round or move it; its place cannot change once judges were assigned in the contest,
    since the round before selects the entries of the next."""
    with transaction.atomic():
        _check_open(user, round_.contest)
        current = Round.objects.select_for_update().get(pk=round_.pk)
        name = plain_text(name)
        if not name:
            raise UserError(_("Round: the name is required."), field="name")
        if order is not None and order != current.order:
            if order < 1:
                raise UserError(_("Order: must be 1 or more."), field="order")
            if _has_judging(current.contest):
                raise UserError(_("Order: judges are already assigned; the order of the rounds can no longer"
                                  " change."), field="order")
            current.order = order
        current.name = name
        current.save(update_fields=["name", "order"])
        return current


def _delete_unused(user: User, part: Round | Category, used_by: str, refusal: str, field: str) -> None:
    """Remove a round or category of an open contest unless judges or entries still hang on it."""
    with transaction.atomic():
        _check_open(user, part.contest)
        current = type(part).objects.select_for_update().get(pk=part.pk)
        if getattr(current, used_by).exists():
            raise UserError(refusal % {"r": current.name, "c": current.name}, field=field)
        current.delete()


def delete_round(user: User, round_: Round) -> None:
    _delete_unused(user, round_, "assignments",
                   _("Round: “%(r)s” has judges assigned; it can no longer be removed."), "round")


def _quota_value(raw: Any, grade: str, category_name: str) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if value < 0:
        raise UserError(_("%(grade)s in the category “%(c)s”: “%(v)s” is not a whole number of 0 or more.")
                        % {"grade": GRADE_LABELS[grade], "c": category_name, "v": raw}, field=QUOTA_FIELDS[grade])
    return value


def _save_category(user: User, contest: Contest, category: Category, name: str,
                   quotas: Mapping[str, Any] | None) -> Category:
    """Check the name and quotas (the categories together within the contest's quota of each grade)."""
    current = _check_open(user, contest)
    name = plain_text(name)
    if not name:
        raise UserError(_("Category: the name is required."), field="name")
    category.contest = current
    category.name = name
    if quotas is not None:
        changed = False
        others = list(current.categories.exclude(pk=category.pk)) if category.pk else list(current.categories.all())
        for grade, quota in current.quotas().items():
            value = _quota_value(quotas.get(grade), grade, name)
            shared = value or 0
            shared += sum(c.quotas()[grade] or 0 for c in others)
            if shared > quota:
                raise UserError(
                    _("%(grade)s in the category “%(c)s”: the categories would share out %(n)s, more than the"
                      " contest's quota of %(q)s.")
                    % {"grade": GRADE_LABELS[grade], "c": name, "n": narrative.count(shared),
                       "q": narrative.count(quota)},
                    field=QUOTA_FIELDS[grade],
                )
            changed |= getattr(category, QUOTA_FIELDS[grade]) != value
            setattr(category, QUOTA_FIELDS[grade], value)
        if changed and current.prizes_confirmed_at is not None:
            # the confirmed prizes may no longer fit: the organiser confirms them again
            current.prizes_confirmed_at = None
            current.save(update_fields=["prizes_confirmed_at", "updated_at"])
            contest.prizes_confirmed_at = None
    category.save()
    return category


def add_category(user: User, contest: Contest, name: str, quotas: Mapping[str, Any] | None = None) -> Category:
    with transaction.atomic():
        return _save_category(user, contest, Category(), name, quotas)


def edit_category(user: User, category: Category, name: str, quotas: Mapping[str, Any] | None = None) -> Category:
    """Rename a category or change its prize quotas (a blank quota: no limit of that grade in it)."""
    with transaction.atomic():
        current = Category.objects.select_for_update().get(pk=category.pk)
        return _save_category(user, category.contest, current, name, quotas)


def delete_category(user: User, category: Category) -> None:
    _delete_unused(user, category, "entries",
                   _("Category: “%(c)s” has entries; move them to another category first."), "category")


def add_criterion(
    user: User, contest: Contest, name: str, weight: Decimal, min_score: Decimal, max_score: Decimal
) -> Criterion:
    with transaction.atomic():
        _check_open(user, contest)
        name = plain_text(name)
        if not name:
            raise UserError(_("Criterion: the name is required."), field="name")
        if weight is None or Decimal(weight) <= 0:
            raise UserError(_("Weight: must be more than 0."), field="weight")
        if min_score is None or max_score is None or Decimal(min_score) >= Decimal(max_score):
            raise UserError(_("Highest score: must be more than the lowest score."), field="max_score")
        if Score.objects.filter(criterion__contest=contest).exists():
            raise UserError(_("Criteria: judges have already scored; the sheet can no longer change."),
                            field="name")
        order = contest.criteria.count() + 1
        return Criterion.objects.create(contest=contest, name=name, weight=weight, min_score=min_score,
                                        max_score=max_score, order=order)


def add_entry(user: User, contest: Contest, entry: Entry) -> Entry:
    with transaction.atomic():
        _check_open(user, contest)
        entry.contest = contest
        entry.title = plain_text(entry.title)
        entry.authors = plain_text(entry.authors)
        if not entry.title:
            raise UserError(_("Entry title: required."), field="title")
        if not entry.authors:
            raise UserError(_("Authors: required."), field="authors")
        if entry.category_id and not contest.categories.filter(pk=entry.category_id).exists():
            raise UserError(_("Category: not a category of this contest."), field="category")
        if entry.author_unit_id and not Scope.of(user).allows(entry.author_unit, "view"):  # type: ignore[arg-type]
            raise UserError(_("Authors' unit: outside the units you are responsible for."), field="author_unit")
        entry.save()
        return entry


def assign_judge(user: User, round_: Round, entries: Sequence[Entry], judge: Any) -> list[JudgeAssignment]:
    """Give a judge entries to score in a round (already given ones stay as they are)."""
    with transaction.atomic():
        _check_open(user, round_.contest)
        if round_.closed:
            raise UserError(_("Round: “%(r)s” is closed; judges can no longer be assigned.") % {"r": round_.name},
                            field="round")
        if judge is None or not getattr(judge, "is_active", False):
            raise UserError(_("Judge: choose an active user."), field="judge")
        before = previous_round(round_)
        if before is not None and not before.closed:
            raise UserError(_("Round: the round before, “%(b)s”, must be closed before entries go on to “%(r)s”.")
                            % {"b": before.name, "r": round_.name}, field="round")
        went_on = set(JudgeAssignment.objects.filter(round=before, submitted_at__isnull=False)
                      .values_list("entry_id", flat=True)) if before is not None else set()
        made = []
        for entry in entries:
            if entry.contest_id != round_.contest_id:
                raise UserError(_("Entries: “%(e)s” is not an entry of this contest.") % {"e": entry.title},
                                field="entries")
            if before is not None and entry.pk not in went_on:
                raise UserError(_("Entries: “%(e)s” was not scored in the round before, “%(b)s”; only entries"
                                  " scored there go on.") % {"e": entry.title, "b": before.name}, field="entries")
            assignment, _created = JudgeAssignment.objects.get_or_create(round=round_, entry=entry, judge=judge)
            made.append(assignment)
        return made


def judge_assignments(user: User) -> QuerySet[JudgeAssignment]:
    """What a judge may see: their own assignments, nothing else."""
    if not getattr(user, "is_authenticated", False):
        return JudgeAssignment.objects.none()
    return JudgeAssignment.objects.filter(judge_id=user.pk).select_related(
        "round", "entry", "round__contest", "entry__category"
    )


def _parse_score(raw: Any, criterion: Criterion) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise UserError(
            _("Criterion “%(c)s”: “%(v)s” is not a number.") % {"c": criterion.name, "v": raw},
            field=f"criterion_{criterion.pk}",
        ) from exc
    if not value.is_finite() or value < criterion.min_score or value > criterion.max_score:
        raise UserError(
            _("Criterion “%(c)s”: the score %(v)s is outside the range %(lo)s–%(hi)s.")
            % {
                "c": criterion.name,
                "v": format_number(value) if value.is_finite() else raw,
                "lo": format_number(criterion.min_score),
                "hi": format_number(criterion.max_score),
            },
            field=f"criterion_{criterion.pk}",
        )
    return value


def submit_scores(user: User, round_: Round, entry: Entry, values: Mapping[int, Any]) -> JudgeAssignment:
    """A judge's scoring sheet for one entry: every criterion within its range, or nothing saved."""
    with transaction.atomic():
        assignment = (
            JudgeAssignment.objects.select_for_update()
            .filter(round=round_, entry=entry, judge_id=getattr(user, "pk", None))
            .first()
        )
        if assignment is None:
            raise UserError(
                _("Entry: you are not assigned to score “%(e)s” in this round.") % {"e": entry.title},
                field="entry",
            )
        contest = Contest.objects.select_for_update().get(pk=round_.contest_id)
        if contest.locked:
            raise UserError(_locked_message(contest), field="contest")
        if Round.objects.filter(pk=round_.pk, closed_at__isnull=False).exists():
            raise UserError(_("Round: “%(r)s” is closed; scores can no longer change.") % {"r": round_.name},
                            field="round")
        criteria = list(contest.criteria.all())
        if not criteria:
            raise UserError(_("Criteria: the contest has no scoring sheet yet."), field="contest")
        parsed = {}
        for criterion in criteria:
            raw = values.get(criterion.pk)
            if raw is None or str(raw).strip() == "":
                raise UserError(_("Criterion “%(c)s”: a score is required.") % {"c": criterion.name},
                                field=f"criterion_{criterion.pk}")
            parsed[criterion.pk] = _parse_score(raw, criterion)
        unknown = set(values) - set(parsed)
        if unknown:
            raise UserError(_("Criteria: a score was sent for a criterion not on this contest's sheet."),
                            field="scores")
        assignment.scores.all().delete()
        Score.objects.bulk_create(
            [Score(assignment=assignment, criterion_id=pk, value=value) for pk, value in parsed.items()]
        )
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["submitted_at"])
        return assignment


def scores_seen_by(user: User, assignment: JudgeAssignment) -> list[JudgeAssignment]:
    """The sheets of an entry a judge may read: their own, and the other judges' once the round closed."""
    if assignment.judge_id != getattr(user, "pk", None):
        return []
    sheets = JudgeAssignment.objects.filter(round=assignment.round, entry=assignment.entry)
    if not assignment.round.closed:
        sheets = sheets.filter(pk=assignment.pk)
    return list(sheets.select_related("judge").prefetch_related("scores__criterion"))


def close_round(user: User, round_: Round) -> Round:
    """Close a round once every sheet is in: scores then stand, and judges see one another's."""
    with transaction.atomic():
        _check_open(user, round_.contest)
        current = Round.objects.select_for_update().get(pk=round_.pk)
        if current.closed:
            return current
        if not current.assignments.exists():
            raise UserError(_("Round: no judge has been assigned an entry yet."), field="round")
        waiting = current.assignments.filter(submitted_at__isnull=True).count()
        if waiting:
            raise UserError(
                _("Round: %(n)s scoring sheets are not submitted yet.") % {"n": narrative.count(waiting)},
                field="round",
            )
        current.closed_at = timezone.now()
        current.save(update_fields=["closed_at"])
        return current


# --- ranking and prizes ---------------------------------------------------------------------------


@dataclass
class Ranked:
    entry: Entry
    total: Decimal  # weighted score: sum over criteria of weight × the judges' mean score
    by_criterion: list[Decimal] = field(default_factory=list)  # in the sheet's order
    judges: int = 0
    rank: int = 0
    tied: bool = False  # the tie rule decided its place against the one above


def final_round(contest: Contest) -> Round | None:
    return contest.rounds.order_by("-order", "-pk").first()


def previous_round(round_: Round) -> Round | None:
    """The round whose scores select the entries of this one (none for the first)."""
    return (Round.objects.filter(contest_id=round_.contest_id)
            .filter(Q(order__lt=round_.order) | Q(order=round_.order, pk__lt=round_.pk))
            .order_by("-order", "-pk").first())


def ranking(contest: Contest) -> list[Ranked]:
    """Entries of the last round by weighted score; equal totals ordered by the contest's tie rule
    (``RANKING_RULE``: the earlier rounds' scores select, they do not rank)."""
    last = final_round(contest)
    if last is None:
        return []
    criteria = list(contest.criteria.all())
    sums: dict[int, dict[int, list[Decimal]]] = {}
    judges: dict[int, set[int]] = {}
    scores = Score.objects.filter(assignment__round=last, assignment__submitted_at__isnull=False).values_list(
        "assignment__entry_id", "assignment__judge_id", "criterion_id", "value"
    )
    for entry_id, judge_id, criterion_id, value in scores:
        sums.setdefault(entry_id, {}).setdefault(criterion_id, []).append(value)
        judges.setdefault(entry_id, set()).add(judge_id)
    entries = Entry.objects.filter(pk__in=sums).select_related("category", "author_unit")
    rows = []
    for entry in entries:
        means = [
            sum(sums[entry.pk].get(c.pk, []), Decimal(0)) / max(len(sums[entry.pk].get(c.pk, [])), 1)
            for c in criteria
        ]
        total = sum((c.weight * m for c, m in zip(criteria, means, strict=True)), Decimal(0))
        rows.append(Ranked(entry, total.quantize(Decimal("0.01")), [m.quantize(Decimal("0.01")) for m in means],
                           len(judges.get(entry.pk, ()))))

    def key(row: Ranked) -> tuple[Any, ...]:
        tail: tuple[Any, ...] = (row.entry.received_on, row.entry.pk)
        if contest.tie_rule == TieRule.CRITERIA:
            return (-row.total, *(-m for m in row.by_criterion), *tail)
        return (-row.total, *tail)

    rows.sort(key=key)
    for index, row in enumerate(rows, start=1):
        row.rank = index
        row.tied = index > 1 and rows[index - 2].total == row.total
    return rows


def preview_prizes(contest: Contest) -> list[tuple[Ranked, str]]:
    """The ranking with prizes handed out down the list: each entry the best grade still left in the
    contest's quota and in its category's (a category without a quota of a grade sets no limit)."""
    left = dict(contest.quotas())
    in_category = {c.pk: dict(c.quotas()) for c in contest.categories.all()}
    out: list[tuple[Ranked, str]] = []
    for row in ranking(contest):
        mine = in_category.get(row.entry.category_id or 0, {})
        grade = next((g for g in Grade.values if left[g] > 0 and (mine.get(g) is None or mine[g] > 0)), "")
        if grade:
            left[grade] -= 1
            if mine.get(grade) is not None:
                mine[grade] -= 1
        out.append((row, grade))
    return out


def _check_quotas(contest: Contest, given: list[tuple[str, int | None]]) -> None:
    """Refuse prizes (grade, the entry's category) beyond the contest's or a category's quota, naming it."""
    labels = dict(Grade.choices)
    for grade, quota in contest.quotas().items():
        n = sum(1 for g, _c in given if g == grade)
        if n > quota:
            raise UserError(
                _("%(grade)s: %(n)s prizes given, more than the contest's quota of %(q)s.")
                % {"grade": labels[grade], "n": narrative.count(n), "q": narrative.count(quota)},
                field=QUOTA_FIELDS[grade],
            )
    for category in contest.categories.all():
        for grade, limit in category.quotas().items():
            n = sum(1 for g, c in given if g == grade and c == category.pk)
            if limit is not None and n > limit:
                raise UserError(
                    _("%(grade)s in the category “%(c)s”: %(n)s prizes given, more than the category's quota"
                      " of %(q)s.")
                    % {"grade": labels[grade], "c": category.name, "n": narrative.count(n),
                       "q": narrative.count(limit)},
                    field=QUOTA_FIELDS[grade],
                )


def confirm_prizes(user: User, contest: Contest, allocation: Mapping[int, str]) -> list[Prize]:
    """The organiser's confirmed prizes (entry id -> grade, "" for none), within each quota."""
    with transaction.atomic():
        current = _check_open(user, contest)
        if current.rounds.filter(closed_at__isnull=True).exists() or not current.rounds.exists():
            raise UserError(_("Prizes: every round must be closed before prizes are confirmed."), field="prizes")
        ranked = {row.entry.pk: row for row in ranking(current)}
        labels = dict(Grade.choices)
        for entry_id, grade in allocation.items():
            if not grade:
                continue
            if grade not in labels:
                raise UserError(_("Prizes: “%(g)s” is not a prize of this contest.") % {"g": grade}, field="prizes")
            if entry_id not in ranked:
                raise UserError(_("Prizes: an entry without scores in the last round cannot win a prize."),
                                field="prizes")
        _check_quotas(current, [(grade, ranked[entry_id].entry.category_id)
                                for entry_id, grade in allocation.items() if grade])
        Prize.objects.filter(contest=current).delete()
        prizes = [
            Prize(contest=current, entry_id=entry_id, grade=grade, rank=ranked[entry_id].rank)
            for entry_id, grade in allocation.items()
            if grade
        ]
        Prize.objects.bulk_create(sorted(prizes, key=lambda p: p.rank))
        current.prizes_confirmed_at = timezone.now()
        current.save(update_fields=["prizes_confirmed_at", "updated_at"])
        contest.prizes_confirmed_at = current.prizes_confirmed_at
        return prizes


def publish_results(user: User, contest: Contest) -> Contest:
    """Publish the confirmed prizes (page and Excel) and lock the contest for good."""
    with transaction.atomic():
        current = _check_open(user, contest)
        if current.prizes_confirmed_at is None:
            raise UserError(_("Prizes: confirm the prizes before publishing the results."), field="prizes")
        # the quotas may have changed since the prizes were confirmed
        _check_quotas(current, list(current.prizes.values_list("grade", "entry__category_id")))
        current.published_at = timezone.now()
        current.save(update_fields=["published_at", "updated_at"])
        contest.published_at = current.published_at
        return current


def prize_counts(contest: Contest) -> dict[str, int]:
    counts = {grade: 0 for grade in Grade.values}
    for grade in contest.prizes.values_list("grade", flat=True):
        counts[grade] += 1
    return counts


def prize_sentence(counts: Mapping[str, int | Decimal]) -> str:
    """"06 giải A, 08 giải B, 13 giải C và 20 giải khuyến khích" (grades without prizes left out)."""
    from tuyengiao.core.narrative import count

    nouns: dict[str, str] = {Grade.A: _("prize A"), Grade.B: _("prize B"), Grade.C: _("prize C"),
             Grade.CONSOLATION: _("consolation prize")}
    parts = [count(counts.get(grade, 0), nouns[grade]) for grade in Grade.values if counts.get(grade)]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


# --- Excel ----------------------------------------------------------------------------------------


def results_xlsx(contest: Contest) -> bytes:
    """The published results as a workbook: rank, entry, authors, unit, score, prize."""
    from openpyxl import Workbook

    from tuyengiao.core.tabular import append_row

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Results")[:31]
    append_row(sheet, [contest.title])
    append_row(sheet, [_("Tie rule") + ": " + str(contest.get_tie_rule_display())])
    if contest.rounds.count() > 1:
        append_row(sheet, [_("Ranking rule") + ": " + str(RANKING_RULE)])
    append_row(sheet, [_("Rank"), _("Entry title"), _("Authors"), _("Authors' unit"), _("Contest category"),
                       _("Weighted score"), _("Prize")])
    prizes = dict(contest.prizes.values_list("entry_id", "grade"))
    labels = dict(Grade.choices)
    for row in ranking(contest):
        entry = row.entry
        append_row(sheet, [
            row.rank, entry.title, entry.authors, entry.author_unit.name if entry.author_unit else "",
            entry.category.name if entry.category else "", row.total,
            str(labels[prizes[entry.pk]]) if entry.pk in prizes else "",
        ])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


LIST_COLUMNS: dict[str, list[tuple[Any, Any]]] = {
    "models": [
        (_lazy("Name"), lambda r: r.name), (_lazy("Unit"), lambda r: r.unit.name),
        (_lazy("Work field"), lambda r: str(r.get_field_display())),
        (_lazy("Year started"), lambda r: r.started_on.year),
        (_lazy("Status"), lambda r: str(r.get_status_display())),
        (_lazy("Replicated to"), lambda r: len(r.replicated_to.all())),
    ],
    "exemplars": [
        (_lazy("Name"), lambda r: r.name), (_lazy("Kind"), lambda r: str(r.get_kind_display())),
        (_lazy("Unit"), lambda r: r.unit.name), (_lazy("Achievement"), lambda r: r.achievement),
        (_lazy("Honoured on"), lambda r: _date(r.honoured_on)),
    ],
    "commendations": [
        (_lazy("Form"), lambda r: str(r.get_form_display())),
        (_lazy("Issuer"), lambda r: str(r.get_issuer_display())),
        (_lazy("Recipient"), lambda r: r.recipient_label), (_lazy("Date"), lambda r: _date(r.awarded_on)),
        (_lazy("Reason"), lambda r: r.reason), (_lazy("Recording unit"), lambda r: r.unit.name),
    ],
    "contests": [
        (_lazy("Contest title"), lambda r: r.title), (_lazy("Year"), lambda r: r.year),
        (_lazy("Unit"), lambda r: r.unit.name),
        (_lazy("Entries"), lambda r: r.entries.count()),
        (_lazy("Results"), lambda r: _("published") if r.locked else _("not published")),
    ],
}
