"""Structured logs: a 500 is one JSON line carrying the request id the reader was given.

The reader sees only the branded 500 page: no traceback, no exception text.
This module doubles as a URLconf (``pytest.mark.urls``): the site's own URLs
plus a view that fails, so the real middleware, handler500 and LOGGING config
are exercised with DEBUG off.
"""

import io
import json
import logging

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import include, path
from django.utils.html import escape

from guides.logging import JsonFormatter

SECRET = "internal detail 7f3a9 that only operators may read"


def fail(request):
    raise RuntimeError(SECRET)


urlpatterns = [
    path("test-failure/", fail),
    path("", include("config.urls")),
]
handler404 = "guides.views.page_not_found"
handler500 = "guides.views.server_error"

pytestmark = [pytest.mark.urls(__name__), pytest.mark.usefixtures("content")]


@pytest.fixture
def log_lines():
    """The JSON lines the site's log handler writes during the test, parsed."""
    handler = next(h for h in logging.getLogger("django.request").handlers if isinstance(h.formatter, JsonFormatter))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        handler.setStream(previous)


@pytest.fixture
def reader():
    """A client that, like a browser, gets the 500 page instead of the exception."""
    return Client(raise_request_exception=False)


@override_settings(DEBUG=False)
def test_500_is_logged_as_json_with_the_request_id_the_reader_sees(reader, log_lines):
    response = reader.get("/test-failure/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert len(request_id) >= 8

    entries = [e for e in log_lines() if e["logger"] == "django.request"]
    assert len(entries) == 1, log_lines()
    entry = entries[0]
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == request_id
    assert entry["status"] == 500
    assert entry["path"] == "/test-failure/" and entry["method"] == "GET"
    assert "Traceback" in entry["exception"] and f"RuntimeError: {SECRET}" in entry["exception"]

    html = response.content.decode()
    assert escape(settings.SITE_NAME) in html and "Something went wrong" in html
    for leak in ("Traceback", "RuntimeError", SECRET, "test_logging.py"):
        assert leak not in html
    # The branded page still carries the security headers.
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(DEBUG=False)
def test_a_valid_incoming_request_id_is_kept_and_logged(reader, log_lines):
    response = reader.get("/test-failure/", headers={"X-Request-ID": "edge-proxy-0123456789"})
    assert response["X-Request-ID"] == "edge-proxy-0123456789"
    assert [e["request_id"] for e in log_lines() if e["status"] == 500] == ["edge-proxy-0123456789"]


@pytest.mark.parametrize(
    "incoming", ["short", "has spaces in it", "x" * 65, "<script>alert(1)</script>", "id\r\nSet-Cookie: a=b"]
)
def test_a_malformed_incoming_request_id_is_replaced(reader, incoming):
    response = reader.get("/", headers={"X-Request-ID": incoming})
    assert response.status_code == 200
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_each_request_gets_its_own_id(reader):
    ids = {reader.get("/healthz")["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


@override_settings(DEBUG=False)
def test_database_outage_is_logged_with_the_request_id(reader, log_lines, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("django.db.models.sql.compiler.SQLCompiler.execute_sql", down)
    response = reader.get("/guides/magnesium-testing/")
    assert response.status_code == 503
    assert b"could not connect" not in response.content
    entries = [e for e in log_lines() if e["logger"] == "guides.middleware"]
    assert entries and entries[0]["request_id"] == response["X-Request-ID"]
    assert entries[0]["message"] == "database unavailable: OperationalError"


def test_every_record_is_one_line_of_json():
    """Newlines, quotes and non-ASCII text in a message or traceback never split a record."""
    formatter = JsonFormatter()
    try:
        raise ValueError('bad "value"\nsecond line')
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("guides.test", logging.ERROR, __file__, 1, "line one\nline two: %s", ("é ✓",), exc_info)
    text = formatter.format(record)
    assert "\n" not in text
    data = json.loads(text)
    assert data["message"] == "line one\nline two: é ✓"
    assert data["request_id"] == "-"  # outside a request
    assert 'ValueError: bad "value"' in data["exception"]
