"""The one Markdown pipeline: extensions, errors and sanitising."""

import re
from html.parser import HTMLParser

import pytest

from guides import editor
from guides.rendering.pipeline import Options, check, render, sanitize
from guides.rendering.placeholders import OPEN, LinkTarget, Lookups, fill
from guides.rendering.resolvers import Known

KNOWN = Known({"A2020", "B2019", "C2018"}, {"low-magnesium", "potassium", "draft-guide"})
LOOKUPS = Lookups(
    links={
        "low-magnesium": LinkTarget("/guides/low-magnesium/", "Low magnesium", live=True),
        "potassium": LinkTarget("/guides/potassium/", "Potassium", live=True),
        "draft-guide": LinkTarget("/guides/draft-guide/", "A draft", live=False),
    }
)


def r(text, cite_links="local"):
    return render(text, Options(cite_links=cite_links))


def page(text):
    """What a reader sees: the stored HTML with its placeholders filled in."""
    return fill(r(text).html, LOOKUPS)


def errors(text):
    return check(r(text), KNOWN)


class TestCitations:
    def test_numbered_in_order_of_first_use_with_back_anchors(self):
        out = r("One [@B2019]. Two [@A2020]. Again [@B2019]. Both [@A2020; @C2018].")
        assert out.citations == (("B2019", 2), ("A2020", 2), ("C2018", 1))
        numbers = re.findall(r'<a href="#source-(\d)" id="cite-(\d)-(\d)"', out.html)
        assert numbers == [("1", "1", "1"), ("2", "2", "1"), ("1", "1", "2"), ("2", "2", "2"), ("3", "3", "1")]
        assert '<sup class="cite">' in out.html

    def test_each_reference_listed_once(self):
        out = r("[@A2020] [@A2020] [@A2020]")
        assert out.citations == (("A2020", 3),)

    def test_unknown_key_is_an_error_naming_it(self):
        assert errors("Claim [@Nope2001].") == ["unknown citation key 'Nope2001'"]

    def test_known_keys_are_not_errors(self):
        assert errors("Claim [@A2020; @C2018].") == []

    def test_site_mode_links_to_bibliography(self):
        out = r("Claim [@A2020].", cite_links="sources")
        assert 'href="/references/#ref-A2020"' in out.html
        assert 'id="cite-' not in out.html


class TestLinks:
    def test_internal_link_uses_title_or_text(self):
        html = page("See [[low-magnesium]] and [[potassium|this guide]].")
        assert '<a href="/guides/low-magnesium/" class="internal">Low magnesium</a>' in html
        assert ">this guide</a>" in html
        assert r("See [[low-magnesium]] and [[potassium|this guide]].").links == ("low-magnesium", "potassium")

    def test_stored_html_has_no_title_or_url_of_another_guide(self):
        """The row's HTML is a pure function of its own text: the target's title is read when a page renders."""
        html = r("See [[low-magnesium]].").html
        assert "Low magnesium" not in html and "/guides/" not in html and OPEN in html

    def test_link_to_a_guide_readers_cannot_see_is_plain_text(self):
        html = page("See [[draft-guide]] or [[draft-guide|that page]].")
        assert "<a" not in html and "A draft" in html and "that page" in html

    def test_link_to_a_guide_that_is_gone_shows_its_text(self):
        html = page("See [[gone-guide|the old page]] and [[gone-guide]].")
        assert "<a" not in html and "the old page" in html and "gone-guide" in html

    def test_authors_cannot_write_a_placeholder(self):
        fake = "\ue000link\ue001low-magnesium\ue001\ue002"
        assert OPEN not in r(f"Text {fake} here.").html
        assert "<a" not in page(f"Text {fake} here.")

    def test_unknown_link_target_is_an_error(self):
        assert errors("See [[missing-page]].") == ["unknown link target 'missing-page'"]

    def test_table_must_be_on_its_own_line(self):
        assert any("must be on a line of its own" in e for e in errors("Inline [[table:magnesium-rda]] here"))

    def test_unknown_table(self):
        assert errors("[[table:nope]]") == ["unknown table 'nope'"]


class TestStructure:
    def test_toc_and_heading_ids(self):
        out = r("## Why does it matter?\n\ntext\n\n### A detail\n\nmore")
        assert 'id="why-does-it-matter"' in out.html
        assert 'href="#why-does-it-matter"' in out.toc_html
        assert 'href="#a-detail"' in out.toc_html

    def test_h1_is_demoted(self):
        assert "<h1" not in r("# Title\n\ntext").html

    @pytest.mark.parametrize("kind", ["note", "warning", "remember", "urgent"])
    def test_callouts(self, kind):
        out = r(f'!!! {kind} "Seek urgent care"\n    Call 911.')
        assert re.search(
            rf'<aside (?=[^>]*class="callout callout-{kind}")(?=[^>]*aria-label="Seek urgent care")', out.html
        )
        assert '<p class="callout-title">Seek urgent care</p>' in out.html

    def test_tables_and_footnotes(self):
        out = r("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note.")
        assert "<table>" in out.html and "<td>1</td>" in out.html
        assert 'class="footnote"' in out.html

    def test_text_for_word_counts(self):
        assert r("## Head\n\nSome **bold** words.").text == "Head Some bold words."

    def test_crlf_renders_like_lf(self):
        assert r("## Head\r\n\r\nText.").html == r("## Head\n\nText.").html


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://example.org/a.png)',
    '![x](https://example.org/a.png" onerror="alert(1))',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "## Heading {onclick=alert(1)}",
    'Para {: onmouseover="alert(1)" }',
    "[x](https://example.org){onclick=alert(1)}",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    '<base href="javascript:/">',
    "<style>@import 'javascript:alert(1)'</style>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[[x|<img src=x onerror=alert(1)>]]",
    "[@<script>alert(1)</script>]",
    '!!! note "<img src=x onerror=alert(1)>"\n    body',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    '<a href="https://example.org" target=_blank onclick=alert(1)>x</a>',
    "<template><script>alert(1)</script></template>",
]

BAD_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "form",
    "input",
    "meta",
    "base",
    "body",
    "template",
    "button",
    "link",
    "frame",
    "frameset",
}


class ExecutableFinder(HTMLParser):
    """Collects anything a browser could execute: tags, handlers, styles, unsafe URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in BAD_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "data", "xlink:href"):
                cleaned = re.sub(r"[\x00-\x20]", "", value or "").lower()
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
                if scheme and scheme.group(1) not in ("http", "https", "mailto"):
                    self.problems.append(f"{tag}[{name}={value}]")


def executable_parts(html):
    finder = ExecutableFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_never_executable(payload):
    html = page(payload)
    assert executable_parts(html) == [], html


def test_finder_catches_what_it_should():
    assert executable_parts('<img src="x" onerror="alert(1)">') == ["img[onerror]"]
    assert executable_parts('<img src="relative.png"><a href="/guides/">x</a>') == []
    assert executable_parts('<a href=" javascript:alert(1)">x</a>')
    assert executable_parts("<script>1</script>") == ["<script>"]


def test_at_least_forty_payloads():
    assert len(XSS_PAYLOADS) >= 40


def test_sanitizer_config_does_not_panic_and_keeps_what_we_need():
    html = sanitize(
        '<aside class="callout callout-urgent evil" onclick="x"><p class="callout-title">T</p></aside>'
        '<h2 id="a">A</h2><sup class="cite"><a href="#source-1" id="cite-1-1">[1]</a></sup>'
        '<a href="mailto:a@example.org">m</a><a href="ftp://x">f</a>'
    )
    assert 'class="callout callout-urgent"' in html and "evil" not in html and "onclick" not in html
    assert 'id="a"' in html and 'id="cite-1-1"' in html
    assert 'href="mailto:a@example.org"' in html
    assert "ftp://" not in html


def test_preview_shows_errors_escaped(db):
    html = editor.preview_html("Text <script>alert(1)</script> [[no-such-guide]]")
    assert "Fix before saving" in html
    assert "unknown link target &#x27;no-such-guide&#x27;" in html
    assert executable_parts(html) == []


def test_images_are_local_only():
    html = page("![a](https://example.org/a.png) ![b](/media/uploads/b.png) ![c](//evil.example/c.png)")
    assert 'src="/media/uploads/b.png"' in html
    assert "example.org" not in html and "evil.example" not in html


def test_rda_table_lists_life_stages_in_order(content):
    from guides.rendering import tables

    table = tables.render(["magnesium-rda"])["magnesium-rda"]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', table.html)
    assert rows[0].startswith("0") and "Pregnant" in rows[-6] and rows[-1].startswith("Breastfeeding")
    assert table.source_keys and [ref.key for ref in table.references] == list(table.source_keys)
