"""Changes made to the database by another process (a `veille-tui fetch` from cron, a second
TUI), seen without cost and read off the UI thread.

SQLite's `PRAGMA data_version` answers, on one connection, a number that changes when another
connection has committed since the last call (a few microseconds, no disk read): the main screen
asks its own connection every few seconds, and only when the number moved does a worker read the
store again on a connection of its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from veille_tui.core.query import QueryError
from veille_tui.core.store import Store
from veille_tui.messages import StoreChanged

POLL_SECONDS = 2.5


def data_version(store: Store) -> int | None:
    """The connection's data version (None if the database does not answer)."""
    try:
        return store.db.execute("PRAGMA data_version").fetchone()[0]
    except sqlite3.Error:
        return None


def read_changes(store: Store, query: str, cached: Sequence[int], article_id: int | None) -> StoreChanged:
    """What the main screen shows, read again: counts, feeds, the list for `query`, the rows it
    had cached and the entry of the article."""
    try:
        ids: list[int] | None = store.entry_id_list(query)
    except QueryError:
        ids = None
    return StoreChanged(
        query=query,
        ids=ids,
        tag_counts=store.tag_counts(),
        total=store.count(None),
        feeds=store.feed_statuses(),
        rows=store.entries_by_ids(cached),
        article=store.entry(article_id) if article_id is not None else None,
    )
