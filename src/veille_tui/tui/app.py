"""VeilleApp: the CSS, the global keys, the themes, the command palette entries."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widget import Widget

from veille_tui.core.errors import ConfigError, StoreError
from veille_tui.core.library import Library
from veille_tui.tui.bindings import effective_bindings, keymap_problems, keys_text
from veille_tui.tui.palette import Palette, ThemeProvider
from veille_tui.tui.themes import THEME_VARIABLE_DEFAULTS, install_themes

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.driver import Driver

    from veille_tui.tui.screens.parts.listing import Preloaded


class VeilleApp(App[int]):
    """veille-tui: feeds, tags and the archive in three panes."""

    CSS_PATH = "app.tcss"
    TITLE = "veille-tui"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("T", "change_theme", "Theme", show=False, id="theme"),
    ]

    def __init__(
        self, lib: Library, offline: bool = False, cli_theme: str | None = None, preload: Preloaded | None = None
    ) -> None:
        super().__init__()
        from veille_tui.tui.toasts import install

        install()  # notifications of three lines at most, over the status line
        self.lib = lib
        self.preload = preload
        self.settings = lib.settings
        self.offline = offline
        if not self.settings.animations:
            self.animation_level = "none"
        setup = install_themes(self, self.settings.path.parent, cli_theme, self.settings.theme)
        self._theme_messages = setup.messages
        self.own_themes = list(setup.themes)  # listed first by the theme picker
        self._theme_saved = self.theme
        self._theme_timer: Timer | None = None
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))

    def get_driver_class(self) -> type[Driver]:
        # Textual's driver on Linux, writing fewer bytes for the same screen (tui/sgr.py)
        from veille_tui.tui.driver import compact

        return compact(super().get_driver_class())

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    def get_default_screen(self) -> Screen[Any]:
        try:
            self.lib.open_database()
        except StoreError as problem:  # damaged, busy or too new: said as the command line says it
            from veille_tui.tui import first_frame_out
            from veille_tui.tui.screens.damaged import DamagedScreen

            first_frame_out()  # the main screen would have said it after its first frame

            return DamagedScreen(self.lib, problem, self._main_screen)
        return self._main_screen()

    def _main_screen(self) -> Screen[Any]:
        from veille_tui.tui.screens.main import MainScreen

        return MainScreen(self.lib, offline=self.offline, preload=self.preload)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's hook for an exception nothing caught (private API of the pinned Textual 8.2,
        overridden here only): it would print a traceback panel with every frame's local
        variables. The traceback goes to the log file; the user reads one screen of text."""
        from veille_tui.tui.crash import crashed

        super()._handle_exception(crashed(error, self.lib.explain))

    def panic(self, *renderables: RenderableType) -> None:
        """Textual's driver panics with a traceback when its input thread dies: logged, one line."""
        from veille_tui.tui.crash import without_tracebacks

        super().panic(*without_tracebacks(renderables))

    def on_mount(self) -> None:
        for message in self._theme_messages:
            self.notify(message, severity="warning", markup=False, timeout=8)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.call_after_refresh(self._check_keymap)

    def _check_keymap(self) -> None:
        """A [keymap] that gives one key to two actions, or names no action, is told at start."""
        from veille_tui.tui.screens.main import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None or not self.settings.keymap:
            return
        from veille_tui.tui.screens.dialogs import QueryScreen, TagPicker
        from veille_tui.tui.screens.feeds import FeedsScreen
        from veille_tui.tui.screens.help import HelpScreen
        from veille_tui.tui.screens.links import LinkPicker

        panes = [[self, main, pane] for pane in (main.entries, main.sidebar, main.article)]
        dialogs = (QueryScreen, TagPicker, HelpScreen, LinkPicker, FeedsScreen)
        for problem in keymap_problems(self, [*panes, *([self, screen] for screen in dialogs)]):
            self.notify(problem, severity="warning", markup=False, timeout=20)

    # --- the command palette and the theme picker -------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not any(isinstance(s, CommandPalette) for s in self.screen_stack):
            self.push_screen(Palette(id="--command-palette"))

    def search_themes(self) -> None:
        self.push_screen(Palette(providers=[ThemeProvider], placeholder="Search for themes…"))

    # --- themes: a choice made at run time is saved to the config ---------------------------

    def _theme_changed(self, theme: Theme) -> None:
        # The theme picker previews each theme it highlights: save once it is closed.
        if self._theme_timer is not None:
            self._theme_timer.stop()
        self._theme_timer = self.set_timer(0.3, self._save_theme)

    def _save_theme(self) -> None:
        self._theme_timer = None
        if any(isinstance(screen, CommandPalette) for screen in self.screen_stack):
            self._theme_timer = self.set_timer(0.5, self._save_theme)
            return
        name = self.theme
        if name == self._theme_saved:
            return
        from veille_tui.core.config import write_value

        try:
            write_value(Path(self.settings.path), "theme", name)
        except (ConfigError, OSError) as exc:
            self.notify(f"Theme {name!r} not saved: {exc}", severity="error", markup=False)
            return
        self._theme_saved = name
        self.notify(f"Theme {name!r} saved to {self.settings.path}", markup=False, timeout=3)

    # --- keys -------------------------------------------------------------------------------

    def action_help(self) -> None:
        from veille_tui.tui.screens.help import HelpScreen
        from veille_tui.tui.screens.main import MainScreen

        if any(type(screen).__name__ == "HelpScreen" for screen in self.screen_stack):
            return
        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        sections: list[tuple[str, DOMNode]] = [("Everywhere", self)]
        if main is not None:
            sections += [
                ("Main screen", main),
                ("Entry list", main.entries),
                ("Sidebar", main.sidebar),
                ("Article", main.article),
            ]
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of veille-tui by name (ctrl+p), each once: theme, quit, help, then the
        keys of the main screen and its panes (not Textual's generic commands: keys panel,
        maximize, screenshot)."""
        from veille_tui.tui.screens.main import MainScreen

        yield SystemCommand("Theme", "Change the theme (T); veille-tui's first", self.action_change_theme)
        yield SystemCommand("Quit", "Quit veille-tui (q)", self.action_quit)
        yield SystemCommand("Help", "Keys and the query language (?)", self.action_help)
        if not isinstance(screen, MainScreen):
            return
        if screen.state.query_text:  # offered only when the list is a query
            yield SystemCommand(
                "Save the query",
                "The list's query, under a name asked, as a saved query of the sidebar ([queries])",
                screen.action_save_query,
            )
        yield SystemCommand(
            "Export the list (STIX / MISP)…",
            "The entries of the list shown as a STIX 2.1 bundle or a MISP feed folder (asks the format and where)",
            screen.action_export,
        )
        seen = {"quit", "help", "theme"}
        descriptions = {"Theme", "Quit", "Help"}
        for node in (screen, screen.entries, screen.sidebar, screen.article):
            for keys, binding in effective_bindings(node, self):
                name = binding.id or binding.action
                if (
                    name in seen
                    or not binding.description
                    or binding.action.startswith(("cursor_", "scroll_", "page_"))
                ):
                    continue
                if node is not screen and binding.action in {"first", "last"}:
                    continue
                if binding.description in descriptions:  # `enter` opens an entry and a view: once
                    continue
                seen.add(name)
                descriptions.add(binding.description)
                yield SystemCommand(
                    binding.description,
                    f"key: {keys_text(self, binding, keys)}",
                    functools.partial(self._run_on, node, binding.action),
                )

    async def _run_on(self, node: Widget | App[Any], action: str) -> None:
        await node.run_action(action)
