"""Test settings: fast hashing, local-memory cache, plain static storage, no lockouts."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: E402,F403
from config.settings import BASE_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
    # Shared with the processes a test starts (they inherit the variable), not with other test runs.
    "content-version": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.setdefault("DJANGO_TEST_VERSION_DIR", tempfile.mkdtemp(prefix="mg-test-version-")),
        "TIMEOUT": None,
    },
}
CONTENT_VERSION_CACHE = "content-version"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
WHITENOISE_AUTOREFRESH = True
SITE_URL = "http://testserver"
