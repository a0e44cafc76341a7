"""Validate content/ and write it to the database in one transaction."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guides.content import format as content_format
from guides.content import sync as content_io


class Command(BaseCommand):
    help = "Validate every file in content/, then write all of it in one transaction (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.CONTENT_DIR), help="content folder (default: content/)")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, but write nothing")

    def handle(self, *args, dir, dry_run, **options):
        try:
            report = content_io.load(dir, dry_run=dry_run)
        except content_format.ContentInvalid as exc:
            for error in exc.errors:
                self.stderr.write(f"error: {error}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {dir}; the database was not changed.") from exc
        names = [spec.name for spec in content_format.SPECS]
        width = max(map(len, names))
        self.stdout.write(f"{'':{width}}  created  updated  unchanged")
        for name in names:
            self.stdout.write(
                f"{name:{width}}  {report.created[name]:7}  {report.updated[name]:7}  {report.unchanged[name]:9}"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif report.changed:
            self.stdout.write(self.style.SUCCESS(f"Loaded: {report.changed} row(s) created or updated."))
        else:
            self.stdout.write("No changes: the database already matches content/.")
