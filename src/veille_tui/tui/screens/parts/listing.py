"""The list and its views: what the first frame shows, a query or a sidebar choice applied (the
cursor and scroll of a view kept for when it comes back), `backspace` to the view before, the
tags (`]`, `[`, `t`), the query line (`/`), the query saved to the sidebar, what an empty list
says. Quick reads (the first ids of a query, a window of rows) run in the UI thread: SQLite
answers them in milliseconds; the whole list of a big view is read by a thread meanwhile
(tui/list_reader.py)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from veille_tui.core.errors import ConfigError, QueryError
from veille_tui.core.models import Entry, FeedStatus
from veille_tui.core.text import clean_line
from veille_tui.tui import FIRST_ROWS
from veille_tui.tui.list_reader import Rest, RestRead
from veille_tui.tui.screens.parts.host import Host
from veille_tui.tui.views import Place, ViewHistory, query_terms
from veille_tui.tui.widgets.sidebar import VIEW_COUNTED, VIEWS, Choice, feed_label

if TYPE_CHECKING:
    from veille_tui.tui.screens.dialogs import Offer

HEAD = FIRST_ROWS  # first rows of a view shown before its whole list is read (two screens at least)


class Preloaded(Protocol):
    """What the first screen shows, read while Textual was being imported (tui/__init__.py): the
    first HEAD + 1 ids of all entries, the tag counts, how many entries there are."""

    def get(self) -> tuple[list[int], dict[str, int], int] | None: ...


def counted_views() -> list[tuple[str, str]]:
    """The sidebar's views with the query each one counts."""
    return [(v, VIEW_COUNTED.get(v, q)) for v, _label, q in VIEWS if v != "all"]


def failure_text(feed: FeedStatus) -> str:
    """Why a feed fails, for a notification or the empty list."""
    times = f", {feed.failures} times in a row" if feed.failures > 1 else ""
    when = f" at {feed.last_fetch}" if feed.last_fetch else ""
    ok = f"; last success {feed.last_ok}" if feed.last_ok else "; never fetched successfully"
    return f"{feed_label(feed)}: the last fetch failed{when}{times}: {clean_line(feed.last_error)}{ok}."


class Listing:
    """The list part of the main screen."""

    def __init__(self, host: Host, preload: Preloaded | None = None) -> None:
        self.host = host
        self.preload = preload
        self.views = ViewHistory()  # each view's cursor, and the views `backspace` goes back to
        self.query_history: list[str] = host.lib.query_history()  # kept across runs, in the data folder
        self._started = 0.0  # when the view shown was asked for

    # --- reads ------------------------------------------------------------------------------

    def load_first(self) -> tuple[list[int], Rest | None]:
        """The first rows of all entries (the whole list read by the list's thread when there are
        more: `rest_read`) and the sidebar, for the first frame (read by the preload thread when
        there is one)."""
        host, state = self.host, self.host.state
        self._started = time.perf_counter()
        loaded = self.preload.get() if self.preload is not None else None
        if loaded is None:
            ids = host.lib.entry_id_head("", HEAD + 1)
            loaded = ids, host.lib.tag_counts(), host.lib.count(None) if len(ids) > HEAD else len(ids)
        ids, state.tag_counts, state.total = loaded
        rest = host.list_reader.read("") if len(ids) > HEAD else None
        self.count_views()
        self.fill_sidebar()
        return ids, rest

    def fetch_rows(self, ids: Sequence[int]) -> list[Entry]:
        rows = self.host.lib.entries_by_ids(ids)
        marking = self.host.state.marking
        if marking:  # not committed yet: shown as they will be
            rows = [replace(e, read=True) if e.id in marking else e for e in rows]
        return rows

    def count_views(self) -> None:
        self.host.state.view_counts = self.host.lib.view_counts(counted_views())

    def fill_sidebar(self) -> None:
        state = self.host.state
        counts = {**state.view_counts, "all": state.total}
        self.host.sidebar.fill(
            state.tag_counts, state.feeds, self.host.lib.settings.queries, view_counts=counts, active=state.choice.id
        )

    def reload(self) -> None:
        """The store changed under us (index, fetch, draft): counts, sidebar, list."""
        host, state, lib = self.host, self.host.state, self.host.lib
        host.watcher.caught_up()
        state.tag_counts = lib.tag_counts()
        state.total = lib.count(None)
        self.count_views()
        self.fill_sidebar()
        entries = host.entries
        keep = entries.current_id
        try:
            ids = lib.entry_ids(state.query_text)
        except QueryError:
            ids = lib.entry_ids("")
        entries.forget_rows()
        entries.set_ids(ids, keep=keep)
        host.update_status()

    def place(self) -> Place:
        """The view shown, and where its list is."""
        entries = self.host.entries
        return Place(self.host.state.choice, self.host.state.query_text, entries.current_id, entries.scroll_offset.y)

    def apply(self, query: str, choice: Choice | None = None, *, going_back: bool = False) -> str | None:
        """Show the entries matching `query`; the list takes the focus with its first entry
        selected, or, for a view shown before, the entry it had, at the same height. Returns an
        error message for a malformed query (nothing changes then). A big list shows its first
        rows at once, the rest once a thread has read it (`rest_read`)."""
        host, state = self.host, self.host.state
        started = time.perf_counter()
        entries = host.entries
        limit = max(HEAD, 2 * entries.size.height)
        try:
            ids = host.lib.entry_id_head(query, limit + 1)
        except QueryError as exc:
            return str(exc)
        except sqlite3.DatabaseError as exc:  # locked for too long, or damaged: say so, go on
            return host.lib.explain(exc)
        rest = host.list_reader.read(query) if len(ids) > limit else None
        self._started = started
        self.views.leave(self.place(), going_back=going_back)
        earlier = self.views.place(query)
        state.query_text = query
        state.choice = choice or Choice("query", query or "All entries", query)
        host.sidebar.set_active(choice.id if choice is not None else None)
        if earlier is not None:
            entries.set_ids(ids, keep=earlier.entry_id, scroll_row=earlier.top, rest=rest)
        else:
            entries.set_ids(ids, rest=rest)
        if host.focused is not entries:
            entries.focus()
        host.update_status()
        host.timings.since("apply", started)
        host.timings.until_painted(host.entries, "apply_painted", started)
        entries.call_after_refresh(self._highlight, query)  # once the list is painted
        return None

    def _highlight(self, query: str) -> None:
        """The words of the view's query highlighted in the article shown, if it stays (else the
        article follows the cursor to another entry, highlighted as it opens)."""
        host, entries = self.host, self.host.entries
        terms, article = query_terms(query), host.article
        if (
            query == host.state.query_text
            and article.content is not None
            and (terms and terms.pattern) != (article.terms and article.terms.pattern)
            and (host.reading or article.entry_id == entries.current_id)
        ):
            article.show(article.content, keep_scroll=True, terms=terms, showing_full=article.showing_full)

    def rest_read(self, message: RestRead) -> None:
        """The whole list of a view read by the thread: in place of its first rows."""
        host = self.host
        if not host.entries.take_rest(message.rest):
            return  # another view replaced it
        host.update_status()
        host.timings.since("apply_whole", self._started)
        if message.error is not None:
            error = message.error
            text = host.lib.explain(error) if isinstance(error, sqlite3.DatabaseError) else str(error)
            host.notify(f"Only the first entries of this view are listed: {text}", severity="error", markup=False)

    def apply_choice(self, choice_id: str) -> None:
        choice = self.host.sidebar.choices.get(choice_id)
        if choice is None:
            return
        error = self.apply(choice.query, choice)
        if error:
            self.host.notify(f"{choice.label}: {error}", severity="error", markup=False)

    def empty_text(self) -> str:
        """What the article says when the list is empty."""
        host, state = self.host, self.host.state
        problem = self.feed_problem(state.choice.id)
        hint = host.lib.tag_hint(state.query_text) if state.query_text and not problem else None
        if problem:
            return f"No entries here. {problem} r retries it; F shows every feed's health."
        if hint:
            return f"{hint.message[0].upper()}{hint.message[1:]}."
        if state.query_text:
            return "No entry matches this query (esc: all entries)."
        if state.total == 0:  # a first start: what runs, or how to get something to read
            return self.first_start_text()
        return "No entries here."

    def first_start_text(self) -> str:
        """What the article says while the store holds nothing: the archive being indexed, or how
        to get something to read."""
        activity = self.host.state.activity
        if activity.startswith("indexing"):
            return f"{activity[0].upper()}{activity[1:]} Its posts are listed when it is done."
        how = "or without --offline and press R" if self.host.offline else "or press R"
        start = "Nothing here yet. Start veille-tui with --archive DIR (a Jekyll _posts folder)"
        return f"{start}, {how} to fetch the feeds."

    def tell_first_start(self) -> None:
        """An empty store being filled (the activity changed): the article says so, not only the
        status line."""
        host, state = self.host, self.host.state
        if state.total == 0 and not host.entries.shown_count[0] and not state.query_text:
            host.article.show_message(self.first_start_text())

    def feed_problem(self, choice_id: str) -> str | None:
        """What is wrong with the feed of a sidebar choice (None: nothing)."""
        feed = self.host.sidebar.feed(choice_id)
        if feed is None or not feed.failing:
            return None
        return failure_text(feed)

    # --- keys -------------------------------------------------------------------------------

    def sidebar_selected(self, choice_id: str) -> None:
        self.apply_choice(choice_id)
        problem = self.feed_problem(choice_id)
        if problem:
            self.host.notify(f"{problem} (F: every feed's health)", severity="warning", markup=False, timeout=8)

    def step_tag(self, step: int) -> None:
        choice = self.host.state.choice
        target = self.host.sidebar.next_tag(choice.id if choice.id.startswith("tag:") else None, step)
        if target is None:
            self.host.notify("No tags yet.", severity="warning")
            return
        self.apply_choice(target)

    def pick_tag(self) -> None:
        from veille_tui.tui.screens.dialogs import TagPicker

        host, choice = self.host, self.host.state.choice
        current = choice.id.removeprefix("tag:") if choice.id.startswith("tag:") else None

        def chosen(tag: str | None) -> None:
            if tag:
                self.apply_choice(f"tag:{tag}")
            else:
                host.entries.focus()

        blink = host.app.animation_level != "none"
        host.app.push_screen(TagPicker(host.state.tag_counts, current, cursor_blink=blink), chosen)

    def query(self) -> None:
        from veille_tui.tui.screens.dialogs import QueryScreen

        host, query_text = self.host, self.host.state.query_text

        def done(result: str | None) -> None:
            if result:
                host.lib.remember_query(result)
            host.entries.focus()

        # The line opens empty, so that what is typed is the whole query whatever the view; the
        # view's own query is the last of the history (`up` brings it back, to refine it).
        history = self.query_history
        if query_text and (not history or history[-1] != query_text):
            history.append(query_text)
            del history[:-100]
        blink = host.app.animation_level != "none"
        host.app.push_screen(QueryScreen("", self._apply_typed, history, cursor_blink=blink), done)

    def _apply_typed(self, text: str) -> str | Offer | None:
        choices = self.host.sidebar.choices
        if not text:
            return self.apply("", choices.get("view:all"))
        choice = next((c for c in choices.values() if c.query == text), None)
        error = self.apply(text, choice)
        if error or self.host.entries.shown_count[0]:
            return error
        hint = self.host.lib.tag_hint(text)  # `+fortinet`, a tag no entry has: offer the words search
        if hint is not None and hint.query is not None:
            self.host.lib.remember_query(text)
            from veille_tui.tui.screens.dialogs import Offer  # the dialogs: when first needed

            return Offer(hint.message, hint.query)
        return None

    def clear(self) -> None:
        """`escape` in the list: all entries again, else the list focused."""
        state, host = self.host.state, self.host
        if state.query_text or state.choice.id != "view:all":
            self.apply("", host.sidebar.choices.get("view:all"))
        elif host.focused is not host.entries:
            host.entries.focus()

    def back(self) -> None:
        """`backspace`: the view shown before."""
        place = self.views.pop(self.host.state.query_text)
        if place is None:
            self.host.notify("No view to go back to.", markup=False, timeout=3)
            return
        choice = None if place.choice.id == "query" else place.choice
        error = self.apply(place.query, choice, going_back=True)
        if error:
            self.host.notify(error, severity="error", markup=False)

    def save_query(self) -> None:
        """The list's query saved under a name asked first (the query itself, to start with)."""
        from veille_tui.tui.screens.dialogs import NameScreen

        query, host = self.host.state.query_text, self.host
        if not query:
            host.notify("No query to save: / types one.", severity="warning", markup=False)
            return

        def named(name: str | None) -> None:
            host.entries.focus()
            if name:
                self.save_named(name, query)

        note = f"Saves {clean_line(query)} to the sidebar's saved queries (enter: save, esc: cancel)"
        blink = host.app.animation_level != "none"
        host.app.push_screen(NameScreen("Name:", clean_line(query), note, cursor_blink=blink), named)

    def save_named(self, name: str, query: str) -> None:
        host = self.host
        try:
            host.lib.save_query(name, query)
        except (ConfigError, OSError) as exc:
            host.notify(f"Query not saved: {exc}", severity="error", markup=False)
            return
        self.fill_sidebar()
        host.notify(f"Saved as {name!r} to [queries] in {host.lib.settings.path}: {query}", markup=False, timeout=5)
