"""Admin: the Editors group, validation that names errors, and the markdownx endpoints."""

import io
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from PIL import Image

from guides.models import FAQ, Article, Person, Topic
from guides.rendering import pipeline

from .admin_forms import approve_open

PREVIEW = "/admin/markdownx/markdownify/"
UPLOAD = "/admin/markdownx/upload/"


class Conversions:
    """Counts the Markdown conversions the pipeline really runs (its memo cleared first)."""

    def __init__(self):
        self.sources = []

    def __enter__(self):
        pipeline._render.cache_clear()
        original = pipeline.md_lib.Markdown.convert
        sources = self.sources

        def convert(md, source):
            sources.append(source)
            return original(md, source)

        self.patch = mock.patch.object(pipeline.md_lib.Markdown, "convert", convert)
        self.patch.start()
        return self

    def __exit__(self, *exc):
        self.patch.stop()

    def of(self, fragment):
        return sum(fragment in source for source in self.sources)


def uploads():
    folder = Path(settings.MEDIA_ROOT) / settings.MARKDOWNX_MEDIA_PATH
    return sorted(folder.glob("*")) if folder.exists() else []


def image_bytes(fmt="PNG", size=(20, 10)):
    buf = io.BytesIO()
    Image.new("RGB", size, "teal").save(buf, format=fmt)
    return buf.getvalue()


def upload_file(name, data, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


class TestEditorsGroup:
    def test_content_models_only(self, editor):
        perms = set(Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", flat=True))
        assert perms == {"guides"}
        assert editor.has_perm("guides.change_article")
        assert not editor.has_perm("auth.change_user")
        assert not editor.has_perm("auth.add_group")

    def test_editor_can_use_content_admin_but_not_users(self, editor_client):
        assert editor_client.get("/admin/guides/article/").status_code == 200
        assert editor_client.get("/admin/guides/article/add/").status_code == 200
        assert editor_client.get("/admin/auth/user/").status_code == 403
        assert editor_client.get("/admin/auth/group/").status_code == 403


class TestArticleAdmin:
    def form(self, **overrides):
        author = Person.objects.get(slug="editorial-team")
        reviewer = Person.objects.get(slug="medical-review-team")
        data = {
            "title": "A new guide written in admin",
            "slug": "a-new-guide",
            "status": "published",
            "summary": "A short, plain summary of the new guide that is long enough to pass.",
            "key_points": "One.\nTwo.",
            "body": "## Why?\n\nBecause [@HuangKuo2007].",
            "topics": [Topic.objects.get(slug="deficiency").pk],
            "author": author.pk,
            "reviewer": reviewer.pk,
            "published": "2026-01-01",
            "updated": "2026-01-02",
            "last_reviewed": "2026-01-02",
            "next_review_due": "2027-01-02",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            "faqs-TOTAL_FORMS": "0",
            "faqs-INITIAL_FORMS": "0",
        }
        data.update(overrides)
        return data

    def test_save_renders_once_with_citations(self, content, editor_client):
        response = editor_client.post("/admin/guides/article/add/", self.form())
        assert response.status_code == 302, response.content.decode()[:2000]
        article = Article.objects.get(slug="a-new-guide")
        assert 'href="#source-1"' in article.body_html
        assert article.citations.get().reference.key == "HuangKuo2007"

    def test_unknown_cite_key_is_a_named_error(self, content, editor_client):
        response = editor_client.post("/admin/guides/article/add/", self.form(body="Claim [@Nobody1900]."))
        assert response.status_code == 200
        assert "unknown citation key &#x27;Nobody1900&#x27;" in response.content.decode()
        assert not Article.objects.filter(slug="a-new-guide").exists()

    def test_unknown_link_is_a_named_error(self, content, editor_client):
        response = editor_client.post("/admin/guides/article/add/", self.form(body="See [[nowhere-guide]]."))
        assert "unknown link target &#x27;nowhere-guide&#x27;" in response.content.decode()

    def test_summary_length_is_validated(self, content, editor_client):
        response = editor_client.post("/admin/guides/article/add/", self.form(summary="Too short."))
        assert "50–160 characters" in response.content.decode()

    def change_form(self, article, **overrides):
        """The change form for ``article`` as it stands, so only ``overrides`` change."""
        data = self.form(
            title=article.title,
            slug=article.slug,
            status=article.status,
            summary=article.summary,
            key_points=article.key_points,
            body=article.body,
            topics=list(article.topics.values_list("pk", flat=True)),
            author=article.author_id,
            reviewer=article.reviewer_id or "",
            published=article.published.isoformat(),
            updated=article.updated.isoformat(),
            last_reviewed=article.last_reviewed.isoformat() if article.last_reviewed else "",
            next_review_due=article.next_review_due.isoformat() if article.next_review_due else "",
        )
        data.update(overrides)
        return data

    def test_add_renders_the_body_once(self, content, editor_client):
        form = self.form()
        with Conversions() as conversions:
            response = editor_client.post("/admin/guides/article/add/", form)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert conversions.of(form["body"].splitlines()[0]) == 1  # the check and the save share one render
        assert 'href="#source-1"' in Article.objects.get(slug="a-new-guide").body_html

    def test_change_renders_the_body_once(self, content, editor_client, reviewer):
        article = Article.objects.get(slug="magnesium-testing")
        body = article.body + "\r\n\r\nOne more line from the editor [@HuangKuo2007]."
        with Conversions() as conversions:
            response = editor_client.post(
                f"/admin/guides/article/{article.pk}/change/", self.change_form(article, body=body)
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert conversions.of("One more line from the editor") == 1
        article.refresh_from_db()
        assert "One more line from the editor" not in article.body_html  # staged: readers see the reviewed text
        approve_open(Article, article.pk, reviewer)
        article.refresh_from_db()
        assert "\r" not in article.body
        assert "One more line from the editor" in article.body_html
        assert "HuangKuo2007" in article.citations.values_list("reference__key", flat=True)

    def test_faq_change_renders_the_answer_once(self, content, editor_client, reviewer):
        faq = FAQ.objects.filter(article__isnull=False).first()
        data = {
            "question": faq.question,
            "answer": "Yes, see [@HuangKuo2007].",
            "article": faq.article_id,
            "topics": list(faq.topics.values_list("pk", flat=True)),
            "order": faq.order,
        }
        with Conversions() as conversions:
            response = editor_client.post(f"/admin/guides/faq/{faq.pk}/change/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert conversions.of("Yes, see") == 1
        approve_open(FAQ, faq.pk, reviewer)
        faq.refresh_from_db()
        assert 'href="/references/#ref-HuangKuo2007"' in faq.answer_html  # the FAQ's own citation style

    def test_source_changed_after_clean_is_rendered_again(self, content):
        article = Article.objects.get(slug="magnesium-testing")
        article.full_clean()
        article.body = "A body written after the check."
        with Conversions() as conversions:
            article.save()
        assert conversions.of("A body written after the check.") == 1
        assert "A body written after the check." in article.body_html

    def test_slug_change_records_history(self, content, editor_client, reviewer):
        article = Article.objects.get(slug="magnesium-testing")
        data = self.form(slug="magnesium-tests", title=article.title, body=article.body)
        response = editor_client.post(f"/admin/guides/article/{article.pk}/change/", data)
        assert response.status_code == 302
        assert editor_client.get("/guides/magnesium-testing/").status_code == 200  # staged, not yet approved
        approve_open(Article, article.pk, reviewer)
        assert editor_client.get("/guides/magnesium-testing/").status_code == 301


class TestMarkdownxEndpoints:
    def test_anonymous_preview_refused(self, client, db):
        response = client.post(PREVIEW, {"content": "<b>x</b>"})
        assert response.status_code in (302, 403)
        assert b"<b>x</b>" not in response.content

    def test_anonymous_upload_refused_and_nothing_written(self, client, db):
        before = uploads()
        response = client.post(UPLOAD, {"image": upload_file("a.png", image_bytes(), "image/png")})
        assert response.status_code in (302, 403)
        assert uploads() == before

    def test_markdownx_urls_not_included(self, client, db):
        assert client.post("/markdownx/markdownify/", {"content": "x"}).status_code == 404
        assert client.post("/markdownx/upload/", {}).status_code == 404

    def test_preview_uses_the_pipeline(self, content, editor_client):
        response = editor_client.post(PREVIEW, {"content": "Hi [@HuangKuo2007] <script>alert(1)</script>"})
        html = response.content.decode()
        assert '<sup class="cite">' in html
        assert "<script>" not in html

    def test_preview_get_not_allowed(self, editor_client):
        assert editor_client.get(PREVIEW).status_code == 405

    @pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
    def test_valid_image_is_reencoded_with_server_name(self, editor_client, fmt, ext):
        before = uploads()
        response = editor_client.post(
            UPLOAD, {"image": upload_file("../../evil name.html", image_bytes(fmt), "text/html")}
        )
        assert response.status_code == 200
        new = [p for p in uploads() if p not in before]
        assert len(new) == 1 and new[0].suffix == f".{ext}" and "evil" not in new[0].name
        assert response.json()["image_code"].startswith("![](/media/uploads/")
        with Image.open(new[0]) as img:
            assert img.format == fmt
        new[0].unlink()

    @pytest.mark.parametrize(
        "data,name,ctype",
        [
            (b"<html><script>alert(1)</script></html>", "x.png", "image/png"),
            (b"GIF89a" + b"\x00" * 20, "x.gif", "image/gif"),
            (b"%PDF-1.4", "x.jpg", "image/jpeg"),
        ],
    )
    def test_non_images_are_refused(self, editor_client, data, name, ctype):
        before = uploads()
        response = editor_client.post(UPLOAD, {"image": upload_file(name, data, ctype)})
        assert response.status_code == 400
        assert uploads() == before

    def test_gif_image_is_refused(self, editor_client):
        buf = io.BytesIO()
        Image.new("RGB", (5, 5)).save(buf, format="GIF")
        response = editor_client.post(UPLOAD, {"image": upload_file("x.gif", buf.getvalue(), "image/gif")})
        assert response.status_code == 400

    def test_oversized_upload_refused(self, editor_client, settings):
        settings.MARKDOWNX_UPLOAD_MAX_SIZE = 100
        before = uploads()
        response = editor_client.post(
            UPLOAD, {"image": upload_file("a.png", image_bytes(size=(200, 200)), "image/png")}
        )
        assert response.status_code == 400
        assert uploads() == before
