"""Security settings, headers, lockouts and behaviour when dependencies fail."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError
from django.test import override_settings

pytestmark = pytest.mark.usefixtures("content")

BASE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings"}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**BASE_ENV, **env},
        check=False,
    )


def test_deploy_check_is_clean_with_https():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_https_settings_follow_the_redirect_flag():
    code = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.SESSION_COOKIE_NAME, s.SECURE_HSTS_SECONDS)"
    )
    key = secrets.token_urlsafe(60)
    on = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env={**BASE_ENV, "DJANGO_SECRET_KEY": key},
        capture_output=True,
        text=True,
        check=True,
    )
    off = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env={**BASE_ENV, "DJANGO_SECRET_KEY": key, "DJANGO_SECURE_SSL_REDIRECT": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert on.stdout.split() == ["True", "True", "__Host-sessionid", "63072000"]
    assert off.stdout.split() == ["False", "False", "sessionid", "0"]


@pytest.mark.parametrize("url", ["/", "/guides/magnesium-deficiency/", "/admin/login/", "/foods/", "/nope/"])
def test_security_headers_on_every_response(client, url):
    client.get(url)
    response = client.get(url)  # the second is a cache hit for public pages
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


@override_settings(SECURE_HSTS_SECONDS=63072000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_behind_tls_proxy(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=63072000" in response["Strict-Transport-Security"]


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "CONNECT"])
def test_unsupported_methods(client, method):
    response = client.generic(method, "/guides/magnesium-deficiency/")
    assert response.status_code == 405


def test_no_session_cookie_for_readers(client):
    response = client.get("/")
    assert not response.cookies


class TestLockout:
    @override_settings(AXES_ENABLED=True)
    def test_five_failures_lock_that_username_and_ip_only(self, client, django_user_model):
        from axes.utils import reset

        django_user_model.objects.create_user("victim", password="correct-horse-battery", is_staff=True)
        django_user_model.objects.create_user("other", password="another-long-password", is_staff=True)
        attacker = {"REMOTE_ADDR": "203.0.113.9"}
        for _ in range(5):
            client.post("/admin/login/", {"username": "victim", "password": "wrong"}, **attacker)
        locked = client.post("/admin/login/", {"username": "victim", "password": "correct-horse-battery"}, **attacker)
        assert locked.status_code == 429
        # The same editor from another address, and another editor from the attacker's address, still get in.
        ok = client.post(
            "/admin/login/?next=/admin/",
            {"username": "victim", "password": "correct-horse-battery"},
            REMOTE_ADDR="198.51.100.7",
        )
        assert ok.status_code == 302
        client.logout()
        other = client.post(
            "/admin/login/?next=/admin/", {"username": "other", "password": "another-long-password"}, **attacker
        )
        assert other.status_code == 302
        reset()

    def test_lockout_settings(self):
        assert settings.AXES_FAILURE_LIMIT == 5
        assert settings.AXES_COOLOFF_TIME == 0.5
        assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


class TestFaults:
    def test_redis_down_pages_still_work(self, client, settings):
        settings.CONTENT_VERSION_CACHE = "default"  # as with REDIS_URL set
        settings.CACHES = {
            "default": {
                "BACKEND": "guides.cache.ResilientRedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
                "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
            }
        }
        assert type(caches["default"]).__name__ == "ResilientRedisCache"
        for url in ("/", "/guides/magnesium-deficiency/", "/foods/"):
            assert client.get(url).status_code == 200
        assert caches["default"].get("anything") is None

    def test_database_down_serves_cached_pages_and_a_branded_503(self, client, monkeypatch):
        assert client.get("/guides/magnesium-deficiency/").status_code == 200  # now cached

        def down(*args, **kwargs):
            raise OperationalError("database is down")

        monkeypatch.setattr("django.db.models.sql.compiler.SQLCompiler.execute_sql", down)
        cached = client.get("/guides/magnesium-deficiency/")
        assert cached.status_code == 200 and cached["X-Cache"] == "hit"
        response = client.get("/guides/magnesium-testing/")
        assert response.status_code == 503
        assert b"briefly unavailable" in response.content
        assert b"Traceback" not in response.content

    def test_healthz_and_readyz(self, client):
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"database": "ok", "cache": "ok"}


def test_conditional_get_returns_304(client):
    first = client.get("/guides/magnesium-deficiency/")
    etag = first["ETag"]
    again = client.get("/guides/magnesium-deficiency/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
