"""Public pages: status, structure and query budgets."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guides.models import Article, Food, Page, SupplementForm, Topic

pytestmark = pytest.mark.usefixtures("content")


def page_urls():
    urls = ["/", "/guides/", "/foods/", "/supplements/", "/faq/", "/references/", "/foods.csv"]
    urls += [a.get_absolute_url() for a in Article.objects.published()]
    urls += [t.get_absolute_url() for t in Topic.objects.all()]
    urls += [f.get_absolute_url() for f in SupplementForm.objects.all()]
    urls += [p.get_absolute_url() for p in Page.objects.all()]
    return urls


def test_every_public_page_returns_200(client):
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == 200, url


def test_required_site_pages_exist(client):
    for slug in ("about", "editorial-policy", "disclaimer", "privacy"):
        assert client.get(f"/{slug}/").status_code == 200


def test_guide_page_sections_in_order(client):
    html = client.get("/guides/magnesium-deficiency/").content.decode()
    html = html[html.index("<body") :]
    markers = [
        '<nav aria-label="breadcrumb"',
        "<h1>",
        'class="summary"',
        "Key points",
        "Medically reviewed by",
        "Last reviewed",
        "Next review due",
        "Reading time",
        "In this article",
        'class="body"',
        "Questions readers ask",
        "Sources",
        "Related guides",
        "Topics",
        "Medical disclaimer",
    ]
    positions = [html.find(m) for m in markers]
    assert all(p >= 0 for p in positions), dict(zip(markers, positions, strict=True))
    assert positions == sorted(positions)
    assert html.count("<h1") == 1


def test_guide_sources_link_back_to_citations(client):
    article = Article.objects.get(slug="magnesium-and-potassium")
    html = client.get(article.get_absolute_url()).content.decode()
    for citation in article.citations.all():
        assert f'id="source-{citation.number}"' in html
        for anchor in citation.backlinks():
            assert f'id="{anchor}"' in html  # the citation in the body
            assert f'href="#{anchor}"' in html  # the back-link from the source
    for ref in (c.reference for c in article.citations.all()):
        if ref.doi:
            assert f"https://doi.org/{ref.doi}" in html
        if ref.pmid:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/" in html


def test_symptom_pages_show_urgent_care_box(client):
    for slug in ("magnesium-deficiency", "too-much-magnesium"):
        html = client.get(f"/guides/{slug}/").content.decode()
        assert "callout-urgent" in html and "Seek urgent care" in html


def test_draft_is_hidden_but_staff_can_preview(client, admin_client):
    article = Article.objects.get(slug="magnesium-testing")
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"{article.get_absolute_url()}preview/").status_code == 302
    response = admin_client.get(f"{article.get_absolute_url()}preview/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_404_page_is_branded_with_search(client):
    response = client.get("/guides/no-such-guide/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'role="search"' in html and 'href="/"' in html


def test_500_page_renders_without_database(rf, django_assert_num_queries):
    from guides.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_food_table_sorts_and_filters_without_js(client):
    html = client.get("/foods/?sort=magnesium").content.decode()
    rows = re.findall(r'<tr id="food-[^"]+">.*?<td class="num" data-value="([^"]*)"', html, re.S)
    values = [float(v) for v in rows if v]
    mg = [float(f.magnesium_mg) for f in Food.objects.exclude(magnesium_mg=None).order_by("-magnesium_mg")]
    assert values[: len(mg)] == mg
    html = client.get("/foods/?sort=name&category=dairy").content.decode()
    names = re.findall(r'<tr id="food-[^"]+">\s*<th scope="row">([^<]+)</th>', html)
    assert names == sorted(names)
    assert set(names) == set(Food.objects.filter(category="dairy").values_list("name", flat=True))


def test_food_chart_is_accessible_svg(client):
    html = client.get("/foods/").content.decode()
    assert re.search(r'<svg role="img" aria-labelledby="chart-title chart-desc"', html)
    assert '<title id="chart-title">' in html and '<desc id="chart-desc">' in html


def test_food_csv(client):
    response = client.get("/foods.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("food,category,serving,magnesium_mg")
    assert len(lines) == Food.objects.count() + 1


def test_bad_query_parameters_are_ignored(client):
    for query in ("sort=%00", "sort=<script>", "category=../../etc", "sort=" + "x" * 5000):
        assert client.get(f"/foods/?{query}").status_code == 200


@pytest.mark.parametrize("name", ["home", "guide_list", "foods", "supplements", "faq", "references"])
def test_list_pages_make_few_queries(client, name, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(reverse(f"guides:{name}")).status_code == 200


def test_detail_pages_make_few_queries(client, django_assert_max_num_queries):
    urls = [
        "/guides/magnesium-deficiency/",
        "/topics/deficiency/",
        "/supplements/magnesium-oxide/",
        "/about/",
        "/people/editorial-team/",
    ]
    for url in urls:
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url


def test_cached_page_makes_no_queries(client):
    client.get("/guides/magnesium-deficiency/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/guides/magnesium-deficiency/")
    assert response["X-Cache"] == "hit"
    assert len(queries) == 0


def test_cache_hit_carries_the_same_headers_and_answers_conditional_requests(client):
    miss = client.get("/guides/magnesium-deficiency/")
    hit = client.get("/guides/magnesium-deficiency/")
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert hit.content == miss.content
    for header in (
        "Content-Type",
        "Content-Security-Policy",
        "ETag",
        "Last-Modified",
        "Vary",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Permissions-Policy",
    ):
        assert hit[header] == miss[header], header
    assert hit["X-Request-ID"] != miss["X-Request-ID"]  # never replayed from the cache
    since = client.get("/guides/magnesium-deficiency/", HTTP_IF_MODIFIED_SINCE=miss["Last-Modified"])
    assert since.status_code == 304 and since["ETag"] == miss["ETag"]
    stale = client.get("/guides/magnesium-deficiency/", HTTP_IF_NONE_MATCH='"not-the-etag"')
    assert stale.status_code == 200 and stale["X-Cache"] == "hit"


def test_content_save_invalidates_cache(client):
    client.get("/guides/magnesium-deficiency/")
    article = Article.objects.get(slug="magnesium-deficiency")
    article.title = "Changed title for the cache test"
    article.save()
    response = client.get("/guides/magnesium-deficiency/")
    assert response["X-Cache"] == "miss"
    assert b"Changed title for the cache test" in response.content


def test_logged_in_users_bypass_cache(admin_client):
    admin_client.get("/")
    response = admin_client.get("/")
    assert "X-Cache" not in response


def test_old_slug_redirects_permanently(client):
    from guides.models import SlugHistory

    article = Article.objects.get(slug="magnesium-testing")
    SlugHistory.objects.create(old_slug="magnesium-blood-test", article=article)
    response = client.get("/guides/magnesium-blood-test/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_links_to_a_hidden_guide_become_text_and_come_back(client):
    target = Article.objects.get(slug="magnesium-testing")
    linking = Article.objects.filter(body__contains="[[magnesium-testing").exclude(pk=target.pk)
    assert linking.exists()
    target.status = Article.Status.DRAFT
    target.save()
    for other in linking:
        assert 'href="/guides/magnesium-testing/"' not in client.get(other.get_absolute_url()).content.decode()
    target.status = Article.Status.PUBLISHED
    target.save()
    for other in linking:
        assert 'href="/guides/magnesium-testing/"' in client.get(other.get_absolute_url()).content.decode()
