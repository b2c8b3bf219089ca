"""Dialogs: the query line (`/`), the tag picker (`t`), a name asked on one line (the query saved
from the command palette)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

QUERY_HINT = '+tag -tag @7d feed:NAME is:unread|starred|archived cve:ID words "phrase"'


@dataclass(frozen=True)
class Offer:
    """What `QueryScreen`'s `apply` returns when the query was applied but finds nothing, and
    another one would: `message` is shown, `query` replaces the line (enter runs it)."""

    message: str
    query: str


class QueryScreen(ModalScreen[str | None]):
    """A query line at the bottom of the screen. Enter applies it (the `apply` callable returns
    an error message to show, an `Offer`, or None when the query was applied); Escape cancels."""

    DEFAULT_CSS = """
    QueryScreen {
        align: left bottom;
        background: transparent;
    }
    QueryScreen > Vertical {
        height: auto;
        width: 1fr;
        background: $panel;
        border-top: solid $primary;
        padding: 0 1;
    }
    QueryScreen #query-row { height: 1; }
    QueryScreen #query-prompt { width: auto; color: $text-accent; text-style: bold; }
    #query-input, #query-input:focus { border: none; height: 1; padding: 0; background: $panel; width: 1fr; }
    QueryScreen #query-error { color: $text-error; height: auto; }
    QueryScreen #query-hint { color: $text-muted; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="query.cancel"),
        Binding("ctrl+g", "cancel", "Cancel", show=False, id="query.cancel_alt"),
        Binding("up", "history(-1)", "Previous query", show=False, id="query.history_previous"),
        Binding("down", "history(1)", "Next query", show=False, id="query.history_next"),
    ]

    def __init__(
        self,
        initial: str,
        apply: Callable[[str], str | Offer | None],
        history: list[str] | None = None,
        cursor_blink: bool = False,
    ) -> None:
        super().__init__()
        self.initial = initial
        self.apply = apply
        self.history = history if history is not None else []
        self._history_index = len(self.history)
        self.cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="query-row"):
                yield Static("/ ", id="query-prompt", markup=False)
                yield Input(
                    value=self.initial,
                    placeholder="+tag is:unread words…  (up: earlier queries, enter: apply, esc: cancel)",
                    id="query-input",
                    select_on_focus=False,
                )
            yield Static(id="query-error", markup=False)
            yield Static(Content(QUERY_HINT), id="query-hint", markup=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = self.cursor_blink
        field.focus()
        field.cursor_position = len(field.value)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        error = self.apply(text)
        if text and not isinstance(error, str) and (not self.history or self.history[-1] != text):
            self.history.append(text)
        if isinstance(error, Offer):  # applied, and nothing found: offer the other query
            field = self.query_one(Input)
            with field.prevent(Input.Changed):
                field.value = error.query
            field.cursor_position = len(field.value)
            self.query_one("#query-error", Static).update(Content(f"{error.message} (enter: search it)"))
            return
        if error:
            self.query_one("#query-error", Static).update(Content(error))
            return
        self.dismiss(text)

    @on(Input.Changed)
    def changed(self) -> None:
        self.query_one("#query-error", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._history_index = max(0, min(self._history_index + step, len(self.history)))
        field = self.query_one(Input)
        field.value = self.history[self._history_index] if self._history_index < len(self.history) else ""
        field.cursor_position = len(field.value)


class TagPicker(ModalScreen[str | None]):
    """Type to narrow the tags, Enter to choose, Escape to cancel."""

    DEFAULT_CSS = """
    TagPicker { align: center middle; }
    TagPicker > Vertical {
        width: 48; max-width: 100%; height: 80%; max-height: 30;
        background: $panel; border: round $primary; padding: 0 1;
    }
    #tag-filter, #tag-filter:focus { border: none; height: 1; padding: 0; margin-bottom: 1; background: $panel; }
    TagPicker OptionList { height: 1fr; border: none; padding: 0; background: $panel; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tags.cancel"),
        Binding("ctrl+g", "cancel", "Cancel", show=False, id="tags.cancel_alt"),
        Binding("down", "move(1)", "Down", show=False, id="tags.down"),
        Binding("up", "move(-1)", "Up", show=False, id="tags.up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="tags.page_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="tags.page_up"),
    ]

    def __init__(self, counts: Mapping[str, int], current: str | None = None, cursor_blink: bool = False) -> None:
        super().__init__()
        self.counts = dict(counts)
        self.current = current
        self.cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="tag…", id="tag-filter")
            yield OptionList(id="tag-options")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.cursor_blink
        self.query_one(Input).focus()
        self._fill("")
        if self.current:
            options = self.query_one(OptionList)
            try:
                options.highlighted = options.get_option_index(self.current)
            except OptionDoesNotExist:  # the current tag has no entries left
                pass

    def matches(self, text: str) -> list[str]:
        needle = text.strip().lower().lstrip("+")
        tags = list(self.counts)
        if not needle:
            return tags
        starts = [t for t in tags if t.lower().startswith(needle)]
        inside = [t for t in tags if needle in t.lower() and t not in starts]
        return starts + inside

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        tags = self.matches(text)
        width = max((len(t) for t in tags), default=0)
        options.set_options(
            Option(Content.assemble(tag.ljust(width), "  ", (str(self.counts[tag]), "$text-muted")), id=tag)
            for tag in tags
        )
        if tags:
            options.highlighted = 0

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def submitted(self) -> None:
        options = self.query_one(OptionList)
        option = options.highlighted_option
        self.dismiss(option.id if option is not None else None)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    async def action_page(self, step: int) -> None:
        await self.query_one(OptionList).run_action("page_down" if step > 0 else "page_up")

    def action_cancel(self) -> None:
        self.dismiss(None)


class NameScreen(ModalScreen[str | None]):
    """One line at the bottom asking a name (`prompt`), `initial` in it: enter gives the name
    typed (an empty one is refused, said below), escape None."""

    DEFAULT_CSS = """
    NameScreen {
        align: left bottom;
        background: transparent;
    }
    NameScreen > Vertical {
        height: auto;
        width: 1fr;
        background: $panel;
        border-top: solid $primary;
        padding: 0 1;
    }
    NameScreen #name-row { height: 1; }
    NameScreen #name-prompt { width: auto; color: $text-accent; text-style: bold; }
    #name-input, #name-input:focus { border: none; height: 1; padding: 0; background: $panel; width: 1fr; }
    NameScreen #name-note { color: $text-muted; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="name.cancel"),
        Binding("ctrl+g", "cancel", "Cancel", show=False, id="name.cancel_alt"),
    ]

    def __init__(self, prompt: str, initial: str, note: str = "", cursor_blink: bool = False) -> None:
        super().__init__()
        self.prompt = prompt
        self.initial = initial
        self.note = note
        self.cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        with Vertical():
            with Horizontal(id="name-row"):
                yield Static(Content(f"{self.prompt} "), id="name-prompt", markup=False)
                yield Input(value=self.initial, id="name-input", select_on_focus=True)
            yield Static(Content(self.note), id="name-note", markup=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = self.cursor_blink
        field.focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if not name:
            self.query_one("#name-note", Static).update(Content("A name, please (esc: cancel)."))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
