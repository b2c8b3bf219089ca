"""The `?` screen: every key, read from the live bindings (with the user's keymap applied),
then the short guide shipped in `veille_tui/tui/help.md`."""

from __future__ import annotations

import dataclasses
from importlib import resources

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static


def effective_bindings(node: DOMNode, app: App) -> list[tuple[list[str], Binding]]:
    """The bindings of `node` as the user has them: (keys, binding), keymap applied, in the
    order they are declared, one row per binding id (or action)."""
    bindings = node._bindings.copy()
    keymap = getattr(app, "_keymap", None)
    if keymap:
        bindings.apply_keymap(keymap)
    rows: dict[str, tuple[list[str], Binding]] = {}
    for key, binding in bindings:
        group = binding.id or binding.action
        keys, stored = rows.setdefault(group, ([], binding))
        if binding.id and not stored.id:
            rows[group] = (keys, binding)
        if key not in keys:
            keys.append(key)
    order: dict[str, int] = {}
    for n, (_key, binding) in enumerate(node._bindings):
        order.setdefault(binding.id or binding.action, n)
    return [rows[group] for group in sorted(rows, key=lambda g: order.get(g, len(order)))]


def key_display(app: App, binding: Binding, key: str) -> str:
    return app.get_key_display(dataclasses.replace(binding, key=key, key_display=None))


def keys_text(app: App, binding: Binding, keys: list[str]) -> str:
    return " ".join(key_display(app, binding, key) for key in keys)


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

    BINDINGS: list[BindingType] = [
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
