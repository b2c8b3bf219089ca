"""Full texts of entries' article pages: one row per entry (the last attempt), searchable through
fulltext_fts (kept in step by triggers; see schema._V7_FULLTEXT)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from veille_tui.core.models import FullText
from veille_tui.core.query import compile_sql, parse
from veille_tui.core.store.base import StoreBase, chunks, marks
from veille_tui.core.store.rows import FullTextRow

_COLUMNS = ", ".join(FullTextRow._fields)


class FullTextMixin(StoreBase):
    def full_text(self, entry_id: int) -> FullText | None:
        """What is stored of the entry's full text (a text, or the last failure), None: never tried."""
        row = self.db.execute(f"SELECT {_COLUMNS} FROM fulltext WHERE entry_id = ?", (entry_id,)).fetchone()
        return FullTextRow._make(row).to_model() if row else None

    def save_full_text(self, entry_id: int, found: FullText) -> None:
        """Store a full text with the entry (replacing the one before)."""
        with self.transaction():
            if self.db.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone() is None:
                return  # the entry went away meanwhile (retention, a post folded into another)
            self.db.execute(
                "INSERT INTO fulltext (entry_id, title, markdown, text, words, source, fetched, error)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (entry_id) DO UPDATE SET title = excluded.title,"
                " markdown = excluded.markdown, text = excluded.text, words = excluded.words,"
                " source = excluded.source, fetched = excluded.fetched, error = NULL",
                (entry_id, found.title, found.markdown, found.text, found.words, found.source, time.time()),
            )

    def save_full_text_error(self, entry_id: int, source: str, error: str) -> None:
        """Record a failed attempt; a full text fetched before stays readable."""
        with self.transaction():
            if self.db.execute("SELECT 1 FROM entries WHERE id = ?", (entry_id,)).fetchone() is None:
                return
            self.db.execute(
                "INSERT INTO fulltext (entry_id, source, fetched, error) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (entry_id) DO UPDATE SET fetched = excluded.fetched, error = excluded.error",
                (entry_id, source, time.time(), error),
            )

    def full_text_tried(self, ids: Sequence[int]) -> set[int]:
        """The ids among these that have a full text row (a text or a failure)."""
        found: set[int] = set()
        for chunk in chunks(list(ids)):
            found.update(
                entry_id
                for (entry_id,) in self.db.execute(
                    f"SELECT entry_id FROM fulltext WHERE entry_id IN ({marks(chunk)})", chunk
                )
            )
        return found

    def last_entry_id(self) -> int:
        (found,) = self.db.execute("SELECT COALESCE(max(id), 0) FROM entries").fetchone()
        return int(found)

    def full_text_wanted(self, after_id: int, feed_urls: Sequence[str], query: str) -> list[tuple[int, str]]:
        """(id, link) of the item entries made after after_id, with a link and no full text tried,
        that a feed of feed_urls brought or that match query (fetch time: `full_text = true`,
        `[fetch] full_text_query`)."""
        found: dict[int, str] = {}
        base = "SELECT e.id, e.link FROM entries e WHERE e.id > ? AND e.kind = 'item' AND e.link IS NOT NULL"
        base += " AND e.link != '' AND e.hidden = 0 AND NOT EXISTS (SELECT 1 FROM fulltext t WHERE t.entry_id = e.id)"
        if feed_urls:
            sql = (
                f"{base} AND e.id IN (SELECT i.entry_id FROM items i JOIN feeds f ON f.id = i.feed_id"
                f" WHERE f.config_url IN ({marks(feed_urls)}))"
            )
            found.update(self.db.execute(sql, (after_id, *feed_urls)))
        if query:
            where, params = compile_sql(parse(query))
            found.update(self.db.execute(f"{base} AND {where}", (after_id, *params)))
        return sorted(found.items())

    def feed_urls_of(self, entry_ids: Sequence[int]) -> dict[int, list[str]]:
        """The URLs (as fetched and as configured) of the feeds each entry's items came from."""
        found: dict[int, list[str]] = {}
        for chunk in chunks(list(entry_ids)):
            for entry_id, url, config_url in self.db.execute(
                "SELECT DISTINCT i.entry_id, f.url, f.config_url FROM items i JOIN feeds f ON f.id = i.feed_id"
                f" WHERE i.entry_id IN ({marks(chunk)})",
                chunk,
            ):
                found.setdefault(entry_id, []).extend(u for u in (url, config_url) if u)
        return found
