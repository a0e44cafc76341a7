"""What links to a row, so it is never deleted out from under the content that shows it.

``linked_from(obj)`` lists, as the admin's delete page shows protected objects, every
item whose Markdown links to a guide (``[[slug]]``, old slugs included) or cites a
reference (``[@key]``), every row that lists a reference among its sources, and every
guide that would be left with no topic.
"""

import re

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from ..models import FAQ, Article, Food, IntakeValue, Interaction, Page, Reference, SupplementForm, Topic

MARKDOWN_MODELS = (Article, FAQ, Topic, SupplementForm, Page)
SOURCED_MODELS = (Food, SupplementForm, Interaction, IntakeValue)


def _describe(obj):
    opts = obj._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return f"{opts.verbose_name.capitalize()}: {obj}"
    return format_html('{}: <a href="{}">{}</a>', opts.verbose_name.capitalize(), url, obj)


def _markdown_matches(fragments, pattern, exclude=None):
    """Rows whose Markdown contains one of ``fragments`` and matches ``pattern``."""
    found = []
    for model in MARKDOWN_MODELS:
        query = Q()
        for name in model.markdown_fields:
            for fragment in fragments:
                query |= Q(**{f"{name}__contains": fragment})
        for row in model.objects.filter(query):
            if row == exclude:
                continue
            if any(pattern.search(getattr(row, name) or "") for name in model.markdown_fields):
                found.append(row)
    return found


def guides_linking_to(article):
    slugs = {article.slug, *article.old_slugs.values_list("old_slug", flat=True)}
    pattern = re.compile(r"\[\[(" + "|".join(map(re.escape, slugs)) + r")\s*(\||\]\])")
    return _markdown_matches([f"[[{slug}" for slug in slugs], pattern, exclude=article)


def items_citing(reference):
    pattern = re.compile(r"@" + re.escape(reference.key) + r"(?=[\s;\]])")
    rows = _markdown_matches([f"@{reference.key}"], pattern)
    for model in SOURCED_MODELS:
        rows += list(model.objects.filter(sources=reference))
    return rows


def guides_only_in(topic):
    return [a for a in topic.articles.prefetch_related("topics") if len(a.topics.all()) == 1]


def linked_from(obj):
    """Descriptions of everything that would break if ``obj`` were deleted."""
    if isinstance(obj, Article):
        rows = guides_linking_to(obj)
    elif isinstance(obj, Reference):
        rows = items_citing(obj)
    elif isinstance(obj, Topic):
        rows = guides_only_in(obj)
    else:
        rows = []
    return [_describe(row) for row in rows]
