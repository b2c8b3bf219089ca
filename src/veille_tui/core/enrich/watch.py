"""The watch list: the derived `watch` tag on the entries whose title or body holds one of the
watch terms (a full-text match, so accents and case do not matter)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from veille_tui.core.enrich.batch import Batch, chunks, marks
from veille_tui.core.query import fts_phrase

TAG = "watch"


def match_expression(terms: Sequence[str]) -> str:
    return " OR ".join(fts_phrase(term) for term in terms)


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    if not batch.watch:
        return {}
    match = match_expression(batch.watch)
    hits: dict[int, Sequence[str]] = {}
    for chunk in chunks(batch.ids):
        for (rowid,) in batch.db.execute(
            f"SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid IN ({marks(chunk)})", (match, *chunk)
        ):
            hits[rowid] = (TAG,)
    return hits


def refresh_all(db: sqlite3.Connection, terms: Sequence[str]) -> None:
    """The `watch` tag recomputed for every entry, in two set-based statements (the list changed)."""
    db.execute("DELETE FROM entry_tags WHERE tag = 'watch'")
    db.execute(
        "UPDATE entries SET tags = trim(replace(' ' || tags || ' ', ' watch ', ' '))"
        " WHERE ' ' || tags || ' ' LIKE '% watch %'"
    )
    if not terms:
        return
    db.execute(
        "INSERT OR IGNORE INTO entry_tags (tag, entry_id)"
        " SELECT 'watch', rowid FROM entries_fts WHERE entries_fts MATCH ?",
        (match_expression(terms),),
    )
    db.execute(
        "UPDATE entries SET tags = trim(tags || ' watch')"
        " WHERE id IN (SELECT entry_id FROM entry_tags WHERE tag = 'watch')"
    )
