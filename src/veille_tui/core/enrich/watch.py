"""The watch list: the derived `watch` tag on the entries whose title, body or stored full text
holds one of the watch terms (what the reader reads: link targets and URLs are not; accents and
case do not matter), the terms each one matched (`entry_watch`, shown by the article and `show`),
and the alerts: the entries a fetch made match for the first time (`watch_alerts`, read by the
TUI's bell and `fetch --watch`). The full-text indexes find the candidates; text.watch_places
keeps those whose match is in readable text."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping, Sequence

from veille_tui.core.enrich.batch import Batch, chunks, marks
from veille_tui.core.query import fts_phrase
from veille_tui.core.text import read_texts, watch_places

TAG = "watch"
ALERTS_KEPT = 30 * 86400  # alerts older than this are dropped (every reader has seen them)


def _matches(db: sqlite3.Connection, terms: Sequence[str], ids: Sequence[int] | None) -> dict[int, list[str]]:
    """The terms each entry matches, in the order of the list: of these ids, or of every entry."""
    candidates: dict[int, set[str]] = {}
    for term in dict.fromkeys(terms):
        for table in ("entries_fts", "fulltext_fts"):
            if ids is None:
                rows = db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (fts_phrase(term),)).fetchall()
            else:
                rows = []
                for chunk in chunks(ids):
                    rows += db.execute(
                        f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid IN ({marks(chunk)})",
                        (fts_phrase(term), *chunk),
                    ).fetchall()
            for (rowid,) in rows:
                candidates.setdefault(rowid, set()).add(term)
    found: dict[int, list[str]] = {}
    for chunk in chunks(list(candidates)):
        for entry_id, title, body, full in db.execute(
            "SELECT f.rowid, f.title, f.body, t.text FROM entries_fts f LEFT JOIN fulltext t ON t.entry_id = f.rowid"
            f" WHERE f.rowid IN ({marks(chunk)})",
            chunk,
        ):
            texts = read_texts(title or "", body or "", full)
            matched = [
                term for term in dict.fromkeys(terms) if term in candidates[entry_id] and watch_places(term, texts)
            ]
            if matched:
                found[entry_id] = matched
    return found


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    db = batch.db
    found = _matches(db, batch.watch, batch.ids) if batch.watch else {}
    before: set[int] = set()
    for chunk in chunks(batch.ids):
        before.update(
            entry_id
            for (entry_id,) in db.execute(f"SELECT entry_id FROM entry_watch WHERE entry_id IN ({marks(chunk)})", chunk)
        )
    gone = [entry_id for entry_id in before if entry_id not in found]
    for chunk in chunks(gone):
        db.execute(f"DELETE FROM entry_watch WHERE entry_id IN ({marks(chunk)})", chunk)
    now = time.time()
    db.executemany(
        "INSERT INTO entry_watch (entry_id, terms, first) VALUES (?, ?, ?)"
        " ON CONFLICT (entry_id) DO UPDATE SET terms = excluded.terms",
        [(entry_id, json.dumps(terms, ensure_ascii=False), now) for entry_id, terms in found.items()],
    )
    fresh = [entry_id for entry_id in found if entry_id not in before]
    if batch.alerts and fresh:
        db.executemany("INSERT INTO watch_alerts (entry_id, at) VALUES (?, ?)", [(i, now) for i in fresh])
        db.execute("DELETE FROM watch_alerts WHERE at < ?", (now - ALERTS_KEPT,))
    return {entry_id: (TAG,) for entry_id in found}


def refresh_all(db: sqlite3.Connection, terms: Sequence[str]) -> None:
    """The terms and the `watch` tag recomputed for every entry (the list changed). An entry that
    matches now is no alert: the list changed, no fetch brought it."""
    found = _matches(db, terms, None) if terms else {}
    first = dict(db.execute("SELECT entry_id, first FROM entry_watch"))
    db.execute("DELETE FROM entry_watch")
    now = time.time()
    db.executemany(
        "INSERT INTO entry_watch (entry_id, terms, first) VALUES (?, ?, ?)",
        [(i, json.dumps(t, ensure_ascii=False), first.get(i, now)) for i, t in found.items()],
    )
    db.execute("DELETE FROM entry_tags WHERE tag = 'watch'")
    db.execute(
        "UPDATE entries SET tags = trim(replace(' ' || tags || ' ', ' watch ', ' '))"
        " WHERE ' ' || tags || ' ' LIKE '% watch %'"
    )
    if not found:
        return
    db.execute("INSERT OR IGNORE INTO entry_tags (tag, entry_id) SELECT 'watch', entry_id FROM entry_watch")
    db.execute("UPDATE entries SET tags = trim(tags || ' watch') WHERE id IN (SELECT entry_id FROM entry_watch)")
