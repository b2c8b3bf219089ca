"""Reading and triage at the keyboard, over the main screen's state (`ReadingScreen`): the next
and previous unread entry (`n`, `N`), `space` through an article to the next, the article full
screen (`z`), back to the previous view (`backspace`), the view marked read (`A`), the story's
cluster marked read (`M`), the article's links and related stories (`L`), the feeds' health
(`F`), copying with what tmux allows, the query saved to the sidebar. `MainScreen` (main.py)
binds the keys to these actions.
"""

from __future__ import annotations

import time

from textual import on, work

from veille_tui.core.errors import ConfigError
from veille_tui.core.models import FeedStatus
from veille_tui.core.text import clean_line
from veille_tui.tui.clipboard import copy_told
from veille_tui.tui.messages import MarkedRead
from veille_tui.tui.screens.reading import ReadingScreen
from veille_tui.tui.widgets.article import RELATED_LIMIT
from veille_tui.tui.widgets.question import Question
from veille_tui.tui.widgets.sidebar import feed_label


class TriageScreen(ReadingScreen):
    """The actions of `n N space z backspace A M L F` (bound in MainScreen, which composes the
    `#question` line that `A` asks on)."""

    _to_mark: tuple[list[int], int] = ([], 0)  # what `A` asked about (the ids, the unread count)

    # --- next unread --------------------------------------------------------------------------

    def open_unread(self, step: int) -> bool:
        """Open the next unread entry of the list (step 1: from the selected one, itself first
        when unread; -1: the nearest one above it). False: there is none."""
        started = time.perf_counter()
        entries = self.entries
        current = entries.current_entry
        if current is None:
            return False
        if step > 0 and not current.read and current.id not in self.marking:
            entry_id: int | None = current.id
        else:
            entry_id = self._unread_from(current.ts, current.id, step)
        if entry_id is None:
            where = "below" if step > 0 else "above"
            self.notify(f"No unread entry {where} this one in this view.", markup=False, timeout=3)
            return False
        index = entries.index_of(entry_id)
        if index is not None:
            entries.cursor = index
        self.open_entry(entry_id)
        self.timings.since("next_unread", started)
        self.timings.until_painted(self, "next_unread_painted", started)
        return True

    def _unread_from(self, ts: int, entry_id: int, step: int) -> int | None:
        """The nearest unread entry of the list past (ts, entry_id): asked of the index of unread
        entries (milliseconds, however far down); when the list is not the store's any more (an
        entry added or marked meanwhile), looked for among the list's own ids."""
        found = self.lib.next_unread(self.query_text, ts, entry_id, forward=step > 0)
        if found is None or (found not in self.marking and self.entries.index_of(found) is not None):
            return found
        ids, cursor = self.entries.ids, self.entries.cursor
        candidates = ids[cursor + 1 :] if step > 0 else ids[:cursor][::-1]
        candidates = [i for i in candidates if i not in self.marking]
        position = self.lib.first_unread(candidates)
        return candidates[position] if position is not None else None

    def action_next_unread(self) -> None:
        self.open_unread(1)

    def action_previous_unread(self) -> None:
        self.open_unread(-1)

    # --- space: the article, then the next unread ---------------------------------------------

    def action_read_on(self) -> None:
        """Page the article down; at its end, the entry is read: open the next unread one."""
        article, entry_id = self.article, self.entries.current_id
        if entry_id is None:
            return
        if article.entry_id != entry_id:  # the article has not followed the cursor yet
            self.open_entry(entry_id)
            return
        if not article.at_end:
            page = max(article.scrollable_content_region.height - 1, 1)
            article.scroll_to(y=article.scroll_offset.y + page, animate=False, immediate=True)
            self.update_status()
            return
        entry = self.open_entry(entry_id)  # read to its end: read
        if entry is not None and not self.open_unread(1):
            self.update_status()

    # --- z: the article full screen -----------------------------------------------------------

    @property
    def zoomed(self) -> bool:
        return self.has_class("-zoom")

    def action_zoom(self) -> None:
        zoom = not self.zoomed
        self.remove_class("-drawer")
        self.set_class(zoom, "-zoom")
        if zoom:
            self.watch(self.article, "scroll_y", self._article_scrolled, init=False)
            entry_id = self.entries.current_id
            if entry_id is not None and entry_id != self.article.entry_id:
                self.show_article(entry_id)
            self.article.focus()
        else:
            self.entries.focus()
        self.update_status()

    def _article_scrolled(self) -> None:
        if self.zoomed:
            self.update_status()

    def status_position(self) -> str:
        """In the full-screen article: which entry of the list, and how far down."""
        if not self.zoomed or self.entries.current_id is None:
            return ""
        article = self.article
        shown = f"entry {self.entries.cursor + 1}/{len(self.entries.ids)}"
        if article.max_scroll_y <= 0 or article.at_end:
            return f"{shown} · end"
        return f"{shown} · {round(100 * article.scroll_offset.y / article.max_scroll_y)}%"

    # --- backspace: the view before ------------------------------------------------------------

    def action_back(self) -> None:
        if self.zoomed:
            self.action_zoom()
            return
        place = self.views.pop(self.query_text)
        if place is None:
            self.notify("No view to go back to.", markup=False, timeout=3)
            return
        choice = None if place.choice.id == "query" else place.choice
        error = self.apply(place.query, choice, going_back=True)
        if error:
            self.notify(error, severity="error", markup=False)

    # --- A: the view marked read ---------------------------------------------------------------

    def view_label(self) -> str:
        return (self.query_text or "All entries") if self.choice.id == "query" else self.choice.label

    def action_mark_view_read(self) -> None:
        started = time.perf_counter()
        count = self.lib.count(f"{self.query_text} is:unread") if self.entries.ids and not self.marking else 0
        if not count:
            self.notify("Every entry of this view is read already.", markup=False, timeout=3)
            return
        noun = "entry" if count == 1 else "entries"
        self._to_mark = (list(self.entries.ids), count)
        self.query_one("#question", Question).ask(
            f"Mark the {count:,} unread {noun} of {clean_line(self.view_label())} read?",
            yes_keys=("A", "y", "enter"),
            yes_text="A/y/enter",
            instead_of=self.query_one("#keys"),
            topic="mark_view_read",
        )
        self.timings.until_painted(self, "mark_view_read_asked", started)

    @on(Question.Answered, "#question")
    def answered(self, event: Question.Answered) -> None:
        if event.topic != "mark_view_read":
            return
        (ids, count), self._to_mark = self._to_mark, ([], 0)
        if event.yes and ids:
            self.mark_view_read(ids, count)

    def mark_view_read(self, ids: list[int], count: int) -> None:
        """Show the entries of the list read at once (rows, article, counts: about 20 ms at
        50,000); a worker writes them (about 0.25 s)."""
        started = time.perf_counter()
        self.watcher.edited()
        self.marking.update(ids)
        self.entries.show_read(self.marking)
        self._articles.clear()
        article = self.article.entry
        if article is not None and article.id in self.marking and not article.read:
            from dataclasses import replace

            self.article.update_header(replace(article, read=True))
        self._count_unread(-count)
        self.mark_read(ids)
        self.notify(f"{count:,} {'entry' if count == 1 else 'entries'} marked read.", markup=False, timeout=3)
        self.timings.since("mark_view_read", started)
        self.timings.until_painted(self, "mark_view_read_painted", started)

    @work(thread=True, group="mark", exit_on_error=False)
    def mark_read(self, ids: list[int]) -> None:
        """`A`: the entries are shown read already (`marking`); the write commits here."""
        started = time.perf_counter()
        with self.lib.for_thread() as lib:
            marked = lib.mark_all_read(ids)
        self.timings.since("mark_view_read_committed", started)
        self.post_message(MarkedRead(marked))

    @on(MarkedRead)
    def marked_read(self, message: MarkedRead) -> None:
        self.marking.clear()
        self.watcher.caught_up()
        self._count_views()  # as the store has them now
        for view in ("unread", "watch"):
            self.sidebar.set_view_count(view, self.view_counts.get(view) or 0)
        self.load_feeds()  # their unread counts
        self.count_waiting()  # the team server out of reach: these changes wait for it too

    # --- copying, links ----------------------------------------------------------------------

    def copy(self, text: str, before: str = "") -> None:
        """Copy `text` (OSC 52) and say what is known of it (sent to the terminal; in tmux's
        buffer; dropped by tmux, and how to fix it), with the text shown either way."""
        self.app.copy_to_clipboard(text)
        told, problem = copy_told()
        if before:
            told = told[0].lower() + told[1:]
        if problem:
            self.notify(f"{before}{told}\n{text}", severity="warning", markup=False, timeout=12)
        else:
            self.notify(f"{before}{told}: {text}", markup=False, timeout=6)

    def action_links(self) -> None:
        from veille_tui.tui.screens.links import LinkPicker

        entry_id = self.entries.current_id
        if entry_id is None:
            self.notify("No entry selected.", severity="warning")
            return
        if self.article.entry_id != entry_id:
            self.show_article(entry_id)
        links, related = self.article.links, self.article.related[:RELATED_LIMIT]
        if not links and not related:
            self.notify(
                "No links in this article and no related story (o opens the entry's own link).",
                markup=False,
                timeout=4,
            )
            return

        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            action, value = result
            if action == "entry":
                self.open_related(int(value))
            elif action == "copy":
                self.copy(value)
            else:
                self.open_url(value)

        blink = self.app.animation_level != "none"
        self.app.push_screen(LinkPicker(links, cursor_blink=blink, related=related), chosen)

    def open_related(self, entry_id: int) -> None:
        """A related story (`L`) in the article, read; the list's cursor on it when the list has it."""
        index = self.entries.index_of(entry_id)
        if index is not None:
            self.entries.cursor = index
        self.open_entry(entry_id)

    # --- M: the story's cluster marked read --------------------------------------------------

    def action_mark_cluster_read(self) -> None:
        entry = self.entries.current_entry
        if entry is None:
            self.notify("No entry selected.", severity="warning")
            return
        ids = self.lib.cluster_ids(entry.id)
        unread = [e for e in self.lib.entries_by_ids(ids) if not e.read and e.id not in self.marking]
        if not unread:
            more = f" ({len(ids)} entries)" if len(ids) > 1 else " (it has no related story)"
            self.notify(f"Every entry of this story is read already{more}.", markup=False, timeout=3)
            return
        self.mark_view_read(ids, len(unread))

    def open_url(self, link: str) -> None:
        """In a browser where one opens a window, else copied and shown (a jump host)."""
        from veille_tui.tui.browser import gui_browser

        browser = gui_browser()
        if browser is None:
            self.copy(link, "No browser here: ")
            return
        self.open_in_browser(browser, link)

    # --- F: the feeds' health ------------------------------------------------------------------

    def start_fetch_one(self, url: str) -> None:
        self.start_fetch([url])

    def start_fetch(self, names: list[str]) -> None:
        if self.offline:
            self.notify("Offline (--offline): no fetching.", severity="warning")
            return
        if any(w.is_running for w in self.app.workers if w.group == "fetch"):
            self.notify("A refresh is already running.")
            return
        self.set_activity("refreshing…")
        self.fetch(names)

    def feed_problem(self, choice_id: str) -> str | None:
        """What is wrong with the feed of a sidebar choice (None: nothing)."""
        feed = self.sidebar.feed(choice_id)
        if feed is None or not feed.failing:
            return None
        return failure_text(feed)

    # --- the sidebar: a query saved --------------------------------------------------------------

    def action_save_query(self) -> None:
        """The list's query saved under a name asked first (the query itself, to start with)."""
        from veille_tui.tui.screens.dialogs import NameScreen

        query = self.query_text
        if not query:
            self.notify("No query to save: / types one.", severity="warning", markup=False)
            return

        def named(name: str | None) -> None:
            self.entries.focus()
            if name:
                self.save_query(name, query)

        note = f"Saves {clean_line(query)} to the sidebar's saved queries (enter: save, esc: cancel)"
        blink = self.app.animation_level != "none"
        self.app.push_screen(NameScreen("Name:", clean_line(query), note, cursor_blink=blink), named)

    def save_query(self, name: str, query: str) -> None:
        try:
            self.lib.save_query(name, query)
        except (ConfigError, OSError) as exc:
            self.notify(f"Query not saved: {exc}", severity="error", markup=False)
            return
        self._fill_sidebar()
        self.notify(f"Saved as {name!r} to [queries] in {self.lib.settings.path}: {query}", markup=False, timeout=5)


def failure_text(feed: FeedStatus) -> str:
    """Why a feed fails, for a notification or the empty list."""
    times = f", {feed.failures} times in a row" if feed.failures > 1 else ""
    when = f" at {feed.last_fetch}" if feed.last_fetch else ""
    ok = f"; last success {feed.last_ok}" if feed.last_ok else "; never fetched successfully"
    return f"{feed_label(feed)}: the last fetch failed{when}{times}: {clean_line(feed.last_error)}{ok}."
