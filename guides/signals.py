"""Any content change invalidates the page cache (see ``guides.cache``)."""

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
        bump_content_version()


@receiver(m2m_changed)
def content_relation_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump_content_version()
