"""Print the Party document references found in a text file, one JSON object per line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from tuyengiao.documents.linking import resolve
from tuyengiao.documents.references import FoundReference, find_references


def _decode(data: bytes | str) -> str:
    """UTF-8 without a BOM; bytes are decoded as is so CRLF line ends keep their offsets."""
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                _("The file is not UTF-8 text (byte %(position)s).") % {"position": error.start}
            ) from error
    return data.removeprefix("\ufeff")


class Command(BaseCommand):
    help = (
        "Find references to Party documents in a UTF-8 text file (PATH, or - for standard input) "
        'and print one JSON object per reference: {"text", "start", "end", "kind", "number", '
        '"symbol", "issuer", "term", "date", "document_id"}.'
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="UTF-8 text file, or - for standard input")
        parser.add_argument(
            "--no-resolve", action="store_true", help="do not look the references up in the registry"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self._read(options["path"], options.get("stdin"))
        db_usable = not options["no_resolve"]
        for found in find_references(text):
            document_id = None
            if db_usable:
                try:
                    document = resolve(found)
                except DatabaseError:
                    db_usable = False  # no database, or not migrated: print without links
                    document = None
                document_id = document.pk if document is not None else None
            self.stdout.write(self._line(found, document_id))

    def _read(self, path: str, stdin: Any) -> str:
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin
            buffer = getattr(stream, "buffer", None)
            return _decode(buffer.read() if buffer is not None else stream.read())
        try:
            return _decode(Path(path).read_bytes())
        except OSError as error:
            raise CommandError(
                _("Cannot read the file %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
            ) from error

    @staticmethod
    def _line(found: FoundReference, document_id: int | None) -> str:
        data = found.as_json()
        data["document_id"] = document_id
        return json.dumps(data, ensure_ascii=False)
