"""The `?` screen: every key, read from the live bindings (with the user's keymap applied),
then the short guide shipped in `veille_tui/tui/help.md`."""

from __future__ import annotations

from importlib import resources
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from veille_tui.tui.bindings import effective_bindings, keys_text


def help_markdown() -> str:
    try:
        return resources.files("veille_tui.tui").joinpath("help.md").read_text(encoding="utf-8")
    except OSError:
        return ""


class HelpScreen(ModalScreen[None]):
    """Keys and a short guide. Escape, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 96; max-width: 100%; height: 100%; max-height: 100%;
        background: $panel; border: round $primary; padding: 0 1;
    }
    HelpScreen .help-section { text-style: bold; color: $text-accent; margin-top: 1; }
    HelpScreen #help-guide { margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
        Binding("down,j", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="help.up"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="help.page_down"),
        Binding("pageup,b", "page(-1)", "Page up", show=False, id="help.page_up"),
        Binding("home,g", "edge(0)", "Top", show=False, id="help.top"),
        Binding("end,G", "edge(1)", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, sections: list[tuple[str, DOMNode]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(can_focus=True):
            yield Static(Content.styled("veille-tui: keys", "bold"), markup=False)
            for title, node in self.sections:
                rows = [(keys, b) for keys, b in effective_bindings(node, self.app) if b.description and b.id]
                if node is self.app:
                    rows += [
                        (
                            [self.app.COMMAND_PALETTE_BINDING],
                            Binding(
                                self.app.COMMAND_PALETTE_BINDING,
                                "command_palette",
                                "Command palette: every action by name",
                            ),
                        )
                    ]
                if not rows:
                    continue
                yield Static(Content(title), classes="help-section", markup=False)
                width = max(len(keys_text(self.app, b, keys)) for keys, b in rows)
                lines = []
                for keys, binding in rows:
                    text = keys_text(self.app, binding, keys)
                    lines.append(Content.assemble((text.ljust(width), "bold $text-accent"), "  ", binding.description))
                yield Static(Content("\n").join(lines), markup=False)
            guide = help_markdown()
            if guide:
                from rich.markdown import Markdown

                yield Static(Markdown(guide), id="help-guide")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    # immediate=True: keys that arrive in a burst (a slow SSH link) each move from where the
    # previous one left the view, none is lost
    def action_scroll(self, step: int) -> None:
        scroller = self.query_one(VerticalScroll)
        scroller.scroll_relative(y=step, animate=False, immediate=True)

    def action_page(self, step: int) -> None:
        scroller = self.query_one(VerticalScroll)
        scroller.scroll_relative(y=step * max(scroller.size.height - 2, 1), animate=False, immediate=True)

    def action_edge(self, bottom: int) -> None:
        scroller = self.query_one(VerticalScroll)
        scroller.scroll_to(y=scroller.max_scroll_y if bottom else 0, animate=False, immediate=True)
