"""Any content change invalidates the page cache (see ``guides.cache``).

The version is bumped at once and again when the transaction commits: a page
rendered between the two (from the old rows, under the new version) is not kept.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import models
from .cache import bump_content_version

CONTENT_MODELS = (
    models.Topic, models.Person, models.Reference, models.Article, models.Citation, models.FAQ,
    models.Food, models.SupplementForm, models.Interaction, models.IntakeValue, models.Page,
    models.SlugHistory,
)


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs):
    if sender in CONTENT_MODELS and not kwargs.get("raw"):
        _bump()


@receiver(m2m_changed)
def content_relation_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        _bump()


def _bump():
    bump_content_version()
    # One bump on commit per transaction is enough (Django keeps the pending callbacks
    # in run_on_commit and drops them on rollback).
    pending = transaction.get_connection().run_on_commit
    if not any(callback is bump_content_version for _, callback, _ in pending):
        transaction.on_commit(bump_content_version, robust=True)
