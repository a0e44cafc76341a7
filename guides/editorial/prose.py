"""What a reader reads of a page: its prose, its links and its citations, from served HTML.

``prose_text`` is the text the reading grade is measured on (see
``guides.editorial.quality`` for what counts as prose); ``linked_guides`` and
``cited_keys`` read a page's links and bibliography citations.
"""

import re
from html.parser import HTMLParser

import textstat
from django.urls import Resolver404, resolve

# (tag, class) pairs whose whole subtree is not prose; class None means any.
SKIP = {
    ("table", None),
    ("div", "table-wrap"),
    ("p", "table-source"),
    ("div", "footnote"),
    ("div", "toc"),
    ("sup", "cite"),
    ("a", "footnote-ref"),
    ("p", "callout-title"),
}
BLOCKS = {
    "aside",
    "blockquote",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ol",
    "p",
    "pre",
    "table",
    "td",
    "th",
    "tr",
    "ul",
}
VOID = {"br", "hr", "img", "wbr"}


class _ProseParser(HTMLParser):
    """Collects the text of each block, leaving out the ``SKIP`` subtrees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, skipped)
        self.blocks = [[]]

    def _skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if tag == "br" and not self._skipping():
                self.blocks[-1].append(" ")
            return
        classes = (dict(attrs).get("class") or "").split()
        skipped = self._skipping() or (tag, None) in SKIP or any((tag, c) in SKIP for c in classes)
        self.stack.append((tag, skipped))
        if tag in BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass
        if tag in BLOCKS:
            self.blocks.append([])

    def handle_data(self, data):
        if not self._skipping():
            self.blocks[-1].append(data)


def prose_text(html):
    """The prose of rendered HTML, one block per line (see the module docstring)."""
    parser = _ProseParser()
    parser.feed(html or "")
    parser.close()
    lines = []
    for parts in parser.blocks:
        text = re.sub(r"\s+", " ", "".join(parts)).strip()
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)  # "word [1]." -> "word."
        if not text:
            continue
        if text.rstrip("\"'”’)")[-1:] not in {".", "!", "?", ":"}:
            text += "."
        lines.append(text)
    return "\n".join(lines)


class _LinkParser(HTMLParser):
    """Collects hrefs of internal guide links and of citation links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.internal = []
        self.citations = []
        self._in_cite = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "sup" and "cite" in classes:
            self._in_cite += 1
        elif tag == "a" and attrs.get("href"):
            if "internal" in classes:
                self.internal.append(attrs["href"])
            elif self._in_cite:
                self.citations.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "sup" and self._in_cite:
            self._in_cite -= 1


def _links(html):
    parser = _LinkParser()
    parser.feed(html or "")
    return parser


def linked_guides(html, old_slugs=None):
    """Slugs of the guides that ``html`` links to with ``[[slug]]`` (old slugs mapped to current)."""
    old_slugs = old_slugs or {}
    slugs = set()
    for href in _links(html).internal:
        try:
            match = resolve(href.split("#")[0])
        except Resolver404:
            continue
        if match.view_name == "guides:article":
            slug = match.kwargs["slug"]
            slugs.add(old_slugs.get(slug, slug))
    return slugs


def cited_keys(html):
    """Reference keys cited in HTML rendered with site-bibliography links (FAQs)."""
    return {href.split("#ref-", 1)[1] for href in _links(html).citations if "#ref-" in href}


def readability(text):
    """(words, Flesch–Kincaid grade) of plain text, by textstat."""
    return textstat.lexicon_count(text), textstat.flesch_kincaid_grade(text)
