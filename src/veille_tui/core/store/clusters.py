"""Story clusters as the front ends read them: an entry's related stories, the clusters of a set of
entries (the digest folds them); the entries a fetch left for one cluster pass at its end. The
clusters are computed by the update layer's hook (core/enrich/clusters.py)."""

from __future__ import annotations

from collections.abc import Sequence

from veille_tui.core.models import Entry
from veille_tui.core.store.base import StoreBase, chunks, marks
from veille_tui.core.store.rows import ENTRY_COLUMNS, EntryRow


class ClustersMixin(StoreBase):
    def note_clusters_pending(self, ids: Sequence[int]) -> None:
        """Entries whose clusters wait for the pass at the end of a fetch (clusters_pending)."""
        self.db.executemany("INSERT OR IGNORE INTO clusters_pending (entry_id) VALUES (?)", [(i,) for i in ids])

    def clusters_pending(self) -> list[int]:
        return [entry_id for (entry_id,) in self.db.execute("SELECT entry_id FROM clusters_pending")]

    def clear_clusters_pending(self) -> None:
        self.db.execute("DELETE FROM clusters_pending")

    def cluster_ids(self, entry_id: int) -> list[int]:
        """Every entry of the entry's cluster (itself included, the hidden ones left out), oldest
        first."""
        rows = self.db.execute(
            "SELECT e.id FROM entry_clusters c JOIN entries e ON e.id = c.entry_id"
            " WHERE c.cluster = (SELECT cluster FROM entry_clusters WHERE entry_id = ?)"
            " AND (e.hidden = 0 OR e.id = ?) ORDER BY e.ts, e.id",
            (entry_id, entry_id),
        ).fetchall()
        return [entry_id for (entry_id,) in rows] or [entry_id]

    def related(self, entry_id: int, limit: int = 0) -> list[Entry]:
        """The other entries of the entry's cluster (but the hidden ones: a rule's `hide`), oldest
        first; the first `limit` of them (0: all)."""
        return [
            EntryRow._make(r).to_entry()
            for r in self.db.execute(
                f"SELECT {ENTRY_COLUMNS} FROM entry_clusters c JOIN entries e ON e.id = c.entry_id"
                " WHERE c.cluster = (SELECT cluster FROM entry_clusters WHERE entry_id = ?) AND c.entry_id != ?"
                " AND e.hidden = 0 ORDER BY e.ts, e.id" + (f" LIMIT {int(limit)}" if limit else ""),
                (entry_id, entry_id),
            )
        ]

    def clusters_of(self, ids: Sequence[int]) -> dict[int, int]:
        """The cluster of each of these entries (those with a stored cluster)."""
        found: dict[int, int] = {}
        for chunk in chunks(list(ids)):
            found.update(
                self.db.execute(
                    f"SELECT entry_id, cluster FROM entry_clusters WHERE entry_id IN ({marks(chunk)})", chunk
                ).fetchall()
            )
        return found
