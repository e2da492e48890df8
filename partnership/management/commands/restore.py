"""Restore a backup made by `manage.py backup` into the database DATABASE_URL names and into MEDIA_ROOT.

    DATABASE_URL=postgres://portal@db/portal_restored manage.py restore /var/backups/portal/2026-12-02

Every checksum is checked before anything changes. A target database with tables in it (or a
media folder with files) is refused unless --force is given, which replaces its contents.
Run `manage.py audit_verify` afterwards.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnership.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup folder into the database DATABASE_URL names and into MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup folder (with its manifest.json).")
        parser.add_argument(
            "--force", action="store_true", help="Replace what the target database and media folder already hold."
        )

    def handle(self, *args, source, force, **options):
        try:
            restored = backup_restore(Path(source), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {restored.engine} database {restored.database} and {restored.media_files} media files."
            )
        )
        self.stdout.write("Next: run manage.py audit_verify to check the audit trail came back whole.")
