"""``exportcontent``: write the database back to ``content/`` in canonical form, never losing git's side.

Exporting to the site's ``content/`` folder (``settings.CONTENT_DIR``) is the
other half of the three-way sync (``guides.content.sync``): a record changed or
added in ``content/`` since the last sync, and not loaded, is a conflict, so an
export never overwrites work in git. With ``prefer="database"`` the database
wins. Exporting to any other folder writes a plain snapshot. An export from a
database that holds no content is refused, so it can never empty ``content/``.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from reversion.models import Revision

from ..models import SyncRecord
from .canonical import body_of, content_hash, key_text, serialize
from .database import Side, db_key, has_content, record_synced
from .format import SPECS, ContentError, dump_yaml
from .reading import build_instances, check_relations, read_records, record_data, record_key


class ExportRefused(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class ExportReport:
    written: list
    changed: int


def _files_now(root):
    """``{(spec name, key text): (record, hash)}`` for what the folder holds now, or problems reading it."""
    errors = []
    records = read_records(root, errors)
    build_instances(records, errors)
    check_relations(records, errors)
    found = {}
    for record in records:
        if record.instance is None:
            continue
        body = record.body.strip("\n") if record.spec.body else ""
        found[(record.spec.name, key_text(record_key(record)))] = (record, content_hash(record_data(record), body))
    return found, errors


def _conflicts(root, prefer):
    """Every record whose file changed in git since the last sync and differs from the database."""
    files, errors = _files_now(root)
    if errors and prefer != "database":
        return [ContentError(e.path, f"cannot compare with the database: {e.message}", e.line, e.field) for e in errors]
    problems = []
    seen = set()
    for spec in SPECS:
        side = Side(spec)
        keys_of = {r.object_id: r.key for r in side.synced.values()}
        for row in side.rows.values():
            key = key_text(db_key(spec, row))
            old_key = keys_of.get(row.pk, key)
            synced = side.synced.get(old_key)
            found = files.get((spec.name, key)) or files.get((spec.name, old_key))
            seen |= {(spec.name, key), (spec.name, old_key)}
            if found is None:
                if synced is not None:
                    problems.append((spec, key, "removed from content/ since the last sync (run loadcontent first)"))
                continue
            record, file_hash = found
            if file_hash != side.hash(row) and (synced is None or file_hash != synced.content_hash):
                problems.append((spec, key, "changed in content/ since the last sync, and differs from the database"))
        for (name, key), (_record, file_hash) in files.items():
            if name != spec.name or (name, key) in seen:
                continue
            synced = side.synced.get(key)
            if synced is None:
                problems.append((spec, key, "new in content/ and not loaded (run loadcontent first)"))
            elif file_hash != synced.content_hash:
                problems.append((spec, key, "deleted in admin, but changed in content/ since the last sync"))
    if prefer == "database":
        return []
    return [ContentError(spec.path, f"conflict: {spec.name} {key}: {why}") for spec, key, why in problems]


def _write_files(root):
    written, changed = [], 0
    for spec in SPECS:
        objects = list(Side(spec).rows.values())  # in the model's ordering
        if spec.name == "faqs":
            objects.sort(key=lambda o: (o.order, o.question))
        if spec.markdown_files:
            folder = root / spec.path
            folder.mkdir(parents=True, exist_ok=True)
            keep = set()
            for obj in objects:
                keep.add(f"{obj.slug}.md")
                text = "---\n" + dump_yaml(serialize(spec, obj)) + "---\n\n" + body_of(spec, obj) + "\n"
                changed += _write_file(folder / f"{obj.slug}.md", text, written)
            for stale in folder.glob("*.md"):
                if stale.name not in keep:
                    stale.unlink()
                    changed += 1
        elif objects or (root / spec.path).exists():
            changed += _write_file(root / spec.path, dump_yaml([serialize(spec, o) for o in objects]), written)
    return written, changed


def _record_sync():
    for spec in SPECS:
        side = Side(spec)
        keys = set()
        for row in side.rows.values():
            key = key_text(db_key(spec, row))
            keys.add(key)
            synced = side.synced.get(key)
            if synced is None or (synced.content_hash, synced.object_id) != (side.hash(row), row.pk):
                record_synced(spec, key, row.pk, side.hash(row), "exportcontent")
        SyncRecord.objects.filter(spec=spec.name).exclude(key__in=keys).delete()


def export(content_dir, prefer=None):
    """Write the database to ``content_dir``. Returns an ExportReport; raises ExportRefused."""
    if not has_content():
        raise ExportRefused([ContentError(str(content_dir), "the database holds no content: nothing was written")])
    root = Path(content_dir)
    is_content = root.resolve() == Path(settings.CONTENT_DIR).resolve()
    if is_content:
        problems = _conflicts(root, prefer)
        if problems:
            raise ExportRefused(problems)
    with transaction.atomic():
        written, changed = _write_files(root)
        if is_content:
            _record_sync()
        if changed:  # the audit log lists exports too
            Revision.objects.create(
                comment=f"exportcontent: {changed} file(s) changed in {root}", date_created=timezone.now()
            )
    return ExportReport(written, changed)


def _write_file(path, text, written):
    """Write ``text`` to ``path`` if it differs. Returns 1 if the file changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written.append(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return 0
    path.write_text(text, encoding="utf-8")
    return 1
