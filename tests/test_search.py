"""Site search: both backends pass the same tests (run once on SQLite, once on PostgreSQL)."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guides.models import FAQ, Article, Food, SearchDocument, SearchTerm, SearchWord, SupplementForm, Topic, today
from guides.search import index as search_index
from guides.search.backends import get_backend
from guides.search.backends.base import MARK_END, MARK_START
from guides.search.query import MAX_QUERY_CHARS, clean_query, parse, words_of
from guides.search.service import highlight, search

from .factories import ArticleFactory, FAQFactory, FoodFactory, TopicFactory

pytestmark = pytest.mark.usefixtures("content")

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))
MAX_QUERIES_PER_SEARCH = 8
WORD = "quokkaberry"  # in no real content


def urls(outcome, n=None):
    hits = list(outcome.page)[:n] if n else list(outcome.page)
    return [hit.url for hit in hits]


def pages(outcome, n=None):
    """Result URLs without #fragments: an FAQ counts as the guide it is on."""
    return [url.split("#")[0] for url in urls(outcome, n)]


def doc(title, summary="", body="", kind="guide", **extra):
    """A search document made directly, for backend tests."""
    object_id = 900000 + SearchDocument.objects.count()
    document = SearchDocument.objects.create(
        kind=kind,
        object_id=object_id,
        title=title,
        summary=summary,
        body=body,
        url=f"/test/{object_id}/",
        **extra,
    )
    get_backend().documents_saved([document.pk])  # as guides.search.index does after writing
    return document


def page_html(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def main_of(html):
    return html[html.index('<main id="main"') : html.index("</main>")]


# --- Ranking ------------------------------------------------------------------------


def test_title_match_ranks_above_summary_match_above_body_match():
    body_doc = doc("Third page", "Nothing to see.", f"Some text about {WORD}. More {WORD}. And {WORD} again.")
    summary_doc = doc("Second page", f"All about {WORD} in short.", "Plain words.")
    title_doc = doc(f"{WORD.capitalize()} facts", "A summary.", "A body.")
    assert urls(search(WORD)) == [title_doc.url, summary_doc.url, body_doc.url]


def test_more_query_words_in_the_title_rank_higher():
    one = doc(f"{WORD} only", "", "banana")
    both = doc(f"{WORD} and banana", "", "")
    assert urls(search(f"{WORD} banana"))[:2] == [both.url, one.url]


def test_ranks_guides_faqs_foods_and_supplement_forms():
    kinds = {hit.kind for hit in search("magnesium").page.paginator.object_list[0:200]}
    assert kinds == {"guide", "faq", "food", "supplement"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pumpkin seeds", "/foods/#food-pumpkin-seeds-roasted"),
        ("taurate", "/supplements/magnesium-taurate/"),
        ("leg cramps at night", "/guides/muscle-cramps-magnesium/"),
    ],
)
def test_each_kind_can_be_the_top_result(query, expected):
    assert urls(search(query))[0] == expected


# --- Forgiveness: typos, lay terms, British spellings -----------------------------------


@pytest.mark.parametrize(
    ("typed", "corrected", "expected"),
    [
        ("magnesuim", "magnesium", None),
        ("potasium", "potassium", "/guides/magnesium-and-potassium/"),
        ("electroyte imbalance", "electrolyte imbalance", "/guides/can-magnesium-cause-electrolyte-imbalance/"),
    ],
)
def test_misspellings_are_corrected_and_did_you_mean_is_offered(typed, corrected, expected):
    outcome = search(typed)
    assert outcome.did_you_mean == corrected
    assert outcome.total > 0
    if expected:
        assert expected in pages(outcome, 3)


def test_typos_are_corrected_against_the_index_vocabulary():
    target = doc(f"All about {WORD}")
    outcome = search("quokkabery")
    assert outcome.did_you_mean == WORD
    assert urls(outcome) == [target.url]


def test_no_did_you_mean_for_correct_words():
    assert search("magnesium potassium").did_you_mean == ""


def test_did_you_mean_only_when_the_correction_finds_more():
    # "supplementing" is not in the vocabulary but stems like "supplements":
    # a correction adds nothing, so it is not offered.
    assert search("supplementing").did_you_mean == ""


def test_did_you_mean_link_on_the_page(client):
    html = page_html(client, q="magnesuim")
    assert re.search(r'Did you mean <a href="/search/\?q=magnesium">magnesium</a>\?', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("leg cramps at night", "/guides/muscle-cramps-magnesium/"),
        ("water pill", "/guides/magnesium-medicine-interactions/"),
        ("low potassium", "/guides/magnesium-and-potassium/"),
        ("heart flutter", "/guides/magnesium-deficiency/"),
    ],
)
def test_lay_terms(query, expected):
    assert expected in pages(search(query), 5)


def test_lay_term_expansions_are_highlighted():
    snippets = " ".join(str(hit.snippet) for hit in search("water pill").page)
    assert "<mark>diuretic" in snippets.lower()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hypokalaemia", "/guides/magnesium-and-potassium/"),
        ("hypomagnesaemia", "/guides/magnesium-deficiency/"),
        ("hypermagnesaemia", "/guides/too-much-magnesium/"),
        ("diarrhoea magnesium", "/guides/magnesium-supplement-forms/"),
    ],
)
def test_british_spellings(query, expected):
    assert expected in pages(search(query), 3)


def test_search_terms_are_editable_data():
    target = doc(f"All about {WORD}")
    assert search("zorblax frib").total == 0
    SearchTerm.objects.create(term="zorblax frib", expansions=WORD)
    assert urls(search("zorblax frib")) == [target.url]


def test_search_terms_validate_their_format():
    with pytest.raises(ValidationError) as err:
        SearchTerm(term="Water Pill!", expansions="diuretic\nOK-ish").full_clean()
    assert set(err.value.message_dict) == {"term", "expansions"}
    SearchTerm(term="water pill", expansions="diuretic\nwater tablets").full_clean(validate_unique=False)


def test_search_terms_round_trip_through_content_files(tmp_path):
    call_command("exportcontent", "--dir", str(tmp_path), stdout=io.StringIO())
    exported = (tmp_path / "search-terms.yaml").read_text(encoding="utf-8")
    assert exported == (Path("content") / "search-terms.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(exported)
    assert {"term": "water pill", "expansions": ["diuretic", "diuretics"]} in entries
    assert any(e["term"] == "hypokalaemia" for e in entries)


def test_stop_words_alone_find_nothing_and_suggest_topics(client):
    html = page_html(client, q="what is the")
    assert "No results for" in html and 'class="results"' not in html
    assert Topic.objects.first().get_absolute_url() in html


# --- Bad input: always a normal page --------------------------------------------------

BAD_QUERIES = [
    "",
    " ",
    "x" * 1000,
    "magnesium " * 100,
    "magnesium\x00potassium",
    "\x00",
    "!!!???...,,;;",
    'AND OR NEAR * " ^ - ( )',
    "NEAR(magnesium potassium, 2)",
    '"unbalanced quote',
    "magnesium*",
    "title:magnesium",
    "{title summary}: magnesium",
    "^magnesium",
    "-magnesium",
    "magnesium AND",
    "(((",
    ")))",
    "1' OR '1'='1",
    "'; DROP TABLE guides_searchdocument; --",
    "magnesium%' UNION SELECT password FROM auth_user --",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "💊 magnesium",
    "ñoño magnésium",
    "１２３ ｍａｇｎｅｓｉｕｍ",
    "½ mg",
    "é",
    "مغنيسيوم",
    "a:b",
    "mg/dL",
    "k+ na+ mg2+",
    "\u200b\u200d\u2028",
    "zzzzqqqxxv",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_gets_a_normal_page(client, query):
    html = page_html(client, q=query)
    assert html.count("<h1") == 1
    box = re.search(r'<input id="q" type="search" name="q" value="([^"]*)"', html)
    assert box, "the search box is on the page"
    assert len(box.group(1)) <= MAX_QUERY_CHARS * 6  # escaped, never the whole 1,000 characters
    assert "<script>alert" not in html


def test_invalid_utf8_and_raw_nul_in_the_url(client):
    for raw in ("/search/?q=%FF%FE", "/search/?q=%00", "/search/?q=magnesium%00&page=%00"):
        assert client.get(raw).status_code == 200


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1e3", "", "2.5", "%00"])
def test_page_number_out_of_range_or_not_a_number(client, page):
    html = page_html(client, q="magnesium", page=page)
    assert 'class="results"' in html


def test_long_query_is_trimmed_and_stays_in_the_box(client):
    html = page_html(client, q="cramps " * 200)
    value = re.search(r'name="q" value="([^"]*)"', html).group(1)
    assert value.startswith("cramps cramps") and len(value) <= MAX_QUERY_CHARS


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_is_a_valid_search(text):
    outcome = search(clean_query(text), "1")
    assert outcome.total >= 0
    list(outcome.page)
    words = words_of(clean_query(text))
    if words:
        assert isinstance(get_backend().suggest(words, 8), list)


# --- Results page -----------------------------------------------------------------------


def test_results_are_an_ordered_list_inside_main(client):
    html = main_of(page_html(client, q="magnesium cramps"))
    assert '<ol class="results" start="1">' in html
    items = re.findall(r"<li>(.*?)</li>", html.split('<ol class="results"')[1].split("</ol>")[0], re.S)
    assert len(items) == 10
    for item in items:
        assert re.search(r'<h2><a href="/[^"]+">[^<]+</a></h2>', item)
        assert re.search(r'<p class="meta">(Guide|FAQ|Food|Supplement form)( · <a href="/[^"]+">[^<]+</a>)?</p>', item)
        assert '<p class="snippet">' in item


def test_result_shows_title_type_topic_and_highlighted_snippet(client):
    html = main_of(page_html(client, q="muscle cramps evidence"))
    guide = next(item for item in html.split("<li>") if 'href="/guides/muscle-cramps-magnesium/"' in item)
    assert '<h2><a href="/guides/muscle-cramps-magnesium/">Does magnesium help muscle cramps?' in guide
    assert '<p class="meta">Guide · <a href="/topics/' in guide
    assert re.search(r'<p class="snippet">[^<]*(<mark>[^<]+</mark>[^<]*)+</p>', guide)


@pytest.mark.parametrize("query", ["", "magnesium", "a very long question about magnesium & potassium levels"])
def test_page_title_is_short(client, query):
    title = re.search(r"<title>([^<]*)</title>", page_html(client, q=query)).group(1)
    assert len(title.replace("&amp;", "&")) <= 60
    assert title.startswith(query[:10].replace("&", "&amp;") if query else "Search")


def test_query_stays_in_the_box_escaped(client):
    html = page_html(client, q='cramps "at night" <b>')
    assert 'value="cramps &quot;at night&quot; &lt;b&gt;"' in html


def test_pagination(client):
    first = page_html(client, q="magnesium")
    second = page_html(client, q="magnesium", page=2)
    assert '<ol class="results" start="11">' in second
    assert 'href="/search/?q=magnesium&amp;page=2" rel="next"' in first
    assert 'href="/search/?q=magnesium" rel="prev"' in second
    first_links = set(re.findall(r'<h2><a href="([^"]+)"', first))
    second_links = set(re.findall(r'<h2><a href="([^"]+)"', second))
    assert first_links and second_links and not first_links & second_links


def test_out_of_range_page_shows_the_last_page(client):
    total = search("magnesium").total
    last = (total + 9) // 10
    html = page_html(client, q="magnesium", page=10_000)
    assert f'<ol class="results" start="{(last - 1) * 10 + 1}">' in html


def test_empty_search_suggests_topics(client):
    html = main_of(page_html(client))
    assert 'class="results"' not in html and "No results" not in html
    assert "Browse by topic" in html
    for topic in Topic.objects.all():
        assert f'href="{topic.get_absolute_url()}"' in html


def test_zero_results_suggest_topics(client):
    html = main_of(page_html(client, q="zzzzqqqxxv"))
    assert "No results for “zzzzqqqxxv”" in html
    assert "Try a topic instead" in html
    assert html.count('class="card"') == Topic.objects.count()


def test_snippets_are_escaped_with_only_mark_added(client):
    doc(f"<script>alert('{WORD}')</script>", f"Fish & chips <b>{WORD}</b>", f'<img src=x onerror="alert(1)"> {WORD}')
    html = page_html(client, q=WORD)
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert f"Fish &amp; chips &lt;b&gt;<mark>{WORD}</mark>&lt;/b&gt;" in html


def test_highlight_escapes_text_then_marks():
    assert highlight(f"a {MARK_START}b{MARK_END} <c> & d") == "a <mark>b</mark> &lt;c&gt; &amp; d"
    assert highlight(f"unbalanced {MARK_START}x") == "unbalanced x"
    assert highlight("<mark>fake</mark>") == "&lt;mark&gt;fake&lt;/mark&gt;"


def test_the_form_works_without_javascript(client):
    html = page_html(client, q="magnesium")
    assert re.search(r'<form role="search" method="get" action="/search/"', html)
    assert '<label for="q">' in html
    assert re.search(r'<script src="/static/js/search.js[^"]*" defer></script>', html)
    assert "<script>" not in html and "style=" not in html


# --- Suggestions as you type ------------------------------------------------------------


def test_suggest_returns_matching_titles(client):
    data = client.get("/search/suggest/", {"q": "muscle cra"}).json()
    assert data["suggestions"], data
    assert data["suggestions"][0]["url"].startswith("/")
    for suggestion in data["suggestions"]:
        assert "muscle" in suggestion["title"].lower() and "cram" in suggestion["title"].lower()
        assert set(suggestion) == {"title", "url", "type"}
    assert len(data["suggestions"]) <= 8


@pytest.mark.parametrize("query", ["", "m", "\x00", "AND OR", '"', "zzzzqqq", "x" * 1000])
def test_suggest_never_fails(client, query):
    response = client.get("/search/suggest/", {"q": query})
    assert response.status_code == 200
    assert isinstance(response.json()["suggestions"], list)


# --- Cost ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "magnesuim deficiency symptoms"},
        {"q": "leg cramps at night"},
        {"q": "zzzzqqqxxv"},
        {},
        {"q": "magnesium", "page": "3"},
        {"q": "hypokalaemia potasium water pill"},
    ],
)
def test_a_search_makes_few_queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/search/", params).status_code == 200
    assert len(ctx) <= MAX_QUERIES_PER_SEARCH, [q["sql"][:120] for q in ctx.captured_queries]


def test_query_count_does_not_grow_with_the_index():
    def count():
        with CaptureQueriesContext(connection) as ctx:
            outcome = search("magnesuim cramps", "2")
            list(outcome.page)
        return len(ctx)

    before = count()
    docs = SearchDocument.objects.bulk_create(
        SearchDocument(
            kind="guide",
            object_id=800000 + i,
            title=f"Extra magnesium page {i}",
            summary="cramps",
            body="magnesium " * 50,
            url=f"/extra/{i}/",
        )
        for i in range(300)
    )
    get_backend().documents_saved([d.pk for d in docs])
    assert search("magnesium").total >= 300
    assert count() == before


# --- Keeping the index in step with the content -----------------------------------------------


def document_of(obj):
    kind = search_index.KIND_OF_MODEL[type(obj)]
    return SearchDocument.objects.filter(kind=kind, object_id=obj.pk).first()


def test_saving_and_deleting_content_updates_the_index():
    topic = TopicFactory(name="Quokka topic")
    article = ArticleFactory(title=f"A guide about {WORD}", topics=[topic])
    article.save()  # post-generation topics: index the saved state
    assert document_of(article).title == f"A guide about {WORD}"
    assert document_of(article).topic == "Quokka topic"
    assert urls(search(WORD))[0] == article.get_absolute_url()

    article.title = "A guide about wombats"
    article.save()
    assert document_of(article).title == "A guide about wombats"
    assert search(WORD).total == 0

    topic.name = "Renamed topic"
    topic.save()
    assert document_of(article).topic == "Renamed topic"

    faq = FAQFactory(question=f"Is {WORD} safe?", article=article)
    assert document_of(faq).url == f"{article.get_absolute_url()}#faq-{faq.pk}"

    article.status = Article.Status.DRAFT
    article.save()
    assert document_of(article) is None and document_of(faq) is None

    article.status = Article.Status.PUBLISHED
    article.save()
    assert document_of(faq) is not None
    article.delete()
    assert document_of(faq).url == "/faq/"
    faq.delete()
    assert search(WORD).total == 0
    get_backend().check_index()


def test_foods_and_supplement_forms_are_indexed():
    food = FoodFactory(name=f"Roasted {WORD}", magnesium_mg=99)
    assert "99 mg magnesium" in document_of(food).summary
    assert urls(search(WORD)) == [food.get_absolute_url()]
    food.delete()
    assert search(WORD).total == 0
    form = SupplementForm.objects.first()
    form.best_for = f"Readers who like {WORD}."
    form.save()
    assert urls(search(WORD)) == [form.get_absolute_url()]


def test_topic_changes_through_the_relation_update_the_result_topic():
    article = Article.objects.get(slug="magnesium-testing")
    new = TopicFactory(name="Aardvark topic", order=0)
    article.topics.add(new)
    assert document_of(article).topic == "Aardvark topic"
    new.articles.remove(article)
    assert document_of(article).topic != "Aardvark topic"


def test_future_guides_are_not_found_until_published():
    article = ArticleFactory(title=f"Coming soon: {WORD}", published=today() + timedelta(days=3))
    assert document_of(article) is not None
    assert search(WORD).total == 0


def test_loadcontent_rebuilds_the_index_and_changes_nothing_when_unchanged():
    before = list(SearchDocument.objects.order_by("pk").values_list("pk", "title", "body"))
    call_command("loadcontent", verbosity=0, stdout=io.StringIO())
    assert list(SearchDocument.objects.order_by("pk").values_list("pk", "title", "body")) == before
    SearchDocument.objects.filter(kind="faq").delete()
    call_command("loadcontent", verbosity=0, stdout=io.StringIO())
    assert SearchDocument.objects.filter(kind="faq").count() == FAQ.objects.published().count()


def test_rebuildsearch_command():
    SearchDocument.objects.all().delete()
    out = io.StringIO()
    call_command("rebuildsearch", stdout=out)
    expected = (
        Article.objects.filter(status="published").count()
        + FAQ.objects.published().count()
        + Food.objects.count()
        + SupplementForm.objects.count()
    )
    assert SearchDocument.objects.count() == expected
    assert f"{expected} created" in out.getvalue()
    assert search("potassium").total > 0
    get_backend().check_index()


def test_postgres_vocabulary_and_vectors():
    if connection.vendor != "postgresql":
        assert not SearchWord.objects.exists()  # SQLite reads fts5vocab instead
        return
    assert SearchWord.objects.filter(word="magnesium").exists()
    assert not SearchDocument.objects.filter(search_vector__isnull=True).exists()


# --- Query reading --------------------------------------------------------------------------


def test_clean_query_and_words():
    assert clean_query("  low\x00 potassium\n\t ") == "low potassium"
    assert len(clean_query("x" * 5000)) == MAX_QUERY_CHARS
    assert words_of('AND "magnesium*" ^NEAR(potassium)') == ["and", "magnesium", "near", "potassium"]


def test_parse_reads_lay_terms_and_drops_stop_words():
    parsed = parse("what helps leg cramps at night", get_backend())
    alternatives = [c.alternatives for c in parsed.concepts]
    assert (("helps",),) in alternatives
    assert any(("night", "cramps") in a and ("leg", "cramps", "at", "night") in a for a in alternatives)
    assert not any(("what",) in a for a in alternatives)


# --- Relevance ------------------------------------------------------------------------------


def test_relevance_file_is_realistic_and_valid(client):
    assert len(QUERIES) >= 50
    kinds = {case["kind"] for case in QUERIES}
    assert {"misspelling", "lay", "british", "keywords", "question"} <= kinds
    for case in QUERIES:
        assert case["expect"], case
        for url in case["expect"]:
            assert client.get(url).status_code == 200, url


def test_hit_at_3_is_at_least_90_percent():
    misses = []
    for case in QUERIES:
        top = pages(search(clean_query(case["query"])), 3)
        if not set(top) & set(case["expect"]):
            misses.append((case["query"], top))
    hit_rate = 1 - len(misses) / len(QUERIES)
    assert hit_rate >= 0.9, f"hit@3 {hit_rate:.2f}; misses: {misses}"
