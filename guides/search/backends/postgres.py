"""The PostgreSQL search backend (see ``guides.search.backends.base`` for what both backends answer).

``search_vector`` holds ``SearchVector`` weighted A (title), B (summary),
C (body), written on save and GIN-indexed; queries are
``websearch_to_tsquery``, ranked by ``SearchRank`` and highlighted by
``SearchHeadline``. Typos are matched with pg_trgm against ``SearchWord``.
"""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Cast, Replace

from ...models import SearchDocument, SearchWord, today
from .base import (
    BODY_TOKENS,
    CONFIG,
    KIND_BOOST,
    MARK_END,
    MARK_START,
    MAX_RANKED,
    Hit,
    SearchBackend,
    closest_word,
    coverage_points,
    typo_candidates,
)


def document_vector():
    """Title weight A, summary B, body C.

    Slashes become spaces first: PostgreSQL's parser reads "mg/dL" as one
    file-path token, and readers search for "mg" and "dl".
    """

    def part(column, weight):
        text = Replace(column, Value("/"), Value(" "), output_field=TextField())
        return SearchVector(text, weight=weight, config=CONFIG)

    return part("title", "A") + part("summary", "B") + part("body", "C")


class PostgresBackend(SearchBackend):
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

    def pool(self, plan):
        """The documents to rank (see ``MAX_RANKED``): the first matches by id, of any concept and of all."""
        queries = [self.search_query(plan)]
        if len(plan.concepts) > 1:
            every = None
            for concept in plan.concepts:
                every = self.concept_query(concept) if every is None else every & self.concept_query(concept)
            queries.append(every)
        first = Q()
        for query in queries:
            first |= Q(id__in=self._documents().filter(search_vector=query).order_by("id").values("id")[:MAX_RANKED])
        return self._documents().filter(first)

    def count(self, plan):
        """How many documents the query ranks (at most twice ``MAX_RANKED``)."""
        return self.pool(plan).count()

    def hits(self, plan, offset, limit):
        """One page of the pool, best first: by coverage, then text rank times the kind's boost."""
        query = self.search_query(plan)
        marks = {"start_sel": MARK_START, "stop_sel": MARK_END, "config": CONFIG}
        rows = (
            self.pool(plan)
            .annotate(
                coverage=self.coverage(plan),
                rank=SearchRank(F("search_vector"), query)
                * Case(
                    *[When(kind=k, then=Value(b)) for k, b in KIND_BOOST.items()],
                    default=Value(1.0),
                ),
                summary_snippet=SearchHeadline("summary", query, highlight_all=True, **marks),
                body_snippet=SearchHeadline(
                    "body",
                    query,
                    max_words=BODY_TOKENS,
                    min_words=BODY_TOKENS // 2,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **marks,
                ),
            )
            .order_by("-coverage", "-rank", "id")
            .values_list("kind", "title", "url", "topic", "topic_url", "summary_snippet", "body_snippet")
        )[offset : offset + limit]
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

    def refresh_statistics(self):
        """Nothing to do: autovacuum's autoanalyze keeps PostgreSQL's planner statistics current."""

    def reindex_all(self):
        """Rewrite every vector and rebuild the vocabulary from scratch."""
        SearchDocument.objects.update(search_vector=document_vector())
        self.prune_vocabulary()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SearchWord._meta.db_table} (word) {self._WORDS} ON CONFLICT (word) DO NOTHING"
            )

    def prune_vocabulary(self):
        """Forget words no document contains any more."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SearchWord._meta.db_table} WHERE word NOT IN ({self._WORDS})")  # noqa: S608

    def check_index(self):
        """Raise if a document's vector is missing."""
        if SearchDocument.objects.filter(search_vector__isnull=True).exists():
            raise AssertionError("Some search documents have no search vector; run manage.py rebuildsearch.")
