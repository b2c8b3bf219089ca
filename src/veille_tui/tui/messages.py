"""Messages the background workers send to the main screen (posted from their threads). A worker
that fails sends none of these: it raises, and the screen's one `Worker.StateChanged` handler
reports it (`veille_tui/tui/workers.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from veille_tui.core.config import Settings
from veille_tui.core.models import (
    ArticleContent,
    Entry,
    FeedOutcome,
    FeedStatus,
    FullText,
    IndexReport,
    NotifyOutcome,
    SyncOutcome,
    WatchMatch,
)


@dataclass
class IndexProgress(Message):
    """The archive index read `done` of `total` files (a newer one replaces it in the queue)."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexProgress)


@dataclass
class IndexDone(Message):
    """The start-up archive index finished (report None: no archive)."""

    report: IndexReport | None


@dataclass
class FeedsLoaded(Message):
    """The feeds with their unread counts (loaded after the first paint)."""

    feeds: list[FeedStatus]


@dataclass
class FetchStarted(Message):
    total: int


@dataclass
class FetchProgress(Message):
    """One feed fetched (a newer one replaces it in the queue)."""

    outcome: FeedOutcome
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FetchProgress)


@dataclass
class FetchDone(Message):
    outcomes: list[FeedOutcome] = field(default_factory=list)
    alert_mark: int = 0  # the newest watch alert after the fetch, and those after the screen's mark
    alerts: list[WatchMatch] = field(default_factory=list)
    sync_follows: bool = False  # a sync with the team server comes next: one notice says both
    notified: list[NotifyOutcome] = field(default_factory=list)  # what the [[notify]] targets answered


@dataclass
class SyncDone(Message):
    """A sync with the team server ran (outcome None: only its state was read, at start-up):
    changes waiting to be pushed, and the last sync's error (None: it worked). fetched: the
    feeds' outcomes of the `r`/`R` it followed (told with it)."""

    outcome: SyncOutcome | None
    pending: int
    error: str | None
    fetched: list[FeedOutcome] | None = None


@dataclass
class MarkedRead(Message):
    """`A`, `M`: `count` entries were marked read in the store."""

    count: int


@dataclass
class ArticleLoaded(Message):
    """What the article shows of `entry_id`, read in a worker (content None: the entry is gone)."""

    entry_id: int
    content: ArticleContent | None


@dataclass
class EntryChanged(Message):
    """The read or starred state of `entry` changed here: the article and its kept copy follow."""

    entry: Entry


@dataclass
class Undone(Message):
    """`U`: the last change of read/starred state was undone (`what` None: nothing to undo)."""

    what: str | None
    entries: int = 0


@dataclass
class DraftDone(Message):
    """`a`, `e`, `P`: the draft of `entry_id` was written, edited or published (`text` says which
    and where)."""

    entry_id: int
    text: str


@dataclass
class FullTextDone(Message):
    """`f`: the full text of `entry_id` was fetched, extracted and stored."""

    entry_id: int
    full: FullText


@dataclass
class StoreChanged(Message):
    """Another connection committed (a `veille-tui fetch` from cron, another TUI): the store as it
    now is, for the filter in force, read by a worker (see tui/watcher.py)."""

    query: str
    ids: list[int] | None  # the list for `query` (None: the query failed)
    tag_counts: dict[str, int]
    total: int
    feeds: list[FeedStatus]
    rows: list[Entry]  # fresh copies of the rows the list had cached
    article: Entry | None  # the entry the article shows, with its body (None: gone, or none shown)
    view_counts: dict[str, int | None] = field(default_factory=dict)  # the sidebar's views
    alert_mark: int = 0  # the newest watch alert, and those after the screen's mark
    alerts: list[WatchMatch] = field(default_factory=list)


@dataclass
class ConfigReloaded(Message):
    """The config file changed and was read again: the settings now in force, or why it could not
    be read (settings None: the last good config stays in force)."""

    settings: Settings | None
    error: str | None = None
