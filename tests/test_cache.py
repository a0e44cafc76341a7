"""The content version every process shares, and the guide fragments rendered once per version."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guides.cache import bump_content_version, content_version, fragment
from guides.models import Article

GUIDE = "/guides/magnesium-deficiency/"
pytestmark = pytest.mark.django_db


def test_another_process_sees_a_version_bump_without_redis(settings):
    """Gunicorn workers and manage.py commands each have their own local-memory cache."""
    assert settings.CONTENT_VERSION_CACHE != "default"
    before = content_version()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from guides.cache import bump_content_version; bump_content_version()",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    assert content_version() != before


def test_fragment_renders_once_per_content_version():
    calls = []

    def render():
        calls.append(1)
        return f"render {len(calls)}"

    assert fragment("t", ("a",), render) == "render 1"
    assert fragment("t", ("a",), render) == "render 1"
    assert fragment("t", ("b",), render) == "render 2"  # what it varies on is part of the key
    bump_content_version()
    assert fragment("t", ("a",), render) == "render 3"


def test_fragment_cache_can_be_turned_off(settings):
    settings.FRAGMENT_CACHE_ENABLED = False
    calls = []
    fragment("t", (), lambda: calls.append(1))
    fragment("t", (), lambda: calls.append(1))
    assert len(calls) == 2


def test_uncached_guide_reuses_its_rendered_parts(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as first:
        html = client.get(GUIDE).content
    with CaptureQueriesContext(connection) as second:
        again = client.get(GUIDE).content
    assert again == html
    assert len(second) == 1 < len(first)  # the article row only; topics, sources, FAQs come rendered


@pytest.mark.parametrize("edit", ["article", "reference"])
def test_an_edit_replaces_the_rendered_guide(client, settings, edit):
    settings.PAGE_CACHE_ENABLED = False
    client.get(GUIDE)
    article = Article.objects.get(slug="magnesium-deficiency")
    if edit == "article":
        article.summary = "A summary changed by the fragment test."
        article.save()
        expected = article.summary
    else:
        reference = article.references.first()
        reference.title = "A reference title changed by the fragment test"
        reference.save()
        expected = reference.title
    assert expected.encode() in client.get(GUIDE).content


def test_fragments_vary_on_the_site_url(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get(GUIDE)
    settings.SITE_URL = "https://other.example"
    html = client.get(GUIDE).content.decode()
    assert '<link rel="canonical" href="https://other.example/guides/magnesium-deficiency/">' in html


def test_preview_is_never_a_cached_fragment(admin_client, settings):
    settings.PAGE_CACHE_ENABLED = False
    article = Article.objects.get(slug="magnesium-deficiency")
    admin_client.get(GUIDE)
    preview = admin_client.get(f"/guides/{article.slug}/preview/")
    assert preview.status_code == 200 and b"preview-banner" in preview.content
    assert b"preview-banner" not in admin_client.get(GUIDE).content
