"""The SQLite search backend: FTS5 with an external-content table (see ``base`` for what both backends answer)."""

from django.db import connection

from ...models import SearchDocument, today
from .base import (
    BM25_WEIGHTS,
    BODY_TOKENS,
    FTS_TABLE,
    KIND_BOOST,
    MAX_RANKED,
    SUMMARY_TOKENS,
    VOCAB_TABLE,
    WORDS_TABLE,
    Hit,
    SearchBackend,
    closest_word,
    coverage_points,
    typo_candidates,
)


class SQLiteBackend(SearchBackend):
    """FTS5 with an external-content table, bm25() column weights and snippet()."""

    vendor = "sqlite"

    # --- Queries ---------------------------------------------------------------

    @staticmethod
    def concept_expression(concept, column=None):
        """One concept as FTS5: its alternatives, quoted, OR-ed, optionally limited to a column."""
        expression = "(" + " OR ".join('"' + " ".join(words) + '"' for words in concept.alternatives) + ")"
        return f"{column} : {expression}" if column else expression

    def match_expression(self, plan, operator="OR"):
        """The plan as an FTS5 query. Every word is quoted, so no input is FTS syntax."""
        return f" {operator} ".join(self.concept_expression(c) for c in plan.concepts)

    _FROM = (
        f"FROM {FTS_TABLE} JOIN guides_searchdocument d ON d.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s AND (d.published IS NULL OR d.published <= %s)"
    )

    def matches(self, plan, score=True):
        """The documents to rank (see ``MAX_RANKED``), with their bm25(), as SQL and parameters.

        FTS5 lists matches in rowid order, so each part stops after
        ``MAX_RANKED`` rows. bm25() depends only on the query's phrases, so a
        document found by both parts has the same score in each.
        """
        expressions = [self.match_expression(plan)]
        if len(plan.concepts) > 1:
            expressions.append(self.match_expression(plan, "AND"))
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        scores = f", bm25({FTS_TABLE}, {weights}) AS bm25" if score else ""
        part = (
            f"SELECT * FROM (SELECT {FTS_TABLE}.rowid AS id{scores} {self._FROM} "  # noqa: S608
            f"ORDER BY {FTS_TABLE}.rowid LIMIT %s)"
        )
        params = [value for e in expressions for value in (e, today().isoformat(), MAX_RANKED)]
        return " UNION ALL ".join([part] * len(expressions)), params

    def count(self, plan):
        """How many documents the query ranks (at most twice ``MAX_RANKED``)."""
        matches, params = self.matches(plan, score=False)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(DISTINCT id) FROM ({matches})", params)  # noqa: S608
            return cursor.fetchone()[0]

    def coverage(self, plan):
        """SQL and parameters scoring where each concept matches (see ``COVERAGE_POINTS``).

        Each concept's matches are read only up to the last pooled document.
        """
        terms, params = [], []
        for concept in plan.concepts:
            for column, points in coverage_points(plan):
                terms.append(
                    f"{points} * (d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
                    "AND rowid <= (SELECT max(id) FROM pool)))"
                )
                params.append(self.concept_expression(concept, column))
        return " + ".join(terms), params

    def hits(self, plan, offset, limit):
        """One page of the pool, best first: by coverage, then bm25() times the kind's boost.

        The ranking runs first (CTEs that read no text); ``snippet()`` then
        runs only for the page's rows, not for every match.
        """
        matches, pool_params = self.matches(plan)
        coverage, coverage_params = self.coverage(plan)
        boost = "CASE d.kind " + " ".join(f"WHEN '{k}' THEN {b}" for k, b in KIND_BOOST.items()) + " ELSE 1.0 END"
        sql = (  # table names are constants; every value is a parameter
            f"WITH pool AS (SELECT id, min(bm25) AS bm25 FROM ({matches}) GROUP BY id), "  # noqa: S608
            f"top AS (SELECT d.id AS id, {coverage} AS coverage, pool.bm25 * {boost} AS score "
            "FROM pool JOIN guides_searchdocument d ON d.id = pool.id "
            "ORDER BY coverage DESC, score, d.id LIMIT %s OFFSET %s) "
            "SELECT d.kind, d.title, d.url, d.topic, d.topic_url, "
            f"snippet({FTS_TABLE}, 1, char(2), char(3), '…', {SUMMARY_TOKENS}), "
            f"snippet({FTS_TABLE}, 2, char(2), char(3), '…', {BODY_TOKENS}) "
            f"FROM top JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = top.id JOIN guides_searchdocument d ON d.id = top.id "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid <= (SELECT max(id) FROM pool) "
            "ORDER BY top.coverage DESC, top.score, top.id"
        )
        params = [*pool_params, *coverage_params, limit, offset, self.match_expression(plan)]
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

        One query finds which words the unstemmed index knows (a match stops
        at the first document); if some are unknown, a second fetches the
        vocabulary words sharing their first two letters and within two
        letters of their length, and difflib picks the nearest.
        """
        words = typo_candidates(words)
        if not words:
            return {}
        known = " UNION ALL ".join(
            f"SELECT %s WHERE EXISTS (SELECT 1 FROM {WORDS_TABLE} WHERE {WORDS_TABLE} MATCH %s)"  # noqa: S608
            for _ in words
        )
        with connection.cursor() as cursor:
            cursor.execute(known, [value for word in words for value in (word, f'"{word}"')])
            words = [word for word in words if word not in {row[0] for row in cursor.fetchall()}]
            if not words:
                return {}
            clauses, params = [], []
            for word in words:
                clauses.append("(term >= %s AND term < %s AND length(term) BETWEEN %s AND %s)")
                prefix = word[:2]
                params += [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1), len(word) - 2, len(word) + 2]
            cursor.execute(f"SELECT term, doc FROM {VOCAB_TABLE} WHERE {' OR '.join(clauses)}", params)  # noqa: S608
            vocabulary = dict(cursor.fetchall())
        result = {}
        for word in words:
            near = {t: n for t, n in vocabulary.items() if t.startswith(word[:2])}
            correction = closest_word(word, near)
            if correction:
                result[word] = correction
        return result

    # --- Index upkeep ----------------------------------------------------------

    def documents_saved(self, ids):
        """Nothing to do: triggers keep the FTS5 tables in step with the documents."""

    def refresh_statistics(self):
        """``ANALYZE``: SQLite keeps no planner statistics by itself.

        Without them it takes an index on an equality (``status =``) over one
        that reads rows in the wanted order, and sorts every guide to show a
        page of the guides index or a sitemap part.
        """
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def reindex_all(self):
        """Rebuild both FTS5 tables from ``guides_searchdocument``."""
        with connection.cursor() as cursor:
            for table in (FTS_TABLE, WORDS_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608

    def check_index(self):
        """Raise if a sync trigger is missing or an FTS5 table disagrees with the documents."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [SearchDocument._meta.db_table],
            )
            if cursor.fetchone()[0] != 6:
                raise AssertionError("The search index triggers are missing; recreate them (see migration 0002).")
            for table in (FTS_TABLE, WORDS_TABLE):
                cursor.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")  # noqa: S608
