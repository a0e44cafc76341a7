"""Issue 12 in Chromium: two editors on one guide, and a failed image upload."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from guides.editorial import workflow
from guides.models import Article
from guides.permissions import ensure_editors_group

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-editor-password-for-e2e"
GUIDE = "magnesium-testing"


def editor(name):
    ensure_editors_group()
    user = User.objects.create_user(name, f"{name}@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def signed_in(browser, site, user):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_the_second_of_two_editors_is_refused_and_keeps_their_text(site, browser):
    article = Article.objects.get(slug=GUIDE)
    url = f"{site}/admin/guides/article/{article.pk}/change/"
    first, second = signed_in(browser, site, editor("first-editor")), signed_in(browser, site, editor("second-editor"))
    first.goto(url)
    second.goto(url)

    first.fill("#id_title", "Magnesium tests, as the first editor saved them")
    first.locator("input[name='_save']").click()
    expect(first.locator(".messagelist .success")).to_be_visible()

    second_text = second.locator("#id_body").input_value() + "\n\nThe second editor's paragraph."
    second.fill("#id_body", second_text)
    second.locator("input[name='_save']").click()
    expect(second.locator(".errornote, .errorlist").first).to_be_visible()
    expect(second.locator("#article_form")).to_contain_text("first-editor")
    expect(second.locator("#article_form")).to_contain_text("saved a change to this while you were editing")
    assert second.locator("#id_body").input_value().replace("\r\n", "\n") == second_text  # nothing lost

    draft = workflow.open_change(Article, article.pk)  # the first editor's work is kept, staged for review
    assert draft.data["title"] == ["Magnesium tests, as the first editor saved them"]
    assert "The second editor's paragraph." not in draft.data["body"][0]


@pytest.mark.parametrize(
    ("name", "mime", "data", "reason"),
    [
        (
            "anim.gif",
            "image/gif",
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "GIF images are not accepted",
        ),
        ("drawing.svg", "image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG is not accepted"),
        ("huge.jpg", "image/jpeg", 5 * 1024 * 1024 + 10, "images must be 5 MB or smaller"),
    ],
)
def test_a_failed_upload_inserts_nothing_and_says_why(site, browser, name, mime, data, reason):
    article = Article.objects.get(slug=GUIDE)
    page = signed_in(browser, site, editor(f"uploader-{name.split('.')[0]}"))
    page.goto(f"{site}/admin/guides/article/{article.pk}/change/")
    body = page.locator("#id_body")
    before = body.input_value()
    buffer = page.evaluate_handle(
        """([name, mime, bytes, size]) => {
            const content = size ? new Uint8Array(size) : new Uint8Array(bytes);
            if (size) { content[0] = 0xff; content[1] = 0xd8; }
            const dt = new DataTransfer();
            dt.items.add(new File([content], name, {type: mime}));
            return dt;
        }""",
        [name, mime, [] if isinstance(data, int) else list(data), data if isinstance(data, int) else 0],
    )
    body.dispatch_event("drop", {"dataTransfer": buffer})
    message = page.locator(".upload-error")
    expect(message).to_contain_text(reason)
    expect(message).to_have_attribute("role", "alert")
    assert body.input_value() == before
    assert "Invalid response" not in body.input_value()
