"""What search engines read: titles, descriptions, canonical URLs and JSON-LD.

Every view passes ``meta`` (built by ``page_meta``) to ``base.html``. JSON-LD is one
``@graph`` per page and mirrors only what the page shows.
"""

import json

from django.conf import settings
from django.utils.safestring import mark_safe

from .rendering.pipeline import to_text

TITLE_MAX = 60
SUFFIX = " | Magnesium Guide"
DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 160
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute(path):
    return settings.SITE_URL + path


def page_title(title):
    """At most 60 characters: the title with the site suffix when it fits."""
    title = " ".join(title.split())
    if len(title) + len(SUFFIX) <= TITLE_MAX:
        return title + SUFFIX
    if len(title) <= TITLE_MAX:
        return title
    cut = title[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,:;-")
    return cut + "…"


def description(text):
    """50–160 characters, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= DESCRIPTION_MAX:
        return text if len(text) >= DESCRIPTION_MIN else (text + " " + settings.SITE_NAME + ".").strip()
    return text[: DESCRIPTION_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,:;-") + "…"


def organization():
    return {
        "@type": "Organization",
        "@id": absolute("/#organization"),
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "logo": absolute("/static/favicon.svg"),
    }


def website():
    return {
        "@type": "WebSite",
        "@id": absolute("/#website"),
        "name": settings.SITE_NAME,
        "url": absolute("/"),
        "inLanguage": "en",
        "publisher": {"@id": absolute("/#organization")},
    }


def breadcrumb_list(path, crumbs):
    """``crumbs``: [(name, path), ...] from home to the page."""
    return {
        "@type": "BreadcrumbList",
        "@id": absolute(path + "#breadcrumb"),
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": absolute(url)}
            for i, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def person(p):
    if p is None:
        return None
    data = {"@type": "Person", "name": p.name, "url": absolute(p.get_absolute_url())}
    if p.credentials:
        data["honorificSuffix"] = p.credentials
    return data


def faq_page(path, faqs):
    """FAQPage for the FAQs the page shows, ``((faq, answer_html), ...)`` (marked up for meaning, not for show)."""
    return {
        "@type": "FAQPage",
        "@id": absolute(path + "#faq"),
        "mainEntity": [
            {
                "@type": "Question",
                "name": faq.question,
                "acceptedAnswer": {"@type": "Answer", "text": to_text(answer_html)},
            }
            for faq, answer_html in faqs
        ],
    }


def article_graph(article, faqs, references, crumbs):
    """MedicalWebPage + Article + BreadcrumbList (+ FAQPage) for a guide."""
    path = article.get_absolute_url()
    url = absolute(path)
    about = [{"@type": "Thing", "name": t.name, "url": absolute(t.get_absolute_url())} for t in article.topics.all()]
    cites = []
    for ref in references:
        item = {"@type": "CreativeWork", "name": ref.title}
        if ref.link:
            item["url"] = ref.link
        cites.append(item)
    webpage = {
        "@type": "MedicalWebPage",
        "@id": url + "#webpage",
        "url": url,
        "name": article.title,
        "description": article.summary,
        "isPartOf": {"@id": absolute("/#website")},
        "breadcrumb": {"@id": url + "#breadcrumb"},
        "inLanguage": "en",
        "datePublished": article.published.isoformat(),
        "dateModified": article.updated.isoformat(),
        "medicalAudience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "about": about,
    }
    if article.last_reviewed:
        webpage["lastReviewed"] = article.last_reviewed.isoformat()
    if article.reviewer:
        webpage["reviewedBy"] = person(article.reviewer)
    graph = [
        webpage,
        {
            "@type": "Article",
            "@id": url + "#article",
            "headline": article.title,
            "description": article.summary,
            "datePublished": article.published.isoformat(),
            "dateModified": article.updated.isoformat(),
            "author": person(article.author),
            "publisher": {"@id": absolute("/#organization")},
            "mainEntityOfPage": {"@id": url + "#webpage"},
            "citation": cites,
            "wordCount": article.word_count,
            "inLanguage": "en",
        },
        breadcrumb_list(path, crumbs),
    ]
    if faqs:
        graph.append(faq_page(path, faqs))
    return graph


def jsonld(graph):
    """The JSON-LD script body, escaped like ``json_script`` so ``</script>`` cannot break out."""
    data = {"@context": "https://schema.org", "@graph": [organization(), website(), *graph]}
    return mark_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_ESCAPES))  # noqa: S308


def page_meta(request, title, summary, graph=(), og_type="website", crumbs=None, noindex=False):
    """Everything ``base.html`` puts in <head> for one page."""
    path = request.path
    graph = list(graph)
    if crumbs and not any(item.get("@type") == "BreadcrumbList" for item in graph):
        graph.append(breadcrumb_list(path, crumbs))
    return {
        "title": page_title(title),
        "description": description(summary),
        "canonical": absolute(path),
        "og_type": og_type,
        "jsonld": jsonld(graph),
        "noindex": noindex,
    }
