"""Theme files: read one TOML theme file and validate it into a `textual.theme.Theme`.

A theme file is one TOML table describing a `textual.theme.Theme`:

    name = "my-theme"              # required; letters, digits, "-" and "_"
    primary = "#3d8fd1"            # required
    secondary, accent, warning, error, success,
    foreground, background, surface, panel, boost = "<colour>"   # optional
    dark = true                    # optional, default true
    ansi = false                   # optional: true = draw with the terminal's own
                                   # 16-colour palette (use "ansi_*" colours)
    luminosity_spread = 0.15       # optional, 0..1
    text_alpha = 0.95              # optional, 0..1
    [variables]                    # optional: veille-* colours (THEME_VARIABLE_DEFAULTS)
    veille-cve = "#ff6b6b"         # and overrides of Textual's own variables

A colour is anything `textual.color.Color.parse` accepts: "#rgb", "#rrggbb",
"#rrggbbaa", "rgb(...)", "hsl(...)", a CSS colour name or an ANSI colour such as
"ansi_blue", "ansi_bright_white" or "ansi_default".

Every theme is checked here (unknown keys, colours, `Theme.to_color_system()`) so
that a bad file becomes one `ThemeError` naming it, never a crash when the app
later applies the theme. Finding the files, choosing and applying a theme: themes.py.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

from veille_tui.core.errors import VeilleError

THEME_VARIABLE_DEFAULTS: dict[str, str] = {
    # Mid-luminance colours, readable (contrast >= 2.9:1) on Textual's dark and
    # light built-in themes alike, for themes that do not set these variables.
    "veille-unread": "#1e88c7",  # unread marker in the entry list
    "veille-starred": "#c78a00",  # starred marker
    "veille-archived": "#3a9a4c",  # archived (has a post) marker
    "veille-cve": "#d9363e",  # CVE ids in the article, CVE count in the list
    "veille-tag": "#8a63d2",  # tag chips
    "veille-date": "#808890",  # date column
    "veille-source": "#1f8f8f",  # source column
}
"""Defaults of the theme variables veille-tui's CSS uses: return (a copy of) this
from `App.get_theme_variable_defaults`. Each value is a plain colour, so
`Color.parse(app.theme_variables["veille-cve"])` always works."""

_COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
_BOOL_KEYS = ("dark", "ansi")
_FRACTION_KEYS = ("luminosity_spread", "text_alpha")
ALLOWED_KEYS: frozenset[str] = frozenset(("name", *_COLOUR_KEYS, *_BOOL_KEYS, *_FRACTION_KEYS, "variables"))
"""Keys a theme file may hold (a subset of textual.theme.Theme's fields)."""

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_VARIABLE_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_PERCENT_RE = re.compile(r"(?P<colour>.+?)\s+(?P<percent>\d+(?:\.\d+)?)%\Z")
_TOML_POSITION_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\Z")
_MAX_THEME_FILE_BYTES = 256 * 1024


class ThemeError(VeilleError):
    """A theme file that cannot be used: `path` names it, `reason` says why.

    `theme_name` is the name the file gives, when it could be read.
    """

    def __init__(self, path: Path | str, reason: str, theme_name: str | None = None) -> None:
        super().__init__(path, reason)
        self.path = Path(path)
        self.reason = reason
        self.theme_name = theme_name

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def load_theme_file(path: Path | str) -> Theme:
    """Read and validate one theme file.

    Raises:
        ThemeError: naming the file and the first problem found (unreadable file,
            bad TOML with its line, unknown key, missing or bad name, invalid colour
            or variable, or a theme Textual's colour system rejects).
    """
    path = Path(path)
    text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThemeError(path, _describe_toml_error(error, text)) from None
    try:
        return theme_from_mapping(data, path)
    except ThemeError as error:
        name = data.get("name")
        error.theme_name = name if isinstance(name, str) else None
        raise


def theme_from_mapping(data: Mapping[str, Any], path: Path | str = "<theme>") -> Theme:
    """Validate an already parsed theme table and build its `Theme`.

    `path` only names the source in a `ThemeError`.
    """
    unknown = sorted(set(data) - ALLOWED_KEYS)
    if unknown:
        key = unknown[0]
        raise ThemeError(
            path,
            f"unknown key {key!r}{_suggest(key, ALLOWED_KEYS)}; allowed keys: {', '.join(sorted(ALLOWED_KEYS))}",
        )

    if "name" not in data:
        raise ThemeError(path, "missing 'name' (the theme's name, e.g. name = \"my-theme\")")
    name = data["name"]
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ThemeError(
            path,
            f"invalid name {name!r}: use letters, digits, '-' and '_' (starting with a letter or digit)",
        )
    if "primary" not in data:
        raise ThemeError(path, "missing 'primary' (the main colour, e.g. primary = \"#3d8fd1\")")

    for key in _COLOUR_KEYS:
        if key in data:
            _check_colour(path, repr(key), data[key])
    for key in _BOOL_KEYS:
        if key in data and not isinstance(data[key], bool):
            raise ThemeError(path, f"{key!r} must be true or false, not {data[key]!r}")
    for key in _FRACTION_KEYS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ThemeError(path, f"{key!r} must be a number from 0 to 1, not {value!r}")

    variables = _check_variables(path, data.get("variables", {}))
    if data.get("ansi", False):
        # Textual widgets (Tree, Checkbox...) use these in ANSI themes; its built-in
        # ANSI themes set them, a user's ANSI theme may not know to.
        dark = data.get("dark", True)
        variables.setdefault("ansi-background", "ansi_black" if dark else "ansi_white")
        variables.setdefault("ansi-foreground", "ansi_white" if dark else "ansi_black")

    fields = {key: value for key, value in data.items() if key != "variables"}
    fields["variables"] = variables
    try:
        theme = Theme(**fields)
        theme.to_color_system().generate()
    except Exception as error:  # Textual's own validation: any failure is a bad theme
        raise ThemeError(path, f"rejected by Textual's colour system: {error}") from None
    return theme


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as file:
            data = file.read(_MAX_THEME_FILE_BYTES + 1)
    except OSError as error:
        raise ThemeError(path, f"cannot read the file: {error.strerror or error}") from None
    if len(data) > _MAX_THEME_FILE_BYTES:
        raise ThemeError(path, f"too large for a theme file (over {_MAX_THEME_FILE_BYTES} bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ThemeError(path, f"not UTF-8 text (bad byte at offset {error.start})") from None


def _describe_toml_error(error: tomllib.TOMLDecodeError, text: str) -> str:
    message = str(error)
    line = getattr(error, "lineno", None)  # Python 3.14+
    column = getattr(error, "colno", None)
    match = _TOML_POSITION_RE.search(message)
    if match:
        message = message[: match.start()]
        line, column = int(match[1]), int(match[2])
    elif message.endswith("(at end of document)"):
        message = message.removesuffix("(at end of document)").rstrip()
        line = text.count("\n") + 1
        column = None
        message = f"{message} (at end of file)"
    if line is None:
        return f"invalid TOML: {message}"
    where = f"line {line}" if column is None else f"line {line}, column {column}"
    return f"invalid TOML at {where}: {message}"


def _check_colour(path: Path | str, what: str, value: object) -> Color:
    if not isinstance(value, str):
        raise ThemeError(path, f"{what} must be a colour string, not {value!r}")
    try:
        return Color.parse(value)
    except ColorParseError as error:
        raise ThemeError(path, f"invalid colour for {what}: {error}") from None


def _check_variables(path: Path | str, variables: object) -> dict[str, str]:
    if not isinstance(variables, dict):
        raise ThemeError(path, f"'variables' must be a table ([variables]), not {variables!r}")
    checked: dict[str, str] = {}
    for name, value in variables.items():
        what = f"variable {name!r}"
        if not _VARIABLE_NAME_RE.match(name):
            raise ThemeError(path, f"invalid variable name {name!r}")
        if not isinstance(value, str):
            raise ThemeError(path, f"{what} must be a string, not {value!r}")
        if name.startswith("veille-"):
            if name not in THEME_VARIABLE_DEFAULTS:
                raise ThemeError(
                    path,
                    f"unknown variable {name!r}{_suggest(name, THEME_VARIABLE_DEFAULTS)}; "
                    f"veille-tui's variables: {', '.join(THEME_VARIABLE_DEFAULTS)}",
                )
            _check_colour(path, what, value)  # a plain colour: widgets may parse it
        elif "style" in name.split("-"):
            # Textual's text-style variables: block-cursor-text-style = "bold",
            # link-style-hover = "not underline".
            flags = value.split()
            bad = [flag for flag in flags if flag not in VALID_STYLE_FLAGS]
            if not flags or bad:
                raise ThemeError(
                    path,
                    f"invalid text style for {what}: {value!r} (use: {', '.join(sorted(VALID_STYLE_FLAGS))})",
                )
        else:
            # Other Textual variables hold a colour, optionally with an alpha
            # percentage: "#81a1c1 35%", "auto 90%".
            match = _PERCENT_RE.match(value.strip())
            colour, percent = (match["colour"], float(match["percent"])) if match else (value, None)
            if percent is not None and percent > 100:
                raise ThemeError(path, f"invalid percentage for {what}: {value!r}")
            if colour.strip() != "auto":
                _check_colour(path, what, colour.strip())
        checked[name] = value
    return checked


def closest(word: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return close[0] if close else None


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = closest(word, choices)
    return f" (did you mean {close!r}?)" if close else ""
