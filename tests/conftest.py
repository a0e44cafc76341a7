"""Shared fixtures. The repository's content/ is loaded once per test database."""

import pytest
from django.core.management import call_command

from guides.models import Article


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load content/ into the test database once; plain db tests roll back around it."""
    with django_db_blocker.unblock():
        call_command("loadcontent", verbosity=0)


@pytest.fixture
def committed_content(django_db_setup, django_db_blocker):
    """Reload content/ for good if a transactional test (live server) flushed the database.

    It runs before ``db`` opens the test's transaction, so the reload is committed
    and the tests after it find the content again instead of reloading it each.
    """
    with django_db_blocker.unblock():
        if not Article.objects.exists():
            call_command("loadcontent", verbosity=0)


@pytest.fixture
def content(committed_content, db):
    """The site's real content, inside the test's rolled-back transaction."""


@pytest.fixture
def live_content(transactional_db):
    """Content for live_server tests, which flush the database afterwards."""
    call_command("loadcontent", verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    """A staff user in the Editors group only."""
    from django.contrib.auth.models import Group, User

    from guides.permissions import ensure_editors_group

    ensure_editors_group()
    user = User.objects.create_user("editor", "editor@example.org", "a-long-editor-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer(db):
    """A staff user in the Medical reviewers group, linked to a person page so a byline can name them."""
    from tests.admin_forms import make_reviewer

    return make_reviewer()
