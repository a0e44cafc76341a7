"""The canonical form of a ``content/`` record: what export writes, and the hash the sync compares.

A database row (``serialize``) and a parsed file record (``reading.record_data``)
come out in the same form, so equal content hashes equal, whichever side it is read from.
"""

import hashlib
import json
from decimal import Decimal

from .format import SPEC_BY_NAME, _yaml_value, key_attr


def serialize(spec, obj):
    """A database row as its ``content/`` record: the values export writes, relations as keys."""
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


def body_of(spec, obj):
    return getattr(obj, spec.body).strip("\n") if spec.body else ""


def content_hash(data, body=""):
    """The hash the sync compares: of a record's values and its Markdown body, in canonical form."""
    text = json.dumps([data, body], sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key_text(key):
    """A record's key as stored in ``SyncRecord.key`` (numbers written the way the files write them)."""
    values = key if isinstance(key, tuple) else (key,)
    values = [int(v) if isinstance(v, Decimal) and v == v.to_integral_value() else v for v in values]
    return json.dumps([float(v) if isinstance(v, Decimal) else v for v in values], default=str, ensure_ascii=False)
