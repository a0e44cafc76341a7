"""Preview = save: each Markdown field previews exactly what readers see once it is saved (issue 11)."""

import re

import pytest

from guides import editor
from guides.models import FAQ, Article, Page, SupplementForm, Topic

pytestmark = pytest.mark.usefixtures("content")

TEXT = (
    "A sentence that cites a source [@ODS_MG_HP] and links [[magnesium-testing]].\n\n"
    "[[table:magnesium-ul]]\n\n"
    '!!! urgent "Seek urgent care"\n    Call for help.'
)


def inner(html, start_marker, end_marker):
    start = html.index(start_marker) + len(start_marker)
    return html[start : html.index(end_marker, start)].strip()


def test_an_faq_answer_previews_as_its_page_shows_it(client):
    faq = FAQ.objects.filter(article__isnull=False).first()
    faq.answer = TEXT
    faq.save()
    page = client.get("/faq/").content.decode()
    shown = inner(
        page,
        f'id="faq-{faq.topics.first().slug}-{faq.pk}"><summary>{faq.question}</summary><div class="answer">',
        "<p>More in",
    )
    preview = editor.preview_html(TEXT, FAQ, "answer")
    assert preview == shown
    assert 'href="/references/#ref-ODS_MG_HP"' in preview  # an FAQ links citations to the bibliography
    assert "#source-" not in preview


def test_a_guide_body_previews_as_its_page_shows_it(client):
    article = Article.objects.get(slug="magnesium-deficiency")
    article.body = TEXT
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    preview = editor.preview_html(TEXT, Article, "body")
    assert preview == inner(page, '<div class="body">', "</div>\n  ")
    assert 'href="#source-1"' in preview and 'href="/guides/magnesium-testing/" class="internal"' in preview


@pytest.mark.parametrize(
    "model, field, obj, url",
    [
        (Topic, "intro", lambda: Topic.objects.get(slug="deficiency"), lambda o: o.get_absolute_url()),
        (Page, "body", lambda: Page.objects.get(slug="about"), lambda o: o.get_absolute_url()),
        (
            SupplementForm,
            "body",
            lambda: SupplementForm.objects.get(slug="magnesium-oxide"),
            lambda o: o.get_absolute_url(),
        ),
    ],
)
def test_every_other_markdown_field_previews_as_its_page_shows_it(client, model, field, obj, url):
    target = obj()
    setattr(target, field, TEXT)
    target.save()
    page = client.get(url(target)).content.decode()
    preview = editor.preview_html(TEXT, model, field)
    assert preview in page
    assert 'href="/references/#ref-ODS_MG_HP"' in preview
    assert "Upper limit for magnesium" in preview  # tables are filled in, as on the page


def test_each_markdown_field_has_its_own_preview_url(admin_client):
    faq = FAQ.objects.first()
    html = admin_client.get(f"/admin/guides/faq/{faq.pk}/change/").content.decode()
    assert re.search(r'data-markdownx-urls-path="/admin/markdownx/markdownify/\?field=guides\.faq\.answer"', html)
    topic = Topic.objects.first()
    html = admin_client.get(f"/admin/guides/topic/{topic.pk}/change/").content.decode()
    assert "field=guides.topic.intro" in html  # topic intros have a live preview too


def test_the_preview_endpoint_uses_the_fields_options(admin_client):
    body = admin_client.post("/admin/markdownx/markdownify/?field=guides.faq.answer", {"content": "See [@ODS_MG_HP]."})
    assert 'href="/references/#ref-ODS_MG_HP"' in body.content.decode()
    body = admin_client.post(
        "/admin/markdownx/markdownify/?field=guides.article.body", {"content": "See [@ODS_MG_HP]."}
    )
    assert 'href="#source-1"' in body.content.decode()
    assert (
        admin_client.post("/admin/markdownx/markdownify/?field=auth.user.password", {"content": "x"}).status_code == 404
    )
