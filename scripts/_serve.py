"""Helpers shared by scripts/bench.py, scripts/loadtest.py and the tests that need a real server.

``Server`` starts gunicorn on 127.0.0.1 with the project's gunicorn config and
waits until ``/healthz`` answers; ``wrk`` runs wrk and parses its summary.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def log(message):
    print(message, flush=True)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, timeout=60, proc=None):
    """Wait until ``url`` answers 200; fail early if ``proc`` (the server) exits."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # 127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not start: {url}")


class Server:
    """A gunicorn instance on 127.0.0.1.

    ``env`` is added to this process's environment. ``error_log`` is a file
    path for gunicorn's error log and the site's JSON log lines (stderr);
    without it they are discarded.
    """

    def __init__(self, port, env, workers=2, error_log=None):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.error_log = Path(error_log) if error_log else None
        full_env = {**os.environ, **env}
        stderr = open(self.error_log, "wb") if self.error_log else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.proc = subprocess.Popen(
                [
                    str(Path(PY).parent / "gunicorn"),
                    "config.wsgi:application",
                    "-c",
                    "config/gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    "/dev/null",
                    "--error-logfile",
                    "-",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=full_env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        finally:
            if self.error_log:
                stderr.close()
        try:
            wait_for(self.base + "/healthz", proc=self.proc)
        except RuntimeError:
            self.stop()
            raise

    def worker_rss_mb(self):
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        pids = children.read_text().split() if children.exists() else []
        sizes = []
        for pid in pids:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return sizes

    def log_text(self):
        return self.error_log.read_text(errors="replace") if self.error_log and self.error_log.exists() else ""

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


def run_wrk(url, duration, connections=16, threads=2, script=None, timeout="2s"):
    """Run wrk against ``url`` and return its text output."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", timeout]
    if script:
        command += ["-s", str(script)]
    return subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout


def parse_wrk(out):
    """req/s, p50 and p99 in ms, total requests and errors from wrk's output.

    Errors are non-2xx/3xx responses plus socket errors (connect, read, write, timeout).
    """
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = int(non2xx.group(1)) if non2xx else 0
    socket_errors = sum(map(int, sockets.groups())) if sockets else 0
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": parse_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": parse_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non2xx": non2xx,
        "socket_errors": socket_errors,
        "errors": non2xx + socket_errors,
    }


def wrk(url, duration, connections=16, **options):
    """Run wrk and parse its summary (see ``parse_wrk``)."""
    return parse_wrk(run_wrk(url, duration, connections, **options))


def parse_ms(text):
    """wrk's "1.23ms", "456.00us", "2.01s" as milliseconds."""
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def manage(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
