"""Write a unit's review for a period as Word or PDF, through the same service as the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tuyengiao.core.exceptions import UserError
from tuyengiao.org.models import Unit


class Command(BaseCommand):
    help = ("Render the review of UNIT_CODE for PERIOD (2025S1 or 2025) as docx or pdf; a missing review is"
            " drafted from the figures first (not saved unless --save).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("unit_code")
        parser.add_argument("period")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("--output", required=True, help="file to write")
        parser.add_argument("--save", action="store_true", help="keep a drafted review")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings
        from django.utils import translation

        with translation.override(settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        from django.db import transaction

        from tuyengiao.reviews import render, services
        from tuyengiao.reviews.models import Review

        unit = Unit.objects.filter(code=options["unit_code"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {options['unit_code']}")
        try:
            period = services.parse_period(options["period"])
            review = Review.objects.filter(unit=unit, period=period.code).first()
            if review is None:
                user = get_user_model().objects.filter(is_superuser=True).first()
                with transaction.atomic():
                    sid = transaction.savepoint()
                    review = services.create(_Everyone(user), unit, period.code)
                    if not options["save"]:
                        data = render.render(review, options["format"])
                        transaction.savepoint_rollback(sid)
                        self._write(options["output"], data)
                        return
            data = render.render(review, options["format"])
        except UserError as exc:
            raise CommandError(exc.message) from exc
        self._write(options["output"], data)

    def _write(self, output: str, data: bytes) -> None:
        Path(output).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"{output} ({len(data):,} bytes)"))


class _Everyone:
    """The command runs as the operator of the server: every unit, every action."""

    is_authenticated = True
    is_superuser = True
    is_active = True
    pk = None

    def __init__(self, user: Any) -> None:
        self.user = user
