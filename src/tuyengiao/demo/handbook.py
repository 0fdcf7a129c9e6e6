"""Demo handbook: every member of the first cells of the demo commune as an account, a year of reading,
cell meetings, quizzes and commitments at realistic rates, three monthly bulletins, and the demo member
``dangvien`` with something to do today. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tuyengiao.campaigns.models import Audience, Campaign
from tuyengiao.core.exceptions import UserError
from tuyengiao.documents.models import Document
from tuyengiao.events.models import Event, EventKind
from tuyengiao.events.services import delete_event
from tuyengiao.handbook import bulletins, notices, services
from tuyengiao.handbook.models import (
    Attempt,
    Attendance,
    Commitment,
    InboxItem,
    InboxKind,
    Meeting,
    MeetingKind,
    Member,
    PointAction,
    Question,
    Quiz,
    Reading,
)
from tuyengiao.org.choices import Role, UnitKind
from tuyengiao.org.models import Assignment, Unit

FIRST_CELL = "LS.XM01.C01"  # the cell of the demo member and secretary
CELLS = 3
PASSWORD = "TuyenGiao@2025"  # noqa: S105 - the printed demo password, as in org.demo
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quốc", "Ngọc", "Thanh", "Hữu", "Thị Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hằng", "Hiếu", "Hoa", "Hùng", "Lan", "Linh", "Long",
         "Mai", "Minh", "Nam", "Nga", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Yến"]
COMMITMENTS = [
    "Gương mẫu chấp hành chủ trương của Đảng, chính sách, pháp luật của Nhà nước; tham gia đầy đủ sinh hoạt chi bộ.",
    "Rèn luyện đạo đức, lối sống giản dị, tiết kiệm; giúp đỡ hai hộ khó khăn trong thôn phát triển kinh tế.",
    "Tích cực tuyên truyền Nghị quyết 35-NQ/TW trên mạng xã hội; mỗi tháng chia sẻ ít nhất hai bài viết tích cực.",
    "Hoàn thành tốt nhiệm vụ được giao; tham gia vệ sinh môi trường, xây dựng khu dân cư văn minh.",
]
QUESTIONS = [
    ("Nghị quyết 35-NQ/TW bàn về nội dung nào?", ["Bảo vệ nền tảng tư tưởng của Đảng", "Phát triển nông nghiệp",
                                                  "Cải cách tiền lương"], {0}),
    ("Đảng viên cần làm gì trước thông tin sai trái trên mạng?", ["Chia sẻ ngay", "Không đọc, không bình luận, "
     "báo cho chi bộ", "Tranh luận gay gắt"], {1}),
    ("Những việc nào là trách nhiệm của đảng viên?", ["Học tập nghị quyết", "Tham gia sinh hoạt chi bộ",
                                                       "Bỏ sinh hoạt khi bận"], {0, 1}),
    ("Chuyên đề năm 2026 gắn với nội dung nào?", ["Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
                                                  "Kinh tế tư nhân"], {0}),
    ("Sinh hoạt chi bộ thường kỳ diễn ra bao lâu một lần?", ["Mỗi tháng một lần", "Mỗi năm một lần"], {0}),
]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _at(day: dt.date, hour: int = 19, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _members(rng: random.Random, cell: Unit, hashed: str) -> list[Member]:
    """The cell's members as records (its figure as entered), most with an account."""
    UserModel = get_user_model()
    count = max(cell.member_count, 12)
    known = {"LS.XM01.C01": [("chibo.bithu", "Phạm Văn Nam", "Bí thư chi bộ"), ("dangvien", "Hoàng Minh Quân", "")]}
    members: list[Member] = []
    for username, full_name, position in known.get(cell.code, []):
        user = UserModel.objects.filter(username=username).first()
        members.append(Member.objects.create(user=user, unit=cell, full_name=full_name, birth_year=1978,
                                             joined_on=dt.date(2004, 2, 3), full_member_on=dt.date(2005, 2, 3),
                                             position=position))
    users = []
    pending = []
    for i in range(count - len(members)):
        phone = rng.random() > 0.15  # about one in seven without a smartphone
        name = _name(rng)
        joined = dt.date(rng.randint(1975, 2024), rng.randint(1, 12), rng.randint(1, 28))
        birth = min(joined.year - 18 - rng.randint(0, 20), 2004)
        account = None
        if phone:
            account = UserModel(username=f"dv.{cell.code.lower().replace('.', '')}.{i + 1:02d}", password=hashed,
                                first_name=name.rpartition(" ")[2], last_name=name.rpartition(" ")[0])
            users.append(account)
        pending.append((account, name, birth, joined, phone))
    UserModel.objects.bulk_create(users)
    created = {u.username: u for u in UserModel.objects.filter(username__in=[u.username for u in users])}
    Assignment.objects.bulk_create([Assignment(user=u, unit=cell, role=Role.VIEWER) for u in created.values()])
    records = [Member(user=created[a.username] if a else None, unit=cell, full_name=name, birth_year=birth,
                      joined_on=joined, full_member_on=joined + dt.timedelta(days=365), has_smartphone=phone)
               for a, name, birth, joined, phone in pending]
    members += Member.objects.bulk_create(records)
    return members


def _quiz(unit: Unit, document: Document | None, title: str, opens: dt.date, deadline: dt.date) -> Quiz:
    quiz = Quiz.objects.create(unit=unit, title=title, document=document, pass_mark=60, max_attempts=3,
                               opens_at=_at(opens, 7, 0), deadline=_at(deadline, 23, 0))
    for position, (text, options, right) in enumerate(QUESTIONS):
        question = Question.objects.create(quiz=quiz, text=text, multiple=len(right) > 1, position=position)
        for i, option in enumerate(options):
            question.options.create(text=option, correct=i in right)
    return quiz


def _stamp(model: Any, pk: int, when: dt.datetime) -> None:
    model.objects.filter(pk=pk).update(created_at=when)


def load(stdout: Any) -> None:
    if Member.objects.filter(user__username="dangvien").exists():
        stdout.write("  sổ tay đảng viên: đã có, bỏ qua")
        return
    first = Unit.objects.filter(code=FIRST_CELL).first()
    if first is None or first.parent is None:
        stdout.write("  sổ tay đảng viên: chưa có chi bộ mẫu, bỏ qua")
        return
    neighbours = (Unit.objects.current().filter(kind=UnitKind.CELL, path__startswith=first.parent.path)
                  .exclude(pk=first.pk).order_by("code")[:CELLS - 1])
    cells = [first, *neighbours]
    if not cells:
        stdout.write("  sổ tay đảng viên: chưa có chi bộ mẫu, bỏ qua")
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    start = today.replace(day=1) - dt.timedelta(days=335)
    province = cells[0]
    while province.parent_id is not None:
        province = province.parent
    UserModel = get_user_model()
    secretary = UserModel.objects.filter(username="chibo.bithu").first()
    admin = UserModel.objects.filter(username="tinh.quantri").first()
    hashed = make_password(PASSWORD)
    with disable_auditlog(), transaction.atomic():
        by_cell = {cell.pk: _members(rng, cell, hashed) for cell in cells}
        services.recount_members(by_cell)
        every = [m for members in by_cell.values() for m in members]
        documents = list(Document.objects.filter(campaigns__scope__path__in=services._paths_up(cells[0]))
                         .distinct().order_by("-issued_on")[:8])
        campaign = (Campaign.objects.filter(scope__path__in=services._paths_up(cells[0]), audience=Audience.ALL_MEMBERS,
                                            start__lte=today).order_by("-start").first())

        # A year of reading: about four in five members open each document, most finish it.
        readings = []
        for member in every:
            for document in documents:
                if rng.random() > (0.85 if member.has_smartphone else 0.6):
                    continue
                day = start + dt.timedelta(days=rng.randint(0, (today - start).days - 1))
                opened = _at(day, 20, rng.randint(0, 59))
                finished = rng.random() < 0.82
                readings.append(Reading(member=member, document=document, opened_at=opened,
                                        seconds=rng.randint(90, 900) if finished else rng.randint(10, 50),
                                        finished_at=opened + dt.timedelta(minutes=10) if finished else None,
                                        by_secretary=not member.has_smartphone))
        Reading.objects.bulk_create(readings)
        for reading in readings:
            if reading.finished_at:
                services.award(reading.member, PointAction.DOCUMENT_FINISHED, f"doc:{reading.document_id}",
                               on=timezone.localdate(reading.finished_at))

        # Monthly cell meetings over the year; the secretary records attendance.
        for cell in cells:
            members = by_cell[cell.pk]
            day = start
            while day < today.replace(day=1):
                meeting = Meeting.objects.create(unit=cell, kind=MeetingKind.MONTHLY,
                                                 title=f"Sinh hoạt chi bộ thường kỳ tháng {day.month}/{day.year}",
                                                 start=_at(day.replace(day=5)), venue="Nhà văn hóa thôn",
                                                 agenda="Đánh giá kết quả tháng; học tập chuyên đề; "
                                                 "nhiệm vụ tháng tới.",
                                                 minutes="Chi bộ thống nhất các nhiệm vụ trọng tâm của tháng tới.")
                rows = []
                for member in members:
                    roll = rng.random()
                    presence = "present" if roll < 0.9 else ("excused" if roll < 0.97 else "absent")
                    rows.append(Attendance(meeting=meeting, member=member, presence=presence,
                                           reply="yes" if presence == "present" else "no",
                                           reason="Đi làm ăn xa" if presence == "excused" else "",
                                           by_secretary=not member.has_smartphone))
                    if presence == "present":
                        services.award(member, PointAction.MEETING_ATTENDED, f"meeting:{meeting.pk}",
                                       on=meeting.start.date())
                Attendance.objects.bulk_create(rows)
                day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        # The meeting held during the year's campaign was the first cell's study session for it: through the
        # services, so it counts for the campaign in place of the session entered before the cell kept records.
        if campaign is not None and secretary is not None:
            held = Meeting.objects.filter(unit=cells[0])
            during = (held.filter(start__date__gte=campaign.start, start__date__lte=campaign.deadline).order_by("start")
                      .first() or held.order_by("-start").first())
            if during is not None:
                for session in Event.objects.filter(unit=cells[0], campaign=campaign, kind=EventKind.STUDY_SESSION):
                    delete_event(secretary, session)
                during.kind = MeetingKind.THEMATIC
                during.save()
                during.campaigns.set([campaign])
                marks: dict[int, str] = dict(during.attendances.values_list("member_id", "presence"))
                try:
                    with transaction.atomic():
                        services.record_attendance(secretary, during, marks)
                except UserError as exc:
                    stdout.write(f"  sổ tay đảng viên: buổi sinh hoạt chưa tính cho đợt học tập ({exc.message})")

        # Quizzes: two closed this year, one open now.
        main = documents[0] if documents else None
        closed = [_quiz(province, main, "Tìm hiểu Nghị quyết 35-NQ/TW", start + dt.timedelta(days=60),
                        start + dt.timedelta(days=90)),
                  _quiz(province, main, "Tìm hiểu chuyên đề năm", start + dt.timedelta(days=200),
                        start + dt.timedelta(days=230))]
        for quiz in closed:
            layout = [[q.pk, list(q.options.values_list("pk", flat=True))] for q in quiz.questions.all()]
            for member in every:
                if rng.random() > (0.8 if member.has_smartphone else 0.5):
                    continue
                when = quiz.opens_at + dt.timedelta(days=rng.randint(0, 25), hours=2)
                score = rng.choice([40, 60, 80, 80, 100, 100])
                Attempt.objects.create(quiz=quiz, member=member, started_at=when, submitted_at=when, layout=layout,
                                       score=score, passed=score >= quiz.pass_mark,
                                       by_secretary=not member.has_smartphone)
                if score >= quiz.pass_mark:
                    services.award(member, PointAction.QUIZ_PASSED, f"quiz:{quiz.pk}", on=when.date())
        current = _quiz(province, main, "Thi tìm hiểu 96 năm Ngày thành lập Đảng", today - dt.timedelta(days=3),
                        today + dt.timedelta(days=25))

        # Commitments: nearly everyone registers early in the year, most assess, the secretary confirms.
        for member in every:
            if member.user is not None and member.user.username == "dangvien":
                continue
            if rng.random() > 0.97:
                continue
            when = _at(dt.date(today.year, 1, 1) + dt.timedelta(days=rng.randint(5, 50)))
            completed = rng.random() < 0.95
            commitment = Commitment.objects.create(
                member=member, year=today.year, text=rng.choice(COMMITMENTS), by_secretary=not member.has_smartphone,
                mid_year="Đã thực hiện đúng tiến độ." if today.month >= 7 else "",
                year_end="Hoàn thành tốt cam kết." if today.month >= 12 and completed else "",
                completed=completed if today.month >= 12 else None)
            _stamp(Commitment, commitment.pk, when)
            services.award(member, PointAction.COMMITMENT_REGISTERED, f"commit:{today.year}", on=when.date())
        if secretary is not None:
            for commitment in Commitment.objects.filter(member__unit=cells[0], completed=True).exclude(
                    member__user=secretary)[:10]:
                services.confirm_commitment(secretary, commitment)

        # Something to do for the demo member today: a meeting to answer, the open quiz, unread documents.
        upcoming = Meeting(unit=cells[0], kind=MeetingKind.THEMATIC,
                           title="Sinh hoạt chuyên đề: học tập và làm theo Bác năm 2026",
                           start=_at(today + dt.timedelta(days=6)), venue="Nhà văn hóa thôn",
                           agenda="Quán triệt chuyên đề năm; đăng ký làm theo Bác; kiểm điểm cuối năm.")
        if secretary is not None:
            services.schedule_meeting(secretary, upcoming, documents[:2], [campaign] if campaign else [])
            notices.meeting_task.call(upcoming.pk)  # the invitation at once, without waiting for a worker
        services.notify(every, InboxKind.QUIZ, current.title, current.get_absolute_url())
        for member in every:
            _stamp(Member, member.pk, _at(start))
        InboxItem.objects.filter(member__in=[m for m in every if m.user_id is None]).update(read_at=timezone.now())

    # Three monthly bulletins of the province, drawn as images.
    if admin is not None:
        for back in (3, 2, 1):
            month = (today.replace(day=1) - dt.timedelta(days=28 * back)).strftime("%Y%m")
            bulletin = bulletins.compose(
                admin, province, month, f"Thông tin Tuyên giáo tháng {int(month[4:])}/{month[:4]}",
                "Các chi bộ tiếp tục học tập, quán triệt Nghị quyết 35-NQ/TW; đẩy mạnh học tập và làm theo "
                "tư tưởng, đạo đức, phong cách Hồ Chí Minh; ghi nhận thay cho đảng viên không có điện thoại.",
                documents[:2])
            with transaction.atomic():
                bulletins.publish(admin, bulletin)
            bulletins.render(bulletin)
    stdout.write(f"  sổ tay đảng viên: {Member.objects.count()} đảng viên ở {len(cells)} chi bộ, "
                 f"{Reading.objects.count()} lượt đọc, {Meeting.objects.count()} buổi sinh hoạt, "
                 f"{Attempt.objects.count()} lượt kiểm tra, {Commitment.objects.count()} cam kết")
