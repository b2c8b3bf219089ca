"""The SQL of the derived data (core/enrich's steps compute, this stores): the entries' texts as a
step reads them, derived tags, CVE ids, the watch list's matches and alerts, the `kev` tag, what
the [[rules]] did (so that it can be given back)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from veille_tui.core.query import fts_phrase
from veille_tui.core.store.base import StoreBase, chunks, marks
from veille_tui.core.store.rows import Text
from veille_tui.core.text import read_texts, watch_places

_IN = "SELECT value FROM json_each(?)"


class DerivedMixin(StoreBase):
    # --- a batch's entries ---------------------------------------------------------------------

    def existing_ids(self, ids: Iterable[int]) -> list[int]:
        """Those of ids still there (a batch may delete what it made: folds, prunes), in order."""
        wanted = list(dict.fromkeys(ids))
        found: set[int] = set()
        for chunk in chunks(wanted):
            found.update(i for (i,) in self.db.execute(f"SELECT id FROM entries WHERE id IN ({marks(chunk)})", chunk))
        return [i for i in wanted if i in found]

    def entry_texts(self, ids: Sequence[int]) -> dict[int, Text]:
        """Title and body of these entries (from entries_fts, where bodies are kept)."""
        texts: dict[int, Text] = {}
        for chunk in chunks(ids):
            for rowid, title, body in self.db.execute(
                f"SELECT rowid, title, body FROM entries_fts WHERE rowid IN ({marks(chunk)})", chunk
            ):
                texts[rowid] = Text(title, body or "")
        return texts

    def add_derived_tags(self, derived: Mapping[int, Sequence[str]]) -> None:
        """Derived tags join the entries' tags: rows of entry_tags, and the tags column (display) after
        the entry's own tags, in the order given."""
        if not derived:
            return
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_tags (tag, entry_id) VALUES (?, ?)",
            [(tag, entry_id) for entry_id, tags in derived.items() for tag in tags],
        )
        updates: list[tuple[str, int]] = []
        for chunk in chunks(list(derived)):
            for entry_id, shown in self.db.execute(f"SELECT id, tags FROM entries WHERE id IN ({marks(chunk)})", chunk):
                tags = shown.split()
                added = [t for t in dict.fromkeys(derived[entry_id]) if t not in tags]
                if added:
                    updates.append((" ".join([*tags, *added]), entry_id))
        self.db.executemany("UPDATE entries SET tags = ? WHERE id = ?", updates)

    def _recompute_tag(self, tag: str, wanted: str) -> None:
        """A derived tag over every entry, set-based: on the entries of `wanted` (a SELECT of
        entry ids), off the others; only the entries that gain or lose it are touched."""
        has = f"SELECT entry_id FROM entry_tags WHERE tag = '{tag}'"
        self.db.execute(
            f"UPDATE entries SET tags = trim(replace(' ' || tags || ' ', ' {tag} ', ' '))"
            f" WHERE id IN ({has}) AND id NOT IN ({wanted})"
        )
        self.db.execute(f"DELETE FROM entry_tags WHERE tag = '{tag}' AND entry_id NOT IN ({wanted})")
        self.db.execute(
            f"UPDATE entries SET tags = trim(tags || ' {tag}') WHERE id IN ({wanted}) AND id NOT IN ({has})"
        )
        self.db.execute(
            f"INSERT OR IGNORE INTO entry_tags (tag, entry_id) SELECT DISTINCT '{tag}', entry_id FROM ({wanted})"
        )

    # --- CVE ids and KEV -----------------------------------------------------------------------

    def set_entry_cves(self, ids: Sequence[int], found: Mapping[int, Sequence[str]]) -> None:
        """The CVE ids each of these entries names (entry_cves and the cves column)."""
        for chunk in chunks(ids):
            self.db.execute(f"DELETE FROM entry_cves WHERE entry_id IN ({marks(chunk)})", chunk)
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_cves (cve, entry_id) VALUES (?, ?)",
            [(cve, entry_id) for entry_id, cves in found.items() for cve in cves],
        )
        self.db.executemany(
            "UPDATE entries SET cves = ?1 WHERE id = ?2 AND cves != ?1",
            [(" ".join(cves), entry_id) for entry_id, cves in found.items()],
        )

    def kev_entries(self, ids: Sequence[int]) -> set[int]:
        """Those of these entries that name a CVE of the KEV catalogue (after their CVE ids)."""
        if self.db.execute("SELECT 1 FROM kev LIMIT 1").fetchone() is None:
            return set()
        found: set[int] = set()
        for chunk in chunks(ids):
            found.update(
                entry_id
                for (entry_id,) in self.db.execute(
                    f"SELECT DISTINCT entry_id FROM entry_cves WHERE entry_id IN ({marks(chunk)})"
                    " AND cve IN (SELECT cve FROM kev)",
                    chunk,
                )
            )
        return found

    def recompute_kev_tag(self) -> None:
        """The catalogue changed: the `kev` tag over every entry."""
        self._recompute_tag("kev", "SELECT entry_id FROM entry_cves WHERE cve IN (SELECT cve FROM kev)")

    # --- the watch list ------------------------------------------------------------------------

    def watch_matches(self, terms: Sequence[str], ids: Sequence[int] | None) -> dict[int, list[str]]:
        """The terms each entry matches, in the order of the list: of these ids, or of every entry.
        The full-text indexes (the entries', the stored full texts') find the candidates; a match
        counts where the reader reads it (text.watch_places: not in link targets or URLs)."""
        candidates: dict[int, set[str]] = {}
        for term in dict.fromkeys(terms):
            for table in ("entries_fts", "fulltext_fts"):
                if ids is None:
                    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
                    rows = self.db.execute(sql, (fts_phrase(term),)).fetchall()
                else:
                    rows = []
                    for chunk in chunks(ids):
                        rows += self.db.execute(
                            f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid IN ({marks(chunk)})",
                            (fts_phrase(term), *chunk),
                        ).fetchall()
                for (rowid,) in rows:
                    candidates.setdefault(rowid, set()).add(term)
        found: dict[int, list[str]] = {}
        for chunk in chunks(list(candidates)):
            for entry_id, title, body, full in self.db.execute(
                "SELECT f.rowid, f.title, f.body, t.text FROM entries_fts f"
                f" LEFT JOIN fulltext t ON t.entry_id = f.rowid WHERE f.rowid IN ({marks(chunk)})",
                chunk,
            ):
                texts = read_texts(title or "", body or "", full)
                matched = [t for t in dict.fromkeys(terms) if t in candidates[entry_id] and watch_places(t, texts)]
                if matched:
                    found[entry_id] = matched
        return found

    def set_watch_matches(
        self, ids: Sequence[int], found: Mapping[int, Sequence[str]], alerts: bool, alerts_kept: float
    ) -> None:
        """The terms these entries match now (entry_watch); alerts: those matching for the first
        time become alerts (watch_alerts, the older than alerts_kept seconds dropped)."""
        before: set[int] = set()
        for chunk in chunks(ids):
            before.update(
                entry_id
                for (entry_id,) in self.db.execute(
                    f"SELECT entry_id FROM entry_watch WHERE entry_id IN ({marks(chunk)})", chunk
                )
            )
        gone = [entry_id for entry_id in before if entry_id not in found]
        for chunk in chunks(gone):
            self.db.execute(f"DELETE FROM entry_watch WHERE entry_id IN ({marks(chunk)})", chunk)
        now = time.time()
        self.db.executemany(
            "INSERT INTO entry_watch (entry_id, terms, first) VALUES (?, ?, ?)"
            " ON CONFLICT (entry_id) DO UPDATE SET terms = excluded.terms",
            [(entry_id, json.dumps(list(terms), ensure_ascii=False), now) for entry_id, terms in found.items()],
        )
        fresh = [entry_id for entry_id in found if entry_id not in before]
        if alerts and fresh:
            self.db.executemany("INSERT INTO watch_alerts (entry_id, at) VALUES (?, ?)", [(i, now) for i in fresh])
            self.db.execute("DELETE FROM watch_alerts WHERE at < ?", (now - alerts_kept,))

    def reset_watch(self, found: Mapping[int, Sequence[str]]) -> None:
        """Every entry's watch terms and `watch` tag replaced (the list changed); no alert."""
        first = dict(self.db.execute("SELECT entry_id, first FROM entry_watch"))
        self.db.execute("DELETE FROM entry_watch")
        now = time.time()
        self.db.executemany(
            "INSERT INTO entry_watch (entry_id, terms, first) VALUES (?, ?, ?)",
            [(i, json.dumps(list(t), ensure_ascii=False), first.get(i, now)) for i, t in found.items()],
        )
        self._recompute_tag("watch", "SELECT entry_id FROM entry_watch")

    # --- the rules -----------------------------------------------------------------------------

    def rules_touched(self) -> bool:
        """Has a rule ever done something here (so that a batch may have to give it back)?"""
        return self.db.execute("SELECT 1 FROM rule_tags LIMIT 1").fetchone() is not None or (
            self.db.execute(
                "SELECT 1 FROM entries WHERE hidden = 1 OR rule_read = 1 OR rule_star = 1 LIMIT 1"
            ).fetchone()
            is not None
        )

    def undo_rules(self, ids: Sequence[int] | None) -> None:
        """Give back what the rules did to these entries (None: every entry). A batch's entries have
        their own tags written afresh already: only the record of the rules' tags goes; over every
        entry, the tags go too (rows and the display column)."""
        scope, params = (f" AND id IN ({_IN})", [json.dumps(list(ids))]) if ids is not None else ("", [])
        if ids is None:
            updates = []
            for entry_id, rule_tags, shown in self.db.execute(
                "SELECT r.entry_id, group_concat(r.tag, ' '), e.tags FROM rule_tags r"
                " JOIN entries e ON e.id = r.entry_id GROUP BY r.entry_id"
            ):
                gone = set(rule_tags.split())
                updates.append((" ".join(t for t in shown.split() if t not in gone), entry_id))
            self.db.executemany("UPDATE entries SET tags = ? WHERE id = ?", updates)
            self.db.execute("DELETE FROM entry_tags WHERE (tag, entry_id) IN (SELECT tag, entry_id FROM rule_tags)")
            self.db.execute("DELETE FROM rule_tags")
        else:
            self.db.execute(f"DELETE FROM rule_tags WHERE entry_id IN ({_IN})", params)
        self.db.execute(f"UPDATE entries SET read = 0, rule_read = 0 WHERE rule_read = 1{scope}", params)
        self.db.execute(f"UPDATE entries SET starred = 0, rule_star = 0 WHERE rule_star = 1{scope}", params)
        self.db.execute(f"UPDATE entries SET hidden = 0 WHERE hidden = 1{scope}", params)

    def apply_rule(
        self, where: str, values: Sequence[Any], ids: Sequence[int] | None, *, hide: bool, read: bool, star: bool
    ) -> list[int]:
        """One rule (its query compiled over `entries e`) over these entries (None: every entry):
        what it sets, set on those it matches (never a state the analyst set by hand); their ids."""
        scope, params = (f"e.id IN ({_IN})", [json.dumps(list(ids))]) if ids is not None else ("1", [])
        hits = [
            i for (i,) in self.db.execute(f"SELECT e.id FROM entries e WHERE {scope} AND ({where})", [*params, *values])
        ]
        if not hits:
            return hits
        matched = (json.dumps(hits),)
        if hide:
            self.db.execute(f"UPDATE entries SET hidden = 1 WHERE hidden = 0 AND id IN ({_IN})", matched)
        if read:
            self.db.execute(
                f"UPDATE entries SET read = 1, rule_read = 1 WHERE read = 0 AND hand_read = 0 AND id IN ({_IN})",
                matched,
            )
        if star:
            self.db.execute(
                f"UPDATE entries SET starred = 1, rule_star = 1 WHERE starred = 0 AND hand_star = 0 AND id IN ({_IN})",
                matched,
            )
        return hits

    def record_rule_tags(self, wanted: Mapping[int, Sequence[str]]) -> dict[int, list[str]]:
        """Of the tags the rules give these entries, those they do not have yet: recorded in
        rule_tags (to be given back) and returned (to be added)."""
        if not wanted:
            return {}
        have: dict[int, set[str]] = {}
        for entry_id, tag in self.db.execute(
            f"SELECT entry_id, tag FROM entry_tags WHERE entry_id IN ({_IN})", (json.dumps(list(wanted)),)
        ):
            have.setdefault(entry_id, set()).add(tag)
        added = {
            entry_id: [t for t in dict.fromkeys(tags) if t not in have.get(entry_id, ())]
            for entry_id, tags in wanted.items()
        }
        added = {entry_id: tags for entry_id, tags in added.items() if tags}
        self.db.executemany(
            "INSERT OR IGNORE INTO rule_tags (tag, entry_id) VALUES (?, ?)",
            [(tag, entry_id) for entry_id, tags in added.items() for tag in tags],
        )
        return added

    # --- meta of the derived data --------------------------------------------------------------

    def derived_key(self, name: str) -> str | None:
        """What the derived data was last made with (`watch`, `rules`, `cluster_rules`), kept in meta."""
        return self._meta(name)

    def set_derived_key(self, name: str, value: str) -> None:
        self._set_meta(name, value)
