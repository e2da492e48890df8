"""Backup and restore, as a fault drill: publish a version (HTML and PDF), back up, restore into a NEW
database with `manage.py restore` in a process of its own, and compare the sha256 of every published HTML
and PDF read from the restored database with the originals. PostgreSQL (pg_dump -Fc) and SQLite (the
online backup API) each have their drill; restore's refusals change nothing."""

import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from reports.models import PdfState, PublishedReport
from reports.publishing import report_publish
from tests.reports.test_publishing import ready_outline, sign_all

ROOT = Path(__file__).resolve().parents[2]


def sha(data) -> str:
    return hashlib.sha256(bytes(data)).hexdigest()


def publish_version(world):
    """Version 1 with its PDF (transactional test: the on-commit PDF task runs, eagerly)."""
    ready_outline(world)
    sign_all(world)
    version = report_publish(user=world.users["business_manager"], period=world.period)
    version.refresh_from_db()
    assert version.pdf_state == PdfState.READY and version.pdf_data
    return {
        row.number: (sha(row.html_data), sha(row.pdf_data))
        for row in PublishedReport.objects.filter(period=world.period)
    }


def media_files(root: Path) -> dict:
    return {str(p.relative_to(root)): sha(p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()}


def restore(backup: Path, database_url: str, media_root: Path, *extra) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def check_backup_folder(backup: Path, dump_name: str) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    assert set(manifest["files"]) == {dump_name, "media.tar"}
    for name, recorded in manifest["files"].items():
        assert sha((backup / name).read_bytes()) == recorded["sha256"]


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_drill_restores_every_published_byte_into_a_new_database(world, tmp_path, settings):
    originals = publish_version(world)
    media_before = media_files(Path(settings.MEDIA_ROOT))
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    check_backup_folder(backup, "database.sqlite3")

    target, media = tmp_path / "restored" / "portal.sqlite3", tmp_path / "restored-media"
    result = restore(backup, f"sqlite:///{target}", media)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as restored:
        rows = restored.execute("SELECT number, html_data, pdf_data FROM reports_publishedreport").fetchall()
    assert {number: (sha(html), sha(pdf)) for number, html, pdf in rows} == originals
    assert media_files(media) == media_before

    again = restore(backup, f"sqlite:///{target}", tmp_path / "other-media")
    assert again.returncode != 0 and "already holds tables" in again.stderr


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_drill_restores_every_published_byte_into_a_new_database(world, tmp_path, settings):
    import psycopg2

    originals = publish_version(world)
    media_before = media_files(Path(settings.MEDIA_ROOT))
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    check_backup_folder(backup, "database.dump")

    db = django_settings.DATABASES["default"]
    params = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"] or None}
    name = f"portal_restore_drill_{secrets.token_hex(4)}"
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgres://{db['USER']}@{db['HOST']}:{params['port']}/{name}"
        media = tmp_path / "restored-media"
        result = restore(backup, url, media)
        assert result.returncode == 0, result.stderr
        restored = psycopg2.connect(dbname=name, **params)
        try:
            with restored.cursor() as cursor:
                cursor.execute("SELECT number, html_data, pdf_data FROM reports_publishedreport")
                rows = cursor.fetchall()
        finally:
            restored.close()
        assert {number: (sha(html), sha(pdf)) for number, html, pdf in rows} == originals
        assert media_files(media) == media_before

        again = restore(backup, url, tmp_path / "other-media")
        assert again.returncode != 0 and "already holds tables" in again.stderr
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_restore_checks_every_checksum_before_it_changes_anything(world, tmp_path, settings):
    (Path(settings.MEDIA_ROOT) / "logos").mkdir(parents=True)
    (Path(settings.MEDIA_ROOT) / "logos" / "logo.svg").write_text("<svg/>")
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    with tarfile.open(backup / "media.tar") as archive:
        assert archive.getnames() == ["logos/logo.svg"]
    tampered = bytearray((backup / "media.tar").read_bytes())
    tampered[600] ^= 0xFF
    (backup / "media.tar").write_bytes(bytes(tampered))
    target, media = tmp_path / "new.sqlite3", tmp_path / "new-media"
    url = f"sqlite:///{target}"
    if django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        url = "postgres://nobody@127.0.0.1:1/never"  # never reached: the checksum is checked first
    result = restore(backup, url, media)
    assert result.returncode != 0
    assert "media.tar does not match its sha256 in the manifest; nothing was restored." in result.stderr
    assert not target.exists() and not media.exists()


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="is not empty; name a new folder"):
        call_command("backup", str(tmp_path))


def test_restore_refuses_a_folder_that_is_no_backup(tmp_path):
    result = restore(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "m")
    assert result.returncode != 0 and "has no readable manifest.json" in result.stderr
