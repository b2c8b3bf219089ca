"""Archive drafts: the `drafts` table (one row per file of `_drafts/`) and the entries they draft
(`entries.draft`, matched by normalised link). What to read and when is
core/archive/draft_index.py's business; this is its SQL."""

from __future__ import annotations

from collections.abc import Sequence

from veille_tui.core.store.base import StoreBase
from veille_tui.core.store.rows import DraftFile

DRAFT_COLUMNS = ", ".join(DraftFile._fields)


class DraftsMixin(StoreBase):
    def known_drafts(self) -> dict[str, DraftFile]:
        rows = (DraftFile._make(r) for r in self.db.execute(f"SELECT {DRAFT_COLUMNS} FROM drafts"))
        return {row.file: row for row in rows}

    def write_drafts(self, drafts: Sequence[DraftFile], gone: Sequence[str]) -> None:
        self.db.executemany("DELETE FROM drafts WHERE file = ?", [(name,) for name in gone])
        self.db.executemany(
            f"INSERT OR REPLACE INTO drafts ({DRAFT_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
            drafts,
        )

    def mark_drafted(self) -> int:
        """Each entry's draft: the first draft file whose link is the entry's (None: none); only
        the entries whose draft changed are written. Returns how many changed."""
        cursor = self.db.execute(
            "UPDATE entries SET draft = (SELECT min(d.file) FROM drafts d WHERE d.link_norm = entries.link_norm)"
            " WHERE (draft IS NOT NULL OR link_norm IN (SELECT link_norm FROM drafts))"
            " AND draft IS NOT (SELECT min(d.file) FROM drafts d WHERE d.link_norm = entries.link_norm)"
        )
        return cursor.rowcount

    def draft_entry(self, file: str) -> int | None:
        """The entry a draft file drafts, if any."""
        row = self.db.execute("SELECT id FROM entries WHERE draft = ? ORDER BY id LIMIT 1", (file,)).fetchone()
        return int(row[0]) if row else None
