"""Library's part for stories: the clusters of entries about one story (`M`, related stories)
and the digest of a period, clusters folded."""

from __future__ import annotations

import time

from veille_tui.core.api import Part
from veille_tui.core.digest import Digest
from veille_tui.core.models import Entry
from veille_tui.core.query import parse, since_timestamp


class StoriesPart(Part):
    def related(self, entry_id: int, limit: int = 0) -> list[Entry]:
        """The other entries of the entry's story cluster (same link, CVE ids in common within 7
        days, near-identical titles within 3 days: core/enrich/cluster_rules.py), oldest first;
        the first `limit` of them (0: all)."""
        return self.store.related(entry_id, limit)

    def cluster_ids(self, entry_id: int) -> list[int]:
        """Every entry of the entry's cluster, itself included, oldest first."""
        return self.store.cluster_ids(entry_id)

    def mark_cluster_read(self, entry_id: int) -> int:
        """Mark every entry of the entry's cluster read (`M`; one undo step); returns how many were
        unread."""
        return self.store.mark_all_read(self.store.cluster_ids(entry_id))

    def recompute_clusters(self) -> None:
        """Every story cluster computed again from the stored entries."""
        from veille_tui.core import enrich

        enrich.recompute_clusters(self.store)

    def digest(self, query: str = "", since: str = "7d") -> Digest:
        """The entries matching `query` from `since` (7d, 2w, a date) until now, by section (source
        tags first), clusters folded under their first story, with the CVE ids of each section and
        their KEV records and EPSS scores (`veille-tui digest`)."""
        from veille_tui.core import digest as digest_mod

        now = time.time()
        start = since_timestamp(since, now)
        parse(query)  # a malformed query is told as such, not as a period
        entries = self.store.entries(f"{query} @{since.strip().lower().removeprefix('@')}", limit=0)
        clusters = self.store.clusters_of([e.id for e in entries])
        intel = self.cve_intel(sorted({cve for e in entries for cve in e.cves}))
        sources = self.store.source_tags() | {tag for feed in self.settings.feeds for tag in feed.tags}
        openings = self.store.post_openings([e.id for e in entries if e.kind == "post"])
        return digest_mod.build(
            entries,
            clusters,
            intel,
            sources,
            query=query.strip(),
            since=since,
            start=start,
            end=int(now),
            headings=digest_mod.own_headings(entries, openings),
        )
