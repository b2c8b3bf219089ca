"""The main screen: sidebar, entry list, article, status line and key bar; its layout, its keys
and the routing between its parts (screens/parts/: the list, the article, the moves, the read/starred
state, links, full text, the background work, the export; `Drafting`, `CvePivot`, `IocPivot`,
`FeedsPivot`). Below 100 columns (or with `[tui] reading = "full"`), `enter` opens the article full
screen (screens/reading.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from veille_tui.core.library import Library
from veille_tui.core.models import ArticleContent, Entry
from veille_tui.tui import messages as m
from veille_tui.tui.bindings import key_bar_items
from veille_tui.tui.list_reader import ListReader, RestRead
from veille_tui.tui.screens.keys import MAIN_KEYS
from veille_tui.tui.screens.later import LaterParts
from veille_tui.tui.screens.parts.articles import Articles
from veille_tui.tui.screens.parts.background import Background
from veille_tui.tui.screens.parts.feeds import FeedsPivot
from veille_tui.tui.screens.parts.fulltext import FullTexts
from veille_tui.tui.screens.parts.host import ViewState
from veille_tui.tui.screens.parts.links import Links
from veille_tui.tui.screens.parts.listing import Listing, Preloaded
from veille_tui.tui.screens.parts.moves import Moves
from veille_tui.tui.screens.parts.panes import SIDE_BY_SIDE, Panes
from veille_tui.tui.screens.parts.triage import Triage
from veille_tui.tui.timings import Timings
from veille_tui.tui.watcher import StoreWatcher
from veille_tui.tui.widgets.article import ArticleView
from veille_tui.tui.widgets.entry_list import EntryList
from veille_tui.tui.widgets.keybar import KeyBar
from veille_tui.tui.widgets.question import Question
from veille_tui.tui.widgets.sidebar import Choice, Sidebar
from veille_tui.tui.widgets.status import StatusLine

PREFETCH_EVERY = 3.0  # seconds between two looks at whether the CVE view's rows should be read ahead


class MainScreen(LaterParts, Screen[None]):
    """Three panes, a status line and the key bar."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (SIDE_BY_SIDE, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = MAIN_KEYS

    def __init__(self, lib: Library, offline: bool = False, preload: Preloaded | None = None) -> None:
        super().__init__()
        self.lib, self.offline = lib, offline
        self.state = ViewState()
        self.timings = Timings()  # bench/tui_bench.py reads them
        self.watcher = StoreWatcher(lib)  # what another process commits (tui/watcher.py)
        self.list_reader = ListReader(lib, self.post_message)  # a big view's whole list (tui/list_reader.py)
        self.listing = Listing(self, preload)
        self.articles = Articles(self)
        self.moves = Moves(self)
        self.triage = Triage(self)
        self.links = Links(self)
        self.full_texts = FullTexts(self)
        self.background = Background(self)
        self.feeds_pivot = FeedsPivot(self, self.background.start_fetch_one)  # `F`, and back to it
        self.panes = Panes(self, self)
        self._resumed = False  # resumed once (shown first)
        # `cve_pivot`, `ioc_pivot`, `exporting`, `drafting`, `reader`: made when first needed
        # (screens/later.py), not before the first frame

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            sidebar = Sidebar(id="sidebar")
            if self.lib.settings.assets:
                sidebar.hidden_views = frozenset()
            yield sidebar
            with Vertical(id="reading"):
                yield EntryList(self.listing.fetch_rows, id="entries")
                # the line between list and article is a widget of its own: it is not repainted
                # with each article
                yield Widget(id="rule")
                yield ArticleView(id="article")
        with Vertical(id="bottom"):
            yield StatusLine(id="status")
            yield KeyBar(id="keys")
            yield Question(id="question")  # in the key bar's place while it asks (`A`)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual styles every node of a screen again when it resumes; the first time, the nodes
        # were styled as they were mounted, a moment before: the same styles, computed twice
        # (a tenth of the first frame). Later resumes (back from a dialog) restyle as Textual does.
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        super()._on_screen_resume(event)

    def on_mount(self) -> None:
        started = time.perf_counter()
        ids, rest = self.listing.load_first()
        self.entries.set_ids(ids, rest=rest)
        self.entries.focus()
        self.update_status()
        # the key bar, from the live bindings (the user's keymap applied)
        skip = {"refresh_all"} if self.offline else set()
        self.query_one("#keys", KeyBar).set_items(key_bar_items(self.app, (self.entries, self.app, self), skip))
        self.timings.since("startup_load", started)
        self.call_after_refresh(self._first_frame_out)
        self.set_interval(PREFETCH_EVERY, lambda: self.cve_pivot.prefetch())  # the CVE view of a big view, read ahead

    def _first_frame_out(self) -> None:
        from veille_tui.tui import first_frame_out

        first_frame_out()
        self.background.start()

    # --- what the parts are given -----------------------------------------------------------

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one("#sidebar", Sidebar)

    @property
    def entries(self) -> EntryList:
        return self.query_one("#entries", EntryList)

    @property
    def reading(self) -> bool:
        return self.zoomed or self.reader_open

    @property
    def article(self) -> ArticleView:
        return self.reader.article if self.reader_open else self.query_one("#article", ArticleView)

    @property
    def question(self) -> Question:
        return self.reader.question if self.reader_open else self.query_one("#question", Question)

    @property
    def keys(self) -> Widget:
        return self.reader.keys if self.reader_open else self.query_one("#keys")

    def update_status(self) -> None:
        state = self.state
        query = state.choice.id == "query"
        count, more = self.entries.shown_count
        shown = (state.view_label(), count)
        position = self.articles.position()
        reading = self.reader.status_lines() if self.reader_open else []
        for status in (self.query_one("#status", StatusLine), *reading):
            status.show(
                *shown,
                more=more,
                query=query and bool(state.query_text),
                activity=state.activity,
                offline=self.offline,
                position=position,
                sync=state.sync,
                config=state.config,
            )

    def set_activity(self, text: str) -> None:
        self.state.activity = text
        self.update_status()
        self.listing.tell_first_start()  # an empty store being filled: the article says so

    # --- routing between the parts ----------------------------------------------------------

    def open_entry(self, entry_id: int, timing: str = "article_painted") -> None:
        self.articles.show(entry_id, timing=timing)
        self.triage.opened(entry_id)

    def show_entry(self, entry_id: int, then: Callable[[], None] | None = None) -> None:
        self.articles.show(entry_id, then=then)

    def refresh_article(self, content: ArticleContent) -> None:
        self.articles.redisplay(content)

    def reload_article(self, entry_id: int) -> None:
        self.articles.reload(entry_id)

    def apply(self, query: str, choice: Choice | None = None, *, going_back: bool = False) -> str | None:
        return self.listing.apply(query, choice, going_back=going_back)

    def apply_choice(self, choice_id: str) -> None:
        self.listing.apply_choice(choice_id)

    def fill_sidebar(self) -> None:
        self.listing.fill_sidebar()

    def back_to_view(self) -> None:
        self.listing.back()

    def reload(self) -> None:
        self.articles.forget()
        self.listing.reload()

    @on(EntryList.Highlighted)
    def highlighted(self, event: EntryList.Highlighted) -> None:
        if event.entry_id is None:
            self.articles.stop_timer()
            self.article.show_message(self.listing.empty_text())
        elif not self.reader_open:
            self.articles.follow(event.entry_id)

    @on(EntryList.Opened)
    def opened(self, event: EntryList.Opened) -> None:
        reading = self.reader.wanted() and not self.zoomed
        if reading:
            self.reader.open()
        self.open_entry(event.entry_id, "reading_open_painted" if reading else "article_painted")

    @on(RestRead)
    def rest_read(self, message: RestRead) -> None:
        self.listing.rest_read(message)

    def on_unmount(self) -> None:
        self.list_reader.stop()

    @on(Sidebar.Selected, "#sidebar")
    def sidebar_selected(self, event: Sidebar.Selected) -> None:
        self.listing.sidebar_selected(event.choice_id)

    @on(Question.Answered, "#question")
    def question_answered(self, event: Question.Answered) -> None:
        self.answered(event.topic, event.yes)

    def answered(self, topic: str, yes: bool) -> None:
        from veille_tui.tui.screens.draft import PUBLISH_TOPIC

        if topic == PUBLISH_TOPIC:
            self.drafting.answered(yes)
        else:
            self.triage.answered(topic, yes)

    @on(m.ArticleLoaded)
    def article_loaded(self, message: m.ArticleLoaded) -> None:
        self.articles.loaded(message)

    @on(m.EntryChanged)
    def entry_changed(self, message: m.EntryChanged) -> None:
        self.articles.changed(message.entry)
        self.background.count_waiting()

    @on(m.MarkedRead)
    def marked_read(self, message: m.MarkedRead) -> None:
        self.triage.marked_read()
        self.listing.count_views()  # as the store has them now
        for view in ("unread", "watch"):
            self.sidebar.set_view_count(view, self.state.view_counts.get(view) or 0)
        self.background.load_feeds()  # their unread counts
        self.background.count_waiting()  # the team server out of reach: these changes wait for it too

    @on(m.Undone)
    def undone(self, message: m.Undone) -> None:
        if self.triage.undone(message):
            self.background.load_feeds()  # their unread counts

    @on(m.FullTextDone)
    def full_text_done(self, message: m.FullTextDone) -> None:
        self.full_texts.done(message)

    @on(m.DraftDone)
    def draft_done(self, message: m.DraftDone) -> None:
        self.drafting.done(message)

    @on(m.IndexProgress)
    @on(m.FetchStarted)
    @on(m.FetchProgress)
    @on(m.IndexDone)
    @on(m.FeedsLoaded)
    @on(m.FetchDone)
    @on(m.SyncDone)
    @on(m.ConfigReloaded)
    def background_news(self, message: Message) -> None:
        self.background.handle(message)

    @on(m.StoreChanged)
    def store_changed(self, message: m.StoreChanged) -> None:
        if not self.background.store_changed(message):
            return
        self.articles.forget()
        article = message.article
        if article is not None and article.id == self.article.entry_id and article != self.article.entry:
            self.articles.reload(article.id)
        self.update_status()

    @on(Worker.StateChanged)
    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one error path of the workers: tidy what a failed one leaves, then tell it."""
        worker, error = event.worker, event.worker.error
        if event.state != WorkerState.ERROR or error is None:
            return
        if worker.group == "mark":  # nothing was marked: show the store as it is
            self.state.marking.clear()
            self.reload()
        elif worker.group == "fulltext":  # the failure was recorded with the entry: show it
            self.full_texts.failed()
        self.background.failed(worker.group, error)

    # --- keys -------------------------------------------------------------------------------

    def _target(self) -> Entry | None:
        """The entry the keys act on: the list's selected one (the full-screen article's)."""
        entry = self.entries.current_entry
        if entry is None:
            self.notify("No entry selected.", severity="warning")
        return entry

    def _on_target(self, act: Callable[[Entry], object]) -> None:
        entry = self._target()
        if entry is not None:
            act(entry)

    def action_toggle_read(self) -> None:
        self._on_target(lambda e: self.triage.set_read(e, not e.read))

    def action_toggle_starred(self) -> None:
        self._on_target(lambda e: self.triage.set_starred(e, not e.starred))

    def action_copy_link(self) -> None:
        self._on_target(self.links.copy_link)

    def action_open_link(self) -> None:
        self._on_target(self.links.open_link)

    def action_links(self) -> None:
        self._on_target(lambda e: self.links.pick(e.id))

    def action_mark_cluster_read(self) -> None:
        self._on_target(self.triage.ask_cluster)

    def action_archive(self) -> None:
        self._on_target(self.drafting.open_form)

    def action_edit_draft(self) -> None:
        self._on_target(self.drafting.edit)

    def action_publish_draft(self) -> None:
        self._on_target(self.drafting.ask_publish)

    def action_mark_view_read(self) -> None:
        self.triage.ask_view()

    def action_undo(self) -> None:
        self.triage.undo()

    def action_full_text(self) -> None:
        self.full_texts.toggle()

    def action_next_unread(self) -> None:
        self.moves.open_unread(1)

    def action_previous_unread(self) -> None:
        self.moves.open_unread(-1)

    def action_next_entry(self) -> None:
        self.moves.step(1)

    def action_previous_entry(self) -> None:
        self.moves.step(-1)

    def action_read_on(self) -> None:
        self.moves.read_on()

    def action_info(self) -> None:
        self.article.toggle_info()

    def action_next_tag(self) -> None:
        self.listing.step_tag(1)

    def action_previous_tag(self) -> None:
        self.listing.step_tag(-1)

    def action_pick_tag(self) -> None:
        self.listing.pick_tag()

    def action_query(self) -> None:
        self.listing.query()

    def action_save_query(self) -> None:
        self.listing.save_query()

    def action_cves(self) -> None:
        self.cve_pivot.open()

    def action_iocs(self) -> None:
        self.ioc_pivot.open()

    def action_export(self) -> None:
        self.exporting.start()

    def action_feeds_health(self) -> None:
        self.feeds_pivot.open()

    def action_refresh_feed(self) -> None:
        self.background.refresh_here()

    def action_refresh_all(self) -> None:
        self.background.start_fetch([])

    def action_back(self) -> None:
        if self.zoomed:
            self.action_zoom()
        elif not self._pivot_back():
            self.feeds_pivot.back(self.listing.back)  # from a feed's entries chosen in `F`: `F` again

    def action_clear_query(self) -> None:
        drafting = self._made("drafting")
        if not ((drafting is not None and drafting.cancel()) or self._pivot_back()):
            self.listing.clear()

    # --- panes and the article full screen (`z`) --------------------------------------------

    @property
    def zoomed(self) -> bool:
        return self.has_class("-zoom")

    def action_zoom(self) -> None:
        self.panes.zoom()

    def action_next_pane(self) -> None:
        self.panes.focus_pane(1)

    def action_previous_pane(self) -> None:
        self.panes.focus_pane(-1)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self.panes.blurred(event.widget)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.panes.focused_on(event.widget)
