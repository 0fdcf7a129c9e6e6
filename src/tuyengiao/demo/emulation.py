"""Emulation records of the demo province "Long Sơn": practice models, exemplars, commendations, and a
writing contest judged by two judges and run to locked results with 06 A, 08 B, 13 C and 20
consolation prizes. The contest goes through the same services the pages use."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tuyengiao.emulation import services
from tuyengiao.emulation.models import (
    Commendation,
    CommendationForm,
    Contest,
    Entry,
    Exemplar,
    ExemplarKind,
    Issuer,
    ModelStatus,
    PracticeModel,
)
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Assignment, Unit

CONTEST_TITLE = "Cuộc thi viết về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm 2026"
QUOTAS = (6, 8, 13, 20)
ENTRIES = 85
JUDGES = (("giamkhao.mot", "Đỗ Văn Thành"), ("giamkhao.hai", "Vũ Thị Hạnh"))
PUBLISHED = (dt.date(2026, 5, 15), dt.time(9, 0))  # results published before the award ceremony
MODEL_NAMES = [
    "Dân vận khéo trong xây dựng nông thôn mới", "Chi bộ mẫu mực, đảng viên tiên phong",
    "Mỗi tuần một lời hay, ý đẹp",
    "Con đường hoa làm theo lời Bác", "Tủ sách Bác Hồ trong khu dân cư", "Thắp sáng đường quê",
    "Nghĩa tình đồng đội", "Phụ nữ làm theo Bác tiết kiệm vì người nghèo", "Thanh niên tình nguyện cuối tuần",
    "Một ngày không rác thải nhựa", "Góc học tập làm theo Bác ở trường học", "Cựu chiến binh giúp nhau làm kinh tế",
]
FIELDS = ["follow_ho", "follow_ho", "follow_ho", "culture", "study", "outreach"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hằng", "Văn Khải", "Thu Lan", "Đức Mạnh",
         "Thị Ngọc", "Hữu Phúc", "Thanh Tâm", "Văn Trọng"]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def _organiser(province: Unit) -> Any:
    """Someone allowed to run the province's contest: its unit admin, else a superuser."""
    User = get_user_model()
    assignment = Assignment.objects.filter(unit=province, role="unit_admin").select_related("user").first()
    if assignment is not None:
        return assignment.user
    return User.objects.filter(is_superuser=True).first()


def _judges() -> list[Any]:
    User = get_user_model()
    judges = []
    for username, full_name in JUDGES:
        user = User.objects.filter(username=username).first()
        if user is None:
            last, _, first = full_name.rpartition(" ")
            user = User(username=username, first_name=first, last_name=last)
            user.set_unusable_password()  # an administrator sets one before the judge signs in
            user.save()
        judges.append(user)
    return judges


def _records(province: Unit, communes: list[Unit], rng: random.Random) -> tuple[int, int, int]:
    models: list[PracticeModel] = []
    for index, commune in enumerate(communes):
        for n in range(rng.randint(2, 4)):
            # a model is started by a commune that exists: on or after the day it was formed
            started = max(commune.valid_from, dt.date(2024, 1, 1)) + dt.timedelta(days=(index * 37 + n * 113) % 480)
            models.append(PracticeModel(
                unit=commune,
                name=f"{MODEL_NAMES[(index + n) % len(MODEL_NAMES)]} – {commune.name.replace('Đảng bộ ', '')}",
                field=FIELDS[(index + n) % len(FIELDS)], started_on=started,
                status=ModelStatus.STOPPED if (index + n) % 11 == 0 else (
                    ModelStatus.REPLICATED if (index + n) % 5 == 0 else ModelStatus.ACTIVE),
                description="Mô hình do chi bộ, đoàn thể ở cơ sở đăng ký và duy trì; được đánh giá hằng năm.",
            ))
    models.append(PracticeModel(unit=province, name="Học tập và làm theo Bác trong cán bộ cơ quan Tỉnh ủy",
                                field="follow_ho", started_on=dt.date(2024, 5, 19), status=ModelStatus.REPLICATED))
    created = PracticeModel.objects.bulk_create(models)
    through = PracticeModel.replicated_to.through
    links = []
    for model in created:
        if model.status == ModelStatus.REPLICATED:
            for target in rng.sample(communes, 3):
                if target.pk != model.unit_id:
                    links.append(through(practicemodel_id=model.pk, unit_id=target.pk))
    through.objects.bulk_create(links)
    exemplars = []
    for index, commune in enumerate(communes):
        for n in range(rng.randint(1, 3)):
            collective = (index + n) % 4 == 0
            exemplars.append(Exemplar(
                unit=commune, kind=ExemplarKind.COLLECTIVE if collective else ExemplarKind.PERSON,
                name=f"Chi bộ thôn {n + 1} – {commune.name.replace('Đảng bộ ', '')}" if collective else _person(rng),
                achievement="Tiêu biểu trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
                honoured_on=dt.date(2026, 5, 19) if n == 0 else dt.date(2025, 12, 10),
            ))
    Exemplar.objects.bulk_create(exemplars)
    commendations = []
    for index, commune in enumerate(communes):
        if index % 2:
            continue
        commendations.append(Commendation(
            unit=province, form=CommendationForm.CERTIFICATE_OF_MERIT,
            issuer=Issuer.PEOPLES_COMMITTEE if index % 4 == 0 else Issuer.STANDING_COMMITTEE,
            recipient_unit=commune, awarded_on=dt.date(2026, 5, 19),
            reason="Có thành tích tiêu biểu trong học tập và làm theo Bác giai đoạn 2021–2026."))
        commendations.append(Commendation(
            unit=province, form=CommendationForm.CERTIFICATE_OF_COMMENDATION, issuer=Issuer.BOARD,
            recipient_name=_person(rng), awarded_on=dt.date(2026, 5, 19),
            reason="Có nhiều đóng góp trong công tác tuyên truyền ở cơ sở."))
    Commendation.objects.bulk_create(commendations)
    return len(created), len(exemplars), len(commendations)


def _contest(province: Unit, communes: list[Unit], rng: random.Random) -> Contest:
    organiser = _organiser(province)
    contest = services.save_record(organiser, Contest(
        unit=province, title=CONTEST_TITLE, year=2026,
        description="Bài viết về những tấm gương bình dị mà cao quý trong học tập và làm theo Bác.",
        quota_a=QUOTAS[0], quota_b=QUOTAS[1], quota_c=QUOTAS[2], quota_consolation=QUOTAS[3],
    ))
    assert isinstance(contest, Contest)
    final = services.add_round(organiser, contest, "Chung khảo")
    categories = [services.add_category(organiser, contest, name) for name in ("Bài viết", "Ký sự, phóng sự")]
    content = services.add_criterion(organiser, contest, "Nội dung, tư tưởng", Decimal(3), Decimal(0), Decimal(10))
    form = services.add_criterion(organiser, contest, "Hình thức, văn phong", Decimal(1), Decimal(0), Decimal(10))
    entries = [
        services.add_entry(organiser, contest, Entry(
            title=f"Bài dự thi số {n + 1:02d}: Làm theo Bác từ những việc nhỏ", authors=_person(rng),
            author_unit=communes[n % len(communes)], category=categories[n % 2],
            received_on=dt.date(2026, 3, 1) + dt.timedelta(days=n % 40),
        ))
        for n in range(ENTRIES)
    ]
    judges = _judges()
    for judge in judges:
        services.assign_judge(organiser, final, entries, judge)
    for entry in entries:
        base = rng.randint(50, 95) / 10
        for judge in judges:
            services.submit_scores(judge, final, entry, {
                content.pk: str(round(min(10, max(0, base + rng.choice([-0.5, 0, 0.5]))), 1)),
                form.pk: str(round(min(10, max(0, base + rng.choice([-1, -0.5, 0, 0.5]))), 1)),
            })
    services.close_round(organiser, final)
    services.confirm_prizes(organiser, contest, {row.entry.pk: g for row, g in services.preview_prizes(contest)})
    services.publish_results(organiser, contest)
    published = timezone.make_aware(dt.datetime.combine(*PUBLISHED))
    Contest.objects.filter(pk=contest.pk).update(prizes_confirmed_at=published, published_at=published)
    final.__class__.objects.filter(pk=final.pk).update(closed_at=published - dt.timedelta(days=5))
    return contest


def load(stdout: Any) -> None:
    province = Unit.objects.filter(code="LS").first()
    if province is None:
        return
    if Contest.objects.filter(unit=province, title=CONTEST_TITLE).exists():
        stdout.write("  thi đua, khen thưởng: đã có")
        return
    rng = random.Random(1905)
    communes = list(Unit.objects.current().filter(kind=UnitKind.COMMUNE, path__startswith=province.path)
                    .order_by("code"))
    with transaction.atomic(), disable_auditlog():
        models, exemplars, commendations = _records(province, communes, rng)
        contest = _contest(province, communes, rng)
    counts = services.prize_counts(contest)
    stdout.write(
        f"  thi đua, khen thưởng: {models} mô hình, {exemplars} điển hình, {commendations} khen thưởng, "
        f"1 cuộc thi ({services.prize_sentence(counts)})"
    )
