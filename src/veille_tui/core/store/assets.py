"""The assets each entry touches (computed by core/enrich/assets.py, stored here), the match
alerts (an entry a fetch made touch an asset or name a KEV CVE for the first time), and the reads
of `assets`, `show`, the article header and `asset:NAME`."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence

from veille_tui.core.query import fts_phrase
from veille_tui.core.store.base import chunks, marks
from veille_tui.core.store.derived import DerivedMixin

# what derives from an entry's words (its title, body or full text), or from its CVE ids
TEXT, KEV = "text", "kev"
Found = Mapping[int, Mapping[str, set[str]]]  # entry id -> asset key -> {TEXT, KEV}


class AssetsMixin(DerivedMixin):
    # --- what the step reads ----------------------------------------------------------------------

    def full_texts(self, ids: Sequence[int]) -> dict[int, str]:
        """The stored full text of those of these entries that have one."""
        found: dict[int, str] = {}
        for chunk in chunks(ids):
            found.update(
                self.db.execute(
                    f"SELECT entry_id, text FROM fulltext WHERE words > 0 AND entry_id IN ({marks(chunk)})", chunk
                )
            )
        return found

    def kev_products(self, ids: Sequence[int] | None) -> list[tuple[int, str, str, str]]:
        """(entry id, CVE, KEV vendor, KEV product) of the KEV CVEs these entries (None: every
        entry) name."""
        sql = "SELECT c.entry_id, k.cve, k.vendor, k.product FROM entry_cves c JOIN kev k ON k.cve = c.cve"
        if ids is None:
            return list(self.db.execute(sql))
        rows: list[tuple[int, str, str, str]] = []
        for chunk in chunks(ids):
            rows += self.db.execute(f"{sql} WHERE c.entry_id IN ({marks(chunk)})", chunk).fetchall()
        return rows

    def add_text_matches(self, key: str, names: Iterable[str]) -> None:
        """The entries whose title, body or full text has one of these folded names as words (a
        full-text match: accents, case and punctuation folded as the index folds them) touch
        this asset (set-based: the recompute over every entry)."""
        query = " OR ".join(fts_phrase(name) for name in names)
        if query:
            self.db.execute(
                "INSERT OR IGNORE INTO entry_assets (asset, entry_id, via) SELECT ?1, rowid, 'text' FROM"
                " (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?2"
                " UNION SELECT rowid FROM fulltext_fts WHERE fulltext_fts MATCH ?2)",
                (key, query),
            )

    # --- what the step writes ---------------------------------------------------------------------

    def set_entry_assets(self, ids: Sequence[int], found: Found, alerts: bool, alerts_kept: float) -> None:
        """The assets these entries touch now; alerts: those touching one for the first time (no
        asset before) become alerts (kind 'asset')."""
        before: set[int] = set()
        for chunk in chunks(ids):
            before.update(
                i
                for (i,) in self.db.execute(
                    f"SELECT entry_id FROM entry_assets WHERE entry_id IN ({marks(chunk)})", chunk
                )
            )
            self.db.execute(f"DELETE FROM entry_assets WHERE entry_id IN ({marks(chunk)})", chunk)
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_assets (asset, entry_id, via) VALUES (?, ?, ?)",
            [(key, i, via) for i, keys in found.items() for key, vias in keys.items() for via in vias],
        )
        if alerts:
            self.add_match_alerts("asset", [i for i, keys in found.items() if keys and i not in before], alerts_kept)

    def clear_assets(self, via: str | None = None) -> None:
        """Every entry's assets forgotten (the inventory changed), or only those found `via` KEV
        (the catalogue changed), before they are found again."""
        if via is None:
            self.db.execute("DELETE FROM entry_assets")
        else:
            self.db.execute("DELETE FROM entry_assets WHERE via = ?", (via,))

    def reset_assets(self, found: Found) -> None:
        """After clear_assets and add_text_matches: these found too, and the `asset` tag over every
        entry. No alert."""
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_assets (asset, entry_id, via) VALUES (?, ?, ?)",
            [(key, i, v) for i, keys in found.items() for key, vias in keys.items() for v in vias],
        )
        self._recompute_tag("asset", "SELECT entry_id FROM entry_assets")

    def add_match_alerts(self, kind: str, ids: Sequence[int], alerts_kept: float) -> None:
        """Alerts of this kind for these entries, unless they had one already."""
        if not ids:
            return
        now = time.time()
        had: set[int] = set()
        for chunk in chunks(ids):
            had.update(
                i
                for (i,) in self.db.execute(
                    f"SELECT entry_id FROM match_alerts WHERE kind = ? AND entry_id IN ({marks(chunk)})", (kind, *chunk)
                )
            )
        self.db.executemany(
            "INSERT INTO match_alerts (kind, entry_id, at) VALUES (?, ?, ?)",
            [(kind, i, now) for i in dict.fromkeys(ids) if i not in had],
        )
        self.db.execute("DELETE FROM match_alerts WHERE at < ?", (now - alerts_kept,))

    # --- reads --------------------------------------------------------------------------------------

    def assets_of(self, ids: Sequence[int]) -> dict[int, dict[str, set[str]]]:
        """The asset keys each of these entries touches, and how."""
        found: dict[int, dict[str, set[str]]] = {}
        for chunk in chunks(ids):
            for key, entry_id, via in self.db.execute(
                f"SELECT asset, entry_id, via FROM entry_assets WHERE entry_id IN ({marks(chunk)})", chunk
            ):
                found.setdefault(entry_id, {}).setdefault(key, set()).add(via)
        return found

    def asset_rows(self) -> list[tuple[str, int, str, str | None, int, str, str]]:
        """Every (asset key, entry id, title, link, ts, vias, CVE ids) of visible entries."""
        return self.db.execute(
            "SELECT a.asset, e.id, e.title, e.link, e.ts, group_concat(a.via, ' '), e.cves FROM entry_assets a"
            " JOIN entries e ON e.id = a.entry_id WHERE e.hidden = 0 GROUP BY a.asset, e.id"
            " ORDER BY e.ts DESC, e.id DESC"
        ).fetchall()

    def kev_cves(self, cves: Iterable[str]) -> set[str]:
        """Those of these CVE ids the KEV catalogue lists."""
        wanted = list(dict.fromkeys(cves))
        found: set[str] = set()
        for chunk in chunks(wanted):
            found.update(c for (c,) in self.db.execute(f"SELECT cve FROM kev WHERE cve IN ({marks(chunk)})", chunk))
        return found

    def cve_assets(self) -> list[tuple[str, str]]:
        """(CVE id, asset key) for each CVE id named by a visible entry that touches an asset."""
        return self.db.execute(
            "SELECT DISTINCT c.cve, a.asset FROM entry_cves c JOIN entry_assets a ON a.entry_id = c.entry_id"
            " JOIN entries e ON e.id = c.entry_id WHERE e.hidden = 0"
        ).fetchall()

    def last_match_alert(self) -> int:
        (seq,) = self.db.execute("SELECT COALESCE(max(seq), 0) FROM match_alerts").fetchone()
        return int(seq)

    def match_alerts_after(self, seq: int, last: int | None = None) -> list[tuple[int, str, int, str, str | None]]:
        """(seq, kind, entry id, title, link) of the match alerts after seq (up to last), oldest
        first; entries since gone or hidden left out."""
        last = self.last_match_alert() if last is None else last
        return self.db.execute(
            "SELECT a.seq, a.kind, e.id, e.title, e.link FROM match_alerts a JOIN entries e ON e.id = a.entry_id"
            " WHERE a.seq > ? AND a.seq <= ? AND e.hidden = 0 ORDER BY a.seq",
            (seq, last),
        ).fetchall()
