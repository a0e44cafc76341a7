"""Search engines: sitemap index, robots.txt, Atom feed, dates that agree."""

import re

import pytest

from guides.models import Article, Page, SupplementForm, Topic

pytestmark = pytest.mark.usefixtures("content")


def sitemap_urls(client):
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml(?:\?p=\d+)?)</loc>", index)
    assert sections, index
    urls = {}
    for section in sections:
        xml = client.get(section).content.decode()
        for block in re.findall(r"<url>(.*?)</url>", xml, re.S):
            loc = re.search(r"<loc>http://testserver([^<]+)</loc>", block).group(1)
            lastmod = re.search(r"<lastmod>([^<]+)</lastmod>", block)
            urls[loc] = lastmod.group(1) if lastmod else None
    return urls


def test_sitemap_lists_every_public_page(client):
    urls = sitemap_urls(client)
    expected = {a.get_absolute_url() for a in Article.objects.published()}
    expected |= {t.get_absolute_url() for t in Topic.objects.all()}
    expected |= {f.get_absolute_url() for f in SupplementForm.objects.all()}
    expected |= {p.get_absolute_url() for p in Page.objects.all()}
    expected |= {"/", "/guides/", "/foods/", "/supplements/", "/faq/", "/references/"}
    assert expected <= set(urls)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_sitemap_excludes_drafts_and_uses_content_dates(client):
    article = Article.objects.get(slug="magnesium-testing")
    article.status = Article.Status.DRAFT
    article.save()
    other = Article.objects.get(slug="magnesium-deficiency")
    other.updated = other.updated.replace(year=2025)
    other.save()
    urls = sitemap_urls(client)
    assert "/guides/magnesium-testing/" not in urls
    assert urls["/guides/magnesium-deficiency/"] == other.updated.isoformat()


def test_visible_updated_date_matches_sitemap(client):
    urls = sitemap_urls(client)
    for article in Article.objects.published()[:5]:
        html = client.get(article.get_absolute_url()).content.decode()
        assert f'datetime="{article.updated.isoformat()}"' in html
        assert urls[article.get_absolute_url()] == article.updated.isoformat()


def test_robots(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /search/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_atom_feed_lists_guides_newest_first(client):
    xml = client.get("/feed.xml").content.decode()
    assert 'xmlns="http://www.w3.org/2005/Atom"' in xml
    entries = re.findall(r"<entry>.*?<link href=\"http://testserver([^\"]+)\".*?<updated>([^<]+)</updated>", xml, re.S)
    assert len(entries) == min(30, Article.objects.published().count())  # the 30 most recently updated
    dates = [d for _, d in entries]
    assert dates == sorted(dates, reverse=True)


def head_of(html):
    return html[: html.index("</head>")]


def jsonld_of(html):
    import json

    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def public_pages():
    from tests.test_views import page_urls

    return [u for u in page_urls() if not u.endswith(".csv")] + [
        "/search/?q=magnesium",
        "/tools/magnesium-calculator/",
        "/tools/interactions/",
        "/tools/lab-units/",
        "/people/editorial-team/",
        "/people/medical-review-team/",
    ]


def test_every_page_has_unique_title_description_canonical_and_social_tags(client):
    titles = {}
    for url in public_pages():
        html = client.get(url).content.decode()
        head = head_of(html)
        title = re.search(r"<title>([^<]*)</title>", head).group(1)
        assert 0 < len(title) <= 60, (url, title)
        assert title not in titles, (url, titles.get(title))
        titles[title] = url
        description = re.search(r'<meta name="description" content="([^"]*)">', head).group(1)
        assert 50 <= len(description) <= 160, (url, description)
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', head).group(1)
        assert canonical == "http://testserver" + url.split("?")[0], (url, canonical)
        for tag in (
            'property="og:title"',
            'property="og:description"',
            'property="og:url"',
            'property="og:type"',
            'name="twitter:card"',
            'type="application/atom+xml"',
        ):
            assert tag in head, (url, tag)
        assert '<html lang="en">' in html
        graph = jsonld_of(html)["@graph"]
        types = {node["@type"] for node in graph}
        assert {"Organization", "WebSite"} <= types, url


def test_guide_jsonld_mirrors_the_page(client):
    article = Article.objects.get(slug="magnesium-deficiency")
    html = client.get(article.get_absolute_url()).content.decode()
    graph = {node["@type"]: node for node in jsonld_of(html)["@graph"]}
    page, art = graph["MedicalWebPage"], graph["Article"]
    assert art["headline"] == article.title and art["description"] == article.summary
    assert art["datePublished"] == article.published.isoformat()
    assert art["dateModified"] == page["dateModified"] == article.updated.isoformat()
    assert page["lastReviewed"] == article.last_reviewed.isoformat()
    assert page["reviewedBy"]["@type"] == "Person" and page["reviewedBy"]["name"] == article.reviewer.name
    assert art["author"]["url"] == "http://testserver" + article.author.get_absolute_url()
    assert page["medicalAudience"]["audienceType"] == "Patient"
    assert {t["name"] for t in page["about"]} == {t.name for t in article.topics.all()}
    assert len(art["citation"]) == html.count('<li id="source-')  # every entry of the visible source list
    crumbs = graph["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", article.parent.title, article.title]
    questions = [q["name"] for q in graph["FAQPage"]["mainEntity"]]
    assert questions == [f.question for f in article.faqs.order_by("order")]
    for question in questions:
        assert f"<summary>{question}</summary>".replace("'", "&#x27;") in html or question in html


def test_jsonld_cannot_break_out_of_its_script(client):
    article = Article.objects.get(slug="magnesium-testing")
    article.title = "Tests </script><script>alert(1)</script> & more"
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block
    assert "\\u003C/script\\u003E" in block
    assert jsonld_of(html)["@graph"][2]["name"] == article.title


def test_paginated_pages_are_self_canonical_with_distinct_titles(client):
    from tests.factories import ArticleFactory

    author = Article.objects.first().author
    for _ in range(101):
        ArticleFactory(author=author, reviewer=author)
    first, second = client.get("/guides/").content.decode(), client.get("/guides/?page=2").content.decode()
    assert 'href="http://testserver/guides/?page=2"' in head_of(second)
    assert re.search(r"<title>([^<]*)</title>", first).group(1) != re.search(r"<title>([^<]*)</title>", second).group(1)
    assert 'rel="next"' in first and 'rel="prev"' in second
