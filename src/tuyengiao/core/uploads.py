"""Uploaded files: refused by size before being read, typed by their bytes, never by their name."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext as _

from .exceptions import UserError
from .numbers import format_number

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
IMAGE_TYPES = {CONTENT_TYPES["png"], CONTENT_TYPES["jpeg"]}


def detect_content_type(data: bytes) -> str | None:
    """The type from the bytes themselves, never from the name or the browser's claim."""
    if data.startswith(b"%PDF-"):
        return CONTENT_TYPES["pdf"]
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return CONTENT_TYPES["png"]
    if data.startswith(b"\xff\xd8\xff"):
        return CONTENT_TYPES["jpeg"]
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return CONTENT_TYPES["docx"]
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return CONTENT_TYPES["xlsx"]
    return None


def _size_label(size: int) -> str:
    return f"{format_number(size / (1024 * 1024), 1)} MB"


def read_upload(upload: Any, *, allowed: set[str] | None = None, limit: int = MAX_UPLOAD_BYTES) -> tuple[bytes, str]:
    """The bytes and detected type of an upload, or a refusal naming the file and the reason."""
    name = getattr(upload, "name", "") or _("(no name)")
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise UserError(
            _("The file “%(name)s” is too large: %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": _size_label(size), "limit": _size_label(limit)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UserError(
            _("The file “%(name)s” is too large: over %(limit)s.") % {"name": name, "limit": _size_label(limit)}
        )
    if not data:
        raise UserError(_("The file “%(name)s” is empty.") % {"name": name})
    content_type = detect_content_type(data)
    accepted = allowed if allowed is not None else set(CONTENT_TYPES.values())
    if content_type is None or content_type not in accepted:
        if accepted == IMAGE_TYPES:
            reason = _("The file “%(name)s” is not a PNG or JPEG image (checked by its content).")
        else:
            reason = _("The file “%(name)s” is not a PDF, DOCX, XLSX, PNG or JPEG file (checked by its content).")
        raise UserError(reason % {"name": name})
    return data, content_type


def safe_original_name(name: str) -> str:
    """The name shown to readers: no path, no control characters, bounded length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "tep"
    return base[:200]


def remove_orphans(folder: str, referenced: Collection[str], older_than: dt.datetime) -> int:
    """Delete the stored files of ``folder`` no record refers to, last changed before ``older_than``
    (a file written by a request that failed afterwards); how many went. A file another sweep
    deleted meanwhile is skipped."""
    from django.core.files.storage import default_storage

    try:
        _folders, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{folder}/{name}"
        if path in referenced:
            continue
        try:
            modified = default_storage.get_modified_time(path)
        except FileNotFoundError:
            continue
        if modified < older_than:
            default_storage.delete(path)
            removed += 1
    return removed
