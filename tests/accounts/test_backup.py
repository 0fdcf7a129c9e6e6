"""``manage.py backup`` then ``restore`` on PostgreSQL: the restored database answers the same
analytics and the uploaded files come back."""

from __future__ import annotations

import io
import json
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.demo.test_reporting import small_province
from tuyengiao.demo import reporting as demo
from tuyengiao.org.models import Unit
from tuyengiao.reporting import aggregates, analytics
from tuyengiao.reporting.models import DataValue

CODES = ["TL_THAM_GIA_HOC_TAP", "TL_DANG_KY_LAM_THEO"]


def figures(province: Unit) -> dict[tuple[str, str, int], Decimal]:
    """Totals, rates and children rows over periods on both structures: what dashboards show."""
    elements = [e.code for e in demo_elements()]
    answers: dict[tuple[str, str, int], Decimal] = {}
    for mode in ("self", "children"):
        answers.update(analytics.table(analytics.values([*elements, *CODES], ["2024", "2024S1", "2025"], province,
                                                        mode)))
    return answers


def demo_elements() -> list:  # type: ignore[type-arg]
    from tuyengiao.reporting.models import DataElement

    return list(DataElement.objects.order_by("code")[:8])


@pytest.mark.django_db(transaction=True)
def test_a_restored_database_answers_the_same_analytics(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "documents").mkdir(parents=True)
    (tmp_path / "media" / "documents" / "nghi-quyet.pdf").write_bytes(b"%PDF-1.4 demo")
    province = small_province()
    demo.load(io.StringIO())
    before = figures(province)
    count = DataValue.objects.count()
    assert len(before) > 20 and any(v for v in before.values())

    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out)
    archive = next((tmp_path / "backups").glob("tuyengiao-*.tar"))
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "database.dump", "media/documents/nghi-quyet.pdf"} <= set(tar.getnames())

    # Things go wrong after the backup: figures deleted, a file lost, a stray file added.
    DataValue.objects.filter(period__startswith="2024").delete()
    aggregates.rebuild()  # the damage reaches every table, the roll-ups too
    (tmp_path / "media" / "documents" / "nghi-quyet.pdf").unlink()
    (tmp_path / "media" / "stray.txt").write_text("x")
    assert figures(province) != before

    call_command("restore", str(archive), interactive=False, stdout=io.StringIO())
    assert DataValue.objects.count() == count
    assert figures(Unit.objects.get(code="LS")) == before
    assert (tmp_path / "media" / "documents" / "nghi-quyet.pdf").read_bytes() == b"%PDF-1.4 demo"
    assert not (tmp_path / "media" / "stray.txt").exists()


@pytest.mark.django_db
def test_restore_asks_for_the_database_name_and_refuses_other_files(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as tar:
        info = tarfile.TarInfo("notes.txt")
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(CommandError, match=r"manifest\.json"):
        call_command("restore", str(bogus), interactive=False)
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.tar"), interactive=False)
    # A real archive still needs the database name typed before anything is replaced.
    archive = tmp_path / "only-manifest.tar"
    with tarfile.open(archive, "w") as tar:
        data = json.dumps({"format": 1, "created_at": "2026-01-01", "engine": "postgresql", "database": "x",
                           "media_files": 0}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    monkeypatch.setattr("builtins.input", lambda prompt: "some other name")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("restore", str(archive), stdout=io.StringIO())
