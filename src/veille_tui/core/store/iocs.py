"""Indicators of compromise: what each entry names (entry_iocs), what the IOC step reads to find
them (links for the entry's own site, stored full texts), and the reads of `iocs`, `show`, export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from veille_tui.core.store.base import StoreBase, chunks, marks
from veille_tui.core.store.rows import IocRow

# entry id -> (type, value) -> where it was seen (title, summary, fulltext)
Found = Mapping[int, Mapping[tuple[str, str], Sequence[str]]]


class IocsMixin(StoreBase):
    def set_entry_iocs(self, ids: Sequence[int], found: Found) -> None:
        """The indicators each of these entries names (those before replaced)."""
        for chunk in chunks(list(ids)):
            self.db.execute(f"DELETE FROM entry_iocs WHERE entry_id IN ({marks(chunk)})", chunk)
        self.add_entry_iocs(found)

    def add_entry_iocs(self, found: Found) -> None:
        """More places where entries name indicators (a full text come later): kept with the others."""
        self.db.executemany(
            "INSERT INTO entry_iocs (entry_id, type, value, seen_in) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (entry_id, type, value) DO UPDATE SET seen_in ="
            " CASE WHEN instr(' ' || seen_in || ' ', ' ' || excluded.seen_in || ' ') > 0 THEN seen_in"
            " ELSE trim(seen_in || ' ' || excluded.seen_in) END",
            [
                (entry_id, kind, value, place)
                for entry_id, iocs in found.items()
                for (kind, value), places in iocs.items()
                for place in places
            ],
        )

    def entry_links(self, ids: Sequence[int]) -> dict[int, str]:
        """The link of each of these entries that has one."""
        links: dict[int, str] = {}
        for chunk in chunks(list(ids)):
            for entry_id, link in self.db.execute(
                f"SELECT id, link FROM entries WHERE id IN ({marks(chunk)}) AND link IS NOT NULL", chunk
            ):
                links[entry_id] = link
        return links

    def full_texts_of(self, ids: Sequence[int]) -> dict[int, str]:
        """The stored full text (plain) of each of these entries that has one."""
        texts: dict[int, str] = {}
        for chunk in chunks(list(ids)):
            for entry_id, text in self.db.execute(
                f"SELECT entry_id, text FROM fulltext WHERE entry_id IN ({marks(chunk)}) AND words > 0", chunk
            ):
                texts[entry_id] = text or ""
        return texts

    def all_entry_ids(self, size: int = 1000) -> Iterator[list[int]]:
        """Every entry id, a chunk at a time."""
        last = 0
        while True:
            rows = [
                i for (i,) in self.db.execute("SELECT id FROM entries WHERE id > ? ORDER BY id LIMIT ?", (last, size))
            ]
            if not rows:
                return
            yield rows
            last = rows[-1]

    def entry_iocs(self, entry_id: int) -> list[IocRow]:
        """The indicators an entry names, by type then value."""
        return [
            IocRow._make(row)
            for row in self.db.execute(
                "SELECT type, value, seen_in FROM entry_iocs WHERE entry_id = ? ORDER BY type, value", (entry_id,)
            )
        ]

    def iocs_of(self, ids: Sequence[int]) -> dict[int, list[IocRow]]:
        """The indicators of each of these entries."""
        found: dict[int, list[IocRow]] = {}
        for chunk in chunks(list(ids)):
            for entry_id, *row in self.db.execute(
                f"SELECT entry_id, type, value, seen_in FROM entry_iocs WHERE entry_id IN ({marks(chunk)})"
                " ORDER BY type, value",
                chunk,
            ):
                found.setdefault(entry_id, []).append(IocRow._make(row))
        return found

    def ioc_summary(self, where: str, params: Sequence[Any], kind: str | None, limit: int) -> list[tuple[Any, ...]]:
        """(type, value, entries, first ts, last ts) of the indicators the matching entries name,
        the most named first. where: a condition over `entries e` (query.compile_sql)."""
        kind_sql = " AND i.type = ?" if kind else ""
        return list(
            self.db.execute(
                "SELECT i.type, i.value, count(*), min(e.ts), max(e.ts) FROM entry_iocs i"
                f" JOIN entries e ON e.id = i.entry_id WHERE {where}{kind_sql}"
                " GROUP BY i.type, i.value ORDER BY count(*) DESC, max(e.ts) DESC, i.value LIMIT ?",
                [*params, *([kind] if kind else []), limit],
            )
        )
