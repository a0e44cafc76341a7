"""``loadcontent``: a three-way sync from ``content/`` into the database that never loses an edit.

Each record remembers (``SyncRecord``) the hash of its content when files and
database last agreed. A load compares both sides with it, record by record:

| file since last sync | database since last sync | what load does                       |
| -------------------- | ------------------------ | ------------------------------------ |
| unchanged            | unchanged                | nothing                              |
| changed              | unchanged                | takes the file                       |
| unchanged            | edited in admin          | keeps the edit, and says so          |
| changed              | edited in admin          | conflict (unless both made the same change) |
| removed              | unchanged                | deletes the row                      |
| removed              | edited in admin          | conflict                             |
| still there          | deleted in admin         | keeps the deletion, and says so      |
| new                  | -                        | creates the row                      |
| -                    | new in admin             | keeps it, and says so                |

Conflicts are atomic like validation: nothing is written, and every record,
file and field is named; ``prefer="files"`` or ``prefer="database"`` settles
them. A row renamed in admin is found through its sync record (or, for a
guide, its slug history), so a load never creates a duplicate.
"""

from collections import Counter
from dataclasses import dataclass, field

import reversion
from django.db import transaction

from ..models import RenderedMarkdown, SyncRecord
from .canonical import body_of, content_hash, key_text, serialize
from .database import Side, db_key, record_synced
from .format import SPEC_BY_NAME, SPECS, ContentError, key_attr
from .reading import record_data, record_key, validate

ACTIONS = ("created", "taken", "kept", "deleted", "conflict", "unchanged")


@dataclass
class Decision:
    """What the load does with one record (``record``: the file's; ``row``: the database's)."""

    spec: object
    action: str  # created | taken | kept | deleted | conflict | unchanged
    key: str
    record: object = None
    row: object = None
    why: str = ""
    fields: tuple = ()
    file_hash: str = ""

    @property
    def where(self):
        return self.record.path if self.record is not None else self.spec.path

    @property
    def label(self):
        return f"{self.spec.name} {self.key}"


class ContentConflict(Exception):
    """Records changed both in ``content/`` and in the database since the last sync."""

    def __init__(self, decisions):
        self.decisions = decisions
        self.errors = [
            ContentError(
                d.where,
                f"conflict: {d.label}: {d.why}" + (f" (fields: {', '.join(d.fields)})" if d.fields else ""),
                getattr(d.record, "line", None),
            )
            for d in decisions
        ]
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class LoadReport:
    counts: dict = field(default_factory=lambda: {action: Counter() for action in ACTIONS})
    notes: list = field(default_factory=list)  # what the database has that content/ does not

    def add(self, decision):
        self.counts[decision.action][decision.spec.name] += 1
        if decision.action == "kept":
            self.notes.append(f"{decision.why}: {decision.label} (run exportcontent to keep it in git)")

    @property
    def changed(self):
        return sum(sum(self.counts[a].values()) for a in ("created", "taken", "deleted"))

    @property
    def kept(self):
        return sum(self.counts["kept"].values())


def _differing(spec, record, row):
    """The fields in which a file record and a database row differ."""
    file_data, row_data = record_data(record), serialize(spec, row)
    names = [name for name in file_data if file_data[name] != row_data.get(name)]
    if spec.body and record.body.strip("\n") != body_of(spec, row):
        names.append(spec.body)
    return tuple(names)


def _decide_record(side, record, prefer):
    spec, key = side.spec, key_text(record_key(record))
    row, synced = side.find(key)
    file_hash = content_hash(record_data(record), record.body.strip("\n") if spec.body else "")
    base = synced.content_hash if synced else None

    def decision(action, why="", fields=()):
        return Decision(spec, action, key, record, row, why, fields, file_hash)

    if row is None:
        if synced is None:
            return decision("created")
        if file_hash == base or prefer == "database":
            return decision("kept", "deleted in admin")
        if prefer == "files":
            return decision("created")
        return decision("conflict", "deleted in admin, and changed in content/ since the last sync")
    row_hash = side.hash(row)
    if file_hash == row_hash:
        return decision("unchanged")
    if base == file_hash:
        return decision("kept", "edited in admin")
    if base == row_hash:
        return decision("taken")
    if prefer == "files":
        return decision("taken")
    if prefer == "database":
        return decision("kept", "edited in admin, kept over content/ (--prefer database)")
    why = "changed in content/ and in the database since the last sync"
    if base is None:
        why = "differs between content/ and the database, which were never synced"
    return decision("conflict", why, _differing(spec, record, row))


def plan(records, prefer=None):
    """Every decision, spec by spec, reading the database but writing nothing."""
    decisions = []
    for spec in SPECS:
        side = Side(spec)
        matched = set()
        for record in (r for r in records if r.spec is spec):
            found = _decide_record(side, record, prefer)
            decisions.append(found)
            if found.row is not None:
                matched.add(found.row.pk)
        keys_of = {r.object_id: r.key for r in side.synced.values()}
        for row in side.rows.values():
            if row.pk in matched:
                continue
            key = keys_of.get(row.pk) or key_text(_row_key(spec, row))
            synced = side.synced.get(key)
            if synced is None:
                decisions.append(Decision(spec, "kept", key, row=row, why="new in admin"))
            elif side.hash(row) == synced.content_hash or prefer == "files":
                decisions.append(Decision(spec, "deleted", key, row=row))
            elif prefer == "database":
                decisions.append(Decision(spec, "kept", key, row=row, why="edited in admin, removed from content/"))
            else:
                why = "removed from content/, but edited in admin since the last sync"
                decisions.append(Decision(spec, "conflict", key, row=row, why=why))
    return decisions


def _row_key(spec, row):
    return db_key(spec, row)


# --- Writing -------------------------------------------------------------------------


def _concrete_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _relations(spec, self_only):
    """The fk/m2m fields of ``spec`` that point into its own spec, or all the others."""
    return [f for f in spec.fields if f.kind in ("fk", "m2m") and (f.target == spec.name) == self_only]


def _set_m2m(obj, fld, wanted, objects):
    target_attr = key_attr(SPEC_BY_NAME[fld.target])
    have = sorted(getattr(o, target_attr) for o in getattr(obj, fld.name).all())
    if have != sorted(wanted):
        getattr(obj, fld.name).set([objects[fld.target][k] for k in wanted])


def _write(decision, objects):
    """Create or update a row from its file record, with its relations to other specs."""
    spec, record, new = decision.spec, decision.record, decision.record.instance
    for fld in _relations(spec, self_only=False):
        if fld.kind == "fk":
            target = record.relations.get(fld.name)
            setattr(new, fld.name, objects[fld.target][target] if target else None)
    current = decision.row
    if current is None:
        new.save()
        obj = new
    else:
        if isinstance(new, RenderedMarkdown):
            new.render_markdown()
        self_fks = {spec.model._meta.get_field(f.name).attname for f in _relations(spec, True) if f.kind == "fk"}
        changed = [
            f.attname
            for f in _concrete_fields(spec.model)
            if f.attname not in self_fks and getattr(current, f.attname) != getattr(new, f.attname)
        ]
        for name in changed:
            setattr(current, name, getattr(new, name))
        if changed:
            current.save()
        obj = current
    for fld in _relations(spec, self_only=False):
        if fld.kind == "m2m":
            _set_m2m(obj, fld, record.relations.get(fld.name) or [], objects)
    return obj


def _link_self(decision, obj, objects):
    """A guide's parent and related guides, once every guide of the load exists."""
    for fld in _relations(decision.spec, self_only=True):
        wanted = decision.record.relations.get(fld.name)
        if fld.kind == "m2m":
            _set_m2m(obj, fld, wanted or [], objects)
            continue
        target = objects[fld.target][wanted] if wanted else None
        if getattr(obj, f"{fld.name}_id") != (target.pk if target else None):
            setattr(obj, fld.name, target)
            obj.save()


def _remember(objects, decision, obj):
    """Index ``obj`` under its key, and under the file's key when admin renamed it, for relations."""
    attr = key_attr(decision.spec)
    if attr:
        objects[decision.spec.name][getattr(obj, attr)] = obj
        if decision.record is not None:
            objects[decision.spec.name][decision.record.values.get(attr)] = obj


def _apply(decisions):
    """Write every decision: rows spec by spec (so relations exist), deletions last, then sync records."""
    objects = {spec.name: {} for spec in SPECS}
    for spec in SPECS:
        written = []
        for decision in (d for d in decisions if d.spec is spec):
            if decision.action in ("created", "taken"):
                obj = _write(decision, objects)
                written.append((decision, obj))
                _remember(objects, decision, obj)
            elif decision.row is not None and decision.action != "deleted":
                _remember(objects, decision, decision.row)
        for decision, obj in written:
            _link_self(decision, obj, objects)
            record_synced(spec, decision.key, obj.pk, decision.file_hash, "loadcontent")
    for decision in reversed([d for d in decisions if d.action == "deleted"]):
        decision.row.delete()
        SyncRecord.objects.filter(spec=decision.spec.name, key=decision.key).delete()
    for decision in decisions:
        if decision.record is None or decision.row is None or decision.action not in ("unchanged", "kept"):
            continue
        synced = SyncRecord.objects.filter(spec=decision.spec.name, key=decision.key).first()
        # For a kept edit the base stays the file as last seen; a conflict settled for the
        # database makes the file as it is now the base, so the edit is "edited in admin" from now on.
        wanted = (decision.file_hash, decision.row.pk)
        if synced is None or (synced.content_hash, synced.object_id) != wanted:
            record_synced(decision.spec, decision.key, decision.row.pk, decision.file_hash, "loadcontent")


def load(content_dir, dry_run=False, prefer=None):
    """Validate ``content_dir``, decide every record, then write in one transaction. Returns a LoadReport.

    Raises ``ContentInvalid`` for bad files and ``ContentConflict`` for records edited on
    both sides (nothing is written in either case).
    """
    from ..search import index as search_index

    records = validate(content_dir)
    report = LoadReport()
    with transaction.atomic(), search_index.paused(), reversion.create_revision():
        reversion.set_comment("loadcontent: changes taken from content/")
        decisions = plan(records, prefer)
        conflicts = [d for d in decisions if d.action == "conflict"]
        if conflicts:
            raise ContentConflict(conflicts)
        for decision in decisions:
            report.add(decision)
        if not dry_run:
            _apply(decisions)
            search_index.rebuild()  # writes only the documents that differ
    return report
