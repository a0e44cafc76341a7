"""The one Markdown pipeline: admin preview, save and import all call ``render``.

Syntax on top of Python-Markdown (toc, tables, admonition, footnotes, attr_list):

- ``[@key]`` / ``[@a; @b]``: numbered citations, in order of first use, linking
  to the guide's "Sources" list (``#source-N``); each use gets an anchor
  ``cite-N-K`` the source list links back to.
- ``[[slug]]`` / ``[[slug|text]]``: a link to another guide.
- ``[[table:name]]`` on its own line: a data table from ``guides.rendering.tables``.
- ``!!! note|warning|remember|urgent "Title"``: callout boxes.

The output always goes through ``sanitize`` (nh3) last. Unknown citation keys,
link targets and table names are collected; ``strict=True`` raises
``MarkdownError`` naming them.
"""

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown as md_lib
import nh3
from django.urls import reverse
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

CALLOUT_TYPES = {"note", "warning", "remember", "urgent"}
CITE_RE = r"\[@([A-Za-z0-9_.:;@ -]+)\]"
WIKILINK_RE = r"\[\[([^\]|\n]+?)(?:\|([^\]\n]+))?\]\]"
TABLE_LINE_RE = re.compile(r"^\[\[table:([a-z0-9-]+)\]\]\s*$", re.M)

ALLOWED_TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
    "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
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


class MarkdownError(ValueError):
    """Raised in strict mode for unknown citation keys, links or tables."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


@dataclass
class Rendered:
    html: str
    toc_html: str = ""
    text: str = ""
    citations: list = field(default_factory=list)  # [(key, occurrences)] in number order
    links: set = field(default_factory=set)
    tables: set = field(default_factory=set)
    errors: list = field(default_factory=list)


class Resolver:
    """Answers what exists: references, guides and tables. Subclass per source."""

    def has_reference(self, key):
        return True

    def article_title(self, slug):
        """The guide's title, or None if there is no such guide."""
        return slug

    def is_live(self, slug):
        """Whether readers can see the guide: links to drafts render as plain text."""
        return True

    def has_table(self, name):
        from . import tables

        return name in tables.TABLES

    def table_html(self, name):
        from . import tables

        return tables.render(name)


class StaticResolver(Resolver):
    """Resolves against known sets, e.g. the files being loaded. Tables render as placeholders."""

    def __init__(self, reference_keys=(), articles=None):
        self.reference_keys = set(reference_keys)
        self.articles = dict(articles or {})

    def has_reference(self, key):
        return key in self.reference_keys

    def article_title(self, slug):
        return self.articles.get(slug)

    def table_html(self, name):
        return f'<p class="table-source">[table: {name}]</p>', []


class DatabaseResolver(Resolver):
    """Resolves against the database, loading each set once per render."""

    def __init__(self):
        self._keys = None
        self._titles = None
        self._live = None

    def has_reference(self, key):
        if self._keys is None:
            from ..models import Reference

            self._keys = set(Reference.objects.values_list("key", flat=True))
        return key in self._keys

    def article_title(self, slug):
        if self._titles is None:
            from ..models import Article, SlugHistory

            self._titles = dict(Article.objects.values_list("slug", "title"))
            for old, new in SlugHistory.objects.values_list("old_slug", "article__slug"):
                self._titles.setdefault(old, self._titles.get(new))
        return self._titles.get(slug)

    def is_live(self, slug):
        if self._live is None:
            from ..models import Article, SlugHistory

            published = Article.objects.published()
            self._live = set(published.values_list("slug", flat=True))
            self._live |= set(SlugHistory.objects.filter(article__in=published).values_list("old_slug", flat=True))
        return slug in self._live


class _State:
    def __init__(self, resolver, cite_links):
        self.resolver = resolver
        self.cite_links = cite_links
        self.numbers = {}  # key -> number
        self.counts = {}  # key -> occurrences
        self.links = set()
        self.tables = set()
        self.errors = []

    def cite(self, key):
        """Register a use of ``key``; return (number, occurrence) or None if unknown."""
        if not self.resolver.has_reference(key):
            self.errors.append(f"unknown citation key '{key}'")
            return None
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        self.counts[key] = self.counts.get(key, 0) + 1
        return number, self.counts[key]

    def cite_element(self, keys):
        sup = etree.Element("sup")
        sup.set("class", "cite")
        first = True
        for key in keys:
            found = self.cite(key)
            if not first:
                sup.append(_text_el(", "))
            first = False
            if found is None:
                span = etree.SubElement(sup, "span")
                span.set("class", "cite-missing")
                span.text = "?"
                continue
            number, occurrence = found
            a = etree.SubElement(sup, "a")
            if self.cite_links == "local":
                a.set("href", f"#source-{number}")
                a.set("id", f"cite-{number}-{occurrence}")
            else:
                a.set("href", reverse("guides:references") + f"#ref-{key}")
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
    def __init__(self, pattern, state):
        super().__init__(pattern)
        self.state = state

    def handleMatch(self, m, data):
        target, text = m.group(1).strip(), (m.group(2) or "").strip()
        if target.startswith("table:"):
            self.state.errors.append(f"table '{target[6:]}' must be on a line of its own")
            return _text_el(""), m.start(0), m.end(0)
        title = self.state.resolver.article_title(target)
        if title is None:
            self.state.errors.append(f"unknown link target '{target}'")
            el = _text_el(text or target)
            return el, m.start(0), m.end(0)
        if not self.state.resolver.is_live(target):
            return _text_el(text or title), m.start(0), m.end(0)
        self.state.links.add(target)
        a = etree.Element("a")
        a.set("href", reverse("guides:article", args=[target]))
        a.set("class", "internal")
        a.text = text or title
        return a, m.start(0), m.end(0)


class TablePreprocessor(Preprocessor):
    """Replaces ``[[table:name]]`` lines with the rendered data table."""

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
            name = m.group(1)
            if not self.state.resolver.has_table(name):
                self.state.errors.append(f"unknown table '{name}'")
                continue
            self.state.tables.add(name)
            html, keys = self.state.resolver.table_html(name)
            if keys:
                sup = self.state.cite_element(keys)
                html += '<p class="table-source">Source: ' + etree.tostring(sup, encoding="unicode") + "</p>"
            out.extend(["", self.md.htmlStash.store(html), ""])
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
        md.inlinePatterns.register(WikiLinkPattern(WIKILINK_RE, self.state), "wikilink", 176)
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


def render(text, resolver=None, strict=False, cite_links="local"):
    """Render Markdown to sanitised HTML, a TOC and the citation list.

    ``cite_links="local"`` numbers citations against the page's own source list
    (guides); any other value links them to the site bibliography (FAQs, pages).
    """
    state = _State(resolver or Resolver(), cite_links)
    md = md_lib.Markdown(
        extensions=[
            "toc", "tables", "admonition", "footnotes", "attr_list", "sane_lists",
            SiteExtension(state),
        ],
        extension_configs={"toc": {"toc_depth": "2-3", "permalink": False}},
        output_format="html",
    )
    raw = md.convert(text or "")
    if strict and state.errors:
        raise MarkdownError(state.errors)
    html = sanitize(raw)
    toc_html = sanitize(md.toc) if getattr(md, "toc_tokens", None) else ""
    citations = sorted(state.numbers, key=state.numbers.get)
    return Rendered(
        html=html,
        toc_html=toc_html,
        text=to_text(html),
        citations=[(key, state.counts[key]) for key in citations],
        links=state.links,
        tables=state.tables,
        errors=state.errors,
    )


def preview_html(text):
    """django-markdownx's preview: the same pipeline, errors shown to the editor."""
    from django.utils.html import escape

    rendered = render(text, resolver=DatabaseResolver())
    if not rendered.errors:
        return rendered.html
    items = "".join(f"<li>{escape(e)}</li>" for e in rendered.errors)
    return f'<aside class="callout callout-warning"><p class="callout-title">Fix before saving</p><ul>{items}</ul></aside>' + rendered.html
