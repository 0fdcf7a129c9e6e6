"""The access matrix: every route × every persona × records inside and outside their subtree.

Each page route (walked from the URL resolver) and each API operation (read from the OpenAPI
schema) has one entry below saying which records it reaches and which action reading and writing
need; the loop works out the expected status from the personas' assignments, written out in
``tests.security.world`` rather than read from the code under test:

* nobody signed in: pages redirect to the login page, the API answers 403;
* a record whose unit the persona cannot see: 404, for reads and writes alike;
* a visible record without the role the action needs: 403;
* otherwise the route's own answer (a page, a redirect, a form error for the empty form sent).

Every answer is also searched for the names, codes and markers of units outside the persona's
subtree and not above it: none may appear. A route without an entry fails ``test_every_route_is
_in_the_table``, naming it. Entries for known holes being closed elsewhere are marked
``xfail(strict=True)``: they start passing, and so failing here, when the fix lands.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security import registers
from tests.security.world import (
    PLACES,
    MatrixWorld,
    above,
    build_matrix_world,
    foreign_tokens,
    in_subtree,
    may,
)
from tests.support.personas import PERSONAS, api_client_for, client_for, persona_user

# Every test runs in its own savepoint inside the module's world.
pytestmark = pytest.mark.django_db

READ = "GET"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
ANY_PLACE = (None,)
ALL_PLACES = tuple(PLACES)


@dataclass(frozen=True)
class Route:
    """One route: how to build its URL for a place, what reading and writing it need.

    ``read``/``write``: ``None`` (method not served), ``"login"`` (any signed-in user),
    ``"public"`` (anyone) or an action over the record's unit (view, enter, approve, admin,
    ``"owner"``: the person who made the record).
    ``reach``: ``"subtree"`` (records of the persona's subtree) or ``"down"`` (also those of
    units above: documents and campaigns issued above reach down).
    """

    url: Callable[[MatrixWorld, str | None], str]
    places: tuple[str | None, ...] = ANY_PLACE
    read: str | None = "view"
    write: str | None = None
    methods: tuple[str, ...] = ("POST",)
    ok_read: frozenset[int] = frozenset({200})
    ok_write: frozenset[int] = frozenset({200, 302, 400})
    reach: str = "subtree"
    unit_code: Callable[[MatrixWorld, str], str] = lambda mw, place: PLACES[place]
    api: bool = False
    denied: frozenset[str] = frozenset()  # personas refused (403) by design beyond their role, e.g. cells
    xfail: dict[tuple[str, str | None, str], str] = field(default_factory=dict)  # (persona, place, method) -> why


def unit_pk(mw: MatrixWorld, place: str | None) -> int:
    return mw.units[PLACES[place or "commune"]].pk


def ds(mw: MatrixWorld) -> int:
    return mw.catalogue.monthly.pk


def _fixed(url: str) -> Callable[[MatrixWorld, str | None], str]:
    return lambda mw, place: url


def _participation_code(mw: MatrixWorld, place: str) -> str:
    return str(mw.participations[place].unit.code)


def _campaign_code(mw: MatrixWorld, place: str) -> str:
    return str(mw.campaigns[place].unit.code)


OK_GET_OR_FORM = frozenset({200})
# A cell registers no documents and runs no campaigns: its secretary is refused those forms.
CELLS = frozenset({"cell_secretary"})
REDIRECT = frozenset({302})

# --- pages, by URL name ------------------------------------------------------------------------

PAGES: dict[str, Route | str] = {
    # --- member handbook ---
    "handbook:home": Route(_fixed("/handbook/"), read="login"),
    "handbook:library": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:document": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:document_read": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:bookmark": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:bookmarks": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:meetings": Route(_fixed("/handbook/meetings/"), read="login"),
    "handbook:meeting_add": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:meeting_detail": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:meeting_reply": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:meeting_attendance": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:quizzes": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:quiz_add": Route(_fixed("/handbook/quizzes/new/"), read="enter-anywhere", write="enter-anywhere"),
    "handbook:quiz_detail": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:quiz_start": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:attempt": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:commitments": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:commitment_assess": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:commitment_confirm": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:points": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:inbox": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:inbox_open": "a member's own records (no member record in this world): tested in tests/handbook/test_pages.py",
    "handbook:cell": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:cell_members": "per-member detail of a cell, for its secretary and the unit admins above: tested in tests/handbook/test_board.py and tests/e2e",
    "handbook:cell_members_export": "per-member detail of a cell, for its secretary and the unit admins above: tested in tests/handbook/test_board.py",
    "handbook:cell_member_status": "per-member detail of a cell, for its secretary and the unit admins above: tested in tests/handbook/test_board.py and tests/e2e",
    "handbook:cell_record": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:cell_transfer": "reached through member records of a cell: tested in tests/handbook/test_pages.py",
    "handbook:invite": Route(_fixed("/handbook/invite/"), read="enter-anywhere", write="enter-anywhere"),
    "handbook:bulletin_list": Route(_fixed("/handbook/bulletins/"), read="login"),
    "handbook:bulletin_add": Route(_fixed("/handbook/bulletins/new/"), read="enter-anywhere", write="enter-anywhere",
                                   denied=CELLS),
    "handbook:bulletin_detail": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:bulletin_publish": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:bulletin_pdf": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:bulletin_png": "reached through member records of a cell: tested in tests/handbook/test_pages.py and tests/e2e",
    "handbook:manifest": Route(_fixed("/handbook/manifest.webmanifest"), read="public"),
    "handbook:service_worker": Route(_fixed("/handbook/sw.js"), read="public"),
    "handbook:offline": Route(_fixed("/handbook/offline/"), read="public"),
    # each role's home: a member reads theirs, the others are sent on to their work
    "home": Route(_fixed("/"), read="login", ok_read=frozenset({200, 302})),
    # signed in already: sent on to the home page
    "accounts:login": Route(_fixed("/accounts/login/"), read="public", write="public",
                            ok_read=frozenset({200, 302}), ok_write=frozenset({200, 302})),
    "accounts:logout": Route(_fixed("/accounts/logout/"), read=None, write="public", ok_write=REDIRECT),
    "accounts:two_factor": Route(_fixed("/accounts/2fa/"), read="login", write="login"),
    "accounts:api_tokens": Route(_fixed("/accounts/tokens/"), read="login", write="login",
                                 ok_write=frozenset({200, 302})),
    "accounts:password_change": Route(_fixed("/accounts/password/"), read="login", write="login"),
    "accounts:password_change_done": Route(_fixed("/accounts/password/done/"), read="login"),
    "accounts:unit_users": Route(_fixed("/accounts/users/"), read="admin-anywhere"),
    "accounts:set_user_password": Route(lambda mw, p: f"/accounts/users/{_user_at(mw, p).pk}/password/",
                                        ALL_PLACES, read="user-admin", write="user-admin"),
    "text_size": Route(_fixed("/text-size/"), read=None, write="public", ok_write=REDIRECT),
    "favicon.ico": Route(_fixed("/favicon.ico"), read="public", ok_read=frozenset({301})),
    "accounts:verify": "the second step of signing in: reached only between password and code, tested in"
                       " tests/accounts/test_two_factor.py",
    "org:unit_tree": Route(_fixed("/org/"), read="login"),
    "org:unit_search": Route(_fixed("/org/search/?q=dang"), read="login"),
    "org:unit_detail": Route(lambda mw, p: f"/org/units/{unit_pk(mw, p)}/", ALL_PLACES),
    "org:unit_children": Route(lambda mw, p: f"/org/units/{unit_pk(mw, p)}/children/", ALL_PLACES),
    "org:unit_import": Route(lambda mw, p: f"/org/units/{unit_pk(mw, p)}/import/", ALL_PLACES, read="admin",
                             write="admin"),
    "org:unit_reorganise": Route(lambda mw, p: f"/org/units/{unit_pk(mw, p)}/reorganise/", ALL_PLACES,
                                 read="admin", write="admin"),
    "org:audit_log": Route(_fixed("/org/changelog/"), read="admin-anywhere"),
    "reporting:dashboard": Route(lambda mw, p: f"/reporting/?unit={unit_pk(mw, p)}&period=2024", ALL_PLACES),
    "reporting:pivot": Route(lambda mw, p: f"/reporting/pivot/?unit={unit_pk(mw, p)}&periods=2024", ALL_PLACES),
    "reporting:my_reports": Route(_fixed("/reporting/my-reports/"), read="login"),
    "reporting:entry": Route(lambda mw, p: f"/reporting/entry/{ds(mw)}/{unit_pk(mw, p)}/202405/", ALL_PLACES),
    "reporting:entry_value": Route(
        lambda mw, p: f"/reporting/entry/{ds(mw)}/{unit_pk(mw, p)}/202405/value/{mw.catalogue.sessions.pk}/",
        ALL_PLACES, read=None, write="enter", ok_write=frozenset({302})),
    "reporting:entry_submit": Route(lambda mw, p: f"/reporting/entry/{ds(mw)}/{unit_pk(mw, p)}/202405/submit/",
                                    ALL_PLACES, read=None, write="enter", ok_write=REDIRECT),
    "reporting:entry_withdraw": Route(lambda mw, p: f"/reporting/entry/{ds(mw)}/{unit_pk(mw, p)}/202405/withdraw/",
                                      ("commune", "other"), read=None, write="enter", ok_write=REDIRECT),
    "reporting:approvals": Route(lambda mw, p: f"/reporting/approvals/{ds(mw)}/{unit_pk(mw, p)}/202405/",
                                 ALL_PLACES),
    "reporting:approve_selected": Route(
        lambda mw, p: f"/reporting/approvals/{ds(mw)}/{unit_pk(mw, p)}/202405/approve/",
        ("commune", "other"), read=None, write="approve", ok_write=REDIRECT),
    "reporting:excel_template": Route(
        lambda mw, p: f"/reporting/excel/{ds(mw)}/{unit_pk(mw, p)}/202405/template/", ALL_PLACES),
    "reporting:excel_upload": Route(lambda mw, p: f"/reporting/excel/{ds(mw)}/{unit_pk(mw, p)}/202405/upload/",
                                    ALL_PLACES, read="enter", write="enter", ok_write=frozenset({200})),
    # An import job is its uploader's alone: anyone else gets 404.
    "reporting:import_job": Route(lambda mw, p: f"/reporting/imports/{mw.jobs[p or 'commune'].pk}/", ALL_PLACES,
                                  read="owner"),
    "reporting:import_job_progress": Route(
        lambda mw, p: f"/reporting/imports/{mw.jobs[p or 'commune'].pk}/progress/", ALL_PLACES, read="owner"),
    "reporting:import_job_commit": Route(lambda mw, p: f"/reporting/imports/{mw.jobs[p or 'commune'].pk}/commit/",
                                         ALL_PLACES, read=None, write="owner", ok_write=REDIRECT),
    "reporting:decide": Route(lambda mw, p: f"/reporting/submissions/{mw.submissions[p or 'commune'].pk}/return/",
                              ("commune", "other"), read=None, write="approve", ok_write=REDIRECT),
    "documents:document_list": Route(_fixed("/documents/"), read="login"),
    "documents:document_add": Route(_fixed("/documents/new/"), read="enter-anywhere", write="enter-anywhere", denied=CELLS),
    "documents:draft_summary": Route(_fixed("/documents/draft-summary/"), read=None, write="enter-anywhere", denied=CELLS),
    "documents:unresolved_references": Route(_fixed("/documents/unresolved/"), read="login"),
    "documents:document_detail": Route(lambda mw, p: f"/documents/{mw.documents[p or 'commune'].pk}/", ALL_PLACES,
                                       reach="down"),
    "documents:document_edit": Route(lambda mw, p: f"/documents/{mw.documents[p or 'commune'].pk}/edit/",
                                     ALL_PLACES, read="enter", write="enter", reach="down"),
    "documents:attachment_add": Route(lambda mw, p: f"/documents/{mw.documents[p or 'commune'].pk}/attachments/",
                                      ALL_PLACES, read=None, write="enter", reach="down", ok_write=REDIRECT),
    "documents:attachment_download": Route(
        lambda mw, p: f"/documents/{mw.documents[p or 'commune'].pk}/attachments/999999/", ALL_PLACES,
        reach="down", ok_read=frozenset({404})),
    "events:event_list": Route(_fixed("/events/"), read="login"),
    "events:event_add": Route(_fixed("/events/new/"), read="enter-anywhere", write="enter-anywhere"),
    "events:event_detail": Route(lambda mw, p: f"/events/{mw.events[p or 'commune'].pk}/", ALL_PLACES),
    "events:event_edit": Route(lambda mw, p: f"/events/{mw.events[p or 'commune'].pk}/edit/", ALL_PLACES,
                               read="enter", write="enter"),
    "events:event_delete": Route(lambda mw, p: f"/events/{mw.events[p or 'commune'].pk}/delete/", ALL_PLACES,
                                 read=None, write="enter", ok_write=REDIRECT),
    "events:photo_add": Route(lambda mw, p: f"/events/{mw.events[p or 'commune'].pk}/photos/", ALL_PLACES,
                              read=None, write="enter", ok_write=REDIRECT),
    "events:photo_view": Route(lambda mw, p: f"/events/{mw.events[p or 'commune'].pk}/photos/999999/", ALL_PLACES,
                               ok_read=frozenset({404})),
    "reviews:review_list": Route(_fixed("/reviews/"), read="login", write="login", ok_write=frozenset({200})),
    "reviews:review_detail": Route(lambda mw, p: f"/reviews/{mw.reviews[p or 'commune'].pk}/", ("commune", "other")),
    "reviews:review_edit": Route(lambda mw, p: f"/reviews/{mw.reviews[p or 'commune'].pk}/edit/",
                                 ("commune", "other"), read=None, write="enter", ok_write=frozenset({302})),
    "reviews:review_regenerate": Route(lambda mw, p: f"/reviews/{mw.reviews[p or 'commune'].pk}/regenerate/",
                                       ("commune", "other"), read=None, write="enter", ok_write=frozenset({302})),
    "reviews:review_finalise": Route(lambda mw, p: f"/reviews/{mw.reviews[p or 'commune'].pk}/finalise/",
                                     ("commune", "other"), read=None, write="approve", ok_write=frozenset({302})),
    "reviews:review_export": Route(lambda mw, p: f"/reviews/{mw.reviews[p or 'commune'].pk}/export/docx/",
                                   ("commune", "other"), read=None, write="view", ok_write=frozenset({302})),
    "reviews:job_progress": Route(lambda mw, p: f"/reviews/jobs/{mw.review_jobs[p or 'commune'].pk}/",
                                  ("commune", "other")),
    "reviews:job_download": Route(lambda mw, p: f"/reviews/jobs/{mw.review_jobs[p or 'commune'].pk}/download/",
                                  ("commune", "other"), ok_read=frozenset({404})),  # the job kept no file
    "reviews:document_settings": Route(lambda mw, p: f"/reviews/settings/{unit_pk(mw, p)}/", ("commune", "other"),
                                       read="admin", write="admin", ok_write=frozenset({200, 302})),
    # emulation and inspections: one record of each kind at each place
    "emulation:home": Route(_fixed("/emulation/"), read="login", ok_read=REDIRECT),
    "emulation:judging": Route(_fixed("/emulation/judging/"), read="login"),
    # a judge's sheet is theirs alone: no persona is the judge, so each gets 404 whatever their role
    "emulation:judge_sheet": Route(lambda mw, p: f"/emulation/judging/{mw.judge_assignments[p or 'commune'].pk}/",
                                   read="login", write="login", ok_read=frozenset({404}),
                                   ok_write=frozenset({404})),
    "emulation:record_list": Route(_fixed("/emulation/models/"), read="login"),
    "emulation:record_export": Route(_fixed("/emulation/commendations/export/"), read="login"),
    "emulation:record_add": Route(_fixed("/emulation/exemplars/new/"), read="enter-anywhere",
                                  write="enter-anywhere"),
    "emulation:record_detail": Route(lambda mw, p: f"/emulation/models/{mw.practice_models[p or 'commune'].pk}/",
                                     ALL_PLACES),
    "emulation:record_edit": Route(lambda mw, p: f"/emulation/exemplars/{mw.exemplars[p or 'commune'].pk}/edit/",
                                   ALL_PLACES, read="enter", write="enter"),
    "emulation:photo_add": Route(lambda mw, p: f"/emulation/models/{mw.practice_models[p or 'commune'].pk}/photos/",
                                 ALL_PLACES, read=None, write="enter", ok_write=REDIRECT),
    "emulation:photo_view": Route(
        lambda mw, p: f"/emulation/exemplars/{mw.exemplars[p or 'commune'].pk}/photos/999999/", ALL_PLACES,
        ok_read=frozenset({404})),
    "emulation:contest_setup": Route(lambda mw, p: f"/emulation/contests/{mw.contests[p or 'commune'].pk}/setup/",
                                     ALL_PLACES, read=None, write="enter", ok_write=REDIRECT, reach="down"),
    "emulation:round_close": Route(
        lambda mw, p: (f"/emulation/contests/{mw.contests[p or 'commune'].pk}/rounds/"
                       f"{mw.judge_assignments[p or 'commune'].round_id}/close/"),
        ALL_PLACES, read=None, write="enter", ok_write=REDIRECT, reach="down"),
    "emulation:contest_prizes": Route(lambda mw, p: f"/emulation/contests/{mw.contests[p or 'commune'].pk}/prizes/",
                                      ALL_PLACES, read="enter", write="enter", reach="down"),
    "emulation:contest_publish": Route(
        lambda mw, p: f"/emulation/contests/{mw.contests[p or 'commune'].pk}/publish/", ALL_PLACES, read=None,
        write="enter", ok_write=REDIRECT, reach="down"),
    # results not yet published have no file, for anyone
    "emulation:contest_results_xlsx": Route(
        lambda mw, p: f"/emulation/contests/{mw.contests[p or 'commune'].pk}/results.xlsx", ALL_PLACES,
        ok_read=frozenset({404}), reach="down"),
    "inspections:inspection_list": Route(_fixed("/inspections/"), read="login"),
    "inspections:inspection_export": Route(_fixed("/inspections/export/"), read="login"),
    "inspections:overdue_list": Route(_fixed("/inspections/overdue/"), read="login"),
    "inspections:inspection_add": Route(_fixed("/inspections/new/"), read="enter-anywhere",
                                        write="enter-anywhere"),
    "inspections:inspection_detail": Route(lambda mw, p: f"/inspections/{mw.inspections[p or 'commune'].pk}/",
                                           ALL_PLACES),
    "inspections:inspection_edit": Route(lambda mw, p: f"/inspections/{mw.inspections[p or 'commune'].pk}/edit/",
                                         ALL_PLACES, read="enter", write="enter"),
    "inspections:recommendation_add": Route(
        lambda mw, p: f"/inspections/{mw.inspections[p or 'commune'].pk}/recommendations/", ALL_PLACES, read=None,
        write="enter", ok_write=REDIRECT),
    "inspections:recommendation_follow_up": Route(
        lambda mw, p: f"/inspections/recommendations/{mw.recommendations[p or 'commune'].pk}/follow-up/",
        ALL_PLACES, read=None, write="enter", ok_write=REDIRECT),
    "campaigns:campaign_list": Route(_fixed("/campaigns/"), read="login"),
    "campaigns:campaign_add": Route(_fixed("/campaigns/new/"), read="enter-anywhere", write="enter-anywhere", denied=CELLS),
    "campaigns:campaign_detail": Route(lambda mw, p: f"/campaigns/{mw.campaigns[p or 'commune'].pk}/",
                                       ("commune", "other"), reach="down"),
    "campaigns:campaign_edit": Route(lambda mw, p: f"/campaigns/{mw.campaigns[p or 'commune'].pk}/edit/",
                                     ("commune", "other"), read="enter", write="enter", reach="down"),
    "campaigns:participation_entry": Route(
        lambda mw, p: (f"/campaigns/{mw.campaigns['province'].pk}/units/"
                       f"{mw.participations[p or 'commune'].unit.pk}/attendance/"),
        ALL_PLACES, read="enter", write="enter", unit_code=_participation_code),
    "api-schema": Route(_fixed("/api/schema/"), read="login", api=True),
    "api-docs": Route(_fixed("/api/docs/"), read="login"),
}
# Django's admin: staff only; none of the personas is staff, so every admin page sends them to
# the admin's own login. Checked for every admin pattern in test_admin_is_for_staff_only.
ADMIN_NAMESPACE = "admin"
# The API's URL names: each of their operations is an entry of API below, read from the schema.
API_URL_PREFIX = "api/"


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{namespace}{p.name}" if p.name else prefix + str(p.pattern)


def all_routes() -> list[tuple[str, str]]:
    return list(_walk(get_resolver().url_patterns))


# --- the API, by operation of the schema -------------------------------------------------------


def _user_at(mw: MatrixWorld, place: str | None) -> Any:
    """A person assigned at the place: whose password a unit admin above may set."""
    return {"commune": mw.world.commune_officer, "other": mw.world.other_commune_officer,
            "cell": mw.world.member}[place or "commune"]


def _api(path: Callable[[MatrixWorld, str | None], str], places: tuple[str | None, ...] = ALL_PLACES,
         **kw: Any) -> Route:
    return Route(path, places, api=True, **kw)


API_OK_WRITE = frozenset({200, 201, 400, 409})

NO_MEMBER = frozenset({404})  # a person without a member record has no handbook records

API: dict[str, Route] = {
    # --- member handbook: a member's own records; the personas here have no member record (404) ---
    "/api/handbook/library/": _api(_fixed("/api/handbook/library/"), ANY_PLACE, read="login", ok_read=NO_MEMBER),
    "/api/handbook/library/{id}/": _api(_fixed("/api/handbook/library/999999/"), ANY_PLACE, read="login",
                                        ok_read=NO_MEMBER),
    "/api/handbook/library/{id}/finished/": _api(_fixed("/api/handbook/library/999999/finished/"), ANY_PLACE,
                                                 read=None, write="login", ok_write=NO_MEMBER),
    "/api/handbook/bookmarks/": _api(_fixed("/api/handbook/bookmarks/"), ANY_PLACE, read="login", write="login",
                                     ok_read=NO_MEMBER, ok_write=frozenset({400, 404})),
    "/api/handbook/bookmarks/{id}/": _api(_fixed("/api/handbook/bookmarks/999999/"), ANY_PLACE, read=None,
                                          write="login", methods=("DELETE",), ok_write=NO_MEMBER),
    "/api/handbook/meetings/": _api(_fixed("/api/handbook/meetings/"), ANY_PLACE, read="login"),
    "/api/handbook/meetings/{id}/": _api(_fixed("/api/handbook/meetings/999999/"), ANY_PLACE, read="login",
                                         ok_read=NO_MEMBER),
    "/api/handbook/meetings/{id}/reply/": _api(_fixed("/api/handbook/meetings/999999/reply/"), ANY_PLACE,
                                               read=None, write="login", ok_write=NO_MEMBER),
    "/api/handbook/quizzes/": _api(_fixed("/api/handbook/quizzes/"), ANY_PLACE, read="login", ok_read=NO_MEMBER),
    "/api/handbook/quizzes/{id}/": _api(_fixed("/api/handbook/quizzes/999999/"), ANY_PLACE, read="login",
                                        ok_read=NO_MEMBER),
    "/api/handbook/quizzes/{id}/start/": _api(_fixed("/api/handbook/quizzes/999999/start/"), ANY_PLACE, read=None,
                                              write="login", ok_write=NO_MEMBER),
    "/api/handbook/attempts/": _api(_fixed("/api/handbook/attempts/"), ANY_PLACE, read="login", ok_read=NO_MEMBER),
    "/api/handbook/attempts/{id}/": _api(_fixed("/api/handbook/attempts/999999/"), ANY_PLACE, read="login",
                                         ok_read=NO_MEMBER),
    "/api/handbook/attempts/{id}/submit/": _api(_fixed("/api/handbook/attempts/999999/submit/"), ANY_PLACE,
                                                read=None, write="login", ok_write=NO_MEMBER),
    "/api/handbook/commitments/": _api(_fixed("/api/handbook/commitments/"), ANY_PLACE, read="login",
                                       write="login", ok_read=NO_MEMBER, ok_write=frozenset({400, 404})),
    "/api/handbook/commitments/{id}/": _api(_fixed("/api/handbook/commitments/999999/"), ANY_PLACE, read="login",
                                            ok_read=NO_MEMBER),
    "/api/handbook/commitments/{id}/assess/": _api(_fixed("/api/handbook/commitments/999999/assess/"), ANY_PLACE,
                                                   read=None, write="login", ok_write=NO_MEMBER),
    "/api/handbook/points/": _api(_fixed("/api/handbook/points/"), ANY_PLACE, read="login", ok_read=NO_MEMBER),
    "/api/handbook/points/{id}/": _api(_fixed("/api/handbook/points/999999/"), ANY_PLACE, read="login",
                                       ok_read=NO_MEMBER),
    "/api/handbook/inbox/": _api(_fixed("/api/handbook/inbox/"), ANY_PLACE, read="login", ok_read=NO_MEMBER),
    "/api/handbook/inbox/{id}/": _api(_fixed("/api/handbook/inbox/999999/"), ANY_PLACE, read="login",
                                      ok_read=NO_MEMBER),
    "/api/handbook/inbox/{id}/read/": _api(_fixed("/api/handbook/inbox/999999/read/"), ANY_PLACE, read=None,
                                           write="login", ok_write=NO_MEMBER),
    "/api/handbook/inbox/unread/": _api(_fixed("/api/handbook/inbox/unread/"), ANY_PLACE, read="login",
                                        ok_read=NO_MEMBER),
    "/api/auth/token/": _api(_fixed("/api/auth/token/"), ANY_PLACE, read=None, write="token",
                             ok_write=frozenset({200})),
    "/api/units/": _api(_fixed("/api/units/"), ANY_PLACE, read="login"),
    "/api/units/{id}/": _api(lambda mw, p: f"/api/units/{unit_pk(mw, p)}/"),
    "/api/units/{id}/children/": _api(lambda mw, p: f"/api/units/{unit_pk(mw, p)}/children/"),
    "/api/units/{id}/members/": _api(lambda mw, p: f"/api/units/{unit_pk(mw, p)}/members/"),
    "/api/units/{id}/subtree/": _api(lambda mw, p: f"/api/units/{unit_pk(mw, p)}/subtree/"),
    "/api/units/{id}/successions/": _api(lambda mw, p: f"/api/units/{unit_pk(mw, p)}/successions/"),
    "/api/units/as-of/": _api(_fixed("/api/units/as-of/?date=2025-01-01"), ANY_PLACE, read="login"),
    "/api/reorganisations/": _api(_fixed("/api/reorganisations/"), ANY_PLACE, read=None, write="login",
                                  ok_write=frozenset({400})),
    "/api/dataValueSets/": _api(
        lambda mw, p: f"/api/dataValueSets/?dataSet=BC_THANG&period=202405&orgUnit={PLACES[p or 'commune']}",
        ("commune", "other"), write="login", ok_write=frozenset({400})),
    "/api/analytics/": _api(lambda mw, p: f"/api/analytics/?dx=HT_SO_BUOI&pe=202405&ou={PLACES[p or 'commune']}"),
    "/api/completeness/": _api(
        lambda mw, p: f"/api/completeness/?dataSet=BC_THANG&period=202405&orgUnit={PLACES[p or 'commune']}",
        ("commune", "other")),
    "/api/auth/tokens/": _api(_fixed("/api/auth/tokens/"), ANY_PLACE, read="login"),
    "/api/auth/tokens/{id}/": _api(_fixed("/api/auth/tokens/999999/"), ANY_PLACE, read=None, write="login",
                                   methods=("DELETE",), ok_write=frozenset({404})),
    "/api/submissions/": _api(_fixed("/api/submissions/"), ANY_PLACE, read="login"),
    "/api/submissions/{id}/": _api(lambda mw, p: f"/api/submissions/{mw.submissions[p or 'commune'].pk}/",
                                   ("commune", "other")),
    "/api/submissions/submit/": _api(_fixed("/api/submissions/submit/"), ANY_PLACE, read=None, write="login",
                                     ok_write=frozenset({400})),
    "/api/submissions/approve/": _api(_fixed("/api/submissions/approve/"), ANY_PLACE, read=None, write="login",
                                      ok_write=frozenset({400})),
    "/api/submissions/{id}/withdraw/": _api(
        lambda mw, p: f"/api/submissions/{mw.submissions[p or 'commune'].pk}/withdraw/", ("commune", "other"),
        read=None, write="enter", ok_write=frozenset({200, 400})),
    "/api/submissions/{id}/approve/": _api(
        lambda mw, p: f"/api/submissions/{mw.submissions[p or 'commune'].pk}/approve/", ("commune", "other"),
        read=None, write="approve", ok_write=frozenset({200, 400})),
    "/api/submissions/{id}/return/": _api(
        lambda mw, p: f"/api/submissions/{mw.submissions[p or 'commune'].pk}/return/", ("commune", "other"),
        read=None, write="approve", ok_write=frozenset({200, 400})),
    "/api/submissions/{id}/unlock/": _api(
        lambda mw, p: f"/api/submissions/{mw.submissions[p or 'commune'].pk}/unlock/", ("commune", "other"),
        read=None, write="approve", ok_write=frozenset({200, 400})),
    "/api/dataElements/": _api(_fixed("/api/dataElements/"), ANY_PLACE, read="login"),
    "/api/dataElements/{code}/": _api(_fixed("/api/dataElements/HT_SO_BUOI/"), ANY_PLACE, read="login"),
    "/api/dataSets/": _api(_fixed("/api/dataSets/"), ANY_PLACE, read="login"),
    "/api/dataSets/{code}/": _api(_fixed("/api/dataSets/BC_THANG/"), ANY_PLACE, read="login"),
    "/api/documents/": _api(_fixed("/api/documents/"), ANY_PLACE, read="login", write="login",
                            ok_write=frozenset({400})),
    "/api/documents/{id}/": _api(lambda mw, p: f"/api/documents/{mw.documents[p or 'commune'].pk}/",
                                 write="enter", methods=("PATCH",), reach="down"),
    "/api/events/": _api(_fixed("/api/events/"), ANY_PLACE, read="login", write="login", ok_write=frozenset({400})),
    "/api/events/{id}/": _api(lambda mw, p: f"/api/events/{mw.events[p or 'commune'].pk}/", write="enter",
                              methods=("PUT", "PATCH", "DELETE"), ok_write=frozenset({200, 204, 400})),
    "/api/campaigns/": _api(_fixed("/api/campaigns/"), ANY_PLACE, read="login", write="login",
                            ok_write=frozenset({400})),
    "/api/campaigns/{id}/": _api(lambda mw, p: f"/api/campaigns/{mw.campaigns[p or 'commune'].pk}/",
                                 ("commune", "other"), write="enter", methods=("PUT", "PATCH"), reach="down",
                                 unit_code=_campaign_code),
    "/api/campaigns/{id}/progress/": _api(
        lambda mw, p: f"/api/campaigns/{mw.campaigns[p or 'commune'].pk}/progress/", ("commune", "other"),
        reach="down", unit_code=_campaign_code),
    "/api/reviews/": _api(_fixed("/api/reviews/"), ANY_PLACE, read="login", write="login",
                          ok_write=frozenset({400})),
    "/api/reviews/{id}/": _api(lambda mw, p: f"/api/reviews/{mw.reviews[p or 'commune'].pk}/", ("commune", "other"),
                               write="enter", methods=("PATCH",), ok_write=frozenset({200})),
    "/api/reviews/{id}/download/{fmt}/": _api(
        lambda mw, p: f"/api/reviews/{mw.reviews[p or 'commune'].pk}/download/docx/", ("commune", "other")),
    "/api/reviews/{id}/finalise/": _api(
        lambda mw, p: f"/api/reviews/{mw.reviews[p or 'commune'].pk}/finalise/", ("commune", "other"),
        read=None, write="approve", ok_write=frozenset({400})),
    "/api/practiceModels/": _api(_fixed("/api/practiceModels/"), ANY_PLACE, read="login", write="login",
                                 ok_write=frozenset({400})),
    "/api/practiceModels/{id}/": _api(lambda mw, p: f"/api/practiceModels/{mw.practice_models[p or 'commune'].pk}/",
                                      write="enter", methods=("PUT", "PATCH", "DELETE"), ok_write=frozenset({200, 204, 400})),
    "/api/exemplars/": _api(_fixed("/api/exemplars/"), ANY_PLACE, read="login", write="login",
                            ok_write=frozenset({400})),
    "/api/exemplars/{id}/": _api(lambda mw, p: f"/api/exemplars/{mw.exemplars[p or 'commune'].pk}/",
                                 write="enter", methods=("PUT", "PATCH", "DELETE"), ok_write=frozenset({200, 204, 400})),
    "/api/commendations/": _api(_fixed("/api/commendations/"), ANY_PLACE, read="login", write="login",
                                ok_write=frozenset({400})),
    "/api/commendations/{id}/": _api(lambda mw, p: f"/api/commendations/{mw.commendations[p or 'commune'].pk}/",
                                     write="enter", methods=("PUT", "PATCH", "DELETE"), ok_write=frozenset({200, 204, 400})),
    "/api/contests/": _api(_fixed("/api/contests/"), ANY_PLACE, read="login", write="login",
                           ok_write=frozenset({400})),
    "/api/contests/{id}/": _api(lambda mw, p: f"/api/contests/{mw.contests[p or 'commune'].pk}/", write="enter",
                                methods=("PUT", "PATCH", "DELETE"), ok_write=frozenset({200, 204, 400}), reach="down"),
    "/api/contests/{id}/entries/": _api(lambda mw, p: f"/api/contests/{mw.contests[p or 'commune'].pk}/entries/",
                                        reach="down"),
    "/api/contests/{id}/results/": _api(lambda mw, p: f"/api/contests/{mw.contests[p or 'commune'].pk}/results/",
                                        read="enter", reach="down"),
    "/api/contests/{id}/rounds/": _api(lambda mw, p: f"/api/contests/{mw.contests[p or 'commune'].pk}/rounds/",
                                       write="enter", reach="down", ok_write=frozenset({201, 400})),
    "/api/contests/{id}/rounds/{round_pk}/": _api(
        lambda mw, p: (f"/api/contests/{mw.contests[p or 'commune'].pk}/rounds/"
                       f"{mw.judge_assignments[p or 'commune'].round_id}/"),
        read=None, write="enter", methods=("PATCH", "DELETE"), ok_write=frozenset({200, 400}), reach="down"),
    "/api/contests/{id}/categories/": _api(
        lambda mw, p: f"/api/contests/{mw.contests[p or 'commune'].pk}/categories/", write="enter", reach="down",
        ok_write=frozenset({201, 400})),
    "/api/contests/{id}/categories/{category_pk}/": _api(
        lambda mw, p: (f"/api/contests/{mw.contests[p or 'commune'].pk}/categories/"
                       f"{mw.contest_categories[p or 'commune'].pk}/"),
        read=None, write="enter", methods=("PATCH", "DELETE"), ok_write=frozenset({200, 204}), reach="down"),
    "/api/judgeAssignments/": _api(_fixed("/api/judgeAssignments/"), ANY_PLACE, read="login"),
    "/api/judgeAssignments/{id}/": _api(
        lambda mw, p: f"/api/judgeAssignments/{mw.judge_assignments[p or 'commune'].pk}/", read="login",
        ok_read=frozenset({404})),
    "/api/judgeAssignments/{id}/scores/": _api(
        lambda mw, p: f"/api/judgeAssignments/{mw.judge_assignments[p or 'commune'].pk}/scores/", read=None,
        write="login", ok_write=frozenset({404})),
    "/api/inspections/": _api(_fixed("/api/inspections/"), ANY_PLACE, read="login", write="login",
                              ok_write=frozenset({400})),
    "/api/inspections/{id}/": _api(lambda mw, p: f"/api/inspections/{mw.inspections[p or 'commune'].pk}/",
                                   write="enter", methods=("PUT", "PATCH", "DELETE"), ok_write=frozenset({200, 204, 400})),
    "/api/recommendations/": _api(_fixed("/api/recommendations/"), ANY_PLACE, read="login"),
    "/api/recommendations/{id}/": _api(
        lambda mw, p: f"/api/recommendations/{mw.recommendations[p or 'commune'].pk}/", write="enter",
        methods=("PATCH",), ok_write=frozenset({200, 400})),
    "/api/participations/": _api(_fixed("/api/participations/"), ANY_PLACE, read="login"),
    "/api/participations/{id}/": _api(lambda mw, p: f"/api/participations/{mw.participations[p or 'commune'].pk}/",
                                      write="enter", methods=("PATCH",), unit_code=_participation_code),
}

_register_pages, _register_api = registers.routes(Route, _api, _fixed, ALL_PLACES, CELLS)
PAGES.update(_register_pages)
API.update(_register_api)


# --- expectations ------------------------------------------------------------------------------


def expected(route: Route, persona: str, place: str | None, method: str, mw: MatrixWorld) -> frozenset[int]:
    need = route.read if method == READ else route.write
    ok = route.ok_read if method == READ else route.ok_write
    if need == "token":
        # A signed-in session (its second factor given) gets a token; without one the body must
        # carry the password and, for a person with a device, the code: an empty body is refused.
        return frozenset({400}) if persona == "anonymous" else ok
    if need == "user-admin" and persona != "anonymous":
        # People are managed by the unit admins above them; to anyone else they do not exist.
        return ok if place is not None and may(persona, "admin", route.unit_code(mw, place)) else frozenset({404})
    if need == "public":
        return ok
    if persona == "anonymous":
        return frozenset({403}) if route.api else REDIRECT
    if persona in route.denied:
        return frozenset({403})
    if need == "login":
        return ok
    if place is not None:
        code = route.unit_code(mw, place)
        visible = in_subtree(persona, code) or (route.reach == "down" and above(persona, code))
        if not visible:
            return frozenset({404})
        if need in ("view", "login"):
            return ok
        if need == "owner":
            return ok if getattr(mw.jobs[place].user, "username", "") == persona else frozenset({404})
        return ok if may(persona, str(need), code) else frozenset({403})
    if need == "login":
        return ok
    action = str(need).removesuffix("-anywhere")
    return ok if may(persona, action) else frozenset({403})


def cases(table: dict[str, Any]) -> list[Any]:
    out = []
    for key, route in table.items():
        if isinstance(route, str):
            continue
        methods = ([READ] if route.read else []) + (list(route.methods) if route.write else [])
        for method in methods:
            for place in route.places:
                for persona in PERSONAS:
                    marks = []
                    why = route.xfail.get((persona, place, method))
                    if why:
                        marks.append(pytest.mark.xfail(strict=True, reason=why))
                    out.append(pytest.param(key, method, place, persona, marks=marks,
                                            id=f"{key}-{method}-{place or 'any'}-{persona}"))
    return out


def _known(table: dict[str, Any], key: str, persona: str, place: str | None, method: str, why: str) -> None:
    route = table[key]
    table[key] = Route(**{**route.__dict__, "xfail": {**route.xfail, (persona, place, method): why}})


# --- the world, once per module ----------------------------------------------------------------

_TIMING: dict[str, float] = {"cases": 0, "seconds": 0.0}


@pytest.fixture(scope="module")
def mw(django_db_setup: None, django_db_blocker: Any) -> Iterator[MatrixWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.perf_counter()
        world = build_matrix_world()
        _TIMING["seconds"] += time.perf_counter() - started
        yield world
        transaction.set_rollback(True)


def _request(client: Any, method: str, url: str, api: bool) -> Any:
    if method == READ:
        return client.get(url)
    if api:
        return getattr(client, method.lower())(url, {}, format="json")
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded")


def _check(table: dict[str, Any], key: str, method: str, place: str | None, persona: str, mw: MatrixWorld) -> None:
    route = table[key]
    started = time.perf_counter()
    user = persona_user(mw.world, persona)
    client = api_client_for(user) if route.api else client_for(user)
    url = route.url(mw, place)
    with transaction.atomic():
        response = _request(client, method, url, route.api)
        transaction.set_rollback(True)
    want = expected(route, persona, place, method, mw)
    assert response.status_code in want, (
        f"{method} {url} as {persona} (record at {place}): {response.status_code}, expected {sorted(want)}"
    )
    public = (route.read if method == READ else route.write) == "public"
    if response.status_code in (302, 303) and persona == "anonymous" and not public:
        assert "/login/" in response["Location"]
    if persona != "anonymous" and not getattr(response, "streaming", False):
        body = response.content.decode("utf-8", "replace")
        leaked = [t for t in foreign_tokens(persona, mw.names) if t in body]
        assert leaked == [], f"{method} {url} as {persona} shows other units' data: {leaked}"
    _TIMING["cases"] += 1
    _TIMING["seconds"] += time.perf_counter() - started




@pytest.mark.parametrize(("key", "method", "place", "persona"), cases(PAGES))
def test_pages(mw: MatrixWorld, key: str, method: str, place: str | None, persona: str) -> None:
    _check(PAGES, key, method, place, persona, mw)


@pytest.mark.parametrize(("key", "method", "place", "persona"), cases(API))
def test_api(mw: MatrixWorld, key: str, method: str, place: str | None, persona: str) -> None:
    _check(API, key, method, place, persona, mw)


def test_admin_is_for_staff_only(mw: MatrixWorld) -> None:
    """Every pattern of Django's admin sends each persona (none is staff) to the admin's login."""
    import re

    admin_paths = [path for path, _name in all_routes() if path.startswith(f"{ADMIN_NAMESPACE}/")]
    assert len(admin_paths) > 20
    for persona in PERSONAS:
        client = client_for(persona_user(mw.world, persona))
        for pattern in admin_paths:
            url = "/" + re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "1", pattern).replace("^", "").replace("$", "")
            response = client.get(url)
            if url.startswith(("/admin/login/", "/admin/logout/")):
                continue  # the admin's own sign-in page
            assert response.status_code in (302, 404), (url, persona, response.status_code)
            if response.status_code == 302:
                assert "/admin/login/" in response["Location"], (url, persona)


def test_every_route_is_in_the_table() -> None:
    missing = []
    for path, name in all_routes():
        if path.startswith(f"{ADMIN_NAMESPACE}/") or (path.startswith(API_URL_PREFIX) and name not in PAGES):
            continue
        if name not in PAGES:
            missing.append(f"{name} ({path})")
    assert missing == [], f"Routes without an entry in the access matrix: {missing}"


def test_every_api_operation_is_in_the_table() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, operations in schema["paths"].items():
        route = API.get(path)
        for method in operations:
            if method.upper() not in (READ, *WRITES):
                continue
            if route is None or (method.upper() == READ and not route.read) or (
                method.upper() in WRITES and (not route.write or method.upper() not in route.methods)
            ):
                missing.append(f"{method.upper()} {path}")
    assert missing == [], f"API operations without an entry in the access matrix: {missing}"


def test_zz_matrix_size_and_time() -> None:
    """Printed with -s: how many requests the matrix made and how long they took."""
    print(f"\naccess matrix: {_TIMING['cases']:.0f} requests in {_TIMING['seconds']:.1f} s")


# --- refusals the loop above cannot express ----------------------------------------------------


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_a_token_needs_the_second_factor_of_a_person_who_has_one(mw: MatrixWorld, persona: str) -> None:
    """With a confirmed device, the password alone gets no API token, for every persona."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from rest_framework.test import APIClient

    from tests.conftest import PASSWORD
    from tuyengiao.accounts.models import ApiToken

    user = persona_user(mw.world, persona)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    answer = APIClient().post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    message = ("Tài khoản này dùng xác thực hai lớp: gửi kèm mã trong ứng dụng xác thực ở trường otp_token.")
    assert answer.status_code == 400, answer.content
    assert answer.json() == {"detail": message, "otp_token": [message]}
    assert not ApiToken.objects.filter(user=user).exists()


def _approve_commune_report(mw: MatrixWorld) -> str:
    """The commune's May report, approved by the province; the message every write path gives."""
    from tuyengiao.core.periods import Period
    from tuyengiao.reporting import approval
    from tuyengiao.reporting.entry import _Lock, _lock_message

    sub = mw.submissions["commune"]
    approval.approve(mw.world.province_approver, sub)
    sub.refresh_from_db()
    return _lock_message(_Lock(sub.status, sub.unit.name), mw.catalogue.monthly, Period.parse("202405"))


def _stored(mw: MatrixWorld) -> Any:
    from tuyengiao.reporting.models import DataValue

    return DataValue.objects.get(element=mw.catalogue.sessions, unit=mw.units["T.X1"], period="202405").value


def test_approved_figures_cannot_be_changed_through_the_form(mw: MatrixWorld) -> None:
    message = _approve_commune_report(mw)
    before = _stored(mw)
    url = f"/reporting/entry/{ds(mw)}/{mw.units['T.X1'].pk}/202405/value/{mw.catalogue.sessions.pk}/"
    outsider = client_for(mw.world.other_commune_officer).post(url, {"value": "99", "version": "1"})
    assert outsider.status_code == 404
    admin = client_for(mw.world.province_admin)
    answer = admin.post(url, {"value": "99", "version": "1", "comment": ""}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert _stored(mw) == before


def test_approved_figures_cannot_be_changed_through_the_api(mw: MatrixWorld) -> None:
    message = _approve_commune_report(mw)
    before = _stored(mw)
    body = {"dataSet": "BC_THANG", "period": "202405", "orgUnit": "T.X1",
            "dataValues": [{"dataElement": mw.catalogue.sessions.code, "value": 99}]}
    outsider = api_client_for(mw.world.other_commune_officer).post("/api/dataValueSets/", body, format="json")
    assert outsider.status_code == 404, outsider.content
    answer = api_client_for(mw.world.province_admin).post("/api/dataValueSets/", body, format="json")
    assert answer.status_code in (400, 409), answer.content
    assert message in answer.content.decode()
    assert _stored(mw) == before


def test_approved_figures_cannot_be_changed_through_an_excel_import(mw: MatrixWorld, settings: Any,
                                                                    tmp_path: Any) -> None:
    from tests.reporting.test_excel import edit
    from tuyengiao.reporting import jobs
    from tuyengiao.reporting.models import ImportJob, JobStatus

    settings.MEDIA_ROOT = tmp_path
    message = _approve_commune_report(mw)
    before = _stored(mw)
    admin = client_for(mw.world.province_admin)
    base = f"/reporting/excel/{ds(mw)}/{mw.units['T.X1'].pk}/202405"
    template = admin.get(f"{base}/template/")
    assert template.status_code == 200
    filled = edit(b"".join(template.streaming_content) if template.streaming else template.content,
                  {("T.X1", mw.catalogue.sessions.code): 99})
    outsider = client_for(mw.world.other_commune_officer).post(f"{base}/upload/", {"file": filled})
    assert outsider.status_code == 404
    filled.seek(0)
    assert admin.post(f"{base}/upload/", {"file": filled}).status_code == 302
    job = ImportJob.objects.filter(user=mw.world.province_admin).latest("pk")
    jobs.work(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert message in str(job.message) + str(job.errors)
    assert _stored(mw) == before
