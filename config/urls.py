"""Root URLs."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404
from django.urls import include, path
from django.views.static import serve

from guides import editor, views
from guides.feeds import GuideFeed
from guides.sitemaps import SITEMAPS


def media(request, path):
    """Uploaded files. A name the filesystem refuses (too long, a NUL byte) is simply not found."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError):
        raise Http404("No such file")


urlpatterns = [
    # django-markdownx endpoints, staff-only (see guides/editor.py); never markdownx.urls.
    path("admin/markdownx/markdownify/", editor.markdownify, name="markdownx_markdownify"),
    path("admin/markdownx/upload/", editor.upload, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"}),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("feed.xml", GuideFeed(), name="feed"),
    path("media/<path:path>", media),
    path("", include("guides.urls")),
]

handler404 = "guides.views.page_not_found"
handler500 = "guides.views.server_error"
