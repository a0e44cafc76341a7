"""Nothing an editor does is lost (issue 12): the three-way sync between content/ and the database.

Each test works on a copy of content/ that stands in for the site's content folder
(``settings.CONTENT_DIR``), so exports write to the copy, never to the repository.
"""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from guides.editorial import workflow
from guides.models import FAQ, Article, Food, SlugHistory, SyncRecord
from tests.admin_forms import approve_open, post_form, read_form

CONTENT = Path(settings.CONTENT_DIR)
GUIDE = "magnesium-testing"
pytestmark = pytest.mark.usefixtures("content")


@pytest.fixture
def tree(tmp_path, settings):
    """A copy of content/ that is the site's content folder for the test."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    settings.CONTENT_DIR = target
    return target


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue()


def failing(command, *args):
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(command, *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue() + str(raised.value)


def dump():
    out = io.StringIO()
    call_command("dumpdata", "guides", "--exclude", "guides.syncrecord", stdout=out)
    return out.getvalue()


def change_url(obj):
    return f"/admin/guides/{obj._meta.model_name}/{obj.pk}/change/"


def admin_edit(client, obj, **changes):
    """An edit in admin as readers get it: saved (staged), then approved by a medical reviewer."""
    response = post_form(client, change_url(obj), read_form(client, change_url(obj)), **changes)
    assert response.status_code == 302, response.content.decode()[:3000]
    approve_open(type(obj), obj.pk)
    obj.refresh_from_db()
    return obj


def counts(out, spec):
    """created, taken, kept, deleted, conflict, unchanged for ``spec`` from loadcontent's table."""
    line = next(row for row in out.splitlines() if row.startswith(spec + " "))
    return dict(
        zip(("created", "taken", "kept", "deleted", "conflict", "unchanged"), map(int, line.split()[1:]), strict=True)
    )


# --- Fault 1: admin edits survive a load; export keeps them; a second load changes nothing ------------


def test_an_admin_edit_survives_a_load_then_export_keeps_it(tree, admin_client):
    article = admin_edit(
        admin_client,
        Article.objects.get(slug=GUIDE),
        body=Article.objects.get(slug=GUIDE).body + "\n\nAn editor's new sentence.",
    )
    out = run("loadcontent")
    assert counts(out, "articles")["kept"] == 1 and counts(out, "articles")["taken"] == 0
    assert "edited in admin: articles" in out and "run exportcontent" in out
    assert "No changes" not in out and "hold the same content" not in out
    article.refresh_from_db()
    assert "An editor's new sentence." in article.body

    run("exportcontent")
    assert "An editor's new sentence." in (tree / "articles" / f"{GUIDE}.md").read_text()
    again = run("loadcontent")
    assert "No changes: the database and content/ hold the same content." in again
    assert all(counts(again, "articles")[a] == 0 for a in ("created", "taken", "kept", "deleted", "conflict"))


def test_a_file_change_is_taken_when_the_database_is_unchanged(tree):
    path = tree / "articles" / f"{GUIDE}.md"
    path.write_text(path.read_text() + "\nA sentence added in git.\n")
    out = run("loadcontent")
    assert counts(out, "articles")["taken"] == 1
    assert "A sentence added in git." in Article.objects.get(slug=GUIDE).body


# --- Conflicts: atomic, named, settled with --prefer ---------------------------------------------------


def make_conflict(tree, client):
    admin_edit(client, Article.objects.get(slug=GUIDE), title="A title changed in admin")
    path = tree / "articles" / f"{GUIDE}.md"
    path.write_text(re.sub(r"^title: .*$", "title: A title changed in git", path.read_text(), count=1, flags=re.M))


def test_a_record_edited_on_both_sides_is_a_conflict_that_changes_nothing(tree, admin_client):
    make_conflict(tree, admin_client)
    before = dump()
    message = failing("loadcontent")
    assert f"articles/{GUIDE}.md" in message  # the file
    assert f'articles ["{GUIDE}"]' in message  # the record
    assert "fields: title" in message  # the field
    assert "--prefer files or --prefer database" in message
    assert dump() == before


@pytest.mark.parametrize(
    ("prefer", "title"), [("files", "A title changed in git"), ("database", "A title changed in admin")]
)
def test_prefer_settles_a_conflict(tree, admin_client, prefer, title):
    make_conflict(tree, admin_client)
    run("loadcontent", "--prefer", prefer)
    assert Article.objects.get(slug=GUIDE).title == title
    if prefer == "database":  # from now on the admin edit is simply "edited in admin"
        assert counts(run("loadcontent"), "articles")["kept"] == 1


# --- Fault 2: a slug renamed in admin is followed; loading the old tree makes no duplicate --------------


def test_a_slug_renamed_in_admin_is_followed_not_duplicated(tree, admin_client):
    article = Article.objects.get(slug=GUIDE)
    faqs = FAQ.objects.count()
    admin_edit(admin_client, article, slug="magnesium-blood-tests")
    out = run("loadcontent")
    assert Article.objects.filter(title=article.title).count() == 1
    assert FAQ.objects.count() == faqs
    assert counts(out, "articles")["created"] == 0
    assert SlugHistory.objects.get(old_slug=GUIDE).article.slug == "magnesium-blood-tests"
    assert not Article.objects.filter(slug=GUIDE).exists()  # no guide clashes with the redirect
    run("exportcontent")
    assert (tree / "articles" / "magnesium-blood-tests.md").exists()
    assert not (tree / "articles" / f"{GUIDE}.md").exists()
    assert "magnesium-blood-tests" in (tree / "redirects.yaml").read_text()
    assert "No changes" in run("loadcontent")


# --- Fault 3: admin refuses what git refuses ------------------------------------------------------------


def test_admin_refuses_a_guide_with_no_topic(admin_client):
    article = Article.objects.get(slug=GUIDE)
    form = read_form(admin_client, change_url(article))
    form.pop("topics")
    response = admin_client.post(change_url(article), {**form, "_save": "Save"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert article.topics.exists()


# --- Fault 4: export never erases content ----------------------------------------------------------------


def test_export_from_an_empty_database_refuses_and_touches_nothing(tree):
    from guides.content.format import SPECS

    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    Article.objects.update(parent=None)
    for spec in reversed(SPECS):
        spec.model.objects.all().delete()
    message = failing("exportcontent")
    assert "the database holds no content" in message
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before


def test_export_refuses_to_overwrite_a_change_made_in_git_and_not_loaded(tree, admin_client):
    admin_edit(admin_client, Article.objects.get(slug=GUIDE), title="An admin title")
    path = tree / "articles" / "magnesium-deficiency.md"
    path.write_text(path.read_text() + "\nWork in git, not loaded yet.\n")
    message = failing("exportcontent")
    assert 'articles ["magnesium-deficiency"]' in message and "changed in content/" in message
    assert "Work in git, not loaded yet." in path.read_text()
    assert "An admin title" not in (tree / "articles" / f"{GUIDE}.md").read_text()


# --- A removed file ---------------------------------------------------------------------------------------


def remove_food(tree, slug):
    import yaml

    from guides.content.format import dump_yaml

    foods = [f for f in yaml.safe_load((tree / "foods.yaml").read_text()) if f["slug"] != slug]
    (tree / "foods.yaml").write_text(dump_yaml(foods))


def test_a_removed_record_is_deleted_when_unchanged_in_the_database(tree):
    remove_food(tree, "pumpkin-seeds-roasted")
    out = run("loadcontent")
    assert counts(out, "foods")["deleted"] == 1
    assert not Food.objects.filter(slug="pumpkin-seeds-roasted").exists()


def test_a_removed_record_edited_in_admin_is_a_conflict(tree, admin_client):
    admin_edit(admin_client, Food.objects.get(slug="pumpkin-seeds-roasted"), serving="1 ounce (28 g)")
    remove_food(tree, "pumpkin-seeds-roasted")
    message = failing("loadcontent")
    assert 'foods ["pumpkin-seeds-roasted"]' in message and "removed from content/, but edited in admin" in message
    assert Food.objects.filter(slug="pumpkin-seeds-roasted").exists()


# --- Fault 5: optimistic locking --------------------------------------------------------------------------


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_its_text(admin_client, client, django_user_model):
    other = django_user_model.objects.create_superuser("other-editor", "o@example.org", "a-long-password-123")
    client.force_login(other)
    article = Article.objects.get(slug=GUIDE)
    first = read_form(admin_client, change_url(article))
    second = read_form(client, change_url(article))
    assert post_form(admin_client, change_url(article), first, title="The first editor's title").status_code == 302
    response = post_form(
        client, change_url(article), second, summary="The second editor's summary, long enough to pass."
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "admin" in html and "saved a change to this while you were editing" in html
    assert "The second editor&#x27;s summary, long enough to pass." in html  # the text stays in the form
    draft = workflow.open_change(Article, article.pk)  # the first editor's change is kept, staged for review
    assert draft.data["title"] == ["The first editor's title"]
    assert "The second editor's summary, long enough to pass." not in draft.data["summary"]
    approve_open(Article, article.pk)
    article.refresh_from_db()
    assert article.title == "The first editor's title"


def test_a_faq_changed_elsewhere_is_refused_too(admin_client):
    faq = Article.objects.get(slug=GUIDE).faqs.first()
    form = read_form(admin_client, change_url(faq))
    faq.answer += " Changed by loadcontent meanwhile."
    faq.save()
    response = post_form(admin_client, change_url(faq), form, question="A new question?")
    assert response.status_code == 200
    assert "saved a change to this while you were editing" in response.content.decode()
    assert workflow.open_change(FAQ, faq.pk) is None
    faq.refresh_from_db()
    assert faq.question != "A new question?"


# --- Fault 6: deleting what others link to ----------------------------------------------------------------


def test_deleting_a_linked_guide_is_refused_and_lists_the_links(admin_client):
    article = Article.objects.get(slug=GUIDE)
    linking = [a.title for a in Article.objects.exclude(pk=article.pk) if f"[[{GUIDE}" in a.body]
    assert linking
    page = admin_client.get(f"/admin/guides/article/{article.pk}/delete/").content.decode()
    for title in linking:
        assert title.replace("'", "&#x27;") in page
    assert "protected" in page.lower()
    admin_client.post(f"/admin/guides/article/{article.pk}/delete/", {"post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_cited_reference_cannot_be_deleted(admin_client):
    from guides.models import Reference

    reference = Reference.objects.get(key="ODS_MG_HP")
    page = admin_client.get(f"/admin/guides/reference/{reference.pk}/delete/").content.decode()
    assert "protected" in page.lower()
    admin_client.post(f"/admin/guides/reference/{reference.pk}/delete/", {"post": "yes"})
    assert Reference.objects.filter(pk=reference.pk).exists()


def test_an_unlinked_guide_can_be_deleted(admin_client):
    article = Article.objects.create(
        slug="lonely-guide",
        title="A guide nothing links to",
        summary="x" * 60,
        body="Text.",
        author=Article.objects.first().author,
    )
    admin_client.post(f"/admin/guides/article/{article.pk}/delete/", {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()


# --- Fault 8: history without noise; revisions, diffs and revert --------------------------------------------


def test_a_save_that_changes_nothing_writes_no_revision_and_no_log(admin_client):
    from django.contrib.admin.models import LogEntry

    article = Article.objects.get(slug=GUIDE)
    form = read_form(admin_client, change_url(article))
    crlf = {name: value.replace("\n", "\r\n") for name, value in form.items() if name in ("body", "key_points")}
    versions, logs = Version.objects.get_for_object(article).count(), LogEntry.objects.count()
    assert post_form(admin_client, change_url(article), form, **crlf).status_code == 302
    assert Version.objects.get_for_object(article).count() == versions
    assert LogEntry.objects.count() == logs
    assert workflow.open_change(Article, article.pk) is None  # and no empty draft for a reviewer
    article.refresh_from_db()
    assert "\r" not in article.body


def test_revert_in_admin_restores_the_public_page_and_history_shows_a_diff(admin_client, client):
    article = Article.objects.get(slug=GUIDE)
    original = article.body
    admin_edit(admin_client, article, body=original + "\n\nA sentence that will be reverted.")
    assert "A sentence that will be reverted." in client.get(article.get_absolute_url()).content.decode()
    versions = list(Version.objects.get_for_object(article))
    assert len(versions) >= 2  # the edit, and the load it came from
    history = admin_client.get(f"/admin/guides/article/{article.pk}/history/").content.decode()
    assert "compare" in history.lower()
    newer, older = versions[0], versions[1]
    diff = admin_client.get(
        f"/admin/guides/article/{article.pk}/history/compare/", {"version_id1": older.pk, "version_id2": newer.pk}
    ).content.decode()
    assert "A sentence that will be reverted." in diff
    revert_url = f"/admin/guides/article/{article.pk}/history/{older.pk}/"
    response = post_form(admin_client, revert_url, read_form(admin_client, revert_url))
    assert response.status_code == 302, response.content.decode()[:2000]
    # the revert is staged like any change: readers keep the reviewed page until it is approved
    assert "A sentence that will be reverted." in client.get(article.get_absolute_url()).content.decode()
    approve_open(Article, article.pk)
    assert "A sentence that will be reverted." not in client.get(article.get_absolute_url()).content.decode()
    assert Version.objects.get_for_object(article).count() == len(versions) + 1  # the revert is a revision


def test_loads_and_exports_are_in_the_audit_log(tree, admin_client):
    path = tree / "articles" / f"{GUIDE}.md"
    path.write_text(path.read_text() + "\nA sentence from git.\n")
    run("loadcontent")
    load = Revision.objects.filter(comment__startswith="loadcontent").latest("date_created")
    assert Version.objects.filter(revision=load, object_id=str(Article.objects.get(slug=GUIDE).pk)).exists()
    admin_edit(admin_client, Article.objects.get(slug=GUIDE), title="An audited admin title")
    run("exportcontent")
    assert Revision.objects.filter(comment__startswith="exportcontent").exists()
    log = admin_client.get("/admin/reversion/revision/").content.decode()
    assert "loadcontent" in log and "exportcontent" in log and "admin" in log


def test_sync_records_follow_every_record():
    from guides.content.format import SPECS

    for spec in SPECS:
        assert SyncRecord.objects.filter(spec=spec.name).count() == spec.model.objects.count(), spec.name
