"""Back up the whole portal: the database (pg_dump -Fc, or a consistent SQLite copy) and the media folder.

    manage.py backup /var/backups/portal/2026-12-02

writes the folder with a manifest of sha256 checksums (partnership/backup.py says what is in it).
Restore it with `manage.py restore`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnership.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into a new folder, with a manifest of sha256 checksums."

    def add_arguments(self, parser):
        parser.add_argument("destination", help="A new (or empty) folder to write the backup into.")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup_create(Path(destination))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up the {manifest['engine']} database to {destination}."))
        for name, recorded in manifest["files"].items():
            self.stdout.write(f"{name}: {recorded['bytes']:,} bytes, sha256 {recorded['sha256']}")
        self.stdout.write(f"{manifest['media_files']} media files.")
