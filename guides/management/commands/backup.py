"""Back up the database (SQLite online backup API, or pg_dump) and verify a backup by restoring it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guides import backup


class Command(BaseCommand):
    help = "Write a database backup with a row-count manifest; --verify FILE restores one and checks it."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.VAR_DIR / "backups"), help="where to write backups")
        parser.add_argument("--verify", metavar="FILE", help="restore FILE into a scratch copy and check it")

    def handle(self, *args, dir, verify, **options):
        if verify:
            problems = backup.verify(verify)
            if problems:
                for problem in problems:
                    self.stderr.write(problem)
                raise CommandError(f"{verify}: restore check failed")
            self.stdout.write(self.style.SUCCESS(f"{verify}: restore OK (integrity and row counts match)"))
            return
        path = backup.backup(dir)
        self.stdout.write(f"Backup written to {path}")
        problems = backup.verify(path)
        if problems:
            raise CommandError("the new backup failed its restore check: " + "; ".join(problems))
        self.stdout.write(self.style.SUCCESS("Restore check passed: integrity and row counts match."))
