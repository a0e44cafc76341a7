"""Write the database back to content/ in the loader's format, never overwriting unloaded work in git."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guides.content.export import ExportRefused, export


class Command(BaseCommand):
    help = (
        "Export all content to a folder (default: content/) in the format loadcontent reads. Into content/, "
        "a record changed or added there since the last sync stops the export (nothing is written)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.CONTENT_DIR), help="target folder (default: content/)")
        parser.add_argument(
            "--prefer", choices=("database",), help="write the database's version over unloaded changes in content/"
        )

    def handle(self, *args, dir, prefer, **options):
        try:
            report = export(dir, prefer=prefer)
        except ExportRefused as exc:
            for error in exc.errors:
                self.stderr.write(f"error: {error}")
            raise CommandError(f"{len(exc.errors)} problem(s); nothing was written to {dir}.") from exc
        self.stdout.write(f"Exported {len(report.written)} file(s) to {dir} ({report.changed} changed).")
