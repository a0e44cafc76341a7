"""The Nu HTML Checker (vnu-jar on Java) finds no errors on any page of the site."""

import json
import shutil
import subprocess

import pytest

from tests.test_crawl import crawl

from .conftest import ROOT, page_types

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("content")]

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_page_is_valid_html(client, tmp_path):
    """Every crawled page plus every page type (search, tools, 404), in one Java run."""
    assert shutil.which("java"), "Java 17 is needed for the Nu HTML Checker"
    assert VNU.exists(), "run npm ci for vnu-jar"
    pages = {url: page.html for url, page in crawl(client).items() if page.html}
    for path in page_types().values():
        if path not in pages:
            response = client.get(path)
            assert response.status_code in (200, 404), path
            pages[path] = response.content.decode()
    files = {}
    for number, (url, html) in enumerate(sorted(pages.items())):
        file = tmp_path / f"page-{number:03d}.html"
        file.write_text(html, encoding="utf-8")
        files[file.name] = url
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *(str(f) for f in sorted(tmp_path.glob("*.html")))],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:{m.get('lastLine', '?')}: {m.get('message')} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert len(files) >= 40
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)
