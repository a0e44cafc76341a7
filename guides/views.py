"""Public pages. Every list is bounded; every page makes a fixed number of queries."""

from types import SimpleNamespace

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from .cache import cached_page, fragment
from .editorial import workflow
from .models import (
    A_TO_Z,
    FAQ,
    Article,
    Change,
    Citation,
    Page,
    Person,
    Reference,
    SlugHistory,
    SupplementForm,
    Topic,
)
from .rendering import pages, pipeline, placeholders, resolvers

HOME_GUIDES = 30
GUIDES_PER_PAGE = 100
TOPIC_GUIDES_PER_PAGE = 50
TOPIC_PREVIEW = 12
CITED_BY_PREVIEW = 25
PERSON_GUIDES = 100


class ContentPaginator(Paginator):
    """A Paginator that counts its list once per content version and day (``cache.content_key``).

    ``COUNT(*)`` reads every matching row; the total only changes when content
    does (which bumps the content version) or when a dated guide comes out.
    """

    def __init__(self, object_list, per_page, name):
        super().__init__(object_list, per_page)
        self.name = name

    @cached_property
    def count(self):
        return fragment("count", self.name, self.object_list.count)


def _page(request, queryset, per_page, name):
    """One page of ``queryset`` (counted as ``name``); a bad or out-of-range page number gives the nearest page."""
    paginator = ContentPaginator(queryset, per_page, name)
    return paginator.get_page(request.GET.get("page"))


@require_safe
@cached_page
def home(request):
    published = Article.objects.published()
    topics = list(Topic.objects.annotate(guide_count=Count("articles", filter=Q(articles__in=published.values("pk")))))
    articles = list(published.for_listing().a_to_z()[:HOME_GUIDES])
    pillar = published.for_listing().filter(parent__isnull=True).order_by("published").first()
    people = list(Person.objects.all())
    return render(
        request,
        "guides/home.html",
        {
            "topics": topics,
            "articles": articles,
            "pillar": pillar,
            "people": people,
            "guide_total": published.count(),
        },
    )


@require_safe
@cached_page
def guide_list(request):
    """Every guide A to Z, a page at a time, and each topic's first guides.

    A page of the A-Z list reads its own rows in title order (an index on
    title makes that a walk, not a sort). The topic previews read every
    guide, so they are rendered once per content version.
    """
    guides = Article.objects.published().for_listing().a_to_z()
    page = _page(request, guides, GUIDES_PER_PAGE, "guides")
    by_topic_html = fragment("guide-list-topics", None, _render_topic_previews)
    return render(
        request,
        "guides/guide_list.html",
        {
            "articles": page.object_list,
            "page_obj": page,
            "by_topic_html": by_topic_html,
        },
    )


def _render_topic_previews():
    """Each topic with its first ``TOPIC_PREVIEW`` published guides A to Z and how many it has, as HTML."""
    published = Article.objects.published()
    previews = published.for_listing().a_to_z()[:TOPIC_PREVIEW]
    topics = Topic.objects.annotate(
        guide_count=Count("articles", filter=Q(articles__in=published.values("pk")))
    ).prefetch_related(Prefetch("articles", queryset=previews, to_attr="preview"))
    return render_to_string("guides/_topic_previews.html", {"by_topic": [(t, t.preview) for t in topics]})


def article_prefetches():
    """What the guide page shows besides the article row itself (related guides come with the links)."""
    return (
        "topics",
        Prefetch("citations", queryset=Citation.objects.select_related("reference").order_by("number")),
        Prefetch("faqs", queryset=FAQ.objects.order_by("order")),
    )


def guide_page(article, citations=None):
    """Everything a guide page shows besides the article row, rendered from the rows as they are now.

    ``citations`` stands in for the saved ``Citation`` rows when a draft is previewed.
    """
    prefetch_related_objects([article], *article_prefetches())
    faqs = list(article.faqs.all())
    related, lookups = resolvers.related_and_links(article, article.body_html, *(f.answer_html for f in faqs))
    changes = list(Change.objects.what_changed(article))
    citations = list(article.citations.all()) if citations is None else citations
    return pages.guide_page(article, citations, faqs, related, lookups, changes)


def _draft_citations(article):
    """A previewed draft's numbered sources, from its own body (the saved Citation rows are the live guide's)."""
    rendered = pipeline.render(article.body, Article.markdown_options("body"))
    references = {r.key: r for r in Reference.objects.filter(key__in=rendered.cited_keys)}
    return [
        SimpleNamespace(reference=references[key], occurrences=count)
        for key, count in rendered.citations
        if key in references
    ]


def _render_article(request, article, preview):
    """The guide's head tags and <article> body as HTML strings (templates/guides/_article_*.html)."""
    context = {"article": article, "page": guide_page(article), "preview": preview}
    return {
        "meta": render_to_string("guides/_article_meta.html", context, request),
        "body": render_to_string("guides/_article_body.html", context, request),
    }


@require_safe
@cached_page
def article_detail(request, slug):
    """A guide. Its parts depend only on content, so they are rendered once per content version."""
    try:
        article = Article.objects.published().select_related("author", "reviewer", "parent").get(slug=slug)
    except Article.DoesNotExist:
        old = SlugHistory.objects.select_related("article").filter(old_slug=slug).first()
        if old is not None and old.article.is_published:
            return redirect(old.article, permanent=True)
        raise Http404("No such guide")
    parts = fragment("guide", (article.pk, settings.SITE_URL), lambda: _render_article(request, article, False))
    return render(request, "guides/article.html", {"article": article, "parts": parts})


@never_cache
@staff_member_required
def article_preview(request, slug):
    """Staff see a guide as readers will once its open change is approved (or as it is), never cached."""
    article = get_object_or_404(Article.objects.select_related("author", "reviewer", "parent"), slug=slug)
    change = workflow.open_change(Article, article.pk)
    citations = None
    if change is not None:
        draft, _form = workflow.draft_instance(change)
        if draft is not None:
            article, citations = draft, _draft_citations(draft)
    context = {"article": article, "page": guide_page(article, citations), "preview": True, "change": change}
    parts = {
        "meta": render_to_string("guides/_article_meta.html", context, request),
        "body": render_to_string("guides/_article_body.html", context, request),
    }
    return render(request, "guides/article.html", {"article": article, "parts": parts})


@require_safe
@cached_page
def topic_detail(request, slug):
    """A topic hub: its guides, pillar guides first, a page at a time, and its questions.

    The count and the questions read every guide of the topic (the questions
    check their guide is published), so they are built once per content version.
    """
    topic = get_object_or_404(Topic, slug=slug)
    guides = topic.articles.published().for_listing().order_by(F("parent").asc(nulls_first=True), *A_TO_Z)
    page = _page(request, guides, TOPIC_GUIDES_PER_PAGE, f"topic-{topic.pk}")
    intro_html, faqs = fragment("topic-parts", topic.pk, lambda: _topic_parts(topic))
    return render(
        request,
        "guides/topic.html",
        {
            "topic": topic,
            "articles": page.object_list,
            "page_obj": page,
            "intro_html": intro_html,
            "faqs": faqs,
        },
    )


def _topic_parts(topic):
    """A hub's intro and its questions, with links and tables filled in."""
    faqs = list(
        topic.faqs.published()
        .select_related("article")
        .only("question", "answer_html", "article__slug", "article__title", "order")
    )
    lookups = resolvers.lookups(topic.intro_html, *(f.answer_html for f in faqs))
    return placeholders.fill(topic.intro_html, lookups), pages.filled_faqs(faqs, lookups)


@require_safe
@cached_page
def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    authored = list(person.authored.published().for_listing().order_by("-updated", "title")[:PERSON_GUIDES])
    reviewed = list(person.reviewed.published().for_listing().order_by("-updated", "title")[:PERSON_GUIDES])
    return render(request, "guides/person.html", {"person": person, "authored": authored, "reviewed": reviewed})


@require_safe
@cached_page
def faq_list(request):
    topics = list(
        Topic.objects.prefetch_related(Prefetch("faqs", queryset=FAQ.objects.published().select_related("article")))
    )
    lookups = resolvers.lookups(*(f.answer_html for t in topics for f in t.faqs.all()))
    sections = [(topic, pages.filled_faqs(topic.faqs.all(), lookups)) for topic in topics]
    return render(request, "guides/faq.html", {"sections": [s for s in sections if s[1]]})


@require_safe
@cached_page
def reference_list(request):
    cited = Article.objects.published().for_listing().a_to_z()[:CITED_BY_PREVIEW]
    references = list(
        Reference.objects.annotate(
            cited_count=Count("articles", filter=Q(articles__in=Article.objects.published().values("pk")))
        ).prefetch_related(Prefetch("articles", queryset=cited, to_attr="cited_by"))
    )
    for ref in references:
        ref.more_count = max(0, ref.cited_count - len(ref.cited_by))
    return render(request, "guides/references.html", {"references": references})


@require_safe
@cached_page
def supplement_list(request):
    forms = list(SupplementForm.objects.all())
    return render(request, "guides/supplements.html", {"forms": forms})


@require_safe
@cached_page
def supplement_detail(request, slug):
    form = get_object_or_404(SupplementForm.objects.prefetch_related("sources"), slug=slug)
    body_html = placeholders.fill(form.body_html, resolvers.lookups(form.body_html))
    return render(request, "guides/supplement.html", {"form": form, "body_html": body_html})


@require_safe
@cached_page
def page_detail(request, slug):
    page = get_object_or_404(Page, slug=slug)
    body_html = placeholders.fill(page.body_html, resolvers.lookups(page.body_html))
    return render(request, "guides/page.html", {"page": page, "body_html": body_html})


ROBOTS = """User-agent: *
Allow: /
Disallow: /admin/
Disallow: /search/

Sitemap: {site}/sitemap.xml
"""


@require_safe
def robots_txt(request):
    return HttpResponse(ROBOTS.format(site=settings.SITE_URL), content_type="text/plain; charset=utf-8")


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request):
    from django.core.cache import cache

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # any database failure means not ready
        checks["database"] = "error"
    try:
        cache.set("readyz", "1", 5)
        checks["cache"] = "ok" if cache.get("readyz") == "1" else "error"
    except Exception:
        checks["cache"] = "error"
    status = 200 if all(v == "ok" for v in checks.values()) else 503
    return JsonResponse(checks, status=status)


def page_not_found(request, exception=None):
    return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)


def server_error(request):
    """Rendered without the database or context processors that might need it."""
    html = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    return HttpResponse(html, status=500)
