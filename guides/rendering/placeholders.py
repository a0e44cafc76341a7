"""Placeholders: what a stored page shows from other rows, filled in when the page is rendered.

A saved ``*_html`` field is a pure function of its own row's Markdown. What it
shows from *other* rows is left as a placeholder by the pipeline and filled in
at render time by ``fill``:

- a link to another guide, ``[[slug]]`` or ``[[slug|text]]``: its current URL
  and title, and whether readers can see it today (a link to a draft or a
  guide not yet out is plain text);
- a data table, ``[[table:name]]``: the rows as they are now, with their
  sources numbered after the page's own citations.

A placeholder is a run of private-use characters that the pipeline strips from
every input, so only the pipeline can write one. Everything here is pure:
``fill`` reads nothing but its arguments (``guides.rendering.resolvers``
fetches the rows).
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape

OPEN, SEP, CLOSE = "\ue000", "\ue001", "\ue002"
RESERVED = re.compile(f"[{OPEN}{SEP}{CLOSE}]")
TOKEN_RE = re.compile(f"{OPEN}(link|table){SEP}([^{SEP}{CLOSE}]*)(?:{SEP}([^{CLOSE}]*))?{CLOSE}")
# The pipeline writes a table's placeholder as a paragraph of its own; the table replaces the paragraph.
TABLE_BLOCK_RE = re.compile(f"<p>{OPEN}table{SEP}([^{SEP}{CLOSE}]*){CLOSE}</p>")
REFERENCE_HREF_RE = re.compile(r'href="/references/#ref-([^"]+)"')


def strip_reserved(text):
    """Input text without the placeholder characters, so no author can write a placeholder."""
    return RESERVED.sub("", text or "")


def link_token(slug, text_html=""):
    """A link to guide ``slug``; ``text_html`` is the author's escaped link text, or empty for the title."""
    return f"{OPEN}link{SEP}{slug}{SEP}{text_html}{CLOSE}"


def table_token(name):
    return f"{OPEN}table{SEP}{name}{CLOSE}"


def referenced(*htmls):
    """The guide slugs and table names that ``htmls`` point at, each in order of first use."""
    slugs, tables = {}, {}
    for html in htmls:
        for kind, name, _text in TOKEN_RE.findall(html or ""):
            (slugs if kind == "link" else tables).setdefault(name, None)
    return list(slugs), list(tables)


@dataclass(frozen=True)
class LinkTarget:
    """A guide as links to it show it: where it lives now, its title, and whether readers see it."""

    url: str
    title: str
    live: bool


@dataclass(frozen=True)
class Table:
    """A rendered data table, the keys of the references its rows cite, and those references."""

    html: str
    source_keys: tuple = ()
    references: tuple = ()


@dataclass(frozen=True)
class Lookups:
    """The other rows a set of pages shows: link targets by slug and data tables by name."""

    links: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)


@dataclass
class Citations:
    """Numbered citations of one page: the page's own, then those its tables add.

    ``numbers`` maps a reference key to its number and ``counts`` to how many
    times it is cited; ``local`` numbers link to the page's own source list
    (guides), otherwise to the site bibliography.
    """

    numbers: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    local: bool = True

    @classmethod
    def of(cls, cited, local=True):
        """From ``[(key, occurrences)]`` in number order (a guide's ``Citation`` rows)."""
        citations = cls(local=local)
        for key, occurrences in cited:
            citations.numbers[key] = len(citations.numbers) + 1
            citations.counts[key] = occurrences
        return citations

    @classmethod
    def in_html(cls, html):
        """The citations a page that links them to the bibliography shows (FAQs, topics, pages)."""
        keys = dict.fromkeys(REFERENCE_HREF_RE.findall(html or ""))
        return cls.of([(key, 0) for key in keys], local=False)

    def cite(self, keys):
        """A ``<sup>`` citing ``keys``, numbering new ones after the existing citations."""
        links = []
        for key in keys:
            number = self.numbers.setdefault(key, len(self.numbers) + 1)
            self.counts[key] = self.counts.get(key, 0) + 1
            if self.local:
                links.append(f'<a href="#source-{number}" id="cite-{number}-{self.counts[key]}">[{number}]</a>')
            else:
                links.append(f'<a href="/references/#ref-{escape(key)}">[{number}]</a>')
        return '<sup class="cite">' + "<span>, </span>".join(links) + "</sup>"

    def ordered(self):
        """``[(key, number, occurrences)]`` in number order."""
        return [
            (key, number, self.counts.get(key, 0))
            for key, number in sorted(self.numbers.items(), key=lambda item: item[1])
        ]


def _link(slug, text_html, target):
    if target is None:
        return text_html or escape(slug)
    label = text_html or escape(target.title)
    if not target.live:
        return label
    return f'<a href="{escape(target.url)}" class="internal">{label}</a>'


def _table(table, citations):
    if table is None:
        return ""
    if not table.source_keys:
        return table.html
    return table.html + '<p class="table-source">Source: ' + citations.cite(table.source_keys) + "</p>"


def fill(html, lookups, citations=None):
    """``html`` with every placeholder filled in from ``lookups``; ``citations`` numbers table sources.

    A link whose target is gone shows its text; a table that is gone shows nothing.
    """
    if OPEN not in (html or ""):
        return html or ""
    citations = citations if citations is not None else Citations.in_html(html)
    html = TABLE_BLOCK_RE.sub(lambda match: _table(lookups.tables.get(match.group(1)), citations), html)

    def replace(match):
        kind, name, text_html = match.group(1), match.group(2), match.group(3) or ""
        if kind == "link":
            return _link(name, text_html, lookups.links.get(name))
        return _table(lookups.tables.get(name), citations)

    return TOKEN_RE.sub(replace, html)


def plain(html):
    """``html`` with links as their text (or slug) and tables left out: for word counts and search."""

    def replace(match):
        kind, name, text_html = match.group(1), match.group(2), match.group(3) or ""
        return (text_html or name.replace("-", " ")) if kind == "link" else ""

    return TOKEN_RE.sub(replace, html or "")
