"""Backing up and restoring the whole portal: the database and the media folder.

A backup is a folder:

    manifest.json    what is in it: the database engine, when it was made, each file's sha256 and size
    database.dump    PostgreSQL: `pg_dump -Fc` (a consistent snapshot, restored with pg_restore)
    database.sqlite3 SQLite: a consistent copy made with sqlite3's online backup API
    media.tar        MEDIA_ROOT (logos, uploads, copies of published files)

Published reports keep their HTML and PDF bytes in the database, so the dump alone restores
every public page; media.tar brings back the rest of the uploads.

Restoring checks every checksum before it changes anything, refuses a target database (or
media folder) that already holds data unless `force` is given, and restores into the
database that settings name (DATABASE_URL), never anywhere else.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from lib.errors import DomainError

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(DomainError):
    """A backup could not be made, or a restore was refused; the message says what to do."""


@dataclass(frozen=True)
class Restored:
    engine: str
    database: str
    media_files: int


def _engine(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Backups cover PostgreSQL and SQLite only, not {engine}.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_args(database: dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump and pg_restore, and an environment carrying the password (never argv)."""
    args = []
    if database.get("HOST"):
        args += ["-h", str(database["HOST"])]
    if database.get("PORT"):
        args += ["-p", str(database["PORT"])]
    if database.get("USER"):
        args += ["-U", str(database["USER"])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-2000:]}")


def backup_create(destination: Path, *, alias: str = "default") -> dict:
    """Write a backup of the database `alias` and MEDIA_ROOT into `destination` (a new or empty folder)."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty; name a new folder for the backup.")
    destination.mkdir(parents=True, exist_ok=True)
    database = settings.DATABASES[alias]
    engine = _engine(database)
    dump = destination / DUMPS[engine]
    if engine == "postgresql":
        args, env = _pg_args(database)
        _run(["pg_dump", "-Fc", *args, "-f", str(dump), str(database["NAME"])], env, "pg_dump")
    else:
        connection = connections[alias]
        if connection.in_atomic_block:  # SQLite's backup would wait for this very transaction, for ever
            raise BackupError("Back up outside a transaction: run manage.py backup on its own.")
        connection.ensure_connection()
        target = sqlite3.connect(dump)
        try:
            connection.connection.backup(target)  # consistent even while others write
        finally:
            target.close()
    media_root = Path(settings.MEDIA_ROOT)
    media_files = 0
    with tarfile.open(destination / MEDIA, "w") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    media_files += 1
    manifest = {
        "format": FORMAT,
        "engine": engine,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "media_files": media_files,
        "files": {
            name: {"sha256": _sha256(destination / name), "bytes": (destination / name).stat().st_size}
            for name in (dump.name, MEDIA)
        },
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def backup_verify(source: Path) -> dict:
    """The backup's manifest, once every file it lists is present with its recorded sha256 and size."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} has no readable {MANIFEST}; is it a backup folder? ({error})") from None
    if manifest.get("format") != FORMAT or manifest.get("engine") not in DUMPS:
        raise BackupError(f"{source}/{MANIFEST} is not a backup manifest this portal can read.")
    expected = {DUMPS[manifest["engine"]], MEDIA}
    if set(manifest.get("files", {})) != expected:
        raise BackupError(f"{source}/{MANIFEST} should list {', '.join(sorted(expected))}; nothing was restored.")
    for name, recorded in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{path} is missing; nothing was restored.")
        if path.stat().st_size != recorded["bytes"] or _sha256(path) != recorded["sha256"]:
            raise BackupError(f"{path} does not match its sha256 in the manifest; nothing was restored.")
    return manifest


def _postgresql_is_empty(database: dict) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        return cursor.fetchone()[0] == 0


def _sqlite_is_empty(path: str) -> bool:
    if path == ":memory:" or not Path(path).exists():
        return True
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    finally:
        connection.close()


def backup_restore(source: Path, *, force: bool = False) -> Restored:
    """Restore a backup into the database settings name (DATABASE_URL) and into MEDIA_ROOT.

    Checks every checksum first; refuses a target that holds data unless `force`; changes nothing
    when it refuses.
    """
    source = Path(source)
    manifest = backup_verify(source)
    database = settings.DATABASES["default"]
    engine = _engine(database)
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database, and DATABASE_URL names a {engine} one; "
            "point DATABASE_URL at a database of the same kind."
        )
    name = str(database["NAME"])
    media_root = Path(settings.MEDIA_ROOT)
    if not force:
        empty = _postgresql_is_empty(database) if engine == "postgresql" else _sqlite_is_empty(name)
        if not empty:
            raise BackupError(
                f"The database {name} already holds tables; restore into a new, empty database, or give "
                "--force to replace everything in it."
            )
        if media_root.is_dir() and any(media_root.iterdir()):
            raise BackupError(
                f"The media folder {media_root} is not empty; point DJANGO_MEDIA_ROOT at an empty folder, or give "
                "--force to overwrite the files in it."
            )
    connections.close_all()
    dump = source / DUMPS[engine]
    if engine == "postgresql":
        args, env = _pg_args(database)
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            ["pg_restore", *args, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
             *clean, "-d", name, str(dump)],
            env, "pg_restore",
        )  # fmt: skip
    else:
        if name == ":memory:":
            raise BackupError("DATABASE_URL names an in-memory SQLite database; name a file to restore into.")
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        backup, target = sqlite3.connect(dump), sqlite3.connect(name)
        try:
            backup.backup(target)  # replaces the whole target, in one step
        finally:
            backup.close()
            target.close()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA) as archive:
        members = archive.getmembers()
        archive.extractall(media_root, filter="data")  # no absolute paths, no .., no devices
    return Restored(engine=engine, database=name, media_files=sum(1 for m in members if m.isfile()))
