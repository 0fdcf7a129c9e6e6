"""The Vietnamese catalogues: complete, compiled, and consistent across apps."""

from __future__ import annotations

import collections
from pathlib import Path

import polib
import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "tuyengiao"
CATALOGUES = sorted(SRC.glob("*/locale/vi/LC_MESSAGES/django.po"))


def test_every_app_with_templates_or_models_has_a_catalogue() -> None:
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "org", "accounts"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_message_is_translated_and_compiled(path: Path) -> None:
    po = polib.pofile(str(path))
    assert [e.msgid for e in po if not e.translated()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    mo = polib.mofile(str(path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in mo}
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in po if not e.obsolete}
    assert compiled == source, "run compilemessages: the .mo differs from the .po"


def test_no_message_means_two_things_in_two_apps() -> None:
    """Django merges every app's catalogue; the first app wins, so a shared msgid must agree."""
    seen: dict[tuple[str | None, str], dict[str, str]] = collections.defaultdict(dict)
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.msgstr:
                seen[(entry.msgctxt, entry.msgid)][path.parts[-5]] = entry.msgstr
    allowed = {"Study campaigns"}  # the menu's short form and the app's long form
    clashes = {k[1]: v for k, v in seen.items() if len(set(v.values())) > 1 and k[1] not in allowed}
    assert clashes == {}
