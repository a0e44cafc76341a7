"""Who writes the guides and what they cite: Person (authors, reviewers) and Reference."""

from urllib.parse import urlsplit

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse

cite_key_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", "Use letters, digits, _ . : or -.")
doi_validator = RegexValidator(r"^10\.\d{4,9}/\S+$", "A DOI looks like 10.1234/abc.")
pmid_validator = RegexValidator(r"^\d{1,9}$", "A PMID is digits only.")


@reversion.register(ignore_duplicates=True)
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
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The account this person signs reviews with: their approvals name them in the byline.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def get_absolute_url(self):
        return reverse("guides:person", args=[self.slug])


@reversion.register(ignore_duplicates=True)
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
    def site_name(self):
        """The host a plain URL points at, shown instead of the whole URL ("medlineplus.gov")."""
        host = urlsplit(self.url).hostname or "" if self.url else ""
        return host.removeprefix("www.")

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
