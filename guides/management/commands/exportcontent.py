"""Write the database back to content/ in the loader's format."""

from django.conf import settings
from django.core.management.base import BaseCommand

from guides.content import sync as content_io


class Command(BaseCommand):
    help = "Export all content to a folder (default: content/) in the format loadcontent reads."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.CONTENT_DIR), help="target folder (default: content/)")

    def handle(self, *args, dir, **options):
        written = content_io.export(dir)
        self.stdout.write(f"Exported {len(written)} file(s) to {dir}.")
