"""Site search: one interface over the SQLite and PostgreSQL backends.

A query is read as words. Lay terms and other spellings from ``SearchTerm``
(``content/search-terms.yaml``) are looked up as well ("water pill" also
finds "diuretic"); words the index does not know are corrected to the nearest
indexed word ("magnesuim" also finds "magnesium"), and "Did you mean …?" is
offered when the corrected query finds more than the one typed. Stop words
are dropped. A page matching any concept is a result; pages are ranked by
where they match each concept: title, then summary, then anywhere.

The backend (``guides.search.backends``) only ever sees quoted letters and
digits, so no input is query syntax. A search costs a handful of queries
whatever the size of the site, ranks a bounded pool of matches
(``backends.base.MAX_RANKED``), and reads only one page of results.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .backends import get_backend
from .backends.base import MARK_END, MARK_START, MAX_RANKED
from .query import parse

PER_PAGE = 10


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
