"""Reference data that guides and tools draw on: foods, supplement forms, medicine interactions, intakes."""

import reversion
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from .base import RenderedMarkdown
from .sources import Reference


@reversion.register(ignore_duplicates=True)
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
    magnesium_mg = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    potassium_mg = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    calcium_mg = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    sodium_mg = models.DecimalField(
        max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
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


@reversion.register(exclude=("body_html",), ignore_duplicates=True)
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
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
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


@reversion.register(ignore_duplicates=True)
class Interaction(models.Model):
    """A medicine that interacts with magnesium, each with its own label's timing.

    Two rows are products rather than medicines (milk of magnesia, calcium
    antacids): the checker knows their names, and says what they contain.
    """

    class Effect(models.TextChoices):
        ABSORPTION = "absorption", "Magnesium lowers the medicine's absorption"
        LOWERS = "lowers", "Lowers magnesium"
        RAISES = "raises", "Raises magnesium"
        CONTAINS_MAGNESIUM = "contains-magnesium", "Contains magnesium (counts toward the upper limit)"
        CONTAINS_CALCIUM = "contains-calcium", "Contains calcium, which binds some medicines as magnesium does"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    names = models.TextField(help_text="Generic and brand names, one per line.")
    effect = models.CharField(max_length=20, choices=Effect.choices)
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


@reversion.register(ignore_duplicates=True)
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
    age_max = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Exclusive. Empty means no upper bound."
    )
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
