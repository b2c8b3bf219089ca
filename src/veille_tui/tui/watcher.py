"""Changes made to the database by another process (a `veille-tui fetch` from cron, a second
TUI), seen without cost and read off the UI thread.

SQLite's `PRAGMA data_version` answers, on one connection, a number that changes when another
connection has committed since the last call (a few microseconds, no disk read): the main screen
asks its own connection every few seconds, and only when the number moved does a worker read the
store again on a connection of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from veille_tui.core.library import Library
from veille_tui.core.query import QueryError
from veille_tui.tui.messages import StoreChanged

POLL_SECONDS = 2.5


def read_changes(lib: Library, query: str, cached: Sequence[int], article_id: int | None) -> StoreChanged:
    """What the main screen shows, read again: counts, feeds, the list for `query`, the rows it
    had cached and the entry of the article."""
    try:
        ids: list[int] | None = lib.entry_ids(query)
    except QueryError:
        ids = None
    return StoreChanged(
        query=query,
        ids=ids,
        tag_counts=lib.tag_counts(),
        total=lib.count(None),
        feeds=lib.feed_statuses(sync=False),
        rows=lib.entries_by_ids(cached),
        article=lib.entry(article_id) if article_id is not None else None,
    )
