"""Response headers Django does not set itself, the request id, and the client address."""

import ipaddress
import logging
import re
import uuid

from django.conf import settings
from django.db import DatabaseError
from django.template import loader

from .logging import request_id_var

log = logging.getLogger(__name__)

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def client_ip(request):
    """The address a request came from, for django-axes lockouts (``AXES_CLIENT_IP_CALLABLE``).

    Without proxies this is REMOTE_ADDR and X-Forwarded-For is ignored: a client can
    write anything there. With ``PROXY_COUNT`` trusted reverse proxies in front
    (``DJANGO_PROXY_COUNT``), each appends the address it received the request from,
    so the client is the entry that many places from the right; entries further left
    were written by the client. A missing or malformed entry falls back to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(hops) >= count:
            try:
                return str(ipaddress.ip_address(hops[-count]))
            except ValueError:
                pass
    return remote


class SecurityHeadersMiddleware:
    """Adds a request id and the cross-origin and permissions headers to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            if request.method not in {"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"}:
                from django.http import HttpResponseNotAllowed

                response = HttpResponseNotAllowed(["GET", "HEAD", "POST"])
            else:
                response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-Frame-Options", "DENY")
        return response


class DatabaseUnavailableMiddleware:
    """A database outage becomes a branded 503 page, never a traceback.

    Cached pages are served before any view touches the database, so they keep
    working while the database is down.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        log.error("database unavailable: %s", exception.__class__.__name__, extra={"request": request})
        from django.http import HttpResponse

        html = loader.get_template("503.html").render({"SITE_NAME": settings.SITE_NAME})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "60"
        return response
