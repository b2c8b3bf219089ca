"""kill -9 during a fetch: the database stays consistent and read/starred state shown as saved stays."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from pytest_httpserver import HTTPServer
from werkzeug import Response

from veille_tui.core.store import Store


def feed(n: int) -> str:
    items = "".join(
        f"<item><title>Feed {n} story {k}</title><link>https://news.example.org/{n}/{k}</link><guid>{n}-{k}</guid>"
        f"<description>Body of story {k} of feed {n}, with enough words to index.</description></item>"
        for k in range(40)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'


def test_kill_9_during_fetch_leaves_a_consistent_database(tmp_path, httpserver: HTTPServer):
    slow_down = {"on": True}

    def slow(request):
        n = int(request.path.strip("/").split(".")[0])
        if n >= 30 and slow_down["on"]:
            time.sleep(1.0)  # the last feeds are still downloading when the process dies
        return Response(feed(n), content_type="application/rss+xml")

    for n in range(40):
        httpserver.expect_request(f"/{n}.xml").respond_with_handler(slow)
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "".join(f'[[feeds]]\nurl = "{httpserver.url_for(f"/{n}.xml")}"\ntitle = "Feed {n}"\n' for n in range(40))
    )
    db_path = tmp_path / "data" / "veille.db"

    # a first fetch of the quick feeds, then state the user saw saved
    subprocess.run(
        [sys.executable, "-m", "veille_tui", "fetch", "Feed 1"], check=False, capture_output=True, timeout=120
    )
    store = Store(db_path)
    first = store.entries("is:unread", limit=3)
    assert first
    store.set_read(first[0].id)
    store.set_starred(first[1].id)
    store.close()

    proc = subprocess.Popen(
        [sys.executable, "-m", "veille_tui", "fetch"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    stored = 0
    while time.time() < deadline and stored < 20 * 40:  # wait until some, not all, feeds are in
        time.sleep(0.1)
        try:
            with sqlite3.connect(db_path, timeout=5) as db:
                stored = db.execute("SELECT count(*) FROM items").fetchone()[0]
        except sqlite3.OperationalError:
            pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    db = sqlite3.connect(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("INSERT INTO entries_fts(entries_fts) VALUES('integrity-check')") is not None
    # every item belongs to an entry, every entry of kind item has its items, each feed all or nothing
    assert db.execute("SELECT count(*) FROM items WHERE entry_id NOT IN (SELECT id FROM entries)").fetchone()[0] == 0
    assert (
        db.execute(
            "SELECT count(*) FROM entries e WHERE kind = 'item' AND NOT EXISTS (SELECT 1 FROM items i WHERE i.entry_id = e.id)"
        ).fetchone()[0]
        == 0
    )
    per_feed = {n for (n,) in db.execute("SELECT count(*) FROM items GROUP BY feed_id")}
    assert per_feed <= {40}
    assert 0 < db.execute("SELECT count(*) FROM items").fetchone()[0] < 40 * 40  # killed mid-fetch
    db.close()
    store = Store(db_path)
    assert store.entry(first[0].id).read and store.entry(first[1].id).starred
    # and a new fetch completes the rest
    slow_down["on"] = False
    result = subprocess.run([sys.executable, "-m", "veille_tui", "fetch"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert store.count("is:item") == 40 * 40
