"""``manage.py restore ARCHIVE``: put back a backup, replacing the database and uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tuyengiao.core import backup


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with those of a backup archive (asks first)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, help="a .tar written by manage.py backup")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="do not ask for the typed confirmation")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["archive"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            manifest = backup.inspect(path)
        except (backup.BackupError, OSError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        name = str(connections[options["database"]].settings_dict["NAME"])
        self.stdout.write(f"Backup of {manifest.created_at}: {manifest.engine}, {manifest.media_files} uploaded files.")
        if options["interactive"]:
            self.stdout.write(self.style.WARNING(f"This replaces every record in {name} and every uploaded file."))
            if input(f"Type the database name ({name}) to go on: ").strip() != name:
                raise CommandError("Not confirmed; nothing changed.")
        try:
            backup.restore(path, options["database"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {name}."))
