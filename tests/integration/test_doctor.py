"""`veille-tui doctor [--repair] [--json]`, run as a user runs it: a separate process, a real
database file, a real archive, a local feed server (issue 13)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from tests.conftest import EXAMPLES
from tests.integration.test_sync_bad_server import served_item

from veille_tui.core.paths import data_dir, database_file
from veille_tui.core.update import open_store

HEALTHY_ENV = {"TERM": "xterm-256color", "TMUX": "", "COLORTERM": ""}
CHECKS = ["config", "database", "schema", "archive", "feeds", "intel", "backups", "terminal", "clipboard"]


def run(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "veille_tui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **HEALTHY_ENV, **(env or {})},
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stdout}{result.stderr}")
    return result


def doctor(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    result = run("--archive", str(EXAMPLES), "doctor", "--json", *args, env=env, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["checks"]}


def truncate(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


@pytest.fixture
def indexed():
    run("--archive", str(EXAMPLES), "index")
    return database_file()


def test_healthy(indexed) -> None:
    code, report = doctor()
    assert code == 0 and report["ok"] is True and report["repair"] is None
    checks = by_name(report)
    assert list(checks) == CHECKS
    assert all(c["ok"] for c in checks.values())
    assert checks["database"]["detail"] == f"{indexed}: quick_check ok, 24 entries"
    assert checks["schema"]["detail"].endswith("(current)")
    assert "read as jekyll" in checks["archive"]["detail"]
    plain = run("--archive", str(EXAMPLES), "doctor", check=False)
    assert plain.returncode == 0 and plain.stdout.splitlines()[-1] == "9 of 9 checks hold"


def test_truncated_database_is_found_and_repaired(indexed) -> None:
    # state worth keeping, and its daily backup written by the first command of the day
    run("--archive", str(EXAMPLES), "list", "--limit", "1")
    listed = json.loads(run("--archive", str(EXAMPLES), "list", "--json", "--limit", "3").stdout)

    with open_store(indexed) as store:
        store.set_starred(listed[0]["id"])
        store.set_read(listed[1]["id"], False)
    for old in data_dir().glob("state-*.json"):
        old.unlink()
    run("--archive", str(EXAMPLES), "tags")  # the day's first command (again): the backup
    (backup_file,) = data_dir().glob("state-*.json")
    assert backup_file.name == f"state-{date.today().isoformat()}.json"

    truncate(indexed)
    code, report = doctor()
    assert code == 1 and report["ok"] is False
    database = by_name(report)["database"]
    assert database["ok"] is False and "damaged" in database["detail"]
    assert database["fix"].startswith("veille-tui doctor --repair")
    plain = run("--archive", str(EXAMPLES), "doctor", check=False)
    assert (
        plain.returncode == 1 and "FAIL  database" in plain.stdout and "fix: veille-tui doctor --repair" in plain.stdout
    )

    repaired = run("--archive", str(EXAMPLES), "doctor", "--repair", check=False)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "the damaged database was moved to" in repaired.stderr
    assert "24 posts indexed" in repaired.stderr
    assert f"2 read/starred states restored from {backup_file}" in repaired.stderr
    assert "the feed items come back with the next `veille-tui fetch`" in repaired.stderr
    assert repaired.stdout.splitlines()[-1] == "9 of 9 checks hold"
    aside = [p.name for p in data_dir().iterdir() if ".damaged-" in p.name]
    assert any(name.startswith("veille.db.damaged-") and name[-15:].replace("-", "").isdigit() for name in aside)
    starred = json.loads(run("--archive", str(EXAMPLES), "list", "is:starred", "--json").stdout)
    unread = json.loads(run("--archive", str(EXAMPLES), "list", "is:unread", "--json").stdout)
    assert [e["title"] for e in starred] == [listed[0]["title"]]
    assert [e["title"] for e in unread] == [listed[1]["title"]]
    # a second repair has nothing to do
    again = run("--archive", str(EXAMPLES), "doctor", "--repair", check=False)
    assert again.returncode == 0 and "nothing to repair" in again.stderr


def test_repair_restores_item_state_when_the_items_come_back(tmp_path, httpserver: HTTPServer) -> None:
    items = "".join(
        f"<item><title>Story {n}</title><link>https://news.example.org/{n}</link><guid>s{n}</guid></item>"
        for n in range(5)
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    config = Path(os.environ["VEILLE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[[feeds]]\nurl = "{httpserver.url_for("/feed.xml")}"\ntitle = "Local"\n')
    run("fetch")
    stories = {e["title"]: e["id"] for e in json.loads(run("list", "--json").stdout)}

    with open_store(database_file()) as store:
        store.set_read(stories["Story 1"])
        store.set_starred(stories["Story 3"])
    for old in data_dir().glob("state-*.json"):
        old.unlink()
    run("tags")
    truncate(database_file())
    repaired = run("doctor", "--repair", check=False)
    assert "2 more wait for their feed items" in repaired.stderr, repaired.stderr
    run("fetch")
    after = {e["title"]: e for e in json.loads(run("list", "--json").stdout)}
    assert after["Story 1"]["read"] and after["Story 3"]["starred"]
    assert not after["Story 2"]["read"] and not after["Story 2"]["starred"]
    with open_store(database_file()) as store:
        assert store.pending_state() == []


def test_a_bad_config_is_the_first_finding(tmp_path) -> None:
    config = Path(os.environ["VEILLE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[fetch]\ntimeout = 'soon'\n")
    code, report = doctor()
    checks = by_name(report)
    assert code == 1 and checks["config"]["ok"] is False
    assert "[fetch] timeout must be a positive float" in checks["config"]["detail"]
    assert checks["archive"]["ok"] is True  # the rest is checked all the same


def test_feeds_failing_for_a_day(indexed) -> None:
    db = sqlite3.connect(indexed)
    now = time.time()
    db.execute(
        "INSERT INTO feeds (url, config_url, title, last_fetch, last_ok, last_error, active)"
        " VALUES ('https://dead.example/rss', 'https://dead.example/rss', 'Dead feed', ?, ?, 'HTTP 404 Not Found', 1)",
        (now, now - 3 * 86400),
    )
    db.execute(
        "INSERT INTO feeds (url, config_url, title, last_fetch, last_ok, last_error, active)"
        " VALUES ('https://flaky.example/rss', 'https://flaky.example/rss', 'Flaky', ?, ?, 'timed out', 1)",
        (now, now - 3600),
    )
    db.commit()
    db.close()
    code, report = doctor()
    feeds = by_name(report)["feeds"]
    assert code == 1 and feeds["ok"] is False
    assert feeds["detail"] == "1 failing for a day or more: Dead feed (HTTP 404 Not Found)"


def test_newer_schema(indexed) -> None:
    db = sqlite3.connect(indexed)
    db.execute("PRAGMA user_version = 99")
    db.close()
    code, report = doctor()
    assert code == 1 and by_name(report)["schema"]["ok"] is False


def test_terminal_and_tmux_clipboard(indexed, tmp_path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    tmux = fake / "tmux"
    tmux.write_text("#!/bin/sh\necho off\n")
    tmux.chmod(tmux.stat().st_mode | stat.S_IEXEC)
    env = {"TMUX": "/tmp/tmux-0/default,1,0", "PATH": f"{fake}:{os.environ['PATH']}", "TERM": "dumb"}
    code, report = doctor(env=env)
    checks = by_name(report)
    assert code == 1
    assert checks["clipboard"]["ok"] is False and "set-clipboard on" in checks["clipboard"]["fix"]
    assert checks["terminal"]["ok"] is False
    tmux.write_text("#!/bin/sh\necho external\n")
    code, report = doctor(env={**env, "TERM": "xterm"})
    checks = by_name(report)
    assert code == 0 and "16 colours" in checks["terminal"]["detail"]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="no tmux here")
def test_clipboard_with_the_real_tmux(indexed, tmp_path) -> None:
    socket = tmp_path / "tmux.sock"
    subprocess.run(["tmux", "-S", str(socket), "new-session", "-d", "-s", "doc", "sleep 30"], check=True)
    try:
        subprocess.run(["tmux", "-S", str(socket), "set", "-g", "set-clipboard", "off"], check=True)
        code, report = doctor(env={"TMUX": f"{socket},1,0"})
        # `tmux show-options` finds the server through $TMUX
        assert by_name(report)["clipboard"]["ok"] is False
        assert code == 1
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], check=False)


API = "/api/greader.php"


def sync_config(url: str, tmp_path: Path) -> None:
    (tmp_path / "pw").write_text("api-secret\n")
    (tmp_path / "pw").chmod(0o600)  # a password_file others can read is refused
    config = Path(os.environ["VEILLE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'feeds = []\n[sync]\nurl = "{url}"\nuser = "analyst"\npassword_file = "{tmp_path / "pw"}"\n')


@pytest.fixture
def own_server() -> Iterator[HTTPServer]:
    """A server of this test's own: it is stopped halfway (the server gone), which the shared
    `httpserver` of the worker's session must never be (every later test of the worker would fail)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield server
    finally:
        if server.is_running():
            server.stop()


def test_the_team_server_and_its_queue_are_checked(indexed, tmp_path, own_server: HTTPServer) -> None:
    httpserver = own_server
    httpserver.expect_request(f"{API}/accounts/ClientLogin", method="POST").respond_with_data(
        "SID=a/1\nLSID=null\nAuth=a/1\n"
    )
    sync_config(httpserver.url_for(API), tmp_path)
    code, report = doctor()
    checks = by_name(report)
    assert list(checks) == [*CHECKS[:6], "sync server", "sync queue", *CHECKS[6:]]
    assert (
        code == 0 and checks["sync server"]["ok"] and "login of 'analyst' accepted" in checks["sync server"]["detail"]
    )
    assert checks["sync queue"]["detail"] == "no change waiting; no sync has gone through yet"
    # the server gone, a change made two days ago still waiting, the last good sync three days old
    with open_store(indexed) as store:
        served_item(store)  # an item the server sent, read here since
        (entry_id,) = store.entry_ids("is:item")
        store.set_read(entry_id, True)
        store.db.execute("UPDATE outbox SET changed = ?", (time.time() - 2 * 86400,))
        store.set_sync_meta(last_ok=str(time.time() - 3 * 86400), last_error="connection refused")
    httpserver.stop()
    code, report = doctor()
    checks = by_name(report)
    assert code == 1 and not checks["sync server"]["ok"] and not checks["sync queue"]["ok"]
    assert httpserver.url_for(API).split("/api")[0] in checks["sync server"]["detail"]
    queue = checks["sync queue"]["detail"]
    assert queue.startswith("1 change(s) waiting since 2 days; last good sync 3 days ago")
    assert "the last one failed: connection refused" in queue and checks["sync queue"]["fix"] == "veille-tui sync"
    plain = run("--archive", str(EXAMPLES), "doctor", check=False).stdout
    assert plain.splitlines()[-1] == "9 of 11 checks hold, 2 failed"
