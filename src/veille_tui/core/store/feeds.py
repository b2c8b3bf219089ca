"""Feeds and their items: subscriptions, fetch outcomes, new items (folded into the entry of the
same link), retention, and the feeds' status lines."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from veille_tui.core.links import normalize_link
from veille_tui.core.models import Feed, FeedStatus, FetchStatus, Item
from veille_tui.core.store.base import FEED_NAME, chunks, listed_when, marks
from veille_tui.core.store.rows import Added, FeedRow, FeedState, StoredItem, Text
from veille_tui.core.store.tags import TagsMixin
from veille_tui.core.text import normalize_tag


class FeedsMixin(TagsMixin):
    def sync_feeds(self, feeds: Sequence[Feed]) -> None:
        """Make the feeds table follow the subscriptions (matched by the URL in the config, even
        after a permanent redirect moved the fetch URL). An unsubscribed feed becomes inactive:
        no longer fetched nor listed; the entries it brought stay, with their state."""
        with self.transaction():
            urls = []
            for feed in feeds:
                urls.append(feed.url)
                values = (feed.title, json.dumps(list(feed.tags)), feed.retention_days)
                row = self.db.execute("SELECT id FROM feeds WHERE config_url = ?", (feed.url,)).fetchone()
                if row is None:
                    row = self.db.execute("SELECT id FROM feeds WHERE url = ?", (feed.url,)).fetchone()
                if row:
                    self.db.execute(
                        "UPDATE feeds SET title = ?, tags = ?, retention_days = ?, config_url = ?, active = 1"
                        " WHERE id = ?",
                        (*values, feed.url, row[0]),
                    )
                else:
                    self.db.execute(
                        "INSERT INTO feeds (url, config_url, title, tags, retention_days, active)"
                        " VALUES (?, ?, ?, ?, ?, 1)",
                        (feed.url, feed.url, *values),
                    )
            self.db.execute(f"UPDATE feeds SET active = 0 WHERE config_url NOT IN ({marks(urls) or 'NULL'})", urls)

    def feed_states(self, names: Sequence[str] = ()) -> list[FeedState]:
        """(id, url, title, etag, last_modified) of the active feeds, or those matching names."""
        states = [
            FeedState._make(r)
            for r in self.db.execute(
                f"SELECT f.id, f.url, {FEED_NAME}, f.etag, f.last_modified FROM feeds f WHERE f.active = 1"
                " ORDER BY 3, f.url"
            )
        ]
        if names:
            wanted = [n.lower() for n in names]
            states = [
                s
                for s in states
                if any(w == s.url.lower() or w in (s.title or "").lower() or w in s.url.lower() for w in wanted)
            ]
        return states

    def site_titles(self) -> dict[str, str]:
        """The feeds' own titles (learnt on fetch), by subscription URL."""
        return dict(
            self.db.execute(
                "SELECT config_url, site_title FROM feeds WHERE site_title IS NOT NULL AND site_title != ''"
            )
        )

    def deferred_feeds(self, now: float | None = None) -> dict[str, float]:
        """Feeds whose server asked (Retry-After) not to be fetched before a time: url -> time."""
        return dict(
            self.db.execute(
                "SELECT url, retry_after FROM feeds WHERE active = 1 AND retry_after > ?", (now or time.time(),)
            )
        )

    def record_fetch(
        self,
        feed_id: int,
        *,
        status: FetchStatus,
        items: Sequence[Item] = (),
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        final_url: str | None = None,
        site_title: str | None = None,
        retry_after: float | None = None,
        warning: str | None = None,
    ) -> Added:
        """Store one feed's fetch outcome; returns how many new items it brought, and how many of
        them joined a post of the archive. A failed feed keeps its items and shows its error; a
        feed read but not whole (`warning`: malformed XML, items dropped) keeps the reason."""
        now = time.time()
        with self.transaction():
            if status == "error":
                self.db.execute(
                    "UPDATE feeds SET last_fetch = ?, last_error = ?, retry_after = ?, failures = failures + 1"
                    " WHERE id = ?",
                    (now, error or "failed", now + retry_after if retry_after else None, feed_id),
                )
                return Added(0)
            self.db.execute(
                "UPDATE feeds SET last_fetch = ?, last_ok = ?, last_error = NULL, retry_after = NULL, failures = 0,"
                " etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),"
                " site_title = COALESCE(?, site_title),"
                " last_warning = CASE WHEN ? = 'ok' THEN ? ELSE last_warning END WHERE id = ?",
                (now, now, etag, last_modified, site_title, status, warning, feed_id),
            )
            if final_url:
                clash = self.db.execute(
                    "SELECT id FROM feeds WHERE url = ? AND id != ?", (final_url, feed_id)
                ).fetchone()
                if clash is None:
                    self.db.execute("UPDATE feeds SET url = ? WHERE id = ?", (final_url, feed_id))
            if status != "ok":
                return Added(0)
            return self.add_items(feed_id, items, now)

    def add_items(self, feed_id: int, items: Sequence[Item], now: float) -> Added:
        """A feed's items stored (folded by link into the entry of their story); Added.changed:
        the entries made or changed, for the update layer's hooks (in this transaction)."""
        new = archived = 0
        touched: set[int] = set()  # existing entries that changed: recomputed from their items
        fresh: dict[int, Item] = {}  # entries made here from one item: written directly, in bulk
        feed_name, raw_tags = self.db.execute(
            f"SELECT {FEED_NAME}, f.tags FROM feeds f WHERE f.id = ?", (feed_id,)
        ).fetchone()
        feed_tags: list[str] = json.loads(raw_tags)
        tag_rows: list[tuple[str, int]] = []
        for item in items:
            guid = item.guid or item.link or f"title:{item.title}"
            link_norm = normalize_link(item.link)
            row = self.db.execute(
                "SELECT id, entry_id, title, summary, link, html FROM items WHERE feed_id = ? AND guid = ?",
                (feed_id, guid),
            ).fetchone()
            if row:
                stored = StoredItem._make(row)
                if stored.html is None and item.html is not None and self._kept_as_markdown(stored, item):
                    continue
                if (stored.title, stored.summary, stored.link, stored.html) != (
                    item.title,
                    item.summary,
                    item.link,
                    item.html,
                ):
                    self.db.execute(
                        "UPDATE items SET title = ?, summary = ?, link = ?, date = COALESCE(?, date),"
                        " ts = COALESCE(?, ts), html = ?, html_base = ?, markdown = NULL WHERE id = ?",
                        (item.title, item.summary, item.link, item.date, item.ts, item.html, item.html_base, stored.id),
                    )
                    touched.add(stored.entry_id)
                continue
            entry_id: int | None = None
            if link_norm:
                for candidate, kind in self.db.execute(
                    "SELECT id, kind FROM entries WHERE link_norm = ? ORDER BY kind = 'post' DESC, id", (link_norm,)
                ).fetchall():
                    if kind == "post" or self._same_story(candidate, feed_id, item.title):
                        entry_id = candidate
                        archived += kind == "post"
                        break
            categories = [t for t in map(normalize_tag, item.categories) if t]
            if entry_id is None:
                tags = list(dict.fromkeys([*feed_tags, *categories]))
                cursor = self.db.execute(
                    "INSERT INTO entries (kind, link, link_norm, title, date, ts, source, feeds, tags, read, added)"
                    " VALUES ('item', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    (
                        item.link,
                        link_norm,
                        item.title,
                        *listed_when(item.date, item.ts, now),
                        feed_name,
                        feed_name,
                        " ".join(tags),
                        now,
                    ),
                )
                assert cursor.lastrowid is not None
                entry_id = cursor.lastrowid
                fresh[entry_id] = item
                tag_rows += [(t, entry_id) for t in tags]
            else:  # an entry there before, or made in this batch by another item: recomputed below
                touched.add(entry_id)
            self.db.execute(
                "INSERT INTO items (feed_id, guid, link, link_norm, title, date, ts, summary, author, categories,"
                " entry_id, fetched, html, html_base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    feed_id,
                    guid,
                    item.link,
                    link_norm,
                    item.title,
                    item.date,
                    item.ts,
                    item.summary,
                    item.author,
                    " ".join(categories),
                    entry_id,
                    now,
                    item.html,
                    item.html_base,
                ),
            )
            new += 1
        self.db.executemany(
            "INSERT INTO entries_fts (rowid, title, body) VALUES (?, ?, ?)",
            [(entry_id, item.title, item.summary) for entry_id, item in fresh.items()],
        )
        self.db.executemany("INSERT OR IGNORE INTO entry_tags (tag, entry_id) VALUES (?, ?)", tag_rows)
        changed = {entry_id: Text(item.title, item.summary) for entry_id, item in fresh.items()}
        for entry_id in touched:
            text = self._refresh_entry(entry_id)
            if text is None:
                changed.pop(entry_id, None)
            else:
                changed[entry_id] = text
        return Added(new - archived, archived, changed)

    def _kept_as_markdown(self, stored: StoredItem, item: Item) -> bool:
        """An item stored before bodies were kept as HTML (its Markdown in `summary`) that the feed
        brings unchanged: its row takes the HTML form (the Markdown kept as made), its entry is left
        as it is (its search text, the Markdown, still finds its words). False: it changed."""
        if stored.title != item.title or stored.link != item.link:
            return False
        made = item.markdown()
        if made != stored.summary:
            return False
        self.db.execute(
            "UPDATE items SET summary = ?, html = ?, html_base = ?, markdown = ? WHERE id = ?",
            (item.summary, item.html, item.html_base, made, stored.id),
        )
        return True

    def _same_story(self, entry_id: int, feed_id: int, title: str) -> bool:
        """Whether a new item of a feed that links where an item entry does is that entry's story
        (an archived post's link always is): yes when the entry has no item of this feed (another
        feed brought it), or one of the same title (re-published under a new id); no when this
        feed's items there are titled otherwise (distinct items of one feed that share a link stay
        separate entries)."""
        titles = [
            t
            for (t,) in self.db.execute(
                "SELECT title FROM items WHERE entry_id = ? AND feed_id = ?", (entry_id, feed_id)
            )
        ]
        key = _title_key(title)
        return not titles or any(_title_key(t) == key for t in titles)

    def prune(self, retention_days: int, now: float | None = None) -> int:
        """Drop items older than their feed's retention (its own retention_days, else this one),
        never those of unread, starred, drafted or archived entries."""
        now = now or time.time()
        with self.transaction():
            doomed = [
                entry_id
                for (entry_id,) in self.db.execute(
                    "SELECT e.id FROM entries e INDEXED BY entries_prunable"
                    " WHERE e.kind = 'item' AND e.read = 1 AND e.starred = 0"
                    " AND e.draft IS NULL"
                    " AND NOT EXISTS (SELECT 1 FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.entry_id = e.id"
                    "   AND i.fetched >= ? - COALESCE(f.retention_days, ?) * 86400)",
                    (now, retention_days),
                )
            ]
            for chunk in chunks(doomed):
                self.db.execute(f"DELETE FROM items WHERE entry_id IN ({marks(chunk)})", chunk)
                self.db.execute(f"DELETE FROM entries WHERE id IN ({marks(chunk)})", chunk)
        return len(doomed)

    def feed_statuses(self) -> list[FeedStatus]:
        totals = dict(
            self.db.execute(
                "SELECT feed_id, count(DISTINCT entry_id) FROM items"
                " WHERE entry_id NOT IN (SELECT id FROM entries WHERE hidden = 1) GROUP BY feed_id"
            )
        )
        unread = dict(
            self.db.execute(
                "SELECT i.feed_id, count(DISTINCT i.entry_id) FROM entries e JOIN items i ON i.entry_id = e.id"
                " WHERE e.read = 0 AND e.hidden = 0 GROUP BY i.feed_id"
            )
        )
        rows = [
            FeedRow._make(r)
            for r in self.db.execute(
                f"SELECT f.id, f.url, {FEED_NAME}, f.tags, f.last_fetch, f.last_error, f.last_ok, f.failures,"
                " f.server_id IS NOT NULL, f.active, f.last_warning"
                " FROM feeds f WHERE f.active = 1 OR f.server_id IS NOT NULL"
                f" ORDER BY lower({FEED_NAME}), f.url"
            )
        ]
        return [
            FeedStatus(
                id=r.id,
                url=r.url,
                title=r.name or r.url,
                tags=tuple(json.loads(r.tags)),
                unread=unread.get(r.id, 0),
                total=totals.get(r.id, 0),
                last_fetch=_local(r.last_fetch),
                last_error=r.last_error,
                last_ok=_local(r.last_ok),
                failures=r.failures,
                server=bool(r.server),
                local=bool(r.local),
                warning=r.last_warning,
            )
            for r in rows
        ]


def _title_key(title: str | None) -> str:
    return " ".join((title or "").split()).casefold()


def _local(ts: float | None) -> str | None:
    """A time as the feeds' health shows it: local, to the minute."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else None
