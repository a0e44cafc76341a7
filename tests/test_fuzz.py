"""Fuzz every public URL pattern and query parameter: no input ever gets a 5xx.

Hypothesis builds raw requests: query strings as bytes (so broken
percent-encoding, NUL bytes and invalid UTF-8 reach Django exactly as a WSGI
server would pass them), slugs as arbitrary percent-encoded bytes, huge
numbers, 5,000-character values, repeated and unknown parameters, odd methods
and junk in the headers the site reads. A deterministic matrix then sends
every named nasty value to every parameter of every route.

The test client re-raises any exception a view lets escape, so an unhandled
error fails the test with its traceback; any response of 500 or more fails it
too. The number of requests is printed at the end of the module.
"""

import random
from collections import Counter
from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guides.tools.views import CALCULATOR_PARAMS, LAB_PARAMS

pytestmark = pytest.mark.usefixtures("content")

# Every public route (as written in the URLconf) and a path for it; {slug} and
# {path} are filled in by the fuzzer. test_every_public_route_is_fuzzed keeps
# this list complete.
ROUTES = {
    "": "/",
    "guides/": "/guides/",
    "guides/<slug:slug>/": "/guides/{slug}/",
    "guides/<slug:slug>/preview/": "/guides/{slug}/preview/",
    "topics/<slug:slug>/": "/topics/{slug}/",
    "people/<slug:slug>/": "/people/{slug}/",
    "foods/": "/foods/",
    "foods.csv": "/foods.csv",
    "supplements/": "/supplements/",
    "supplements/<slug:slug>/": "/supplements/{slug}/",
    "faq/": "/faq/",
    "references/": "/references/",
    "search/": "/search/",
    "search/suggest/": "/search/suggest/",
    "tools/magnesium-calculator/": "/tools/magnesium-calculator/",
    "tools/interactions/": "/tools/interactions/",
    "tools/lab-units/": "/tools/lab-units/",
    "healthz": "/healthz",
    "readyz": "/readyz",
    "<slug:slug>/": "/{slug}/",
    "sitemap.xml": "/sitemap.xml",
    "sitemap-<section>.xml": "/sitemap-{slug}.xml",
    "robots.txt": "/robots.txt",
    "feed.xml": "/feed.xml",
    "media/<path:path>": "/media/{path}",
}

# The query parameters each page reads. Every page also gets unknown ones.
PARAMS = {
    "/": ["page"],
    "/guides/": ["page"],
    "/topics/{slug}/": ["page"],
    "/foods/": ["sort", "category"],
    "/foods.csv": ["sort", "category"],
    "/search/": ["q", "page"],
    "/search/suggest/": ["q"],
    "/tools/magnesium-calculator/": list(CALCULATOR_PARAMS),
    "/tools/interactions/": ["med"],
    "/tools/lab-units/": list(LAB_PARAMS),
    "/sitemap.xml": ["p"],
    "/sitemap-{slug}.xml": ["p"],
}

# Real values, so the fuzzer also reaches the pages behind valid slugs and valid forms.
REAL_SLUGS = {
    "/guides/{slug}/": ["magnesium-deficiency", "what-are-electrolytes"],
    "/guides/{slug}/preview/": ["magnesium-deficiency"],
    "/topics/{slug}/": ["deficiency", "basics"],
    "/people/{slug}/": ["editorial-team"],
    "/supplements/{slug}/": ["magnesium-oxide", "magnesium-citrate"],
    "/{slug}/": ["about", "privacy"],
    "/sitemap-{slug}.xml": ["guides", "sections", "topics"],
    "/media/{path}": ["uploads/x.png", "../../etc/passwd", "..%2f..%2fconfig/settings.py"],
}
REAL_VALUES = [
    "35",
    "0.5",
    "120",
    "female",
    "male",
    "pregnant",
    "breastfeeding",
    "magnesium-oxide",
    "almonds-dry-roasted",
    "2",
    "omeprazole",
    "levothyroxine",
    "magnesium",
    "potassium",
    "mg/dL",
    "mmol/L",
    "mEq/L",
    "name",
    "calcium",
    "seeds-nuts",
    "legumes",
    "1",
    "10",
    "leg cramps",
]

# Written into the query string verbatim: encodings a browser would never send.
RAW_TOKENS = [
    "%",
    "%%",
    "%zz",
    "%0",
    "%00",
    "a%00b",
    "%E2%82",
    "%C0%AF",
    "%ED%A0%80",
    "%FF%FE%FD",
    "%F4%90%80%80",
    "%25",
    "%2525",
    "+",
    "++",
    "&",
    "=",
    "==",
    "&&&",
    ";",
    "%u0041",
    "%0d%0aSet-Cookie:%20x=1",
]
# Percent-encoded before sending.
NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 50,
    "1e309",
    "-1e309",
    "1e-400",
    "9" * 400,
    "9" * 5000,
    "-" + "9" * 40,
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "0",
    "-0",
    "0.0",
    "-1",
    "00001",
    "1.",
    ".5",
    "1,5",
    "0x1F",
    "1_000",
    "١٢",
    "½",
    "²",
    "2" + "\u00a0",
    "\t35\n",
    "a" * 5000,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    '"; DROP TABLE guides_article; --',
    "../../etc/passwd",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "\r\nSet-Cookie: x=1",
    "🙂" * 100,
    "\u202e\u202d",
    "\ufeff",
    "\udcff",
    "\U0010ffff",
    "ǅ" * 300,
    "magnesium " * 500,
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    "mg/dL" * 1000,
]
UNKNOWN_KEYS = ["utm_source", "page[]", "q[]", "", "\x00", "a" * 5000, "%zz", "debug", "format", "__proto__"]

requests_made = Counter()
statuses = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request):
    """Print how many requests the fuzzer made, per route and per status."""
    yield
    total = sum(requests_made.values())
    line = f"fuzz: {total} requests over {len(requests_made)} routes; statuses {dict(sorted(statuses.items()))}"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{line}")


def encode_text(text):
    """Percent-encode text as UTF-8, passing lone surrogates through as their raw bytes."""
    return quote_from_bytes(text.encode("utf-8", "surrogateescape"), safe="")


def send(path_template, slug="", query=b"", method="GET", headers=None):
    """One request through the whole middleware stack; fails on a 5xx."""
    path = path_template.format(slug=slug, path=slug)
    client = Client()
    extra = {"QUERY_STRING": query.decode("latin-1")} if query else {}
    response = client.generic(method, path, headers=headers or {}, **extra)
    requests_made[path_template] += 1
    statuses[response.status_code] += 1
    assert response.status_code < 500, (method, path, query[:300], response.status_code)
    return response


# --- Strategies --------------------------------------------------------------

values = st.one_of(
    st.sampled_from(NASTY_TEXT + REAL_VALUES).map(lambda t: encode_text(t).encode("ascii")),
    st.sampled_from(RAW_TOKENS).map(str.encode),
    st.text(max_size=60).map(lambda t: encode_text(t).encode("ascii")),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30).map(lambda t: t.encode("utf-8")),  # unencoded
    st.binary(max_size=40),  # raw bytes, invalid UTF-8 included
    st.binary(max_size=40).map(lambda b: quote_from_bytes(b).encode("ascii")),
    st.integers(min_value=-(10**400), max_value=10**400).map(lambda n: str(n).encode()),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).encode()),
    st.integers(min_value=4990, max_value=5010).map(lambda n: b"7" * n),
)


def query_strings(names):
    """Raw query strings over ``names`` plus unknown keys, with repeats and odd separators."""
    keys = st.one_of(
        st.sampled_from(names or ["page"]).map(str.encode),
        st.sampled_from(UNKNOWN_KEYS).map(lambda k: encode_text(k).encode("ascii")),
        st.binary(max_size=10),
    )
    pair = st.one_of(
        st.tuples(keys, values).map(lambda kv: kv[0] + b"=" + kv[1]),
        keys,  # a key with no "="
        values,  # a value with no key
    )
    return st.tuples(
        st.lists(pair, max_size=25),
        st.sampled_from([b"&", b";", b"&&", b"&amp;"]),
    ).map(lambda parts: parts[1].join(parts[0]))


def slugs(template):
    real = REAL_SLUGS.get(template, [])
    return st.one_of(
        st.sampled_from(real) if real else st.nothing(),
        st.from_regex(r"[-a-zA-Z0-9_]{1,120}", fullmatch=True),
        st.binary(min_size=1, max_size=60).map(quote_from_bytes),
        st.sampled_from(["%zz", "%", "%00", "%2F", "a%00b", "%ED%A0%80", "-" * 300, "a" * 5000, "..", "%2e%2e"]),
    )


header_values = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=80),
    st.sampled_from(
        [
            "",
            "*",
            '"x"',
            'W/"1"',
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Sat, 99 Foo 99999",
            "sessionid=garbage; csrftoken=\x7f",
            "a" * 5000,
        ]
    ),
)
headers = st.fixed_dictionaries(
    {},
    optional={
        "X-Request-ID": header_values,
        "If-None-Match": header_values,
        "If-Modified-Since": header_values,
        "Accept-Language": header_values,
        "Cookie": header_values,
        "X-Forwarded-For": header_values,
        "X-Forwarded-Proto": st.sampled_from(["https", "http", "", "HTTPS, http"]),
    },
)

FUZZ = settings(
    max_examples=35,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("template", sorted(set(ROUTES.values())))
def test_fuzzed_requests_never_get_a_5xx(template):
    @FUZZ
    @given(
        slug=slugs(template) if "{" in template else st.just(""),
        query=query_strings(PARAMS.get(template, [])),
        method=st.sampled_from(["GET"] * 8 + ["HEAD", "POST", "OPTIONS"]),
        extra_headers=headers,
    )
    def check(slug, query, method, extra_headers):
        send(template, slug, query, method, extra_headers)

    check()


SHARPEST = ["\x00", "1e309", "9" * 5000, "NaN", "-1", "a" * 5000, "\udcff"]


def test_every_named_nasty_value_in_every_parameter():
    """A deterministic matrix: every nasty value in all of a page's parameters at once,
    and the sharpest ones in each parameter alone."""
    tokens = [encode_text(t) for t in NASTY_TEXT] + RAW_TOKENS
    for template, names in PARAMS.items():
        slug = REAL_SLUGS.get(template, [""])[0]
        for token in tokens:
            send(template, slug, "&".join(f"{name}={token}" for name in names).encode())
        for name in names:
            for token in [encode_text(t) for t in SHARPEST] + ["%zz", "%FF%FE%FD"]:
                send(template, slug, f"{name}={token}".encode())


def test_repeated_and_unknown_parameters():
    """Far more food lines and medicines than the tools accept, every parameter at once, unknown keys."""
    calculator = "/tools/magnesium-calculator/"
    many_foods = "&".join(["food=almonds-dry-roasted&servings=1"] * 60 + ["age=35", "sex=female"])
    send(calculator, query=many_foods.encode())
    send("/tools/interactions/", query="&".join(["med=omeprazole"] * 500).encode())
    everything = "&".join(f"{name}={quote('9' * 5000)}" for name in CALCULATOR_PARAMS)
    send(calculator, query=everything.encode())
    rng = random.Random(8)
    junk = "&".join(f"x{rng.randrange(10**9)}={rng.randrange(10**9)}" for _ in range(1000))
    for template in ("/", "/guides/", "/search/", "/foods/", calculator, "/tools/lab-units/"):
        send(template, query=junk.encode())


@pytest.mark.parametrize("template", sorted(t for t in ROUTES.values() if "{" in t))
def test_nasty_path_segments(template):
    for segment in [
        "%00",
        "a%00b",
        "%zz",
        "%",
        "%ED%A0%80",
        "%FF",
        "a" * 5000,
        "9" * 400,
        "%2e%2e%2f%2e%2e",
        "..",
        "~",
        "%20",
        "%0d%0aX:%20y",
        quote("<script>alert(1)</script>"),
        quote("🙂" * 50),
    ]:
        send(template, segment)


def test_every_public_route_is_fuzzed():
    """A new public URL pattern must be added to ROUTES (and its parameters to PARAMS)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    public = {route for route in walk(get_resolver().url_patterns) if not route.startswith("admin/")}
    assert public == set(ROUTES), public ^ set(ROUTES)
