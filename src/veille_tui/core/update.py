"""The update layer: the fetch pipeline (which feeds to ask, the downloads, and a writer thread that
stores what they bring while the downloads go on: batched commits, bounded backlog, Retry-After
honoured), and the hooks (core/enrich) run over what each write batch stored, in its transaction.
`open_store` opens a database with the hooks' start-up pass; `store_fetch` stores one feed's fetch
outcome and runs the hooks (the one way to do it, for the pipeline and the tests)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from veille_tui.core import enrich
from veille_tui.core.models import Asset, Feed, FeedOutcome, FetchSettings, FetchStatus, Item, Rule
from veille_tui.core.store import Store
from veille_tui.core.store.base import FUTURE_SLACK
from veille_tui.core.store.rows import Added

log = logging.getLogger(__name__)

BACKLOG = 8  # feeds parsed but not stored yet: beyond it, downloads wait (bounds memory)
BATCH = 8  # feeds stored in one transaction at most (but for unchanged ones)
UNCHANGED_BATCH = 64  # unchanged feeds (a status write each) handed to the writer together


def open_store(
    path: Path | str,
    watch: Iterable[str] | None = None,
    rules: Sequence[Rule] | None = None,
    assets: Sequence[Asset] | None = None,
    *,
    config_stamp: int = 0,
) -> Store:
    """A database opened with the config's watch list, rules and assets, its derived data brought
    up to them (enrich.on_open). None: a read-only look, what it holds left as it is.
    config_stamp: the config's mtime (a database derived from a newer config is left as it is)."""
    store = Store(path, watch, rules, config_stamp=config_stamp)
    store.assets = tuple(assets) if assets is not None else None
    try:
        enrich.on_open(store)
    except BaseException:
        store.close()
        raise
    return store


def full_text_stored(store: Store, entry_id: int, *, alerts: bool = False) -> None:
    """A full text was stored with the entry: what derives from it again, every step over its
    text (its watch terms, indicators and assets may be in the page only: each step reads the
    stored full text). alerts: stored by a fetch (a first watch match is an alert)."""
    with store.transaction():
        text = store.refreshed_text(entry_id)
        if text is not None:
            enrich.written(store, {entry_id: text}, alerts=alerts)


def store_fetch(
    store: Store,
    feed_id: int,
    *,
    status: FetchStatus,
    items: Sequence[Item] = (),
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    final_url: str | None = None,
    site_title: str | None = None,
    retry_after: float | None = None,
    warning: str | None = None,
    ahead: Mapping[tuple[str, str], enrich.Ahead] | None = None,
) -> Added:
    """One feed's fetch outcome stored, and the hooks over the entries it made or changed, in one
    transaction. ahead: what the parser process found in the items' texts (enrich.found_in_items)."""
    with store.transaction():
        added = store.record_fetch(
            feed_id,
            status=status,
            items=items,
            error=error,
            etag=etag,
            last_modified=last_modified,
            final_url=final_url,
            site_title=site_title,
            retry_after=retry_after,
            warning=warning,
        )
        enrich.written(store, added.changed, alerts=True, ahead=ahead)
    return added


def update_feeds(
    store: Store,
    feeds: Sequence[Feed],
    settings: FetchSettings,
    names: Sequence[str] = (),
    on_result: Callable[[FeedOutcome], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_full_text: Callable[[int, int], None] | None = None,
    parallel: bool = False,
) -> list[FeedOutcome]:
    """Fetch the feeds (all, or those matching names) and store what they bring; then the full
    text of the new items of `full_text = true` feeds or of `[fetch] full_text_query`
    (on_full_text(extracted, failed) when there were any). parallel: the cluster pass at the end
    may fork a helper process (the command line; the TUI fetches from a thread, where forking is
    unsafe)."""
    from veille_tui.core.feeds import http as fetch_mod  # here: httpx and asyncio only for a fetch

    store.sync_feeds(feeds)
    last_id = store.last_entry_id()
    states = store.feed_states(names)
    # Retry-After honoured: a feed whose server asked us to wait is left alone until then
    waiting = store.deferred_feeds()
    deferred = [s for s in states if s.url in waiting]
    states = [s for s in states if s.url not in waiting]
    if on_start:
        on_start(len(states) + len(deferred))
    by_url = {s.url: (s.id, s.title) for s in states}
    requests = [
        fetch_mod.FetchRequest(url=s.url, etag=s.etag, last_modified=s.last_modified, name=s.title or s.url)
        for s in states
    ]
    outcomes: list[FeedOutcome] = []
    for s in deferred:
        until = time.strftime("%H:%M", time.localtime(waiting[s.url]))
        outcome = FeedOutcome(
            s.title or s.url, s.url, "deferred", error=f"the server asked to wait (Retry-After) until {until}"
        )
        outcomes.append(outcome)
        if on_result:
            on_result(outcome)

    def record(result: Any) -> FeedOutcome:
        feed_id, title = by_url[result.url]
        warning = fetch_warning(result.warning, result.items, time.time())
        added = store_fetch(
            store,
            feed_id,
            status=result.status,
            items=result.items,
            error=result.error,
            etag=result.etag,
            last_modified=result.last_modified,
            final_url=result.final_url,
            site_title=result.title or None,
            retry_after=result.retry_after,
            warning=warning,
            ahead=enrich.ahead_of_items(result.items, result.found) if result.found is not None else None,
        )
        return FeedOutcome(
            title or result.url,
            result.url,
            result.status,
            added.new,
            result.error,
            len(result.items),
            warning,
            archived=added.archived,
        )

    def report(result: Any, outcome: FeedOutcome) -> None:
        result.items, result.found = [], None  # stored: let them go (peak memory at 500 feeds)
        outcomes.append(outcome)
        if on_result:
            on_result(outcome)

    def store_one(result: Any) -> None:
        try:
            outcome = record(result)
        except Exception as exc:  # this feed is reported as failed; the others are kept
            title = by_url[result.url][1]
            outcome = FeedOutcome(title or result.url, result.url, "error", error=f"could not store: {exc}")
        report(result, outcome)

    # Results are stored by a writer thread while the event loop goes on downloading and the
    # parser processes go on parsing. What waits when the writer comes back is stored in one
    # transaction (fewer commits); if that fails, feed by feed. Unchanged feeds (a 304: one status
    # write each) are handed over UNCHANGED_BATCH at a time: fewer commits and thread wake-ups.
    results: queue.Queue[list[Any] | None] = queue.Queue()
    unchanged: list[Any] = []

    def hand_over(result: Any) -> None:
        if result.status != "unchanged":
            results.put([result])
            return
        unchanged.append(result)
        if len(unchanged) >= UNCHANGED_BATCH:
            results.put(unchanged[:])
            unchanged.clear()

    failure: list[BaseException] = []  # what stopped the writer: raised in this thread
    finished = False

    def write_batches() -> None:
        nonlocal finished
        while not finished:
            got = [results.get()]
            count = len(got[0] or ())
            while got[-1] is not None and not results.empty() and count < BATCH:
                got.append(results.get_nowait())
                count += len(got[-1] or ())
            if got[-1] is None:
                finished = True
                got.pop()
            batch = [result for part in got if part is not None for result in part]
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
                for result, outcome in zip(batch, stored, strict=True):
                    report(result, outcome)

    def writer() -> None:
        # An error here (in on_result, say) must neither end the thread with a traceback on
        # stderr nor leave the downloads waiting for it (hold): keep taking the results until
        # the end, drop them, and let the caller raise the error.
        try:
            write_batches()
        except BaseException as exc:
            failure.append(exc)
            if not finished:  # the end (None) not taken yet
                while results.get() is not None:
                    pass

    thread = threading.Thread(target=writer, name="veille-store-writer", daemon=True)
    with enrich.clusters_deferred(store, fork=parallel):  # one cluster pass over what the fetch stored, at its end
        thread.start()
        try:
            fetch_mod.fetch_feeds(
                requests,
                settings,
                on_result=hand_over,
                hold=lambda: results.qsize() > BACKLOG,
                then=enrich.found_in_items,  # the CVE and IOC steps' finding, in the parser processes
            )
        finally:
            if unchanged:
                results.put(unchanged[:])
            results.put(None)
            thread.join()
        if failure:
            raise failure[0]
    try:
        done, failed = fetch_full_texts(store, feeds, settings, last_id)
    except Exception:  # never the feeds' fetch: what it stored stays, the pages are tried next time
        log.exception("full text at fetch time")
    else:
        if on_full_text is not None and (done or failed):
            on_full_text(done, failed)
    store.prune(settings.retention_days)
    store.apply_pending_state()  # read/starred state kept by `doctor --repair` for items not back yet
    return outcomes


def fetch_full_texts(store: Store, feeds: Sequence[Feed], settings: FetchSettings, after_id: int) -> tuple[int, int]:
    """The full text of the entries made after after_id that a `full_text = true` feed brought or
    that match `[fetch] full_text_query`, stored with them (a failure recorded, the summary kept);
    at most `full_text_per_host` pages at once per host. Returns (extracted, failed)."""
    urls = [feed.url for feed in feeds if feed.full_text]
    if not urls and not settings.full_text_query:
        return 0, 0
    wanted = store.full_text_wanted(after_id, urls, settings.full_text_query)
    if not wanted:
        return 0, 0
    from veille_tui.core import fulltext  # here: its extractor's imports cost ~0.2 s, and most fetches have no page

    # a link a feed brought, fetched unasked: not inside the network but the feed's own host (core/net/urls.py)
    feeds_of = store.feed_urls_of([entry_id for entry_id, _ in wanted])
    from veille_tui.core import net

    reach = [net.Reach.automatic(feeds_of.get(entry_id, ()), settings.allow_private) for entry_id, _ in wanted]
    results = fulltext.from_urls(
        [link for _, link in wanted], settings, per_host=settings.full_text_per_host, reach=reach
    )
    failed = 0
    done = 0
    for (entry_id, link), found in zip(wanted, results, strict=True):
        if isinstance(found, fulltext.PageError):
            store.save_full_text_error(entry_id, link, found.reason)
            failed += 1
        else:
            store.save_full_text(entry_id, found)
            full_text_stored(store, entry_id, alerts=True)  # its watch terms may be in the page only
            done += 1
    return done, failed


def fetch_warning(parse_warning: str | None, items: Sequence[Item], now: float) -> str | None:
    """What the user is told about a feed that was read, but not quite as it claims."""
    parts = [parse_warning] if parse_warning else []
    undated = sum(1 for item in items if item.ts is None)
    if undated:
        parts.append(f"{undated} item(s) without a usable date: dated when fetched")
    future = sum(1 for item in items if item.ts is not None and item.ts > now + FUTURE_SLACK)
    if future:
        parts.append(f"{future} item(s) dated in the future: listed at their fetch time")
    return "; ".join(parts) or None
