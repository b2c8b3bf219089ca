"""A question answered by one key, asked on the key bar's line (`A`: "Mark the 52,772 unread
entries of All entries read?").

Not a modal screen: a screen above the main one has the main one drawn again beneath it, dimmed
(measured here: 110 ms at 80x24, 210 ms at 160x48 before the question shows); this is one line
in place of the key bar, which it hides while it asks. It takes the focus, so that the next key
is its answer whatever it is, and gives it back.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from veille_tui.tui.widgets.lines import WidgetMessage, fit_middle


class Question(Static, can_focus=True):
    """` question  (keys: yes · any other key: no)`"""

    DEFAULT_CSS = """
    Question {
        height: 1;
        width: 1fr;
        display: none;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        background: $warning-muted;
        color: $foreground;
    }
    """

    class Answered(WidgetMessage["Question"]):
        """The key pressed said yes, or not."""

        def __init__(self, question: Question, yes: bool, topic: str = "") -> None:
            super().__init__(question)
            self.yes = yes
            self.topic = topic  # what was asked (the `topic` given to `ask`)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.yes_keys: frozenset[str] = frozenset()
        self.topic = ""
        self._asked = ("", "", "")  # the question, its subject, the keys that answer it
        self._hidden: Widget | None = None
        self._focused: Widget | None = None

    @property
    def asking(self) -> bool:
        return bool(self.display)

    def ask(
        self,
        text: str,
        yes_keys: Collection[str],
        yes_text: str,
        instead_of: Widget | None = None,
        topic: str = "",
        subject: str = "",
    ) -> None:
        """Show the question (in place of `instead_of`) and wait for a key; the answer carries
        `topic`, to tell two questions apart. `subject` (a file name) takes the place of `{}` in
        `text`, and is what gives way first when the line is too short."""
        self.yes_keys = frozenset(yes_keys)
        self.topic = topic
        self._asked = (text, subject, f"  {yes_text}: yes, other keys: no")
        self._fit()
        self._focused = self.screen.focused
        self._hidden = instead_of
        if instead_of is not None:
            instead_of.display = False
        self.display = True
        self.focus()

    def _fit(self) -> None:
        """The keys always shown whole: the question gives way, cut in its middle (its end, the
        question mark, stays)."""
        text, subject, keys = self._asked
        width = self.size.width or self.app.size.width
        room = width - 1 - cell_len(keys)
        if subject:
            left = room - cell_len(text.replace("{}", ""))
            if cell_len(subject) > left:
                subject = fit_middle(subject, max(left, 12)).rstrip()
            text = text.replace("{}", subject)
        if cell_len(text) > room:
            text = fit_middle(text, max(room, 8)).rstrip()
        self.update(Content.assemble((f" {text}", "bold"), (keys, "$text-muted")))

    def on_resize(self) -> None:
        if self.asking:
            self._fit()

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.display = False
        if self._hidden is not None:
            self._hidden.display = True
        if self._focused is not None:
            self._focused.focus()
        self.post_message(self.Answered(self, event.key in self.yes_keys, self.topic))

    def on_blur(self) -> None:
        if self.asking:  # a click elsewhere: no
            self.display = False
            if self._hidden is not None:
                self._hidden.display = True
            self.post_message(self.Answered(self, False, self.topic))
