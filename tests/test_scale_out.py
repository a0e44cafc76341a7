"""Scale-out proof: two gunicorn instances share PostgreSQL and Redis.

An edit saved through instance A's admin is visible on instance B at once,
and both serve cached pages. Needs the PostgreSQL and Redis servers on
127.0.0.1 (as in CI); skipped if either is missing.
"""

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = "/guides/magnesium-testing/"


def reachable(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (reachable(5432) and reachable(6379)), reason="needs PostgreSQL and Redis on 127.0.0.1"),
]


class FormReader(HTMLParser):
    """Collects the submittable values of the guide form (#article_form) or the review form (#review_form)."""

    def __init__(self):
        super().__init__()
        self.fields, self._in_form, self._select, self._textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") in ("article_form", "review_form"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "form":
            self._in_form = False


@pytest.fixture(scope="module")
def cluster():
    import psycopg

    name = f"mg_scale_{os.getpid()}"
    admin = psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "DJANGO_CACHE_PREFIX": f"scale{os.getpid()}{secrets.token_hex(3)}",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_VAR_DIR": str(ROOT / "var" / "scale-test"),
    }

    def run(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)

    run("migrate", "--noinput")
    run("loadcontent")
    run("collectstatic", "--noinput")
    run(
        "shell",
        "-c",
        "from django.contrib.auth.models import User, Group; "
        "u = User.objects.create_user('editor', password='scale-out-password-1', is_staff=True); "
        "u.groups.add(Group.objects.get(name='Editors'))",
    )
    run("createeditor", "reviewer", "--reviewer", "--person", "medical-review-team", "--password", "scale-out-review-2")
    servers = []
    for _ in range(2):
        port = free_port()
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                "-c",
                "config/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        servers.append((f"http://127.0.0.1:{port}", proc))
    for base, _ in servers:
        for _ in range(100):
            if reachable(int(base.rsplit(":", 1)[1])):
                break
            time.sleep(0.2)
    yield [base for base, _ in servers]
    for _, proc in servers:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def login(base, username, password):
    """An opener holding a logged-in admin session on one instance."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, page = get(base + "/admin/login/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
    request = urllib.request.Request(
        base + "/admin/login/", data=urllib.parse.urlencode(data).encode(), headers={"Referer": base + "/admin/login/"}
    )
    opener.open(request)
    return opener


def post_form(opener, url, **changes):
    """Read the page's form at ``url``, apply ``changes`` and post it; returns the page it redirects to."""
    reader = FormReader()
    reader.feed(get(url, opener)[1])
    fields = [(k, changes.pop(k) if k in changes else v) for k, v in reader.fields] + list(changes.items())
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url})
    with opener.open(request) as response:
        assert response.status == 200, response.status
        return response.read().decode()


def get(url, opener=None):
    with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:  # noqa: S310 (127.0.0.1)
        return response.headers, response.read().decode()


def test_edit_on_a_is_visible_on_b_at_once(cluster):
    a, b = cluster
    for base in (a, b):
        get(base + GUIDE)
        # Both workers of each instance share Redis, so the second request is a hit whichever answers.
        headers, _ = get(base + GUIDE)
        assert headers["X-Cache"] == "hit"

    editor = login(a, "editor", "scale-out-password-1")
    _, listing = get(a + "/admin/guides/article/?q=magnesium-testing", editor)
    change = re.search(r'href="(/admin/guides/article/\d+/change/)[^"]*"', listing).group(1)
    new_title = "Magnesium blood tests, edited on instance A"
    submitted = post_form(
        editor, a + change, title=new_title, change_note="A clearer title", _submit="Submit for review"
    )
    assert "Submitted for review" in submitted
    assert new_title not in get(b + GUIDE)[1]  # staged: readers keep the reviewed page until approval

    reviewer = login(b, "reviewer", "scale-out-review-2")  # the reviewer works on the other instance
    _, queue = get(b + "/admin/guides/change/", reviewer)
    review = re.search(r'href="(/admin/guides/change/\d+/review/)"', queue).group(1)
    approved = post_form(reviewer, b + review, note="Checked: the title reads better.", _approve="Approve")
    assert "Approved: readers now see the change" in approved, approved[:3000]

    headers, html = get(b + GUIDE)
    assert new_title in html
    assert headers["X-Cache"] == "miss"
    headers, html = get(b + GUIDE)
    assert headers["X-Cache"] == "hit" and new_title in html
