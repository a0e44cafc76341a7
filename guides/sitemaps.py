"""Sitemaps. ``lastmod`` is always a content date, never request or deploy time.

Two sections under one index (``/sitemap.xml``): ``guides``, split into parts of
100 guides (``/sitemap-guides.xml?p=2`` ...), and ``site`` (home, indexes, tools,
topic hubs, supplement forms, site pages and people). Every part answers in a
fixed number of queries and lists a bounded number of URLs, so a part costs
the same with 100 guides or 100,000. What reads every guide (the total, the
latest change, the topic dates) is computed once per content version.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as BaseSitemap
from django.db.models import Max
from django.urls import reverse

from .cache import fragment
from .models import Article, Page, Person, SupplementForm, Topic
from .views import ContentPaginator

SECTIONS = [
    "home",
    "guide_list",
    "foods",
    "supplements",
    "faq",
    "references",
    "calculator",
    "interactions",
    "lab_units",
]
FOLLOW_GUIDES = {"home", "guide_list", "faq", "references"}


class Sitemap(BaseSitemap):
    """Absolute URLs use SITE_URL's scheme (the host comes from the synced Site)."""

    protocol = urlsplit(settings.SITE_URL).scheme or "https"


def latest_guide_update():
    """The last significant change to any published guide."""
    return fragment("latest-guide-update", None, lambda: Article.objects.published().aggregate(m=Max("updated"))["m"])


class GuideSitemap(Sitemap):
    """Every published guide, by slug, in parts of ``limit``."""

    changefreq = "monthly"
    priority = 0.8
    limit = 100

    def items(self):
        return Article.objects.published().only("slug", "updated").order_by("slug")

    @property
    def paginator(self):
        return ContentPaginator(self._items(), self.limit, "sitemap-guides")

    def lastmod(self, article):
        return article.updated

    def get_latest_lastmod(self):
        return latest_guide_update()


class SiteSitemap(Sitemap):
    """Everything that is not a guide: a few hundred URLs at most."""

    def items(self):
        if not hasattr(self, "_entries"):
            self._entries = fragment("sitemap-site", None, self._build)
        return self._entries

    def _build(self):
        """(path, lastmod, priority) for every page that is not a guide."""
        latest = latest_guide_update()
        published = Article.objects.published().values("pk")
        entries = [(reverse(f"guides:{name}"), latest if name in FOLLOW_GUIDES else None, 0.7) for name in SECTIONS]
        topics = Topic.objects.filter(articles__in=published).annotate(last=Max("articles__updated"))
        entries += [(t.get_absolute_url(), t.last, 0.6) for t in topics.order_by("slug")]
        entries += [(f.get_absolute_url(), None, 0.5) for f in SupplementForm.objects.only("slug").order_by("slug")]
        entries += [(p.get_absolute_url(), p.updated, 0.3) for p in Page.objects.only("slug", "updated")]
        entries += [(p.get_absolute_url(), None, 0.2) for p in Person.objects.only("slug").order_by("slug")]
        return entries

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]

    def priority(self, item):
        return item[2]

    def get_latest_lastmod(self):
        dates = [item[1] for item in self.items() if item[1]]
        return max(dates) if dates else None


SITEMAPS = {"site": SiteSitemap, "guides": GuideSitemap}
