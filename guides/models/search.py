"""Site search: reader synonyms (SearchTerm) and the search index (SearchDocument, SearchWord)."""

import re

import reversion
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models

SEARCH_TERM_RE = re.compile(r"^[^\W_]+( [^\W_]+)*$")


@reversion.register(ignore_duplicates=True)
class SearchTerm(models.Model):
    """A reader's word or spelling that site search also looks up as other words.

    ``term`` is matched against the words of a query ("water pill", "hypokalaemia");
    each line of ``expansions`` is searched as well ("diuretic", "low potassium").
    Both are written in lower case, words separated by single spaces.
    """

    term = models.CharField(
        max_length=100, unique=True, help_text="Lower case, words separated by single spaces, no punctuation."
    )
    expansions = models.TextField(help_text="What to search for as well: one word or phrase per line.")

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def expansion_list(self):
        return [line.strip() for line in self.expansions.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if not SEARCH_TERM_RE.match(self.term) or self.term != self.term.lower():
            errors["term"] = "Write the term in lower case, words separated by single spaces, no punctuation."
        bad = [e for e in self.expansion_list() if not SEARCH_TERM_RE.match(e) or e != e.lower()]
        if bad:
            errors["expansions"] = f"Use lower-case words and spaces only, one per line: {', '.join(bad)}"
        elif not self.expansion_list():
            errors["expansions"] = "Give at least one word or phrase."
        if errors:
            raise ValidationError(errors)


class SearchDocument(models.Model):
    """One searchable item (a guide, FAQ, food or supplement form) as plain text.

    Kept in step with the content by ``guides.search.index``, which also tells the
    database's backend which rows it wrote (``documents_saved``). Each database
    indexes this table its own way (see ``guides.search.backends``):

    - SQLite: FTS5 tables over this table, kept in sync by triggers
      (created in migration 0002, not visible to the ORM);
    - PostgreSQL: ``search_vector`` (title weight A, summary B, body C),
      written on save, with a GIN index created in migration 0002.
      It is always empty on SQLite.
    """

    class Kind(models.TextChoices):
        GUIDE = "guide", "Guide"
        FAQ = "faq", "FAQ"
        FOOD = "food", "Food"
        SUPPLEMENT = "supplement", "Supplement form"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    topic = models.CharField(max_length=100, blank=True)
    topic_url = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True, help_text="Hidden from search before this date.")
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_unique_object"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class SearchWord(models.Model):
    """A word that occurs in the search index: PostgreSQL's typo-correction vocabulary.

    Filled by ``guides.search.backends`` and matched with pg_trgm. SQLite reads
    its vocabulary from an fts5vocab table instead, so this table stays empty there.
    """

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word
