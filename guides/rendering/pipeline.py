"""The one Markdown pipeline: admin preview, save and import all call ``render``.

Syntax on top of Python-Markdown (toc, tables, admonition, footnotes, attr_list):

- ``[@key]`` / ``[@a; @b]``: numbered citations, in order of first use, linking
  to the guide's "Sources" list (``#source-N``); each use gets an anchor
  ``cite-N-K`` the source list links back to.
- ``[[slug]]`` / ``[[slug|text]]``: a link to another guide.
- ``[[table:name]]`` on its own line: a data table from ``guides.rendering.tables``.
- ``!!! note|warning|remember|urgent "Title"``: callout boxes.

The output always goes through ``sanitize`` (nh3) last. ``render`` is a pure
function of the text and its ``Options``: what a page shows from other rows
(links to guides, data tables) is left as a placeholder that
``guides.rendering.placeholders.fill`` fills in when the page is rendered.
``check`` lists unknown citation keys, link targets and tables against what
exists (``guides.rendering.resolvers``).
"""

import functools
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown as md_lib
import nh3
from django.utils.html import escape
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from . import placeholders

CALLOUT_TYPES = {"note", "warning", "remember", "urgent"}
CITE_RE = r"\[@([A-Za-z0-9_.:;@ -]+)\]"
WIKILINK_RE = r"\[\[([^\]|\n]+?)(?:\|([^\]\n]+))?\]\]"
TABLE_LINE_RE = re.compile(r"^\[\[table:([a-z0-9-]+)\]\]\s*$", re.M)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "aside",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "div": {"role", "aria-label", "tabindex"},
    "aside": {"aria-label"},
}
# nh3 panics if "class" is also listed in ALLOWED_ATTRIBUTES: classes go here only.
ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref", "internal"},
    "aside": {"callout", "callout-note", "callout-warning", "callout-remember", "callout-urgent"},
    "div": {"footnote", "table-wrap", "toc"},
    "p": {"callout-title", "table-source"},
    "sup": {"cite"},
    "span": {"cite-missing"},
    "table": {"data-table"},
    "td": {"num"},
    "th": {"num"},
    "ol": {"footnotes"},
}
URL_SCHEMES = {"http", "https", "mailto"}
REFERENCES_PATH = "/references/"  # the site bibliography (guides:references)


class MarkdownError(ValueError):
    """Unknown citation keys, link targets or tables, each named (see ``check``)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass(frozen=True)
class Options:
    """How a field is rendered: ``cite_links="local"`` numbers citations against the page's own
    source list (guides); ``"sources"`` links them to the site bibliography (FAQs, pages)."""

    cite_links: str = "local"


@dataclass(frozen=True)
class Rendered:
    """The pipeline's output for one text: a pure function of that text and its ``Options``.

    ``html`` holds placeholders (``guides.rendering.placeholders``) for links
    and data tables; ``citations`` is ``((key, occurrences), ...)`` in number order.
    """

    html: str
    toc_html: str = ""
    text: str = ""
    citations: tuple = ()
    links: tuple = ()
    tables: tuple = ()
    errors: tuple = ()

    @property
    def cited_keys(self):
        return [key for key, _count in self.citations]


class _State:
    def __init__(self, cite_links):
        self.cite_links = cite_links
        self.numbers = {}  # key -> number
        self.counts = {}  # key -> occurrences
        self.links = {}
        self.tables = {}
        self.errors = []

    def cite(self, key):
        """Register a use of ``key``; return (number, occurrence)."""
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        self.counts[key] = self.counts.get(key, 0) + 1
        return number, self.counts[key]

    def cite_element(self, keys):
        sup = etree.Element("sup")
        sup.set("class", "cite")
        for index, key in enumerate(keys):
            if index:
                sup.append(_text_el(", "))
            number, occurrence = self.cite(key)
            a = etree.SubElement(sup, "a")
            if self.cite_links == "local":
                a.set("href", f"#source-{number}")
                a.set("id", f"cite-{number}-{occurrence}")
            else:
                a.set("href", f"{REFERENCES_PATH}#ref-{key}")
            a.text = f"[{number}]"
        return sup


def _text_el(text):
    span = etree.Element("span")
    span.text = text
    return span


class CitationPattern(InlineProcessor):
    def __init__(self, pattern, state):
        super().__init__(pattern)
        self.state = state

    def handleMatch(self, m, data):
        keys = [k.strip().lstrip("@").strip() for k in m.group(1).split(";")]
        keys = [k for k in keys if k]
        return self.state.cite_element(keys), m.start(0), m.end(0)


class WikiLinkPattern(InlineProcessor):
    """``[[slug|text]]`` becomes a link placeholder: the target's URL, title and liveness are read at render time."""

    def __init__(self, pattern, md, state):
        super().__init__(pattern, md)
        self.state = state

    def handleMatch(self, m, data):
        target, text = m.group(1).strip(), (m.group(2) or "").strip()
        if target.startswith("table:"):
            self.state.errors.append(f"table '{target[6:]}' must be on a line of its own")
            return _text_el(""), m.start(0), m.end(0)
        self.state.links.setdefault(target, None)
        token = placeholders.link_token(escape(target), escape(text))
        return self.md.htmlStash.store(token), m.start(0), m.end(0)


class TablePreprocessor(Preprocessor):
    """Replaces ``[[table:name]]`` lines with a table placeholder, filled in with the data at render time."""

    def __init__(self, md, state):
        super().__init__(md)
        self.state = state

    def run(self, lines):
        out = []
        for line in lines:
            m = TABLE_LINE_RE.match(line.strip())
            if not m:
                out.append(line)
                continue
            self.state.tables.setdefault(m.group(1), None)
            out.extend(["", self.md.htmlStash.store(placeholders.table_token(m.group(1))), ""])
        return out


class CalloutTreeprocessor(Treeprocessor):
    """Turns admonition divs into ``<aside class="callout callout-TYPE">`` and demotes h1."""

    def run(self, root):
        for el in root.iter():
            if el.tag == "h1":
                el.tag = "h2"
            classes = (el.get("class") or "").split()
            if el.tag == "div" and "admonition" in classes:
                kind = next((c for c in classes if c in CALLOUT_TYPES), "note")
                el.tag = "aside"
                el.set("class", f"callout callout-{kind}")
                title = next((c for c in el if "admonition-title" in (c.get("class") or "")), None)
                if title is not None:
                    title.set("class", "callout-title")
                    el.set("aria-label", "".join(title.itertext()))
        return None


class SiteExtension(Extension):
    def __init__(self, state, **kwargs):
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(TablePreprocessor(md, self.state), "data_tables", 29)
        md.inlinePatterns.register(WikiLinkPattern(WIKILINK_RE, md, self.state), "wikilink", 176)
        md.inlinePatterns.register(CitationPattern(CITE_RE, self.state), "citation", 175)
        md.treeprocessors.register(CalloutTreeprocessor(md), "callouts", 1)


def _local_images_only(tag, attribute, value):
    """Images come from this site only (uploads under /media/): no external requests."""
    if tag == "img" and attribute == "src" and not (value.startswith("/") and not value.startswith("//")):
        return None
    return value


def sanitize(html):
    """Clean HTML with the site's allow-list. Everything rendered passes here."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=None,  # no target="_blank" is allowed, so there is no opener to protect
        strip_comments=True,
        attribute_filter=_local_images_only,
    )


def to_text(html):
    """Visible text of rendered HTML (for word counts, search and readability)."""
    text = nh3.clean(html, tags=set(), attributes={})
    return re.sub(r"\s+", " ", text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")).strip()


def render(text, options=Options()):
    """Render Markdown to sanitised HTML (with placeholders), a TOC and the citation list.

    Pure: the result depends only on ``text`` and ``options``, so it is memoised
    (a form's check and the save that follows it render once).
    """
    return _render(placeholders.strip_reserved(text).replace("\r\n", "\n"), options)


@functools.lru_cache(maxsize=64)
def _render(text, options):
    state = _State(options.cite_links)
    md = md_lib.Markdown(
        extensions=[
            "toc",
            "tables",
            "admonition",
            "footnotes",
            "attr_list",
            "sane_lists",
            SiteExtension(state),
        ],
        extension_configs={"toc": {"toc_depth": "2-3", "permalink": False}},
        output_format="html",
    )
    raw = md.convert(text)
    html = sanitize(raw)
    toc_html = sanitize(md.toc) if getattr(md, "toc_tokens", None) else ""
    citations = sorted(state.numbers, key=state.numbers.get)
    return Rendered(
        html=html,
        toc_html=toc_html,
        text=to_text(placeholders.plain(html)),
        citations=tuple((key, state.counts[key]) for key in citations),
        links=tuple(state.links),
        tables=tuple(state.tables),
        errors=tuple(state.errors),
    )


def check(rendered, known, text=None):
    """Everything ``known`` (references, guides and tables that exist) says is wrong with ``rendered``.

    With the source ``text``, each message names the lines it is on ("(line 12)").
    """
    errors = list(rendered.errors)
    found = [
        (f"unknown citation key '{key}'", "@" + key) for key in rendered.cited_keys if not known.has_reference(key)
    ]
    found += [(f"unknown link target '{slug}'", "[[" + slug) for slug in rendered.links if not known.has_guide(slug)]
    found += [(f"unknown table '{name}'", "[[table:" + name) for name in rendered.tables if not known.has_table(name)]
    for message, needle in found:
        lines = _lines_with(text, needle) if text else []
        where = (
            f" (line {', '.join(map(str, lines))})"
            if len(lines) == 1
            else (f" (lines {', '.join(map(str, lines))})" if lines else "")
        )
        errors.append(message + where)
    return errors


def _lines_with(text, needle):
    return [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
