"""The content quality gate behind ``manage.py checkcontent``.

It reads the database (after ``loadcontent``), never the Markdown files, and
fills in each page's links and tables as a page does, so it checks exactly
what readers are served. ``run`` returns a ``Report``: one
``GuideStats`` row per published guide, the median reading grade, the number of
references cited site-wide, and a list of ``Problem``s. No problems means the
content passes.

Rules (issue 4):

- Readability: each published guide's prose has a Flesch–Kincaid grade
  (textstat 0.7.8) of at most 9, and the median over guides is at most 8.
  Each guide's prose is 800–2,000 words.
- Sourcing: each guide cites at least 3 distinct references (``Citation`` rows);
  each FAQ answer cites a reference or links to a published guide that does.
- Review and linking: each guide has a reviewer, last-reviewed and
  next-review-due dates, a 50–160 character summary, at least 3 distinct
  internal links to other guides, and a topic.
- Each topic has at least 3 published guides.
- Data: each FAQ is attached to a guide and at least one topic; there are at
  least 60 FAQs and at least 30 distinct references cited; every food value
  (magnesium, potassium, calcium, sodium) and every supplement form's elemental
  percentage equals ``facts.json``, and every facts row is present.

What counts as prose (``prose_text``): the visible text of the rendered body
(``body_html``) without data tables (``div.table-wrap``, ``table``) and the
"Source:" line under them, without footnotes and any table of contents, without
citation markers (``sup.cite``), and without callout titles ("Seek urgent
care"), which are labels rather than sentences. Headings stay: they are
question-led sentences readers read. The sources list is not part of
``body_html`` (the template renders it from ``Citation`` rows). Each block
(paragraph, list item, heading) ends a sentence, as it does for a reader: a
block that does not end in . ! ? or : gets a full stop, so a heading or a list
item is not run into the next sentence (a colon leads into the list after it).
Word counts are of this prose, so they leave out table cells.
"""

import json
import re
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..models import FAQ, Article, Citation, Food, SlugHistory, SupplementForm, Topic
from ..rendering import resolvers
from ..rendering.placeholders import fill
from .prose import cited_keys, linked_guides, prose_text, readability

MAX_GRADE = 9
MAX_MEDIAN_GRADE = 8
MIN_WORDS, MAX_WORDS = 800, 2000
MIN_REFERENCES = 3
MIN_INTERNAL_LINKS = 3
MIN_SUMMARY, MAX_SUMMARY = 50, 160
MIN_TOPIC_GUIDES = 3
MIN_FAQS = 60
MIN_REFERENCES_SITE = 30

NUTRIENTS = ("magnesium", "potassium", "calcium")
# facts.json names a food differently from content/foods.yaml only here: the
# potassium table's green soybeans are the magnesium table's edamame (1/2 cup),
# and the potassium table's "plain yogurt, nonfat, 1 cup" is the calcium table's
# "yogurt, plain, nonfat, 8 ounces" (one row in foods.yaml, "8 ounces (1 cup)").
FOOD_ALIASES = {"soybeans, green, cooked": "edamame, shelled, cooked", "plain yogurt, nonfat": "yogurt, plain, nonfat"}
SERVING_ALIASES = {("yogurt, plain, nonfat", "1 cup"): "8 ounces"}


@dataclass(frozen=True)
class Problem:
    """One failed rule, about one guide, FAQ, topic, food or form."""

    subject: str  # e.g. "guide magnesium-deficiency", 'FAQ "Is ...?"', "food banana (1 medium)"
    message: str

    def __str__(self):
        return f"{self.subject}: {self.message}"


@dataclass
class GuideStats:
    slug: str
    words: int
    grade: float
    references: int
    internal_links: int


@dataclass
class Report:
    guides: list = field(default_factory=list)
    median_grade: float | None = None
    references_cited: int = 0
    faqs: int = 0
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


# --- Rules --------------------------------------------------------------------


@dataclass
class Draft:
    """What the gate reads of a guide: its served HTML and the facts around it (saved or staged)."""

    slug: str
    html: str
    references: int
    summary: str
    topics: int
    reviewer: bool = True
    last_reviewed: bool = True
    next_review_due: bool = True


def guide_rules(draft, old_slugs):
    """(stats, problems) for one guide: the editorial rules, as plain messages naming each rule."""
    words, grade = readability(prose_text(draft.html))
    links = len(linked_guides(draft.html, old_slugs) - {draft.slug})
    problems = []
    if grade > MAX_GRADE:
        problems.append(f"Flesch-Kincaid grade {grade:.2f} is above {MAX_GRADE}")
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(f"{words} words of prose; a guide needs {MIN_WORDS}-{MAX_WORDS}")
    if draft.references < MIN_REFERENCES:
        problems.append(f"cites {draft.references} distinct reference(s); at least {MIN_REFERENCES} needed")
    if not draft.reviewer:
        problems.append("has no reviewer")
    if not draft.last_reviewed:
        problems.append("has no last-reviewed date")
    if not draft.next_review_due:
        problems.append("has no next-review-due date")
    if not MIN_SUMMARY <= len(draft.summary) <= MAX_SUMMARY:
        problems.append(f"summary is {len(draft.summary)} characters; it must be {MIN_SUMMARY}-{MAX_SUMMARY}")
    if links < MIN_INTERNAL_LINKS:
        problems.append(f"links to {links} other guide(s); at least {MIN_INTERNAL_LINKS} needed")
    if not draft.topics:
        problems.append("has no topic")
    return GuideStats(draft.slug, words, grade, draft.references, links), problems


def old_slug_map():
    return dict(SlugHistory.objects.values_list("old_slug", "article__slug"))


def check_guides(report):
    """Readability, sourcing, review dates, summary, links and topics of published guides."""
    old_slugs = old_slug_map()
    guides = list(Article.objects.published().select_related("reviewer").prefetch_related("topics").order_by("slug"))
    lookups = resolvers.lookups(*(guide.body_html for guide in guides))
    for guide in guides:
        draft = Draft(
            guide.slug,
            fill(guide.body_html, lookups),
            guide.citations.count(),
            guide.summary,
            len(guide.topics.all()),
            guide.reviewer_id is not None,
            guide.last_reviewed is not None,
            guide.next_review_due is not None,
        )  # as readers are served it
        stats, problems = guide_rules(draft, old_slugs)
        report.guides.append(stats)
        report.problems += [Problem(f"guide {guide.slug}", message) for message in problems]
    if report.guides:
        report.median_grade = statistics.median(g.grade for g in report.guides)
        if report.median_grade > MAX_MEDIAN_GRADE:
            report.problems.append(
                Problem("guides", f"median Flesch-Kincaid grade {report.median_grade:.2f} is above {MAX_MEDIAN_GRADE}")
            )


def check_faqs(report):
    """Each published FAQ is sourced and attached; there are enough of them."""
    old_slugs = dict(SlugHistory.objects.values_list("old_slug", "article__slug"))
    sourced_guides = set(Article.objects.published().filter(citations__isnull=False).values_list("slug", flat=True))
    faqs = list(FAQ.objects.published().select_related("article").prefetch_related("topics"))
    lookups = resolvers.lookups(*(faq.answer_html for faq in faqs))
    for faq in faqs:
        report.faqs += 1
        subject = f'FAQ "{faq.question}"'
        html = fill(faq.answer_html, lookups)
        if not cited_keys(html) and not linked_guides(html, old_slugs) & sourced_guides:
            report.problems.append(
                Problem(subject, "the answer neither cites a reference nor links to a guide that does")
            )
        if faq.article_id is None:
            report.problems.append(Problem(subject, "is not attached to a guide"))
        if not faq.topics.all():
            report.problems.append(Problem(subject, "has no topic"))
    if report.faqs < MIN_FAQS:
        report.problems.append(Problem("faqs", f"{report.faqs} published FAQs; at least {MIN_FAQS} needed"))


def check_topics(report):
    """Each topic gathers at least ``MIN_TOPIC_GUIDES`` published guides."""
    published = Article.objects.published()
    for topic in Topic.objects.order_by("slug"):
        count = published.filter(topics=topic).count()
        if count < MIN_TOPIC_GUIDES:
            report.problems.append(
                Problem(f"topic {topic.slug}", f"has {count} published guide(s); at least {MIN_TOPIC_GUIDES} needed")
            )


def references_cited():
    """Distinct references cited by published guides and FAQ answers."""
    keys = set(
        Citation.objects.filter(article__in=Article.objects.published()).values_list("reference__key", flat=True)
    )
    for html in FAQ.objects.published().values_list("answer_html", flat=True):
        keys |= cited_keys(html)
    return keys


def check_references(report):
    report.references_cited = len(references_cited())
    if report.references_cited < MIN_REFERENCES_SITE:
        report.problems.append(
            Problem(
                "references",
                f"{report.references_cited} distinct references cited; at least {MIN_REFERENCES_SITE} needed",
            )
        )


# --- Facts --------------------------------------------------------------------


def _normalise(text):
    """Lower case, no parenthesised notes, single spaces: "Spinach, cooked (note)" -> "spinach, cooked"."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    text = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", text))
    return re.sub(r",\s*,", ",", text).strip(" ,")


def food_key(name, serving):
    name = _normalise(name)
    name = FOOD_ALIASES.get(name, name)
    serving = _normalise(serving)
    return name, SERVING_ALIASES.get((name, serving), serving)


def form_key(name):
    """ "magnesium glycinate / bisglycinate (diglycinate)" -> "magnesium glycinate"."""
    return _normalise(name).split("/")[0].strip()


def check_foods(report, facts):
    """Every facts food row is present with the same value; no food value lacks a facts row."""
    foods = {}
    for food in Food.objects.order_by("slug"):
        key = food_key(food.name, food.serving)
        if key in foods:
            report.problems.append(
                Problem(f"food {food.slug}", f"has the same name and serving as food {foods[key].slug}")
            )
        foods[key] = food
    backed = set()  # (food slug, nutrient) confirmed by a facts row
    for nutrient in NUTRIENTS:
        for row in facts.get(f"food_sources_{nutrient}", []):
            subject = f"food {row['food']} ({row['serving']})"
            food = foods.get(food_key(row["food"], row["serving"]))
            if food is None:
                report.problems.append(Problem(subject, f"is in facts.json ({nutrient}) but not in the foods"))
                continue
            expected = Decimal(str(row[f"{nutrient}_mg"]))
            actual = getattr(food, f"{nutrient}_mg")
            backed.add((food.slug, nutrient))
            if actual != expected:
                report.problems.append(
                    Problem(f"food {food.slug}", f"{nutrient} is {_mg(actual)}; facts.json says {_mg(expected)}")
                )
    for food in foods.values():
        for nutrient in (*NUTRIENTS, "sodium"):
            value = getattr(food, f"{nutrient}_mg")
            if value is not None and (food.slug, nutrient) not in backed:
                report.problems.append(
                    Problem(f"food {food.slug}", f"{nutrient} {_mg(value)} has no matching row in facts.json")
                )


def check_forms(report, facts):
    """Every facts supplement form is present with the same elemental percentage."""
    forms = {form_key(f.name): f for f in SupplementForm.objects.all()}
    seen = set()
    for row in facts.get("supplement_forms", []):
        key = form_key(row["form"])
        form = forms.get(key)
        if form is None:
            report.problems.append(Problem(f"form {row['form']}", "is in facts.json but not in the supplement forms"))
            continue
        seen.add(key)
        expected = Decimal(str(row["elemental_mg_percent"]))
        if form.elemental_percent != expected:
            report.problems.append(
                Problem(
                    f"form {form.slug}",
                    f"elemental magnesium is {form.elemental_percent}%; facts.json says {expected}%",
                )
            )
    for key, form in sorted(forms.items()):
        if key not in seen:
            report.problems.append(Problem(f"form {form.slug}", "has no matching row in facts.json"))


def _mg(value):
    return "unknown" if value is None else f"{value.normalize():f} mg"


# --- Entry point ----------------------------------------------------------------


def run(facts_path):
    """Run every rule against the database; facts come from ``facts_path``."""
    facts = json.loads(Path(facts_path).read_text(encoding="utf-8"))
    report = Report()
    check_guides(report)
    check_topics(report)
    check_faqs(report)
    check_references(report)
    check_foods(report, facts)
    check_forms(report, facts)
    return report
