"""The database side of the sync: content rows as ``content/`` records, and what was last synced.

``Side`` reads one kind of record (a ``Spec``) from the database once: every
row with its relations, keyed both by its ``content/`` key and by pk, and the
``SyncRecord`` rows saying what each record's content was at the last load or
export. Load and export both decide from it.
"""

import json

from ..models import Article, SlugHistory, SyncRecord
from .canonical import body_of, content_hash, key_text, serialize
from .format import SPEC_BY_NAME, SPECS, key_attr


def rows_with_relations(spec):
    """Every row of ``spec``'s model, with what ``serialize`` reads fetched up front."""
    qs = spec.model.objects.all()
    related = [f.name for f in spec.fields if f.kind == "fk"]
    if related:
        qs = qs.select_related(*related)
    m2m = [f.name for f in spec.fields if f.kind == "m2m"]
    if m2m:
        qs = qs.prefetch_related(*m2m)
    return qs


def db_key(spec, obj):
    """A row's key as ``content/`` writes it (a slug, or a tuple for composite keys)."""
    values = []
    for name in spec.key:
        fld = next(f for f in spec.fields if f.name == name)
        if fld.kind == "fk":
            target = getattr(obj, name)
            values.append(getattr(target, key_attr(SPEC_BY_NAME[fld.target])) if target else None)
        else:
            values.append(getattr(obj, name))
    return values[0] if len(values) == 1 else tuple(values)


def row_hash(spec, obj):
    """The hash of a row as it would be written to ``content/``."""
    return content_hash(serialize(spec, obj), body_of(spec, obj))


class Side:
    """One spec's rows and sync records, read once."""

    def __init__(self, spec):
        self.spec = spec
        self.rows = {obj.pk: obj for obj in rows_with_relations(spec)}
        self.by_key = {key_text(db_key(spec, obj)): obj for obj in self.rows.values()}
        self.synced = {r.key: r for r in SyncRecord.objects.filter(spec=spec.name)}
        self.synced_pks = {r.object_id for r in self.synced.values()}
        self._hashes = {}

    def hash(self, obj):
        if obj.pk not in self._hashes:
            self._hashes[obj.pk] = row_hash(self.spec, obj)
        return self._hashes[obj.pk]

    def find(self, key):
        """The row a ``content/`` record with ``key`` (text) is, and its sync record (either may be None).

        A sync record follows the row through renames in admin; without one, the key
        is looked up as is and, for guides, through the slug history.
        """
        synced = self.synced.get(key)
        if synced is not None:
            return self.rows.get(synced.object_id), synced
        row = self.by_key.get(key)
        if row is None and self.spec.model is Article:
            moved = SlugHistory.objects.filter(old_slug=key_slug(key)).values_list("article_id", flat=True).first()
            row = self.rows.get(moved)
        return row, None


def key_slug(key):
    """The slug in a one-part key's text."""
    return json.loads(key)[0]


def has_content():
    """Whether the database holds any content at all (export refuses to empty ``content/`` otherwise)."""
    return any(spec.model.objects.exists() for spec in SPECS)


def record_synced(spec, key, obj_pk, digest, by):
    """Remember that ``content/``'s record ``key`` and row ``obj_pk`` agreed on ``digest``."""
    SyncRecord.objects.update_or_create(
        spec=spec.name, key=key, defaults={"object_id": obj_pk, "content_hash": digest, "synced_by": by}
    )
