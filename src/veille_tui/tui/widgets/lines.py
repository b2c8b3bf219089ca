"""What the widgets share: `LineView`, a `ScrollView` painted by `render_line` (sidebar, entry list,
article view), its base style computed once per style change and its rows repainted one at a time;
`fit`, a plain string cut to a number of cells; `WidgetMessage`, the base of the widgets' own
messages (those nested in a widget class, such as `EntryList.Opened`; the workers' messages to the
main screen are in `veille_tui/tui/messages.py`)."""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.cells import cell_len, chop_cells
from rich.style import Style
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.widget import Widget

WidgetType = TypeVar("WidgetType", bound=Widget)


def fit(text: str, width: int) -> str:
    """`text` on one line, cut or padded to exactly `width` cells (an ellipsis marks a cut)."""
    if width <= 0:
        return ""
    if "\n" in text or "\t" in text or "\r" in text:
        text = " ".join(text.split())
    size = cell_len(text)
    if size <= width:
        return text + " " * (width - size)
    if width == 1:
        return "…"
    cut = chop_cells(text, width - 1)[0]
    cut += "…"
    return cut + " " * (width - cell_len(cut))


def fit_middle(text: str, width: int) -> str:
    """Like `fit`, cut in the middle: a third of the cells for the start of `text`, the rest for
    its end (URLs of one host that differ only in their path stay apart)."""
    if width <= 0:
        return ""
    text = " ".join(text.split())
    size = cell_len(text)
    if size <= width:
        return text + " " * (width - size)
    if width < 8:
        return fit(text, width)
    head = chop_cells(text, width // 3)[0]
    tail = width - 1 - cell_len(head)
    end = text[-tail:]
    while cell_len(end) > tail:
        end = end[1:]
    cut = head + "…" + end
    return cut + " " * (width - cell_len(cut))


class WidgetMessage(Generic[WidgetType], Message):
    """A message about the widget that posts it: that widget is its `control`, so that a handler
    `@on(Widget.Message, "#id")` can pick the sender by selector."""

    def __init__(self, widget: WidgetType) -> None:
        super().__init__()
        self.widget = widget

    @property
    def control(self) -> WidgetType:
        return self.widget


class LineView(ScrollView):
    """A `ScrollView` whose subclass paints it line by line (`render_line`)."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.__dict__.pop("_cached_base", None)

    def _base_style(self) -> Style:
        """The widget's own style, computed once per style change (not once per line)."""
        base = self.__dict__.get("_cached_base")
        if base is None:
            base = self.__dict__["_cached_base"] = self.rich_style
        return base

    def _page_height(self) -> int:
        return max(self.scrollable_content_region.height, 1)

    def refresh_line(self, y: int) -> None:
        """Repaint one row: the text area alone, not the scrollbar beside it."""
        top = self.scroll_offset.y
        if top <= y < top + self._page_height():
            self.refresh(Region(0, y - top, self.scrollable_content_region.width, 1))


class CursorLines(LineView):
    """A `LineView` of rows with a cursor: the moves (one row, a page, first, last), the two rows
    repainted, the window kept around the cursor. A subclass says how many rows it has
    (`row_count`) and what a move tells (`cursor_moved`: its Highlighted message)."""

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    def row_count(self) -> int:
        raise NotImplementedError

    def cursor_moved(self) -> None:
        """The cursor is on another row (post the widget's Highlighted message)."""

    def validate_cursor(self, value: int) -> int:
        count = self.row_count()
        return max(0, min(value, count - 1)) if count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_cursor_into_view()
        self.cursor_moved()

    def scroll_cursor_into_view(self) -> None:
        """When the cursor leaves the window, the rows jump by half a page, the cursor in the
        middle: one repaint every half page, not one per move (bytes on a slow link), and the rows
        around the cursor stay in view."""
        top = self.scroll_offset.y
        height = self._page_height()
        if top <= self.cursor < top + height:
            return
        target = max(0, min(self.cursor - height // 2, self.row_count() - height))
        self.scroll_to(y=target, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += self._page_height()

    def action_page_up(self) -> None:
        self.cursor -= self._page_height()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.row_count() - 1
