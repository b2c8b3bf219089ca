"""The entry list: a line-API widget over the ids of the matching entries.

Only the ids of the current list live here (a 50,000-entry list is a list of 50,000 ints);
the rows shown are fetched on demand, a window at a time, through the `fetch_rows` callable the
screen gives (the widget never touches the store). A cursor move refreshes two lines, a scroll
the visible ones: nothing else of the screen is repainted.

Titles and sources are untrusted: they become `Segment`s of plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from veille_tui.core.models import Entry
from veille_tui.tui.list_reader import Rest
from veille_tui.tui.lru import LRU
from veille_tui.tui.widgets.entry_columns import Columns, cut, marker_glyphs, short_date, source_name, this_year
from veille_tui.tui.widgets.lines import CursorLines, WidgetMessage, fit

RowFetcher = Callable[[Sequence[int]], list[Entry]]

WINDOW = 80  # rows fetched around a missing one


class EntryList(CursorLines, can_focus=True):
    """Entries, newest first: markers, date, source, title, CVE count."""

    DEFAULT_CSS = """
    EntryList {
        overflow-x: hidden;
        overflow-y: auto;
        min-width: 20;
        background: $surface;
    }
    """

    COMPONENT_CLASSES = {
        "entry-list--cursor",
        "entry-list--unread",
        "entry-list--starred",
        "entry-list--archived",
        "entry-list--date",
        "entry-list--source",
        "entry-list--title-unread",
        "entry-list--cve",
        "entry-list--kev",
        "entry-list--empty",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("enter", "open", "Open", id="list.open"),
    ]

    class Highlighted(WidgetMessage["EntryList"]):
        """The cursor moved onto an entry (None: the list is empty)."""

        def __init__(self, entry_list: EntryList, entry_id: int | None) -> None:
            super().__init__(entry_list)
            self.entry_id = entry_id

    class Opened(WidgetMessage["EntryList"]):
        """Enter (or a click) on an entry."""

        def __init__(self, entry_list: EntryList, entry_id: int) -> None:
            super().__init__(entry_list)
            self.entry_id = entry_id

    def __init__(self, fetch_rows: RowFetcher, *, empty_text: str = "No entries.", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fetch_rows = fetch_rows
        self._ids: list[int] = []  # the whole list, or its first rows while `_rest` is read
        self._rest: Rest | None = None
        self._position: dict[int, int] | None = None
        self._rows: LRU[int, Entry] = LRU(4096)
        self._strips: LRU[tuple[Entry, bool, int], Strip] = LRU(1024)  # (entry, selected, width)
        self._glyphs = marker_glyphs()
        self._year = this_year()  # dates of this year show as MM-DD
        self.empty_text = empty_text

    # --- data -------------------------------------------------------------------------------

    def set_ids(
        self, ids: list[int], keep: int | None = None, *, scroll_row: int | None = None, rest: Rest | None = None
    ) -> None:
        """Show these entries. With `keep`, the cursor stays on that entry if it is still listed
        (and at the same height on screen); otherwise it goes to the first entry. With `rest`,
        `ids` are the first rows of a list being read whole (list_reader.py)."""
        if self._rest is not None:
            self._rest.dropped = True
        self._rest = rest
        old_offset = self.cursor - self.scroll_offset.y
        self._ids = ids
        self._year = this_year()
        self._position = None
        index = self._known_index(keep) if keep is not None else None
        if keep is not None and index is None and rest is not None:  # past the first rows: the whole list
            self._rest, whole = None, rest.wait()
            if whole is not None:
                self._ids, self._position = whole, None
                index = self._known_index(keep)
        ids = self._ids
        self._set_rows(len(ids))
        self.set_reactive(EntryList.cursor, index if index is not None else 0)
        if index is not None:
            top = index - old_offset if scroll_row is None else scroll_row
        else:
            top = 0
        # force: a list that was short had no scrollbar yet (overflow auto), which forbids scrolling
        top = max(0, min(top, len(ids) - self._page_height()))
        self.scroll_to(y=top, animate=False, immediate=True, force=True)
        self._strips.clear()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current_id))

    @property
    def ids(self) -> list[int]:
        """The ids of the whole list (waiting for the rest of a list still being read)."""
        self.complete()
        return self._ids

    @property
    def shown_count(self) -> tuple[int, bool]:
        """How many entries the list has, and whether more are being read (then it is a lower
        bound: the first rows)."""
        return len(self._ids), self._rest is not None

    def complete(self) -> None:
        """The list made whole now: the rest being read waited for."""
        rest, self._rest = self._rest, None
        if rest is not None:
            ids = rest.wait()
            if ids is not None:
                self._take(ids)

    def take_rest(self, rest: Rest) -> bool:
        """The rest of a list was read: shown, if it is this list's (True)."""
        if rest is not self._rest:
            return False
        self.complete()
        return True

    def _take(self, ids: list[int]) -> None:
        """The whole list in place of its first rows: the cursor stays on its entry."""
        current, first = self.current_id, self._ids
        self._ids, self._position = ids, None
        self._set_rows(len(ids))
        if ids[: len(first)] == first:  # the rows on screen are the same
            if len(first) < self.scroll_offset.y + self._page_height():  # and there are rows below them
                self.refresh()
            return
        index = self._known_index(current) if current is not None else None  # the store changed meanwhile
        self.set_reactive(EntryList.cursor, index if index is not None else max(min(self.cursor, len(ids) - 1), 0))
        self.scroll_cursor_into_view()
        self._strips.clear()
        self.refresh()
        if self.current_id != current:
            self.post_message(self.Highlighted(self, self.current_id))

    def _set_rows(self, count: int) -> None:
        """The list's height. Without a layout of the screen when the scrollbar stays as it is
        (a layout redraws every scrollbar of the screen: the third of a tag switch's time)."""
        size, height = Size(0, count), self.scrollable_content_region.height
        if size == self.virtual_size:
            return
        if self.virtual_size.height > height and count > height:  # the scrollbar stays: its thumb moves
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def index_of(self, entry_id: int) -> int | None:
        """Where the entry is in the list (None: not listed)."""
        index = self._known_index(entry_id)
        if index is None and self._rest is not None:  # perhaps past the first rows
            self.complete()
            index = self._known_index(entry_id)
        return index

    def _known_index(self, entry_id: int) -> int | None:
        if self._position is None:
            self._position = {entry_id: n for n, entry_id in enumerate(self._ids)}
        return self._position.get(entry_id)

    @property
    def current_id(self) -> int | None:
        if 0 <= self.cursor < len(self._ids):
            return self._ids[self.cursor]
        return None

    @property
    def current_entry(self) -> Entry | None:
        if self.current_id is None:
            return None
        return self.row(self.cursor)

    def row(self, index: int) -> Entry | None:
        """The entry at `index`, fetching a window of rows around it when it is not cached."""
        if not 0 <= index < len(self._ids):
            return None
        entry_id = self._ids[index]
        entry = self._rows.get(entry_id)
        if entry is None:
            start = max(0, index - WINDOW // 4)
            wanted = [i for i in self._ids[start : start + WINDOW] if i not in self._rows]
            for found in self._fetch_rows(wanted):
                self._rows[found.id] = found
            entry = self._rows.get(entry_id)
        return entry

    def update_entry(self, entry: Entry) -> None:
        """A row changed (read, starred, archived): repaint it alone."""
        self._rows[entry.id] = entry
        index = self.index_of(entry.id)
        if index is not None:
            self.refresh_line(index)

    def show_read(self, ids: Collection[int], read: bool = True) -> None:
        """These entries are read (a view marked read), or unread (that undone): the rows held
        change, the list repaints."""
        self.show_state(ids, read=read)

    def show_state(self, ids: Collection[int], *, read: bool | None = None, starred: bool | None = None) -> None:
        """These entries get this read and/or starred state before the store has it (a worker
        writes it): the rows held change, the list repaints once."""
        for entry_id in self._rows.keys():
            entry = self._rows.get(entry_id)
            if entry is None or entry_id not in ids:
                continue
            if read is not None and entry.read != read:
                entry = replace(entry, read=read)
            if starred is not None and entry.starred != starred:
                entry = replace(entry, starred=starred)
            self._rows[entry_id] = entry
        self.refresh()

    def cached_ids(self) -> list[int]:
        """The ids of the rows held (to read them again when the store changed elsewhere)."""
        return self._rows.keys()

    def replace_rows(self, rows: Sequence[Entry]) -> int:
        """Fresh copies of the rows held (another process changed the store): those not given are
        dropped (fetched again when shown), those that changed are repainted, alone. Returns how
        many changed."""
        old, self._rows = self._rows, LRU(self._rows.maxsize)
        changed = 0
        for entry in rows:
            self._rows[entry.id] = entry
            if old.get(entry.id) != entry:
                changed += 1
                index = self.index_of(entry.id)
                if index is not None:
                    self.refresh_line(index)
        return changed

    def forget_rows(self) -> None:
        """Drop the cached rows (after an index or a fetch changed them)."""
        self._rows.clear()
        self._strips.clear()
        self.refresh()

    # --- cursor -----------------------------------------------------------------------------

    def row_count(self) -> int:
        """The rows known (the first ones while the rest is read: the moves below wait for it
        when they go past them)."""
        return len(self._ids)

    def validate_cursor(self, value: int) -> int:
        if value >= len(self._ids):
            self.complete()
        return super().validate_cursor(value)

    def scroll_cursor_into_view(self) -> None:
        if self.cursor + self._page_height() >= len(self._ids):  # the scroll may reach the end
            self.complete()
        super().scroll_cursor_into_view()

    def action_last(self) -> None:
        self.complete()
        super().action_last()

    def cursor_moved(self) -> None:
        self.post_message(self.Highlighted(self, self.current_id))

    def on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self.call_after_refresh(self.scroll_cursor_into_view)

    def action_open(self) -> None:
        if self.current_id is not None:
            self.post_message(self.Opened(self, self.current_id))

    def on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self._ids):
            self.cursor = index
            self.post_message(self.Opened(self, self._ids[index]))

    # --- rendering --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    # the cursor row is drawn in the focused or the blurred style: drawn again at a focus change
    # (Textual runs Widget's own focus handling after these)
    def on_focus(self, event: events.Focus) -> None:
        self._strips.clear()

    def on_blur(self, event: events.Blur) -> None:
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        base = self._base_style()
        if not self._ids:
            if y == 0:
                style = base + self.get_component_rich_style("entry-list--empty")
                return Strip([Segment(fit(" " + self.empty_text, width), style)], width)
            return Strip.blank(width, base)
        entry = self.row(index)
        if entry is None:
            return Strip.blank(width, base)
        selected = index == self.cursor
        key = (entry, selected, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(entry, selected, width, base)
            self._strips[key] = strip
        return strip

    def _render_row(self, entry: Entry, selected: bool, width: int, base: Style) -> Strip:
        cols = Columns.for_width(width)
        glyphs = self._glyphs
        markers = (
            (glyphs["unread"] if not entry.read else " ")
            + (glyphs["starred"] if entry.starred else " ")
            + (glyphs["archived"] if entry.archived else glyphs["drafted"] if entry.drafted else " ")
        )
        date = short_date(entry.date, self._year)
        source = cut(source_name(entry.source), cols.source) + " " if cols.source else ""
        cve = ""
        title_width = cols.title
        if cols.cve:
            count = len(entry.cves)
            kev = "!" if "kev" in entry.tags else " "  # one of them is in the KEV catalogue
            cve = f" {kev}{count:>3} CVE" if count < 100 else f" {kev}99+ CVE"
            if not count:  # the title takes the free cells
                cve = ""
                title_width += cols.cve
        title = fit(entry.title, title_width)
        if selected:
            style = base + self.get_component_rich_style("entry-list--cursor")
            text = f"{markers} {fit(date, cols.date)} {source}{title}{cve}"
            return Strip([Segment(fit(text, width), style)], width)
        # Few segments per row: each one costs an SGR sequence on the wire. Spaces carry the
        # style of a neighbour (their colour does not show), so that neighbours merge.
        component = self.get_component_rich_style
        segments = []
        for glyph, name in zip(markers, ("unread", "starred", "archived"), strict=True):
            if glyph != " ":
                segments.append(Segment(glyph, base + component(f"entry-list--{name}")))
            elif segments:
                segments.append(Segment(" ", segments[-1].style))
            else:
                segments.append(Segment(" ", base + component("entry-list--date")))
        date_style = base + component("entry-list--date")
        segments.append(Segment(" ", segments[-1].style))
        segments.append(Segment(fit(date, cols.date) + " ", date_style))
        if source:
            segments.append(Segment(source, base + component("entry-list--source")))
        title_style = base + component("entry-list--title-unread") if not entry.read else base
        if entry.cves and cve:
            segments.append(Segment(title + " ", title_style))  # the title never touches the KEV mark
            kev_style = "entry-list--kev" if "kev" in entry.tags else "entry-list--cve"
            segments.append(Segment(cve[1:], base + component(kev_style)))
        else:
            segments.append(Segment(title + cve, title_style))
        strip = Strip(segments).simplify()
        return strip.adjust_cell_length(width, base)
