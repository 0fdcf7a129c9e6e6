"""Backup and restore of the whole installation: the database and the uploaded files.

One archive (``.tar``) holds ``manifest.json``, the database (``pg_dump`` custom format on
PostgreSQL, a consistent file copy on SQLite) and ``media/`` with every uploaded file.
Restore puts both back in place of what is there; the management commands ``backup`` and
``restore`` call these functions.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
DB_MEMBER = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    pass


@dataclass
class Manifest:
    format: int
    created_at: str
    engine: str
    database: str
    media_files: int

    @classmethod
    def read(cls, archive: tarfile.TarFile) -> Manifest:
        try:
            member = archive.extractfile("manifest.json")
        except KeyError:
            member = None
        if member is None:
            raise BackupError("manifest.json missing: not a backup of this application")
        data = json.loads(member.read().decode())
        if data.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {data.get('format')!r}")
        return cls(**data)


def _engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {vendor}")
    return vendor


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore, the password through the environment."""
    db = connections[alias].settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client)") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(destination: Path, alias: str = "default") -> Path:
    """Write one archive into ``destination`` (a folder) and return its path."""
    engine = _engine(alias)
    destination.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = destination / f"tuyengiao-{stamp}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="tuyengiao-backup-") as tmp:
        dump = Path(tmp) / DB_MEMBER[engine]
        if engine == "postgresql":
            args, env = _pg_args(alias)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump), *args], env)
        else:
            connections[alias].close()
            with sqlite3.connect(connections[alias].settings_dict["NAME"]) as source, sqlite3.connect(dump) as copy:
                source.backup(copy)
        files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.is_dir() else []
        manifest = Manifest(format=FORMAT, created_at=timezone.now().isoformat(), engine=engine,
                            database=str(connections[alias].settings_dict["NAME"]), media_files=len(files))
        partial = target.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest.__dict__, indent=2).encode())
            archive.add(dump, arcname=DB_MEMBER[engine])
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.rename(target)  # a backup folder never holds a half-written archive under the final name
    target.chmod(0o600)
    return target


def inspect(path: Path) -> Manifest:
    with tarfile.open(path, "r") as archive:
        return Manifest.read(archive)


def restore(path: Path, alias: str = "default") -> Manifest:
    """Replace the database and the uploaded files with those of the archive at ``path``."""
    engine = _engine(alias)
    with tarfile.open(path, "r") as archive, tempfile.TemporaryDirectory(prefix="tuyengiao-restore-") as tmp:
        manifest = Manifest.read(archive)
        if manifest.engine != engine:
            raise BackupError(f"the backup is of a {manifest.engine} database, this installation uses {engine}")
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(tmp, filter="data")
        dump = Path(tmp) / DB_MEMBER[engine]
        connections[alias].close()
        if engine == "postgresql":
            args, env = _pg_args(alias)
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                  "--exit-on-error", *args, str(dump)], env)
        else:
            with sqlite3.connect(dump) as source, sqlite3.connect(connections[alias].settings_dict["NAME"]) as live:
                source.backup(live)
        _replace_media(Path(tmp) / "media")
    return manifest


def _replace_media(source: Path) -> None:
    """Swap the uploaded files for the archive's; the old ones go only once the new are in place."""
    media_root = Path(settings.MEDIA_ROOT)
    aside = media_root.with_name(f"{media_root.name}.before-restore-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}")
    if media_root.exists():
        media_root.rename(aside)
    try:
        if source.is_dir():
            shutil.copytree(source, media_root)
        else:
            media_root.mkdir(parents=True)
    except BaseException:
        if aside.exists():
            shutil.rmtree(media_root, ignore_errors=True)
            aside.rename(media_root)
        raise
    if aside.exists():
        shutil.rmtree(aside)
