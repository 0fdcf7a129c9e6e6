"""A handbook world on top of the shared one: member records, a campaign with its document, a quiz."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import World, make_user
from tuyengiao.campaigns import services as campaigns
from tuyengiao.documents.models import Document
from tuyengiao.handbook.models import Member, Question, Quiz
from tuyengiao.org.choices import Role

SUMMARY = "Nghị quyết yêu cầu bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác quan điểm sai trái."


@dataclass
class Handbook:
    world: World
    member: Member
    neighbour: Member  # same cell, another login
    offline: Member  # same cell, no smartphone
    stranger: Member  # another commune's cell
    stranger_user: User
    document: Document
    other_document: Document
    campaign: campaigns.Campaign
    quiz: Quiz


def member_record(user: User | None, unit, name: str, phone: bool = True) -> Member:  # type: ignore[no-untyped-def]
    return Member.objects.create(user=user, unit=unit, full_name=name, birth_year=1980,
                                 joined_on=dt.date(2005, 5, 19), has_smartphone=phone)


def make_quiz(world: World, document: Document, **fields: object) -> Quiz:
    now = timezone.now()
    values: dict[str, object] = {"unit": world.province, "title": "Kiểm tra Nghị quyết 35", "document": document,
                                 "pass_mark": 50, "max_attempts": 2, "opens_at": now - dt.timedelta(days=1),
                                 "deadline": now + dt.timedelta(days=10)}
    values.update(fields)
    quiz = Quiz.objects.create(**values)
    q1 = Question.objects.create(quiz=quiz, text="Nghị quyết 35 bàn về điều gì?", position=0)
    q1.options.create(text="Bảo vệ nền tảng tư tưởng của Đảng", correct=True)
    q1.options.create(text="Phát triển nông nghiệp", correct=False)
    q2 = Question.objects.create(quiz=quiz, text="Chọn các việc đảng viên cần làm", multiple=True, position=1)
    q2.options.create(text="Học tập nghị quyết", correct=True)
    q2.options.create(text="Tuyên truyền trên mạng xã hội", correct=True)
    q2.options.create(text="Không làm gì", correct=False)
    return quiz


def right_answers(quiz: Quiz) -> dict[int, list[int]]:
    return {q.pk: [o.pk for o in q.options.all() if o.correct] for q in quiz.questions.all()}


def build_handbook(world: World) -> Handbook:
    today = timezone.localdate()
    document = Document.objects.create(kind="resolution", number="35", symbol="35-NQ/TW", issuer="politburo",
                                       issued_on=dt.date(2018, 10, 22), unit=world.province,
                                       title="Nghị quyết về tăng cường bảo vệ nền tảng tư tưởng của Đảng",
                                       summary=SUMMARY, body="<p>Toàn văn nghị quyết.</p>")
    other = Document.objects.create(kind="plan", number="12", symbol="12-KH/TU", issuer="provincial_committee",
                                    issued_on=today, unit=world.other_commune, title="Kế hoạch riêng của xã Tân Lập")
    campaign = campaigns.create_campaign(world.province_admin, campaigns.CampaignData(
        title="Học tập Nghị quyết 35", unit=world.province, scope=world.province,
        start=today - dt.timedelta(days=10), deadline=today + dt.timedelta(days=60), documents=[document]))
    stranger_user = make_user("stranger", world.other_cell, Role.VIEWER)
    neighbour_user = make_user("neighbour", world.cell, Role.VIEWER)
    return Handbook(
        world=world,
        member=member_record(world.member, world.cell, "Hoàng Minh Quân"),
        neighbour=member_record(neighbour_user, world.cell, "Lê Văn Tám"),
        offline=member_record(None, world.cell, "Nguyễn Thị Ổn", phone=False),
        stranger=member_record(stranger_user, world.other_cell, "Trần Văn Bắc"),
        stranger_user=stranger_user,
        document=document, other_document=other, campaign=campaign,
        quiz=make_quiz(world, document),
    )


def deliver(worker: bool = False) -> int:
    """Run the tasks queued on commit and due now (notices, drawings), as a worker would.

    ``worker``: the real ``db_worker`` (it closes the connection: only in transactional tests);
    otherwise each due row is claimed and run here, inside the test's transaction.
    """
    from django_tasks_db.models import DBTaskResult

    if worker:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        return 0
    ran = 0
    for job in DBTaskResult.objects.ready().order_by("run_after", "enqueued_at"):
        job.claim("test")
        job.set_successful(job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"]))
        ran += 1
    return ran
