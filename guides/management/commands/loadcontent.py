"""Validate content/ and sync it into the database in one transaction, never overwriting an admin edit."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guides.content.format import SPECS, ContentInvalid
from guides.content.sync import ACTIONS, ContentConflict, load
from guides.editorial import quality


class Command(BaseCommand):
    help = (
        "Validate every file in content/, then sync it into the database in one transaction: take what changed "
        "in the files, keep what was edited in admin, and stop on records changed on both sides."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.CONTENT_DIR), help="content folder (default: content/)")
        parser.add_argument("--dry-run", action="store_true", help="validate and decide, but write nothing")
        parser.add_argument(
            "--prefer",
            choices=("files", "database"),
            help="settle conflicts: take the files' version, or keep the database's",
        )

    def handle(self, *args, dir, dry_run, prefer, **options):
        try:
            report = load(dir, dry_run=dry_run, prefer=prefer)
        except (ContentInvalid, ContentConflict) as exc:
            for error in exc.errors:
                self.stderr.write(f"error: {error}")
            hint = " Settle them with --prefer files or --prefer database." if isinstance(exc, ContentConflict) else ""
            raise CommandError(f"{len(exc.errors)} problem(s) in {dir}; the database was not changed.{hint}") from exc
        names = [spec.name for spec in SPECS]
        width = max(map(len, names))
        self.stdout.write(f"{'':{width}}  " + "  ".join(f"{a:>9}" for a in ACTIONS))
        for name in names:
            self.stdout.write(f"{name:{width}}  " + "  ".join(f"{report.counts[a][name]:9}" for a in ACTIONS))
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif report.changed:
            self.stdout.write(self.style.SUCCESS(f"Loaded: {report.changed} row(s) created, taken or deleted."))
        if report.kept:
            self.stdout.write(
                f"The database has {report.kept} change(s) that content/ does not: run exportcontent to keep them in git."
            )
        elif not report.changed and not dry_run:
            self.stdout.write("No changes: the database and content/ hold the same content.")
        if not dry_run:
            self.quality_warnings()

    def quality_warnings(self):
        """The editorial rules that block approval in admin, run on every published guide as loaded."""
        checked = quality.Report()
        quality.check_guides(checked)
        for problem in checked.problems:
            self.stderr.write(f"warning: {problem} (an editorial rule: a reviewer could not approve this)")
        if checked.problems:
            self.stderr.write(
                f"{len(checked.problems)} editorial rule(s) broken; run checkcontent for the full report."
            )
