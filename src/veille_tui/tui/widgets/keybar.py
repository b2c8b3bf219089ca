"""The key bar: one line of the main keys, built from the live bindings (keymap applied:
`veille_tui.tui.bindings.key_bar_items`).

Textual's Footer is a widget per key and rebuilds itself at every focus change (measured here:
half of the 100-200 ms a focus change costs); this is one line of text, built once per width.
Keys come most useful first: those that do not fit the width are left out whole, from the end
(never a word cut), and the pinned ones (help) are always shown, last. A click on a key runs
its action.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import events
from textual.content import Content
from textual.widgets import Static

from veille_tui.tui.bindings import KeyItem


def fit_items(items: Sequence[KeyItem], width: int) -> list[KeyItem]:
    """The items shown in `width` cells: the pinned ones, and before them the others in their
    order until one does not fit."""
    pinned = [item for item in items if item.pinned]
    room = width - sum(item.width for item in pinned)
    shown: list[KeyItem] = []
    for item in items:
        if item.pinned:
            continue
        if item.width > room:
            break
        shown.append(item)
        room -= item.width
    return shown + pinned


class KeyBar(Static):
    """`key description` pairs, as many as the width holds."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.items: list[KeyItem] = []
        self.shown: list[KeyItem] = []
        self._spans: list[tuple[int, int, KeyItem]] = []
        self._laid_out: tuple[int, tuple[KeyItem, ...]] | None = None

    def set_items(self, items: Sequence[KeyItem]) -> None:
        self.items = list(items)
        self._layout()

    def on_resize(self, event: events.Resize) -> None:
        self._layout()

    def _layout(self) -> None:
        width = self.size.width or self.app.size.width
        state = (width, tuple(self.items))
        if state == self._laid_out:
            return
        self._laid_out = state
        self.shown = fit_items(self.items, width)
        parts: list[Content] = []
        self._spans = []
        x = 0
        for item in self.shown:
            part = Content.assemble((f" {item.keys}", "bold $footer-key-foreground"), f" {item.description} ")
            parts.append(part)
            self._spans.append((x, x + part.cell_length, item))
            x += part.cell_length
        self.update(Content.assemble(*parts) if parts else Content(""))

    def item_at(self, x: int) -> KeyItem | None:
        for start, end, item in self._spans:
            if start <= x < end:
                return item
        return None

    async def on_click(self, event: events.Click) -> None:
        item = self.item_at(event.x)
        if item is not None:
            await item.node.run_action(item.action)
