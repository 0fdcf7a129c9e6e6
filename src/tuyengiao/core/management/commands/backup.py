"""``manage.py backup``: the database and the uploaded files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tuyengiao.core import backup


class Command(BaseCommand):
    help = "Write the database (pg_dump or an SQLite copy) and the uploaded files into one .tar archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, default=Path(settings.VAR_DIR) / "backups",
                            help="folder to write the archive into (default: var/backups)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup.backup(options["output"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.inspect(path)
        self.stdout.write(self.style.SUCCESS(
            f"{path} ({manifest.engine}, {manifest.media_files} uploaded files, {path.stat().st_size:,} bytes)"
        ))
