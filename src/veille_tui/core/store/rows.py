"""Rows as the store's queries return them: named tuples, read by name (`row.title`, never `row[2]`).

Each query selects the columns of its row type in the order of its fields; `Row._make(row)` turns a
cursor row into it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from veille_tui.core.models import Entry, FullText

SEP = "\x1f"  # between feed titles in entries.feeds


class EntryRow(NamedTuple):
    """An entry as lists show it (its body stays in entries_fts)."""

    id: int
    kind: str
    title: str
    date: str
    ts: int
    source: str
    link: str | None
    tags: str
    read: int
    starred: int
    cves: str
    feeds: str
    permalink: str | None
    file: str | None
    hidden: int
    draft: str | None

    def to_entry(self, body: str | None = None) -> Entry:
        return Entry(
            id=self.id,
            kind=self.kind,
            title=self.title,
            date=self.date,
            ts=self.ts,
            source=self.source,
            link=self.link,
            tags=tuple(self.tags.split()),
            read=bool(self.read),
            starred=bool(self.starred),
            cves=tuple(self.cves.split()),
            feeds=tuple(f for f in self.feeds.split(SEP) if f),
            permalink=self.permalink,
            file=self.file,
            hidden=bool(self.hidden),
            draft=self.draft,
            body=body,
        )


ENTRY_COLUMNS = ", ".join(f"e.{name}" for name in EntryRow._fields)


class EntryText(NamedTuple):
    """What an entry derives from: its kind, its post's own tags, its title and body."""

    kind: str
    post_tags: str
    title: str
    body: str | None


class EntryItem(NamedTuple):
    """One feed item of an entry, with the feed that brought it."""

    title: str
    date: str | None
    ts: int | None
    link: str | None
    summary: str
    categories: str
    feed_name: str | None
    feed_tags: str  # JSON list
    feed_url: str
    fetched: float
    link_norm: str | None


class StoredItem(NamedTuple):
    """A feed item already stored, as a fetch compares it with what the feed brings now."""

    id: int
    entry_id: int
    title: str
    summary: str
    link: str | None
    html: str | None


class FoldedEntry(NamedTuple):
    """An item entry about to move into a post's entry."""

    entry_id: int
    read: int
    starred: int


class FeedState(NamedTuple):
    """A feed as a fetch needs it."""

    id: int
    url: str
    title: str  # its name as shown: the config title, else its own, else its URL
    etag: str | None
    last_modified: str | None


class IocRow(NamedTuple):
    """An indicator an entry names: its type, its value (plain), where it was seen."""

    type: str
    value: str
    seen_in: str


class Text(NamedTuple):
    """An entry's title and body, as the derived data reads them."""

    title: str
    body: str


# the entries a write made or changed, with their text (what the update layer's hooks run over)
Changed = Mapping[int, Text]


class Added(NamedTuple):
    """What one fetch of a feed stored: items not seen before, those whose story is already a post
    of the archive counted apart (the fetch says "5 new, 700 already in the archive"); changed: the
    entries it made or changed (for the hooks)."""

    new: int
    archived: int = 0
    changed: Changed = {}


class DraftFile(NamedTuple):
    """A draft as the `drafts` table keeps it."""

    file: str  # relative to the site's folder: _drafts/slug.md
    link_norm: str | None
    title: str
    size: int
    mtime_ns: int


class FileRecord(NamedTuple):
    """A file of the archive as an index saw it (the `files` table)."""

    name: str
    size: int
    mtime_ns: int
    status: str  # indexed | skipped | problem
    reason: str | None


class FeedRow(NamedTuple):
    """A feed as its status line shows it."""

    id: int
    url: str
    name: str  # as FeedState.title
    tags: str  # JSON list
    last_fetch: float | None
    last_error: str | None
    last_ok: float | None
    failures: int  # fetches failed in a row since the last success
    server: int  # the team server holds it (1: feeds.server_id is set)
    local: int  # subscribed here (feeds.active)
    last_warning: str | None  # read, but not whole (malformed XML, items dropped)


class StateRow(NamedTuple):
    """Read/starred state of an entry, keyed by what survives a rebuild (export_state)."""

    kind: str
    file: str | None
    link: str | None
    title: str
    read: int
    starred: int


class FullTextRow(NamedTuple):
    entry_id: int
    title: str
    markdown: str
    text: str
    words: int
    source: str
    fetched: float
    error: str | None

    def to_model(self) -> FullText:
        return FullText(
            title=self.title,
            markdown=self.markdown,
            text=self.text,
            words=self.words,
            source=self.source,
            entry_id=self.entry_id,
            fetched=self.fetched,
            error=self.error,
        )
