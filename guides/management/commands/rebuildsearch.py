"""Rebuild the site-search index from the content in the database."""

from django.core.management.base import BaseCommand

from guides.search import index as search_index
from guides.search.backends import get_backend


class Command(BaseCommand):
    help = (
        "Bring every search document up to date with the content, then rebuild the database's "
        "full-text index (SQLite FTS5 tables, or PostgreSQL vectors and typo vocabulary)."
    )

    def handle(self, *args, **options):
        counts = search_index.rebuild(reindex=True)
        get_backend().check_index()
        self.stdout.write(
            f"Search index rebuilt: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['deleted']} deleted."
        )
