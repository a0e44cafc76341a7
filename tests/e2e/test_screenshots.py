"""``make screenshots``: a full-page PNG of every page type at 390 px and 1280 px, light and dark.

Deselected unless SCREENSHOTS=1 (see conftest). Files go to screenshots/ (git-ignored).
"""

import pytest

from .conftest import ROOT, WIDTHS, page_types

pytestmark = [pytest.mark.e2e, pytest.mark.screenshots]

OUT = ROOT / "screenshots"


def test_screenshots(site, browser):
    OUT.mkdir(exist_ok=True)
    written = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for name, path in page_types().items():
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(site + path)
                suffix = "" if scheme == "light" else "-dark"
                file = OUT / f"{name}-{width}{suffix}.png"
                page.screenshot(path=str(file), full_page=True)
                written.append(file)
        context.close()
    assert all(f.stat().st_size > 1000 for f in written)
    assert len(written) == len(page_types()) * len(WIDTHS) * 2
