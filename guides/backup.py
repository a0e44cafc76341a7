"""Database backups: SQLite's online backup API, or pg_dump on PostgreSQL.

Each backup is written next to a manifest of row counts per content table, and
``verify`` restores it (into a scratch file or database) and checks integrity
and row counts against the manifest.
"""

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.apps import apps
from django.db import connection


def row_counts():
    """Rows per table of the guides app, plus users (what a restore must bring back)."""
    models = list(apps.get_app_config("guides").get_models()) + [apps.get_model("auth", "User")]
    return {m._meta.db_table: m.objects.count() for m in models}


def _pg_env(settings_dict):
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _pg_args(settings_dict, name=None):
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1", "-p", str(settings_dict.get("PORT") or 5432)]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    return args + [name or settings_dict["NAME"]]


def backup(directory):
    """Write a consistent backup and its manifest into ``directory``; return the backup path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = directory / f"db-{stamp}.sqlite3"
        with sqlite3.connect(target) as dest:
            connection.connection.backup(dest)
        dest.close()
    elif connection.vendor == "postgresql":
        target = directory / f"db-{stamp}.pgdump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(connection.settings_dict)],
            check=True,
            env=_pg_env(connection.settings_dict),
        )
    else:
        raise RuntimeError(f"backups are not supported on {connection.vendor}")
    manifest = {"vendor": connection.vendor, "created": stamp, "rows": row_counts()}
    Path(f"{target}.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return target


def verify(path):
    """Restore ``path`` into a scratch copy and compare it with its manifest. Returns a list of problems."""
    path = Path(path)
    manifest = json.loads(Path(f"{path}.json").read_text())
    if manifest["vendor"] == "sqlite":
        return _verify_sqlite(path, manifest["rows"])
    return _verify_postgres(path, manifest["rows"])


def _compare(expected, counts):
    return [
        f"{table}: expected {rows} rows, found {counts.get(table)}"
        for table, rows in expected.items()
        if counts.get(table) != rows
    ]


def _verify_sqlite(path, expected):
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "restore.sqlite3"
        shutil.copy(path, copy)
        db = sqlite3.connect(copy)
        try:
            status = db.execute("PRAGMA integrity_check").fetchone()[0]
            problems = [] if status == "ok" else [f"integrity_check: {status}"]
            counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}  # noqa: S608
        finally:
            db.close()
    return problems + _compare(expected, counts)


def _verify_postgres(path, expected):
    import psycopg

    settings_dict = connection.settings_dict
    scratch = f"restore_check_{os.getpid()}"
    admin = psycopg.connect(
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "-d",
                *_pg_args(settings_dict, scratch)[-1:],
                *_pg_args(settings_dict, scratch)[:-1],
                str(path),
            ],
            check=True,
            env=_pg_env(settings_dict),
            capture_output=True,
        )
        with psycopg.connect(
            host=settings_dict.get("HOST") or "127.0.0.1",
            port=settings_dict.get("PORT") or 5432,
            user=settings_dict.get("USER") or None,
            password=settings_dict.get("PASSWORD") or None,
            dbname=scratch,
        ) as db:
            counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in expected}  # noqa: S608
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.close()
    return _compare(expected, counts)
