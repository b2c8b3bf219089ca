"""Tags: their counts, and an entry's own tags (its post's, its feeds', its items' categories); what
derives from them on top (CVE ids, `cve`, `watch`...) is written by the update layer's hooks
(core/enrich, through derived.py)."""

from __future__ import annotations

import json

from veille_tui.core.store.base import FEED_NAME, FUTURE_SLACK, StoreBase, listed_when
from veille_tui.core.store.rows import SEP, EntryItem, EntryText, Text


class TagsMixin(StoreBase):
    def tag_counts(self) -> dict[str, int]:
        """Entries per tag (those rules hide left out)."""
        if not self.any_hidden():
            return dict(
                self.db.execute("SELECT tag, count(*) FROM entry_tags GROUP BY tag ORDER BY count(*) DESC, tag")
            )
        return dict(
            self.db.execute(
                "SELECT tag, count(*) FROM entry_tags WHERE entry_id NOT IN (SELECT id FROM entries WHERE hidden = 1)"
                " GROUP BY tag ORDER BY count(*) DESC, tag"
            )
        )

    def source_tags(self) -> set[str]:
        """The tags that name a source: the feeds' tags, and each post's source tag (its first
        tag but the archive's own)."""
        found = {
            source
            for (source,) in self.db.execute(
                "SELECT DISTINCT e.source FROM entries e WHERE e.kind = 'post'"
                " AND e.source IN (SELECT tag FROM entry_tags WHERE entry_id = e.id)"
            )
        }
        for (raw,) in self.db.execute("SELECT DISTINCT tags FROM feeds"):
            found.update(json.loads(raw))
        return {tag for tag in found if tag}

    def post_tag_counts(self) -> tuple[int, dict[str, int]]:
        """How many posts the archive has, and how many of them carry each of their own tags (what
        a draft's tags are learnt from: drafting.TagRule)."""
        posts = 0
        counts: dict[str, int] = {}
        for (own,) in self.db.execute("SELECT post_tags FROM entries WHERE kind = 'post'"):
            posts += 1
            for tag in set(own.split()):
                counts[tag] = counts.get(tag, 0) + 1
        return posts, counts

    def refreshed_text(self, entry_id: int) -> Text | None:
        """An entry's own tags written afresh (derived ones go: the hooks that follow add them
        back), and its text for them; None when it is gone."""
        return self._refresh_entry(entry_id)

    def _write_tags(self, entry_id: int, tags: list[str], feeds: list[str]) -> None:
        """An entry's own tags and feeds, replacing what it had (derived tags included: the hooks
        that follow add them back)."""
        self.db.execute("DELETE FROM entry_tags WHERE entry_id = ?", (entry_id,))
        self.db.executemany(
            "INSERT OR IGNORE INTO entry_tags (tag, entry_id) VALUES (?, ?)", [(t, entry_id) for t in tags]
        )
        self.db.execute(
            "UPDATE entries SET tags = ?, feeds = ? WHERE id = ?", (" ".join(tags), SEP.join(feeds), entry_id)
        )

    def _refresh_entry(self, entry_id: int) -> Text | None:
        """Recompute what an entry takes from its post and items: its own tags, its feeds, and for
        an item entry its title, date, link and body. Returns its text for the enrich pass, or None
        when it is gone (an item entry left without items)."""
        row = self.db.execute(
            "SELECT e.kind, e.post_tags, e.title, f.body FROM entries e LEFT JOIN entries_fts f ON f.rowid = e.id"
            " WHERE e.id = ?",
            (entry_id,),
        ).fetchone()
        if row is None:
            return None
        entry = EntryText._make(row)
        title, body = entry.title, entry.body or ""
        items = [
            EntryItem._make(r)
            for r in self.db.execute(
                f"SELECT i.title, i.date, i.ts, i.link, i.summary, i.categories, {FEED_NAME}, f.tags, f.url,"
                " i.fetched, i.link_norm FROM items i JOIN feeds f ON f.id = i.feed_id"
                " WHERE i.entry_id = ? ORDER BY i.id",
                (entry_id,),
            )
        ]
        if entry.kind != "post" and not items:
            self.db.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
            return None
        tags = entry.post_tags.split()
        feeds: list[str] = []
        for it in items:
            for tag in json.loads(it.feed_tags) + it.categories.split():
                if tag not in tags:
                    tags.append(tag)
            name = it.feed_name or it.feed_url
            if name not in feeds:
                feeds.append(name)
        if entry.kind == "item":
            first = items[0]
            summary = max((it.summary for it in items), key=len)
            # the earliest date of its items, but a date far ahead of the item's fetch; else its first fetch
            own = [(i.date, i.ts) for i in items if i.date and i.ts is not None and i.ts <= i.fetched + FUTURE_SLACK]
            date, ts = min(own, key=lambda when: when[1] or 0) if own else listed_when(None, None, first.fetched)
            self.db.execute(
                "UPDATE entries SET title = ?, date = ?, ts = ?, link = ?, link_norm = ?, source = ? WHERE id = ?",
                (
                    first.title,
                    date,
                    ts,
                    first.link,
                    first.link_norm,
                    feeds[0],
                    entry_id,
                ),
            )
            if (first.title, summary) != (title, body):  # re-indexing text is the costly part: only on change
                title, body = first.title, summary
                self._set_text(entry_id, title, body)
        self._write_tags(entry_id, tags, feeds)
        return Text(title, body)
