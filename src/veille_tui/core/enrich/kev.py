"""The derived `kev` tag: on the entries that name a CVE of CISA's Known Exploited
Vulnerabilities catalogue (the `kev` table, loaded by core/intel.py). Runs after the `cves` step,
whose entry_cves rows it reads."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from veille_tui.core.enrich.batch import Batch, chunks, marks

TAG = "kev"


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    db = batch.db
    if db.execute("SELECT 1 FROM kev LIMIT 1").fetchone() is None:
        return {}
    hits: dict[int, Sequence[str]] = {}
    for chunk in chunks(batch.ids):
        for (entry_id,) in db.execute(
            f"SELECT DISTINCT entry_id FROM entry_cves WHERE entry_id IN ({marks(chunk)})"
            " AND cve IN (SELECT cve FROM kev)",
            chunk,
        ):
            hits[entry_id] = (TAG,)
    return hits


def refresh_all(db: sqlite3.Connection) -> None:
    """The catalogue changed: the `kev` tag recomputed over every stored entry, set-based, touching
    only the entries that gain or lose it."""
    wanted = "SELECT entry_id FROM entry_cves WHERE cve IN (SELECT cve FROM kev)"
    # lose it: the tags column first (display), then the rows
    db.execute(
        "UPDATE entries SET tags = trim(replace(' ' || tags || ' ', ' kev ', ' '))"
        f" WHERE id IN (SELECT entry_id FROM entry_tags WHERE tag = 'kev') AND id NOT IN ({wanted})"
    )
    db.execute(f"DELETE FROM entry_tags WHERE tag = 'kev' AND entry_id NOT IN ({wanted})")
    # gain it
    db.execute(
        "UPDATE entries SET tags = trim(tags || ' kev')"
        f" WHERE id IN ({wanted}) AND id NOT IN (SELECT entry_id FROM entry_tags WHERE tag = 'kev')"
    )
    db.execute(f"INSERT OR IGNORE INTO entry_tags (tag, entry_id) SELECT DISTINCT 'kev', entry_id FROM ({wanted})")
