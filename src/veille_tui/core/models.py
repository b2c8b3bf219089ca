"""Plain data the layers hand each other. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from veille_tui import __version__
from veille_tui.core.models_assets import Asset, AssetReport  # the inventory: its own module

# CVE intelligence and the sync outcome live in models_intel.py (each module under 450 lines)
from veille_tui.core.models_intel import (
    INTEL_LABELS,
    NVD_URL,
    CveIntel,
    CveSummary,
    IntelKind,
    IntelOutcome,
    IntelStatus,
    KevRecord,
    SyncOutcome,
    nvd_url,
    ordinal,
)
from veille_tui.core.models_iocs import Ioc, IocSummary  # noqa: E402  (indicators: their own module)
from veille_tui.core.models_notify import NotifyOutcome, NotifyTarget

FetchStatus = Literal["ok", "unchanged", "error", "deferred"]
"""What became of one feed's fetch: stored, 304, failed, or not asked (its Retry-After is not over)."""


@dataclass(frozen=True)
class Feed:
    """A subscription."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    retention_days: int | None = None  # None: the [fetch] retention_days of the config
    full_text: bool = False  # fetch the full text of its new items' pages at fetch time

    @property
    def name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True)
class FetchSettings:
    """How feeds are fetched: the [fetch] table of the config (CONFIGURABLE keys) and defaults."""

    timeout: float = 20.0  # seconds per response
    max_bytes: int = 10 * 1024 * 1024  # size cap per response, decoded
    concurrency: int = 16  # requests at once
    per_host: int = 4  # requests at once to one host
    retention_days: int = 90  # read, unstarred, unarchived items older than this are dropped
    user_agent: str = f"veille-tui/{__version__} (+feed reader)"
    parse_workers: int = 2  # processes for parsing; 0 = parse in a thread of this process
    full_text_query: str = ""  # new items matching it get their full text at fetch time ("+watch")
    full_text_per_host: int = 2  # article pages fetched at once from one host
    # where a page a feed links to may be fetched automatically though private (core/net/urls.py)
    allow_private: tuple[str, ...] = ()

    CONFIGURABLE = (
        "timeout",
        "max_bytes",
        "concurrency",
        "per_host",
        "retention_days",
        "parse_workers",
        "full_text_query",
        "allow_private",
    )


@dataclass(frozen=True)
class FeedStatus:
    """A feed as the store knows it: counts and the last fetch outcome."""

    id: int
    url: str
    title: str
    tags: tuple[str, ...]
    unread: int
    total: int
    last_fetch: str | None  # local time, YYYY-MM-DD HH:MM
    last_error: str | None
    last_ok: str | None = None  # the last successful fetch (same form)
    failures: int = 0  # fetches failed in a row since the last success
    server: bool = False  # the team server holds it ([sync]): its items come from there
    local: bool = True  # subscribed in the config (fetched here)
    warning: str | None = None  # the last fetch read it, but not whole (malformed XML, items dropped)

    @property
    def failing(self) -> bool:
        return bool(self.last_error)

    @property
    def warned(self) -> bool:
        """Read at its last fetch, but not whole: not `ok`, not failing either."""
        return bool(self.warning) and not self.failing

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "title": self.title,
            "tags": list(self.tags),
            "items": self.total,
            "unread": self.unread,
            "last_fetch": self.last_fetch,
            "last_ok": self.last_ok,
            "last_error": self.last_error,
            "failures": self.failures,
            "warning": self.warning,
            "server": self.server,
            "local": self.local,
        }


@dataclass(frozen=True)
class Rule:
    """One `[[rules]]` table of the config: a query (the query language) and what to do to the
    entries it matches."""

    query: str
    tags: tuple[str, ...] = ()
    read: bool = False
    star: bool = False
    hide: bool = False
    position: int = 0  # its place among the [[rules]] tables, from 1

    @property
    def name(self) -> str:
        return f"[[rules]] #{self.position} (query = {self.query!r})"

    def key(self) -> list[Any]:
        """What the rule does, for the hash that tells whether the rules changed."""
        return [self.query, list(self.tags), self.read, self.star, self.hide]


@dataclass(frozen=True)
class WatchMatch:
    """An entry that a fetch made match the watch list (kind `watch`: terms are the terms) or an
    asset (kind `asset`: terms are the assets' names) for the first time, or made name a KEV CVE
    (kind `kev`: terms are the CVE ids)."""

    id: int
    title: str
    link: str | None
    terms: tuple[str, ...]
    kind: str = "watch"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "terms": list(self.terms), "title": self.title, "link": self.link}


@dataclass(frozen=True)
class Post:
    """One Markdown file of the archive, as read from disk."""

    file: str  # file name inside the _posts folder (may include sub-folders)
    title: str
    date: str  # ISO 8601: YYYY-MM-DD or a full date-time with offset
    ts: int  # seconds since the epoch, UTC, for sorting
    tags: tuple[str, ...]
    permalink: str
    source_url: str | None
    body: str
    size: int = 0
    mtime_ns: int = 0
    # normalize_link(source_url), worked out where the file is read (the index's reading helper);
    # None: not worked out (the store does it)
    link_norm: str | None = None


@dataclass(frozen=True)
class Item:
    """One entry parsed from a feed, before it is stored."""

    guid: str | None
    link: str | None
    title: str
    date: str | None  # ISO 8601 UTC, or None when the feed gave no usable date
    ts: int | None
    summary: str  # Markdown
    author: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """A story as the lists show it: a post (with items folded in) or an item not archived yet."""

    id: int
    kind: str  # "post" | "item"
    title: str
    date: str
    ts: int
    source: str
    link: str | None
    tags: tuple[str, ...]
    read: bool
    starred: bool
    cves: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()  # titles of the feeds that brought it
    body: str | None = None  # only filled by Store.entry()
    permalink: str | None = None
    file: str | None = None
    feed_date: str | None = None  # only from Store.entry(): its feed's date, when too far ahead to list it by
    watch_terms: tuple[str, ...] = ()  # only from Store.entry(): the watch terms it matched
    affects: tuple[str, ...] = ()  # only from Library.entry() and article(): the assets it touches
    watch_where: tuple[tuple[str, ...], ...] = ()  # with watch_terms: where each is ("title", "text", "full text")
    hidden: bool = False  # a rule hides it (`is:hidden` lists it)
    draft: str | None = None  # its draft file, relative to the site's folder (`_drafts/slug.md`)

    @property
    def archived(self) -> bool:
        return self.kind == "post"

    @property
    def drafted(self) -> bool:
        return self.draft is not None

    def watch_line(self) -> str:
        """The watch terms it matched, each with where: `fortinet (title, full text), ivanti (text)`."""
        places = (*self.watch_where, *[()] * len(self.watch_terms))[: len(self.watch_terms)]
        return ", ".join(
            term + (f" ({', '.join(where)})" if where else "")
            for term, where in zip(self.watch_terms, places, strict=True)
        )

    def to_json(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "date": self.date,
            "tags": list(self.tags),
            "link": self.link,
            "source": self.source,
            "read": self.read,
            "starred": self.starred,
            "archived": self.archived,
            "drafted": self.drafted,
            "cves": list(self.cves),
            "feeds": list(self.feeds),
        }
        if self.file:
            data["file"] = self.file
        if self.draft:
            data["draft"] = self.draft
        if self.feed_date:
            data["feed_date"] = self.feed_date
        if self.hidden:
            data["hidden"] = True
        if self.permalink:
            data["permalink"] = self.permalink
        if self.body is not None:
            data["body"] = self.body
        return data


DraftSource = Literal["command", "fulltext", "summary"]
"""Where a draft's body comes from: the [draft] command, the stored full text, the feed's summary."""

SOURCE_LABELS: dict[str, str] = {
    "command": "the draft command",
    "fulltext": "the full text",
    "summary": "the feed's summary",
}


@dataclass(frozen=True)
class Undone:
    """What `Library.undo` took back (or `next_undo` would): the change as the user made it
    ("mark 294 entries read", "star 1 entry"), how many entries it changed, and the state they
    get back: `read` given to `read_ids` (None: the change did not touch read), `starred` to
    `starred_ids`."""

    what: str
    entries: int
    read: bool | None = None
    read_ids: tuple[int, ...] = ()
    starred: bool | None = None
    starred_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class DraftPlan:
    """What the `a` form starts with: the title, the tags (the archive's rule: its common tag and
    one source tag) and the body sources there are, best first."""

    entry_id: int
    title: str
    tags: tuple[str, ...]
    sources: tuple[DraftSource, ...]
    command: str | None = None  # the [draft] command, when set


@dataclass(frozen=True)
class FullText:
    """An article page's main text (core/fulltext), as extracted or as stored with an entry.

    `error` says why the last attempt failed ("HTTP 403 Forbidden"); the Markdown of an earlier
    success is kept then (`ok` tells whether there is a text to read)."""

    title: str
    markdown: str
    text: str
    words: int
    source: str  # the URL (or file) it was extracted from
    entry_id: int | None = None
    fetched: float | None = None  # when it was stored (seconds since the epoch)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.markdown)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "markdown": self.markdown,
            "text": self.text,
            "words": self.words,
            "source": self.source,
        }
        if self.entry_id is not None:
            data["entry_id"] = self.entry_id
        if self.error:
            data["error"] = self.error
        return data


@dataclass(frozen=True)
class ArticleContent:
    """Everything the article shows of one entry, read at once (`Library.article`, in a worker of
    the TUI): the entry with its body, what is known of its CVE ids, the other stories of its
    cluster, its stored full text."""

    entry: Entry
    intel: dict[str, CveIntel] = field(default_factory=dict)
    related: tuple[Entry, ...] = ()
    full: FullText | None = None
    iocs: tuple[Ioc, ...] = ()  # the indicators it names (shown defanged)


@dataclass
class IndexReport:
    """What an archive (re)index did. Every file is in exactly one of the three."""

    indexed: int = 0
    skipped: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0  # part of `indexed`: files not re-read because size and mtime held
    removed: int = 0
    format: str = ""  # the rules the archive was read with: jekyll | hugo
    drafts: int = 0  # files of the drafts folder (not posts: in none of the three)
    drafts_changed: int = 0  # entries marked drafted, or no more
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (file, why), as many as `skipped`

    def count(self, file: str, status: str, reason: str | None) -> None:
        if status == "indexed":
            self.indexed += 1
        elif status == "skipped":
            self.skipped += 1
            self.skipped_files.append((file, reason or "not a post"))
        else:
            self.problems.append((file, reason or "unreadable"))

    def to_json(self) -> dict[str, Any]:
        return {
            "indexed": self.indexed,
            "skipped": self.skipped,
            "skipped_files": [{"file": f, "reason": r} for f, r in self.skipped_files],
            "problems": [{"file": f, "reason": r} for f, r in self.problems],
        }


@dataclass
class FeedOutcome:
    """One feed's fetch, as reported to the user."""

    name: str
    url: str
    status: FetchStatus
    new: int = 0
    error: str | None = None
    items: int = 0
    warning: str | None = None  # e.g. items whose date could not be read
    archived: int = 0  # items not seen before whose story is already a post of the archive (not in `new`)


__all__ = [
    "Asset",
    "AssetReport",
    "CveIntel",
    "CveSummary",
    "DraftPlan",
    "DraftSource",
    "Entry",
    "Feed",
    "FeedOutcome",
    "FeedStatus",
    "FetchSettings",
    "FetchStatus",
    "FullText",
    "INTEL_LABELS",
    "IndexReport",
    "IntelKind",
    "IntelOutcome",
    "IntelStatus",
    "Ioc",
    "IocSummary",
    "Item",
    "KevRecord",
    "NotifyOutcome",
    "NotifyTarget",
    "NVD_URL",
    "Post",
    "Rule",
    "SOURCE_LABELS",
    "SyncOutcome",
    "WatchMatch",
    "nvd_url",
    "ordinal",
]
