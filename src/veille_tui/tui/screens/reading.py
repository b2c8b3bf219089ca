"""What the main screen reads and writes, kept in step with the store, and its background work.

`ReadingScreen` owns the library calls and hands models to the widgets. Quick reads (a window of
rows, one entry, the ids of a query) run here, in the UI thread, because SQLite answers them in
milliseconds; the archive index, the feed statuses, fetching, draft writing, opening a browser and
reading what another process committed run in thread workers, each on a connection of its own.
A worker sends its result as a message and raises when it fails: one `Worker.StateChanged` handler
reports every failure (tui/workers.py). `MainScreen` (main.py) lays the widgets out and routes the
keys.
"""

from __future__ import annotations

import sqlite3
import time
import webbrowser
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from textual import on, work
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from veille_tui.core.errors import QueryError
from veille_tui.core.library import Library
from veille_tui.core.models import Entry, FeedStatus, WatchMatch
from veille_tui.core.text import clean_line
from veille_tui.tui.alerts import WatchAlerts
from veille_tui.tui.browser import LinkNotOpened, open_link
from veille_tui.tui.lru import LRU
from veille_tui.tui.messages import (
    DraftDone,
    FeedsLoaded,
    FetchDone,
    FetchProgress,
    FetchStarted,
    IndexDone,
    IndexProgress,
    StoreChanged,
    SyncDone,
)
from veille_tui.tui.timings import Timings
from veille_tui.tui.views import Place, ViewHistory, query_terms
from veille_tui.tui.watcher import StoreWatcher, read_changes
from veille_tui.tui.widgets.article import RELATED_LIMIT, ArticleView
from veille_tui.tui.widgets.entry_list import EntryList
from veille_tui.tui.widgets.sidebar import VIEW_COUNTED, VIEWS, Choice, Sidebar
from veille_tui.tui.widgets.status import StatusLine
from veille_tui.tui.workers import (
    ACTIVITY_GROUPS,
    WRITER_GROUPS,
    Notice,
    failure_notice,
    fetch_notice,
    index_changed,
    index_notice,
    run_fetch,
    run_index,
    run_sync,
    sync_note,
)


class Preloaded(Protocol):
    """What the first screen shows, read while Textual was being imported (tui/__init__.py)."""

    def get(self) -> tuple[list[int], dict[str, int]] | None: ...


class ReadingScreen(Screen[None]):
    """The state of the main screen and the work behind it; its subclass composes the widgets
    `#sidebar`, `#entries`, `#article` and `#status`."""

    def __init__(self, lib: Library, offline: bool = False, preload: Preloaded | None = None) -> None:
        super().__init__()
        self.lib = lib
        self.preload = preload
        self.offline = offline
        self.total = 0  # entries in the store
        self.choice: Choice = Choice("view:all", VIEWS[0][1], "")
        self.query_text = ""  # the filter in force (a query string)
        self.tag_counts: dict[str, int] = {}
        self.view_counts: dict[str, int | None] = {}  # the sidebar's views (None: not in this store)
        self.feeds: list[FeedStatus] | None = None
        self.views = ViewHistory()  # each view's cursor, and the views `backspace` goes back to
        self.marking: set[int] = set()  # being marked read by a worker (`A`): shown read already
        self._articles: LRU[int, Entry] = LRU(64)
        self._activity = ""  # index / fetch progress shown in the status line
        self._sync = ""  # the team server's trouble, if any, shown in the status line
        self.timings = Timings()  # bench/tui_bench.py reads them
        # what another process commits (a fetch from cron) shows without a key: see tui/watcher.py
        self.watcher = StoreWatcher(lib)
        self.watch_alerts = WatchAlerts(0)  # the watch alerts told (load_first: those before are not)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one("#sidebar", Sidebar)

    @property
    def entries(self) -> EntryList:
        return self.query_one("#entries", EntryList)

    @property
    def article(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    def tell(self, notice: Notice, timeout: float | None = None) -> None:
        self.notify(notice.text, severity=notice.severity, markup=False, timeout=timeout)

    # --- reads ------------------------------------------------------------------------------

    def load_first(self) -> list[int]:
        """The ids of every entry and the sidebar, for the first frame (read by the preload
        thread when there is one)."""
        loaded = self.preload.get() if self.preload is not None else None
        if loaded is None:
            loaded = self.lib.entry_ids(""), self.lib.tag_counts()
        ids, self.tag_counts = loaded
        self.watch_alerts.mark = self.lib.watch_mark()
        self.total = len(ids)
        self._count_views()
        self._fill_sidebar()
        return ids

    def start_background(self) -> None:
        """Once the first frame is out, so that they do not slow it down: the poll, the feeds'
        statuses, the archive index."""
        self.watcher.start(self, self.poll_store)
        self.load_feeds()
        if self.lib.sync_configured and not self.offline:
            self.sync_server()
        if self.lib.archive is not None:
            self.set_activity("indexing the archive…")
            self.index_archive()

    def fetch_rows(self, ids: Sequence[int]) -> list[Entry]:
        rows = self.lib.entries_by_ids(ids)
        if self.marking:  # not committed yet: shown as they will be
            rows = [replace(e, read=True) if e.id in self.marking else e for e in rows]
        return rows

    @staticmethod
    def counted_views() -> list[tuple[str, str]]:
        """The sidebar's views with the query each one counts."""
        return [(v, VIEW_COUNTED.get(v, q)) for v, _label, q in VIEWS if v != "all"]

    def _count_views(self) -> None:
        self.view_counts = self.lib.view_counts(self.counted_views())

    def tell_watch(self, mark: int, matches: Sequence[WatchMatch]) -> None:
        """New watch matches (a fetch here, or seen from another process): one bell, one notice."""
        alert = self.watch_alerts.take(mark, matches)
        if alert is not None:
            self.app.bell()
            self.notify(alert.text, title=alert.title, markup=False, timeout=12)

    def _fill_sidebar(self) -> None:
        counts = {**self.view_counts, "all": self.total}
        self.sidebar.fill(
            self.tag_counts, self.feeds, self.lib.settings.queries, view_counts=counts, active=self.choice.id
        )

    def reload(self) -> None:
        """The store changed under us (index, fetch, draft): counts, sidebar, list, article."""
        self.watcher.caught_up()
        self.tag_counts = self.lib.tag_counts()
        self.total = self.lib.count(None)
        self._count_views()
        self._fill_sidebar()
        keep = self.entries.current_id
        try:
            ids = self.lib.entry_ids(self.query_text)
        except QueryError:
            ids = self.lib.entry_ids("")
        self._articles.clear()
        self.entries.forget_rows()
        self.entries.set_ids(ids, keep=keep)
        self.update_status()

    def place(self) -> Place:
        """The view shown, and where its list is."""
        entries = self.entries
        return Place(self.choice, self.query_text, entries.current_id, entries.scroll_offset.y)

    def apply(self, query: str, choice: Choice | None = None, *, going_back: bool = False) -> str | None:
        """Show the entries matching `query`; the list takes the focus with its first entry
        selected, or, for a view shown before, the entry it had, at the same height. Returns an
        error message for a malformed query (nothing changes then)."""
        started = time.perf_counter()
        try:
            ids = self.lib.entry_ids(query)
        except QueryError as exc:
            return str(exc)
        except sqlite3.DatabaseError as exc:  # locked for too long, or damaged: say so, go on
            return self.lib.explain(exc)
        self.views.leave(self.place(), going_back=going_back)
        earlier = self.views.place(query)
        self.query_text = query
        self.choice = choice or Choice("query", query or "All entries", query)
        self.sidebar.set_active(choice.id if choice is not None else None)
        entries = self.entries
        if earlier is not None:
            entries.set_ids(ids, keep=earlier.entry_id, scroll_row=earlier.top)
        else:
            entries.set_ids(ids)
        terms, article = query_terms(query), self.article
        if article.entry is not None and (terms and terms.pattern) != (article.terms and article.terms.pattern):
            article.show(article.entry, keep_scroll=True, terms=terms)  # the words to highlight changed
        if self.focused is not entries:
            entries.focus()
        self.update_status()
        self.timings.since("apply", started)
        self.timings.until_painted(self, "apply_painted", started)
        return None

    def apply_choice(self, choice_id: str) -> None:
        choice = self.sidebar.choices.get(choice_id)
        if choice is None:
            return
        error = self.apply(choice.query, choice)
        if error:
            self.notify(f"{choice.label}: {error}", severity="error", markup=False)

    def update_status(self) -> None:
        query = self.choice.id == "query"
        label = (self.query_text or "All entries") if query else self.choice.label
        self.query_one("#status", StatusLine).show(
            label,
            len(self.entries.ids),
            query=query and bool(self.query_text),
            activity=self._activity,
            offline=self.offline,
            position=self.status_position(),
            sync=self._sync,
        )

    def status_position(self) -> str:
        """Where the reader is, for the status line ("": nothing to say)."""
        return ""

    def set_activity(self, text: str) -> None:
        self._activity = text
        self.update_status()

    def load_entry(self, entry_id: int) -> Entry | None:
        """An entry with its body (the last ones read are kept)."""
        entry = self._articles.get(entry_id)
        if entry is None:
            entry = self.lib.entry(entry_id)
            if entry is not None:
                self._articles[entry_id] = entry
        return entry

    def show_article(self, entry_id: int) -> Entry | None:
        started = time.perf_counter()
        entry = self.load_entry(entry_id)
        if entry is None:
            self.article.show_message("This entry is gone (the archive or a fetch removed it).")
            return None
        self.article.show(
            entry,
            terms=query_terms(self.query_text),
            intel=self.lib.cve_intel(entry.cves),
            related=self.lib.related(entry.id, limit=RELATED_LIMIT + 1),  # one more: there are more
        )
        self.timings.since("article_render", started)
        self.timings.until_painted(self, "article_painted", started)
        return entry

    # --- entry state ------------------------------------------------------------------------

    def _changed(self, entry: Entry) -> None:
        """Show a changed entry everywhere it appears (list row, article header, cache)."""
        self.watcher.edited()
        cached = self._articles.get(entry.id)
        if cached is not None:
            self._articles[entry.id] = replace(entry, body=cached.body)
        self.entries.update_entry(replace(entry, body=None))
        self.article.update_header(self._articles.get(entry.id) or entry)

    def open_entry(self, entry_id: int) -> Entry | None:
        """Show an entry in the article and mark it read (enter, n, N, space at an article's end)."""
        entry = self.load_entry(entry_id) if entry_id == self.article.entry_id else self.show_article(entry_id)
        if entry is not None and not entry.read and entry.id not in self.marking:
            self.set_read(entry, True)
        return entry

    def set_read(self, entry: Entry, read: bool) -> None:
        self.lib.set_read(entry.id, read)
        self.count_waiting()
        self._changed(replace(entry, read=read))
        if entry.read != read:
            self._count_unread(-1 if read else 1, "watch" in entry.tags)
        if entry.feeds:
            self.sidebar.adjust_unread(entry.feeds, -1 if read else 1)

    def _count_unread(self, delta: int, watched: bool = False) -> None:
        """The views that count unread entries: Unread, and Watch for an entry it lists."""
        for view in ("unread", "watch") if watched else ("unread",):
            unread = self.view_counts.get(view)
            if unread is not None:
                self.view_counts[view] = max(unread + delta, 0)
                self.sidebar.set_view_count(view, self.view_counts[view] or 0)

    def set_starred(self, entry: Entry, starred: bool) -> None:
        self.lib.set_starred(entry.id, starred)
        self.count_waiting()
        self._changed(replace(entry, starred=starred))

    # --- workers: each raises when it fails (see worker_state_changed) ---------------------

    @work(thread=True, group="index", exclusive=True, exit_on_error=False)
    def index_archive(self) -> None:
        with self.lib.for_thread() as lib:
            self.post_message(run_index(lib, self.post_message, get_current_worker()))

    @work(thread=True, group="feeds", exclusive=True, exit_on_error=False)
    def load_feeds(self) -> None:
        with self.lib.for_thread() as lib:
            self.post_message(FeedsLoaded(lib.feed_statuses()))

    @work(thread=True, group="fetch", exclusive=True, exit_on_error=False)
    def fetch(self, names: list[str]) -> None:
        with self.lib.for_thread() as lib:
            self.post_message(run_fetch(lib, names, self.post_message, self.watch_alerts.mark))
            if lib.sync_configured:  # `r` and `R`: the team server too, after the feeds
                self.post_message(run_sync(lib))

    @work(thread=True, group="sync", exclusive=True, exit_on_error=False)
    def sync_server(self) -> None:
        """At start-up, once the first frame is out: what waits, then a sync (the screen never
        waits for the server)."""
        with self.lib.for_thread() as lib:
            pending, error = lib.sync_state()
            self.post_message(SyncDone(None, pending, error))
            self.post_message(run_sync(lib))

    @work(thread=True, group="changes", exclusive=True, exit_on_error=False)
    def read_store_changes(self, query: str, cached: list[int], article_id: int | None, alert_mark: int) -> None:
        worker = get_current_worker()
        with self.lib.for_thread() as lib:
            message = read_changes(lib, query, cached, article_id, self.counted_views(), alert_mark)
        if not worker.is_cancelled:
            self.post_message(message)

    @work(thread=True, group="browser", exit_on_error=False)
    def open_in_browser(self, browser: webbrowser.BaseBrowser, link: str) -> None:
        open_link(browser, link)
        self.app.call_from_thread(self.notify, f"Opened in the browser: {link}", markup=False, timeout=3)

    @on(Worker.StateChanged)
    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one error path of the workers: tidy what a failed one leaves, then tell it."""
        worker, error = event.worker, event.worker.error
        if event.state != WorkerState.ERROR or error is None:
            return
        if worker.group in ACTIVITY_GROUPS:
            self.set_activity("")
        elif worker.group == "changes":  # locked for too long, or damaged: the next poll reads again
            self.watcher.forget()
        elif worker.group == "feeds":  # the sidebar shows no feeds
            self.feeds = []
            self._fill_sidebar()
        elif worker.group == "mark":  # nothing was marked: show the store as it is
            self.marking.clear()
            self.reload()

        if worker.group == "fulltext":  # the failure was recorded with the entry: show it
            self.full_text_failed()
        if isinstance(error, LinkNotOpened):
            self.app.copy_to_clipboard(error.link)
        notice = failure_notice(worker.group, error, self.lib.explain)
        if notice is not None:
            self.tell(notice)

    def full_text_failed(self) -> None:
        """`f` could not fetch or extract the page (screens/fulltext.py)."""

    # --- what the workers send --------------------------------------------------------------

    @on(DraftDone)
    def draft_done(self, message: DraftDone) -> None:
        self.set_activity("")
        self.notify(message.text, markup=False, timeout=6)
        self.reload()
        entry = self.lib.entry(message.entry_id)
        if entry is not None:
            self._articles[entry.id] = entry
            self._changed(entry)
            if self.article.entry_id == entry.id:
                self.article.show(entry, keep_scroll=True)

    @on(IndexProgress)
    def index_progress(self, message: IndexProgress) -> None:
        self.set_activity(f"indexing the archive {message.done}/{message.total}…")

    @on(IndexDone)
    def index_done(self, message: IndexDone) -> None:
        self.set_activity("")
        report = message.report
        if report is None:
            return
        if index_changed(report):
            self.reload()
            self.load_feeds()
        notice = index_notice(report)
        if notice is not None:
            self.tell(notice)

    @on(FeedsLoaded)
    def feeds_loaded(self, message: FeedsLoaded) -> None:
        self.feeds = message.feeds
        self._fill_sidebar()
        self.feeds_changed()

    def feeds_changed(self) -> None:
        """The feeds' statuses were read again (the feeds screen follows them)."""

    @on(FetchStarted)
    def fetch_started(self, message: FetchStarted) -> None:
        self.set_activity(f"refreshing 0/{message.total} feeds…")

    @on(FetchProgress)
    def fetch_progress(self, message: FetchProgress) -> None:
        self.set_activity(f"refreshing {message.done}/{message.total} feeds…")

    @on(FetchDone)
    def fetch_done(self, message: FetchDone) -> None:
        self.set_activity("")
        self.tell(fetch_notice(message.outcomes))
        self.tell_watch(message.alert_mark, message.alerts)
        self.reload()
        self.load_feeds()

    @on(SyncDone)
    def sync_done(self, message: SyncDone) -> None:
        self._sync = sync_note(message.pending, message.error)
        self.update_status()
        outcome = message.outcome
        if outcome is not None and not outcome.ok:
            self.notify(clean_line(outcome.error or ""), title="Team server", severity="warning", markup=False)
        for note in outcome.notes if outcome is not None else ():  # a server that never ended its pages
            self.notify(clean_line(note), title="Team server", severity="warning", markup=False)
        if outcome is not None and outcome.ok and (outcome.items or outcome.pulled or outcome.new_feeds):
            self.reload()
            self.load_feeds()

    def count_waiting(self) -> None:
        """A change made here while the server is out of reach: one more waits (the status line)."""
        if self._sync:
            pending, error = self.lib.sync_state()
            self._sync = sync_note(pending, error)
            self.update_status()

    # --- changes made by another process ----------------------------------------------------

    def poll_store(self) -> None:
        """Every few seconds: has another connection committed? (a few microseconds when not;
        nothing is repainted then). Our own workers reload when they finish: not while they run."""
        if any(w.is_running and w.group in WRITER_GROUPS for w in self.app.workers):
            return
        if self.watcher.moved(self.query_text):
            self.read_store_changes(
                self.query_text, self.entries.cached_ids(), self.article.entry_id, self.watch_alerts.mark
            )

    @on(StoreChanged)
    def store_changed(self, message: StoreChanged) -> None:
        """Show what changed in place: counts, sidebar, list (the cursor on the same entry),
        article; what did not change is not repainted."""
        self.tell_watch(message.alert_mark, message.alerts)  # once, even when the rest is stale
        if not self.watcher.still_wanted(message, self.query_text):
            return
        added = message.total - self.total
        now = (message.tag_counts, message.total, message.feeds, message.view_counts)
        if now != (self.tag_counts, self.total, self.feeds, self.view_counts):
            self.tag_counts, self.total, self.feeds, self.view_counts = now
            self._fill_sidebar()
        if added > 0:
            self.notify(
                f"{added} new {'entry' if added == 1 else 'entries'} in the store (g: top of the list)",
                markup=False,
                timeout=5,
            )
        entries = self.entries
        entries.replace_rows(message.rows)
        if message.ids is not None and message.ids != entries.ids:
            entries.set_ids(message.ids, keep=entries.current_id)
        article = message.article
        self._articles.clear()
        if article is not None and article.id == self.article.entry_id:
            self._articles[article.id] = article
            if article != self.article.entry:
                self.article.show(article, keep_scroll=True)
        self.update_status()
