"""Load ``content/`` into the database and export it back, with one format definition.

The format, ``SPECS`` and its helpers, lives in ``guides.content.format``.
``load`` parses and validates *everything* before it writes anything, then
writes in one transaction and reports created/updated/unchanged counts.
``export`` writes the same files from the database, so load-then-export
reproduces ``content/``.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import RenderedMarkdown
from ..rendering.resolvers import Known, markdown_errors
from .format import (
    SPEC_BY_NAME,
    SPECS,
    ContentError,
    ContentInvalid,
    Spec,
    _convert,
    _LineLoader,
    _yaml_error,
    _yaml_value,
    dump_yaml,
    key_attr,
    split_front_matter,
)

# --- Reading ------------------------------------------------------------------


@dataclass
class Record:
    spec: Spec
    path: str
    line: int | None
    values: dict
    body: str = ""
    instance: object = None
    relations: dict = field(default_factory=dict)


def read_records(content_dir, errors):
    """Parse every file of ``content_dir`` into Records, appending problems to ``errors``."""
    root = Path(content_dir)
    records = []
    for spec in SPECS:
        if spec.markdown_files:
            folder = root / spec.path
            for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
                rel = str(path.relative_to(root))
                try:
                    front, body = split_front_matter(path.read_text(encoding="utf-8"))
                    data = yaml.load(front, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
                except (ValueError, UnicodeDecodeError) as exc:
                    errors.append(ContentError(rel, str(exc)))
                    continue
                except yaml.YAMLError as exc:
                    err = _yaml_error(rel, exc)
                    err.line = err.line + 1 if err.line else None  # after the opening ---
                    errors.append(err)
                    continue
                if not isinstance(data, dict):
                    errors.append(ContentError(rel, "front matter must be a mapping"))
                    continue
                line = data.pop("__line__", None)
                record = Record(spec, rel, line + 1 if line else None, data, body)
                if data.get("slug") and data["slug"] != path.stem:
                    errors.append(
                        ContentError(rel, f"slug '{data['slug']}' does not match the file name", record.line, "slug")
                    )
                records.append(record)
        else:
            path = root / spec.path
            if not path.exists():
                continue
            try:
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or []  # noqa: S506
            except yaml.YAMLError as exc:
                errors.append(_yaml_error(spec.path, exc))
                continue
            if not isinstance(data, list):
                errors.append(ContentError(spec.path, "the file must hold a list of entries"))
                continue
            for item in data:
                if not isinstance(item, dict):
                    errors.append(ContentError(spec.path, "each entry must be a mapping"))
                    continue
                records.append(Record(spec, spec.path, item.pop("__line__", None), item))
    return records


def build_instances(records, errors):
    """Turn records into unsaved model instances and check every field."""
    for record in records:
        spec, values = record.spec, record.values
        unknown = set(values) - {f.name for f in spec.fields}
        for name in sorted(unknown):
            errors.append(ContentError(record.path, "unknown field", record.line, name))
        attrs = {}
        for fld in spec.fields:
            value = values.get(fld.name)
            if fld.required and (value is None or value == "" or value == []):
                errors.append(ContentError(record.path, "missing required field", record.line, fld.name))
                continue
            if fld.kind in ("fk", "m2m"):
                if fld.kind == "m2m" and value is not None and not isinstance(value, list):
                    errors.append(ContentError(record.path, "must be a list", record.line, fld.name))
                    continue
                record.relations[fld.name] = value if value is not None else ([] if fld.kind == "m2m" else None)
                continue
            attrs[fld.name] = _convert(record, fld, value, errors)
        if spec.body:
            attrs[spec.body] = record.body
        record.instance = spec.model(**{k: v for k, v in attrs.items() if v is not None or _nullable(spec, k)})


def _nullable(spec, name):
    return spec.model._meta.get_field(name).null


def check_relations(records, errors):
    """Every pointer names a row that exists; no key appears twice."""
    keys = {spec.name: set() for spec in SPECS}
    seen = Counter()
    for record in records:
        identity = record_key(record)
        seen[(record.spec.name, identity)] += 1
        if seen[(record.spec.name, identity)] == 2:
            errors.append(ContentError(record.path, f"duplicate {record.spec.name[:-1]} '{identity}'", record.line))
        attr = key_attr(record.spec)
        if attr:
            keys[record.spec.name].add(record.values.get(attr))
    for record in records:
        for fld in record.spec.fields:
            if fld.kind not in ("fk", "m2m"):
                continue
            value = record.relations.get(fld.name)
            for target in [value] if fld.kind == "fk" else value or []:
                if target is not None and target not in keys[fld.target]:
                    kind = "reference" if fld.target == "references" else fld.target[:-1]
                    errors.append(ContentError(record.path, f"unknown {kind} '{target}'", record.line, fld.name))
    return keys


def record_key(record):
    values = []
    for name in record.spec.key:
        fld = next(f for f in record.spec.fields if f.name == name)
        value = record.relations.get(name) if fld.kind == "fk" else getattr(record.instance, name, None)
        values.append(value)
    return values[0] if len(values) == 1 else tuple(values)


def validate(content_dir):
    """Parse and check everything. Returns the records, or raises ContentInvalid."""
    errors = []
    records = read_records(content_dir, errors)
    build_instances(records, errors)
    keys = check_relations(records, errors)
    slugs = {r.values.get("slug") for r in records if r.spec.name == "articles"}
    slugs |= {r.values.get("old_slug") for r in records if r.spec.name == "redirects"}
    known = Known(keys["references"], slugs)
    for record in records:
        instance = record.instance
        if instance is None:
            continue
        exclude = [f.name for f in record.spec.fields if f.kind in ("fk", "m2m")]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    errors.append(ContentError(record.path, message, record.line, "" if name == "__all__" else name))
        for name, message in markdown_errors(instance, known).items():
            errors.append(ContentError(record.path, message, record.line, name))
    if errors:
        raise ContentInvalid(errors)
    return records


# --- Writing ------------------------------------------------------------------


def _concrete_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return sum(self.created.values()) + sum(self.updated.values())


def load(content_dir, dry_run=False):
    """Validate ``content_dir``, then write it in one transaction. Returns a LoadReport."""
    from ..search import index as search_index

    records = validate(content_dir)
    report = LoadReport()
    with transaction.atomic(), search_index.paused():  # no per-row index updates; one rebuild below
        objects = {spec.name: {} for spec in SPECS}
        for spec in SPECS:
            existing = {_db_key(spec, obj): obj for obj in _with_relations(spec)}
            written = [
                (record, *_write(record, existing.get(record_key(record)), objects))
                for record in records
                if record.spec is spec
            ]
            for record, obj, status in written:
                if _link_self(record, obj, objects) and status == "unchanged":
                    status = "updated"
                getattr(report, status)[spec.name] += 1
        if dry_run:
            transaction.set_rollback(True)
        else:
            search_index.rebuild()
    return report


def _with_relations(spec):
    qs = spec.model.objects.all()
    related = [f.name for f in spec.fields if f.kind == "fk"]
    if related:
        qs = qs.select_related(*related)
    m2m = [f.name for f in spec.fields if f.kind == "m2m"]
    if m2m:
        qs = qs.prefetch_related(*m2m)
    return qs


def _db_key(spec, obj):
    values = []
    for name in spec.key:
        fld = next(f for f in spec.fields if f.name == name)
        if fld.kind == "fk":
            target = getattr(obj, name)
            values.append(getattr(target, key_attr(SPEC_BY_NAME[fld.target])) if target else None)
        else:
            values.append(getattr(obj, name))
    return values[0] if len(values) == 1 else tuple(values)


def _relations(record, self_only):
    """The record's fk/m2m fields that point into its own spec, or all the others."""
    return [f for f in record.spec.fields if f.kind in ("fk", "m2m") and (f.target == record.spec.name) == self_only]


def _set_m2m(obj, fld, wanted, objects):
    """Set an m2m field to ``wanted`` keys; True if it changed."""
    target_attr = key_attr(SPEC_BY_NAME[fld.target])
    have = sorted(getattr(o, target_attr) for o in getattr(obj, fld.name).all())
    if have == sorted(wanted):
        return False
    getattr(obj, fld.name).set([objects[fld.target][k] for k in wanted])
    return True


def _write(record, current, objects):
    """Write a record's fields and its relations to other specs. Returns (object, status)."""
    spec, new = record.spec, record.instance
    self_fks = {f.name for f in _relations(record, self_only=True) if f.kind == "fk"}
    for fld in _relations(record, self_only=False):
        if fld.kind == "fk":
            target = record.relations.get(fld.name)
            setattr(new, fld.name, objects[fld.target][target] if target else None)
    if current is None:
        new.save()
        obj, status = new, "created"
    else:
        if isinstance(new, RenderedMarkdown):
            new.render_markdown()
        skip = {spec.model._meta.get_field(name).attname for name in self_fks}
        changed = [
            f.attname
            for f in _concrete_fields(spec.model)
            if f.attname not in skip and getattr(current, f.attname) != getattr(new, f.attname)
        ]
        for name in changed:
            setattr(current, name, getattr(new, name))
        if changed:
            current.save()
        obj, status = current, "updated" if changed else "unchanged"
    for fld in _relations(record, self_only=False):
        if fld.kind == "m2m" and _set_m2m(obj, fld, record.relations.get(fld.name) or [], objects):
            status = "updated" if status == "unchanged" else status
    attr = key_attr(spec)
    if attr:
        objects[spec.name][getattr(obj, attr)] = obj
    return obj, status


def _link_self(record, obj, objects):
    """Set relations within one spec (a guide's parent and related guides); True if changed."""
    changed = False
    for fld in _relations(record, self_only=True):
        wanted = record.relations.get(fld.name)
        if fld.kind == "m2m":
            changed |= _set_m2m(obj, fld, wanted or [], objects)
            continue
        target = objects[fld.target][wanted] if wanted else None
        if getattr(obj, f"{fld.name}_id") != (target.pk if target else None):
            setattr(obj, fld.name, target)
            obj.save()
            changed = True
    return changed


# --- Export -------------------------------------------------------------------


def serialize(spec, obj):
    data = {}
    for fld in spec.fields:
        if fld.kind == "fk":
            target = getattr(obj, fld.name)
            data[fld.name] = getattr(target, key_attr(SPEC_BY_NAME[fld.target])) if target else None
        elif fld.kind == "m2m":
            target_attr = key_attr(SPEC_BY_NAME[fld.target])
            data[fld.name] = sorted(getattr(o, target_attr) for o in getattr(obj, fld.name).all())
        else:
            data[fld.name] = _yaml_value(fld, getattr(obj, fld.name))
    return data


def export(content_dir):
    """Write the database to ``content_dir`` in the loader's format. Returns files written."""
    root = Path(content_dir)
    written = []
    for spec in SPECS:
        objects = list(_with_relations(spec))
        if spec.name == "faqs":
            objects.sort(key=lambda o: (o.order, o.question))
        if spec.markdown_files:
            folder = root / spec.path
            folder.mkdir(parents=True, exist_ok=True)
            keep = set()
            for obj in objects:
                name = f"{obj.slug}.md"
                keep.add(name)
                text = (
                    "---\n" + dump_yaml(serialize(spec, obj)) + "---\n\n" + getattr(obj, spec.body).strip("\n") + "\n"
                )
                _write_file(folder / name, text, written)
            for stale in folder.glob("*.md"):
                if stale.name not in keep:
                    stale.unlink()
        elif objects or (root / spec.path).exists():
            _write_file(root / spec.path, dump_yaml([serialize(spec, o) for o in objects]), written)
    return written


def _write_file(path, text, written):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    written.append(path)
