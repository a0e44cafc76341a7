"""The ``content/`` file format, defined once for loading and exporting.

``SPECS`` describes every file: which model, which fields in which order, how a
value is written in YAML, and which field identifies a row. This module also
holds the YAML loader and dumper, front matter splitting, the conversion of a
YAML value to a model value and back, and ``ContentError``, a problem in a file.
``guides.content.sync`` reads, validates, loads and exports with it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import yaml

from ..models import (
    FAQ,
    Article,
    Food,
    IntakeValue,
    Interaction,
    Page,
    Person,
    Reference,
    SearchTerm,
    SlugHistory,
    SupplementForm,
    Topic,
)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text | int | decimal | date | lines | fk | m2m
    target: str = ""  # spec name for fk/m2m
    required: bool = False


@dataclass(frozen=True)
class Spec:
    name: str
    model: type
    path: str  # a YAML file, or a folder of Markdown files ending in "/"
    key: tuple
    fields: tuple
    body: str = ""  # model field holding the Markdown body of .md files

    @property
    def markdown_files(self):
        return self.path.endswith("/")


def F(name, kind="text", target="", required=False):  # noqa: N802 (reads like a table)
    return Field(name, kind, target, required)


SPECS = (
    Spec(
        "references",
        Reference,
        "references.yaml",
        ("key",),
        (
            F("key", required=True),
            F("authors"),
            F("title", required=True),
            F("container"),
            F("year", "int"),
            F("volume"),
            F("issue"),
            F("pages"),
            F("doi"),
            F("pmid"),
            F("url"),
            F("note"),
        ),
    ),
    Spec(
        "people",
        Person,
        "people.yaml",
        ("slug",),
        (
            F("slug", required=True),
            F("name", required=True),
            F("credentials"),
            F("role", required=True),
            F("bio"),
        ),
    ),
    Spec(
        "topics",
        Topic,
        "topics.yaml",
        ("slug",),
        (
            F("slug", required=True),
            F("name", required=True),
            F("summary", required=True),
            F("intro"),
            F("order", "int"),
        ),
    ),
    Spec(
        "foods",
        Food,
        "foods.yaml",
        ("slug",),
        (
            F("slug", required=True),
            F("name", required=True),
            F("category", required=True),
            F("serving", required=True),
            F("grams", "decimal"),
            F("magnesium_mg", "decimal"),
            F("potassium_mg", "decimal"),
            F("calcium_mg", "decimal"),
            F("sodium_mg", "decimal"),
            F("sources", "m2m", "references"),
        ),
    ),
    Spec(
        "supplements",
        SupplementForm,
        "supplements.yaml",
        ("slug",),
        (
            F("slug", required=True),
            F("name", required=True),
            F("formula"),
            F("elemental_percent", "decimal"),
            F("absorption", required=True),
            F("evidence", required=True),
            F("laxative_effect"),
            F("best_for"),
            F("cautions"),
            F("body"),
            F("sources", "m2m", "references"),
            F("order", "int"),
        ),
    ),
    Spec(
        "interactions",
        Interaction,
        "interactions.yaml",
        ("slug",),
        (
            F("slug", required=True),
            F("name", required=True),
            F("names", "lines", required=True),
            F("effect", required=True),
            F("what_happens", required=True),
            F("what_to_do", required=True),
            F("separation_hours"),
            F("sources", "m2m", "references"),
            F("order", "int"),
        ),
    ),
    Spec(
        "intake",
        IntakeValue,
        "intake.yaml",
        ("kind", "sex", "stage", "age_min"),
        (
            F("kind", required=True),
            F("sex", required=True),
            F("stage", required=True),
            F("age_min", "decimal", required=True),
            F("age_max", "decimal"),
            F("label", required=True),
            F("amount_mg", "int"),
            F("note"),
            F("sources", "m2m", "references"),
        ),
    ),
    Spec(
        "pages",
        Page,
        "pages/",
        ("slug",),
        (
            F("slug", required=True),
            F("title", required=True),
            F("summary", required=True),
            F("order", "int"),
            F("updated", "date"),
        ),
        body="body",
    ),
    Spec(
        "articles",
        Article,
        "articles/",
        ("slug",),
        (
            F("slug", required=True),
            F("title", required=True),
            F("summary", required=True),
            F("key_points", "lines"),
            F("parent", "fk", "articles"),
            F("topics", "m2m", "topics", required=True),
            F("related", "m2m", "articles"),
            F("author", "fk", "people", required=True),
            F("reviewer", "fk", "people"),
            F("status", required=True),
            F("published", "date", required=True),
            F("updated", "date", required=True),
            F("last_reviewed", "date"),
            F("next_review_due", "date"),
        ),
        body="body",
    ),
    Spec(
        "faqs",
        FAQ,
        "faqs.yaml",
        ("article", "question"),
        (
            F("question", required=True),
            F("answer", required=True),
            F("article", "fk", "articles"),
            F("topics", "m2m", "topics"),
            F("order", "int", required=True),
        ),
    ),
    Spec(
        "redirects",
        SlugHistory,
        "redirects.yaml",
        ("old_slug",),
        (
            F("old_slug", required=True),
            F("article", "fk", "articles", required=True),
        ),
    ),
    Spec(
        "search-terms",
        SearchTerm,
        "search-terms.yaml",
        ("term",),
        (
            F("term", required=True),
            F("expansions", "lines", required=True),
        ),
    ),
)
SPEC_BY_NAME = {s.name: s for s in SPECS}
SPEC_BY_MODEL = {s.model: s for s in SPECS}
KEY_FIELD = {"references": "key", "intake": None, "faqs": None, "redirects": "old_slug", "search-terms": "term"}


def key_attr(spec):
    """The field other files use to point at a row of ``spec``."""
    return KEY_FIELD.get(spec.name, "slug")


# --- Errors -------------------------------------------------------------------


@dataclass
class ContentError:
    path: str
    message: str
    line: int | None = None
    field: str = ""

    def __str__(self):
        where = self.path + (f":{self.line}" if self.line else "")
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"


class ContentInvalid(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


# --- YAML ---------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's line as ``__line__``."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data):
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)


def _yaml_error(path, exc):
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    return ContentError(path, f"YAML error: {getattr(exc, 'problem', None) or exc}", line)


def split_front_matter(text):
    """Return (front matter text, body) of a Markdown file, or raise ValueError."""
    if not text.startswith("---\n"):
        raise ValueError("the file must start with a '---' front matter line")
    end = text.find("\n---\n", 3)
    if end == -1:
        raise ValueError("the front matter has no closing '---' line")
    return text[4 : end + 1], text[end + 5 :].strip("\n")


# --- Values -------------------------------------------------------------------


def _convert(record, fld, value, errors):
    """YAML value -> model value for non-relation fields."""

    def bad(message):
        errors.append(ContentError(record.path, message, record.line, fld.name))

    if fld.kind == "text":
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            return bad("must be text")
        return str(value)
    if value is None:
        return [] if fld.kind == "lines" else None
    if fld.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return bad("must be a whole number")
        return value
    if fld.kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return bad("must be a number")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return bad("must be a number")
    if fld.kind == "date":
        if not isinstance(value, dt.date):
            return bad("must be a date written YYYY-MM-DD")
        return value
    if fld.kind == "lines":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return bad("must be a list of text lines")
        return "\n".join(value)
    raise AssertionError(fld.kind)


def _yaml_value(fld, value):
    if fld.kind == "text":
        return value if value != "" else None
    if fld.kind == "decimal":
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if fld.kind == "lines":
        return [line for line in value.splitlines() if line.strip()] if value else []
    return value
