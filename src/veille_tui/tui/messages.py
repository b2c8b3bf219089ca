"""Messages the background workers send to the main screen (posted from their threads)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from veille_tui.core.library import FeedOutcome
from veille_tui.core.models import Entry, FeedStatus, IndexReport


@dataclass
class IndexProgress(Message):
    """The archive index read `done` of `total` files."""

    done: int
    total: int


@dataclass
class IndexDone(Message):
    """The start-up archive index finished (report None: no archive; error: it failed)."""

    report: IndexReport | None
    error: str | None = None


@dataclass
class FeedsLoaded(Message):
    """The feeds with their unread counts (loaded after the first paint)."""

    feeds: list[FeedStatus]


@dataclass
class FetchStarted(Message):
    total: int


@dataclass
class FetchProgress(Message):
    """One feed fetched."""

    outcome: FeedOutcome
    done: int
    total: int


@dataclass
class FetchDone(Message):
    outcomes: list[FeedOutcome] = field(default_factory=list)
    error: str | None = None


@dataclass
class DraftDone(Message):
    """`a`: the draft was written (path) or not (error)."""

    entry_id: int
    path: str | None = None
    error: str | None = None


@dataclass
class StoreChanged(Message):
    """Another connection committed (a `veille-tui fetch` from cron, another TUI): the store as it
    now is, for the filter in force, read by a worker (see screens/changes.py)."""

    query: str
    ids: list[int] | None  # the list for `query` (None: the query failed)
    tag_counts: dict[str, int]
    total: int
    feeds: list[FeedStatus]
    rows: list[Entry]  # fresh copies of the rows the list had cached
    article: Entry | None  # the entry the article shows, with its body (None: gone, or none shown)
