"""Issue 2's must-show, in Chromium: an editor writes, previews, publishes and finds a guide.

Runs under the site's real Content-Security-Policy; any CSP violation or script
error in the admin fails the test.
"""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import expect

from guides.models import Article, Person, Reference
from guides.permissions import ensure_editors_group

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-editor-password-for-e2e"
SLUG = "magnesium-and-sleep-e2e"
TITLE = "Magnesium and sleep: what an editor wrote in the browser"
BODY = """Some people take magnesium at night to help them sleep.

## What the evidence says

Low magnesium is linked to several health problems [@HuangKuo2007]. The evidence for sleep is limited.

!!! note "Worth knowing"
    Talk to a pharmacist before adding a supplement.
"""


@pytest.fixture
def editor_login(site):
    ensure_editors_group()
    user = User.objects.create_user("e2e-editor", "e2e-editor@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_editor_creates_previews_and_publishes_a_guide(site, editor_login, page):
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" or "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    # Log in through the admin's own form.
    response = page.goto(site + "/admin/login/?next=/admin/guides/article/add/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", editor_login.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/guides/article/add/$"))

    page.fill("#id_title", TITLE)
    page.press("#id_title", "Tab")
    expect(page.locator("#id_slug")).not_to_have_value("")  # the admin's prepopulate script ran
    page.fill("#id_slug", SLUG)
    page.fill("#id_summary", "Whether magnesium helps sleep, what the studies show, and who should be careful.")
    page.fill("#id_key_points", "Evidence for sleep is limited.\nAsk a pharmacist first.")
    page.fill("#id_body", BODY)

    # The markdownx live preview renders the citation through the site's pipeline.
    preview = page.locator(".markdownx-preview")
    cite = preview.locator("sup.cite a")
    expect(cite).to_have_text("[1]")
    expect(cite).to_have_attribute("href", "#source-1")
    expect(preview.locator("h2", has_text="What the evidence says")).to_be_visible()
    expect(preview.locator("aside.callout-note")).to_be_visible()

    page.locator("#id_topics_from option", has_text="Magnesium deficiency").dblclick()
    expect(page.locator("#id_topics_to option")).to_have_count(1)
    page.select_option("#id_author", label="Editorial Team")
    today = timezone.localdate()
    page.fill("#id_published", today.isoformat())
    # Status, reviewer and review dates are set by a reviewer's approval, never typed (issue 13).
    for field in ("status", "reviewer", "last_reviewed", "next_review_due"):
        expect(page.locator(f"#id_{field}")).to_have_count(0)
    page.locator("input[name='_save']").click()

    expect(page.locator(".messagelist .success")).to_contain_text("saved as a draft that readers cannot see")
    article = Article.objects.get(slug=SLUG)
    assert not article.is_published and list(article.topics.values_list("slug", flat=True)) == ["deficiency"]
    assert page.request.get(site + f"/guides/{SLUG}/").status == 404  # readers cannot see a draft
    page.get_by_role("link", name="View on site").click()  # on a draft: the staff preview
    expect(page.locator(".preview-banner")).to_contain_text("readers cannot see this guide yet")
    expect(page.locator("h1")).to_have_text(TITLE)

    # Approval publishes it (tests/test_review.py drives the approval itself); the reader's side:
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, reviewer=Person.objects.get(slug="medical-review-team")
    )

    # The reader's side: the guide, its numbered source, and a way in from its topic hub.
    page.goto(site + f"/guides/{SLUG}/")
    expect(page.locator("h1")).to_have_text(TITLE)
    page.locator(".body sup.cite a").first.click()
    source = page.locator("#source-1")
    expect(source).to_be_in_viewport()
    expect(source).to_contain_text(Reference.objects.get(key="HuangKuo2007").title.rstrip("."))
    page.goto(site + "/topics/deficiency/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()

    assert not problems, "\n".join(problems)
