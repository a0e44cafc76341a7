"""The two search backends behind ``guides.search.service``: SQLite FTS5 and PostgreSQL full text.

Both index ``SearchDocument`` (one row per guide, FAQ, food and supplement
form) and answer the same four questions:

- ``count(plan)`` and ``hits(plan, offset, limit)``: ranked matches for a
  ``guides.search.Plan``, title matches above summary matches above body
  matches, with a highlighted snippet;
- ``corrections(words)``: the closest indexed word to each word the index
  does not know (typo correction);
- ``suggest(words, limit)``: titles that start with what is being typed.

SQLite: ``guides_searchdocument_fts`` is an FTS5 external-content table over
``guides_searchdocument`` (Porter stemming), kept in sync by triggers; ranking
is ``bm25()`` with column weights; snippets come from ``snippet()``. A second,
unstemmed FTS5 table feeds an ``fts5vocab`` table, the vocabulary that typos
are matched against by edit distance (difflib).

PostgreSQL (``guides.search.backends.postgres``): ``search_vector`` holds
``SearchVector`` weighted A (title), B (summary), C (body), written on save
and GIN-indexed; queries are ``websearch_to_tsquery``, ranked by
``SearchRank`` and highlighted by ``SearchHeadline``. Typos are matched with
pg_trgm against ``SearchWord``.

Highlights are marked with control characters that never occur in indexed
text; ``guides.search.service`` escapes the snippet first and only then turns the
markers into ``<mark>``.
"""

import difflib
from dataclasses import dataclass

from ...models import SearchDocument

MARK_START, MARK_END = "\x02", "\x03"
CONFIG = "english"

# SQLite objects created by migration 0002.
FTS_TABLE = "guides_searchdocument_fts"
WORDS_TABLE = "guides_searchdocument_words"
VOCAB_TABLE = "guides_searchdocument_vocab"
BM25_WEIGHTS = (10.0, 4.0, 1.0)  # title, summary, body

# Ranking comes first from where each concept of the query matches: points for
# a match in the title, in the summary, and anywhere (None). FTS5's bm25()
# gives no weight to words found in most documents (such as "magnesium" here),
# so it only orders documents with equal coverage.
COVERAGE_POINTS = (("title", 4), ("summary", 2), (None, 1))
# Then the text rank, boosted for guides (the site's main pages) so that a
# guide wins a near tie with a short FAQ or food entry.
KIND_BOOST = {"guide": 1.25, "supplement": 1.1, "faq": 1.0, "food": 1.0}

SUMMARY_TOKENS, BODY_TOKENS = 64, 28  # snippet lengths in words

# A search ranks a bounded pool, whatever the size of the site: the first
# MAX_RANKED documents that match the query (in index order), plus the first
# MAX_RANKED that match every concept of it, so a rare word is not crowded out
# by a word every guide contains ("epsom salt"). A query matching more than
# that is too broad for ranking to separate its results anyway.
MAX_RANKED = 300
MIN_TYPO_LENGTH = 4  # shorter words are never "corrected"
CORRECTION_CUTOFF = 0.8  # difflib ratio a correction must reach


@dataclass
class Hit:
    """One search result, ready for the template (snippets still carry the raw markers)."""

    kind: str
    title: str
    url: str
    topic: str
    topic_url: str
    summary_snippet: str
    body_snippet: str

    @property
    def kind_label(self):
        return SearchDocument.Kind(self.kind).label


class SearchBackend:
    """What every backend answers. Upkeep methods default to doing nothing, so callers never probe."""

    vendor = ""

    def count(self, plan):
        """How many documents the query ranks (at most twice ``MAX_RANKED``)."""
        raise NotImplementedError

    def hits(self, plan, offset, limit):
        """One page of ranked ``Hit``s."""
        raise NotImplementedError

    def suggest(self, words, limit):
        """Titles for what is being typed: ``[{"kind", "title", "url"}]``."""
        raise NotImplementedError

    def corrections(self, words):
        """``{word: nearest indexed word}`` for the words the index does not know."""
        raise NotImplementedError

    def documents_saved(self, ids):
        """The documents with these ids were written: update whatever the database indexes itself."""

    def prune_vocabulary(self):
        """Drop typo-correction words no document has any more."""

    def refresh_statistics(self):
        """Refresh the query planner's statistics after a bulk change."""

    def reindex_all(self):
        """Rebuild the database's own index from every document."""

    def check_index(self):
        """Raise if the database's index disagrees with the documents."""


def closest_word(word, candidates):
    """The candidate nearest ``word`` by edit distance (difflib), or None.

    ``candidates`` maps each word to a tie-breaker: how many documents
    contain it (SQLite) or its trigram similarity (PostgreSQL).
    """
    scored = [
        (difflib.SequenceMatcher(None, word, candidate).ratio(), count, candidate)
        for candidate, count in candidates.items()
        if candidate != word and abs(len(candidate) - len(word)) <= 2
    ]
    scored = [s for s in scored if s[0] >= CORRECTION_CUTOFF]
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], s[1], [-ord(c) for c in s[2]]))[2]


def coverage_points(plan):
    """``COVERAGE_POINTS``, without "anywhere" when every match has the plan's only concept."""
    return [(column, points) for column, points in COVERAGE_POINTS if column or len(plan.concepts) > 1]


def typo_candidates(words):
    """Words worth correcting: long enough, and letters only."""
    return [w for w in dict.fromkeys(words) if len(w) >= MIN_TYPO_LENGTH and w.isalpha()]
