"""CVE ids: those an entry's title and body name, in entry_cves and the entry's cves column,
and the derived `cve` tag on the entries that name one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from veille_tui.core.enrich.batch import Batch, chunks, marks
from veille_tui.core.text import find_cves

TAG = "cve"


def step(batch: Batch) -> Mapping[int, Sequence[str]]:
    db = batch.db
    found = {entry_id: find_cves(text.title + "\n" + text.body) for entry_id, text in batch.texts().items()}
    for chunk in chunks(batch.ids):
        db.execute(f"DELETE FROM entry_cves WHERE entry_id IN ({marks(chunk)})", chunk)
    db.executemany(
        "INSERT OR IGNORE INTO entry_cves (cve, entry_id) VALUES (?, ?)",
        [(cve, entry_id) for entry_id, cves in found.items() for cve in cves],
    )
    db.executemany(
        "UPDATE entries SET cves = ?1 WHERE id = ?2 AND cves != ?1",
        [(" ".join(cves), entry_id) for entry_id, cves in found.items()],
    )
    return {entry_id: (TAG,) for entry_id, cves in found.items() if cves}
