"""The Mozilla HTTP Observatory's scoring (algorithm v2), encoded, against the site behind TLS.

The Observatory fetches ``http://host/`` (expecting a redirect to HTTPS on the
same host) and ``https://host/``, runs ten tests on the HTTPS response and the
cookies set along the way, and scores: start at 100, add each test's
modifier; bonuses only count when the score without them is at least 90.
The tests and modifiers below follow the Observatory's own
``src/analyzer/tests/*.js`` and ``src/grader/charts.js``.

The site runs with its real production settings (read from ``config.settings``
in a subprocess, as a deployment would load them) behind a TLS-terminating
proxy that sets ``X-Forwarded-Proto: https``. No network is used.
"""

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.usefixtures("content")

HOST = "testserver"
HTTPS = {"X-Forwarded-Proto": "https"}
ORIGIN = "https://http-observatory.security.mozilla.org"  # what the Observatory sends for its CORS check
SIX_MONTHS = 15_552_000

MODIFIERS = {
    # Content Security Policy
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    # Cookies
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    # CORS
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    # Redirection
    "redirection-to-https": 0,
    "redirection-not-needed-no-http": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    # Referrer-Policy
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    # HSTS (the +5 "hsts-preloaded" needs the site on the browsers' preload list, which no header can earn)
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    "hsts-not-implemented-no-https": -20,
    # Subresource Integrity
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    # X-Content-Type-Options
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    # X-Frame-Options
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    # Cross-Origin-Resource-Policy
    "corp-implemented-with-same-origin": 10,
    "corp-implemented-with-same-site": 10,
    "corp-implemented-with-cross-origin": 0,
    "corp-not-implemented": 0,
    "corp-header-invalid": -5,
}
GRADES = [
    (100, "A+"),
    (90, "A"),
    (85, "A-"),
    (80, "B+"),
    (70, "B"),
    (65, "B-"),
    (60, "C+"),
    (50, "C"),
    (45, "C-"),
    (40, "D+"),
    (30, "D"),
    (25, "D-"),
    (0, "F"),
]
BROAD = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}
NONCE_OR_HASH = ("'sha256-", "'sha384-", "'sha512-", "'nonce-")


@dataclass
class Scan:
    """What the Observatory fetched: the HTTP redirect chain, the final HTTPS response, the cookies."""

    http_route: list  # URLs from http://host/ to the last one
    response: object  # the final HTTPS response
    cors_response: object
    cookies: list = field(default_factory=list)  # Morsels from every response


def headers(response, name):
    return [response[name]] if response.has_header(name) else []


# --- The ten tests -------------------------------------------------------------


def parse_csp(values):
    """{directive: set(sources)} from header values; ValueError if unparseable or a directive repeats."""
    policy = {}
    for value in values:
        for part in value.split(";"):
            tokens = part.strip().split()
            if not tokens:
                continue
            name = tokens[0].lower()
            if name in policy:
                raise ValueError(f"duplicate directive {name}")
            policy[name] = {t.lower() if not t.startswith(NONCE_OR_HASH) else t for t in tokens[1:]}
    return policy


def csp_test(scan):
    values = headers(scan.response, "Content-Security-Policy")
    if not values:
        return "csp-not-implemented", {}
    try:
        csp = parse_csp(values)
    except ValueError:
        return "csp-header-invalid", {}
    default = csp.get("default-src")
    script = set(csp.get("script-src") or default or {"*"})
    style = set(csp.get("style-src") or default or {"*"})
    objects = csp.get("object-src") or default or {"*"}
    for sources in (script, style):
        if any(s.startswith(NONCE_OR_HASH) for s in sources):
            sources.discard("'unsafe-inline'")
    if "'strict-dynamic'" in script and not any(s.startswith(NONCE_OR_HASH) for s in script):
        return "csp-header-invalid", csp
    active = [
        s for name, sources in csp.items() if name not in ("img-src", "media-src", "script-src") for s in sources
    ] + list(script)
    passive = [s for name in ("img-src", "media-src") for s in (csp.get(name) or default or set())]
    if script & (BROAD | UNSAFE_INLINE) or objects & BROAD:
        return "csp-implemented-with-unsafe-inline", csp
    if any(s.startswith(("http:", "ftp:")) for s in active):
        return "csp-implemented-with-insecure-scheme", csp
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval", csp
    if any(s.startswith(("http:", "ftp:")) for s in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", csp
    if style & (BROAD | UNSAFE_INLINE):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", csp
    if default == {"'none'"}:
        return "csp-implemented-with-no-unsafe-default-src-none", csp
    return "csp-implemented-with-no-unsafe", csp


def hsts_test(scan):
    values = headers(scan.response, "Strict-Transport-Security")
    if not values:
        return "hsts-not-implemented"
    value = values[0]
    if "," in value:
        return "hsts-header-invalid"
    max_age = None
    for parameter in (p.strip().lower() for p in value.split(";")):
        if parameter.startswith("max-age="):
            try:
                max_age = int(parameter[8:])
            except ValueError:
                return "hsts-header-invalid"
    if max_age is None:
        return "hsts-header-invalid"
    return (
        "hsts-implemented-max-age-at-least-six-months"
        if max_age >= SIX_MONTHS
        else "hsts-implemented-max-age-less-than-six-months"
    )


WORSE = [
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
]


def cookies_test(scan):
    if not scan.cookies:
        return "cookies-not-found"
    hsts = hsts_test(scan) == "hsts-implemented-max-age-at-least-six-months"
    found = []
    missing_samesite = False
    for cookie in scan.cookies:
        name = cookie.key.lower()
        session = "login" in name or "sess" in name
        samesite = (cookie["samesite"] or "").lower()
        secure = bool(cookie["secure"])
        if samesite and samesite not in ("lax", "strict", "none") or (samesite == "none" and not secure):
            found.append("cookies-samesite-flag-invalid")
        if not secure:
            found.append("cookies-without-secure-flag-but-protected-by-hsts" if hsts else "cookies-without-secure-flag")
        if "csrf" in name and not samesite:
            found.append("cookies-anticsrf-without-samesite-flag")
        if session and not secure:
            found.append(
                "cookies-session-without-secure-flag-but-protected-by-hsts"
                if hsts
                else "cookies-session-without-secure-flag"
            )
        if session and not cookie["httponly"]:
            found.append("cookies-session-without-httponly-flag")
        missing_samesite |= not samesite
    if found:
        return max(found, key=WORSE.index)
    return (
        "cookies-secure-with-httponly-sessions"
        if missing_samesite
        else "cookies-secure-with-httponly-sessions-and-samesite"
    )


def cors_test(scan):
    response = scan.cors_response
    acao = response.get("Access-Control-Allow-Origin")
    if not acao:
        return "cross-origin-resource-sharing-not-implemented"
    if acao.strip() == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    if acao == ORIGIN and response.get("Access-Control-Allow-Credentials", "").strip().lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def redirection_test(scan):
    route = scan.http_route
    if len(route) == 1:
        return "redirection-missing"
    if not route[-1].startswith("https://"):
        return "redirection-not-to-https"
    if route[1].startswith("http://"):
        return "redirection-not-to-https-on-initial-redirection"
    if route[0].split("/")[2] != route[1].split("/")[2]:
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def referrer_test(scan):
    good = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]
    bad = ["origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"]
    values = headers(scan.response, "Referrer-Policy")
    if not values:
        return "referrer-policy-not-implemented"
    known = [v.strip().lower() for v in ", ".join(values).split(",") if v.strip().lower() in good + bad]
    policy = known[-1] if known else ""
    if policy in good:
        return "referrer-policy-private"
    return "referrer-policy-unsafe" if policy in bad else "referrer-policy-header-invalid"


class ScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def sri_test(scan):
    if not scan.response["Content-Type"].startswith("text/html"):
        return "sri-not-implemented-response-not-html"
    finder = ScriptFinder()
    finder.feed(scan.response.content.decode())
    if not finder.scripts:
        return "sri-not-implemented-but-no-scripts-loaded"
    result = None
    for script in finder.scripts:
        src = script.get("src")
        if not src:
            continue
        if src.startswith("//") or (src.startswith(("http://", "https://")) and src.split("/")[2] != HOST):
            external = "integrity" in script
            secure = src.startswith("https://")
            result = {
                (True, True): "sri-implemented-and-external-scripts-loaded-securely",
                (True, False): "sri-implemented-but-external-scripts-not-loaded-securely",
                (False, True): "sri-not-implemented-but-external-scripts-loaded-securely",
                (False, False): "sri-not-implemented-and-external-scripts-not-loaded-securely",
            }[(external, secure)]
            if MODIFIERS[result] < 0:
                return result
        elif script.get("integrity") and result is None:
            result = "sri-implemented-and-all-scripts-loaded-securely"
    return result or "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"


def xcto_test(scan):
    values = headers(scan.response, "X-Content-Type-Options")
    if not values:
        return "x-content-type-options-not-implemented"
    return (
        "x-content-type-options-nosniff"
        if values[0].strip().lower() == "nosniff"
        else "x-content-type-options-header-invalid"
    )


def xfo_test(scan):
    _result, csp = csp_test(scan)
    if csp.get("frame-ancestors"):
        return "x-frame-options-implemented-via-csp"
    values = headers(scan.response, "X-Frame-Options")
    if not values:
        return "x-frame-options-not-implemented"
    value = values[0].strip().lower()
    if value in ("deny", "sameorigin"):
        return "x-frame-options-sameorigin-or-deny"
    return "x-frame-options-allow-from-origin" if value.startswith("allow-from") else "x-frame-options-header-invalid"


def corp_test(scan):
    values = headers(scan.response, "Cross-Origin-Resource-Policy")
    if not values:
        return "corp-not-implemented"
    return {
        "same-origin": "corp-implemented-with-same-origin",
        "same-site": "corp-implemented-with-same-site",
        "cross-origin": "corp-implemented-with-cross-origin",
    }.get(values[0].strip().lower(), "corp-header-invalid")


TESTS = {
    "content-security-policy": lambda scan: csp_test(scan)[0],
    "cookies": cookies_test,
    "cross-origin-resource-sharing": cors_test,
    "redirection": redirection_test,
    "referrer-policy": referrer_test,
    "strict-transport-security": hsts_test,
    "subresource-integrity": sri_test,
    "x-content-type-options": xcto_test,
    "x-frame-options": xfo_test,
    "cross-origin-resource-policy": corp_test,
}


def grade(scan):
    """(score, grade, {test: result}) as the Observatory computes them."""
    results = {name: test(scan) for name, test in TESTS.items()}
    modifiers = [MODIFIERS[result] for result in results.values()]
    with_bonus = 100 + sum(modifiers)
    without_bonus = 100 + sum(m for m in modifiers if m < 0)
    score = max(0, with_bonus if without_bonus >= 90 else without_bonus)
    letter = next(letter for floor, letter in GRADES if min(score, 100) >= floor)
    return score, letter, results


# --- Fetching the site like the Observatory ------------------------------------


@pytest.fixture(scope="module")
def production():
    """The production settings that shape responses, as ``config.settings`` computes them."""
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
        "X_FRAME_OPTIONS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_SAMESITE",
        "CSRF_COOKIE_NAME",
        "CONTENT_SECURITY_POLICY",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout
    values = json.loads(out)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def observe(path="/", login=None):
    """Fetch ``path`` over HTTP (following redirects) and over HTTPS, as the Observatory does."""
    client = Client()
    cookies = []
    route = [f"http://{HOST}{path}"]
    response = client.get(path)
    for _ in range(10):
        cookies += response.cookies.values()
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        location = urljoin(route[-1], response["Location"])
        route.append(location)
        target = urlsplit(location)
        assert target.netloc == HOST, f"redirected off the site: {location}"
        target_path = target.path + (f"?{target.query}" if target.query else "")
        response = client.get(target_path, headers=HTTPS if target.scheme == "https" else {})
    if login:
        page = client.get("/admin/login/", headers=HTTPS)
        cookies += page.cookies.values()
        answer = client.post("/admin/login/?next=/admin/", login, headers=HTTPS)
        assert answer.status_code == 302, "the login did not succeed"
        cookies += answer.cookies.values()
    final = client.get(path, headers=HTTPS)
    cookies += final.cookies.values()
    cors = Client().get(path, headers={**HTTPS, "Origin": ORIGIN})
    return Scan(route, final, cors, cookies)


PAGES = ["/", "/guides/magnesium-deficiency/", "/search/?q=magnesium", "/tools/magnesium-calculator/", "/admin/login/"]


@pytest.mark.parametrize("path", PAGES)
def test_observatory_grade_is_a_plus_behind_tls(production, path, capsys):
    with override_settings(**production):
        scan = observe(path)
    score, letter, results = grade(scan)
    with capsys.disabled():
        print(f"\nObservatory {path}: {score} ({letter})")
    assert letter == "A+" and score >= 100, results
    assert all(MODIFIERS[r] >= 0 for r in results.values()), results
    assert scan.response.status_code == 200
    assert scan.http_route == [f"http://{HOST}{path}", f"https://{HOST}{path}"]


def test_home_page_score_and_each_result(production):
    with override_settings(**production):
        scan = observe("/")
    score, letter, results = grade(scan)
    # Only same-origin scripts, or none: nothing for SRI to protect, no penalty either way.
    assert results.pop("subresource-integrity") in (
        "sri-not-implemented-but-no-scripts-loaded",
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
    )
    assert results == {
        "content-security-policy": "csp-implemented-with-no-unsafe-default-src-none",
        "cookies": "cookies-not-found",  # readers get no cookies at all
        "cross-origin-resource-sharing": "cross-origin-resource-sharing-not-implemented",
        "redirection": "redirection-to-https",
        "referrer-policy": "referrer-policy-private",
        "strict-transport-security": "hsts-implemented-max-age-at-least-six-months",
        "x-content-type-options": "x-content-type-options-nosniff",
        "x-frame-options": "x-frame-options-implemented-via-csp",
        "cross-origin-resource-policy": "corp-implemented-with-same-origin",
    }
    assert (score, letter) == (130, "A+")
    hsts = dict(p.strip().partition("=")[::2] for p in scan.response["Strict-Transport-Security"].split(";"))
    assert int(hsts["max-age"]) >= 31_536_000 and "includeSubDomains" in hsts and "preload" in hsts


def test_editor_cookies_score_the_bonus(production, django_user_model):
    """After an editor logs in: every cookie Secure, __Host- prefixed, SameSite; the session HttpOnly."""
    django_user_model.objects.create_user("editor", password="editor-long-password", is_staff=True)
    with override_settings(**production):
        scan = observe("/admin/", login={"username": "editor", "password": "editor-long-password"})
    names = {c.key for c in scan.cookies}
    assert {"__Host-sessionid", "__Host-csrftoken"} <= names
    for cookie in scan.cookies:
        assert cookie.key.startswith("__Host-") and cookie["secure"] and cookie["path"] == "/"
        assert not cookie["domain"]
        assert cookie["samesite"] == "Lax"
    assert next(c for c in scan.cookies if c.key == "__Host-sessionid")["httponly"]
    score, letter, results = grade(scan)
    assert results["cookies"] == "cookies-secure-with-httponly-sessions-and-samesite"
    assert letter == "A+" and score == 135


def test_https_never_redirects_back_to_http(production):
    with override_settings(**production):
        client = Client()
        for path in ("/guides", "/guides/magnesium-deficiency", "/no-such-page/", "/admin/"):
            response = client.get(path, headers=HTTPS)
            location = response.get("Location", "")
            assert not location.startswith("http://"), (path, location)


def test_no_external_scripts_so_sri_is_not_needed(production):
    with override_settings(**production):
        scan = observe("/guides/magnesium-deficiency/")
    finder = ScriptFinder()
    finder.feed(scan.response.content.decode())
    sources = [s["src"] for s in finder.scripts if "src" in s]
    assert all(src.startswith("/static/") for src in sources), sources


def test_the_scorer_fails_a_bare_site():
    """The encoded rules are not a rubber stamp: a site with none of the headers gets an F."""
    from django.http import HttpResponse

    bare = HttpResponse("<p>hi</p>", content_type="text/html")
    leaky = HttpResponse("<script src='http://cdn.example.com/x.js'></script>", content_type="text/html")
    leaky["Content-Security-Policy"] = "default-src *; script-src 'self' 'unsafe-inline'"
    leaky["Access-Control-Allow-Origin"] = ORIGIN
    leaky["Access-Control-Allow-Credentials"] = "true"
    assert grade(Scan([f"http://{HOST}/"], bare, bare)) == (
        10,
        "F",
        {
            "content-security-policy": "csp-not-implemented",
            "cookies": "cookies-not-found",
            "cross-origin-resource-sharing": "cross-origin-resource-sharing-not-implemented",
            "redirection": "redirection-missing",
            "referrer-policy": "referrer-policy-not-implemented",
            "strict-transport-security": "hsts-not-implemented",
            "subresource-integrity": "sri-not-implemented-but-no-scripts-loaded",
            "x-content-type-options": "x-content-type-options-not-implemented",
            "x-frame-options": "x-frame-options-not-implemented",
            "cross-origin-resource-policy": "corp-not-implemented",
        },
    )
    score, letter, results = grade(Scan([f"http://{HOST}/", f"http://{HOST}/x"], leaky, leaky))
    assert results["content-security-policy"] == "csp-implemented-with-unsafe-inline"
    assert results["subresource-integrity"] == "sri-not-implemented-and-external-scripts-not-loaded-securely"
    assert results["cross-origin-resource-sharing"] == "cross-origin-resource-sharing-implemented-with-universal-access"
    assert results["redirection"] == "redirection-not-to-https"
    assert (score, letter) == (0, "F")
