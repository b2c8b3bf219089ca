"""The small API the CLI and the TUI use: settings + store + archive, wired once."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from veille_tui.core import archive as archive_mod
from veille_tui.core import config as config_mod
from veille_tui.core import paths
from veille_tui.core.models import IndexReport
from veille_tui.core.store import Store
from veille_tui.core.text import normalize_tag


NO_ARCHIVE = 'no archive: give --archive DIR, set VEILLE_TUI_ARCHIVE, or archive = "..." in the config'


class DraftError(Exception):
    pass


@dataclass
class FeedOutcome:
    """One feed's fetch, as reported to the user."""

    name: str
    url: str
    status: str  # ok | unchanged | error | deferred (Retry-After not yet passed)
    new: int = 0
    error: str | None = None
    items: int = 0
    warning: str | None = None  # e.g. items whose date could not be read


class Library:
    def __init__(self, settings: config_mod.Settings, archive: Path | None, store: Store) -> None:
        self.settings = settings
        self.archive = archive
        self.store = store

    @classmethod
    def open(cls, config: str | None = None, archive: str | None = None, db_path: Path | None = None) -> Library:
        settings = config_mod.load(config)
        root = config_mod.resolve_archive(archive, settings)
        store = Store(db_path or paths.database_file(), watch=settings.watch)
        return cls(settings, root, store)

    def close(self) -> None:
        self.store.close()

    def reopen_store(self) -> Store:
        """A second connection on the same database, for a worker thread."""
        return Store(self.store.path, watch=self.settings.watch)

    # --- archive --------------------------------------------------------------------------------

    def index(
        self, progress: Callable[[int, int], None] | None = None, store: Store | None = None, parallel: bool = False
    ) -> IndexReport | None:
        """Incremental index of the archive. parallel=True only from the main thread of a process."""
        if self.archive is None:
            return None
        return (store or self.store).index_archive(self.archive, progress, parallel=parallel)

    def write_draft(self, entry_id: int, extra_tags: Sequence[str] = (), store: Store | None = None) -> Path:
        """Write an archive draft for an item and index it, so that it shows as archived."""
        store = store or self.store
        if self.archive is None:
            raise DraftError(NO_ARCHIVE)
        found = store.item_for_draft(entry_id)
        if found is None:
            raise DraftError(f"no entry with id {entry_id}")
        entry, feed_tags = found
        if entry.kind == "post":
            raise DraftError(f"entry {entry_id} is already archived ({entry.file})")
        if not entry.link:
            raise DraftError(f"entry {entry_id} has no link to cite as its source")
        tags = ["veille-cyber"]
        for tag in [*feed_tags, *extra_tags]:
            tag = normalize_tag(tag)
            if tag and tag not in tags:
                tags.append(tag)
        try:
            day = datetime.fromisoformat(entry.date).astimezone(timezone.utc).date() if entry.date else date.today()
        except ValueError:
            day = date.today()
        body = (entry.body or "").strip()
        # the archive's posts open with a heading: the item's own, else its title
        summary = body if body.startswith("#") else f"### {entry.title}\n\n{body}".strip()
        try:
            path = archive_mod.write_draft(self.archive, title=entry.title, day=day, tags=tags, summary=summary, link=entry.link)
        except FileNotFoundError as exc:
            raise DraftError(str(exc)) from None
        except archive_mod.DraftExists as exc:
            raise DraftError(f"{exc}: a post with that name exists already; not overwritten") from None
        except OSError as exc:
            raise DraftError(f"{self.archive}: cannot write the draft: {exc.strerror or exc}") from None
        store.index_archive(self.archive)
        return path

    # --- feeds ----------------------------------------------------------------------------------

    def fetch(
        self, names: Sequence[str] = (), on_result: Callable[[FeedOutcome], None] | None = None,
        store: Store | None = None, on_start: Callable[[int], None] | None = None,
    ) -> list[FeedOutcome]:
        """Fetch the feeds (all, or those matching names) and store what they bring."""
        from veille_tui.core import fetch as fetch_mod

        store = store or self.store
        store.sync_feeds(self.settings.feeds)
        states = store.feed_states(names)
        # Retry-After honoured: a feed whose server asked us to wait is left alone until then
        waiting = store.deferred_feeds()
        deferred = [s for s in states if s[1] in waiting]
        states = [s for s in states if s[1] not in waiting]
        if on_start:
            on_start(len(states) + len(deferred))
        by_url = {url: (feed_id, title) for feed_id, url, title, _etag, _lm in states}
        requests = [fetch_mod.FetchRequest(url=url, etag=etag, last_modified=lm, name=title or url)
                    for _id, url, title, etag, lm in states]
        outcomes: list[FeedOutcome] = []
        for _id, url, title, _etag, _lm in deferred:
            until = time.strftime("%H:%M", time.localtime(waiting[url]))
            outcome = FeedOutcome(title or url, url, "deferred", error=f"the server asked to wait (Retry-After) until {until}")
            outcomes.append(outcome)
            if on_result:
                on_result(outcome)

        def record(result) -> FeedOutcome:
            feed_id, title = by_url[result.url]
            new = store.record_fetch(
                feed_id, status=result.status, items=result.items, error=result.error, etag=result.etag,
                last_modified=result.last_modified, final_url=result.final_url,
                site_title=result.title or None, retry_after=result.retry_after,
            )
            undated = sum(1 for item in result.items if item.ts is None)
            warning = f"{undated} item(s) without a usable date: dated when fetched" if undated else None
            return FeedOutcome(title or result.url, result.url, result.status, new, result.error, len(result.items), warning)

        def report(result, outcome: FeedOutcome) -> None:
            result.items = []  # stored: let them go (peak memory at 500 feeds)
            outcomes.append(outcome)
            if on_result:
                on_result(outcome)

        def store_one(result) -> None:
            try:
                outcome = record(result)
            except Exception as exc:  # this feed is reported as failed; the others are kept
                title = by_url[result.url][1]
                outcome = FeedOutcome(title or result.url, result.url, "error", error=f"could not store: {exc}")
            report(result, outcome)

        # Results are stored by a writer thread while the event loop goes on downloading and the
        # parser processes go on parsing. What waits when the writer comes back is stored in one
        # transaction (fewer commits); if that fails, feed by feed.
        results: queue.Queue = queue.Queue()
        backlog = 8  # feeds parsed but not stored yet: beyond it, downloads wait (bounds memory)

        def writer() -> None:
            finished = False
            while not finished:
                batch = [results.get()]
                while batch[-1] is not None and not results.empty() and len(batch) < 8:
                    batch.append(results.get_nowait())
                if batch[-1] is None:
                    finished = True
                    batch.pop()
                if len(batch) < 2:
                    for result in batch:
                        store_one(result)
                    continue
                try:
                    with store.transaction():
                        stored = [record(result) for result in batch]
                except Exception:
                    for result in batch:
                        store_one(result)
                else:
                    for result, outcome in zip(batch, stored):
                        report(result, outcome)

        thread = threading.Thread(target=writer, name="veille-store-writer", daemon=True)
        thread.start()
        try:
            fetch_mod.fetch_feeds(requests, self.settings.fetch, on_result=results.put, hold=lambda: results.qsize() > backlog)
        finally:
            results.put(None)
            thread.join()
        store.prune(self.settings.fetch.retention_days)
        return outcomes
