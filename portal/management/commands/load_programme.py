from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.importing import ImportRejected
from portal.programme_loading import load_programme


class Command(BaseCommand):
    help = (
        "Load a programme directory (default: the bundled PSG 36 demo). All or nothing; "
        "running it twice duplicates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.DEMO_PROGRAMME_DIR))

    def handle(self, *args, directory, **options):
        path = Path(directory)
        try:
            summary = load_programme(path)
        except ImportRejected as rejected:
            lines = "\n".join(f"  - {problem}" for problem in rejected.problems)
            raise CommandError(
                f"Nothing was loaded from {path}; fix these rows:\n{lines}"
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Loaded programme from {path}"))
        for label, number in summary.items():
            self.stdout.write(f"  {label}: {number}")
