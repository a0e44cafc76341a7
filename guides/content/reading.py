"""Reading ``content/``: parse every file into records and check all of them, writing nothing.

``validate`` is the one entry point: it parses, converts and checks every file
(fields, relations, the same model validation and Markdown checks the admin
runs) and raises ``ContentInvalid`` naming every file, line and field at fault.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from ..rendering.resolvers import Known, markdown_errors
from .format import (
    SPECS,
    ContentError,
    ContentInvalid,
    Spec,
    _convert,
    _LineLoader,
    _yaml_error,
    _yaml_value,
    key_attr,
    split_front_matter,
)


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


def record_data(record):
    """A parsed record in the canonical form ``format.serialize`` gives a database row."""
    data = {}
    for fld in record.spec.fields:
        if fld.kind == "fk":
            data[fld.name] = record.relations.get(fld.name)
        elif fld.kind == "m2m":
            data[fld.name] = sorted(record.relations.get(fld.name) or [])
        else:
            data[fld.name] = _yaml_value(fld, getattr(record.instance, fld.name))
    return data
