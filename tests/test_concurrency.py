"""``loadcontent`` while the site serves: readers see the content before or after, never an error.

A real gunicorn (``scripts/_serve.Server``) serves a database of its own: a
file SQLite database (WAL mode, busy timeout) or, when the suite runs on
PostgreSQL, a scratch PostgreSQL database created and dropped here. Reader
threads request pages without pause while ``manage.py loadcontent`` loads a
changed copy of content/, the original again, then the changed copy. Every
response must be a 200 showing either the old or the new version of the
changed guide, whole.
"""

import importlib.util
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
GUIDE = "/guides/magnesium-deficiency/"
OLD_TITLE = "Low magnesium (hypomagnesemia): causes, symptoms and treatment"
NEW_TITLE = "Low magnesium (hypomagnesemia), revised: causes, symptoms and treatment"
NEW_SENTENCE = "This paragraph was added while readers were reading."
PAGES = [
    GUIDE,
    "/",
    "/guides/",
    "/topics/deficiency/",
    "/search/?q=magnesium",
    "/faq/",
    "/foods/",
    "/tools/magnesium-calculator/?age=35&sex=female",
    "/references/",
]
READERS = 8


def _load_serve_module():
    spec = importlib.util.spec_from_file_location("_serve", ROOT / "scripts" / "_serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve = _load_serve_module()


def is_sqlite():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def run_manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def scratch_database(tmp_path_factory):
    """A DATABASE_URL of its own: a temp SQLite file, or a temp PostgreSQL database dropped afterwards."""
    if is_sqlite():
        path = tmp_path_factory.mktemp("concurrency") / "site.sqlite3"
        yield f"sqlite:///{path}", path
        return
    import psycopg

    db = settings.DATABASES["default"]
    name = f"mg_concurrency_{uuid.uuid4().hex[:10]}"
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    yield f"postgres://{auth}@{params['host']}:{params['port']}/{name}", None
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def site_env(scratch_database):
    url, _path = scratch_database
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.test_settings",  # plain static files: no collectstatic needed
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_PAGE_CACHE": "0",  # every request reads the database (guide fragments aside)
        "DATABASE_URL": url,
        # The server's workers and loadcontent share one content version, as in production.
        "DJANGO_TEST_VERSION_DIR": str(tempfile.mkdtemp(prefix="mg-concurrency-version-")),
    }
    run_manage(env, "migrate", "--noinput")
    run_manage(env, "loadcontent")
    return env


@pytest.fixture(scope="module")
def changed_content(tmp_path_factory):
    """A copy of content/ with one guide's title changed and a sentence added to every guide."""
    folder = tmp_path_factory.mktemp("changed") / "content"
    shutil.copytree(ROOT / "content", folder)
    for path in (folder / "articles").glob("*.md"):
        text = path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{NEW_SENTENCE}\n"
        if path.stem == "magnesium-deficiency":
            assert f"title: '{OLD_TITLE}'" in text
            text = text.replace(f"title: '{OLD_TITLE}'", f"title: '{NEW_TITLE}'")
        path.write_text(text, encoding="utf-8")
    return folder


class Reader(threading.Thread):
    """Requests the pages in turn until told to stop; records every outcome."""

    def __init__(self, base, stop, offset):
        super().__init__(daemon=True)
        self.base, self.stop, self.offset = base, stop, offset
        self.outcomes = []  # (time, path, status or exception text, state of the changed guide)

    def run(self):
        n = self.offset
        while not self.stop.is_set():
            path = PAGES[n % len(PAGES)]
            n += 1
            try:
                with urllib.request.urlopen(self.base + path, timeout=30) as response:  # 127.0.0.1 only
                    body = response.read().decode("utf-8")
                    outcome = response.status
            except urllib.error.HTTPError as exc:
                body, outcome = "", exc.code
            except Exception as exc:  # any failure to get a page is a finding
                body, outcome = "", f"{type(exc).__name__}: {exc}"
            self.outcomes.append((time.monotonic(), path, outcome, guide_state(body) if path == GUIDE else None))


def guide_state(body):
    """'old' or 'new' if the guide page shows one version whole; anything else is a torn read."""
    old, new, sentence = OLD_TITLE in body, NEW_TITLE in body, NEW_SENTENCE in body
    if old and not new and not sentence:
        return "old"
    if new and not old and sentence:
        return "new"
    complete = body.rstrip().endswith("</html>")
    return f"torn (old title {old}, new title {new}, new sentence {sentence}, complete page {complete})"


def test_loadcontent_while_readers_read(site_env, changed_content, scratch_database):
    server = serve.Server(serve.free_port(), site_env, workers=3)
    stop = threading.Event()
    readers = [Reader(server.base, stop, offset) for offset in range(READERS)]
    loads = []
    try:
        for reader in readers:
            reader.start()
        time.sleep(1)
        for folder in (changed_content, ROOT / "content", changed_content):
            start = time.monotonic()
            out = run_manage(site_env, "loadcontent", "--dir", str(folder))
            loads.append((start, time.monotonic()))
            assert "Loaded:" in out
        time.sleep(1)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
        server.stop()

    outcomes = [o for reader in readers for o in reader.outcomes]
    failures = [o for o in outcomes if o[2] != 200]
    assert not failures, failures[:10]
    states = [o[3] for o in outcomes if o[3] is not None]
    torn = [s for s in states if s not in ("old", "new")]
    assert not torn, torn[:10]
    during = [o for o in outcomes if any(start <= o[0] <= end for start, end in loads)]
    assert len(during) >= 3 * READERS, f"only {len(during)} requests overlapped the loads"
    # The last load left the new version, and readers saw both versions over the run.
    last_guides = [o[3] for o in outcomes if o[3] is not None and o[0] > loads[-1][1]]
    assert last_guides and set(last_guides) == {"new"}
    assert {"old", "new"} <= set(states)
    print(
        f"\nconcurrency: {len(outcomes)} requests, {len(during)} during 3 loads "
        f"({', '.join(f'{end - start:.1f} s' for start, end in loads)}), all 200"
    )

    url, path = scratch_database
    if path is not None:
        with sqlite3.connect(path) as conn:  # WAL mode is stored in the database file
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.skipif(not is_sqlite(), reason="SQLite only")
def test_sqlite_file_database_uses_wal_and_a_busy_timeout(tmp_path, django_db_blocker):
    """Django's connection to a file database switches it to WAL and waits up to 20 s for a lock."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    params = {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper(params, alias="wal-check")
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20000
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        wrapper.close()
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
