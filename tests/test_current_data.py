"""Pages always show the data as it is now (issue 11).

A guide's stored HTML is a pure function of its own Markdown; what it shows
from other rows (data tables, link titles and liveness, source details) is
filled in when the page is rendered. Each test first fetches the pages, so
every cache that could hold a stale copy is warm, then changes one row the
way admin does (an ORM save) and fetches again.
"""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from guides.cache import content_version
from guides.models import Article, Food, Reference, Topic
from tests.factories import ArticleFactory

pytestmark = pytest.mark.usefixtures("content")


def guides_embedding(table):
    return list(Article.objects.published().filter(body__contains=f"[[table:{table}]]"))


def food_row(html, name):
    """The cells of the row for ``name`` in the page's magnesium table."""
    table = html[html.index("Magnesium in common foods") :]
    row = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', table).group(1)
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


@pytest.mark.parametrize("page_cache", [True, False])
def test_a_changed_food_value_is_on_every_guide_that_embeds_it(client, settings, page_cache):
    settings.PAGE_CACHE_ENABLED = page_cache
    food = Food.objects.get(slug="pumpkin-seeds-roasted")
    guides = guides_embedding("foods-magnesium")
    assert len(guides) >= 5
    for guide in guides:
        assert food_row(client.get(guide.get_absolute_url()).content.decode(), food.name)[1] == "156 mg"
    food.magnesium_mg = 157
    food.save()
    for guide in guides:
        cells = food_row(client.get(guide.get_absolute_url()).content.decode(), food.name)
        assert cells[1] == "157 mg", guide.slug
        assert cells[2] == "37%", guide.slug  # the %DV is computed from the new value too
    assert "157" in client.get("/foods/").content.decode()


def test_a_changed_reference_title_is_in_every_citing_sources_list(client):
    reference = Reference.objects.get(key="ODS_MG_HP")
    citing = list(Article.objects.published().filter(citations__reference=reference))
    assert len(citing) >= 10
    for guide in citing:
        assert reference.title in client.get(guide.get_absolute_url()).content.decode()
    reference.title = "Magnesium: fact sheet for health professionals (a renamed test title)"
    reference.save()
    for guide in citing:
        html = client.get(guide.get_absolute_url()).content.decode()
        sources = html[html.index('id="sources-heading"') :]
        assert "a renamed test title" in sources, guide.slug


def link_texts(html, slug):
    return re.findall(rf'<a href="/guides/{slug}/" class="internal">([^<]*)</a>', html)


def test_a_renamed_guide_shows_its_new_title_in_the_links_to_it(client):
    target = Article.objects.get(slug="magnesium-testing")
    linking = Article.objects.get(slug="magnesium-deficiency")
    linking.body += "\n\nMore on tests: [[magnesium-testing]]."
    linking.save()
    assert target.title in link_texts(client.get(linking.get_absolute_url()).content.decode(), target.slug)
    target.title = "Magnesium blood tests, renamed"
    target.save()
    html = client.get(linking.get_absolute_url()).content.decode()
    assert "Magnesium blood tests, renamed" in link_texts(html, target.slug)


def test_a_guide_taken_down_is_no_longer_linked(client):
    target = Article.objects.get(slug="magnesium-testing")
    linking = [a for a in Article.objects.published() if "[[magnesium-testing" in a.body]
    assert linking
    for guide in linking:
        assert 'href="/guides/magnesium-testing/"' in client.get(guide.get_absolute_url()).content.decode()
    target.status = Article.Status.DRAFT
    target.save()
    for guide in linking:
        assert 'href="/guides/magnesium-testing/"' not in client.get(guide.get_absolute_url()).content.decode()


class TestScheduledGuide:
    """A guide dated tomorrow comes out at midnight with no save: every list, count, feed and link shows it."""

    TITLE = "Aaa scheduled guide about magnesium"

    def moments(self):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        today = timezone.localdate()
        # A minute before and after midnight: nothing cached expires by age in between.
        before = dt.datetime.combine(today, dt.time(23, 59), tzinfo=zone)
        return today, before, before + dt.timedelta(minutes=2)

    def schedule(self, tomorrow):
        deficiency = Topic.objects.get(slug="deficiency")
        author = Article.objects.get(slug="magnesium-deficiency").author
        guide = ArticleFactory(
            slug="aaa-scheduled",
            title=self.TITLE,
            published=tomorrow,
            updated=tomorrow,
            author=author,
            reviewer=author,
            topics=[deficiency],
        )
        linking = Article.objects.get(slug="magnesium-deficiency")
        linking.body += "\n\nComing soon: [[aaa-scheduled|the scheduled guide]]."
        linking.save()
        return guide, linking

    def pages(self, guide, linking):
        return {
            "home": "/",
            "index": "/guides/",
            "topic": "/topics/deficiency/",
            "feed": "/feed.xml",
            "sitemap": "/sitemap-guides.xml",
            "linking": linking.get_absolute_url(),
            "guide": guide.get_absolute_url(),
        }

    def shown(self, client, url, guide):
        response = client.get(url)
        html = response.content.decode()
        if url == guide.get_absolute_url():
            return response.status_code == 200
        if url.endswith(".xml"):
            return guide.get_absolute_url() in html
        if url.startswith("/guides/magnesium-deficiency"):
            return f'href="{guide.get_absolute_url()}" class="internal"' in html
        return self.TITLE in html

    def test_every_page_shows_it_on_its_day(self, client):
        today, before, after = self.moments()
        with time_machine.travel(before, tick=False):
            guide, linking = self.schedule(today + dt.timedelta(days=1))
            pages = self.pages(guide, linking)
            for name, url in pages.items():
                assert not self.shown(client, url, guide), f"{name} shows the guide a day early"
                assert not self.shown(client, url, guide), f"{name} (cached) shows the guide a day early"
            version = content_version()
        with time_machine.travel(after, tick=False):
            assert content_version() == version  # no save, no scheduler: only the date moved
            for name, url in pages.items():
                assert self.shown(client, url, guide), f"{name} does not show the guide on its day"

    def test_admin_list_says_scheduled(self, client, admin_user):
        today, before, _after = self.moments()
        with time_machine.travel(before, tick=False):
            tomorrow = today + dt.timedelta(days=1)
            self.schedule(tomorrow)
            client.force_login(admin_user)  # sessions are short: sign in at the moment travelled to
            html = client.get("/admin/guides/article/").content.decode()
        assert f"Scheduled for {tomorrow.day} {tomorrow:%B %Y}" in html


def test_a_user_joining_a_group_does_not_touch_the_content_cache(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("someone", password="a-long-password-123")
    before = content_version()
    user.groups.add(Group.objects.create(name="Readers"))
    assert content_version() == before


def test_a_content_relation_change_does_bump_the_version():
    before = content_version()
    Article.objects.get(slug="magnesium-testing").topics.add(Topic.objects.get(slug="excess"))
    assert content_version() != before
