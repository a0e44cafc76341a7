from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_site(sender=None, **kwargs):
    """Make the sites framework (sitemaps, feeds, redirects) use SITE_URL's host."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME})
    Site.objects.clear_cache()


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = "Guides and content"

    def ready(self):
        from . import signals  # noqa: F401  (cache invalidation on content change)
        from .permissions import ensure_editors_group
        from .search import index  # noqa: F401  (search index kept in step with content)

        post_migrate.connect(ensure_editors_group, sender=self, dispatch_uid="guides-editors-group")
        post_migrate.connect(sync_site, sender=self, dispatch_uid="guides-sync-site")
