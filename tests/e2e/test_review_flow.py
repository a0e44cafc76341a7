"""Issue 13 in Chromium: an editor's change waits for a medical reviewer before readers see it.

The editor submits a change to a live guide; readers (no session, so the page cache
serves them) keep the reviewed version. The editor cannot approve it; a reviewer asks
for changes, the editor amends and resubmits, the reviewer approves, and readers then
see the change, the reviewer in the byline, today's dates and the note in "What changed".
"""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from guides.models import Article, Change, Person

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-editor-password-for-e2e"
GUIDE = "magnesium-testing"
SENTENCE = "A blood test for magnesium measures less than one percent of the body's store, reviewers e2e."
AMENDED = "Most of the rest sits in bone and muscle, where no routine test reaches it."
APPROVAL_NOTE = "Added the new sentence"


def sign_in(browser, site, username):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def public(reader, url):
    """The guide as an anonymous reader gets it over HTTP: (X-Cache, HTML)."""
    response = reader.request.get(url)
    assert response.status == 200, url
    return response.headers.get("x-cache"), response.text()


def long_date(day):
    return f"{day.day} {day:%B %Y}"


def test_a_change_is_reviewed_before_readers_see_it(site, browser):
    article = Article.objects.get(slug=GUIDE)
    assert article.is_published and SENTENCE not in article.body
    guide_url = site + article.get_absolute_url()
    edit_url = f"{site}/admin/guides/article/{article.pk}/change/"
    call_command("createeditor", "e2e-editor", password=PASSWORD, verbosity=0)
    person = Person.objects.create(
        slug="rhiannon-okafor", name="Rhiannon Okafor", credentials="MBBS", role=Person.Role.REVIEWER
    )
    call_command("createeditor", "e2e-reviewer", reviewer=True, person=person.slug, password=PASSWORD, verbosity=0)
    reader = browser.new_context()  # anonymous: no session cookie, so the page cache serves it

    # a. The editor changes the live guide's body and submits it for review.
    editor = sign_in(browser, site, "e2e-editor")
    editor.goto(edit_url)
    body = editor.locator("#id_body")
    live_body = body.input_value()
    body.fill(live_body.rstrip() + "\n\n" + SENTENCE + "\n")
    editor.fill("#id_change_note", "A sentence on what a blood test measures")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist .success")).to_contain_text("Submitted for review.")
    expect(editor.locator(".review-banner")).to_contain_text("This change is in review.")
    change = Change.objects.get(object_id=article.pk, state=Change.State.IN_REVIEW)
    review_url = f"{site}/admin/guides/change/{change.pk}/review/"

    first = public(reader, guide_url)
    second = public(reader, guide_url)
    assert first[0] == "miss" and second[0] == "hit", (first[0], second[0])
    for _, html in (first, second):
        assert "<h1>" in html and article.title in html
        assert SENTENCE not in html
    assert SENTENCE not in Article.objects.get(pk=article.pk).body

    # b. The editor cannot approve their own change, on the page or by posting the button.
    editor.goto(review_url)
    expect(editor.locator(".review-page")).to_contain_text("State: In review.")
    expect(editor.locator("input[name='_approve']")).to_have_count(0)
    expect(editor.locator(".review-note")).to_have_text(
        "Only a member of the Medical reviewers group can approve or request changes."
    )
    token = editor.locator("input[name='csrfmiddlewaretoken']").first.input_value()
    refused = editor.request.post(
        review_url,
        form={"csrfmiddlewaretoken": token, "note": "Looks fine to me", "_approve": "Approve and publish"},
        headers={"Referer": review_url},
        max_redirects=0,
    )
    assert refused.status == 403, refused.status
    assert Change.objects.get(pk=change.pk).state == Change.State.IN_REVIEW

    # c. The reviewer requests changes; the editor amends and resubmits; the reviewer approves.
    reviewer = sign_in(browser, site, "e2e-reviewer")
    reviewer.goto(edit_url)
    reviewer.get_by_role("link", name="Review this change").click()
    reviewer.wait_for_url(review_url)
    expect(reviewer.locator(".review-diff")).to_contain_text("reviewers e2e.")
    # What the reviewer was shown, checked at the end so that a wrong diff does not hide the rest of the flow.
    first_diff = reviewer.locator(".review-diff tbody td").last.inner_text()
    diff_fields = reviewer.locator(".review-diff tbody th").all_inner_texts()
    expect(reviewer.locator(".review-page")).to_contain_text("Every editorial rule passes.")
    reviewer.fill("#id_note", "Say where the rest of the magnesium is")
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.locator(".messagelist .success")).to_have_text("Changes requested: the editor sees your note.")
    expect(reviewer.locator(".review-page")).to_contain_text("State: Changes requested.")

    editor.goto(edit_url)
    expect(editor.locator(".review-banner")).to_contain_text("A reviewer asked for changes.")
    expect(editor.locator(".review-events")).to_contain_text(
        "e2e-reviewer: Requested changes: “Say where the rest of the magnesium is”"
    )
    assert SENTENCE in body.input_value()  # the form carries on with the draft
    body.fill(body.input_value().rstrip() + " " + AMENDED + "\n")
    editor.fill("#id_change_note", "Said where the rest of the magnesium is")
    editor.get_by_role("button", name="Submit for review").click()
    expect(editor.locator(".messagelist .success")).to_contain_text("Submitted for review.")
    assert SENTENCE not in public(reader, guide_url)[1]

    reviewer.goto(review_url)
    expect(reviewer.locator(".review-page")).to_contain_text("State: In review.")
    expect(reviewer.locator(".review-diff")).to_contain_text(AMENDED)
    reviewer.fill("#id_note", APPROVAL_NOTE)
    reviewer.get_by_role("button", name="Approve and publish").click()
    expect(reviewer.locator(".messagelist .success")).to_contain_text("Approved: readers now see the change")
    expect(reviewer.locator(".messagelist .error")).to_have_count(0)
    expect(reviewer.locator(".review-page")).to_contain_text("State: Approved.")

    # d. Readers now see the change, signed off by the reviewer today.
    today = timezone.localdate()
    page = reader.new_page()
    page.goto(guide_url)
    expect(page.locator(".body")).to_contain_text(SENTENCE + " " + AMENDED)
    byline = page.locator("dl.byline")
    reviewed_by = byline.locator("div", has=page.locator("dt", has_text="Medically reviewed by")).locator("dd a")
    expect(reviewed_by).to_have_text("Rhiannon Okafor, MBBS")
    expect(reviewed_by).to_have_attribute("href", "/people/rhiannon-okafor/")
    for label in ("Last reviewed", "Updated"):
        when = byline.locator("div", has=page.locator("dt", has_text=re.compile(f"^{label}$"))).locator("time")
        expect(when).to_have_attribute("datetime", today.isoformat())
        expect(when).to_have_text(long_date(today))
    expect(page.locator(".review-overdue")).to_have_count(0)
    entries = page.locator(".what-changed li")
    expect(entries.first).to_have_text(f"{long_date(today)}: {APPROVAL_NOTE} (reviewed by Rhiannon Okafor, MBBS)")
    expect(entries.first.locator("time")).to_have_attribute("datetime", today.isoformat())
    expect(entries.last).to_contain_text("first published.")
    cache_state, html = public(reader, guide_url)
    assert cache_state == "hit" and SENTENCE in html and APPROVAL_NOTE in html

    article.refresh_from_db()
    assert article.reviewer == person and article.last_reviewed == today and article.updated == today
    reader.close()

    # The reviewer was shown only the field the editor changed, and its text as written (not "body&#x27;s").
    assert diff_fields == ["Body"], diff_fields
    assert SENTENCE in first_diff, [line for line in first_diff.splitlines() if "reviewers e2e" in line]
