"""`L`: the article's links, numbered as in its text, then its related stories (the other entries
of its cluster); type a number or words to narrow them, `enter` opens the one highlighted (a
link: in a browser, or copied where there is none; a story: in the article), `ctrl+y` copies a
link."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from veille_tui.core.article import Link
from veille_tui.core.models import Entry
from veille_tui.core.text import clean_line

LinkAction = Literal["open", "copy", "entry"]  # "entry": a related story, its id as the value
ENTRY_PREFIX = "entry:"


def matching(links: Sequence[Link], text: str) -> list[Link]:
    """The links `text` asks for: a number gives that link first, then those whose number starts
    with it; words give the links whose text or URL holds every one (case ignored)."""
    text = text.strip().lower().strip("[]")
    if not text:
        return list(links)
    if text.isdigit():
        exact = [link for link in links if str(link.number) == text]
        return exact + [link for link in links if str(link.number).startswith(text) and link not in exact]
    words = text.split()
    return [link for link in links if all(w in f"{link.text} {link.url}".lower() for w in words)]


def matching_stories(stories: Sequence[Entry], text: str) -> list[Entry]:
    """The related stories `text` asks for: all of them for nothing or a number (numbers are the
    links'), else those whose title or source holds every word (case ignored)."""
    text = text.strip().lower()
    if not text or text.strip("[]").isdigit():
        return list(stories) if not text else []
    words = text.split()
    return [e for e in stories if all(w in f"{e.title} {e.source}".lower() for w in words)]


class LinkPicker(ModalScreen[tuple[LinkAction, str] | None]):
    """The links of the article and its related stories; dismissed with ("open" | "copy", URL),
    ("entry", its id) for a story, or None."""

    DEFAULT_CSS = """
    LinkPicker { align: center middle; }
    LinkPicker > Vertical {
        width: 100; max-width: 100%; height: 80%; max-height: 30;
        background: $panel; border: round $primary; padding: 0 1;
    }
    #link-filter, #link-filter:focus { border: none; height: 1; padding: 0; margin-bottom: 1; background: $panel; }
    LinkPicker OptionList, LinkPicker OptionList:focus {
        height: 1fr; border: none; padding: 0; background: $panel; text-wrap: nowrap; text-overflow: ellipsis;
    }
    LinkPicker #link-keys { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="links.cancel"),
        Binding("ctrl+g", "cancel", "Cancel", show=False, id="links.cancel_alt"),
        Binding("ctrl+y", "choose('copy')", "Copy the link", id="links.copy"),
        Binding("down", "move(1)", "Down", show=False, id="links.down"),
        Binding("up", "move(-1)", "Up", show=False, id="links.up"),
    ]

    def __init__(self, links: Sequence[Link], cursor_blink: bool = False, related: Sequence[Entry] = ()) -> None:
        super().__init__()
        self.links = list(links)
        self.related = list(related)
        self.cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="a number or words…", id="link-filter")
            yield OptionList(id="link-options")
            yield Static(
                Content("enter: open (a link without a browser: copy) · ctrl+y: copy · esc: cancel"),
                id="link-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = self.cursor_blink
        field.focus()
        self._fill("")

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        found = matching(self.links, text)
        width = len(str(max((link.number for link in self.links), default=0))) + 2
        options.set_options(
            Option(
                Content.assemble(
                    (f"[{link.number}]".rjust(width), "$text-muted"),
                    " ",
                    clean_line(link.text) if link.text != link.url else "",
                    "  " if link.text != link.url else "",
                    (clean_line(link.url), "$text-accent"),
                ),
                id=str(link.number),
            )
            for link in found
        )
        stories = matching_stories(self.related, text)
        if stories:
            options.add_option(Option(Content.styled("Related stories", "$text-muted"), disabled=True))
            options.add_options(
                Option(
                    Content.assemble(
                        ((e.date or "")[:10], "$text-muted"),
                        "  ",
                        (clean_line(e.source) + "  " if e.source else "", "$text-accent"),
                        clean_line(e.title) or "(untitled)",
                    ),
                    id=f"{ENTRY_PREFIX}{e.id}",
                )
                for e in stories
            )
        if found:
            options.highlighted = 0
        elif stories:
            options.highlighted = 1

    @property
    def highlighted(self) -> Link | None:
        option = self.query_one(OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        return next((link for link in self.links if str(link.number) == option.id), None)

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_choose("open")

    @on(OptionList.OptionSelected)
    def selected(self) -> None:
        self.action_choose("open")

    def action_choose(self, action: LinkAction) -> None:
        option = self.query_one(OptionList).highlighted_option
        if option is not None and option.id is not None and option.id.startswith(ENTRY_PREFIX):
            if action == "open":
                self.dismiss(("entry", option.id.removeprefix(ENTRY_PREFIX)))
            return
        link = self.highlighted
        if link is not None:
            self.dismiss((action, link.url))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
