"""Keep ``SearchDocument`` in step with the content it describes.

Each public guide, FAQ, food and supplement form has one search document:
plain text in three weighted parts (title, summary, body) plus what a result
shows (URL, type, topic). ``guides.signals`` calls ``saved``, ``deleted`` and
``topics_changed`` to update the documents of whatever changed; ``rebuild()`` brings every document up to date at once and is run
at the end of ``loadcontent`` and by ``manage.py rebuildsearch``. Both write only the
rows that actually change, so loading unchanged content changes nothing.
"""

import re
import threading
from contextlib import contextmanager
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from ..models import FAQ, Article, Food, SearchDocument, SupplementForm, Topic
from ..rendering import pipeline, placeholders
from .backends import get_backend
from .backends.base import MARK_END, MARK_START

Kind = SearchDocument.Kind
FIELDS = ("title", "summary", "body", "url", "topic", "topic_url", "published")
BATCH = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f" + MARK_START + MARK_END + "]")
_state = threading.local()


def plain(text):
    """Indexable text: no control characters (the highlight markers stay unique), single spaces."""
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text or "")).strip()


_BLOCK_TAG = re.compile(
    r"(?=</?(?:p|li|td|th|tr|h[1-6]|div|br|table|caption|ul|ol|dl|dd|dt|blockquote|section|aside|figure)\b)"
)


def html_text(html):
    """Visible text of stored HTML, with a space where block elements meet ("cell.</td><td>Next").

    Links show their text (or the target's slug as words); data tables are left
    out: their rows are documents of their own (foods, supplement forms).
    """
    return pipeline.to_text(_BLOCK_TAG.sub(" ", placeholders.plain(html)))


# --- What each kind of content looks like as a document -------------------------


def _first_topic(topics):
    topic = min(topics, key=lambda t: (t.order, t.name), default=None)
    return (topic.name, topic.get_absolute_url()) if topic else ("", "")


def guide_document(article):
    if article.status != Article.Status.PUBLISHED:
        return None
    topic, topic_url = _first_topic(article.topics.all())
    summary = " ".join([article.summary, *article.key_point_list()])
    return {
        "title": article.title,
        "summary": summary,
        "body": html_text(article.body_html),
        "url": article.get_absolute_url(),
        "topic": topic,
        "topic_url": topic_url,
        "published": article.published,
    }


def faq_document(faq):
    article = faq.article
    if article is not None and article.status != Article.Status.PUBLISHED:
        return None
    topic, topic_url = _first_topic(faq.topics.all())
    if not topic and article is not None:
        topic, topic_url = _first_topic(article.topics.all())
    url = f"{article.get_absolute_url()}#faq-{faq.pk}" if article else reverse("guides:faq")
    return {
        "title": faq.question,
        "summary": "",
        "body": html_text(faq.answer_html),
        "url": url,
        "topic": topic,
        "topic_url": topic_url,
        "published": article.published if article else None,
    }


def food_document(food):
    """A food's name and category, with its magnesium only.

    Potassium, calcium and sodium amounts are left out on purpose: in sixty
    short documents they would swamp those words' weight in guides and FAQs.
    """
    magnesium = ""
    if food.magnesium_mg is not None:
        magnesium = (
            f" {Decimal(str(food.magnesium_mg)).normalize():f} mg magnesium ({food.percent_dv('magnesium')}% DV)."
        )
    return {
        "title": food.name,
        "summary": f"{food.get_category_display()}, {food.serving}:{magnesium}",
        "body": "",
        "url": food.get_absolute_url(),
        "topic": food.get_category_display(),
        "topic_url": reverse("guides:foods") + f"?category={food.category}",
        "published": None,
    }


def supplement_document(form):
    body = [form.formula, form.absorption, form.laxative_effect, form.cautions, html_text(form.body_html)]
    return {
        "title": form.name,
        "summary": form.best_for,
        "body": " ".join(b for b in body if b),
        "url": form.get_absolute_url(),
        "topic": "Supplement forms",
        "topic_url": reverse("guides:supplements"),
        "published": None,
    }


SOURCES = {
    Kind.GUIDE: (Article, guide_document),
    Kind.FAQ: (FAQ, faq_document),
    Kind.FOOD: (Food, food_document),
    Kind.SUPPLEMENT: (SupplementForm, supplement_document),
}
KIND_OF_MODEL = {model: kind for kind, (model, _build) in SOURCES.items()}


def source_queryset(kind):
    """Every object of ``kind``, with what its document needs fetched up front."""
    if kind == Kind.GUIDE:
        return Article.objects.prefetch_related("topics")
    if kind == Kind.FAQ:
        return FAQ.objects.select_related("article").prefetch_related("topics", "article__topics")
    return SOURCES[kind][0].objects.all()


def public_ids(kind):
    """A subquery of the ids that should have a document."""
    if kind == Kind.GUIDE:
        ids = Article.objects.filter(status=Article.Status.PUBLISHED)
    elif kind == Kind.FAQ:
        ids = FAQ.objects.filter(Q(article__isnull=True) | Q(article__status=Article.Status.PUBLISHED))
    else:
        ids = SOURCES[kind][0].objects.all()
    return ids.values("pk")


# --- Writing documents ---------------------------------------------------------------


def build(kind, obj):
    """The document fields for ``obj``, or None if it is not public."""
    values = SOURCES[kind][1](obj)
    if values is None:
        return None
    for name in ("title", "summary", "body"):
        values[name] = plain(values[name])
    values["title"] = values["title"][:300]
    return values


def sync(kind, objects):
    """Create, update or delete the documents of ``objects``. Returns (created, updated, deleted)."""
    wanted = {obj.pk: build(kind, obj) for obj in objects}
    existing = {d.object_id: d for d in SearchDocument.objects.filter(kind=kind, object_id__in=list(wanted))}
    new, changed, gone = [], [], []
    for pk, values in wanted.items():
        doc = existing.get(pk)
        if values is None:
            if doc is not None:
                gone.append(doc.pk)
        elif doc is None:
            new.append(SearchDocument(kind=kind, object_id=pk, **values))
        elif any(getattr(doc, name) != values[name] for name in FIELDS):
            for name in FIELDS:
                setattr(doc, name, values[name])
            changed.append(doc)
    if gone:
        SearchDocument.objects.filter(pk__in=gone).delete()
    if new:
        created = SearchDocument.objects.bulk_create(new)
        if any(d.pk is None for d in created):  # databases that cannot return ids
            created = SearchDocument.objects.filter(kind=kind, object_id__in=[d.object_id for d in new])
    else:
        created = []
    if changed:
        SearchDocument.objects.bulk_update(changed, FIELDS)
    get_backend().documents_saved([d.pk for d in [*created, *changed]])
    return len(new), len(changed), len(gone)


def remove(kind, ids):
    SearchDocument.objects.filter(kind=kind, object_id__in=list(ids)).delete()


def rebuild(reindex=False):
    """Bring every document up to date; with ``reindex``, also rebuild the database's own index.

    Run after bulk loads, it also refreshes the query planner's statistics
    when anything changed (see ``refresh_statistics`` in the backends).

    Returns counts: {"created": n, "updated": n, "deleted": n}.
    """
    counts = {"created": 0, "updated": 0, "deleted": 0}
    backend = get_backend()
    with transaction.atomic():
        for kind in SOURCES:
            stale = SearchDocument.objects.filter(kind=kind).exclude(object_id__in=public_ids(kind))
            counts["deleted"] += stale.delete()[0]
            batch = []
            for obj in source_queryset(kind).order_by("pk").iterator(chunk_size=BATCH):
                batch.append(obj)
                if len(batch) == BATCH:
                    _count(counts, sync(kind, batch))
                    batch = []
            _count(counts, sync(kind, batch))
        if reindex:
            backend.reindex_all()
        elif counts["updated"] or counts["deleted"]:
            backend.prune_vocabulary()
        if reindex or any(counts.values()):
            backend.refresh_statistics()
    return counts


def _count(counts, result):
    created, updated, deleted = result
    counts["created"] += created
    counts["updated"] += updated
    counts["deleted"] += deleted


@contextmanager
def paused():
    """Skip per-object index updates inside the block (loadcontent then calls ``rebuild()`` once)."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


def _paused():
    return getattr(_state, "depth", 0) > 0


# --- Keeping documents current (called by ``guides.signals``) ---------------------------


def refresh(kind, objects):
    """Rewrite the documents of ``objects`` (skipped while a load has paused the index)."""
    objects = list(objects)
    if objects and not _paused():
        sync(kind, objects)


def saved(instance):
    """``instance`` was saved: refresh its document and those that show it."""
    if isinstance(instance, Article):
        refresh(Kind.GUIDE, [instance])
        refresh(Kind.FAQ, instance.faqs.all())
    elif isinstance(instance, Topic):
        refresh(Kind.GUIDE, instance.articles.all())
        refresh(Kind.FAQ, instance.faqs.select_related("article"))
    elif type(instance) in KIND_OF_MODEL:
        refresh(KIND_OF_MODEL[type(instance)], [instance])


def deleted(instance):
    """``instance`` was deleted: drop its document, and refresh the documents that showed it.

    What a deleted guide or topic leaves behind is read from the index itself: an
    FAQ document links into its guide, and a guide or FAQ document names its topic.
    """
    if _paused():
        return
    if type(instance) in KIND_OF_MODEL:
        remove(KIND_OF_MODEL[type(instance)], [instance.pk])
    if isinstance(instance, Article):
        shown = SearchDocument.objects.filter(kind=Kind.FAQ, url__startswith=instance.get_absolute_url() + "#")
        refresh(Kind.FAQ, source_queryset(Kind.FAQ).filter(pk__in=shown.values("object_id")))
    elif isinstance(instance, Topic):
        for kind in (Kind.GUIDE, Kind.FAQ):
            shown = SearchDocument.objects.filter(kind=kind, topic_url=instance.get_absolute_url())
            refresh(kind, source_queryset(kind).filter(pk__in=shown.values("object_id")))


def topics_changed(model, instance, reverse, pk_set):
    """A guide's or FAQ's topics changed (``model`` is Article or FAQ): they decide the topic its result shows."""
    kind = KIND_OF_MODEL[model]
    if not reverse:
        refresh(kind, [instance])
    elif pk_set:
        refresh(kind, source_queryset(kind).filter(pk__in=pk_set))
    else:  # a topic's links were cleared: refresh what showed it
        shown = SearchDocument.objects.filter(kind=kind, topic_url=instance.get_absolute_url())
        refresh(kind, source_queryset(kind).filter(pk__in=shown.values("object_id")))
