"""Pages whose lists grow with the site: each request reads a bounded slice, and what is
remembered between requests (counts, topic previews, sitemap dates) follows every change."""

import datetime as dt
import math
import re

import pytest
from django.db import connection
from django.db.models import Max

from guides.models import FAQ, Article, SearchDocument, Topic, today
from guides.search import index as search_index
from guides.search.backends import get_backend
from guides.search.backends.base import MAX_RANKED
from guides.search.service import search
from guides.sitemaps import GuideSitemap
from guides.views import GUIDES_PER_PAGE
from tests.factories import ArticleFactory

pytestmark = pytest.mark.usefixtures("content")

WORD, RARE = "quokkaberry", "wombatflower"  # in no real content


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Every request renders: what is measured here is what the views remember themselves."""
    settings.PAGE_CACHE_ENABLED = False


def add_guides(n, **fields):
    author = Article.objects.first().author
    return [ArticleFactory(author=author, reviewer=author, **fields) for _ in range(n)]


def published_to(total):
    """Add guides until exactly ``total`` are published."""
    add_guides(total - Article.objects.published().count())
    assert Article.objects.published().count() == total


def guides_index(client, page=1):
    return client.get("/guides/", {"page": page} if page > 1 else {}).content.decode()


# --- Sitemap -------------------------------------------------------------------------


def test_sitemap_guides_come_in_small_parts_that_list_every_guide_once(client):
    add_guides(190)
    index = client.get("/sitemap.xml").content.decode()
    parts = re.findall(r"<loc>http://testserver(/sitemap-guides\.xml(?:\?p=\d+)?)</loc>", index)
    published = Article.objects.published()
    assert len(parts) == math.ceil(published.count() / GuideSitemap.limit) >= 3
    listed = []
    for part in parts:
        urls = re.findall(r"<loc>http://testserver(/guides/[^<]+)</loc>", client.get(part).content.decode())
        assert 0 < len(urls) <= GuideSitemap.limit, part
        listed += urls
    assert sorted(listed) == sorted(a.get_absolute_url() for a in published)
    assert client.get(f"/sitemap-guides.xml?p={len(parts) + 1}").status_code == 404


def test_sitemap_parts_and_dates_follow_content_changes(client):
    published_to(GuideSitemap.limit)
    later = Article.objects.published().aggregate(m=Max("updated"))["m"] + dt.timedelta(days=1)
    assert "sitemap-guides.xml?p=2" not in client.get("/sitemap.xml").content.decode()
    client.get("/sitemap-site.xml")  # remembered until the content changes
    newest = add_guides(1, updated=later)[0]
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-guides.xml?p=2" in index
    assert f"<lastmod>{later.isoformat()}" in index
    topic = Topic.objects.get(slug="deficiency")
    newest.topics.add(topic)
    site = client.get("/sitemap-site.xml").content.decode()
    block = re.search(rf"<loc>http://testserver{topic.get_absolute_url()}</loc>\s*<lastmod>([^<]+)</lastmod>", site)
    assert block and block.group(1) == later.isoformat()


# --- Guides index and topic hubs -------------------------------------------------------


def test_guides_index_pages_follow_content_changes(client):
    published_to(GUIDES_PER_PAGE + 1)
    assert "Page 1 of 2" in guides_index(client)
    a_to_z = guides_index(client, 2).partition('id="az-heading"')[2].partition('id="by-topic-heading"')[0]
    assert len(re.findall(r'<li><a href="/guides/[^"]+/">', a_to_z)) == 1
    Article.objects.filter(slug__startswith="guide-").first().delete()
    assert "Page 1 of" not in guides_index(client)


def test_a_dated_guide_joins_the_index_on_its_day_without_a_content_change(client, monkeypatch):
    published_to(GUIDES_PER_PAGE)
    tomorrow = today() + dt.timedelta(days=1)
    add_guides(1, published=tomorrow)
    assert "Page 1 of" not in guides_index(client)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: tomorrow)
    assert today() == tomorrow
    assert "Page 1 of 2" in guides_index(client)


def test_topic_previews_on_the_guides_index_follow_renames(client):
    guides_index(client)
    article = Article.objects.published().filter(topics__slug="deficiency").order_by("title").first()
    article.title = "Aaa renamed guide for the preview test"
    article.save()
    by_topic = guides_index(client).partition('id="by-topic-heading"')[2]
    assert f'<a href="{article.get_absolute_url()}">Aaa renamed guide for the preview test</a>' in by_topic


def test_topic_hub_count_and_questions_follow_content_changes(client):
    topic = Topic.objects.get(slug="deficiency")
    faq = FAQ.objects.published().filter(topics=topic).first()
    assert faq is not None
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Page 1 of" not in html
    add_guides(60, topics=[topic])
    faq.question = "A renamed question for the topic hub test?"
    faq.save()
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Page 1 of 2" in html
    assert "A renamed question for the topic hub test?" in html
    assert "Page 2 of 2" in client.get(topic.get_absolute_url(), {"page": 2}).content.decode()


# --- Search ---------------------------------------------------------------------------------


def make_documents(titles, body=""):
    """Search documents made directly, in id order (the order the pool takes them in)."""
    start = 700000 + SearchDocument.objects.count()
    docs = SearchDocument.objects.bulk_create(
        SearchDocument(
            kind="guide", object_id=start + i, title=title, summary="", body=body, url=f"/pool-test/{start + i}/"
        )
        for i, title in enumerate(titles)
    )
    if any(d.pk is None for d in docs):
        docs = list(SearchDocument.objects.filter(object_id__gte=start).order_by("id"))
    get_backend().documents_saved([d.pk for d in docs])
    return docs


def test_a_broad_query_ranks_a_bounded_pool_and_says_there_are_more(client):
    make_documents([f"Page {i} about {WORD}" for i in range(MAX_RANKED + 20)])
    outcome = search(WORD)
    assert outcome.total == MAX_RANKED and outcome.more
    assert len(list(outcome.page)) == 10
    html = client.get("/search/", {"q": WORD}).content.decode()
    assert f"{MAX_RANKED}+ results for “{WORD}”" in html
    narrow = search("magnesium deficiency symptoms")
    assert not narrow.more


def test_a_rare_word_is_ranked_however_many_documents_match_a_common_one():
    make_documents([f"Page {i}" for i in range(MAX_RANKED + 20)], body=f"Some text about {WORD}.")
    rare = make_documents([f"{WORD.capitalize()} and {RARE}"])[0]
    assert search(f"{WORD} {RARE}").page[0].url == rare.url


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's autovacuum keeps its own statistics")
def test_rebuilding_the_index_refreshes_sqlite_planner_statistics():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1")
    search_index.rebuild(reindex=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'guides_article'")
        assert cursor.fetchone()[0] > 0
