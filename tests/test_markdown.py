"""The one Markdown pipeline: extensions, errors and sanitising."""

import re
from html.parser import HTMLParser

import pytest

from guides.rendering import pipeline as markdown
from guides.rendering.pipeline import MarkdownError, StaticResolver, render, sanitize

RESOLVER = StaticResolver({"A2020", "B2019", "C2018"}, {"low-magnesium": "Low magnesium", "potassium": "Potassium"})


def r(text, **kwargs):
    return render(text, resolver=RESOLVER, **kwargs)


class TestCitations:
    def test_numbered_in_order_of_first_use_with_back_anchors(self):
        out = r("One [@B2019]. Two [@A2020]. Again [@B2019]. Both [@A2020; @C2018].")
        assert out.citations == [("B2019", 2), ("A2020", 2), ("C2018", 1)]
        numbers = re.findall(r'<a href="#source-(\d)" id="cite-(\d)-(\d)"', out.html)
        assert numbers == [("1", "1", "1"), ("2", "2", "1"), ("1", "1", "2"), ("2", "2", "2"), ("3", "3", "1")]
        assert '<sup class="cite">' in out.html

    def test_each_reference_listed_once(self):
        out = r("[@A2020] [@A2020] [@A2020]")
        assert out.citations == [("A2020", 3)]

    def test_unknown_key_is_an_error_naming_it(self):
        with pytest.raises(MarkdownError, match="unknown citation key 'Nope2001'"):
            r("Claim [@Nope2001].", strict=True)

    def test_unknown_key_not_strict_renders_a_marker(self):
        out = r("Claim [@Nope2001].")
        assert "cite-missing" in out.html
        assert out.errors == ["unknown citation key 'Nope2001'"]

    def test_site_mode_links_to_bibliography(self):
        out = r("Claim [@A2020].", cite_links="sources")
        assert 'href="/references/#ref-A2020"' in out.html
        assert "id=\"cite-" not in out.html


class TestLinks:
    def test_internal_link_uses_title_or_text(self):
        out = r("See [[low-magnesium]] and [[potassium|this guide]].")
        assert '<a class="internal" href="/guides/low-magnesium/">Low magnesium</a>' in out.html
        assert ">this guide</a>" in out.html
        assert out.links == {"low-magnesium", "potassium"}

    def test_unknown_link_target_is_an_error(self):
        with pytest.raises(MarkdownError, match="unknown link target 'missing-page'"):
            r("See [[missing-page]].", strict=True)

    def test_table_must_be_on_its_own_line(self):
        with pytest.raises(MarkdownError, match="must be on a line of its own"):
            r("Inline [[table:magnesium-rda]] here", strict=True)

    def test_unknown_table(self):
        with pytest.raises(MarkdownError, match="unknown table 'nope'"):
            r("[[table:nope]]", strict=True)


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
        assert re.search(rf'<aside (?=[^>]*class="callout callout-{kind}")(?=[^>]*aria-label="Seek urgent care")', out.html)
        assert '<p class="callout-title">Seek urgent care</p>' in out.html

    def test_tables_and_footnotes(self):
        out = r("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note.")
        assert "<table>" in out.html and "<td>1</td>" in out.html
        assert 'class="footnote"' in out.html

    def test_text_for_word_counts(self):
        assert r("## Head\n\nSome **bold** words.").text == "Head Some bold words."


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "![x](javascript:alert(1))",
    "![x\" onerror=\"alert(1)](https://example.org/a.png)",
    "![x](https://example.org/a.png\" onerror=\"alert(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "## Heading {onclick=alert(1)}",
    "Para {: onmouseover=\"alert(1)\" }",
    "[x](https://example.org){onclick=alert(1)}",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:/\">",
    "<style>@import 'javascript:alert(1)'</style>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "[[x|<img src=x onerror=alert(1)>]]",
    "[@<script>alert(1)</script>]",
    "!!! note \"<img src=x onerror=alert(1)>\"\n    body",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    "<a href=\"https://example.org\" target=_blank onclick=alert(1)>x</a>",
    "<template><script>alert(1)</script></template>",
]

BAD_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "form", "input", "meta", "base",
            "body", "template", "button", "link", "frame", "frameset"}


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
    html = r(payload).html
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
    html = markdown.preview_html("Text <script>alert(1)</script> [[no-such-guide]]")
    assert "Fix before saving" in html
    assert "unknown link target &#x27;no-such-guide&#x27;" in html
    assert executable_parts(html) == []


def test_images_are_local_only():
    html = r("![a](https://example.org/a.png) ![b](/media/uploads/b.png) ![c](//evil.example/c.png)").html
    assert 'src="/media/uploads/b.png"' in html
    assert "example.org" not in html and "evil.example" not in html


def test_rda_table_lists_life_stages_in_order(content):
    from guides.rendering.tables import magnesium_rda

    html, keys = magnesium_rda()
    rows = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert rows[0].startswith("0") and "Pregnant" in rows[-6] and rows[-1].startswith("Breastfeeding")
    assert keys
