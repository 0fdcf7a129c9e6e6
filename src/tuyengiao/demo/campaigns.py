"""Study campaigns over the registry with realistic participation: 90–99%, a few lagging communes.

The cells of the demo commune LS.XM01 report through study sessions, so its figures come from
events; the other cells' figures are entered directly.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from tuyengiao.campaigns.models import Audience, Campaign, CampaignParticipation, Source
from tuyengiao.campaigns.services import cells_in, recount_from_events, sync_cells
from tuyengiao.documents.models import Document
from tuyengiao.events.models import Event, EventFormat, EventKind
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit

from . import org

D = dt.date

# title, documents (symbols or titles), start, deadline, target, audience, completeness
CAMPAIGNS = [
    (
        "Học tập chuyên đề năm 2022 về học tập và làm theo Bác",
        [
            "Chuyên đề năm 2022: học tập và làm theo Bác về xây dựng văn hóa và con người Việt Nam",
            "05-HD/BTGTU",
        ],
        D(2022, 3, 20),
        D(2022, 6, 30),
        Decimal(95),
        Audience.ALL_MEMBERS,
        "done",
    ),
    (
        "Học tập chuyên đề năm 2023 và Kết luận 01-KL/TW",
        [
            "Chuyên đề năm 2023: học tập và làm theo Bác về tinh thần đoàn kết, tự lực, tự cường",
            "01-KL/TW",
            "10-HD/BTGTU",
        ],
        D(2023, 3, 1),
        D(2023, 6, 30),
        Decimal(95),
        Audience.ALL_MEMBERS,
        "done",
    ),
    (
        "Học tập, quán triệt Nghị quyết 35-NQ/TW và các văn bản về bảo vệ nền tảng tư tưởng năm 2026",
        ["35-NQ/TW", "10-HD/BTGDVTU", "18-HD/BTGDVTU"],
        D(2026, 3, 1),
        D(2026, 5, 31),
        Decimal(95),
        Audience.ALL_MEMBERS,
        "laggards",
    ),
    (
        "Quán triệt Nghị quyết 23-NQ/TW về văn học, nghệ thuật cho cán bộ chủ chốt",
        ["23-NQ/TW"],
        D(2026, 10, 15),
        D(2027, 1, 31),
        Decimal(98),
        Audience.KEY_CADRES,
        "open",
    ),
]


def _documents(province: Unit, keys: list[str]) -> list[Document]:
    found = []
    for key in keys:
        doc = (
            Document.objects.filter(unit=province, symbol=key).first()
            or Document.objects.filter(unit=province, title=key).first()
        )
        if doc:
            found.append(doc)
    return found


def _fill(campaign: Campaign, mode: str, rng: random.Random, skip_commune: str) -> None:
    rows = list(campaign.participations.select_related("unit").exclude(unit__path__startswith=skip_commune))
    communes = {
        u.pk: u
        for u in Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=campaign.scope.path)
    }
    commune_of: dict[int, int | None] = {}
    for row in rows:
        ids = row.unit.ancestor_ids
        commune_of[row.pk] = next((i for i in reversed(ids) if i in communes), None)
    ordered = sorted(communes)
    lagging = set(ordered[5:8]) if mode == "laggards" else set()
    late = set(ordered[10:11]) if mode == "laggards" else set()
    rates = {pk: rng.uniform(0.955, 0.99) for pk in ordered}
    for pk in lagging:
        rates[pk] = rng.uniform(0.86, 0.9)
    reported_on = campaign.deadline - dt.timedelta(days=10)
    changed = []
    for index, row in enumerate(rows):
        commune = commune_of[row.pk]
        if mode == "open" and index % 3:
            continue  # two cells in three have not reported yet
        if commune in late and index % 4 == 0:
            continue  # not reported by the deadline
        rate = rates.get(commune, 0.97) if commune is not None else 0.97
        if row.expected is None:  # a key-cadre campaign: the cell types how many it has
            row.expected = max(1, row.unit.member_count // 5)
        row.attended = min(row.expected, round(row.expected * rate))
        row.source = Source.DIRECT
        row.reported_on = reported_on if mode != "open" else campaign.start + dt.timedelta(days=10)
        changed.append(row)
    fields = ["expected", "attended", "source", "reported_on"]
    CampaignParticipation.objects.bulk_update(changed, fields, batch_size=500)


def _sessions(campaign: Campaign, commune: Unit, rng: random.Random) -> int:
    """Study sessions held by each cell of the commune, counted into the campaign at once."""
    cells = list(cells_in(commune).order_by("code"))
    count = 0
    for n, cell in enumerate(cells):
        row = campaign.participations.filter(unit=cell).first()
        if row is None or not row.expected:
            continue
        day = campaign.start + dt.timedelta(days=7 + n % 30)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(19, 30)))
        present = max(0, row.expected - rng.randint(0, max(1, row.expected // 15)))
        event = Event.objects.create(
            unit=cell,
            kind=EventKind.STUDY_SESSION,
            campaign=campaign,
            title=f"Sinh hoạt chuyên đề – {cell.name}",
            start=start,
            end=start + dt.timedelta(hours=2),
            format=EventFormat.HYBRID if n % 5 == 0 else EventFormat.IN_PERSON,
            connected_sites=1 if n % 5 == 0 else 0,
            venue=f"Nhà văn hóa {cell.name.replace('Chi bộ ', '')}",
            presenters="Bí thư chi bộ",
            expected_attendees=row.expected,
            present_attendees=present,
        )
        event.documents.set(campaign.documents.all())
        recount_from_events(campaign, cell)
        count += 1
    return count


def load(stdout: Any) -> None:
    province = org.loaded_province()
    if province is None:
        return
    if Campaign.objects.filter(unit=province, title=CAMPAIGNS[0][0]).exists():
        stdout.write("  đợt học tập: đã có")
        return
    rng = random.Random(35)
    demo_commune = Unit.objects.filter(code="LS.XM01").first()
    skip = demo_commune.path if demo_commune else "/none/"
    sessions = 0
    with transaction.atomic(), disable_auditlog():
        for title, keys, start, deadline, target, audience, mode in CAMPAIGNS:
            campaign = Campaign.objects.create(
                title=title,
                unit=province,
                scope=province,
                start=start,
                deadline=deadline,
                target_rate=target,
                audience=audience,
            )
            campaign.documents.set(_documents(province, keys))
            sync_cells(campaign)
            _fill(campaign, mode, rng, skip if mode in ("laggards", "open") else "/none/")
            if demo_commune and mode in ("laggards", "open"):
                sessions += _sessions(campaign, demo_commune, rng)
    stdout.write(f"  đợt học tập: {len(CAMPAIGNS)}, buổi sinh hoạt chi bộ: {sessions}")
