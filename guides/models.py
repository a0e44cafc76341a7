"""Content models: guides and everything a guide draws on.

Markdown fields are rendered once, on save, by ``guides.markdown`` into the
matching ``*_html`` field. Views never render Markdown.
"""

import math
import re
from datetime import timedelta

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from . import markdown

cite_key_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", "Use letters, digits, _ . : or -.")
doi_validator = RegexValidator(r"^10\.\d{4,9}/\S+$", "A DOI looks like 10.1234/abc.")
pmid_validator = RegexValidator(r"^\d{1,9}$", "A PMID is digits only.")

WORDS_PER_MINUTE = 200


class RenderedMarkdown:
    """Models whose Markdown fields are rendered once, on save, by ``guides.markdown``.

    ``markdown_fields`` maps a source field to the field that holds its HTML.
    A loader can set ``_resolver`` so links and citations resolve against the
    files being loaded rather than the database.
    """

    markdown_fields = {}
    cite_links = "sources"

    def resolver(self):
        return getattr(self, "_resolver", None) or markdown.DatabaseResolver()

    def _render_key(self, text):
        """What a field's rendering depends on besides the database: its text and a loader's resolver."""
        return text, getattr(self, "_resolver", None)

    def render(self):
        """Render each Markdown field into its HTML field.

        A result that ``check_markdown()`` (run by ``clean()``) rendered from the
        same text is reused once, so a validated save renders each field once.
        """
        checked = getattr(self, "_checked_markdown", {})
        self._checked_markdown = {}  # a check's results serve one save at most
        resolver = self.resolver()
        for source, target in self.markdown_fields.items():
            text = getattr(self, source).replace("\r\n", "\n")
            setattr(self, source, text)
            key, rendered = checked.get(source, (None, None))
            if key != self._render_key(text):
                rendered = markdown.render(text, resolver=resolver, cite_links=self.cite_links)
            setattr(self, target, rendered.html)
            self.rendered(source, rendered)

    def rendered(self, source, result):
        """Hook for models that keep more than the HTML."""

    def check_markdown(self):
        """Render each Markdown field strictly: unknown citations, links or tables are errors.

        Each result is kept with the text it came from, for ``render()`` to reuse.
        """
        errors = {}
        self._checked_markdown = {}
        resolver = self.resolver()
        for source in self.markdown_fields:
            text = getattr(self, source).replace("\r\n", "\n")
            try:
                rendered = markdown.render(text, resolver=resolver, strict=True, cite_links=self.cite_links)
            except markdown.MarkdownError as exc:
                errors[source] = str(exc)
            else:
                self._checked_markdown[source] = (self._render_key(text), rendered)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        super().clean()
        self.check_markdown()

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)


def today():
    return timezone.localdate()


def next_year():
    return timezone.localdate() + timedelta(days=365)


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


class Person(models.Model):
    """An author or medical reviewer."""

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        REVIEWER = "reviewer", "Medical reviewer"
        BOTH = "both", "Author and reviewer"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AUTHOR)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self):
        return reverse("guides:person", args=[self.slug])


class Reference(models.Model):
    """A source that guides cite with ``[@key]``."""

    key = models.CharField(max_length=64, unique=True, validators=[cite_key_validator])
    authors = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=500)
    container = models.CharField("journal or publisher", max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    volume = models.CharField(max_length=30, blank=True)
    issue = models.CharField(max_length=30, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[doi_validator])
    pmid = models.CharField("PMID", max_length=12, blank=True, validators=[pmid_validator])
    url = models.URLField("URL", max_length=500, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.key

    def get_absolute_url(self):
        return reverse("guides:references") + f"#ref-{self.key}"

    def clean(self):
        if not (self.doi or self.pmid or self.url):
            raise ValidationError("A reference needs a DOI, a PMID or a URL.")

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def link(self):
        """The best link to the source itself."""
        return self.doi_url or self.url or self.pubmed_url

    def citation(self):
        """A plain-text citation, close to the NLM/Vancouver style."""
        parts = []
        if self.authors:
            parts.append(self.authors.rstrip(".") + ".")
        parts.append(self.title.rstrip(".") + ".")
        where = self.container
        if where:
            detail = ""
            if self.year:
                detail += f" {self.year}"
            if self.volume:
                detail += f";{self.volume}"
                if self.issue:
                    detail += f"({self.issue})"
            if self.pages:
                detail += f":{self.pages}"
            parts.append(f"{where}.{detail}." if detail else f"{where}.")
        elif self.year:
            parts.append(f"{self.year}.")
        return " ".join(parts).replace("..", ".")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED, published__lte=today())

    def for_listing(self):
        """Only what list pages show: no bodies."""
        return self.only("slug", "title", "summary", "parent_id", "author_id", "reviewer_id", "updated", "published")


class Article(RenderedMarkdown, models.Model):
    """A guide page."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
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
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        help_text="The pillar guide this page belongs to.",
    )
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=False)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authored")
    reviewer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="reviewed"
    )
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
        indexes = [models.Index(fields=["status", "published"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._save_citations(self._citations)
        before = getattr(self, "_visibility", None)
        self._visibility = self._visible_as()
        if before is not None and before != self._visibility:
            self.rerender_linking_guides(before[0])

    def get_absolute_url(self):
        return reverse("guides:article", args=[self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._visibility = instance._visible_as()
        return instance

    def _visible_as(self):
        """What other guides' links to this one depend on: its slug and whether readers see it."""
        return (self.__dict__.get("slug"), self.__dict__.get("status"), self.__dict__.get("published"))

    def rerender_linking_guides(self, *slugs):
        """Links to a guide are rendered on save: redo them when it is published, hidden or renamed."""
        for model in (Article, FAQ, Topic, SupplementForm, Page):
            query = models.Q()
            for slug in {self.slug, *slugs}:
                for field in model.markdown_fields:
                    query |= models.Q(**{f"{field}__contains": f"[[{slug}"})
            others = model.objects.filter(query)
            if model is Article:
                others = others.exclude(pk=self.pk)  # this guide has just been saved
            for other in others:
                other.save()

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

    def rendered(self, source, result):
        self.toc_html = result.toc_html
        self.word_count = len(re.findall(r"\w+", result.text))
        self.reading_minutes = max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))
        self._citations = result.citations

    def _save_citations(self, citations):
        """Store the numbered source list in order of first use."""
        keys = [key for key, _count in citations]
        refs = {r.key: r for r in Reference.objects.filter(key__in=keys)}
        wanted = [
            (number, refs[key].pk, count)
            for number, (key, count) in enumerate(citations, start=1)
            if key in refs
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


class Food(models.Model):
    """A food and its electrolytes per serving. Null means unknown, not zero."""

    class Category(models.TextChoices):
        SEEDS_NUTS = "seeds-nuts", "Seeds and nuts"
        GRAINS = "grains", "Grains"
        LEGUMES = "legumes", "Beans and legumes"
        VEGETABLES = "vegetables", "Vegetables"
        FRUIT = "fruit", "Fruit"
        DAIRY = "dairy", "Dairy and alternatives"
        FISH_MEAT = "fish-meat", "Fish and meat"
        OTHER = "other", "Other"

    # FDA Daily Values (FDA_DV_2016), used for %DV.
    DAILY_VALUES = {"magnesium": 420, "potassium": 4700, "calcium": 1300, "sodium": 2300}
    NUTRIENTS = ("magnesium", "potassium", "calcium", "sodium")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices)
    serving = models.CharField(max_length=80)
    grams = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    magnesium_mg = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True,
                                       validators=[MinValueValidator(0)])
    potassium_mg = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True,
                                       validators=[MinValueValidator(0)])
    calcium_mg = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    sodium_mg = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True,
                                    validators=[MinValueValidator(0)])
    sources = models.ManyToManyField(Reference, related_name="foods", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.serving})"

    def get_absolute_url(self):
        return reverse("guides:foods") + f"#food-{self.slug}"

    @property
    def percent_dv_magnesium(self):
        return self.percent_dv("magnesium")

    @property
    def percent_dv_potassium(self):
        return self.percent_dv("potassium")

    @property
    def percent_dv_calcium(self):
        return self.percent_dv("calcium")

    @property
    def percent_dv_sodium(self):
        return self.percent_dv("sodium")

    def percent_dv(self, nutrient):
        value = getattr(self, f"{nutrient}_mg")
        if value is None:
            return None
        return round(float(value) * 100 / self.DAILY_VALUES[nutrient])


class SupplementForm(RenderedMarkdown, models.Model):
    """A chemical form of magnesium sold as a supplement."""

    class Evidence(models.TextChoices):
        STRONG = "strong", "Good evidence"
        MODERATE = "moderate", "Some evidence"
        LIMITED = "limited", "Limited evidence"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    formula = models.CharField(max_length=80, blank=True)
    elemental_percent = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    absorption = models.TextField()
    evidence = models.CharField(max_length=10, choices=Evidence.choices, default=Evidence.LIMITED)
    laxative_effect = models.CharField(max_length=300, blank=True)
    best_for = models.CharField(max_length=300, blank=True)
    cautions = models.TextField(blank=True)
    body = MarkdownxField(blank=True)
    body_html = models.TextField(editable=False, blank=True)
    sources = models.ManyToManyField(Reference, related_name="supplement_forms", blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("guides:supplement", args=[self.slug])

    def elemental_mg(self, compound_mg):
        """Elemental magnesium in ``compound_mg`` of this compound."""
        if self.elemental_percent is None:
            return None
        return float(compound_mg) * float(self.elemental_percent) / 100

    markdown_fields = {"body": "body_html"}


class Interaction(models.Model):
    """A medicine (or class) that interacts with magnesium."""

    class Effect(models.TextChoices):
        ABSORPTION = "absorption", "Magnesium lowers the medicine's absorption"
        LOWERS = "lowers", "Lowers magnesium"
        RAISES = "raises", "Raises magnesium"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    names = models.TextField(help_text="Generic and brand names, one per line.")
    effect = models.CharField(max_length=12, choices=Effect.choices)
    what_happens = models.TextField()
    what_to_do = models.TextField()
    separation_hours = models.CharField(max_length=60, blank=True)
    sources = models.ManyToManyField(Reference, related_name="interactions", blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("guides:article", args=["magnesium-medicine-interactions"]) + f"#med-{self.slug}"

    def name_list(self):
        return [n.strip() for n in self.names.splitlines() if n.strip()]


class IntakeValue(models.Model):
    """A magnesium reference intake (RDA, AI) or supplemental upper limit (UL)."""

    class Kind(models.TextChoices):
        RDA = "RDA", "Recommended Dietary Allowance"
        AI = "AI", "Adequate Intake"
        UL = "UL", "Tolerable Upper Intake Level (supplements)"

    class Sex(models.TextChoices):
        ANY = "any", "Any"
        FEMALE = "female", "Female"
        MALE = "male", "Male"

    class Stage(models.TextChoices):
        NONE = "none", "None"
        PREGNANT = "pregnant", "Pregnant"
        BREASTFEEDING = "breastfeeding", "Breastfeeding"

    kind = models.CharField(max_length=3, choices=Kind.choices)
    sex = models.CharField(max_length=6, choices=Sex.choices, default=Sex.ANY)
    stage = models.CharField(max_length=13, choices=Stage.choices, default=Stage.NONE)
    age_min = models.DecimalField(max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    age_max = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                  help_text="Exclusive. Empty means no upper bound.")
    label = models.CharField(max_length=60)
    amount_mg = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: not established.")
    note = models.CharField(max_length=300, blank=True)
    sources = models.ManyToManyField(Reference, related_name="intake_values", blank=True)

    class Meta:
        ordering = ["kind", "stage", "age_min", "sex"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "sex", "stage", "age_min"], name="intake_unique_row"),
        ]

    def __str__(self):
        who = f"{self.get_sex_display()} {self.label}"
        if self.stage != self.Stage.NONE:
            who += f", {self.get_stage_display().lower()}"
        amount = f"{self.amount_mg} mg" if self.amount_mg is not None else "not established"
        return f"{self.kind} {who}: {amount}"

    def get_absolute_url(self):
        return reverse("guides:article", args=["how-much-magnesium"])


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


class SlugHistory(models.Model):
    """An old guide slug that now answers with a 301 to the guide."""

    old_slug = models.SlugField(unique=True, max_length=100)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta:
        verbose_name_plural = "slug history"

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


SEARCH_TERM_RE = re.compile(r"^[^\W_]+( [^\W_]+)*$")


class SearchTerm(models.Model):
    """A reader's word or spelling that site search also looks up as other words.

    ``term`` is matched against the words of a query ("water pill", "hypokalaemia");
    each line of ``expansions`` is searched as well ("diuretic", "low potassium").
    Both are written in lower case, words separated by single spaces.
    """

    term = models.CharField(max_length=100, unique=True,
                            help_text="Lower case, words separated by single spaces, no punctuation.")
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

    Kept in step with the content by ``guides.search_index``. Each database
    indexes this table its own way (see ``guides.search_backends``):

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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from .search_backends import get_backend

        get_backend().documents_saved([self.pk])


class SearchWord(models.Model):
    """A word that occurs in the search index: PostgreSQL's typo-correction vocabulary.

    Filled by ``guides.search_backends`` and matched with pg_trgm. SQLite reads
    its vocabulary from an fts5vocab table instead, so this table stays empty there.
    """

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word
