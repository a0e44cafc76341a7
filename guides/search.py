"""Site search: one interface over the SQLite and PostgreSQL backends.

A query is read as words. Lay terms and other spellings from ``SearchTerm``
(``content/search-terms.yaml``) are looked up as well ("water pill" also
finds "diuretic"); words the index does not know are corrected to the nearest
indexed word ("magnesuim" also finds "magnesium"), and "Did you mean …?" is
offered when the corrected query finds more than the one typed. Stop words
are dropped. A page matching any concept is a result; pages are ranked by
where they match each concept: title, then summary, then anywhere.

The backend (``guides.search_backends``) only ever sees quoted letters and
digits, so no input is query syntax. A search costs a handful of queries
whatever the size of the site, ranks a bounded pool of matches
(``search_backends.MAX_RANKED``), and reads only one page of results.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from .cache import cached_page
from .models import SearchTerm, Topic
from .search_backends import MARK_END, MARK_START, MAX_RANKED, get_backend

MAX_QUERY_CHARS = 200
MAX_WORDS = 12
MAX_TERM_WORDS = 5
PER_PAGE = 10
SUGGESTIONS = 8
WORD_RE = re.compile(r"[^\W_]+")

# The Snowball English stop words, as PostgreSQL's "english" configuration
# drops them, so both backends look for the same words.
_STOP_WORDS_TEXT = """
a about above after again against all am an and any are as at be because been before being below between
both but by can did do does doing don down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now
of off on once only or other our ours ourselves out over own same she should so some such t than that the
their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with you your yours yourself yourselves s
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Concept:
    """One thing the reader asked for, and every way of writing it (each a tuple of words).

    ``typed`` holds the alternatives without typo corrections, when they differ.
    """

    alternatives: tuple
    typed: tuple = None


@dataclass(frozen=True)
class Plan:
    """What the backends search for: documents matching any concept.

    Backends rank documents by where they match each concept (title, then
    summary, then anywhere), then by their own text rank, so a document
    matching every concept in its title comes first.
    """

    concepts: tuple


@dataclass
class ParsedQuery:
    """A query read into concepts, with the typo corrections made."""

    words: list
    concepts: list = field(default_factory=list)
    corrections: dict = field(default_factory=dict)

    def plan(self, corrected=True):
        if corrected:
            return Plan(tuple(self.concepts))
        return Plan(tuple(replace(c, alternatives=c.typed) if c.typed else c for c in self.concepts))

    @property
    def corrected_text(self):
        return " ".join(self.corrections.get(w, w) for w in self.words)


def clean_query(raw):
    """The query as typed, minus control characters, trimmed to ``MAX_QUERY_CHARS``."""
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in raw[:MAX_QUERY_CHARS * 2])
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_CHARS]


def words_of(text):
    return WORD_RE.findall(text.lower())[:MAX_WORDS]


def _spans(words):
    return {
        " ".join(words[i:j])
        for i in range(len(words))
        for j in range(i + 1, min(len(words), i + MAX_TERM_WORDS) + 1)
    }


def _lookup_terms(spans):
    return {t.term: t.expansion_list() for t in SearchTerm.objects.filter(term__in=sorted(spans))}


def _walk(words, terms):
    """Split ``words`` into lay-term spans (longest first) and single words: [(start, end, term or None)]."""
    pieces, i = [], 0
    while i < len(words):
        for j in range(min(len(words), i + MAX_TERM_WORDS), i, -1):
            if " ".join(words[i:j]) in terms:
                pieces.append((i, j, " ".join(words[i:j])))
                i = j
                break
        else:
            pieces.append((i, i + 1, None))
            i += 1
    return pieces


def _meaningful(word):
    return word not in STOP_WORDS and (len(word) > 1 or word.isdigit())


def parse(text, backend):
    """Read ``text`` into concepts: lay terms, plain words and typo corrections.

    At most three queries: lay terms among the query's word sequences, the
    vocabulary for the words left over, and lay terms again if a correction
    made a new one ("magnesuim deficiency" -> "magnesium deficiency").
    """
    words = words_of(text)
    parsed = ParsedQuery(words)
    if not words:
        return parsed
    terms = _lookup_terms(_spans(words))
    leftover = [words[i] for i, _j, term in _walk(words, terms) if term is None and _meaningful(words[i])]
    parsed.corrections = backend.corrections(leftover) if leftover else {}
    fixed = [parsed.corrections.get(w, w) for w in words]
    if parsed.corrections:
        terms.update(_lookup_terms(_spans(fixed) - _spans(words)))
    seen = set()
    for i, j, term in _walk(fixed, terms):
        typed = tuple(words[i:j])
        if term is not None:
            alternatives = tuple(dict.fromkeys([tuple(fixed[i:j])] + [tuple(e.split()) for e in terms[term]]))
        elif _meaningful(words[i]):
            alternatives = tuple(dict.fromkeys([typed, tuple(fixed[i:j])]))
        else:
            continue
        if alternatives in seen:
            continue
        seen.add(alternatives)
        corrected = fixed[i:j] != words[i:j]
        parsed.concepts.append(Concept(alternatives, typed=(typed,) if corrected else None))
    return parsed


def highlight(snippet):
    """Escape a snippet, then turn the backend's markers into <mark> (and nothing else into HTML)."""
    text = escape(snippet)
    if text.count(MARK_START) != text.count(MARK_END):
        text = text.replace(MARK_START, "").replace(MARK_END, "")
    return mark_safe(text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308 (escaped above)


def snippet_of(hit):
    """The summary if it matched, else the body if it matched, else the summary (or body)."""
    for text in (hit.summary_snippet, hit.body_snippet):
        if MARK_START in (text or ""):
            return highlight(text)
    return highlight(hit.summary_snippet or hit.body_snippet or "")


class Results:
    """A lazily fetched result list that Django's Paginator can slice: one query per page."""

    def __init__(self, backend, plan, total):
        self.backend, self.plan, self.total = backend, plan, total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("Results only support slicing.")
        start, stop = index.start or 0, min(index.stop if index.stop is not None else self.total, self.total)
        if stop <= start:
            return []
        hits = self.backend.hits(self.plan, start, stop - start)
        for hit in hits:
            hit.snippet = snippet_of(hit)
        return hits


@dataclass
class Outcome:
    """Everything the results page shows."""

    query: str
    page: object
    total: int = 0
    did_you_mean: str = ""

    @property
    def more(self):
        """True when the query may match more than was ranked (the page says "300+ results")."""
        return self.total >= MAX_RANKED


def search(query, page_number=None):
    """Search for ``query`` (already cleaned) and return one page of results."""
    backend = get_backend()
    parsed = parse(query, backend)
    plan = parsed.plan() if parsed.concepts else None
    total = backend.count(plan) if plan else 0
    did_you_mean = ""
    if total and parsed.corrections and backend.count(parsed.plan(corrected=False)) < total:
        did_you_mean = parsed.corrected_text
    results = Results(backend, plan, total) if plan else []
    page = Paginator(results, PER_PAGE).get_page(page_number)
    return Outcome(query, page, total, did_you_mean)


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
    return JsonResponse({"query": query, "suggestions": [
        {"title": s["title"], "url": s["url"], "type": s["kind"]} for s in suggestions
    ]})
