"""The team server's side of the store: its subscriptions among the feeds, its items (stored through
the same path as fetched items: folded by link, enriched), the server state last seen per item, and
the outbox of changes made here (written by state.py in the transaction of each change)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import NamedTuple

from veille_tui.core.store.feeds import FeedsMixin
from veille_tui.core.store.state import StateMixin


class ServerFeedRow(NamedTuple):
    stream_id: str
    url: str
    title: str
    tags: tuple[str, ...]


class NewServerItem(NamedTuple):
    """An item the server sent, with its id and state there."""

    server_id: int
    guid: str
    read: bool
    starred: bool


class Pending(NamedTuple):
    """A queued change with the server ids of its entry."""

    entry_id: int
    what: str  # read | starred
    value: int
    changed: float
    server_ids: tuple[int, ...]


class Known(NamedTuple):
    server_id: int
    entry_id: int
    read: int  # the server's state, as last seen
    starred: int


class SyncMixin(FeedsMixin, StateMixin):
    # --- subscriptions --------------------------------------------------------------------------

    def server_feed_read(self, feed_id: int, now: float) -> None:
        """A feed the server alone holds (not subscribed here) got items from it: its health as a
        successful fetch."""
        self.db.execute(
            "UPDATE feeds SET last_fetch = ?, last_ok = ?, last_error = NULL, failures = 0 WHERE id = ? AND active = 0",
            (now, now, feed_id),
        )

    def apply_server_feeds(self, feeds: Sequence[ServerFeedRow]) -> dict[str, int]:
        """The server's subscriptions join the feeds (a feed subscribed here too is the same row,
        known by its URL; its config title and tags stay); those it dropped are no longer the
        server's. Returns the feed id of each stream id."""
        ids: dict[str, int] = {}
        with self.transaction():
            for feed in feeds:
                row = self.db.execute(
                    "SELECT id FROM feeds WHERE server_id = ? OR config_url = ? OR url = ?"
                    " ORDER BY server_id = ? DESC, config_url = ? DESC LIMIT 1",
                    (feed.stream_id, feed.url, feed.url, feed.stream_id, feed.url),
                ).fetchone()
                if row is None:
                    cursor = self.db.execute(
                        "INSERT INTO feeds (url, config_url, title, tags, active, server_id) VALUES (?, ?, ?, ?, 0, ?)",
                        (feed.url, feed.url, feed.title, json.dumps(list(feed.tags)), feed.stream_id),
                    )
                    assert cursor.lastrowid is not None
                    ids[feed.stream_id] = cursor.lastrowid
                    continue
                feed_id = int(row[0])
                self.db.execute(
                    "UPDATE feeds SET server_id = NULL WHERE server_id = ? AND id != ?", (feed.stream_id, feed_id)
                )
                self.db.execute("UPDATE feeds SET server_id = ? WHERE id = ?", (feed.stream_id, feed_id))
                # a feed only the server holds takes the server's title and categories
                self.db.execute(
                    "UPDATE feeds SET title = ?, tags = ? WHERE id = ? AND active = 0",
                    (feed.title, json.dumps(list(feed.tags)), feed_id),
                )
                ids[feed.stream_id] = feed_id
            keep = json.dumps(list(ids))
            self.db.execute(
                "UPDATE feeds SET server_id = NULL WHERE server_id IS NOT NULL"
                " AND server_id NOT IN (SELECT value FROM json_each(?))",
                (keep,),
            )
        return ids

    def server_feed_ids(self) -> dict[str, int]:
        return {
            str(s): int(i) for s, i in self.db.execute("SELECT server_id, id FROM feeds WHERE server_id IS NOT NULL")
        }

    # --- items ----------------------------------------------------------------------------------

    def known_server_ids(self, ids: Collection[int]) -> set[int]:
        found: set[int] = set()
        raw = json.dumps(list(ids))
        for (server_id,) in self.db.execute(
            "SELECT s.server_id FROM sync_items s JOIN json_each(?) j ON j.value = s.server_id", (raw,)
        ):
            found.add(int(server_id))
        return found

    def link_server_items(self, feed_id: int, items: Sequence[NewServerItem]) -> None:
        """After the feed's items were stored (`add_items`, in this transaction): each server item
        tied to its item row, with the server's state. Its entry (new, or a post or an item that
        was here before) becomes read or starred too when the server says so, unless a change of
        that is queued here (pushed instead); what the server has not is left as it is here (the
        rules' doing, an archived post: nobody's change, not pushed)."""
        for new in items:
            row = self.db.execute(
                "SELECT i.id, e.id, e.read, e.starred FROM items i JOIN entries e ON e.id = i.entry_id"
                " WHERE i.feed_id = ? AND i.guid = ?",
                (feed_id, new.guid),
            ).fetchone()
            if row is None:
                continue
            item_id, entry_id, read, starred = row
            self.db.execute(
                "INSERT OR REPLACE INTO sync_items (server_id, item_id, read, starred) VALUES (?, ?, ?, ?)",
                (new.server_id, item_id, int(new.read), int(new.starred)),
            )
            pending = {what for (what,) in self.db.execute("SELECT what FROM outbox WHERE entry_id = ?", (entry_id,))}
            for what, here, there in (("read", read, new.read), ("starred", starred, new.starred)):
                if there and not here and what not in pending:
                    self._take_server_state(entry_id, what, 1)

    def _take_server_state(self, entry_id: int, what: str, value: int) -> int:
        """The server's state on an entry: a change made by the analyst elsewhere (no rule undoes
        it); not queued. Returns 1 when the entry changed."""
        hand, rule = ("hand_read", "rule_read") if what == "read" else ("hand_star", "rule_star")
        cursor = self.db.execute(
            f"UPDATE entries SET {what} = ?, {hand} = 1, {rule} = 0 WHERE id = ? AND {what} != ?",
            (value, entry_id, value),
        )
        return cursor.rowcount

    # --- the outbox -----------------------------------------------------------------------------

    def pending(self) -> list[Pending]:
        """The queued changes, each with the server ids of its entry (none: the server does not
        hold its story, yet: the change stays queued for when it does, `feeds add --server`)."""
        found: dict[tuple[int, str], Pending] = {}
        for entry_id, what, value, changed, server_id in self.db.execute(
            "SELECT o.entry_id, o.what, o.value, o.changed, s.server_id FROM outbox o"
            " LEFT JOIN items i ON i.entry_id = o.entry_id LEFT JOIN sync_items s ON s.item_id = i.id"
        ):
            key = (entry_id, what)
            ids = found[key].server_ids if key in found else ()
            found[key] = Pending(entry_id, what, value, changed, (*ids, server_id) if server_id is not None else ids)
        return list(found.values())

    def pushed(self, changes: Iterable[Pending]) -> None:
        """These changes reached the server: out of the queue (unless changed again since), and
        the server's state as last seen follows."""
        changes = list(changes)
        with self.transaction():
            self.db.executemany(
                "DELETE FROM outbox WHERE entry_id = ? AND what = ? AND changed = ?",
                [(c.entry_id, c.what, c.changed) for c in changes],
            )
            for what in ("read", "starred"):
                rows = [(c.value, server_id) for c in changes if c.what == what for server_id in c.server_ids]
                self.db.executemany(f"UPDATE sync_items SET {what} = ? WHERE server_id = ?", rows)

    def known_items(self) -> list[Known]:
        return [
            Known._make(r)
            for r in self.db.execute(
                "SELECT s.server_id, i.entry_id, s.read, s.starred FROM sync_items s JOIN items i ON i.id = s.item_id"
            )
        ]

    def apply_server_states(self, changes: Sequence[tuple[int, int, str, int]]) -> int:
        """What changed on the server since the last sync: (server_id, entry_id, what, value). The
        server's state as last seen follows; the entry takes it unless a change made here waits
        for it (made after the last sync: the later one). Returns how many entries changed."""
        changed = 0
        with self.transaction():
            for server_id, entry_id, what, value in changes:
                assert what in ("read", "starred")
                self.db.execute(f"UPDATE sync_items SET {what} = ? WHERE server_id = ?", (value, server_id))
                if self.db.execute("SELECT 1 FROM outbox WHERE entry_id = ? AND what = ?", (entry_id, what)).fetchone():
                    continue
                changed += self._take_server_state(entry_id, what, value)
        return changed

    # --- the sync's own notes -------------------------------------------------------------------

    def sync_meta(self, key: str) -> str | None:
        return self._meta(f"sync_{key}")

    def set_sync_meta(self, **values: str | None) -> None:
        with self.transaction():
            for key, value in values.items():
                if value is None:
                    self.db.execute("DELETE FROM meta WHERE key = ?", (f"sync_{key}",))
                else:
                    self._set_meta(f"sync_{key}", value)
