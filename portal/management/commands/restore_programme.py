from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.management.commands.backup_programme import BackupError, restore_programme


class Command(BaseCommand):
    help = (
        "Restore a programme archive made by backup_programme into an empty, migrated "
        "database (run `manage.py migrate` first). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .zip written by backup_programme")

    def handle(self, *args, archive, **options):
        try:
            summary = restore_programme(Path(archive))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(summary.rows.values())} rows and {summary.files} files "
                f"from {archive}"
            )
        )
