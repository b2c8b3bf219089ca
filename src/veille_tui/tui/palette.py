"""The command palette (`ctrl+p`) and the theme picker (`T`), veille-tui's way: a plain `>`
before the line (Textual's magnifier is an emoji that a 16-colour terminal or a Linux console
draws badly), and the themes of veille-tui first, the current one marked, then Textual's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon

PROMPT = ">"


class Palette(CommandPalette):
    """Textual's palette with a plain prompt."""

    def on_mount(self) -> None:
        for icon in self.query(SearchIcon):
            icon.icon = PROMPT


def theme_order(names: Iterable[str], ours: Iterable[str]) -> list[str]:
    """Our themes first (in their order), then the others by name."""
    own = [name for name in ours if name in set(names)]
    return own + sorted(name for name in names if name not in set(own))


class ThemeProvider(Provider):
    """The themes: veille-tui's (shipped and the user's) first, the current one marked."""

    def _themes(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = self.app
        ours = getattr(app, "own_themes", ())
        names = theme_order(app.available_themes, ours)

        def choose(name: str) -> None:
            app.theme = name

        rows: list[tuple[str, str, Callable[[], None]]] = []
        for name in names:
            shown = f"{name} (current)" if name == app.theme else name
            help_text = "veille-tui" if name in ours else "Textual"
            rows.append((shown, help_text, partial(choose, name)))
        return rows

    async def discover(self) -> Hits:
        for shown, help_text, callback in self._themes():
            yield DiscoveryHit(shown, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for shown, help_text, callback in self._themes():
            score = matcher.match(shown)
            if score > 0:
                # ours rank above Textual's when they match as well
                yield Hit(
                    score if help_text == "veille-tui" else score * 0.9,
                    matcher.highlight(shown),
                    callback,
                    help=help_text,
                )
