"""The key bar: one line of the main keys, built from the live bindings (keymap applied).

Textual's Footer is a widget per key and rebuilds itself at every focus change (measured here:
half of the 100-200 ms a focus change costs); this is one line of text, built once. A click on a
key runs its action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Static


@dataclass(frozen=True)
class KeyItem:
    keys: str  # as shown
    description: str
    node: DOMNode  # where the action runs
    action: str


class KeyBar(Static):
    """`key description` pairs; what does not fit is cut at the right."""

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

    def __init__(self, **kwargs) -> None:
        super().__init__(markup=False, **kwargs)
        self.items: list[KeyItem] = []
        self._spans: list[tuple[int, int, KeyItem]] = []

    def set_items(self, items: Sequence[KeyItem]) -> None:
        self.items = list(items)
        parts: list[Content] = []
        self._spans = []
        x = 0
        for item in self.items:
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


def width_of(items: Sequence[KeyItem]) -> int:
    return sum(cell_len(f" {i.keys} {i.description} ") for i in items)
