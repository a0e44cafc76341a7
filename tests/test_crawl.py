"""Crawl the site from "/" like a reader would: every internal link works.

The crawler follows every same-origin ``<a href>`` and ``<link href>`` (static
files, the CSV download, query-string variants such as ``/foods/?sort=name``),
skipping /admin/. It checks that every page answers 200 (redirects are
followed and reported as warnings), that every ``#fragment`` names an element
on its target page, that every published guide is at most 3 clicks from home,
and that no page is an orphan.
"""

import re
import warnings
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from guides.models import Article, Page, Person, SupplementForm, Topic
from guides.views import TOPIC_PREVIEW

pytestmark = pytest.mark.usefixtures("content")

ORIGIN = "http://testserver"
SKIP_PREFIXES = ("/admin/", "/media/")
MAX_PAGES = 2000


class LinkParser(HTMLParser):
    """Collects link targets, element ids, heading levels and landmarks from one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []
        self.ids = set()
        self.headings = []  # levels in document order
        self.landmarks = []  # ("main" | "header" | "footer" | "nav", aria-label)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("main", "header", "footer", "nav"):
            self.landmarks.append((tag, attrs.get("aria-label") or attrs.get("aria-labelledby")))
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag in ("a", "link") and attrs.get("href") is not None:
            self.hrefs.append(attrs["href"])


@dataclass
class Crawled:
    """One fetched URL."""

    url: str
    status: int
    content_type: str
    depth: int
    html: str = ""
    ids: set = field(default_factory=set)
    links: list = field(default_factory=list)  # (absolute path + query, fragment or None, raw href)
    headings: list = field(default_factory=list)
    landmarks: list = field(default_factory=list)
    redirects: list = field(default_factory=list)


def internal_target(page_url, href):
    """``(path?query, fragment)`` for a same-origin link, else None."""
    absolute = urljoin(ORIGIN + page_url, href.strip())
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    url, fragment = urldefrag(absolute)
    url = url[len(ORIGIN) :] or "/"
    has_fragment = "#" in href
    return url, (fragment if has_fragment else None)


def crawl(client, start="/"):
    """Breadth-first crawl of the site from ``start``; ``{url: Crawled}``."""
    pages = {}
    queue = deque([(start, 0)])
    seen = {start}
    while queue:
        url, depth = queue.popleft()
        assert len(pages) < MAX_PAGES, "crawl did not converge (endless query-string variants?)"
        if url.startswith(settings.STATIC_URL):
            # Tests do not run collectstatic: a static link must name a file the finders know.
            found = finders.find(urlsplit(url).path[len(settings.STATIC_URL) :])
            pages[url] = Crawled(url, 200 if found else 404, "static", depth)
            continue
        response = client.get(url, follow=True)
        content_type = response.get("Content-Type", "")
        page = Crawled(
            url,
            response.status_code,
            content_type,
            depth,
            redirects=[location for location, _status in response.redirect_chain],
        )
        pages[url] = page
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        page.html = response.content.decode()
        parser = LinkParser()
        parser.feed(page.html)
        page.ids = parser.ids
        page.headings = parser.headings
        page.landmarks = parser.landmarks
        final_url = page.redirects[-1] if page.redirects else url
        for href in parser.hrefs:
            target = internal_target(final_url, href)
            if target is None:
                continue
            page.links.append((target[0], target[1], href))
            if target[0] not in seen and not target[0].startswith(SKIP_PREFIXES):
                seen.add(target[0])
                queue.append((target[0], depth + 1))
    return pages


@pytest.fixture(scope="module")
def site_pages(django_db_setup, django_db_blocker):
    """One crawl for the whole module (it only reads); content/ is loaded if a flush removed it."""
    with django_db_blocker.unblock():
        if not Article.objects.exists():
            call_command("loadcontent", verbosity=0)
        return crawl(Client())


def required_urls():
    """Every page that must be linked from somewhere."""
    urls = {
        "/guides/",
        "/foods/",
        "/foods.csv",
        "/supplements/",
        "/faq/",
        "/references/",
        "/tools/magnesium-calculator/",
        "/tools/interactions/",
        "/tools/lab-units/",
    }
    urls |= {a.get_absolute_url() for a in Article.objects.published()}
    for model in (Topic, SupplementForm, Page, Person):
        urls |= {obj.get_absolute_url() for obj in model.objects.all()}
    return urls


def test_crawl_reaches_the_whole_site(site_pages):
    html_pages = [p for p in site_pages.values() if p.html]
    assert len(html_pages) >= len(required_urls()) - 1  # everything but the CSV is HTML
    assert not [u for u in site_pages if u.startswith(SKIP_PREFIXES)]


def test_every_page_returns_200(site_pages):
    broken = {url: page.status for url, page in site_pages.items() if page.status != 200}
    assert not broken, f"internal links to non-200 pages: {broken}"
    redirected = {url: page.redirects for url, page in site_pages.items() if page.redirects}
    if redirected:
        warnings.warn(f"internal links that redirect: {redirected}", stacklevel=1)


def test_no_broken_fragments(site_pages):
    broken = []
    checked = 0
    for page in site_pages.values():
        for target, fragment, href in page.links:
            if fragment is None or target.startswith(SKIP_PREFIXES):
                continue
            checked += 1
            destination = site_pages.get(target)
            if not fragment or destination is None or fragment not in destination.ids:
                broken.append(f"{page.url}: {href}")
    assert checked > 100  # skip links, tables of contents, citations and back-links
    assert not broken, "links to missing #fragments:\n" + "\n".join(sorted(set(broken)))


def test_every_guide_within_three_clicks_of_home(site_pages):
    guides = [a.get_absolute_url() for a in Article.objects.published()]
    assert guides
    too_deep = {url: site_pages[url].depth if url in site_pages else None for url in guides}
    too_deep = {url: depth for url, depth in too_deep.items() if depth is None or depth > 3}
    assert not too_deep, f"guides more than 3 clicks from home (None = unreachable): {too_deep}"


def test_no_orphan_pages(site_pages):
    linked = {target for page in site_pages.values() for target, _fragment, _href in page.links if target != page.url}
    orphans = sorted(required_urls() - linked)
    assert not orphans, f"pages no other page links to: {orphans}"


def test_one_h1_and_ordered_headings(site_pages):
    """Exactly one h1, first; no heading skips a level on the way down."""
    problems = {}
    for url, page in site_pages.items():
        if not page.html:
            continue
        levels = page.headings
        skips = [f"h{a}→h{b}" for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        if levels.count(1) != 1 or levels[0] != 1 or skips:
            problems[url] = {"h1": levels.count(1), "first": levels[:1], "skips": skips}
    assert not problems, f"heading structure: {problems}"


def test_landmarks(site_pages):
    """One main, a site header and footer, and every nav is labelled."""
    problems = {}
    for url, page in site_pages.items():
        if not page.html:
            continue
        kinds = [kind for kind, _label in page.landmarks]
        unlabelled = [kind for kind, label in page.landmarks if kind == "nav" and not label]
        if kinds.count("main") != 1 or "header" not in kinds or "footer" not in kinds or unlabelled:
            problems[url] = page.landmarks
    assert not problems, f"landmarks: {problems}"
    guides = [a.get_absolute_url() for a in Article.objects.published()]
    for url in guides:
        assert ("nav", "breadcrumb") in site_pages[url].landmarks, url


def test_home_links_every_way_in(site_pages):
    """Home links the pillar guide, every topic hub, the tools, and the food and supplement pages."""
    home = {target for target, _fragment, _href in site_pages["/"].links}
    pillar = Article.objects.published().filter(parent=None, children__isnull=False).distinct()
    assert pillar.exists()
    wanted = {a.get_absolute_url() for a in pillar} | {t.get_absolute_url() for t in Topic.objects.all()}
    wanted |= {"/tools/magnesium-calculator/", "/tools/interactions/", "/tools/lab-units/", "/foods/", "/supplements/"}
    assert not wanted - home, f"home does not link: {sorted(wanted - home)}"


def test_guide_index_lists_every_guide_a_to_z_and_by_topic(site_pages):
    page = site_pages["/guides/"]
    az_html, _, by_topic_html = page.html.partition('id="by-topic-heading"')
    az = re.findall(r'<li><a href="(/guides/[^"]+/)">([^<]+)</a>', az_html)
    published = Article.objects.published()
    assert [url for url, _title in az] == [
        a.get_absolute_url() for a in sorted(published, key=lambda a: a.title.casefold())
    ]
    for topic in Topic.objects.all():
        section = by_topic_html.partition(f'href="{topic.get_absolute_url()}"')[2].split("<h3", 1)[0]
        listed = re.findall(r'href="(/guides/[^"]+/)"', section)
        in_topic = [a.get_absolute_url() for a in published.filter(topics=topic).a_to_z()]
        assert listed == in_topic[:TOPIC_PREVIEW], topic.slug  # the first guides, A to Z
        if len(in_topic) > TOPIC_PREVIEW:
            assert f"See all {len(in_topic)} guides" in section, topic.slug
