"""Plain data the layers hand each other. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from veille_tui import __version__

FetchStatus = Literal["ok", "unchanged", "error", "deferred"]
"""What became of one feed's fetch: stored, 304, failed, or not asked (its Retry-After is not over)."""


@dataclass(frozen=True)
class Feed:
    """A subscription."""

    url: str
    title: str = ""
    tags: tuple[str, ...] = ()
    retention_days: int | None = None  # None: the [fetch] retention_days of the config

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

    CONFIGURABLE = ("timeout", "max_bytes", "concurrency", "per_host", "retention_days", "parse_workers")


@dataclass(frozen=True)
class FeedStatus:
    """A feed as the store knows it: counts and the last fetch outcome."""

    id: int
    url: str
    title: str
    tags: tuple[str, ...]
    unread: int
    total: int
    last_fetch: str | None
    last_error: str | None


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

    @property
    def archived(self) -> bool:
        return self.kind == "post"

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
            "cves": list(self.cves),
            "feeds": list(self.feeds),
        }
        if self.file:
            data["file"] = self.file
        if self.feed_date:
            data["feed_date"] = self.feed_date
        if self.permalink:
            data["permalink"] = self.permalink
        if self.body is not None:
            data["body"] = self.body
        return data


@dataclass
class IndexReport:
    """What an archive (re)index did. Every file is in exactly one of the three."""

    indexed: int = 0
    skipped: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0  # part of `indexed`: files not re-read because size and mtime held
    removed: int = 0
    format: str = ""  # the rules the archive was read with: jekyll | hugo

    def count(self, file: str, status: str, reason: str | None) -> None:
        if status == "indexed":
            self.indexed += 1
        elif status == "skipped":
            self.skipped += 1
        else:
            self.problems.append((file, reason or "unreadable"))

    def to_json(self) -> dict[str, Any]:
        return {
            "indexed": self.indexed,
            "skipped": self.skipped,
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
