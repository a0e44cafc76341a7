"""Every side effect of a content change, in one place. Each receiver is filtered by sender.

- **Cache**: any change to content bumps the content version (``content_changed``),
  the one place that does; every cached page and fragment is keyed by it.
  It is bumped at once and again when the transaction commits, so a page
  rendered between the two (from the old rows, under the new version) is not kept.
- **Search index**: ``guides.search.index`` rewrites the documents of what changed.
- **After migrate**: the Editors group and its permissions, and the sites framework's
  domain (from ``SITE_URL``).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from . import models
from .cache import bump_content_version
from .permissions import ensure_editors_group
from .search import index

CONTENT_MODELS = (
    models.Topic,
    models.Person,
    models.Reference,
    models.Article,
    models.Citation,
    models.FAQ,
    models.Food,
    models.SupplementForm,
    models.Interaction,
    models.IntakeValue,
    models.Page,
    models.SlugHistory,
    models.SearchTerm,
)
INDEXED_MODELS = (models.Article, models.Topic, models.FAQ, models.Food, models.SupplementForm)
TOPIC_LINKS = {models.Article.topics.through: models.Article, models.FAQ.topics.through: models.FAQ}


def content_m2m_throughs():
    """The join tables of every many-to-many field on a content model (and only those)."""
    return {field.remote_field.through for model in CONTENT_MODELS for field in model._meta.local_many_to_many}


def content_changed():
    """Invalidate every cached page and fragment, now and when the transaction commits."""
    bump_content_version()
    # One bump on commit per transaction is enough (Django keeps the pending callbacks
    # in run_on_commit and drops them on rollback).
    pending = transaction.get_connection().run_on_commit
    if not any(callback is bump_content_version for _, callback, _ in pending):
        transaction.on_commit(bump_content_version, robust=True)


def saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    content_changed()
    if sender in INDEXED_MODELS:
        index.saved(instance)


def deleted(sender, instance, **kwargs):
    content_changed()
    if sender in INDEXED_MODELS:
        index.deleted(instance)


def relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    content_changed()
    if sender in TOPIC_LINKS:
        index.topics_changed(TOPIC_LINKS[sender], instance, reverse, pk_set)


def sync_site(sender=None, **kwargs):
    """Make the sites framework (sitemaps, feeds, redirects) use SITE_URL's host."""
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME})
    Site.objects.clear_cache()


def connect(app_config):
    """Wire the receivers (``GuidesConfig.ready``)."""
    post_migrate.connect(ensure_editors_group, sender=app_config, dispatch_uid="guides-editors-group")
    post_migrate.connect(sync_site, sender=app_config, dispatch_uid="guides-sync-site")
    for model in CONTENT_MODELS:
        post_save.connect(saved, sender=model, dispatch_uid=f"content-saved-{model._meta.label}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"content-deleted-{model._meta.label}")
    for through in content_m2m_throughs():
        m2m_changed.connect(relation_changed, sender=through, dispatch_uid=f"content-m2m-{through._meta.label}")
