"""Page cache for public pages, invalidated at once by a content-version key.

Every content save, delete or load bumps ``content-version`` in the shared
cache, so every gunicorn instance that shares Redis stops serving the old
pages immediately. Editors (anyone with a session) are never served from, or
stored into, the cache.
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag

log = logging.getLogger(__name__)
VERSION_KEY = "content-version"
CONDITIONAL_HEADERS = {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"}


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, but a Redis error is logged and treated as a miss."""

    def _safe(name, default=None):  # noqa: N805  (decorator factory in class body)
        def wrap(method):
            @functools.wraps(method)
            def inner(self, *args, **kwargs):
                try:
                    return method(self, *args, **kwargs)
                except Exception as exc:  # redis.RedisError, socket errors, timeouts
                    log.warning("cache %s failed: %s", name, exc.__class__.__name__)
                    return default

            return inner

        return wrap

    get = _safe("get")(RedisCache.get)
    set = _safe("set")(RedisCache.set)
    add = _safe("add", False)(RedisCache.add)
    delete = _safe("delete", False)(RedisCache.delete)
    get_many = _safe("get_many", {})(RedisCache.get_many)
    set_many = _safe("set_many", [])(RedisCache.set_many)
    incr = _safe("incr", 0)(RedisCache.incr)
    touch = _safe("touch", False)(RedisCache.touch)
    has_key = _safe("has_key", False)(RedisCache.has_key)
    clear = _safe("clear", False)(RedisCache.clear)
    del _safe


def _version_cache():
    """Where the content version lives: Redis when set, else a file cache all processes share."""
    return caches[settings.CONTENT_VERSION_CACHE]


def content_version():
    """The current content version; created on first use."""
    store = _version_cache()
    version = store.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        store.add(VERSION_KEY, version, timeout=None)
    return version


def bump_content_version():
    """Invalidate every cached page and fragment, in every process sharing the version."""
    _version_cache().set(VERSION_KEY, str(time.time_ns()), timeout=None)


def content_key():
    """What every cached page and fragment depends on: the content version, and the day.

    A guide with a future ``published`` date comes out at midnight with no save:
    from that day on, lists, links and counts must show it, so nothing cached
    the day before is read.
    """
    return f"{content_version()}:{timezone.localdate().isoformat()}"


def fragment(name, vary, render):
    """``render()``, kept in the cache under the content version: rendered once per content change.

    For the parts of a page that depend only on content, on requests the page
    cache does not serve (editors, readers with a session cookie, a page cache
    turned off). ``vary`` holds whatever else the output depends on.
    ``DJANGO_FRAGMENT_CACHE=0`` turns it off, so ``render()`` runs every time.
    """
    if not settings.FRAGMENT_CACHE_ENABLED:
        return render()
    digest = hashlib.sha256(repr(vary).encode()).hexdigest()
    key = f"fragment:{name}:{content_key()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value)
    return value


def fragment_many(name, keys, render):
    """``{key: value}`` for ``keys``; ``render(missing_keys)`` makes the ones not cached, in one call."""
    if not keys:
        return {}
    if not settings.FRAGMENT_CACHE_ENABLED:
        return render(keys)
    prefix = f"fragment:{name}:{content_key()}:"
    found = cache.get_many([prefix + key for key in keys])
    values = {key: found[prefix + key] for key in keys if prefix + key in found}
    missing = [key for key in keys if key not in values]
    if missing:
        fresh = render(missing)
        cache.set_many({prefix + key: value for key, value in fresh.items()})
        values.update(fresh)
    return values


def is_cacheable_request(request):
    """Anonymous GET/HEAD without a session cookie: the only requests served from the cache."""
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_ENABLED:
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def cached_page(view):
    """Mark a public view's responses as cacheable by ``PageCacheMiddleware``."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.page_cacheable = True
        return response

    return wrapper


def _key(request):
    path = request.get_full_path().encode("utf-8", "surrogateescape")
    # "p3": the layout of a stored entry; a new layout must not read entries an older release stored.
    return f"page:p3:{content_key()}:{hashlib.sha256(path).hexdigest()}"


def _storable(response):
    return (
        getattr(response, "page_cacheable", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
    )


class PageCacheMiddleware:
    """Serve cached public pages before CSP, sessions, CSRF or auth run; store fresh ones.

    It sits inside ``SecurityHeadersMiddleware`` (request id, cross-origin
    headers) and outside the CSP and conditional-GET middleware. A fresh page
    reaches it with every header those add (CSP, ETag), and it stores the body
    and headers together, so a hit is served as stored without building the
    policy again, and answers ``If-None-Match`` / ``If-Modified-Since`` with a
    304 itself. Only responses marked by ``cached_page``, with status 200 and
    no cookies, are stored: a CSRF token or session never ends up in the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None:
            content, headers, modified = hit
            response = None
            if CONDITIONAL_HEADERS.intersection(request.META):
                response = get_conditional_response(request, etag=headers["ETag"], last_modified=modified)
            if response is None:
                response = HttpResponse(content)
            for name, value in headers.items():
                response.headers[name] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(response):
            if not response.has_header("ETag"):
                response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
            response.setdefault("Last-Modified", http_date())
            patch_vary_headers(response, ["Cookie"])
            modified = parse_http_date_safe(response["Last-Modified"])
            cache.set(key, (response.content, dict(response.items()), modified))
            response["X-Cache"] = "miss"
        return response
