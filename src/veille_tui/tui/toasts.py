"""Notifications kept to the status area: at most three lines, the width of the screen, over the
status line (app.tcss), wrapped at word or path boundaries.

At 80 columns Textual's toasts took half the width with a padding all round: a link of 100
characters made a block of six lines over the article, cut in the middle of its words. Here a
toast shows its notification in `MAX_LINES` lines, the title included; a long word (a URL, a
path) breaks after a `/`, `?`, `&`, `=`, `-`, `_` or `#`; what does not fit ends with `…`, the
last paragraph (the link a copy shows) kept whole when it can be. The notification itself keeps
its whole text.

Textual builds each toast by the name `Toast` of its private module `textual.widgets._toast`
(in `ToastRack.show`), and a toast's notification is its private `_notification`: both read
here, with Textual pinned to the minor version they were read on (8.2), as in bindings.py.
"""

from __future__ import annotations

import re

import textual.widgets._toast as toast_module
from rich.cells import cell_len, chop_cells
from textual.content import Content

MAX_LINES = 3
CHROME = 3  # cells of a toast that are not text: its left border and a padding cell either side
_PIECES = re.compile(r"[^/?&=\-_#]*[/?&=\-_#]+|[^/?&=\-_#]+")


def wrap(text: str, width: int) -> list[list[str]]:
    """`text` in lines of at most `width` cells, paragraph by paragraph: words at spaces, a word
    too long for a line after one of its boundaries, else where it must."""
    width = max(width, 1)
    paragraphs: list[list[str]] = []
    for paragraph in text.splitlines() or [""]:
        lines: list[str] = []
        line = ""
        for word in paragraph.split():
            room = width - cell_len(line) - 1
            long = cell_len(word) > width or ("/" in word and cell_len(word) > room)  # a URL, a path
            pieces = _PIECES.findall(word) if long else [word]
            for n, piece in enumerate(pieces):
                joined = (line + (" " if line and n == 0 else "") + piece) if line else piece
                if cell_len(joined) <= width:
                    line = joined
                    continue
                if line:
                    lines.append(line)
                while cell_len(piece) > width:
                    head = chop_cells(piece, width)[0]
                    lines.append(head)
                    piece = piece[len(head) :]
                line = piece
        lines.append(line)
        paragraphs.append(lines)
    return paragraphs


def fit_lines(text: str, width: int, max_lines: int) -> list[str]:
    """At most `max_lines` lines of `text`: the last paragraph whole when the others can give way
    (a copy's link), what is left out marked `…`."""
    paragraphs = wrap(text, width)
    lines = [line for paragraph in paragraphs for line in paragraph]
    if len(lines) <= max_lines:
        return lines
    last = paragraphs[-1]
    if len(paragraphs) > 1 and len(last) < max_lines:
        before = [line for paragraph in paragraphs[:-1] for line in paragraph][: max_lines - len(last)]
        return [*_ellipsis(before, width), *last]
    return _ellipsis(lines[:max_lines], width)


def _ellipsis(lines: list[str], width: int) -> list[str]:
    end = lines[-1]
    if cell_len(end) >= width:
        end = chop_cells(end, width - 1)[0]
    return [*lines[:-1], end.rstrip() + "…"]


class ShortToast(toast_module.Toast):
    """A toast of at most `MAX_LINES` lines (see the module)."""

    def render(self) -> Content:
        notification = self._notification
        width = self.content_region.width or self.app.size.width - CHROME
        text = notification.message
        if notification.markup:
            text = Content.from_markup(text).plain
        lines = fit_lines(text, width, MAX_LINES - (1 if notification.title else 0))
        body = Content("\n".join(lines))
        if notification.title:
            title = fit_lines(notification.title, width, 1)[0]
            return Content.assemble((title, self.get_visual_style("toast--title")), "\n", body)
        return body


def install() -> None:
    """The toasts of every screen shown from now on are `ShortToast`s."""
    toast_module.Toast = ShortToast  # type: ignore[misc]
