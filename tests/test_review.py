"""The medical review workflow (issue 13): staged changes, sign-off, the quality gate, reviews on time."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from guides.editorial import workflow
from guides.models import Article, Change
from tests.admin_forms import approve_open, make_reviewer, post_form, read_form

GUIDE = "magnesium-testing"
pytestmark = pytest.mark.usefixtures("content")


def change_url(obj):
    return f"/admin/guides/{obj._meta.model_name}/{obj.pk}/change/"


def submit(client, article, note="A clearer opening line", **changes):
    form = read_form(client, change_url(article))
    response = post_form(client, change_url(article), form, change_note=note, _submit="Submit", **changes)
    assert response.status_code == 302, response.content.decode()[:3000]
    return workflow.open_change(Article, article.pk)


def review_url(change):
    return f"/admin/guides/change/{change.pk}/review/"


def test_a_submitted_change_leaves_readers_on_the_reviewed_version(editor_client, client):
    article = Article.objects.get(slug=GUIDE)
    change = submit(editor_client, article, body=article.body + "\n\nA staged sentence.")
    assert change.state == Change.State.IN_REVIEW
    assert "A staged sentence." not in client.get(article.get_absolute_url()).content.decode()
    preview = editor_client.get(f"{article.get_absolute_url()}preview/").content.decode()
    assert "A staged sentence." in preview and "Preview of a change that is in review" in preview


def test_editors_cannot_approve_their_own_change(editor_client, editor):
    from django.contrib.auth.models import Group

    editor.groups.add(Group.objects.get(name="Medical reviewers"))  # even a reviewer cannot sign off their own work
    article = Article.objects.get(slug=GUIDE)
    change = submit(editor_client, article, body=article.body + "\n\nMy own sentence.")
    page = editor_client.get(review_url(change)).content.decode()
    assert 'name="_approve"' not in page and "another medical reviewer must approve it" in page
    response = editor_client.post(review_url(change), {"note": "Looks fine to me", "_approve": "Approve"})
    assert response.status_code == 403
    assert Change.objects.get(pk=change.pk).state == Change.State.IN_REVIEW


def test_an_editor_not_in_reviewers_gets_403(editor_client, client):
    article = Article.objects.get(slug=GUIDE)
    change = submit(editor_client, article, body=article.body + "\n\nAnother sentence.")
    from django.contrib.auth.models import Group, User

    other = User.objects.create_user("other", password="a-long-password-123", is_staff=True)
    other.groups.add(Group.objects.get(name="Editors"))
    client.force_login(other)
    assert client.post(review_url(change), {"note": "x", "_approve": "1"}).status_code == 403


def test_approval_signs_off_and_dates_the_guide(editor_client, client):
    reviewer = make_reviewer()
    article = Article.objects.get(slug=GUIDE)
    change = submit(editor_client, article, body=article.body + "\n\nA reviewed sentence.")
    client.force_login(reviewer)
    due = dt.date.today() + dt.timedelta(days=90)
    response = client.post(
        review_url(change), {"note": "Added a sentence on tests", "_approve": "1", "next_review_due": due.isoformat()}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    today = dt.date.today()
    assert article.reviewer.user == reviewer
    assert (article.last_reviewed, article.next_review_due, article.updated) == (today, due, today)
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "A reviewed sentence." in page
    assert f"{today:%Y-%m-%d}" in page and "Added a sentence on tests (reviewed by" in page
    assert Change.objects.get(pk=change.pk).reviewed_by == reviewer


def test_the_next_review_defaults_to_a_year_and_cannot_be_later(editor_client):
    article = Article.objects.get(slug=GUIDE)
    change = submit(editor_client, article, body=article.body + "\n\nOne more.")
    reviewer = make_reviewer()
    with pytest.raises(workflow.ReviewRefused):
        workflow.approve(change, reviewer, "ok", dt.date.today() + dt.timedelta(days=400))
    workflow.approve(change, reviewer, "ok")
    article.refresh_from_db()
    assert article.next_review_due == dt.date.today() + workflow.REVIEW_PERIOD


def test_a_metadata_only_change_keeps_the_updated_date(editor_client):
    article = Article.objects.get(slug=GUIDE)
    updated = article.updated
    from guides.models import Topic

    topics = [str(pk) for pk in article.topics.values_list("pk", flat=True)]
    extra = Topic.objects.exclude(pk__in=topics).first()
    submit(editor_client, article, topics=[*topics, str(extra.pk)])  # a topic is metadata, not what readers read
    approve_open(Article, article.pk)
    article.refresh_from_db()
    assert article.updated == updated and article.last_reviewed == dt.date.today()
    assert not Change.objects.what_changed(article).exists()  # readers saw no change, so none is listed


def test_review_dates_cannot_be_typed(editor_client):
    article = Article.objects.get(slug=GUIDE)
    form = read_form(editor_client, change_url(article))
    assert "last_reviewed" not in form and "next_review_due" not in form and "updated" not in form
    post_form(
        editor_client,
        change_url(article),
        form,
        last_reviewed="2030-01-01",
        body=article.body + "\n\nNew.",
        change_note="x",
        _submit="1",
    )
    approve_open(Article, article.pk)
    article.refresh_from_db()
    assert article.last_reviewed == dt.date.today()


def test_the_gate_blocks_approval_and_names_the_rule(editor_client, client):
    article = Article.objects.get(slug=GUIDE)
    body = article.body.split("\n\n")
    change = submit(editor_client, article, body="\n\n".join(body[:3]))  # far fewer than 800 words
    assert "The quality gate will stop approval" in editor_client.get(change_url(article)).content.decode()
    client.force_login(make_reviewer())
    response = client.post(review_url(change), {"note": "Shorter", "_approve": "1"}, follow=True)
    html = response.content.decode()
    assert "Not approved:" in html and "words of prose; a guide needs 800-2000" in html
    assert Change.objects.get(pk=change.pk).state == Change.State.IN_REVIEW
    assert Article.objects.get(pk=article.pk).body == article.body


def test_request_changes_then_resubmit(editor_client, client):
    article = Article.objects.get(slug=GUIDE)
    change = submit(editor_client, article, body=article.body + "\n\nFirst try.")
    client.force_login(make_reviewer())
    assert client.post(review_url(change), {"note": "", "_request_changes": "1"}, follow=True).status_code == 200
    assert Change.objects.get(pk=change.pk).state == Change.State.IN_REVIEW  # a note is required
    client.post(review_url(change), {"note": "Cite the source", "_request_changes": "1"})
    assert Change.objects.get(pk=change.pk).state == Change.State.CHANGES_REQUESTED
    page = editor_client.get(change_url(article)).content.decode()
    assert "A reviewer asked for changes." in page and "Cite the source" in page and "First try." in page
    again = submit(editor_client, article, body=article.body + "\n\nSecond try [@ODS_MG_HP].", note="Cited it")
    assert again.pk == change.pk and again.state == Change.State.IN_REVIEW


def test_an_overdue_guide_is_on_the_dashboard_and_tells_readers(admin_client, client):
    article = Article.objects.get(slug=GUIDE)
    Article.objects.filter(pk=article.pk).update(
        last_reviewed=dt.date(2025, 1, 10), next_review_due=dt.date(2026, 1, 10)
    )
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)):
        home = admin_client.get("/admin/").content.decode()
        overdue = home[home.index('id="dash-overdue"') : home.index('id="dash-due"')]
        assert article.title in overdue
        listing = admin_client.get("/admin/guides/article/?review=overdue").content.decode()
        assert article.title in listing
        page = client.get(article.get_absolute_url()).content.decode()
    assert "This page is due for review; the facts were last checked on" in page
    assert "10 January 2025" in page


def test_a_guide_not_yet_due_has_no_notice(client):
    article = Article.objects.get(slug=GUIDE)
    Article.objects.filter(pk=article.pk).update(next_review_due=dt.date.today() + dt.timedelta(days=10))
    assert "due for review" not in client.get(article.get_absolute_url()).content.decode()


def test_loadcontent_runs_the_same_rules(tmp_path, settings):
    import shutil
    from pathlib import Path

    tree = tmp_path / "content"
    shutil.copytree(Path(settings.CONTENT_DIR), tree)
    settings.CONTENT_DIR = tree
    path = tree / "articles" / f"{GUIDE}.md"
    head, _, body = path.read_text().partition("\n---\n")
    path.write_text(head + "\n---\n" + "\n\n".join(body.split("\n\n")[:3]) + "\n")
    err = io.StringIO()
    call_command("loadcontent", stdout=io.StringIO(), stderr=err)
    assert f"warning: guide {GUIDE}:" in err.getvalue() and "words of prose" in err.getvalue()


def test_createeditor_makes_an_editor_and_a_reviewer(db):
    from django.contrib.auth.models import User

    call_command("createeditor", "ed", "--password", "a-long-editor-password-9", stdout=io.StringIO())
    call_command(
        "createeditor",
        "rev",
        "--reviewer",
        "--person",
        "medical-review-team",
        "--password",
        "a-long-review-password-9",
        stdout=io.StringIO(),
    )
    ed, rev = User.objects.get(username="ed"), User.objects.get(username="rev")
    assert ed.is_staff and not ed.is_superuser and list(ed.groups.values_list("name", flat=True)) == ["Editors"]
    assert not workflow.is_reviewer(ed) and workflow.is_reviewer(rev)
    assert rev.person.slug == "medical-review-team"
