"""kill -9 during a fetch, again and again (issue 13): after every kill the database passes
`PRAGMA integrity_check` and the FTS check, each feed's fetch is all or nothing, and every
read/starred change that was acknowledged as saved (by another connection writing all along, as
the TUI does while cron fetches) is there.

KILL_TRIALS trials behind the `stress` marker (VEILLE_KILL_TRIALS overrides, default 50), 12 in the
default run, each a real `veille-tui fetch`
process against a small slow local server, killed at a random moment (starting up, downloading,
parsing, writing, finishing); every tenth fetch is left to finish and must exit 0.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from veille_tui.core.paths import database_file
from veille_tui.core.update import open_store

FEEDS = 24
WINDOW = 8  # items a feed serves; each trial moves the window on by NEW
NEW = 2
KILL_TRIALS = int(os.environ.get("VEILLE_KILL_TRIALS", "50"))  # the stress run (`pytest -m stress`)
QUICK_TRIALS = 12  # the default run


class Feeds:
    """The feeds of trial `trial`: feed n serves items n-(NEW*trial) ... n-(NEW*trial + WINDOW - 1).
    Counts the requests it answered in this trial, so a kill can wait for the downloads to start."""

    def __init__(self) -> None:
        self.trial = 0
        self.rng = random.Random(13)
        self.answered = 0
        self.lock = threading.Lock()
        self.gate = threading.Event()  # cleared: requests wait (a kill before anything is downloaded)
        self.gate.set()

    def start(self, trial: int) -> None:
        with self.lock:
            self.trial, self.answered = trial, 0

    def handler(self, request: Request) -> Response:
        with self.lock:
            self.answered += 1
        self.gate.wait(timeout=60)
        n = int(request.path.strip("/").split(".")[0])
        time.sleep(self.rng.uniform(0, 0.025))  # one request at a time: a fetch takes ~0.9 s
        first = NEW * self.trial
        items = "".join(
            f"<item><title>Feed {n} story {k}</title><link>https://news.example.org/{n}/{k}</link><guid>{n}-{k}</guid>"
            f"<description>Story {k} of feed {n}, with enough words to index it.</description></item>"
            for k in range(first, first + WINDOW)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>{items}</channel></rss>'
        return Response(body, content_type="application/rss+xml")


def newest(n: int, trial: int) -> list[str]:
    """The guids feed n serves for the first time in this trial."""
    first = NEW * trial
    return [f"{n}-{k}" for k in range(first + WINDOW - NEW, first + WINDOW)]


class StateWriter(threading.Thread):
    """Another connection (the TUI) marking entries read/starred all along; remembers what was
    acknowledged (the statement returned: committed)."""

    def __init__(self, path: Path, ids: list[int], saved: dict[int, tuple[bool, bool]], seed: int) -> None:
        super().__init__(daemon=True)
        self.path, self.ids, self.saved = path, ids, saved
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.writes = 0

    def run(self) -> None:
        store = open_store(self.path)
        try:
            while not self.stop.is_set():
                entry_id = self.rng.choice(self.ids)
                read, starred = self.saved.get(entry_id, (False, False))
                if self.rng.random() < 0.5:
                    read = not read
                    store.set_read(entry_id, read)
                else:
                    starred = not starred
                    store.set_starred(entry_id, starred)
                self.saved[entry_id] = (read, starred)  # acknowledged: shown as saved
                self.writes += 1
                time.sleep(self.rng.uniform(0, 0.01))
        finally:
            store.close()


def fetch_process() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "veille_tui", "fetch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the parser processes it starts go with it
    )


def committed_feeds(db_path: Path, started: float) -> int:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return int(db.execute("SELECT count(*) FROM feeds WHERE last_ok >= ?", (started,)).fetchone()[0])
    finally:
        db.close()


def kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], deadline: float = 120) -> None:
    """Waits for an event of the fetch (not for a time: a busy machine is slower), then kills it.
    A fetch that ends first is simply reaped."""
    limit = time.monotonic() + deadline
    while proc.poll() is None and not ready():
        assert time.monotonic() < limit, "the fetch neither progressed nor ended"
        time.sleep(0.005)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def check(db_path: Path, trial: int, started: float, saved: dict[int, tuple[bool, bool]]) -> bool:
    """The invariants after a kill; returns whether this trial's fetch had committed anything."""
    db = sqlite3.connect(db_path, timeout=30)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"trial {trial}"
        db.execute("INSERT INTO entries_fts(entries_fts) VALUES('integrity-check')")
        assert (
            db.execute("SELECT count(*) FROM items WHERE entry_id NOT IN (SELECT id FROM entries)").fetchone()[0] == 0
        )
        orphans = db.execute(
            "SELECT count(*) FROM entries e WHERE kind = 'item' AND NOT EXISTS (SELECT 1 FROM items i WHERE i.entry_id = e.id)"
        ).fetchone()[0]
        assert orphans == 0, f"trial {trial}: {orphans} item entries without items"
        assert (
            db.execute("SELECT count(*) FROM entries WHERE id NOT IN (SELECT rowid FROM entries_fts)").fetchone()[0]
            == 0
        )
        # each feed's fetch is one transaction: its new items and its last_ok together, or neither
        committed = False
        for feed_id, url, last_ok in db.execute("SELECT id, url, last_ok FROM feeds"):
            n = int(url.rsplit("/", 1)[1].split(".")[0])
            guids = newest(n, trial)
            present = db.execute(
                f"SELECT count(*) FROM items WHERE feed_id = ? AND guid IN ({','.join('?' * len(guids))})",
                (feed_id, *guids),
            ).fetchone()[0]
            assert present in (0, len(guids)), f"trial {trial}, feed {n}: {present} of {len(guids)} new items"
            assert (present == len(guids)) == (last_ok is not None and last_ok >= started), f"trial {trial}, feed {n}"
            committed |= present > 0
        # every acknowledged state change is there
        for entry_id, (read, starred) in saved.items():
            row = db.execute("SELECT read, starred FROM entries WHERE id = ?", (entry_id,)).fetchone()
            assert row is not None and (bool(row[0]), bool(row[1])) == (read, starred), f"trial {trial}, {entry_id}"
        return committed
    finally:
        db.close()


@pytest.mark.parametrize(
    "trials", [pytest.param(QUICK_TRIALS, id="quick"), pytest.param(KILL_TRIALS, id="stress", marks=pytest.mark.stress)]
)
def test_kill_9_during_fetch_again_and_again(tmp_path, httpserver: HTTPServer, trials: int) -> None:
    feeds = Feeds()
    for n in range(FEEDS):
        httpserver.expect_request(f"/{n}.xml").respond_with_handler(feeds.handler)
    config = Path(os.environ["VEILLE_TUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "[fetch]\ntimeout = 10\n"
        + "".join(f'[[feeds]]\nurl = "{httpserver.url_for(f"/{n}.xml")}"\ntitle = "Feed {n}"\n' for n in range(FEEDS))
    )
    first = subprocess.run([sys.executable, "-m", "veille_tui", "fetch"], capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    db_path = database_file()
    with open_store(db_path) as store:
        ids = store.entry_ids()
    assert len(ids) == FEEDS * WINDOW

    rng = random.Random(2026)
    saved: dict[int, tuple[bool, bool]] = {}
    kills = finished = committed = writes = 0
    started_all = time.monotonic()
    for trial in range(1, trials + trials // 9 + 2):
        feeds.start(trial)
        writer = StateWriter(db_path, ids, saved, seed=trial)
        writer.start()
        started = time.time()
        proc = fetch_process()
        let_finish = trial % 10 == 0
        try:
            if let_finish:
                assert proc.wait(timeout=120) == 0, f"trial {trial}: a fetch after {kills} kills failed"
                finished += 1
            else:
                # the moment of the kill is an event of the fetch, whatever the machine's speed:
                # starting up (nothing downloaded yet), downloading (k answers sent), or writing
                # (j feeds committed, the others not yet)
                phase = trial % 3
                if phase == 0:  # the downloads held at the server until the kill
                    feeds.gate.clear()
                    try:
                        kill_when(proc, lambda: feeds.answered > 0 or rng.random() < 0.02)
                    finally:
                        feeds.gate.set()
                elif phase == 1:
                    k = rng.randint(1, FEEDS)

                    def answered_enough(k: int = k) -> bool:
                        return feeds.answered >= k

                    kill_when(proc, answered_enough)
                else:
                    j = rng.randint(1, FEEDS - 1)

                    def committed_enough(j: int = j, started: float = started) -> bool:
                        return committed_feeds(db_path, started) >= j

                    kill_when(proc, committed_enough)
                kills += 1
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # what the killed fetch had started (parser processes)
            except ProcessLookupError:
                pass
            writer.stop.set()
            writer.join()
            writes += writer.writes
        committed += check(db_path, trial, started, saved)
        if let_finish:
            with sqlite3.connect(db_path) as db:
                assert db.execute("SELECT count(*) FROM feeds WHERE last_ok >= ?", (started,)).fetchone()[0] == FEEDS
        if kills >= trials:
            break
    elapsed = time.monotonic() - started_all
    print(f"\n{kills} kills, {finished} fetches finished, {committed} trials with a fetch committed before the kill,"
          f" {writes} state writes acknowledged, {elapsed:.1f} s")  # fmt: skip
    assert kills >= trials
    assert 0 < committed - finished < kills  # kills landed both before and after feeds were stored
