"""What the line-API widgets (sidebar, entry list, article view) share: a `ScrollView` painted by
`render_line`, its base style computed once per style change, rows repainted one at a time."""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region
from textual.scroll_view import ScrollView


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
