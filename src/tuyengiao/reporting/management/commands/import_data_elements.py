"""Import or update the catalogue of data elements from a CSV or XLSX file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tuyengiao.core.exceptions import ImportRejected, UserError
from tuyengiao.reporting.catalogue import import_elements


class Command(BaseCommand):
    help = (
        "Create or update data elements from CSV/XLSX with columns code, name, value_type, aggregation, "
        "work_field, zero_is_significant, description (Vietnamese headers accepted). All or nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            created, updated = import_elements(path.read_bytes(), path.name)
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(exc.message) from exc
        except (UserError, OSError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self.stdout.write(self.style.SUCCESS(f"{created} mới, {updated} cập nhật"))
