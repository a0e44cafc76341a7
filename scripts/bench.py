"""make bench: throughput and latency of key pages, as ratios to a static file, measured in one run.

Starts gunicorn itself on 127.0.0.1 (2 workers each): one instance with the page cache, one
with it off (a guide's parts are still rendered once per content version) and one with every
cache off (DJANGO_FRAGMENT_CACHE=0: each request renders the whole page). It alternates time-bounded wrk runs over the pages, then prints req/s, p50 and p99 and
the ratio of each to the same guide's bytes served as a static file by whitenoise in the same
gunicorn (the Python ceiling), and each worker's resident memory.

    python scripts/bench.py [--duration 5] [--rounds 2]
    python scripts/bench.py --scale        # guide, topic, index, sitemap, search at 100 and 10,000 guides
"""

import argparse
import re
import shutil
import statistics
import sys
import time
import urllib.parse
import urllib.request

from _serve import ROOT, Server, log, manage, wrk

GUIDE = "/guides/magnesium-deficiency/"
SEARCH_QUERIES = [
    "magnesium",
    "low potassium",
    "leg cramps at night",
    "magnesuim oxide",
    "water pill",
    "hypokalaemia",
    "how much magnesium do i need",
    "epsom salt",
    "kidney disease",
    "calcium",
]


def latency(base, paths, repeat):
    """Sequential request latencies in ms (exact percentiles, unlike wrk's fixed ones)."""
    samples = []
    for _ in range(repeat):
        for path in paths:
            start = time.perf_counter()
            with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310 (127.0.0.1 only)
                response.read()
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {"p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1], "n": len(samples)}


def save_static_copy(env):
    """The guide's exact bytes as a static file (collected before gunicorn starts)."""
    server = Server(8391, {**env, "DJANGO_PAGE_CACHE": "0"}, workers=1)
    try:
        with urllib.request.urlopen(server.base + GUIDE) as response:  # noqa: S310 (127.0.0.1 only)
            body = response.read()
    finally:
        server.stop()
    folder = ROOT / "static" / "bench"
    folder.mkdir(exist_ok=True)
    (folder / "guide.html").write_bytes(body)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    shutil.rmtree(folder)
    return len(body)


def search_paths():
    return ["/search/?" + urllib.parse.urlencode({"q": q}) for q in SEARCH_QUERIES]


def table(rows, baseline):
    log(f"{'page':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x static':>9}")
    for name, r in rows.items():
        ratio = r["rps"] / baseline if baseline else 0
        log(f"{name:32} {r['rps']:9.0f} {r['p50']:8.2f} {r['p99']:8.2f} {r['errors']:7d} {ratio:9.2f}")


def bench(duration, rounds):
    env = {}
    size = save_static_copy(env)
    log(f"static copy of {GUIDE}: {size} bytes")
    cached = Server(8301, {"DJANGO_PAGE_CACHE": "1"})
    uncached = Server(8302, {"DJANGO_PAGE_CACHE": "0"})  # guide fragments still rendered once per version
    bare = Server(8303, {"DJANGO_PAGE_CACHE": "0", "DJANGO_FRAGMENT_CACHE": "0"})  # every request renders all
    manifest = (ROOT / "var" / "static" / "staticfiles.json").read_text()
    hashed = re.search(r'"bench/guide.html": "([^"]+)"', manifest)
    static_url = f"/static/{hashed.group(1) if hashed else 'bench/guide.html'}"
    targets = {
        "static guide file (ceiling)": cached.base + static_url,
        "guide, cached": cached.base + GUIDE,
        "guide, page cache off": uncached.base + GUIDE,
        "guide, no cache at all": bare.base + GUIDE,
        "home, cached": cached.base + "/",
        "topic hub, cached": cached.base + "/topics/deficiency/",
        "foods, cached": cached.base + "/foods/",
        "search, cached": cached.base + "/search/?q=magnesium",
        "search, cache off": uncached.base + "/search/?q=magnesium",
    }
    for url in targets.values():
        urllib.request.urlopen(url).read()  # noqa: S310  (warm up)
    results = {name: [] for name in targets}
    try:
        for _ in range(rounds):
            for name, url in targets.items():
                results[name].append(wrk(url, duration))
        merged = {
            n: {k: statistics.mean(r[k] for r in rs) if k != "errors" else sum(r[k] for r in rs) for k in rs[0]}
            for n, rs in results.items()
        }
        log(
            f"\nwrk: {rounds} alternating rounds of {duration}s per page, 2 threads, 16 connections; gunicorn 2 workers"
        )
        table(merged, merged["static guide file (ceiling)"]["rps"])
        base = merged["static guide file (ceiling)"]["rps"]
        log(
            f"\ntargets: cached guide >= 0.80x static: {merged['guide, cached']['rps'] / base:.2f}x; "
            f"uncached guide >= 0.15x static: page cache off {merged['guide, page cache off']['rps'] / base:.2f}x, "
            f"no cache at all {merged['guide, no cache at all']['rps'] / base:.2f}x"
        )
        log(f"search latency, sequential, cache off: {latency(uncached.base, search_paths(), 5)}")
        for label, server in (("cached", cached), ("page cache off", uncached), ("no cache", bare)):
            log(f"worker RSS MB ({label}): {[round(x, 1) for x in server.worker_rss_mb()]}")
    finally:
        cached.stop()
        uncached.stop()
        bare.stop()


def scale(duration):
    results = {}
    for total in (100, 10000):
        db = ROOT / "var" / f"bench-{total}.sqlite3"
        env = {"DATABASE_URL": f"sqlite:///{db}", "DJANGO_PAGE_CACHE": "0"}
        if not db.exists():
            log(f"building {db.name} ...")
            manage(env, "migrate", "--noinput")
            manage(env, "loadcontent")
            real = 22
            manage(env, "synthcontent", "--articles", str(total - real))
            if (ROOT / "guides" / "management" / "commands" / "rebuildsearch.py").exists():
                manage(env, "rebuildsearch")
        server = Server(8310, env)
        try:
            pages = {
                "guide": "/guides/magnesium-deficiency/",
                "topic hub (page 2)": "/topics/deficiency/?page=2" if total > 100 else "/topics/deficiency/",
                "guides index (page 2)": "/guides/?page=2" if total > 100 else "/guides/",
                "sitemap (guides part)": "/sitemap-guides.xml",
                "search": "/search/?q=magnesium",
            }
            rows = {name: wrk(server.base + path, duration) for name, path in pages.items()}
            rows["search p95 (sequential)"] = latency(server.base, search_paths(), 5)
            rows["rss"] = server.worker_rss_mb()
            results[total] = rows
        finally:
            server.stop()
    filled = fill_page_cache(ROOT / "var" / "bench-10000.sqlite3", 3000)
    log(f"\n{'page':28} {'100: req/s':>11} {'10k: req/s':>11} {'10k/100':>8} {'p99 100':>8} {'p99 10k':>8}")
    for name in results[100]:
        if name in ("rss", "search p95 (sequential)"):
            continue
        a, b = results[100][name], results[10000][name]
        log(f"{name:28} {a['rps']:11.0f} {b['rps']:11.0f} {b['rps'] / a['rps']:8.2f} {a['p99']:8.2f} {b['p99']:8.2f}")
    s100, s10k = results[100]["search p95 (sequential)"], results[10000]["search p95 (sequential)"]
    log(f"search p95 ms: 100 guides {s100['p95']:.1f}, 10,000 guides {s10k['p95']:.1f} (target < 50)")
    log(f"worker RSS MB at 10,000 guides: {[round(x, 1) for x in results[10000]['rss']]} (target <= 150)")
    log(f"worker RSS MB after 3,000 different guides through the page cache: {filled} (target <= 150)")


def fill_page_cache(db, count):
    """Worker memory once the page cache is full: ``count`` different guides, each stored once."""
    server = Server(8311, {"DATABASE_URL": f"sqlite:///{db}", "DJANGO_PAGE_CACHE": "1"})
    try:
        for n in range(1, count + 1):
            with urllib.request.urlopen(f"{server.base}/guides/synth-{n:05d}/") as response:  # noqa: S310
                response.read()
        return [round(x, 1) for x in server.worker_rss_mb()]
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--scale", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    if args.scale:
        scale(args.duration)
    else:
        bench(args.duration, args.rounds)


if __name__ == "__main__":
    main()
