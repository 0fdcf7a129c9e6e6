"""The registry of review-report sections: what each app adds to a board's half-year or annual review.

A review (báo cáo sơ kết 6 tháng / tổng kết năm) of a unit for a period is drafted from the data. The
reviews app owns the document (header, numbering, signature, export) and never imports the apps
that keep records; each app registers a ``ReviewSection`` from its ``AppConfig.ready``, as it
registers its derived elements in ``core.providers``. When a review is drafted, every section's
``build`` is called with a ``ReviewContext`` and returns the paragraphs, tables and suggestions it
contributes, or ``None`` when it has nothing for that unit and period.

Sections land in the parts of the report, in the order the reports use:

* ``results``: I. Kết quả đạt được (one subsection per field of work, ordered by ``order``);
* ``shortcomings``: II. Hạn chế, nguyên nhân (suggestions from the data: units below plan, late
  reports, overdue tasks…; the official keeps or discards each);
* ``directions``: IV. Phương hướng, nhiệm vụ (from the next period's plan where one exists).

Part III (Bài học kinh nghiệm) is the official's own text.

Every number a section writes must come from ``ReviewContext.figures`` (the analytics service for
that unit and period) or from the app's own records counted for the same subtree and period, so a
reader can check it against the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .periods import Period

PARTS = ("results", "shortcomings", "directions")


@dataclass(frozen=True)
class ReviewContext:
    """What a section may use: the unit (an ``org.Unit``), the period and a figure lookup."""

    unit: Any
    period: Period
    # codes -> {code: value for the unit's subtree and ``period``}; missing figures are absent.
    figures: Callable[[Sequence[str], Period], dict[str, Decimal]]
    structure: str = "period"  # or "current": today's units through the successions
    # the figures of the units one level below: (codes, period) -> {unit name: {code: value}}
    children: Callable[[Sequence[str], Period], dict[str, dict[str, Decimal]]] | None = None

    @property
    def last_year(self) -> Period:
        return self.period.same_period_last_year

    @property
    def previous(self) -> Period:
        return self.period.previous


@dataclass
class Table:
    """A figure table: a header row and body rows of already formatted cells (Vietnamese formats)."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Suggestion:
    """A sentence for part II that the official keeps or discards (``key`` stays the same across
    regenerations so a discarded suggestion stays discarded)."""

    key: str
    text: str


@dataclass
class DraftSection:
    """What one app contributes for one unit and period."""

    title: str  # e.g. "Công tác thi đua, khen thưởng"
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)  # for part II
    directions: list[str] = field(default_factory=list)  # for part IV
    # every figure quoted in the paragraphs, code -> value, so the reviews app can show what changed
    figures: dict[str, Decimal] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # figures that were wanted but have no value
    # numbered "1.1.", "1.2." under this section's "1." (e.g. one per field of work)
    subsections: list[DraftSection] = field(default_factory=list)


Build = Callable[[ReviewContext], DraftSection | None]


@dataclass(frozen=True)
class ReviewSection:
    code: str  # stable, e.g. "emulation"
    part: str  # one of PARTS: where the section's paragraphs go
    order: int  # position within the part (lower first)
    build: Build


_REGISTRY: dict[str, ReviewSection] = {}


def register(section: ReviewSection) -> ReviewSection:
    """Register once (from an app's ``ready``); a second app claiming the code is a bug."""
    if section.part not in PARTS:
        raise ValueError(f"Review section {section.code}: unknown part {section.part}")
    existing = _REGISTRY.get(section.code)
    if existing is not None and existing.build is not section.build:
        raise ValueError(f"Review section {section.code} is registered twice")
    _REGISTRY[section.code] = section
    return section


def unregister(code: str) -> None:
    """Remove a section (tests that register their own)."""
    _REGISTRY.pop(code, None)


def all_sections(part: str | None = None) -> list[ReviewSection]:
    sections = sorted(_REGISTRY.values(), key=lambda s: (PARTS.index(s.part), s.order, s.code))
    return [s for s in sections if part is None or s.part == part]


def figures_section(ctx: ReviewContext, title: str, items: Sequence[tuple[str, str, str]]) -> DraftSection | None:
    """A section of one sentence from derived figures: ``items`` are (code, name, kind) with kind
    "count" or "rate"; each figure beside the same period last year; ``None`` when none has a value.

    The names start with "Số …" for counts ("Số buổi học tập" -> "12 buổi học tập").
    """
    from . import narrative

    codes = [code for code, _name, _kind in items]
    now = ctx.figures(codes, ctx.period)
    before = ctx.figures(codes, ctx.last_year)
    clauses = []
    section = DraftSection(title=title)
    for code, name, kind in items:
        value = now.get(code)
        if value is None:
            section.missing.append(name)
            continue
        section.figures[code] = value
        against = narrative.against(ctx.period)
        if kind == "rate":
            clauses.append(narrative.with_change(narrative.rate_phrase(name, value),
                                                 narrative.rate_change(value, before.get(code), against)))
        elif value == 0:
            clauses.append(narrative.count_phrase(name, value))
        else:
            clauses.append(narrative.with_change(narrative.count_phrase(name, value),
                                                 narrative.count_change(value, before.get(code), against)))
    if not clauses:
        return None
    from django.utils.translation import gettext as _

    section.paragraphs.append(narrative.sentence(
        _("%(when)s, the whole %(unit)s recorded %(figures)s")
        % {"when": narrative.in_period(ctx.period), "unit": ctx.unit.name, "figures": narrative.join_clauses(clauses)}
    ))
    return section
