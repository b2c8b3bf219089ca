"""Themes: find the TOML theme files, register them, choose and apply one.

Shipped themes live in the top-level `themes/` folder of a source checkout, or in
`veille_tui/themes_data` once installed from a wheel. The user's own live in
`<config dir>/themes/`; a user theme replaces a shipped theme of the same name.
Each file is read and validated by theme_files.py (its format is described there);
a bad file is reported, never fatal. The names of theme_files.py that callers use
are exported here too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from textual.theme import Theme

import veille_tui
from veille_tui.tui.theme_files import (
    ALLOWED_KEYS,
    THEME_VARIABLE_DEFAULTS,
    ThemeError,
    closest,
    load_theme_file,
    theme_from_mapping,
)

if TYPE_CHECKING:
    from textual.app import App

__all__ = [
    "ALLOWED_KEYS",
    "DEFAULT_THEME",
    "FALLBACK_THEME",
    "THEME_VARIABLE_DEFAULTS",
    "DiscoveredTheme",
    "ThemeChoice",
    "ThemeError",
    "ThemeSetup",
    "apply_theme",
    "discover_themes",
    "install_themes",
    "load_theme_file",
    "register_themes",
    "resolve_theme_name",
    "theme_from_mapping",
    "shipped_themes_dir",
    "user_themes_dir",
]

DEFAULT_THEME = "veille-dark"
"""The theme used when neither --theme, TEXTUAL_THEME nor the config names one."""

FALLBACK_THEME = "textual-dark"
"""Textual's own default, always registered: used if DEFAULT_THEME itself is missing."""

Origin = Literal["shipped", "user"]


class DiscoveredTheme(NamedTuple):
    """A valid theme with the file it came from."""

    theme: Theme
    path: Path
    origin: Origin


class ThemeChoice(NamedTuple):
    """The theme to apply and, when a requested name was unknown, why not that one."""

    name: str
    message: str | None


class ThemeSetup(NamedTuple):
    """What `install_themes` did: the theme applied, all themes found, the bad files."""

    choice: ThemeChoice
    themes: dict[str, DiscoveredTheme]
    errors: list[ThemeError]

    @property
    def messages(self) -> list[str]:
        """One line per problem, for `App.notify`: each bad file, then the fallback."""
        lines = [str(error) for error in self.errors]
        if self.choice.message:
            lines.append(self.choice.message)
        return lines


# --------------------------------------------------------------------------- places


def shipped_themes_dir(package: Path | None = None) -> Path:
    """The folder of the themes shipped with veille-tui, found from the `veille_tui` package.

    Installed from a wheel, the packaged copy `veille_tui/themes_data` (pyproject force-includes
    the top-level `themes/` there); run from a source checkout or an editable install (where the
    package is `src/veille_tui`), the top-level `themes/` folder itself.
    """
    package = package or Path(veille_tui.__file__).parent  # importlib.resources' answer, without its imports
    packaged = package / "themes_data"
    if packaged.is_dir():
        return packaged
    return package.parent.parent / "themes"


def user_themes_dir(config_dir: Path) -> Path:
    """The folder of the user's own themes: `<config dir>/themes`."""
    return Path(config_dir) / "themes"


# ------------------------------------------------------------------------ discovery


def discover_themes(
    config_dir: Path | None,
) -> tuple[dict[str, DiscoveredTheme], list[ThemeError]]:
    """Load the shipped themes, then the user's from `<config_dir>/themes`.

    Returns `(themes, errors)`: `themes` maps each theme name to its
    `DiscoveredTheme(theme, path, origin)`, a user theme replacing a shipped one of
    the same name; `errors` holds one `ThemeError` per file that could not be used
    (the other files still load). A missing user folder is not an error.
    """
    themes: dict[str, DiscoveredTheme] = {}
    errors: list[ThemeError] = []
    folders: list[tuple[Origin, Path]] = [("shipped", shipped_themes_dir())]
    if config_dir is not None:
        folders.append(("user", user_themes_dir(config_dir)))
    for origin, folder in folders:
        found: dict[str, DiscoveredTheme] = {}
        for path in _theme_files(folder, origin, errors):
            try:
                theme = load_theme_file(path)
            except ThemeError as error:
                errors.append(error)
                continue
            if theme.name in found:
                errors.append(
                    ThemeError(
                        path,
                        f"theme {theme.name!r} is already defined in "
                        f"{found[theme.name].path.name}; this file is ignored",
                    )
                )
                continue
            found[theme.name] = DiscoveredTheme(theme, path, origin)
        themes.update(found)
    return themes, errors


def _theme_files(folder: Path, origin: Origin, errors: list[ThemeError]) -> list[Path]:
    if not folder.exists():
        if origin == "shipped":
            errors.append(ThemeError(folder, "the shipped themes folder is missing"))
        return []
    if not folder.is_dir():
        errors.append(ThemeError(folder, "not a folder: expected a folder of *.toml themes"))
        return []
    try:
        entries = list(folder.iterdir())
    except OSError as error:
        errors.append(ThemeError(folder, f"cannot list the folder: {error.strerror or error}"))
        return []
    return sorted(
        path for path in entries if path.suffix.lower() == ".toml" and not path.name.startswith(".") and path.is_file()
    )


def register_themes(app: App[Any], themes: Mapping[str, DiscoveredTheme]) -> None:
    """Register every discovered theme with `app` (replacing any of the same name)."""
    for discovered in themes.values():
        app.register_theme(discovered.theme)


# ---------------------------------------------------------------------- the choice


def resolve_theme_name(
    cli: str | None,
    config: str | None,
    available: Iterable[str],
    environ: Mapping[str, str] | None = None,
    errors: Iterable[ThemeError] = (),
) -> ThemeChoice:
    """Pick the theme to apply.

    The first of `--theme` (`cli`), the `TEXTUAL_THEME` environment variable and the
    config's `theme` that is set (not empty) decides; none set: `DEFAULT_THEME`. A
    value may list several names separated by commas, as Textual allows: the first
    available one wins. An unknown name falls back to `DEFAULT_THEME` with a
    message for the user. `available` holds the names the app can apply (pass
    `app.available_themes` once the discovered themes are registered); `errors`
    (from `discover_themes`) lets the message name the file of a requested theme
    that failed to load.
    """
    names = set(available)
    default = DEFAULT_THEME if DEFAULT_THEME in names else FALLBACK_THEME
    env = (os.environ if environ is None else environ).get("TEXTUAL_THEME")
    for source, value in (("--theme", cli), ("TEXTUAL_THEME", env), ("the config", config)):
        if value is None or not value.strip():
            continue
        candidates = [part.strip() for part in value.split(",") if part.strip()]
        for candidate in candidates:
            if candidate in names:
                return ThemeChoice(candidate, None)
        for error in errors:
            wanted = error.theme_name or error.path.stem
            if wanted in candidates:
                return ThemeChoice(
                    default,
                    f"Theme {wanted!r} (from {source}) could not be loaded: {error}; using {default!r}.",
                )
        close = closest(candidates[0], names) if candidates else None
        hint = f" Did you mean {close!r}?" if close else ""
        return ThemeChoice(default, f"Unknown theme {value.strip()!r} (from {source}); using {default!r}.{hint}")
    if default != DEFAULT_THEME:
        return ThemeChoice(
            default,
            f"The default theme {DEFAULT_THEME!r} is not available; using {default!r}.",
        )
    return ThemeChoice(default, None)


# ------------------------------------------------------------------- applying them


def apply_theme(app: App[Any], name: str) -> None:
    """Set `app.theme = name` so that Textual really applies the theme.

    Textual computes its CSS variables in `App.__init__`, for the theme `App.theme`
    holds then: the `TEXTUAL_THEME` environment variable, or "textual-dark". When
    that names one of our themes, it is not registered yet, so Textual silently
    uses textual-dark's colours; and `app.theme = <the same name>` afterwards is no
    change, so Textual's theme watcher never runs. Clearing the reactive first makes
    the assignment a change.

    Raises:
        textual.app.InvalidThemeError: `name` is not registered with `app`.
    """
    from textual.app import App as TextualApp
    from textual.app import InvalidThemeError

    if name not in app.available_themes:
        raise InvalidThemeError(f"Theme {name!r} has not been registered.")
    if not app.is_running:
        _apply_before_run(app, name)
        return
    app.set_reactive(TextualApp.theme, "")
    app.theme = name


def _apply_before_run(app: App[Any], name: str) -> None:
    """What Textual's theme watcher does (`App._watch_theme`, Textual 8.2), for an app that does
    not run yet, except its `refresh_css`: no CSS has been read yet, so giving the stylesheet the
    theme's variables is enough. The watcher would have the whole stylesheet parsed a second time
    and every node of the first screen styled again once it runs (a tenth of the first paint)."""
    from textual.app import App as TextualApp

    app.set_reactive(TextualApp.theme, name)
    theme = app.current_theme
    classes = {c: False for c in app.classes if c.startswith("-theme-")}
    classes.update({f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark})
    app.update_classes(classes, update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
    app._invalidate_css()
    app.stylesheet.set_variables(app.get_css_variables())


def install_themes(
    app: App[Any],
    config_dir: Path | None,
    cli_theme: str | None = None,
    config_theme: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ThemeSetup:
    """Discover, register, choose and apply the theme in one call.

    Call it from `App.__init__` after `super().__init__()` (or in `on_mount`), then
    show `setup.messages` with `App.notify(message, severity="warning",
    markup=False)` once the app runs (`markup=False`: paths and reasons may hold
    square brackets). The app's `get_theme_variable_defaults` should return
    `THEME_VARIABLE_DEFAULTS`.
    """
    themes, errors = discover_themes(config_dir)
    register_themes(app, themes)
    choice = resolve_theme_name(cli_theme, config_theme, app.available_themes, environ, errors)
    apply_theme(app, choice.name)
    return ThemeSetup(choice, themes, errors)
