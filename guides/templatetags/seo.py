"""Head tags for search engines, called from each template's ``{% block meta %}``.

Each tag renders ``_meta.html`` (title, description, canonical, Open Graph, Twitter,
feed link and one JSON-LD ``@graph``) from what the page itself shows.
"""

from django import template
from django.urls import reverse

from guides import seo

register = template.Library()
HOME = ("Home", "/")


def _numbered(title, page_obj):
    number = getattr(page_obj, "number", 1)
    return f"{title}, page {number}" if number > 1 else title


def _canonical_path(request, page_obj=None):
    path = request.path
    number = getattr(page_obj, "number", 1)
    if number > 1:
        return f"{path}?page={number}"
    return path


def _render(context, title, summary, graph=(), crumbs=None, og_type="website", path=None, extra=None):
    request = context["request"]
    meta = seo.page_meta(request, title, summary, graph=graph, og_type=og_type, crumbs=crumbs)
    if path:
        meta["canonical"] = seo.absolute(path)
    meta.update(extra or {})
    return {"meta": meta, "SITE_NAME": context.get("SITE_NAME")}


@register.inclusion_tag("_meta.html", takes_context=True)
def page_meta(context, title, summary, page_obj=None, crumb=None):
    """A page with a plain breadcrumb Home → this page."""
    request = context["request"]
    path = _canonical_path(request, page_obj)
    crumbs = [HOME] if request.path == "/" else [HOME, (crumb or title, request.path)]
    return _render(context, _numbered(title, page_obj), summary, crumbs=crumbs, path=path)


@register.inclusion_tag("_meta.html", takes_context=True)
def article_meta(context, article, page):
    crumbs = [HOME]
    if article.parent_id:
        crumbs.append((article.parent.title, article.parent.get_absolute_url()))
    crumbs.append((article.title, article.get_absolute_url()))
    graph = seo.article_graph(article, page.faqs, [source.reference for source in page.sources], crumbs)
    extra = {
        "published": article.published.isoformat(),
        "modified": article.updated.isoformat(),
        "noindex": not article.is_published,
    }
    return _render(
        context,
        article.title,
        article.summary,
        graph=graph,
        og_type="article",
        path=article.get_absolute_url(),
        extra=extra,
    )


@register.inclusion_tag("_meta.html", takes_context=True)
def topic_meta(context, topic, faqs, page_obj=None):
    path = _canonical_path(context["request"], page_obj)
    crumbs = [HOME, (topic.name, topic.get_absolute_url())]
    graph = [seo.faq_page(topic.get_absolute_url(), faqs)] if faqs and getattr(page_obj, "number", 1) == 1 else []
    return _render(
        context,
        _numbered(f"{topic.name}: guides and answers", page_obj),
        topic.summary,
        graph=graph,
        crumbs=crumbs,
        path=path,
    )


@register.inclusion_tag("_meta.html", takes_context=True)
def faq_list_meta(context, title, summary, sections):
    faqs, seen = [], set()
    for _topic, answered in sections:
        for faq, answer_html in answered:
            if faq.pk not in seen:
                seen.add(faq.pk)
                faqs.append((faq, answer_html))
    crumbs = [HOME, (title, reverse("guides:faq"))]
    return _render(context, title, summary, graph=[seo.faq_page(reverse("guides:faq"), faqs)], crumbs=crumbs)


@register.inclusion_tag("_meta.html", takes_context=True)
def supplement_meta(context, form):
    crumbs = [HOME, ("Supplement forms", reverse("guides:supplements")), (form.name, form.get_absolute_url())]
    summary = (
        f"{form.name}: how much magnesium it holds, what studies say about absorption, "
        "laxative effect and cautions, with sources."
    )
    return _render(
        context, f"{form.name}: what the evidence says", summary, crumbs=crumbs, path=form.get_absolute_url()
    )


@register.inclusion_tag("_meta.html", takes_context=True)
def search_meta(context, query):
    """Search pages: the query leads the title, so each results page is told apart."""
    from django.utils.text import Truncator

    title = f"{Truncator(query).chars(18)} – search" if query else "Search the guides"
    summary = (
        "Search every guide, reader question, food and supplement form on magnesium and electrolytes, "
        "in plain words or medical terms."
    )
    return _render(
        context, title, summary, crumbs=[HOME, ("Search", reverse("guides:search"))], path=reverse("guides:search")
    )
