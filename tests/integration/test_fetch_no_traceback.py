"""Issue 16: no Python traceback at the end of `veille-tui fetch`, whatever the feeds answer.

The parser process pool used to be left running (shutdown(wait=False)) when fetch returned, and
the interpreter's exit hook for concurrent.futures then raced the pool's manager thread on the
pool's wake-up pipe: "OSError: [Errno 9] Bad file descriptor" from multiprocessing/connection.py,
in about one run in a few hundred here. Each case runs `python -m veille_tui fetch` as a real
process RUNS times (200, or VEILLE_TUI_RACE_RUNS, behind the `stress` marker; 24 in the default run) against tiny feeds on loopback, a few processes
at a time, and looks for a traceback in every stderr.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

RUNS = int(os.environ.get("VEILLE_TUI_RACE_RUNS", "200"))  # the stress run (`pytest -m stress`)
QUICK_RUNS = 24  # the default run: the same cases, fewer times


@pytest.fixture(
    params=[pytest.param(QUICK_RUNS, id="quick"), pytest.param(RUNS, id="stress", marks=pytest.mark.stress)]
)
def runs(request: pytest.FixtureRequest) -> int:
    """How many fetches a case runs: a few in the default run, RUNS behind the `stress` marker."""
    return int(request.param)


PARALLEL = max(2, min(4, (os.cpu_count() or 2) + 1))  # processes at a time


def rss(name: str, items: int = 5) -> bytes:
    body = "".join(
        f"<item><title>{name} story {n}</title><link>https://news.example.org/{name}/{n}</link>"
        f"<guid>{name}-{n}</guid><pubDate>Mon, 02 Nov 2026 10:00:0{n} GMT</pubDate></item>"
        for n in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{body}</channel></rss>'.encode()


FEEDS = {name: rss(name) for name in ("alpha", "beta", "gamma")}


class Handler(BaseHTTPRequestHandler):
    """/plain/NAME.xml: 200 without validators (parsed every time); /etag/NAME.xml: 304 to
    If-None-Match; /500/...: HTTP 500; /stall/...: never answers (until the server stops)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        _, kind, name = self.path.split("/", 2)
        body = FEEDS.get(name.removesuffix(".xml"))
        if kind == "stall":
            assert isinstance(self.server, StoppableServer)
            self.server.stop.wait(60)
            return
        if kind == "500" or body is None:
            self.answer(500, b"internal error")
        elif kind == "etag":
            etag = f'"{name}-v1"'
            if self.headers.get("If-None-Match") == etag:
                self.answer(304, ETag=etag)
            else:
                self.answer(200, body, Content_Type="application/rss+xml", ETag=etag)
        else:
            self.answer(200, body, Content_Type="application/rss+xml")


class StoppableServer(ThreadingHTTPServer):
    """Its stalled answers wait on `stop`, set when the module's tests are done."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.stop = threading.Event()


@pytest.fixture(scope="module")
def base_url():
    server = StoppableServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.stop.set()
    server.shutdown()
    server.server_close()


def refused_url() -> str:
    """A loopback port with nobody listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


def make_home(folder: Path, urls: list[str], timeout: float | None = None) -> dict[str, str]:
    folder.mkdir(parents=True)
    settings = f"[fetch]\ntimeout = {timeout}\n\n" if timeout else ""
    feeds = "".join(f'[[feeds]]\nurl = "{u}"\n\n' for u in urls)
    (folder / "config.toml").write_text(settings + feeds, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEILLE_TUI_")}
    return {**env, "VEILLE_TUI_CONFIG": str(folder / "config.toml"), "VEILLE_TUI_DATA_DIR": str(folder / "data")}


def fetch(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veille_tui", "fetch", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def run_many(tmp_path: Path, urls: list[str], runs: int, prime: bool = False) -> list[subprocess.CompletedProcess[str]]:
    """`runs` fetches, PARALLEL at a time, each slot with its own data folder."""
    homes = [make_home(tmp_path / f"slot{n}", urls) for n in range(PARALLEL)]
    if prime:  # a first fetch stores the ETags: the runs that count are then all 304
        for env in homes:
            first = fetch(env)
            assert first.returncode == 0, first.stderr
    results: list[subprocess.CompletedProcess[str]] = []

    def slot(n: int) -> None:
        for _ in range(n, runs, PARALLEL):
            results.append(fetch(homes[n]))

    started = time.monotonic()
    with ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(slot, range(PARALLEL)))
    print(f"{runs} fetches in {time.monotonic() - started:.1f} s ({PARALLEL} at a time)")
    assert len(results) == runs
    return results


def assert_clean(results: list[subprocess.CompletedProcess[str]], code: int) -> None:
    dirty = [r for r in results if "Traceback" in r.stderr or "Exception ignored" in r.stderr]
    assert not dirty, f"{len(dirty)} of {len(results)} runs printed a traceback; the first:\n{dirty[0].stderr}"
    codes = sorted({r.returncode for r in results})
    assert codes == [code], (codes, next(r.stderr for r in results if r.returncode != code))


def test_one_failing_feed_two_parsed(tmp_path, base_url, runs) -> None:
    """The issue's case: two good feeds parsed in the process pool (three feeds start it), one 500."""
    urls = [f"{base_url}/plain/alpha.xml", f"{base_url}/plain/beta.xml", f"{base_url}/500/gone.xml"]
    results = run_many(tmp_path, urls, runs)
    assert_clean(results, 1)
    for r in results:
        assert "HTTP 500" in r.stderr and "1 failed" in r.stderr
        assert r.stdout.count("ok ") == 2 and "5 items" in r.stdout


def test_all_unchanged(tmp_path, base_url, runs) -> None:
    """Every feed answers 304: nothing to parse, the pool never starts."""
    results = run_many(tmp_path, [f"{base_url}/etag/{name}.xml" for name in FEEDS], runs, prime=True)
    assert_clean(results, 0)
    assert all("3 unchanged" in r.stderr and "0 fetched" in r.stderr for r in results)


def test_all_failed(tmp_path, base_url, runs) -> None:
    """Two 500s and a refused connection."""
    results = run_many(tmp_path, [f"{base_url}/500/a.xml", f"{base_url}/500/b.xml", refused_url()], runs)
    assert_clean(results, 1)
    assert all("3 failed" in r.stderr and "connection failed" in r.stderr for r in results)


@pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT")
def test_ctrl_c_during_fetch(tmp_path, base_url):
    """Ctrl-C while the pool has parsed two feeds and a third stalls: one line, exit 130. The
    terminal sends SIGINT to the whole process group, parser processes included."""
    urls = [f"{base_url}/plain/alpha.xml", f"{base_url}/plain/beta.xml", f"{base_url}/stall/gamma.xml"]
    # the stalled feed must still be waiting when the two others are parsed, however busy the machine
    env = {**make_home(tmp_path / "home", urls, timeout=600), "PYTHONFAULTHANDLER": "1"}
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "veille_tui", "fetch"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )
        try:
            assert proc.stdout is not None
            seen = [proc.stdout.readline(), proc.stdout.readline()]  # the two parsed feeds
            assert all(line.startswith("ok ") for line in seen), seen
            os.killpg(proc.pid, signal.SIGINT)
            try:
                out, err = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:  # what is left, and where it is stuck (faulthandler)
                left = subprocess.run(
                    ["ps", "-o", "pid,ppid,stat,etime,args", "-s", str(proc.pid)], capture_output=True, text=True
                ).stdout
                alive = proc.poll() is None
                if alive:
                    os.kill(proc.pid, signal.SIGABRT)
                    time.sleep(1)  # the stacks written
                os.killpg(proc.pid, signal.SIGKILL)
                out, err = proc.communicate(timeout=30)
                raise AssertionError(
                    f"60 s after Ctrl-C: fetch {'still running' if alive else f'ended {proc.returncode}'};"
                    f" left in its session:\n{left}\n{err}"
                ) from None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        assert proc.returncode == 130, err
        assert err.strip() == "veille-tui: interrupted", err
