"""Browser tests: Playwright drives the system Chromium against Django's live server.

One browser is launched per session (pytest-playwright's ``browser`` fixture);
each test gets its own context. Tests marked ``screenshots`` only run for
``make screenshots`` (``SCREENSHOTS=1``); every other run deselects them.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the main thread; Django's ORM
# refuses to run there unless told it is safe (the loop never awaits the ORM).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
WIDTHS = (390, 1280)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use the system Chromium; never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    }


@pytest.fixture
def site(live_server, live_content):
    """The live server's base URL, with the repository's content loaded."""
    return live_server.url


def page_types():
    """One URL per public page type, ``{name: path}``. Needs the content loaded."""
    from guides.models import Article, Person, SupplementForm, Topic

    guide = Article.objects.published().get(slug="magnesium-deficiency")
    return {
        "home": "/",
        "guides": "/guides/",
        "guide": guide.get_absolute_url(),
        "topic": Topic.objects.get(slug="deficiency").get_absolute_url(),
        "foods": "/foods/",
        "supplements": "/supplements/",
        "supplement": SupplementForm.objects.order_by("order", "name").first().get_absolute_url(),
        "faq": "/faq/",
        "references": "/references/",
        "about": "/about/",
        "person": Person.objects.order_by("slug").first().get_absolute_url(),
        "search": "/search/?q=magnesium",
        "calculator": "/tools/magnesium-calculator/?age=35&sex=female",
        "interactions": "/tools/interactions/?med=omeprazole",
        "lab-units": "/tools/lab-units/?analyte=magnesium&value=2&unit=mg/dL",
        "404": "/no-such-page-here/",
    }


def pytest_collection_modifyitems(config, items):
    """Deselect ``screenshots`` tests unless SCREENSHOTS=1 (set by ``make screenshots``)."""
    if os.environ.get("SCREENSHOTS") == "1":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("screenshots") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
