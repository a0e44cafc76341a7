"""checkcontent: the real content passes, and each rule fails on a bad case."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from guides.editorial import quality
from guides.models import FAQ, Article, Citation, Food, SupplementForm, Topic
from guides.rendering import pipeline as markdown
from guides.rendering import resolvers
from guides.rendering.placeholders import fill

from .factories import ArticleFactory, FAQFactory, TopicFactory

GUIDE = "magnesium-deficiency"


def checkcontent(*args):
    """Run the command; return (ok, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("checkcontent", *args, stdout=out, stderr=err)
    except CommandError:
        return False, out.getvalue(), err.getvalue()
    return True, out.getvalue(), err.getvalue()


def problems(subject=None):
    """Problem lines from a full run, optionally only those about ``subject``."""
    report = quality.run(settings.FACTS_FILE)
    return [str(p) for p in report.problems if subject is None or p.subject == subject]


def set_body(slug, body):
    """Change a guide's Markdown and re-render it, as admin or loadcontent would."""
    article = Article.objects.get(slug=slug)
    article.body = body
    article.save()
    return article


def unlink(body):
    """Turn every [[slug]] / [[slug|text]] link in ``body`` into plain text."""
    return re.sub(r"\[\[(?!table:)([^\]|]+)(?:\|([^\]]+))?\]\]", lambda m: m.group(2) or m.group(1), body)


# --- The real content --------------------------------------------------------


def test_real_content_passes_and_prints_the_table(content):
    ok, out, err = checkcontent()
    assert ok, err
    assert err == ""
    published = list(Article.objects.published().values_list("slug", flat=True))
    assert len(published) >= 22  # issue 4 lists 22 guides
    for slug in published:
        assert re.search(rf"^{slug}\s+\d+\s+\d+\.\d\s+\d+\s+\d+$", out, re.M), slug
    assert re.search(r"Median FK grade: \d+\.\d\d\.", out)
    assert re.search(r"Distinct references cited \(guides and FAQs\): \d+\.", out)
    assert "Content passes the quality gate." in out


def test_real_content_meets_the_data_rules(content):
    report = quality.run(settings.FACTS_FILE)
    assert report.ok, report.problems
    assert report.references_cited >= 30
    assert report.faqs >= 60
    assert report.median_grade <= 8
    assert all(g.grade <= 9 and 800 <= g.words <= 2000 for g in report.guides)
    facts = json.loads(settings.FACTS_FILE.read_text(encoding="utf-8"))
    assert len(facts["food_sources_magnesium"]) == 30
    assert SupplementForm.objects.count() == len(facts["supplement_forms"]) == 14


# --- What counts as prose -------------------------------------------------------


def test_prose_leaves_out_tables_sources_citations_and_callout_titles(content):
    stored = markdown.render(
        "Magnesium is in many foods [@ODS_MG_HP].\n\n"
        "[[table:foods-magnesium]]\n\n"
        '!!! urgent "Seek urgent care"\n    Call for help if you faint.\n\n'
        "## Which foods help?\n\n"
        "- Seeds and nuts\n- Beans\n\n"
        "Text with a note.[^1]\n\n[^1]: A footnote that is not prose.\n",
    ).html
    html = fill(stored, resolvers.lookups(stored))
    assert "Pumpkin seeds" in html and "Source:" in html and "Seek urgent care" in html  # the input has them
    text = quality.prose_text(html)
    assert text.splitlines() == [
        "Magnesium is in many foods.",
        "Call for help if you faint.",
        "Which foods help?",
        "Seeds and nuts.",
        "Beans.",
        "Text with a note.",
    ]


def test_prose_keeps_a_colon_and_decodes_entities():
    text = quality.prose_text("<p>Salt &amp; water:</p><ul><li>Drink <strong>to thirst</strong></li></ul>")
    assert text.splitlines() == ["Salt & water:", "Drink to thirst."]


def test_grade_is_measured_on_the_prose_only(content):
    article = Article.objects.get(slug="magnesium-food-sources")
    html = fill(article.body_html, resolvers.lookups(article.body_html))
    assert "<table" in html
    words, grade = quality.readability(quality.prose_text(html))
    stats = next(g for g in quality.run(settings.FACTS_FILE).guides if g.slug == article.slug)
    assert (stats.words, stats.grade) == (words, grade)
    assert words < article.word_count  # the table's words are not counted


# --- Guides ----------------------------------------------------------------------

HARD = (
    "Pharmacological magnesium supplementation demonstrates considerable interindividual variability "
    "regarding gastrointestinal absorption characteristics, particularly concerning organic versus "
    "inorganic formulations administered chronically to physiologically heterogeneous populations. "
)


def test_hard_prose_fails_the_grade_rule(content):
    article = Article.objects.get(slug=GUIDE)
    set_body(GUIDE, article.body + "\n\n" + HARD * 15)
    found = problems(f"guide {GUIDE}")
    assert len(found) == 1, found
    assert re.fullmatch(rf"guide {GUIDE}: Flesch-Kincaid grade (\d+\.\d\d) is above 9", found[0])


@pytest.mark.parametrize("grade, fails", [(9.0, False), (9.01, True)])
def test_grade_limit_of_9_is_not_rounded_away(content, monkeypatch, grade, fails):
    monkeypatch.setattr(quality, "readability", lambda text: (1000, grade))
    assert problems(f"guide {GUIDE}") == ([f"guide {GUIDE}: Flesch-Kincaid grade 9.01 is above 9"] if fails else [])


def test_median_above_8_fails_even_when_no_guide_is_above_9(content, monkeypatch):
    monkeypatch.setattr(quality, "readability", lambda text: (1000, 8.5))
    assert problems() == ["guides: median Flesch-Kincaid grade 8.50 is above 8"]


def test_median_of_8_passes(content, monkeypatch):
    monkeypatch.setattr(quality, "readability", lambda text: (1000, 8.0))
    assert problems() == []


@pytest.mark.parametrize("words, ok", [(799, False), (800, True), (2000, True), (2001, False)])
def test_guide_length_is_800_to_2000_words(content, monkeypatch, words, ok):
    monkeypatch.setattr(quality, "readability", lambda text: (words, 6.0))
    found = [p for p in problems() if "words of prose" in p]
    assert (found == []) == ok
    if not ok:
        assert f"guide {GUIDE}: {words} words of prose; a guide needs 800-2000" in found


def test_fewer_than_3_distinct_references_fails(content):
    article = Article.objects.get(slug=GUIDE)
    article.citations.filter(number__gt=3).delete()
    assert problems(f"guide {GUIDE}") == []
    article.citations.filter(number=3).delete()
    assert problems(f"guide {GUIDE}") == [f"guide {GUIDE}: cites 2 distinct reference(s); at least 3 needed"]


def test_citing_one_reference_many_times_counts_once(content):
    body = unlink(Article.objects.get(slug=GUIDE).body)
    body = re.sub(r"\[@[^\]]+\]", "[@ODS_MG_HP]", body)
    body = re.sub(r"^\[\[table:.*$", "", body, flags=re.M)  # tables cite their own sources
    body += "\n\nSee [[magnesium-testing]], [[magnesium-and-potassium]] and [[too-much-magnesium]].\n"
    article = set_body(GUIDE, body)
    assert list(article.citations.values_list("reference__key", flat=True)) == ["ODS_MG_HP"]
    assert problems(f"guide {GUIDE}") == [f"guide {GUIDE}: cites 1 distinct reference(s); at least 3 needed"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reviewer": None}, "has no reviewer"),
        ({"last_reviewed": None}, "has no last-reviewed date"),
        ({"next_review_due": None}, "has no next-review-due date"),
        ({"summary": "Too short to be a summary."}, "summary is 26 characters; it must be 50-160"),
        ({"summary": "x" * 49}, "summary is 49 characters; it must be 50-160"),
    ],
)
def test_missing_review_data_or_bad_summary_fails(content, change, message):
    Article.objects.filter(slug=GUIDE).update(**change)
    assert problems(f"guide {GUIDE}") == [f"guide {GUIDE}: {message}"]


def test_summary_of_50_and_160_characters_passes(content):
    for length in (50, 160):
        Article.objects.filter(slug=GUIDE).update(summary="x" * length)
        assert problems(f"guide {GUIDE}") == []


def test_guide_without_a_topic_fails(content):
    Article.objects.get(slug=GUIDE).topics.clear()
    assert f"guide {GUIDE}: has no topic" in problems(f"guide {GUIDE}")


def test_fewer_than_3_internal_links_fails(content):
    body = unlink(Article.objects.get(slug=GUIDE).body)
    # Two other guides, one of them twice, and a link to itself: 2 distinct links.
    body += f"\n\nSee [[magnesium-testing]], [[magnesium-testing|tests]], [[too-much-magnesium]] and [[{GUIDE}]].\n"
    set_body(GUIDE, body)
    assert problems(f"guide {GUIDE}") == [f"guide {GUIDE}: links to 2 other guide(s); at least 3 needed"]
    set_body(GUIDE, body + "\nAnd [[magnesium-and-potassium]].\n")
    assert problems(f"guide {GUIDE}") == []


def test_draft_guides_are_not_checked(content):
    draft = ArticleFactory(status=Article.Status.DRAFT, summary="Short.", reviewer=None, last_reviewed=None)
    assert not [p for p in problems() if draft.slug in p]


# --- Topics ----------------------------------------------------------------------


def test_topic_with_fewer_than_3_published_guides_fails(content):
    topic = TopicFactory(slug="new-topic")
    for slug in ("magnesium-testing", "magnesium-myths"):
        Article.objects.get(slug=slug).topics.add(topic)
    ArticleFactory(status=Article.Status.DRAFT, topics=[topic])
    assert problems("topic new-topic") == ["topic new-topic: has 2 published guide(s); at least 3 needed"]
    Article.objects.get(slug="too-much-magnesium").topics.add(topic)
    assert problems("topic new-topic") == []


def test_every_real_topic_has_3_guides(content):
    for topic in Topic.objects.all():
        assert Article.objects.published().filter(topics=topic).count() >= 3, topic.slug


# --- FAQs ------------------------------------------------------------------------


def faq(answer):
    item = FAQFactory(question="A new question?", answer=answer, article=Article.objects.get(slug=GUIDE))
    item.topics.set(Topic.objects.filter(slug="deficiency"))
    return item


def test_faq_without_citation_or_sourced_guide_link_fails(content):
    faq("Magnesium is a mineral.")
    assert problems('FAQ "A new question?"') == [
        'FAQ "A new question?": the answer neither cites a reference nor links to a guide that does'
    ]


@pytest.mark.parametrize("answer", ["It is a mineral [@ODS_MG_HP].", f"Read [[{GUIDE}]]."])
def test_faq_that_cites_or_links_a_sourced_guide_passes(content, answer):
    faq(answer)
    assert problems('FAQ "A new question?"') == []


def test_faq_linking_only_to_an_unsourced_guide_fails(content):
    Citation.objects.filter(article__slug="magnesium-testing").delete()
    faq("Read [[magnesium-testing]].")
    assert 'FAQ "A new question?": the answer neither cites a reference nor links to a guide that does' in problems()


def test_faq_must_be_attached_to_a_guide_and_a_topic(content):
    item = faq("It is a mineral [@ODS_MG_HP].")
    item.topics.clear()
    FAQ.objects.filter(pk=item.pk).update(article=None)
    assert problems('FAQ "A new question?"') == [
        'FAQ "A new question?": is not attached to a guide',
        'FAQ "A new question?": has no topic',
    ]


def test_fewer_than_60_faqs_fails(content):
    keep = list(FAQ.objects.order_by("order").values_list("pk", flat=True)[:59])
    FAQ.objects.exclude(pk__in=keep).delete()
    assert problems("faqs") == ["faqs: 59 published FAQs; at least 60 needed"]


def test_references_cited_site_wide_counts_guides_and_faqs(content):
    guide_keys = set(Citation.objects.values_list("reference__key", flat=True))
    assert quality.references_cited() >= guide_keys
    Citation.objects.all().delete()
    FAQ.objects.exclude(answer__contains="[@").delete()
    faq_keys = quality.references_cited()
    assert faq_keys and all(isinstance(k, str) for k in faq_keys)
    FAQ.objects.all().delete()
    assert quality.references_cited() == set()
    assert problems("references") == ["references: 0 distinct references cited; at least 30 needed"]


# --- Facts -----------------------------------------------------------------------


def test_food_value_that_differs_from_facts_fails(content):
    Food.objects.filter(slug="pumpkin-seeds-roasted").update(magnesium_mg=150)
    Food.objects.filter(slug="banana").update(potassium_mg=None)
    assert problems() == [
        "food pumpkin-seeds-roasted: magnesium is 150 mg; facts.json says 156 mg",
        "food banana: potassium is unknown; facts.json says 422 mg",
    ]


def test_missing_food_and_unsourced_value_fail(content):
    Food.objects.filter(slug="pumpkin-seeds-roasted").delete()
    Food.objects.filter(slug="apple").update(calcium_mg=Decimal("6"), sodium_mg=Decimal("2"))
    assert problems() == [
        "food Pumpkin seeds, roasted (1 ounce): is in facts.json (magnesium) but not in the foods",
        "food apple: calcium 6 mg has no matching row in facts.json",
        "food apple: sodium 2 mg has no matching row in facts.json",
    ]


def test_foods_match_facts_despite_notes_in_names(content):
    """'Spinach, cooked (its calcium is poorly absorbed)' and edamame's two names still match."""
    assert quality.food_key("Spinach, cooked (its calcium is poorly absorbed)", "1 cup") == quality.food_key(
        "Spinach, cooked", "1 cup"
    )
    assert quality.food_key("Soybeans, green (edamame), cooked", "1/2 cup") == ("edamame, shelled, cooked", "1/2 cup")
    assert (
        quality.form_key("magnesium glycinate / bisglycinate (diglycinate)")
        == quality.form_key("Magnesium glycinate (bisglycinate)")
        == "magnesium glycinate"
    )


def test_elemental_percent_that_differs_from_facts_fails(content):
    SupplementForm.objects.filter(slug="magnesium-oxide").update(elemental_percent=Decimal("60"))
    assert problems() == ["form magnesium-oxide: elemental magnesium is 60.0%; facts.json says 60.3%"]


def test_missing_supplement_form_fails(content):
    SupplementForm.objects.filter(slug="magnesium-orotate").delete()
    assert problems() == ["form magnesium orotate: is in facts.json but not in the supplement forms"]


# --- The command -------------------------------------------------------------------


def test_command_fails_with_one_line_per_problem(content):
    Food.objects.filter(slug="pumpkin-seeds-roasted").update(magnesium_mg=150)
    Article.objects.filter(slug=GUIDE).update(reviewer=None)
    ok, out, err = checkcontent()
    assert not ok
    assert err.splitlines() == [
        f"error: guide {GUIDE}: has no reviewer",
        "error: food pumpkin-seeds-roasted: magnesium is 150 mg; facts.json says 156 mg",
    ]
    assert "Median FK grade" in out  # the table is still printed


def test_command_reads_the_facts_file_it_is_given(content, tmp_path):
    facts = json.loads(settings.FACTS_FILE.read_text(encoding="utf-8"))
    facts["food_sources_magnesium"][0]["magnesium_mg"] = 157
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    ok, _out, err = checkcontent("--facts", str(path))
    assert not ok
    assert "error: food pumpkin-seeds-roasted: magnesium is 156 mg; facts.json says 157 mg" in err


def test_command_reports_an_unreadable_facts_file(content, tmp_path):
    with pytest.raises(CommandError, match="cannot read facts file"):
        call_command("checkcontent", "--facts", str(tmp_path / "missing.json"), stdout=io.StringIO())


def test_facts_file_is_the_in_repo_copy():
    assert settings.FACTS_FILE == settings.BASE_DIR / "guides" / "editorial" / "checked-facts.json"
    assert settings.FACTS_FILE.is_file()
