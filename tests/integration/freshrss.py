"""A real FreshRSS (../shared/servers/freshrss-up.sh) for the sync tests and the bench, feeds of our
own served on loopback for it to fetch, and machines (a config and a data folder each) that run
`veille-tui` as a subprocess. Skips (exit 2 of the script) when PHP cannot be had."""

from __future__ import annotations

import functools
import http.server
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veille_tui.core.sync.client import GReaderClient

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ROOT.parent / "shared" / "servers"
UP = SERVERS / "freshrss-up.sh"


class Unavailable(Exception):
    """FreshRSS cannot run here (no PHP): the tests skip."""


@dataclass
class FreshRSS:
    state: Path
    api: str
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def password(self) -> str:
        return (self.state / "api_password").read_text().strip()

    def client(self) -> GReaderClient:
        client = GReaderClient(self.api, "analyst", self.password)
        client.login()
        return client

    def pid(self) -> int:
        return self.proc.pid if self.proc else int((self.state / "pid").read_text())

    def stop(self) -> None:
        """The server killed (a server down, a network gone)."""
        pid = self.pid()
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.proc is not None:
            self.proc.wait(timeout=10)
        else:
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        _wait_port(self.port, up=False)

    def start(self) -> None:
        """Back on the same port with the same data (freshrss-up.sh would install afresh)."""
        self.proc = subprocess.Popen(
            ["php", "-S", f"127.0.0.1:{self.port}", "-t", str(self.state / "app" / "p")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_port(self.port, up=True)

    def actualize(self) -> None:
        """The server fetches its feeds now (their last update and its download cache forgotten
        first: the CLI skips a feed fetched within its TTL, SimplePie serves its cache; exit 1 when one failed, such as its built-in GitHub feed on a
        host without egress, so the exit status is not looked at)."""
        db = sqlite3.connect(self.state / "app" / "data" / "users" / "analyst" / "db.sqlite", timeout=30)
        try:
            with db:
                db.execute('UPDATE feed SET "lastUpdate" = 0')
        finally:
            db.close()
        for cached in (self.state / "app" / "data" / "cache").glob("*.spc"):
            cached.unlink()
        done = subprocess.run(
            ["php", str(self.state / "app" / "cli" / "actualize-user.php"), "--user", "analyst"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if "actualized" not in done.stdout:
            raise RuntimeError(f"actualize-user.php: {done.stdout}{done.stderr}")


def start_freshrss(state: Path) -> FreshRSS:
    if not UP.exists():
        raise Unavailable(f"{UP} is not here")
    done = subprocess.run(["bash", str(UP), str(state)], capture_output=True, text=True, timeout=900)
    if done.returncode == 2:
        raise Unavailable(done.stderr.strip() or "freshrss-up.sh: exit 2")
    if done.returncode != 0:
        raise RuntimeError(f"freshrss-up.sh failed ({done.returncode}): {done.stderr}")
    os.chmod(state / "api_password", 0o600)  # a password_file others can read is refused
    port = int((state / "port").read_text())
    _wait_port(port, up=True)
    return FreshRSS(state, (state / "api").read_text().strip(), port)


def _wait_port(port: int, up: bool, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            is_up = s.connect_ex(("127.0.0.1", port)) == 0
        if is_up == up:
            return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} did not go {'up' if up else 'down'}")


class FeedServer:
    """Feed files of our own in a folder, served on 127.0.0.1 (threads, HTTP/1.1)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}.xml"

    def write_feed(self, name: str, count: int, start: int = 0) -> str:
        """An RSS feed `name` of `count` items (numbered from `start`), links unique to it."""
        now = time.time()
        items = "".join(
            f"<item><title>{name} story {n}</title><link>https://news.example.org/{name}/{n}</link>"
            f"<guid>{name}-{n}</guid><pubDate>{_rfc822(now - n * 60)}</pubDate>"
            f"<description>&lt;p&gt;Story {n} of {name} about CVE-2026-{40000 + n}.&lt;/p&gt;</description></item>"
            for n in range(start, start + count)
        )
        (self.folder / f"{name}.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
            f"<link>https://news.example.org/{name}</link>{items}</channel></rss>",
            encoding="utf-8",
        )
        return self.url(name)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass


def _rfc822(ts: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(ts))


@dataclass
class Machine:
    """One analyst's machine: a config naming the server, a data folder."""

    home: Path
    api: str
    password_file: Path

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            f'feeds = []\n[sync]\nurl = "{self.api}"\nuser = "analyst"\npassword_file = "{self.password_file}"\n',
            encoding="utf-8",
        )

    @property
    def config(self) -> Path:
        return self.home / "config.toml"

    @property
    def db(self) -> Path:
        return self.home / "data" / "veille.db"

    def env(self) -> dict[str, str]:
        return {**os.environ, "VEILLE_TUI_DATA_DIR": str(self.home / "data"), "VEILLE_TUI_INTEL": "off"}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "veille_tui", "--config", str(self.config), *args]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(self.command(*args), capture_output=True, text=True, env=self.env(), timeout=300)
        if check and done.returncode != 0:
            raise AssertionError(f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def sync(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.run("sync", "--json").stdout)
        return data

    def entries(self, query: str = "") -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(self.run("list", "--json", "--limit", "0", query).stdout)
        return found
