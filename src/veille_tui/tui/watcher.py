"""Changes made to the database by another process (a `veille-tui fetch` from cron, a second
TUI), seen without cost and read off the UI thread.

SQLite's `PRAGMA data_version` answers, on one connection, a number that changes when another
connection has committed since the last call (a few microseconds, no disk read): the main screen
asks its own connection every POLL_SECONDS (`StoreWatcher.moved`), and only when the number moved
does a worker read the store again on a connection of its own (`read_changes`). What it read is
shown only if nothing changed here meanwhile (`StoreWatcher.still_wanted`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.message_pump import MessagePump
from textual.timer import Timer

from veille_tui.core.errors import QueryError
from veille_tui.core.library import Library
from veille_tui.tui.messages import StoreChanged

POLL_SECONDS = 2.5


class StoreWatcher:
    """Whether another connection committed since the screen last read the store, and whether a
    reading made since still applies."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self.version = lib.data_version()  # the data version last read (None: read again)
        self.edits = 0  # read/starred changes made here: a reading begun before one is stale
        self._asked: tuple[str, int] | None = None  # (query, edits) when the last reading began

    def start(self, node: MessagePump, poll: Callable[[], object]) -> Timer:
        """Call `poll` every POLL_SECONDS."""
        return node.set_interval(POLL_SECONDS, poll)

    def caught_up(self) -> None:
        """The screen has just read the store itself."""
        self.version = self.lib.data_version()

    def forget(self) -> None:
        """Read again at the next poll (a reading failed, or is stale)."""
        self.version = None

    def edited(self) -> None:
        self.edits += 1

    def moved(self, query: str) -> bool:
        """Has another connection committed since we last read? If so, a reading for `query`
        begins (the caller starts it)."""
        version = self.lib.data_version()
        if version is None or version == self.version:
            return False
        self.version = version
        self._asked = (query, self.edits)
        return True

    def still_wanted(self, message: StoreChanged, query: str) -> bool:
        """Is `message` still what the screen would show for `query`? Not if the view or an entry
        changed here meanwhile: then the next poll reads again."""
        if self._asked == (message.query, self.edits) and message.query == query:
            return True
        self.forget()
        return False


def read_changes(
    lib: Library,
    query: str,
    cached: Sequence[int],
    article_id: int | None,
    views: Sequence[tuple[str, str]] = (),
    alert_mark: int = 0,
) -> StoreChanged:
    """What the main screen shows, read again: counts, the views' counts, feeds, the list for
    `query`, the rows it had cached, the entry of the article, and the watch alerts after
    alert_mark (a fetch from another process)."""
    mark, alerts = lib.watch_alerts(alert_mark)
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
        view_counts=lib.view_counts(views),
        alert_mark=mark,
        alerts=alerts,
    )
