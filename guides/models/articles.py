"""The guides and their pages: Topic hubs, Article (with its Citations), FAQ, Page, SlugHistory."""

import math
import re

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from markdownx.models import MarkdownxField

from .base import WORDS_PER_MINUTE, RenderedMarkdown, next_year, today
from .sources import Person, Reference


@reversion.register(exclude=("intro_html",), ignore_duplicates=True)
class Topic(RenderedMarkdown, models.Model):
    """A topic hub: deficiency, excess, interactions, women, athletes, ..."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    summary = models.CharField(max_length=160)
    intro = models.TextField(blank=True, help_text="Markdown, shown at the top of the hub.")
    intro_html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    markdown_fields = {"intro": "intro_html"}

    def get_absolute_url(self):
        return reverse("guides:topic", args=[self.slug])


# Reader-facing lists run A to Z regardless of case ("Magnesium for anxiety" before "Magnesium for PMS").
A_TO_Z = (Lower("title"), "pk")


class ArticleQuerySet(models.QuerySet):
    def a_to_z(self):
        return self.order_by(*A_TO_Z)

    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published__lte=today())

    def for_listing(self):
        """Only what list pages show: no bodies."""
        return self.only(
            "slug", "title", "summary", "status", "parent_id", "author_id", "reviewer_id", "updated", "published"
        )


@reversion.register(exclude=("body_html", "toc_html", "word_count", "reading_minutes"), ignore_duplicates=True)
class Article(RenderedMarkdown, models.Model):
    """A guide page."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"  # not yet published; its changes are reviewed before it is
        PUBLISHED = "published", "Published"

    slug = models.SlugField(unique=True, max_length=100)
    title = models.CharField(max_length=120)
    summary = models.CharField(
        "quick summary", max_length=160, help_text="50–160 characters. Also the meta description."
    )
    key_points = models.TextField(blank=True, help_text="One point per line.")
    body = MarkdownxField(
        help_text="Markdown. [@key] cites a reference, [[slug]] links a guide, "
        '[[table:name]] embeds a data table, !!! urgent "Seek urgent care" adds a callout.'
    )
    body_html = models.TextField(editable=False, blank=True)
    toc_html = models.TextField(editable=False, blank=True)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The pillar guide this page belongs to.",
    )
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=False)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authored")
    reviewer = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published = models.DateField(default=today)
    updated = models.DateField(default=today)
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True, default=next_year)
    references = models.ManyToManyField(
        Reference, through="Citation", related_name="articles", blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "published"]),
            # The guides index (A to Z) and the sitemap read these in order without touching the rows.
            models.Index(Lower("title"), F("id"), F("status"), F("published"), name="article_a_to_z_idx"),
            models.Index(fields=["slug", "status", "published", "updated"], name="article_slug_sitemap_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guides:article", args=[self.slug])

    @property
    def review_overdue(self):
        """Whether the date for the next medical review has passed (readers are told so)."""
        return self.next_review_due is not None and self.next_review_due < today()

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.published <= today()

    def key_point_list(self):
        return [line.strip(" -*") for line in self.key_points.splitlines() if line.strip(" -*")]

    markdown_fields = {"body": "body_html"}
    cite_links = "local"

    def clean(self):
        if self.summary and not 50 <= len(self.summary) <= 160:
            raise ValidationError({"summary": "The summary must be 50–160 characters."})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "A guide cannot be its own parent."})
        if self.next_review_due and self.last_reviewed and self.next_review_due <= self.last_reviewed:
            raise ValidationError({"next_review_due": "Must be after the last-reviewed date."})
        super().clean()

    def rendered(self, results):
        body = results["body"]
        self.toc_html = body.toc_html
        self.word_count = len(re.findall(r"\w+", body.text))
        self.reading_minutes = max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    def markdown_saved(self, results):
        self.save_citations(results["body"].citations)

    def save_citations(self, citations):
        """Store the numbered source list (``[(key, occurrences)]`` in order of first use)."""
        keys = [key for key, _count in citations]
        refs = {r.key: r for r in Reference.objects.filter(key__in=keys)}
        wanted = [
            (number, refs[key].pk, count) for number, (key, count) in enumerate(citations, start=1) if key in refs
        ]
        current = list(self.citations.order_by("number").values_list("number", "reference_id", "occurrences"))
        if current != wanted:
            self.citations.all().delete()
            Citation.objects.bulk_create(
                Citation(article=self, number=n, reference_id=ref, occurrences=c) for n, ref, c in wanted
            )


class Citation(models.Model):
    """One numbered entry of a guide's source list, derived from its body."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations")
    number = models.PositiveSmallIntegerField()
    occurrences = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="citation_number_unique"),
            models.UniqueConstraint(fields=["article", "reference"], name="citation_reference_unique"),
        ]

    def __str__(self):
        return f"{self.article.slug} [{self.number}] {self.reference.key}"

    def backlinks(self):
        """Anchor ids of each place the reference is cited in the body."""
        return [f"cite-{self.number}-{i}" for i in range(1, self.occurrences + 1)]


class FAQQuerySet(models.QuerySet):
    def published(self):
        return self.filter(models.Q(article__isnull=True) | models.Q(article__in=Article.objects.published()))


@reversion.register(exclude=("answer_html",), ignore_duplicates=True)
class FAQ(RenderedMarkdown, models.Model):
    """A reader question with a short, cited answer."""

    question = models.CharField(max_length=200)
    answer = models.TextField(help_text="Markdown. Cite with [@key] or link a guide with [[slug]].")
    answer_html = models.TextField(editable=False, blank=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="faqs")
    topics = models.ManyToManyField(Topic, related_name="faqs", blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = FAQQuerySet.as_manager()

    class Meta:
        ordering = ["order", "question"]
        verbose_name = "FAQ"

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("guides:faq") + f"#faq-{self.pk}"

    markdown_fields = {"answer": "answer_html"}


@reversion.register(exclude=("body_html",), ignore_duplicates=True)
class Page(RenderedMarkdown, models.Model):
    """A site page such as About or Editorial policy, editable in admin."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=160)
    body = MarkdownxField()
    body_html = models.TextField(editable=False, blank=True)
    order = models.PositiveIntegerField(default=0)
    updated = models.DateField(default=today)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guides:page", args=[self.slug])

    markdown_fields = {"body": "body_html"}


@reversion.register(ignore_duplicates=True)
class SlugHistory(models.Model):
    """An old guide slug that now answers with a 301 to the guide."""

    old_slug = models.SlugField(unique=True, max_length=100)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta:
        verbose_name_plural = "slug history"

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
