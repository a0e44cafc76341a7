"""Atom feed of new and updated guides."""

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .models import Article


def _datetime(day):
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


class GuideFeed(Feed):
    feed_type = Atom1Feed
    title = settings.SITE_NAME + ": new and updated guides"
    link = "/guides/"
    subtitle = "Plain-language, cited guides to magnesium and electrolyte balance."

    def items(self):
        return Article.objects.published().select_related("author").order_by("-updated", "-published", "slug")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom writes this as <summary type="html"> and feed readers render it as HTML, so the
        # plain-text summary is escaped: a "<" in it is shown as text, never parsed as a tag.
        return escape(item.summary)

    def item_pubdate(self, item):
        return _datetime(item.published)

    def item_updateddate(self, item):
        return _datetime(item.updated)

    def item_author_name(self, item):
        return item.author.name

    def item_author_link(self, item):
        return settings.SITE_URL + item.author.get_absolute_url()
