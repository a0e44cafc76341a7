"""make loadtest: 60 s of wrk at 64 connections against a mix of pages on 127.0.0.1.

Starts gunicorn (``scripts/_serve.Server``) on a free port with this
environment's settings (``make loadtest`` runs ``make setup`` first: database
migrated, content loaded, static files collected), checks that every page of
the mix answers 200, then runs wrk with ``scripts/mix.lua``, which cycles each
connection through home, the guide index, a guide, a topic, foods, search and
the three tools. Prints total requests, errors (non-2xx/3xx responses plus
socket errors, and any error in the server's log), latency percentiles and the
count of each status. Exits 1 if there was any error.

    python scripts/loadtest.py [--duration 60] [--connections 64] [--threads 2] [--workers N]
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

from _serve import ROOT, Server, free_port, log, parse_wrk, run_wrk

MIX = ROOT / "scripts" / "mix.lua"
SERVER_ERRORS = re.compile(r'"level": "(ERROR|CRITICAL)"|Traceback|WORKER TIMEOUT|\[CRITICAL\]|\[ERROR\]')


def mix_paths():
    """The page paths listed in mix.lua's ``paths`` table."""
    table = re.search(r"local paths = \{(.*?)\n\}", MIX.read_text(), re.S).group(1)
    return re.findall(r'"(/[^"]*)"', table)


def check_pages(base, paths):
    """Every page of the mix must answer 200 before the load starts (a 404 would count as an error)."""
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=30) as response:  # 127.0.0.1 only
            if response.status != 200:
                sys.exit(f"{path} answered {response.status}; fix the mix or the site before a load test")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--connections", type=int, default=64, help="open connections (default 64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers (default 2 x CPUs + 1)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")

    paths = mix_paths()
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(free_port(), {}, workers=args.workers, error_log=Path(tmp) / "server.log")
        try:
            check_pages(server.base, paths)
            log(
                f"wrk: {args.duration} s, {args.connections} connections, {args.threads} threads, "
                f"{len(paths)} pages in the mix; gunicorn {args.workers} sync workers on {server.base}"
            )
            out = run_wrk(
                server.base,
                args.duration,
                connections=args.connections,
                threads=args.threads,
                script=MIX,
                timeout="10s",
            )
        finally:
            server.stop()
        server_errors = [line for line in server.log_text().splitlines() if SERVER_ERRORS.search(line)]

    result = parse_wrk(out)
    statuses = re.search(r"status counts: (.*)", out)
    errors = result["errors"] + len(server_errors)
    log(out.rstrip())
    log("")
    log(f"requests: {result['requests']}  ({result['rps']:.0f}/s)")
    log(
        f"errors:   {errors}  (non-2xx/3xx {result['non2xx']}, socket {result['socket_errors']}, "
        f"server log {len(server_errors)})"
    )
    log(f"latency:  p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms")
    log(f"statuses: {statuses.group(1) if statuses else 'unknown'}")
    for line in server_errors[:20]:
        log(f"server: {line}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
