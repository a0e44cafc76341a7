"""What a reader does on the site, in Chromium: jump, cite, expand, sort, read on a phone, print."""

import re

import pytest
from playwright.sync_api import expect

from guides.models import Article, Food

from .conftest import page_types

pytestmark = pytest.mark.e2e

GUIDE = "/guides/magnesium-deficiency/"


def rows(page, column):
    """The cells of one column of the food table, in page order."""
    return page.locator("#food-table tbody tr").evaluate_all(
        f"rows => rows.map(r => [r.cells[0].textContent.trim(), r.cells[{column}].dataset.value ?? null])"
    )


def test_toc_links_jump_to_their_sections(site, page):
    page.goto(site + GUIDE)
    links = page.locator(".toc a")
    count = links.count()
    assert count >= 5
    for index in range(count):
        link = links.nth(index)
        target = link.get_attribute("href")
        assert target.startswith("#")
        link.click()
        assert page.url.endswith(target)
        heading = page.locator(f"[id='{target[1:]}']")
        expect(heading).to_have_count(1)
        assert heading.evaluate("el => el.tagName") in ("H2", "H3")
        expect(heading).to_be_in_viewport()


def test_citation_goes_to_its_source_and_back(site, page):
    page.goto(site + GUIDE)
    citation = page.locator(".body sup.cite a").first
    href = citation.get_attribute("href")
    assert re.fullmatch(r"#source-\d+", href)
    cite_id = citation.get_attribute("id")
    citation.click()
    assert page.url.endswith(href)
    source = page.locator(href)
    expect(source).to_be_in_viewport()
    expect(source.locator("a[href^='https://']").first).to_be_visible()  # DOI, PubMed or URL
    source.locator(f"a[href='#{cite_id}']").click()
    assert page.url.endswith(f"#{cite_id}")
    expect(page.locator(f"[id='{cite_id}']")).to_be_in_viewport()


def test_faqs_open_on_click(site, page):
    page.goto(site + GUIDE)
    faq = page.locator(".faqs details").first
    answer = faq.locator(".answer")
    expect(faq).not_to_have_attribute("open", "")
    expect(answer).to_be_hidden()
    faq.locator("summary").click()
    expect(faq).to_have_attribute("open", "")
    expect(answer).to_be_visible()
    faq.locator("summary").click()
    expect(answer).to_be_hidden()


def test_food_table_sorts_in_place_with_javascript(site, page):
    page.goto(site + "/foods/")
    page.evaluate("window.sameDocument = true")  # lost if the click reloads the page
    by_magnesium = rows(page, 2)
    values = [float(v) for _name, v in by_magnesium if v]
    assert values == sorted(values, reverse=True)

    page.locator("#food-table thead th").first.locator("a").click()
    expect(page.locator("#food-table thead th").first).to_have_attribute("aria-sort", "ascending")
    names = [name for name, _value in rows(page, 2)]
    assert names == sorted(names, key=str.casefold) and names != [n for n, _v in by_magnesium]
    assert page.evaluate("window.sameDocument") is True
    assert page.url.endswith("?sort=name")  # the address matches the server-sorted page

    page.get_by_role("link", name=re.compile("^Potassium")).click()
    potassium = [float(v) for _name, v in rows(page, 3) if v]
    assert potassium == sorted(potassium, reverse=True) and len(potassium) > 10
    assert page.evaluate("window.sameDocument") is True


def test_food_table_sorts_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/foods/")
    page.locator("#food-table thead th").first.locator("a").click()
    page.wait_for_url(re.compile(r"/foods/\?sort=name$"))
    names = [name for name, _value in rows(page, 2)]
    assert names == sorted(Food.objects.values_list("name", flat=True), key=str.casefold)
    expect(page.locator("#food-table thead th").first).to_have_attribute("aria-sort", "ascending")

    page.get_by_role("link", name=re.compile("^Calcium")).click()
    page.wait_for_url(re.compile(r"\?sort=calcium$"))
    calcium = [float(v) for _name, v in rows(page, 4) if v]
    assert calcium == sorted(calcium, reverse=True) and len(calcium) > 10

    page.locator("#food-category").select_option("dairy")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"category=dairy"))
    assert {name for name, _v in rows(page, 2)} == set(
        Food.objects.filter(category="dairy").values_list("name", flat=True)
    )
    context.close()


def test_every_page_type_fits_a_phone_without_errors(site, browser):
    """Every page type and every guide: no horizontal page scroll at 360 px (tables scroll in their own box), no console errors (CSP)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    too_wide = {}
    pages = page_types() | {a.slug: a.get_absolute_url() for a in Article.objects.published()}
    for name, path in pages.items():
        page.goto(site + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            too_wide[name] = widths
        for table in page.locator("main table").all():  # wide tables scroll inside their own box
            assert table.evaluate("el => el.getBoundingClientRect().right") <= 360 or table.evaluate(
                "el => ['auto', 'scroll'].includes(getComputedStyle(el.closest('.table-wrap') || el).overflowX)"
            ), name
    context.close()
    assert not too_wide, f"pages wider than a 360 px phone [scrollWidth, clientWidth]: {too_wide}"
    errors = [e for e in errors if "/no-such-page-here/" not in e or "404" not in e]
    assert not errors, "console errors:\n" + "\n".join(errors)


def test_skip_link_is_first_and_visible_on_focus(site, page):
    page.goto(site + GUIDE)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_print_stylesheet_hides_navigation_and_prints_source_urls(site, page):
    page.goto(site + GUIDE)
    expect(page.locator(".site-header nav")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("nav.toc")).to_be_hidden()
    source_link = page.locator(".sources a[href^='https://']").first
    href = source_link.get_attribute("href")
    printed = source_link.evaluate("el => getComputedStyle(el, '::after').content")
    assert href in printed
