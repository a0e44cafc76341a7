"""The search backends: one interface (``base``), one module per database."""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection


def get_backend():
    """The backend for the default database."""
    vendor = connection.vendor
    if vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    if vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    raise ImproperlyConfigured(f"Site search supports SQLite and PostgreSQL, not {vendor}.")
