"""django-axes behind a reverse proxy: the client address, and lockouts per client.

Behind a proxy every request arrives from the proxy's address, so lockouts
keyed by REMOTE_ADDR would lock an editor out for everyone using that proxy.
With ``DJANGO_PROXY_COUNT`` set, the address comes from the X-Forwarded-For
entry the trusted proxy wrote; without it, X-Forwarded-For is never trusted.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from guides.middleware import client_ip

PROXY = "10.0.0.2"
LOGIN = "/admin/login/?next=/admin/"


def address(proxy_count, xff=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    with override_settings(PROXY_COUNT=proxy_count):
        return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("proxy_count", "xff", "expected"),
    [
        (0, None, PROXY),
        (0, "203.0.113.9", PROXY),  # no proxy configured: a forged header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client wrote 6.6.6.6; the proxy appended the real one
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, None, PROXY),  # proxy misconfigured: fall back to the proxy's address
        (1, "", PROXY),
        (1, "not-an-ip", PROXY),
        (1, "203.0.113.9:4711", PROXY),
        (2, "203.0.113.9", PROXY),  # fewer entries than proxies
    ],
)
def test_client_address(proxy_count, xff, expected):
    assert address(proxy_count, xff) == expected


def test_proxy_count_comes_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.PROXY_COUNT)"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }
    run = [sys.executable, "-c", code]
    unset = subprocess.run(run, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True)
    one = subprocess.run(
        run, cwd=settings.BASE_DIR, env={**env, "DJANGO_PROXY_COUNT": "1"}, capture_output=True, text=True, check=True
    )
    assert (unset.stdout.strip(), one.stdout.strip()) == ("0", "1")
    assert settings.AXES_CLIENT_IP_CALLABLE == "guides.middleware.client_ip"


def fail_five_times(client, username, **meta):
    """Four failures show the form again; the fifth locks that username at that address."""
    codes = [
        client.post(LOGIN, {"username": username, "password": "wrong-password"}, **meta).status_code for _ in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, PROXY_COUNT=1)
def test_behind_one_proxy_two_clients_are_locked_out_independently(client, django_user_model):
    from axes.utils import reset

    django_user_model.objects.create_user("editor", password="editor-long-password", is_staff=True)
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    editor = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    try:
        fail_five_times(client, "editor", **attacker)
        locked = client.post(LOGIN, {"username": "editor", "password": "editor-long-password"}, **attacker)
        assert locked.status_code == 429
        # Forging an extra X-Forwarded-For entry does not get the attacker a fresh address.
        forged = {**attacker, "HTTP_X_FORWARDED_FOR": "192.0.2.44, 203.0.113.9"}
        assert client.post(LOGIN, {"username": "editor", "password": "x"}, **forged).status_code == 429
        # The editor, through the same proxy, still gets in.
        ok = client.post(LOGIN, {"username": "editor", "password": "editor-long-password"}, **editor)
        assert ok.status_code == 302 and ok["Location"] == "/admin/"
        client.logout()
        # And the editor's own failures lock only the editor's address.
        fail_five_times(client, "editor", **editor)
        assert client.post(LOGIN, {"username": "editor", "password": "x"}, **editor).status_code == 429
    finally:
        reset()


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, PROXY_COUNT=0)
def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(client, django_user_model):
    from axes.utils import reset

    django_user_model.objects.create_user("editor", password="editor-long-password", is_staff=True)
    try:
        for n in range(5):
            client.post(
                LOGIN,
                {"username": "editor", "password": "wrong"},
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
            )
        response = client.post(
            LOGIN,
            {"username": "editor", "password": "editor-long-password"},
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR="192.0.2.99",
        )
        assert response.status_code == 429
    finally:
        reset()
