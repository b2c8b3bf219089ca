"""The main screen: sidebar, entry list, article; it owns the store calls and the workers.

Widgets are given models (ids, entries, feed statuses) and post messages; this screen turns
those into store calls. Quick reads (a window of rows, one entry, the ids of a query) run here,
in the UI thread, because SQLite answers them in milliseconds; the archive index, the feed
statuses, fetching and draft writing run in thread workers, each with its own connection.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
import webbrowser
from collections import deque
from collections.abc import Sequence
from dataclasses import replace

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from veille_tui.core.library import NO_ARCHIVE, DraftError, FeedOutcome, Library
from veille_tui.core.models import Entry, FeedStatus
from veille_tui.core.query import QueryError
from veille_tui.core.text import clean_line
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
)
from veille_tui.tui.watcher import POLL_SECONDS, read_changes
from veille_tui.tui.widgets.article import ArticleView
from veille_tui.tui.widgets.entry_list import EntryList
from veille_tui.tui.widgets.keybar import KeyBar, KeyItem
from veille_tui.tui.widgets.sidebar import VIEWS, Choice, Sidebar

ARTICLE_DELAY = 0.08  # seconds the cursor must rest before the article follows it

# The key bar, most useful first: (binding id, its short name in the bar). The bar shows as many
# as its width holds, from the first, and always `help` (the help screen lists every key).
KEY_BAR: tuple[tuple[str, str], ...] = (
    ("list.open", "Open"),
    ("query", "Query"),
    ("next_tag", "Next tag"),
    ("pick_tag", "Tags"),
    ("toggle_read", "Read"),
    ("toggle_starred", "Star"),
    ("open_link", "Link"),
    ("archive", "Archive"),
    ("refresh_all", "Refresh"),
    ("quit", "Quit"),
    ("copy_link", "Copy link"),
    ("previous_tag", "Prev tag"),
    ("next_pane", "Pane"),
    ("theme", "Theme"),
    ("command_palette", "Commands"),
)
KEY_BAR_PINNED = "help"
TEXT_BROWSERS = {"www-browser", "lynx", "links", "links2", "elinks", "w3m", "browsh"}


def gui_browser() -> webbrowser.BaseBrowser | None:
    """A browser that opens a window, or None (no display, or only a text browser that would
    take over this terminal)."""
    if sys.platform != "darwin" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    name = (getattr(browser, "name", "") or type(browser).__name__).lower()
    if os.path.basename(name) in TEXT_BROWSERS or type(browser).__name__ == "GenericBrowser":
        return None
    return browser


class MainScreen(Screen):
    """Three panes, a status line and the footer."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (140, "-wide")]

    BINDINGS: list[BindingType] = [
        Binding("tab", "next_pane", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False, id="previous_pane"),
        Binding("right_square_bracket", "next_tag", "Next tag", id="next_tag"),
        Binding("left_square_bracket", "previous_tag", "Previous tag", show=False, id="previous_tag"),
        Binding("t", "pick_tag", "Tags", id="pick_tag"),
        Binding("slash", "query", "Query", id="query"),
        Binding("escape", "clear_query", "Clear query", show=False, id="clear_query"),
        Binding("u", "toggle_read", "Read/unread", id="toggle_read"),
        Binding("s", "toggle_starred", "Star", id="toggle_starred"),
        Binding("o", "open_link", "Open link", id="open_link"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding("a", "archive", "Archive", id="archive"),
        Binding("r", "refresh_feed", "Refresh feed", show=False, id="refresh_feed"),
        Binding("R", "refresh_all", "Refresh all", id="refresh_all"),
    ]

    def __init__(self, lib: Library, offline: bool = False, preload=None) -> None:
        super().__init__()
        self.lib = lib
        self.preload = preload
        self.total = 0  # entries in the store
        self.offline = offline
        self.choice: Choice = Choice("view:all", VIEWS[0][1], "")
        self.query_text = ""  # the filter in force (a query string)
        self.query_history: list[str] = []
        self.tag_counts: dict[str, int] = {}
        self.feeds: list[FeedStatus] | None = None
        self._article_timer: Timer | None = None
        self._articles: LRU[int, Entry] = LRU(64)
        self._activity = ""  # index / fetch progress shown in the status line
        self._status_cache: tuple | None = None
        # recent durations in seconds, by name (bench/tui_bench.py reads them)
        self.timings: dict[str, deque[float]] = {}
        self._last_move = 0.0
        # what another process commits (a fetch from cron) shows without a key: see changes.py
        self._data_version = self.lib.data_version()
        self._edits = 0  # read/starred changes made here (a reload read before one is stale)
        self._poll_state: tuple[str, int] | None = None

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield Sidebar(id="sidebar")
            with Vertical(id="reading"):
                yield EntryList(self.fetch_rows, id="entries")
                # the line between list and article is a widget of its own: it is not repainted
                # with each article
                yield Widget(id="rule")
                yield ArticleView(id="article")
        with Vertical(id="bottom"):
            yield Static(id="status", markup=False)
            yield KeyBar(id="keys")

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one("#sidebar", Sidebar)

    @property
    def entries(self) -> EntryList:
        return self.query_one("#entries", EntryList)

    @property
    def article(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    def on_mount(self) -> None:
        started = time.perf_counter()
        loaded = self.preload.get() if self.preload is not None else None
        if loaded is None:
            loaded = self.lib.entry_ids(""), self.lib.tag_counts()
        ids, self.tag_counts = loaded
        self.total = len(ids)
        self._fill_sidebar()
        self.entries.set_ids(ids)
        self.entries.focus()
        self.update_status()
        self._fill_keys()
        self._record("startup_load", time.perf_counter() - started)
        # the workers start once the first frame is out, so that they do not slow it down
        self.call_after_refresh(self._start_background)

    def _start_background(self) -> None:
        self.set_interval(POLL_SECONDS, self.poll_store)
        self.load_feeds()
        if self.lib.archive is not None:
            self.set_activity("indexing the archive…")
            self.index_archive()

    # --- data -------------------------------------------------------------------------------

    def fetch_rows(self, ids: Sequence[int]) -> list[Entry]:
        return self.lib.entries_by_ids(ids)

    def _fill_sidebar(self) -> None:
        counts = {"all": self.total}
        self.sidebar.fill(
            self.tag_counts, self.feeds, self.lib.settings.queries, view_counts=counts, active=self.choice.id
        )

    def reload(self) -> None:
        """The store changed under us (index, fetch, draft): counts, sidebar, list, article."""
        self._data_version = self.lib.data_version()
        self.tag_counts = self.lib.tag_counts()
        self.total = self.lib.count(None)
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

    def failure(self, exc: BaseException) -> str:
        """A worker's error as the user should read it: a database error says how to recover."""
        if isinstance(exc, sqlite3.DatabaseError):
            return self.lib.explain(exc)
        return f"{type(exc).__name__}: {exc}"

    def apply(self, query: str, choice: Choice | None = None) -> str | None:
        """Show the entries matching `query`; the list takes the focus with its first entry
        selected. Returns an error message for a malformed query (nothing changes then)."""
        started = time.perf_counter()
        try:
            ids = self.lib.entry_ids(query)
        except QueryError as exc:
            return str(exc)
        except sqlite3.DatabaseError as exc:  # locked for too long, or damaged: say so, go on
            return self.failure(exc)
        self.query_text = query
        self.choice = choice or Choice("query", query or "All entries", query)
        self.sidebar.set_active(choice.id if choice is not None else None)
        entries = self.entries
        entries.set_ids(ids)
        if self.focused is not entries:
            entries.focus()
        self.update_status()
        self._record("apply", time.perf_counter() - started)
        self._record_painted("apply_painted", started)
        return None

    def _record(self, name: str, seconds: float) -> None:
        self.timings.setdefault(name, deque(maxlen=200)).append(seconds)

    def _record_painted(self, name: str, started: float) -> None:
        """Record how long it took from `started` until the screen was refreshed."""
        self.call_after_refresh(lambda: self._record(name, time.perf_counter() - started))

    def apply_choice(self, choice_id: str) -> None:
        choice = self.sidebar.choices.get(choice_id)
        if choice is None:
            return
        error = self.apply(choice.query, choice)
        if error:
            self.notify(f"{choice.label}: {error}", severity="error", markup=False)

    def _fill_keys(self) -> None:
        """The key bar, from the live bindings (the user's keymap applied), in KEY_BAR's order."""
        from veille_tui.tui.screens.help import effective_bindings, key_display

        found: dict[str, KeyItem] = {}
        for node in (self.entries, self.app, self):
            for keys, binding in effective_bindings(node, self.app):
                name = binding.id or binding.action
                if name in found or not keys:
                    continue
                shown = min((key_display(self.app, binding, key) for key in keys), key=len)
                found[name] = KeyItem(shown, binding.description, node, binding.action, pinned=name == KEY_BAR_PINNED)
        skip = {"refresh_all"} if self.offline else set()
        items = [
            replace(found[name], description=label) for name, label in KEY_BAR if name in found and name not in skip
        ]
        if KEY_BAR_PINNED in found:
            items.append(found[KEY_BAR_PINNED])
        self.query_one("#keys", KeyBar).set_items(items)

    # --- status line ------------------------------------------------------------------------

    def update_status(self) -> None:
        count = len(self.entries.ids)
        label = self.choice.label if self.choice.id != "query" else (self.query_text or "All entries")
        state = (label, count, self._activity, self.offline)
        if state == self._status_cache:
            return
        self._status_cache = state
        parts = [Content.styled(f" {label}", "bold"), Content(f" · {count} {'entry' if count == 1 else 'entries'}")]
        if self.choice.id == "query" and self.query_text:
            parts.append(Content.styled("  (esc: all)", "$text-muted"))
        right = []
        if self._activity:
            right.append(Content.styled(self._activity, "$text-warning"))
        if self.offline:
            right.append(Content.styled("offline: cache and archive only", "$text-muted"))
        status = Content.assemble(*parts)
        if right:
            tail = Content("  ").join(right)
            width = max(self.query_one("#status", Static).size.width, 40)
            gap = max(width - status.cell_length - tail.cell_length - 1, 2)
            status = Content.assemble(status, " " * gap, tail)
        self.query_one("#status", Static).update(status)

    def set_activity(self, text: str) -> None:
        self._activity = text
        self.update_status()

    # --- article ----------------------------------------------------------------------------

    @on(EntryList.Highlighted)
    def highlighted(self, event: EntryList.Highlighted) -> None:
        if self._article_timer is not None:
            self._article_timer.stop()
            self._article_timer = None
        if event.entry_id is None:
            if self.query_text:
                message = "No entry matches this query (esc: all entries)."
            elif self.total == 0:  # a first start: say how to get something to read
                message = "Nothing here yet. Start veille-tui with --archive DIR (a Jekyll _posts folder), " + (
                    "or without --offline and press R to fetch the feeds."
                    if self.offline
                    else "or press R to fetch the feeds."
                )
            else:
                message = "No entries here."
            self.article.show_message(message)
            return
        self._last_move = time.perf_counter()
        if event.entry_id == self.article.entry_id:
            return
        self._article_timer = self.set_timer(ARTICLE_DELAY, self._show_current)

    def _show_current(self) -> None:
        self._article_timer = None
        entry_id = self.entries.current_id
        if entry_id is not None and entry_id != self.article.entry_id:
            self.show_article(entry_id)
            self._record_painted("article_after_rest", self._last_move)

    def load_entry(self, entry_id: int) -> Entry | None:
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
        self.article.show(entry)
        self._record("article_render", time.perf_counter() - started)
        self._record_painted("article_painted", started)
        return entry

    @on(EntryList.Opened)
    def opened(self, event: EntryList.Opened) -> None:
        if self._article_timer is not None:
            self._article_timer.stop()
            self._article_timer = None
        entry = (
            self.load_entry(event.entry_id)
            if event.entry_id == self.article.entry_id
            else self.show_article(event.entry_id)
        )
        if entry is not None and not entry.read:
            self.set_read(entry, True)

    # --- entry state ------------------------------------------------------------------------

    def _changed(self, entry: Entry) -> None:
        """Show a changed entry everywhere it appears (list row, article header, cache)."""
        self._edits += 1
        cached = self._articles.get(entry.id)
        if cached is not None:
            self._articles[entry.id] = replace(entry, body=cached.body)
        self.entries.update_entry(replace(entry, body=None))
        self.article.update_header(self._articles.get(entry.id) or entry)

    def _target(self) -> Entry | None:
        entry = self.entries.current_entry
        if entry is None:
            self.notify("No entry selected.", severity="warning")
        return entry

    def set_read(self, entry: Entry, read: bool) -> None:
        self.lib.set_read(entry.id, read)
        self._changed(replace(entry, read=read))
        if entry.feeds:
            self.sidebar.adjust_unread(entry.feeds, -1 if read else 1)

    def action_toggle_read(self) -> None:
        entry = self._target()
        if entry is not None:
            self.set_read(entry, not entry.read)

    def action_toggle_starred(self) -> None:
        entry = self._target()
        if entry is not None:
            self.lib.set_starred(entry.id, not entry.starred)
            self._changed(replace(entry, starred=not entry.starred))

    # --- links ------------------------------------------------------------------------------

    def _link(self) -> str | None:
        entry = self._target()
        if entry is None:
            return None
        if not entry.link:
            self.notify("This entry has no link.", severity="warning")
            return None
        return clean_line(entry.link)

    def action_copy_link(self) -> None:
        link = self._link()
        if link:
            self.app.copy_to_clipboard(link)
            self.notify(f"Copied (OSC 52): {link}", markup=False, timeout=4)

    def action_open_link(self) -> None:
        link = self._link()
        if not link:
            return
        browser = gui_browser()
        if browser is None:
            self.app.copy_to_clipboard(link)
            self.notify(f"No browser here: link copied (OSC 52).\n{link}", markup=False, timeout=8)
            return
        self._open_in_browser(browser, link)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_in_browser(self, browser: webbrowser.BaseBrowser, link: str) -> None:
        try:
            opened = browser.open(link, new=2)
        except Exception:
            opened = False
        if opened:
            self.app.call_from_thread(self.notify, f"Opened in the browser: {link}", markup=False, timeout=3)
        else:
            self.app.call_from_thread(self.app.copy_to_clipboard, link)
            self.app.call_from_thread(self.notify, f"The browser did not open: link copied.\n{link}", markup=False)

    # --- filters ----------------------------------------------------------------------------

    @on(Sidebar.Selected, "#sidebar")
    def sidebar_selected(self, event: Sidebar.Selected) -> None:
        self.apply_choice(event.choice_id)

    def _step_tag(self, step: int) -> None:
        current = self.choice.id if self.choice.id.startswith("tag:") else None
        target = self.sidebar.next_tag(current, step)
        if target is None:
            self.notify("No tags yet.", severity="warning")
            return
        self.apply_choice(target)

    def action_next_tag(self) -> None:
        self._step_tag(1)

    def action_previous_tag(self) -> None:
        self._step_tag(-1)

    def action_pick_tag(self) -> None:
        from veille_tui.tui.screens.dialogs import TagPicker

        current = self.choice.id.removeprefix("tag:") if self.choice.id.startswith("tag:") else None

        def chosen(tag: str | None) -> None:
            if tag:
                self.apply_choice(f"tag:{tag}")
            else:
                self.entries.focus()

        self.app.push_screen(
            TagPicker(self.tag_counts, current, cursor_blink=self.app.animation_level != "none"), chosen
        )

    def action_query(self) -> None:
        from veille_tui.tui.screens.dialogs import QueryScreen

        def done(result: str | None) -> None:
            self.entries.focus()

        # The line opens empty, so that what is typed is the whole query whatever the view; the
        # view's own query is the last of the history (`up` brings it back, to refine it).
        history = self.query_history
        if self.query_text and (not history or history[-1] != self.query_text):
            history.append(self.query_text)
            del history[:-100]
        self.app.push_screen(
            QueryScreen("", self._apply_typed, history, cursor_blink=self.app.animation_level != "none"),
            done,
        )

    def _apply_typed(self, text: str) -> str | None:
        if not text:
            return self.apply("", self.sidebar.choices.get("view:all"))
        for choice in self.sidebar.choices.values():
            if choice.query == text:
                return self.apply(text, choice)
        return self.apply(text)

    def action_clear_query(self) -> None:
        if self.query_text or self.choice.id != "view:all":
            self.apply("", self.sidebar.choices.get("view:all"))
        elif self.focused is not self.entries:
            self.entries.focus()

    # --- panes ------------------------------------------------------------------------------

    def _panes(self) -> list[Widget]:
        return [self.sidebar, self.entries, self.article]

    def _focus_pane(self, step: int) -> None:
        panes = self._panes()
        focused = self.focused
        index = next((n for n, pane in enumerate(panes) if focused is pane), 1)
        target = panes[(index + step) % len(panes)]
        if target is self.sidebar and self.has_class("-narrow"):
            self.add_class("-drawer")
            self.call_after_refresh(target.focus)
            return
        target.focus()

    def action_next_pane(self) -> None:
        self._focus_pane(1)

    def action_previous_pane(self) -> None:
        self._focus_pane(-1)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget is self.sidebar:
            self.remove_class("-drawer")
        elif event.widget is self.article:
            self.query_one("#rule").remove_class("-focus")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget is self.article:
            self.query_one("#rule").add_class("-focus")

    # --- archive draft ----------------------------------------------------------------------

    def action_archive(self) -> None:
        entry = self._target()
        if entry is None:
            return
        if entry.archived:
            self.notify(f"Already archived: {entry.file}", markup=False)
            return
        if self.lib.archive is None:
            self.notify(NO_ARCHIVE[0].upper() + NO_ARCHIVE[1:], severity="warning", markup=False)
            return
        self.set_activity("writing the draft…")
        self.write_draft(entry.id)

    @work(thread=True, group="draft", exit_on_error=False)
    def write_draft(self, entry_id: int) -> None:
        try:
            with self.lib.for_thread() as lib:
                path = lib.write_draft(entry_id)
        except DraftError as exc:
            self.post_message(DraftDone(entry_id, error=str(exc)))
        except Exception as exc:  # never let a worker kill the app
            self.post_message(DraftDone(entry_id, error=self.failure(exc)))
        else:
            self.post_message(DraftDone(entry_id, path=str(path)))

    @on(DraftDone)
    def draft_done(self, message: DraftDone) -> None:
        self.set_activity("")
        if message.error:
            self.notify(message.error, severity="error", markup=False)
            return
        self.notify(f"Draft written: {message.path}", markup=False, timeout=6)
        self.reload()
        entry = self.lib.entry(message.entry_id)
        if entry is not None:
            self._articles[entry.id] = entry
            self._changed(entry)
            if self.article.entry_id == entry.id:
                self.article.show(entry, keep_scroll=True)

    # --- changes made by another process ----------------------------------------------------

    def poll_store(self) -> None:
        """Every few seconds: has another connection committed? (a few microseconds when not;
        nothing is repainted then). Our own workers reload when they finish: not while they run."""
        if any(w.is_running and w.group in {"index", "fetch", "draft", "changes"} for w in self.app.workers):
            return
        version = self.lib.data_version()
        if version is None or version == self._data_version:
            return
        self._data_version = version
        self._poll_state = (self.query_text, self._edits)
        self.read_changes(self.query_text, self.entries.cached_ids(), self.article.entry_id)

    @work(thread=True, group="changes", exclusive=True, exit_on_error=False)
    def read_changes(self, query: str, cached: list[int], article_id: int | None) -> None:
        worker = get_current_worker()
        try:
            with self.lib.for_thread() as lib:
                message = read_changes(lib, query, cached, article_id)
        except Exception:  # locked for too long, or damaged: the next poll tries again
            self.app.call_from_thread(self._forget_version)
            return
        if not worker.is_cancelled:
            self.post_message(message)

    def _forget_version(self) -> None:
        self._data_version = None

    @on(StoreChanged)
    def store_changed(self, message: StoreChanged) -> None:
        """Show what changed in place: counts, sidebar, list (the cursor on the same entry),
        article; what did not change is not repainted."""
        if self._poll_state != (message.query, self._edits) or message.query != self.query_text:
            self._data_version = None  # the view or an entry changed meanwhile: read again
            return
        added = message.total - self.total
        if (message.tag_counts, message.total, message.feeds) != (self.tag_counts, self.total, self.feeds):
            self.tag_counts, self.total, self.feeds = message.tag_counts, message.total, message.feeds
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

    # --- background: index, feeds, fetch ----------------------------------------------------

    @work(thread=True, group="index", exclusive=True, exit_on_error=False)
    def index_archive(self) -> None:
        worker = get_current_worker()
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] > 0.2 and not worker.is_cancelled:
                last[0] = now
                self.post_message(IndexProgress(done, total))

        try:
            with self.lib.for_thread() as lib:
                report = lib.index(progress=progress)
        except Exception as exc:
            self.post_message(IndexDone(None, error=self.failure(exc)))
        else:
            self.post_message(IndexDone(report))

    @on(IndexProgress)
    def index_progress(self, message: IndexProgress) -> None:
        self.set_activity(f"indexing the archive {message.done}/{message.total}…")

    @on(IndexDone)
    def index_done(self, message: IndexDone) -> None:
        self.set_activity("")
        if message.error:
            self.notify(f"Archive: {message.error}", severity="error", markup=False)
            return
        report = message.report
        if report is None:
            return
        changed = (report.indexed - report.unchanged) + report.removed
        if changed:
            self.reload()
            self.load_feeds()
        if report.problems:
            self.notify(
                f"{len(report.problems)} archive file(s) could not be read; `veille-tui index` lists them.",
                severity="warning",
                markup=False,
            )

    @work(thread=True, group="feeds", exclusive=True, exit_on_error=False)
    def load_feeds(self) -> None:
        try:
            with self.lib.for_thread() as lib:
                feeds = lib.feed_statuses()
        except Exception:
            feeds = []
        self.post_message(FeedsLoaded(feeds))

    @on(FeedsLoaded)
    def feeds_loaded(self, message: FeedsLoaded) -> None:
        self.feeds = message.feeds
        self._fill_sidebar()

    def action_refresh_feed(self) -> None:
        names = self._feeds_here()
        if names is None:
            return
        self._start_fetch(names)

    def action_refresh_all(self) -> None:
        self._start_fetch([])

    def _feeds_here(self) -> list[str] | None:
        """The feed(s) `r` refreshes: the one highlighted or shown, else the selected entry's."""
        sidebar = self.sidebar
        for choice_id in (sidebar.highlighted_id if self.focused is sidebar else None, self.choice.id):
            if choice_id and choice_id.startswith("feed:"):
                feed = sidebar.feed(choice_id)
                if feed is not None:
                    return [feed.url]
        entry = self.entries.current_entry
        if entry is not None and entry.feeds:
            urls = [feed.url for title in entry.feeds if (feed := sidebar.feed_by_title(title))]
            if urls:
                return urls
        self.notify(
            "No feed here (this entry comes from the archive): R refreshes all feeds.", severity="warning", markup=False
        )
        return None

    def _start_fetch(self, names: list[str]) -> None:
        if self.offline:
            self.notify("Offline (--offline): no fetching.", severity="warning")
            return
        if any(w.is_running for w in self.app.workers if w.group == "fetch"):
            self.notify("A refresh is already running.")
            return
        self.set_activity("refreshing…")
        self.fetch(names)

    @work(thread=True, group="fetch", exclusive=True, exit_on_error=False)
    def fetch(self, names: list[str]) -> None:
        state = {"done": 0, "total": 0}

        def on_start(total: int) -> None:
            state["total"] = total
            self.post_message(FetchStarted(total))

        def on_result(outcome: FeedOutcome) -> None:
            state["done"] += 1
            self.post_message(FetchProgress(outcome, state["done"], state["total"]))

        try:
            with self.lib.for_thread() as lib:
                outcomes = lib.fetch(names, on_result=on_result, on_start=on_start)
        except Exception as exc:
            self.post_message(FetchDone(error=self.failure(exc)))
        else:
            self.post_message(FetchDone(outcomes))

    @on(FetchStarted)
    def fetch_started(self, message: FetchStarted) -> None:
        self.set_activity(f"refreshing 0/{message.total} feeds…")

    @on(FetchProgress)
    def fetch_progress(self, message: FetchProgress) -> None:
        self.set_activity(f"refreshing {message.done}/{message.total} feeds…")

    @on(FetchDone)
    def fetch_done(self, message: FetchDone) -> None:
        self.set_activity("")
        if message.error:
            self.notify(f"Refresh failed: {message.error}", severity="error", markup=False)
            return
        outcomes = message.outcomes
        new = sum(o.new for o in outcomes)
        failed = [o for o in outcomes if o.status == "error"]
        text = f"{len(outcomes)} feed(s) refreshed: {new} new item(s)"
        if failed:
            text += f"; {len(failed)} failed: " + "; ".join(
                f"{clean_line(o.name)}: {clean_line(o.error or '')}" for o in failed[:3]
            )
        self.notify(text, severity="warning" if failed else "information", markup=False)
        self.reload()
        self.load_feeds()
