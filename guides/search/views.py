"""``/search/`` and ``/search/suggest/``: the results page and typed-ahead titles."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from ..cache import cached_page
from ..models import Topic
from .backends import get_backend
from .query import clean_query, words_of
from .service import search

SUGGESTIONS = 8


@require_safe
@cached_page
def search_view(request):
    """``/search/?q=``: the results page. Any input gives a normal page."""
    query = clean_query(request.GET.get("q", ""))
    outcome = search(query, request.GET.get("page"))
    context = {"query": query, "outcome": outcome, "page": outcome.page, "results": list(outcome.page)}
    if outcome.did_you_mean:
        context["did_you_mean_url"] = reverse("guides:search") + "?" + urlencode({"q": outcome.did_you_mean})
    if not context["results"]:
        context["topics"] = list(Topic.objects.only("slug", "name", "summary"))
    page = outcome.page
    if page.has_previous():
        context["previous_url"] = _page_url(query, page.previous_page_number())
    if page.has_next():
        context["next_url"] = _page_url(query, page.next_page_number())
    return render(request, "guides/search.html", context)


def _page_url(query, number):
    params = {"q": query} if number == 1 else {"q": query, "page": number}
    return reverse("guides:search") + "?" + urlencode(params)


@require_safe
@cached_page
def suggest_view(request):
    """``/search/suggest/?q=``: up to eight titles for what is being typed, as JSON."""
    query = clean_query(request.GET.get("q", ""))
    words = words_of(query)
    suggestions = []
    if words and len(query) >= 2:
        suggestions = get_backend().suggest(words, SUGGESTIONS)
    return JsonResponse(
        {
            "query": query,
            "suggestions": [{"title": s["title"], "url": s["url"], "type": s["kind"]} for s in suggestions],
        }
    )
