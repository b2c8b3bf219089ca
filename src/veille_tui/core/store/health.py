"""What `doctor` asks the database, on a connection of its own that never migrates nor writes:
integrity (`PRAGMA quick_check`), schema version, feeds that keep failing, the last index's
problems. Works on a damaged file: every failure is an answer, not an exception."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from veille_tui.core.store.base import FEED_NAME
from veille_tui.core.store.schema import SCHEMA_VERSION


class FailingFeed(NamedTuple):
    name: str
    url: str
    error: str
    last_ok: float | None


@dataclass
class DatabaseHealth:
    exists: bool
    error: str | None = None  # the file cannot be opened or read at all
    problems: list[str] = field(default_factory=list)  # quick_check's findings
    version: int | None = None
    current: int = SCHEMA_VERSION
    failing: list[FailingFeed] = field(default_factory=list)  # failing for FAILING_FOR or more
    index_problems: int = 0
    entries: int = 0
    notify_waiting: dict[str, tuple[int, str | None]] = field(default_factory=dict)  # target key -> (count, error)
    queued: int = 0  # read/starred changes waiting for the team server (outbox: of entries it holds)
    queued_oldest: float | None = None  # when the oldest of them was made
    sync_last_ok: float | None = None  # the last sync that went through
    sync_last_error: str | None = None  # why the last one that failed did

    @property
    def ok(self) -> bool:
        return self.exists and self.error is None and not self.problems and (self.version or 0) <= self.current


FAILING_FOR = 86400.0  # a feed failing for a day or more is worth a word


def probe(path: Path, now: float | None = None) -> DatabaseHealth:
    if not path.exists():
        return DatabaseHealth(exists=False)
    health = DatabaseHealth(exists=True)
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        health.error = str(exc)
        return health
    try:
        db.execute("PRAGMA query_only = 1")
        rows = [str(r[0]) for r in db.execute("PRAGMA quick_check(20)")]
        if rows != ["ok"]:
            health.problems = rows
        health.version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if not health.problems and health.version >= 1:
            _facts(db, health, time.time() if now is None else now)
    except sqlite3.Error as exc:
        health.error = str(exc)
    finally:
        db.close()
    return health


def _facts(db: sqlite3.Connection, health: DatabaseHealth, now: float) -> None:
    health.entries = int(db.execute("SELECT count(*) FROM entries").fetchone()[0])
    try:  # the team server's queue and notes (a schema before them has none)
        health.queued, health.queued_oldest = db.execute(  # those of entries the server holds (state.pending_changes)
            "SELECT count(*), min(o.changed) FROM outbox o WHERE EXISTS (SELECT 1 FROM items i JOIN sync_items s"
            " ON s.item_id = i.id WHERE i.entry_id = o.entry_id)"
        ).fetchone()
        notes = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('sync_last_ok', 'sync_last_error')"))
        health.sync_last_ok = float(notes["sync_last_ok"]) if notes.get("sync_last_ok") else None
        health.sync_last_error = notes.get("sync_last_error")
    except (sqlite3.Error, ValueError):
        pass
    health.index_problems = int(db.execute("SELECT count(*) FROM files WHERE status = 'problem'").fetchone()[0])
    health.failing = [
        FailingFeed._make(r)
        for r in db.execute(
            f"SELECT {FEED_NAME}, f.url, f.last_error, f.last_ok FROM feeds f WHERE f.active = 1"
            " AND f.last_error IS NOT NULL AND (f.last_ok IS NULL OR f.last_ok < ?) ORDER BY 1",
            (now - FAILING_FOR,),
        )
    ]
    has_outbox = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'notify_outbox'").fetchone()
    if has_outbox:
        for target, count, error in db.execute(
            "SELECT target, count(*), max(last_error) FROM notify_outbox WHERE state != 'sent' GROUP BY target"
        ):
            health.notify_waiting[str(target)] = (int(count), error)
