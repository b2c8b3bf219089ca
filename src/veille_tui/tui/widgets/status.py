"""The status line: what the list shows and how many entries, and on the right what runs in the
background and whether the app is offline.

Given plain values, it draws them as `Content` (labels are tag names, feed titles and typed
queries: untrusted text, never parsed as markup), and only when one of them changed.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Static

OFFLINE = "offline: cache and archive only"
MIN_WIDTH = 40  # the right part is placed as if the line had at least this many cells


class StatusLine(Static):
    """` label · N entries · position  (esc: all)           activity  offline`"""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self._shown: tuple[str, int, bool, bool, str, bool, str, str, str] | None = None

    def show(
        self,
        label: str,
        count: int,
        *,
        more: bool = False,
        query: bool = False,
        activity: str = "",
        offline: bool = False,
        position: str = "",
        sync: str = "",
        config: str = "",
    ) -> None:
        """`more`: the list is still being read (`count`: its first rows); `query`: the list is a
        typed query (escape clears it); `activity`: index or fetch progress (empty: none);
        `position`: where the reader is (the full-screen article); `sync`: what to know of the
        team server (it cannot be reached, changes wait; empty: nothing); `config`: the config
        file read again, or why it could not be (an error starts `config error`)."""
        state = (label, count, more, query, activity, offline, position, sync, config)
        if state == self._shown:
            return
        self._shown = state
        parts = [
            Content.styled(f" {label}", "bold"),
            Content(f" · {count}{'+' if more else ''} {'entry' if count == 1 and not more else 'entries'}"),
        ]
        if position:
            parts.append(Content(f" · {position}"))
        if query:
            parts.append(Content.styled("  (esc: all)", "$text-muted"))
        right = []
        if activity:
            right.append(Content.styled(activity, "$text-warning"))
        if sync:
            right.append(Content.styled(sync, "$text-error"))
        if config:
            broken = config.startswith("config error")
            right.append(Content.styled(config, "$text-error" if broken else "$text-success"))
        if offline:
            right.append(Content.styled(OFFLINE, "$text-muted"))
        status = Content.assemble(*parts)
        if right:
            tail = Content("  ").join(right)
            width = max(self.size.width, MIN_WIDTH)
            gap = max(width - status.cell_length - tail.cell_length - 1, 2)
            status = Content.assemble(status, " " * gap, tail)
        self.update(status, layout=False)  # one line, always (app.tcss): no layout to redo
