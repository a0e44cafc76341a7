"""``make screenshots`` for the review workflow: PNGs at 1280 px, light and dark.

- ``admin-draft``: the admin edit page of a guide with an open (staged) change;
- ``admin-home``: the admin home with the review dashboard, one guide overdue;
- ``guide-what-changed``: a public guide scrolled to "What changed" after an approved change.

Deselected unless SCREENSHOTS=1 (see conftest). Files go to screenshots/ (git-ignored).
"""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from guides.editorial import workflow
from guides.models import Article, Person

from .conftest import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.screenshots]

OUT = ROOT / "screenshots"
WIDTH = 1280
PASSWORD = "a-long-editor-password-for-e2e"
APPROVED = "magnesium-testing"  # gets an approved change
DRAFTED = "magnesium-deficiency"  # keeps an open draft
SENTENCE = "Less than one percent of the magnesium in the body is in the blood that a test measures."


def sign_in(context, site, username):
    page = context.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(site + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def stage(page, site, article, note, submit):
    """As the signed-in editor, add SENTENCE to the guide's body and save a draft or submit it."""
    page.goto(f"{site}/admin/guides/article/{article.pk}/change/")
    body = page.locator("#id_body")
    body.fill(body.input_value().rstrip() + "\n\n" + SENTENCE + "\n")
    page.fill("#id_change_note", note)
    page.get_by_role("button", name="Submit for review" if submit else "Save draft").click()
    page.locator(".messagelist .success").wait_for()


def test_review_screenshots(site, browser):
    OUT.mkdir(exist_ok=True)
    call_command("createeditor", "shots-editor", password=PASSWORD, verbosity=0)
    person = Person.objects.create(slug="shots-reviewer", name="Amara Lewis", credentials="MD", role="reviewer")
    call_command("createeditor", "shots-reviewer", reviewer=True, person=person.slug, password=PASSWORD, verbosity=0)
    approved, drafted = Article.objects.get(slug=APPROVED), Article.objects.get(slug=DRAFTED)
    overdue = Article.objects.published().exclude(pk__in=[approved.pk, drafted.pk]).order_by("title").first()
    Article.objects.filter(pk=overdue.pk).update(
        last_reviewed=timezone.localdate() - dt.timedelta(days=400),
        next_review_due=timezone.localdate() - dt.timedelta(days=35),
    )

    setup = browser.new_context()
    editor = sign_in(setup, site, "shots-editor")
    stage(editor, site, approved, "A sentence on what a blood test measures", submit=True)
    workflow.approve(
        workflow.open_change(Article, approved.pk),
        User.objects.get(username="shots-reviewer"),
        "Added a sentence on how little of the body's magnesium a blood test measures",
    )
    stage(editor, site, drafted, "Say what a blood test measures", submit=False)
    setup.close()

    written = []
    for scheme in ("light", "dark"):
        suffix = "" if scheme == "light" else "-dark"
        context = browser.new_context(color_scheme=scheme)
        admin = sign_in(context, site, "shots-editor")
        admin.goto(f"{site}/admin/guides/article/{drafted.pk}/change/")
        admin.locator(".review-banner").wait_for()
        written.append(OUT / f"admin-draft-{WIDTH}{suffix}.png")
        admin.screenshot(path=str(written[-1]), full_page=True)

        admin.goto(site + "/admin/")
        admin.locator(".review-dashboard").wait_for()
        written.append(OUT / f"admin-home-{WIDTH}{suffix}.png")
        admin.screenshot(path=str(written[-1]), full_page=True)
        context.close()

        reader = browser.new_context(color_scheme=scheme, viewport={"width": WIDTH, "height": 900})
        page = reader.new_page()
        page.goto(site + approved.get_absolute_url())
        page.evaluate(
            "document.getElementById('changes-heading').scrollIntoView({block: 'start'}); window.scrollBy(0, -48)"
        )
        written.append(OUT / f"guide-what-changed-{WIDTH}{suffix}.png")
        page.screenshot(path=str(written[-1]))
        reader.close()

    assert all(f.stat().st_size > 1000 for f in written)
    assert len(written) == 6
