"""The main screen: sidebar, entry list, article, status line and key bar; its layout and keys.

Widgets are given models (ids, entries, feed statuses) and post messages; this screen routes
them and the keys. The reading and triage actions (`n N space z backspace A L F`) are its base
class's (`TriageScreen`, triage.py); what it reads and writes, and the work in the background,
that one's base (`ReadingScreen`, reading.py).
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widget import Widget

from veille_tui.core.library import Library
from veille_tui.core.models import Entry
from veille_tui.core.text import clean_line
from veille_tui.tui.bindings import key_bar_items
from veille_tui.tui.screens.cves import CvePivot
from veille_tui.tui.screens.dialogs import Offer
from veille_tui.tui.screens.draft import PUBLISH_TOPIC, Drafting
from veille_tui.tui.screens.feeds import FeedsPivot, FeedsScreen
from veille_tui.tui.screens.fulltext import FullTextActions
from veille_tui.tui.screens.reading import Preloaded
from veille_tui.tui.screens.triage import TriageScreen
from veille_tui.tui.widgets.article import ArticleView
from veille_tui.tui.widgets.entry_list import EntryList
from veille_tui.tui.widgets.keybar import KeyBar
from veille_tui.tui.widgets.question import Question
from veille_tui.tui.widgets.sidebar import Sidebar
from veille_tui.tui.widgets.status import StatusLine

# Side by side, list and article each need what they hold: titles (9 in 10 of the real archive's
# are 89 cells or less) beside the list's other columns, and a reading measure of 72 cells with
# links and paths of that length whole. Below that width the two panes share it badly (at 160
# columns: titles cut at ~50 cells, the article ~52 cells wrapping every URL): they are stacked,
# each the full width.
SIDE_BY_SIDE = 26 + (4 + 6 + 13 + 9 + 89) + 1 + 72  # sidebar, list, rule, article: 220

ARTICLE_DELAY = 0.08  # seconds the cursor must rest before the article follows it
PREFETCH_EVERY = 3.0  # seconds between two looks at whether the CVE view's rows should be read ahead


class MainScreen(FullTextActions, TriageScreen):
    """Three panes, a status line and the key bar."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (SIDE_BY_SIDE, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_pane", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False, id="previous_pane"),
        Binding("n", "next_unread", "Next unread", id="next_unread"),
        Binding("N", "previous_unread", "Previous unread", show=False, id="previous_unread"),
        Binding("space", "read_on", "Page down, then the next unread", show=False, id="read_on"),
        Binding("z", "zoom", "Article full screen", id="zoom"),
        Binding("backspace", "back", "Back to the previous view", show=False, id="back"),
        Binding("A", "mark_view_read", "Mark the view read", id="mark_view_read"),
        Binding("M", "mark_cluster_read", "Mark the story's cluster read", show=False, id="mark_cluster_read"),
        Binding("L", "links", "Links and related stories", id="links"),
        Binding("F", "feeds_health", "Feeds' health", id="feeds_health"),
        Binding("c", "cves", "CVE view", id="cves"),
        Binding("right_square_bracket", "next_tag", "Next tag", id="next_tag"),
        Binding("left_square_bracket", "previous_tag", "Previous tag", show=False, id="previous_tag"),
        Binding("t", "pick_tag", "Tags", id="pick_tag"),
        Binding("slash", "query", "Query", id="query"),
        Binding("escape", "clear_query", "Clear query", show=False, id="clear_query"),
        Binding("u", "toggle_read", "Read/unread", id="toggle_read"),
        Binding("s", "toggle_starred", "Star", id="toggle_starred"),
        Binding("o", "open_link", "Open link", id="open_link"),
        Binding("f", "full_text", "Full text", id="full_text"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding("a", "archive", "Draft a post", id="archive"),
        Binding("e", "edit_draft", "Edit the draft", show=False, id="edit_draft"),
        Binding("P", "publish_draft", "Publish the draft", show=False, id="publish_draft"),
        Binding("r", "refresh_feed", "Refresh feed", show=False, id="refresh_feed"),
        Binding("R", "refresh_all", "Refresh all", id="refresh_all"),
    ]

    def __init__(self, lib: Library, offline: bool = False, preload: Preloaded | None = None) -> None:
        super().__init__(lib, offline=offline, preload=preload)
        self.query_history: list[str] = lib.query_history()  # kept across runs, in the data folder
        self._article_timer: Timer | None = None
        self._last_move = 0.0
        self.cve_pivot = CvePivot(self)  # `c`, and back to it from a CVE's entries
        self.drafting = Drafting(self)  # `a`, `e`, `P`
        self.feeds_pivot = FeedsPivot(self)  # `F`, and back to it from a feed's entries

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
            yield StatusLine(id="status")
            yield KeyBar(id="keys")
            yield Question(id="question")  # in the key bar's place while it asks (`A`)

    def on_mount(self) -> None:
        started = time.perf_counter()
        self.entries.set_ids(self.load_first())
        self.entries.focus()
        self.update_status()
        # the key bar, from the live bindings (the user's keymap applied)
        skip = {"refresh_all"} if self.offline else set()
        self.query_one("#keys", KeyBar).set_items(key_bar_items(self.app, (self.entries, self.app, self), skip))
        self.timings.since("startup_load", started)
        self.call_after_refresh(self.start_background)
        self.set_interval(PREFETCH_EVERY, self.cve_pivot.prefetch)  # the CVE view of a big view, read ahead

    # --- article ----------------------------------------------------------------------------

    def _stop_article_timer(self) -> None:
        if self._article_timer is not None:
            self._article_timer.stop()
            self._article_timer = None

    @on(EntryList.Highlighted)
    def highlighted(self, event: EntryList.Highlighted) -> None:
        self._stop_article_timer()
        if event.entry_id is None:
            problem = self.feed_problem(self.choice.id)
            hint = self.lib.tag_hint(self.query_text) if self.query_text and not problem else None
            if problem:
                message = f"No entries here. {problem} r retries it; F shows every feed's health."
            elif hint:
                message = f"{hint.message[0].upper()}{hint.message[1:]}."
            elif self.query_text:
                message = "No entry matches this query (esc: all entries)."
            elif self.total == 0:  # a first start: what runs, or how to get something to read
                message = self.first_start_message()
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
            self.timings.until_painted(self, "article_after_rest", self._last_move)

    @on(EntryList.Opened)
    def opened(self, event: EntryList.Opened) -> None:
        self._stop_article_timer()
        self.open_entry(event.entry_id)

    # --- entry state and links --------------------------------------------------------------

    def _target(self) -> Entry | None:
        entry = self.entries.current_entry
        if entry is None:
            self.notify("No entry selected.", severity="warning")
        return entry

    def action_toggle_read(self) -> None:
        entry = self._target()
        if entry is not None:
            self.set_read(entry, not entry.read)

    def action_toggle_starred(self) -> None:
        entry = self._target()
        if entry is not None:
            self.set_starred(entry, not entry.starred)

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
            self.copy(link)

    def action_open_link(self) -> None:
        link = self._link()
        if link:
            self.open_url(link)

    # --- filters ----------------------------------------------------------------------------

    @on(Sidebar.Selected, "#sidebar")
    def sidebar_selected(self, event: Sidebar.Selected) -> None:
        self.apply_choice(event.choice_id)
        problem = self.feed_problem(event.choice_id)
        if problem:
            self.notify(f"{problem} (F: every feed's health)", severity="warning", markup=False, timeout=8)

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
            if result:
                self.lib.remember_query(result)
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

    def _apply_typed(self, text: str) -> str | Offer | None:
        if not text:
            return self.apply("", self.sidebar.choices.get("view:all"))
        choice = next((c for c in self.sidebar.choices.values() if c.query == text), None)
        error = self.apply(text, choice)
        if error or self.entries.ids:
            return error
        hint = self.lib.tag_hint(text)  # `+fortinet`, a tag no entry has: offer the words search
        if hint is not None and hint.query is not None:
            self.lib.remember_query(text)
            return Offer(hint.message, hint.query)
        return None

    def action_cves(self) -> None:
        self.cve_pivot.open()

    def action_feeds_health(self) -> None:
        self.feeds_pivot.open()

    def feeds_changed(self) -> None:
        for screen in self.app.screen_stack:
            if isinstance(screen, FeedsScreen):
                screen.show_feeds(self.feeds or [])

    def action_back(self) -> None:
        if self.cve_pivot.back():
            return
        feed = self.feeds_pivot.leaving()  # a feed's entries chosen in `F`: back to `F`
        super().action_back()
        if feed is not None:
            self.feeds_pivot.open(feed)

    def action_clear_query(self) -> None:
        if self.drafting.cancel() or self.cve_pivot.back():
            return
        if self.query_text or self.choice.id != "view:all":
            self.apply("", self.sidebar.choices.get("view:all"))
        elif self.focused is not self.entries:
            self.entries.focus()

    # --- panes ------------------------------------------------------------------------------

    def _focus_pane(self, step: int) -> None:
        if self.zoomed:  # back to the three panes
            self.action_zoom()
            return
        panes: list[Widget] = [self.sidebar, self.entries, self.article]
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

    # --- archive draft, refresh -------------------------------------------------------------

    def action_archive(self) -> None:
        entry = self._target()
        if entry is not None:
            self.drafting.open_form(entry)

    def action_edit_draft(self) -> None:
        entry = self._target()
        if entry is not None:
            self.drafting.edit(entry)

    def action_publish_draft(self) -> None:
        entry = self._target()
        if entry is not None:
            self.drafting.ask_publish(entry)

    @on(Question.Answered, "#question")
    def publish_answered(self, event: Question.Answered) -> None:
        if event.topic == PUBLISH_TOPIC:
            self.drafting.answered(event.yes)

    def action_refresh_feed(self) -> None:
        names = self._feeds_here()
        if names is not None:
            self.start_fetch(names)

    def action_refresh_all(self) -> None:
        self.start_fetch([])

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
