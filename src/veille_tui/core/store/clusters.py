"""Story clusters as the front ends read them: an entry's related stories, the clusters of a set of
entries (the digest folds them); the entries a fetch left for one cluster pass at its end. The
clusters are computed by the update layer's hook (core/enrich/clusters.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from veille_tui.core.models import Entry
from veille_tui.core.store.base import StoreBase, chunks, marks
from veille_tui.core.store.rows import ENTRY_COLUMNS, EntryRow

# an entry as the cluster rules read it: id, ts, source, normalised link ('' when none), CVE ids,
# title, its stored title words (None when not computed yet)
ClusterRow = tuple[int, int, str, str, str, str, str | None]
_NODE_COLUMNS = "e.id, e.ts, e.source, COALESCE(e.link_norm, ''), e.cves, e.title, c.words"
_FROM = "entries e LEFT JOIN entry_clusters c ON c.entry_id = e.id"


class ClustersMixin(StoreBase):
    def note_clusters_pending(self, ids: Sequence[int]) -> None:
        """Entries whose clusters wait for the pass at the end of a fetch (clusters_pending)."""
        self.db.executemany("INSERT OR IGNORE INTO clusters_pending (entry_id) VALUES (?)", [(i,) for i in ids])

    def clusters_pending(self) -> list[int]:
        return [entry_id for (entry_id,) in self.db.execute("SELECT entry_id FROM clusters_pending")]

    def clear_clusters_pending(self) -> None:
        self.db.execute("DELETE FROM clusters_pending")

    # --- what the clusters hook reads and writes (core/enrich/clusters.py) -----------------------

    def cluster_rows(self, ids: Iterable[int]) -> list[ClusterRow]:
        found: list[ClusterRow] = []
        for chunk in chunks(list(ids)):
            found += self.db.execute(f"SELECT {_NODE_COLUMNS} FROM {_FROM} WHERE e.id IN ({marks(chunk)})", chunk)
        return found

    def cluster_rows_between(self, low: int, high: int) -> Iterator[ClusterRow]:
        """The entries dated between low and high (read as they are iterated)."""
        return iter(self.db.execute(f"SELECT {_NODE_COLUMNS} FROM {_FROM} WHERE e.ts BETWEEN ? AND ?", (low, high)))

    def cluster_link_keys(self, ids: Sequence[int]) -> Iterator[tuple[int, int, int | None]]:
        """(id, ts, link key) of these entries (ids in order: rows in order), read as they are
        iterated; the key of a link is the smallest id of the entries with it (None: no link)."""
        for chunk in chunks(ids):
            yield from self.db.execute(
                "SELECT e.id, e.ts, CASE WHEN COALESCE(e.link_norm, '') = '' THEN NULL"
                " ELSE (SELECT min(x.id) FROM entries x WHERE x.link_norm = e.link_norm) END"
                f" FROM entries e WHERE e.id IN ({marks(chunk)}) ORDER BY e.id",
                chunk,
            ).fetchall()

    def cluster_titles(self, ids: Sequence[int]) -> list[tuple[int, int, str]]:
        """(id, ts, title) of these entries."""
        found: list[tuple[int, int, str]] = []
        for chunk in chunks(ids):
            found += self.db.execute(f"SELECT id, ts, title FROM entries WHERE id IN ({marks(chunk)})", chunk)
        return found

    def write_cluster_words(self, rows: Iterable[tuple[int, str]]) -> None:
        """(entry id, title words) of entries: a new one in a cluster of its own (its cluster is
        written after, by set_clusters); the others keep theirs."""
        self.db.executemany(
            "INSERT INTO entry_clusters (entry_id, cluster, component, words) VALUES (?1, ?1, ?1, ?2)"
            " ON CONFLICT (entry_id) DO UPDATE SET words = excluded.words WHERE words != excluded.words",
            rows,
        )

    def set_clusters(self, rows: Iterable[tuple[int, int, int, str]]) -> None:
        """(entry id, story, link component, title words) of entries; the words of an entry with a
        cluster row are left as they are (they were written with it: write_cluster_words)."""
        self.db.executemany(
            "INSERT INTO entry_clusters (entry_id, cluster, component, words) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (entry_id) DO UPDATE SET cluster = excluded.cluster, component = excluded.component"
            " WHERE cluster != excluded.cluster OR component != excluded.component",
            rows,
        )

    def all_cluster_rows(self) -> list[ClusterRow]:
        """Every entry, its title words not read (to be computed afresh)."""
        return list(
            self.db.execute(
                "SELECT e.id, e.ts, e.source, COALESCE(e.link_norm, ''), e.cves, e.title, NULL FROM entries e"
            )
        )

    def _column(self, sql: str, values: Iterable[object]) -> set[int]:
        """The first column of `sql` (its `IN ({})` filled with the values, in chunks)."""
        found: set[int] = set()
        for chunk in chunks(sorted(set(values))):  # type: ignore[type-var]
            found.update(value for (value,) in self.db.execute(sql.format(marks(chunk)), chunk))
        return found

    def ids_with_links(self, links: Iterable[str]) -> set[int]:
        """The entries whose normalised link is one of these."""
        return self._column("SELECT id FROM entries WHERE link_norm IN ({})", links)

    def ids_naming(self, cves: Sequence[str], low: int, high: int) -> set[int]:
        """The entries dated between low and high that name one of these CVE ids."""
        found: set[int] = set()
        for chunk in chunks(cves):
            found.update(
                i
                for (i,) in self.db.execute(
                    "SELECT DISTINCT ec.entry_id FROM entry_cves ec JOIN entries e ON e.id = ec.entry_id"
                    f" WHERE ec.cve IN ({marks(chunk)}) AND e.ts BETWEEN ? AND ?",
                    (*chunk, low, high),
                )
            )
        return found

    def cluster_members(self, clusters: Iterable[int]) -> set[int]:
        return self._column("SELECT entry_id FROM entry_clusters WHERE cluster IN ({})", clusters)

    def cluster_set(self, ids: Iterable[int]) -> set[int]:
        """The clusters these entries are in."""
        return self._column("SELECT cluster FROM entry_clusters WHERE entry_id IN ({})", ids)

    def component_members(self, components: Iterable[int]) -> set[int]:
        """The entries of these link components (the groups the links connect, whole)."""
        return self._column("SELECT entry_id FROM entry_clusters WHERE component IN ({})", components)

    def components_of(self, ids: Iterable[int]) -> set[int]:
        """The link components these entries are in."""
        return self._column("SELECT component FROM entry_clusters WHERE entry_id IN ({})", ids)

    def take_dirty_clusters(self) -> list[int]:
        """The components an entry left when it was deleted (clusters_dirty, filled by a trigger), taken."""
        dirty = [c for (c,) in self.db.execute("SELECT cluster FROM clusters_dirty")]
        if dirty:
            self.db.execute("DELETE FROM clusters_dirty")
        return dirty

    def write_clusters(self, rows: Iterable[tuple[int, int, int, str]], replace_all: bool = False) -> None:
        """(entry id, story, link component, title words) of entries; replace_all: every other
        cluster row goes."""
        if replace_all:
            self.db.execute("DELETE FROM entry_clusters")
            self.db.execute("DELETE FROM clusters_dirty")
        self.db.executemany(
            "INSERT INTO entry_clusters (entry_id, cluster, component, words) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (entry_id) DO UPDATE"
            " SET cluster = excluded.cluster, component = excluded.component, words = excluded.words"
            " WHERE cluster != excluded.cluster OR component != excluded.component OR words != excluded.words",
            rows,
        )

    # --- reads ---------------------------------------------------------------------------------

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
