"""The two search backends behind ``guides.search``: SQLite FTS5 and PostgreSQL full text.

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

PostgreSQL: ``search_vector`` holds ``SearchVector`` weighted A (title),
B (summary), C (body), written on save and GIN-indexed; queries are
``websearch_to_tsquery``, ranked by ``SearchRank`` and highlighted by
``SearchHeadline``. Typos are matched with pg_trgm against ``SearchWord``.

Highlights are marked with control characters that never occur in indexed
text; ``guides.search`` escapes the snippet first and only then turns the
markers into ``<mark>``.
"""

import difflib
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Cast, Replace

from .models import SearchDocument, SearchWord, today

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


def get_backend():
    """The backend for the default database."""
    vendor = connection.vendor
    if vendor == "sqlite":
        return SQLiteBackend()
    if vendor == "postgresql":
        return PostgresBackend()
    raise ImproperlyConfigured(f"Site search supports SQLite and PostgreSQL, not {vendor}.")


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


class SQLiteBackend:
    """FTS5 with an external-content table, bm25() column weights and snippet()."""

    vendor = "sqlite"

    # --- Queries ---------------------------------------------------------------

    @staticmethod
    def concept_expression(concept, column=None):
        """One concept as FTS5: its alternatives, quoted, OR-ed, optionally limited to a column."""
        expression = "(" + " OR ".join('"' + " ".join(words) + '"' for words in concept.alternatives) + ")"
        return f"{column} : {expression}" if column else expression

    def match_expression(self, plan):
        """The plan as an FTS5 query. Every word is quoted, so no input is FTS syntax."""
        return " OR ".join(self.concept_expression(c) for c in plan.concepts)

    _FROM = (
        f"FROM {FTS_TABLE} JOIN guides_searchdocument d ON d.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND (d.published IS NULL OR d.published <= %s)"
    )

    def count(self, plan):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) {self._FROM}", [self.match_expression(plan), today().isoformat()])
            return cursor.fetchone()[0]

    def coverage(self, plan):
        """SQL and parameters scoring where each concept matches (see ``COVERAGE_POINTS``)."""
        terms, params = [], []
        for concept in plan.concepts:
            for column, points in coverage_points(plan):
                terms.append(f"{points} * (d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s))")  # noqa: S608
                params.append(self.concept_expression(concept, column))
        return " + ".join(terms), params

    def hits(self, plan, offset, limit):
        """One page of matches, best first: by coverage, then bm25() times the kind's boost.

        The ranking runs first (a CTE that reads no text); ``snippet()`` then
        runs only for the page's rows, not for every match.
        """
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        coverage, coverage_params = self.coverage(plan)
        boost = "CASE d.kind " + " ".join(f"WHEN '{k}' THEN {b}" for k, b in KIND_BOOST.items()) + " ELSE 1.0 END"
        sql = (  # table names are constants; every value is a parameter
            f"WITH top AS (SELECT d.id AS id, {coverage} AS coverage, "  # noqa: S608
            f"bm25({FTS_TABLE}, {weights}) * {boost} AS score {self._FROM} "
            "ORDER BY coverage DESC, score, d.id LIMIT %s OFFSET %s) "
            "SELECT d.kind, d.title, d.url, d.topic, d.topic_url, "
            f"snippet({FTS_TABLE}, 1, char(2), char(3), '…', {SUMMARY_TOKENS}), "
            f"snippet({FTS_TABLE}, 2, char(2), char(3), '…', {BODY_TOKENS}) "
            f"FROM top JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = top.id JOIN guides_searchdocument d ON d.id = top.id "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY top.coverage DESC, top.score, top.id"
        )
        expression = self.match_expression(plan)
        params = [*coverage_params, expression, today().isoformat(), limit, offset, expression]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [Hit(*row) for row in cursor.fetchall()]

    def suggest(self, words, limit):
        """Titles containing every word, the last one as a prefix."""
        *whole, last = words
        terms = [f'"{w}"' for w in whole] + [f'"{last}" *']
        expression = "title : (" + " AND ".join(terms) + ")"
        sql = (
            f"SELECT d.kind, d.title, d.url {self._FROM} "
            f"ORDER BY bm25({FTS_TABLE}, 1.0, 0.0, 0.0), length(d.title), d.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, today().isoformat(), limit])
            return [{"kind": kind, "title": title, "url": url} for kind, title, url in cursor.fetchall()]

    # --- Typo correction -------------------------------------------------------

    def corrections(self, words):
        """Map each unknown word to the nearest word in the fts5vocab vocabulary.

        One query fetches the known words and, for each unknown one, the
        vocabulary words sharing its first two letters and within two letters
        of its length; difflib picks the nearest.
        """
        words = typo_candidates(words)
        if not words:
            return {}
        clauses, params = [], []
        for word in words:
            clauses.append("(term >= %s AND term < %s AND length(term) BETWEEN %s AND %s)")
            prefix = word[:2]
            params += [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1), len(word) - 2, len(word) + 2]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term, doc FROM {VOCAB_TABLE} WHERE {' OR '.join(clauses)}", params)  # noqa: S608
            vocabulary = dict(cursor.fetchall())
        result = {}
        for word in words:
            if word in vocabulary:
                continue
            near = {t: n for t, n in vocabulary.items() if t.startswith(word[:2])}
            correction = closest_word(word, near)
            if correction:
                result[word] = correction
        return result

    # --- Index upkeep ----------------------------------------------------------

    def documents_saved(self, ids):
        """Nothing to do: triggers keep the FTS5 tables in step with the documents."""

    def reindex_all(self):
        """Rebuild both FTS5 tables from ``guides_searchdocument``."""
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, WORDS_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608

    def check_index(self):
        """Raise if a sync trigger is missing or an FTS5 table disagrees with the documents."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                           [SearchDocument._meta.db_table])
            if cursor.fetchone()[0] != 6:
                raise AssertionError("The search index triggers are missing; recreate them (see migration 0002).")
            for table in (FTS_TABLE, WORDS_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")  # noqa: S608


def document_vector():
    """Title weight A, summary B, body C.

    Slashes become spaces first: PostgreSQL's parser reads "mg/dL" as one
    file-path token, and readers search for "mg" and "dl".
    """
    def part(column, weight):
        text = Replace(column, Value("/"), Value(" "), output_field=TextField())
        return SearchVector(text, weight=weight, config=CONFIG)

    return part("title", "A") + part("summary", "B") + part("body", "C")


class PostgresBackend:
    """Weighted SearchVector with a GIN index, websearch_to_tsquery, SearchHeadline, pg_trgm."""

    vendor = "postgresql"

    # --- Queries ---------------------------------------------------------------

    @staticmethod
    def concept_query(concept):
        """One concept as a tsquery: each alternative through websearch_to_tsquery, OR-ed.

        Words are letters and digits only; a phrase is quoted so websearch
        matches its words in order.
        """
        query = None
        for words in concept.alternatives:
            text = words[0] if len(words) == 1 else '"' + " ".join(words) + '"'
            alternative = SearchQuery(text, search_type="websearch", config=CONFIG)
            query = alternative if query is None else query | alternative
        return query

    @staticmethod
    def weighted_concept_query(concept, weight):
        """One concept as a tsquery that only matches lexemes of ``weight`` (A title, B summary)."""
        alternatives = [" <-> ".join(f"{w}:{weight}" for w in words) for words in concept.alternatives]
        return SearchQuery(" | ".join(f"({a})" for a in alternatives), search_type="raw", config=CONFIG)

    def search_query(self, plan):
        """The plan as one tsquery: any concept."""
        query = None
        for concept in plan.concepts:
            query = self.concept_query(concept) if query is None else query | self.concept_query(concept)
        return query

    def coverage(self, plan):
        """An expression scoring where each concept matches (see ``COVERAGE_POINTS``)."""
        total = None
        for concept in plan.concepts:
            for column, points in coverage_points(plan):
                weight = {"title": "A", "summary": "B"}.get(column)
                query = self.weighted_concept_query(concept, weight) if weight else self.concept_query(concept)
                matched = ExpressionWrapper(Q(search_vector=query), output_field=BooleanField())
                term = Cast(matched, IntegerField()) * Value(points)
                total = term if total is None else total + term
        return total

    @staticmethod
    def _documents():
        return SearchDocument.objects.filter(Q(published__isnull=True) | Q(published__lte=today()))

    def count(self, plan):
        return self._documents().filter(search_vector=self.search_query(plan)).count()

    def hits(self, plan, offset, limit):
        query = self.search_query(plan)
        marks = {"start_sel": MARK_START, "stop_sel": MARK_END, "config": CONFIG}
        rows = (
            self._documents()
            .filter(search_vector=query)
            .annotate(
                coverage=self.coverage(plan),
                rank=SearchRank(F("search_vector"), query) * Case(
                    *[When(kind=k, then=Value(b)) for k, b in KIND_BOOST.items()], default=Value(1.0),
                ),
                summary_snippet=SearchHeadline("summary", query, highlight_all=True, **marks),
                body_snippet=SearchHeadline(
                    "body", query, max_words=BODY_TOKENS, min_words=BODY_TOKENS // 2, max_fragments=2,
                    fragment_delimiter=" … ", **marks,
                ),
            )
            .order_by("-coverage", "-rank", "id")
            .values_list("kind", "title", "url", "topic", "topic_url", "summary_snippet", "body_snippet")
        )[offset:offset + limit]
        return [Hit(*row) for row in rows]

    def suggest(self, words, limit):
        """Titles containing every word, the last one as a prefix (weight A = title)."""
        *whole, last = words
        raw = " & ".join([f"{w}:A" for w in whole] + [f"{last}:*A"])
        query = SearchQuery(raw, search_type="raw", config=CONFIG)
        rows = (
            self._documents()
            .filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "title", "id")
            .values("kind", "title", "url")[:limit]
        )
        return list(rows)

    # --- Typo correction -------------------------------------------------------

    def corrections(self, words):
        """Map each unknown word to its nearest ``SearchWord``.

        One query: for every word, the five most similar vocabulary words by
        trigram similarity (pg_trgm; ``%`` uses the trigram GIN index). An
        exact match means the word is known; otherwise the nearest of the five
        by edit distance wins, as on SQLite.
        """
        words = typo_candidates(words)
        if not words:
            return {}
        sql = (  # the table name is a constant; the words are a parameter
            "SELECT q.w, s.word, similarity(s.word, q.w) FROM unnest(%s::text[]) AS q(w) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT word FROM {SearchWord._meta.db_table} "
            "WHERE word %% q.w ORDER BY similarity(word, q.w) DESC, word LIMIT 5) AS s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [words])
            rows = cursor.fetchall()
        result = {}
        for word in words:
            near = {candidate: similarity for w, candidate, similarity in rows if w == word}
            if word in near:
                continue
            correction = closest_word(word, near)
            if correction:
                result[word] = correction
        return result

    # --- Index upkeep ----------------------------------------------------------

    _WORDS = (
        "SELECT DISTINCT w FROM guides_searchdocument d, "
        "unnest(tsvector_to_array(to_tsvector('simple', d.title || ' ' || d.summary || ' ' || d.body))) AS w "
        "WHERE w ~ '^[[:alpha:]]{3,40}$'"
    )

    def documents_saved(self, ids):
        """Write the weighted vectors of these documents and add their words to the vocabulary."""
        ids = list(ids)
        if not ids:
            return
        SearchDocument.objects.filter(pk__in=ids).update(search_vector=document_vector())
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SearchWord._meta.db_table} (word) {self._WORDS} AND d.id = ANY(%s) "
                "ON CONFLICT (word) DO NOTHING",
                [ids],
            )

    def reindex_all(self):
        """Rewrite every vector and rebuild the vocabulary from scratch."""
        SearchDocument.objects.update(search_vector=document_vector())
        self.prune_vocabulary()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {SearchWord._meta.db_table} (word) {self._WORDS} ON CONFLICT (word) DO NOTHING")

    def prune_vocabulary(self):
        """Forget words no document contains any more."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SearchWord._meta.db_table} WHERE word NOT IN ({self._WORDS})")  # noqa: S608

    def check_index(self):
        """Raise if a document's vector is missing."""
        if SearchDocument.objects.filter(search_vector__isnull=True).exists():
            raise AssertionError("Some search documents have no search vector; run manage.py rebuildsearch.")
