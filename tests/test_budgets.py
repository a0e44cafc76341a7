"""Performance budgets asserted in the suite (timing lives in `make bench`)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from guides.models import Article, Topic
from tests.factories import ArticleFactory

pytestmark = pytest.mark.usefixtures("content")

PAGES = [
    "/",
    "/guides/",
    "/guides/magnesium-deficiency/",
    "/topics/deficiency/",
    "/people/editorial-team/",
    "/foods/",
    "/supplements/",
    "/supplements/magnesium-oxide/",
    "/faq/",
    "/references/",
    "/about/",
    "/search/?q=magnesium",
    "/tools/magnesium-calculator/?age=35&sex=female",
    "/tools/interactions/?med=omeprazole",
    "/tools/lab-units/?analyte=magnesium&value=2&unit=mg/dL",
    "/sitemap.xml",
    "/sitemap-guides.xml",
    "/feed.xml",
]


def add_guides(n):
    topic = Topic.objects.get(slug="deficiency")
    author = Article.objects.first().author
    for _ in range(n):
        ArticleFactory(author=author, reviewer=author, topics=[topic])


@pytest.mark.parametrize("extra", [0, 190])
def test_queries_stay_constant_with_more_guides(client, extra, django_assert_max_num_queries, settings):
    """At most 8 queries per page type, with 22+ and with 200+ guides."""
    settings.PAGE_CACHE_ENABLED = False
    add_guides(extra)
    assert Article.objects.count() >= 22 + extra
    for url in PAGES:
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200, url


def test_cached_pages_make_zero_queries(client, django_assert_num_queries):
    for url in PAGES[:12]:
        client.get(url)
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response["X-Cache"] == "hit", url


def test_guide_page_weight(client):
    for article in Article.objects.published():
        size = len(client.get(article.get_absolute_url()).content)
        assert size <= 60 * 1024, f"{article.slug}: {size} bytes"


def test_css_and_js_weight():
    css = Path(finders.find("css/site.css")).stat().st_size
    assert css <= 20 * 1024
    js = sum(p.stat().st_size for p in (Path(settings.BASE_DIR) / "static" / "js").glob("*.js"))
    assert js <= 10 * 1024


def test_guide_needs_no_javascript(client):
    html = client.get("/guides/magnesium-deficiency/").content.decode()
    assert "<script src" not in html  # nothing to run; JSON-LD is data


def test_static_files_are_hashed_compressed_and_cached_forever(tmp_path):
    """Production storage: hashed names plus .gz and .br copies, served with far-future cache headers."""
    env = {
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True
    )
    names = {p.name for p in (tmp_path / "static" / "css").iterdir()}
    hashed = [n for n in names if re.fullmatch(r"site\.[0-9a-f]{12}\.css", n)]
    assert hashed and f"{hashed[0]}.gz" in names and f"{hashed[0]}.br" in names
    probe = (
        "import django; django.setup(); from django.test import Client; c = Client(HTTP_HOST='localhost');"
        f"r = c.get('/static/css/{hashed[0]}', HTTP_ACCEPT_ENCODING='br');"
        "print(r.status_code, r.get('Content-Encoding'), r['Cache-Control'].replace(' ', ''))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    assert out[:2] == ["200", "br"]
    assert "max-age=315360000" in out[2] and "immutable" in out[2]


def test_revisit_gets_304(client):
    first = client.get("/guides/magnesium-deficiency/")
    assert first["ETag"] and first["Last-Modified"]
    assert client.get("/guides/magnesium-deficiency/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_load_does_not_bump_version_when_nothing_changed():
    from guides.cache import content_version

    before = content_version()
    call_command("loadcontent", verbosity=0)
    assert content_version() == before
