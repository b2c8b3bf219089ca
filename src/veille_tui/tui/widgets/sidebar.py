"""The sidebar: views, tags with their counts, feeds with their unread counts, saved queries.

A line-API widget (like the entry list): rows are painted from plain data, a cursor move
repaints two lines. Each choice has an id saying what it selects (`view:all`, `tag:NAME`,
`feed:ID`, `query:N`); section titles are rows the cursor skips. Labels are plain text (feed
titles are untrusted), never markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip

from veille_tui.core.models import FeedStatus
from veille_tui.core.text import clean_line
from veille_tui.tui.widgets.lines import LineView, WidgetMessage, fit, fit_middle

VIEWS: tuple[tuple[str, str, str], ...] = (
    # id, label, query; a view whose count is None (a query the store cannot answer) is left out
    ("all", "All entries", ""),
    ("unread", "Unread", "is:unread"),
    ("starred", "Starred", "is:starred"),
    ("watch", "Watch", "+watch"),
    ("assets", "Assets", "+asset"),  # shown when [[assets]] lists some (Sidebar.hidden_views)
    ("drafts", "Drafts", "is:drafted"),
)
# what a view counts when it is not what it lists: Watch lists every match, counts the unread ones
VIEW_COUNTED: dict[str, str] = {"watch": "+watch is:unread", "assets": "+asset is:unread"}


@dataclass(frozen=True)
class Choice:
    """What a sidebar row selects: a query, and how to name it."""

    id: str
    label: str
    query: str

    @property
    def kind(self) -> str:
        return self.id.partition(":")[0]


@dataclass(frozen=True)
class Row:
    id: str  # choice id, or "head:..." for a section title
    label: str
    count: int | None = None
    error: bool = False
    middle: bool = False  # a URL: cut in the middle, so that its end (which tells feeds apart) shows

    @property
    def selectable(self) -> bool:
        return not self.id.startswith("head:")


def short_url(url: str) -> str:
    """A feed URL as a label: without its scheme and `www.`."""
    text = clean_line(url)
    for prefix in ("https://", "http://"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    return text.removeprefix("www.").rstrip("/")


def feed_label(feed: FeedStatus) -> str:
    """A feed's title; a feed without one (its title is its URL) by its URL, shortened."""
    if feed.title and feed.title != feed.url:
        return clean_line(feed.title)
    return short_url(feed.url)


def _quote(value: str) -> str:
    return '"' + value.replace('"', "") + '"' if any(c.isspace() for c in value) else value


class Sidebar(LineView, can_focus=True):
    """Views, tags, feeds and saved queries. Enter (or a click) selects one."""

    DEFAULT_CSS = """
    Sidebar {
        min-width: 16;
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    COMPONENT_CLASSES = {"sidebar--head", "sidebar--count", "sidebar--cursor", "sidebar--active", "sidebar--error"}

    hidden_views: frozenset[str] = frozenset({"assets"})  # views not shown (Assets: no [[assets]])

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="sidebar.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="sidebar.page_up"),
        Binding("home,g", "first", "First", show=False, id="sidebar.first"),
        Binding("end,G", "last", "Last", show=False, id="sidebar.last"),
        Binding("enter", "select", "Open", show=False, id="sidebar.select"),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    class Selected(WidgetMessage["Sidebar"]):
        """Enter or a click on a choice."""

        def __init__(self, sidebar: Sidebar, choice_id: str) -> None:
            super().__init__(sidebar)
            self.choice_id = choice_id

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[Row] = []
        self.choices: dict[str, Choice] = {}
        self.tag_ids: list[str] = []
        self.active: str | None = None  # the choice shown in the list
        self._feeds: dict[str, FeedStatus] = {}
        self._index: dict[str, int] = {}

    # --- data -------------------------------------------------------------------------------

    def fill(
        self,
        tag_counts: Mapping[str, int],
        feeds: Sequence[FeedStatus] | None,
        queries: Iterable[tuple[str, str]],
        view_counts: Mapping[str, int | None] | None = None,
        active: str | None = None,
    ) -> None:
        """(Re)build the rows; the cursor stays on `active` (or the row it is on)."""
        keep = self.highlighted_id
        if feeds is None:  # not loaded yet: keep those shown
            feeds = list(self._feeds.values())
        choices: dict[str, Choice] = {}
        rows: list[Row] = [Row("head:views", "Views")]
        view_counts = view_counts or {}
        for view_id, label, query in VIEWS:
            if view_id in self.hidden_views or (view_id in view_counts and view_counts[view_id] is None):
                continue
            choice = Choice(f"view:{view_id}", label, query)
            choices[choice.id] = choice
            rows.append(Row(choice.id, label, view_counts.get(view_id)))
        self.tag_ids = []
        if tag_counts:
            rows.append(Row("head:tags", "Tags"))
            for tag, count in tag_counts.items():
                choice = Choice(f"tag:{tag}", tag, "+" + tag)
                choices[choice.id] = choice
                self.tag_ids.append(choice.id)
                rows.append(Row(choice.id, tag, count))
        self._feeds = {}
        if feeds:
            rows.append(Row("head:feeds", "Feeds"))
            for feed in feeds:
                choice = Choice(f"feed:{feed.id}", feed_label(feed), "feed:" + _quote(feed.url))
                choices[choice.id] = choice
                self._feeds[choice.id] = feed
                rows.append(self._feed_row(choice.id, feed))
        queries = list(queries)
        if queries:
            rows.append(Row("head:queries", "Queries"))
            for n, (name, query) in enumerate(queries):
                choice = Choice(f"query:{n}", clean_line(name), query)
                choices[choice.id] = choice
                rows.append(Row(choice.id, choice.label))
        self.rows = rows
        self.choices = choices
        self._index = {row.id: n for n, row in enumerate(rows)}
        if active is not None:
            self.active = active
        self.virtual_size = Size(0, len(rows))
        target = keep if keep in choices else self.active if self.active in choices else "view:all"
        self.set_reactive(Sidebar.cursor, self._index.get(target, 1))
        self.refresh()

    def _feed_row(self, choice_id: str, feed: FeedStatus) -> Row:
        untitled = not feed.title or feed.title == feed.url
        return Row(choice_id, feed_label(feed), feed.unread or None, error=feed.failing, middle=untitled)

    def set_view_count(self, view_id: str, count: int) -> None:
        """One view's count changed (an entry read or marked unread, a view marked read)."""
        index = self._index.get(f"view:{view_id}")
        if index is not None:
            self.rows[index] = replace(self.rows[index], count=max(count, 0))
            self.refresh_line(index)

    def view_count(self, view_id: str) -> int | None:
        index = self._index.get(f"view:{view_id}")
        return self.rows[index].count if index is not None else None

    @property
    def highlighted_id(self) -> str | None:
        if 0 <= self.cursor < len(self.rows) and self.rows[self.cursor].selectable:
            return self.rows[self.cursor].id
        return None

    def highlight_id(self, choice_id: str) -> None:
        index = self._index.get(choice_id)
        if index is not None:
            self.cursor = index

    def set_active(self, choice_id: str | None) -> None:
        """Mark the choice the list shows (and put the cursor on it)."""
        old = self._index.get(self.active or "")
        self.active = choice_id
        if old is not None:
            self.refresh_line(old)
        if choice_id in self._index:
            self.highlight_id(choice_id)
            self.refresh_line(self._index[choice_id])

    def feed(self, choice_id: str) -> FeedStatus | None:
        return self._feeds.get(choice_id)

    def feed_by_title(self, title: str) -> FeedStatus | None:
        for feed in self._feeds.values():
            if feed.title == title or feed.url == title:
                return feed
        return None

    def adjust_unread(self, feed_titles: Iterable[str], delta: int) -> None:
        """An entry of these feeds was read (-1) or marked unread (+1): update their counts."""
        for title in feed_titles:
            for choice_id, feed in self._feeds.items():
                if feed.title == title:
                    feed = replace(feed, unread=max(feed.unread + delta, 0))
                    self._feeds[choice_id] = feed
                    index = self._index[choice_id]
                    self.rows[index] = self._feed_row(choice_id, feed)
                    self.refresh_line(index)

    def next_tag(self, current: str | None, step: int) -> str | None:
        """The tag after (step=1) or before (step=-1) `current`, wrapping around."""
        if not self.tag_ids:
            return None
        if current not in self.tag_ids:
            return self.tag_ids[0] if step > 0 else self.tag_ids[-1]
        index = (self.tag_ids.index(current) + step) % len(self.tag_ids)
        return self.tag_ids[index]

    # --- cursor -----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        top, height = self.scroll_offset.y, self._page_height()
        if new < top:
            self.scroll_to(
                y=new - 1 if new and not self.rows[new - 1].selectable else new, animate=False, immediate=True
            )
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)

    def _move(self, step: int, start: int | None = None) -> None:
        index = self.cursor if start is None else start
        while True:
            index += step
            if not 0 <= index < len(self.rows):
                return
            if self.rows[index].selectable:
                self.cursor = index
                return

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(1, min(self.cursor + self.scrollable_content_region.height, len(self.rows)) - 1)

    def action_page_up(self) -> None:
        self._move(-1, max(self.cursor - self.scrollable_content_region.height, 0) + 1)

    def action_first(self) -> None:
        self._move(1, -1)

    def action_last(self) -> None:
        self._move(-1, len(self.rows))

    def action_select(self) -> None:
        choice_id = self.highlighted_id
        if choice_id is not None:
            self.post_message(self.Selected(self, choice_id))

    def on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self.rows) and self.rows[index].selectable:
            self.cursor = index
            self.post_message(self.Selected(self, self.rows[index].id))

    # --- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        base = self._base_style()
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        component = self.get_component_rich_style
        if not row.selectable:
            return Strip([Segment(fit(row.label, width), base + component("sidebar--head"))], width)
        count = "" if row.count is None else str(row.count)
        mark = "! " if row.error else ""
        room = max(width - len(count) - 2, 1)
        label = mark + fit_middle(row.label, room - len(mark)) if row.middle else fit(mark + row.label, room)
        gap = " " * max(width - 1 - len(label) - len(count), 1) if count else ""
        if index == self.cursor:
            style = base + component("sidebar--cursor")
            return Strip([Segment(fit(" " + label + gap + count, width), style)], width)
        label_style = base + component("sidebar--active") if row.id == self.active else base
        if row.error:
            label_style += component("sidebar--error")
        segments = [Segment(" " + label + gap, label_style)]
        if count:
            segments.append(Segment(count, base + component("sidebar--count")))
        return Strip(segments).adjust_cell_length(width, base)
