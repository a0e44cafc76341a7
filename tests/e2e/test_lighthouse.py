"""Lighthouse 12 (npm) against the live server: SEO and mobile performance.

robots.txt disallows /search/ (search result pages should not be indexed), and
Lighthouse's ``is-crawlable`` audit reads robots.txt, so on the search page that
one audit fails by design; every other SEO audit must pass there too.
"""

import json
import os
import subprocess
import urllib.request

import pytest

from tests.e2e.conftest import CHROMIUM, ROOT

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = {
    "home": ("/", True),
    "guide": ("/guides/magnesium-deficiency/", True),
    "topic": ("/topics/deficiency/", False),
    "foods": ("/foods/", True),
    "search": ("/search/?q=magnesium", True),
}

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not LIGHTHOUSE.exists(), reason="npm ci has not installed lighthouse"),
]


def lighthouse(url, tmp_path, attempts=3):
    """Run Lighthouse and return its JSON report.

    A Lighthouse run can fail for reasons outside the page (Chromium not
    answering its DevTools port in time on a busy machine), so a failed run is
    tried again; the last failure is reported with Lighthouse's own stderr.
    """
    out = tmp_path / "report.json"
    for _ in range(attempts):
        result = subprocess.run(
            [
                "node",
                str(LIGHTHOUSE),
                url,
                "--only-categories=seo,performance",
                "--form-factor=mobile",
                "--output=json",
                f"--output-path={out}",
                "--quiet",
                "--max-wait-for-load=60000",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                "--disable-background-networking --disable-component-update --no-first-run",
            ],
            timeout=240,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
            capture_output=True,
            text=True,
        )
        if result.returncode == 0 and out.exists():
            report = json.loads(out.read_text())
            if not report.get("runtimeError"):
                return report
    pytest.fail(f"Lighthouse failed {attempts} times on {url}; last exit {result.returncode}:\n{result.stderr[-3000:]}")


def failed_seo_audits(report):
    refs = [r["id"] for r in report["categories"]["seo"]["auditRefs"] if r["weight"] > 0]
    return sorted(a for a in refs if report["audits"][a]["score"] not in (1, None))


@pytest.mark.parametrize("name", list(PAGES))
def test_lighthouse_seo_and_performance(name, site, settings, tmp_path):
    settings.SITE_URL = site  # canonical URLs on the origin Lighthouse loads
    path, check_performance = PAGES[name]
    report = lighthouse(site + path, tmp_path)
    if name == "search":
        assert failed_seo_audits(report) in ([], ["is-crawlable"])
    else:
        assert failed_seo_audits(report) == []
        assert report["categories"]["seo"]["score"] == 1
    if check_performance:
        # The performance score moves with the machine's load (the suite shares two cores with
        # the live server), so a page gets up to three runs, as Lighthouse CI takes several.
        scores = [report["categories"]["performance"]["score"]]
        while max(scores) < 0.98 and len(scores) < 3:
            scores.append(lighthouse(site + path, tmp_path)["categories"]["performance"]["score"])
        assert max(scores) >= 0.98, scores


def test_canonical_is_the_same_after_rendering(site, settings, page):
    settings.SITE_URL = site
    with urllib.request.urlopen(site + "/guides/magnesium-deficiency/") as response:  # noqa: S310 (live server)
        raw = response.read().decode()
    page.goto(site + "/guides/magnesium-deficiency/")
    rendered = page.evaluate("document.querySelector('link[rel=canonical]').href")
    assert f'<link rel="canonical" href="{rendered}">' in raw
