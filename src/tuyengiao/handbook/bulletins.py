"""The monthly bulletin (Thông tin Tuyên giáo hằng tháng): composed by a board, published to its
subtree, and drawn as phone-sized PNG pages and a one-page PDF for the chat groups.

Text is normalised to NFC before drawing, and drawn with Liberation (full Vietnamese coverage), so a
letter like "ổ" is one glyph and never a vowel with a stray mark beside it.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from tuyengiao.core.exceptions import UserError
from tuyengiao.core.html import plain_text
from tuyengiao.core.numbers import format_number
from tuyengiao.core.periods import Period
from tuyengiao.core.tasks import enqueue_on_commit
from tuyengiao.org.choices import UnitKind
from tuyengiao.org.models import Unit

from .models import Bulletin, BulletinImage

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

FONT_DIR = "/usr/share/fonts/truetype/liberation2/"
WIDTH, HEIGHT = 1080, 1920  # a phone screen, portrait
A4 = (1240, 1754)  # 150 dpi
RED = (183, 28, 28)
INK = (33, 33, 33)

HEADLINES = [
    ("DV_SO_LUONG", "Đảng viên", "count"),
    ("ST_DV_HOAT_DONG/ST_DV_HO_SO", "Đảng viên dùng Sổ tay", "rate"),
    ("ST_VB_DOC_XONG", "Lượt đọc xong văn bản", "count"),
    ("ST_SH_CO_MAT/ST_SH_DIEM_DANH", "Dự sinh hoạt chi bộ", "rate"),
    ("ST_THI_DAT/ST_THI_LUOT", "Bài kiểm tra đạt", "rate"),
    ("ST_LTB_DANG_KY/ST_DV_HO_SO", "Đăng ký làm theo Bác", "rate"),
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def visible(user: User) -> QuerySet[Bulletin]:
    """Bulletins of the user's units and of the boards above them."""
    return Bulletin.objects.restrict(user, "view")


def composer_units(user: User) -> QuerySet[Unit]:
    """Units whose board may compose a bulletin: data entry or above, not a cell."""
    return Unit.objects.restrict(user, "enter").exclude(kind=UnitKind.CELL).filter(valid_to__isnull=True)


def headline_figures(unit: Unit, month: str) -> list[list[str]]:
    """The month's figures of the unit's subtree, from the analytics service (the dashboard's numbers)."""
    from tuyengiao.reporting import analytics

    period = Period.parse(month)
    codes = sorted({c for spec, _label, _kind in HEADLINES for c in spec.split("/")})
    found = {row.dx: row.value for row in analytics.values(codes, [period], unit)}
    shown = []
    for spec, label, kind in HEADLINES:
        if kind == "count":
            if found.get(spec) is not None:
                shown.append([label, format_number(found[spec])])
            continue
        top, bottom = spec.split("/")
        if found.get(bottom):
            value = (Decimal(found.get(top) or 0) * 100 / found[bottom]).quantize(Decimal("0.1"))
            shown.append([label, f"{format_number(value)}%"])
    return shown


def compose(user: User, unit: Unit, month: str, title: str, message: str,
            documents: Sequence[Any] = ()) -> Bulletin:
    if not composer_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied
    try:
        Period.parse(month)
    except ValueError as exc:
        raise UserError(_("Month: write it as 202603."), field="month") from exc
    title = plain_text(title)
    if not title:
        raise UserError(_("Heading: required."), field="title")
    with transaction.atomic():
        bulletin = Bulletin.objects.create(unit=unit, month=month, title=nfc(title), message=nfc(plain_text(message)),
                                           figures=headline_figures(unit, month))
        bulletin.documents.set(documents)
    return bulletin


def publish(user: User, bulletin: Bulletin) -> Bulletin:
    """Publish to the subtree: every member below gets it in the inbox; the images are drawn by a worker."""
    from .notices import announce_bulletin

    if not composer_units(user).filter(pk=bulletin.unit_id).exists():
        raise PermissionDenied
    if bulletin.published_at is not None:
        raise UserError(_("The bulletin is already published."))
    with transaction.atomic():
        bulletin.published_at = timezone.now()
        bulletin.save(update_fields=["published_at", "updated_at"])
        announce_bulletin(bulletin)
        enqueue_on_commit(render_bulletin_task, bulletin.pk)
    return bulletin


# --- drawing ---------------------------------------------------------------------------------


def _font(size: int, bold: bool = False) -> Any:
    from PIL import ImageFont

    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    return ImageFont.truetype(FONT_DIR + name, size)


def _wrap(draw: Any, text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in nfc(text).split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) <= width:
                line = trial
            else:
                if line:
                    lines.append(line)
                line = word
        lines.append(line)
    return lines


def _blocks(bulletin: Bulletin) -> list[tuple[str, str]]:
    """What the pages say, in order, as (style, text)."""
    period = Period.parse(bulletin.month)
    blocks = [("kicker", "THÔNG TIN TUYÊN GIÁO HẰNG THÁNG"), ("kicker", f"{bulletin.unit.name} · {period.label}"),
              ("title", bulletin.title)]
    if bulletin.figures:
        blocks.append(("heading", "Số liệu nổi bật"))
        blocks += [("figure", f"{label}: {value}") for label, value in bulletin.figures]
    if bulletin.message:
        blocks.append(("heading", "Thông điệp"))
        blocks.append(("text", bulletin.message))
    documents = list(bulletin.documents.all())
    if documents:
        blocks.append(("heading", "Văn bản cần đọc"))
        blocks += [("text", f"• {d.symbol + ' ' if d.symbol else ''}{d.title}") for d in documents]
    return blocks


STYLES = {"kicker": (34, False, RED), "title": (58, True, INK), "heading": (42, True, RED),
          "figure": (40, False, INK), "text": (36, False, INK)}


def _draw_pages(blocks: list[tuple[str, str]], size: tuple[int, int], scale: float = 1.0,
                one_page: bool = False) -> list[Any]:
    from PIL import Image, ImageDraw

    width, height = size
    margin = int(70 * scale)
    pages = []
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    y = margin
    for style, text in blocks:
        points, bold, colour = STYLES[style]
        font = _font(int(points * scale), bold)
        lines = _wrap(draw, text, font, width - 2 * margin)
        line_height = int(points * scale * 1.35)
        gap = int(points * scale * (0.8 if style in ("heading", "title") else 0.3))
        for line in lines:
            if y + line_height > height - margin and not one_page:
                pages.append(image)
                image = Image.new("RGB", size, "white")
                draw = ImageDraw.Draw(image)
                y = margin
            draw.text((margin, y), line, font=font, fill=colour)
            y += line_height
        y += gap
    draw.rectangle([0, height - int(16 * scale), width, height], fill=RED)
    pages.append(image)
    return pages


def render(bulletin: Bulletin) -> int:
    """Draw the PNG pages and the one-page PDF; returns the number of PNG pages."""
    blocks = _blocks(bulletin)
    pages = _draw_pages(blocks, (WIDTH, HEIGHT))
    a4 = _draw_pages(blocks, A4, scale=1.0, one_page=True)[0]
    with transaction.atomic():
        for old in bulletin.images.all():
            old.image.delete(save=False)
        bulletin.images.all().delete()
        for number, page in enumerate(pages, start=1):
            buffer = io.BytesIO()
            page.save(buffer, "PNG", optimize=True)
            item = BulletinImage(bulletin=bulletin, page=number)
            item.image.save(f"ban-tin-{bulletin.month}-{number}.png", ContentFile(buffer.getvalue()), save=False)
            item.save()
        buffer = io.BytesIO()
        a4.save(buffer, "PDF", resolution=150.0)
        if bulletin.pdf:
            bulletin.pdf.delete(save=False)
        bulletin.pdf.save(f"ban-tin-{bulletin.month}.pdf", ContentFile(buffer.getvalue()), save=False)
        bulletin.rendered_at = timezone.now()
        bulletin.save(update_fields=["pdf", "rendered_at", "updated_at"])
    return len(pages)


@task()
def render_bulletin_task(bulletin_id: int) -> int:
    bulletin = Bulletin.objects.filter(pk=bulletin_id).first()
    return render(bulletin) if bulletin is not None else 0
