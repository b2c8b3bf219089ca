"""Story clusters as the front ends read them: an entry's related stories, the clusters of a set of
entries (the digest folds them), and the full recompute when the rules changed. The clusters are
written by the enrich pass (core/enrich/clusters.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from veille_tui.core import enrich
from veille_tui.core.models import Entry
from veille_tui.core.store.base import StoreBase, chunks, marks
from veille_tui.core.store.rows import ENTRY_COLUMNS, EntryRow

RULES_KEY = "cluster_rules"


class ClustersMixin(StoreBase):
    def _sync_clusters(self) -> None:
        """The clusters as the rules of this version make them: recomputed once when they changed."""
        if self._meta(RULES_KEY) != enrich.CLUSTER_RULES:
            with self.transaction():
                if self._meta(RULES_KEY) != enrich.CLUSTER_RULES:  # again: another process may have done it
                    self.recompute_clusters()

    @contextmanager
    def clusters_deferred(self) -> Iterator[None]:
        """Write batches inside this block note their entries for one cluster pass at its end (a
        fetch: one pass, not one a feed). What a killed block left is taken by the next one."""
        self.defer_clusters = True
        try:
            yield
        finally:
            self.defer_clusters = False
        with self.transaction():
            enrich.settle_clusters(self.db)

    def recompute_clusters(self) -> None:
        with self.transaction():
            enrich.refresh_clusters(self.db)
            self._set_meta(RULES_KEY, enrich.CLUSTER_RULES)

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
