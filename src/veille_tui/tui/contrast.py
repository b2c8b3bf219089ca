"""How readable a theme is at 16 colours (TERM=xterm, a jump host): each pair of text and
background colours veille-tui's CSS paints, as the terminal shows it, and its contrast ratio.

At 16 colours an RGB colour is sent as the nearest of the 16 ANSI colours (Rich matches it
against its own palette), and the terminal paints that number with its own palette: here
xterm's default one. An ANSI theme sends the numbers directly; its `ansi_default` is the
terminal's own foreground or background, which may be dark or light: a colour drawn on it is
measured against both (xterm's default is black on white; a dark terminal, white on black),
and the terminal's own text on its own background always reads.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.color import Color
from textual.theme import Theme

# xterm's default palette (XTerm-col.ad): black, red, green, yellow, blue, magenta, cyan, white,
# then their bright forms
XTERM_16: tuple[tuple[int, int, int], ...] = (
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
)
DEFAULT = -1  # the terminal's own foreground or background (`ansi_default`)
DEFAULT_BACKGROUNDS = (0, 15)  # what the terminal's own background may be: black or white
MINIMUM = 4.5  # WCAG AA for text

# (text, background) theme variables as app.tcss and the widgets pair them; a background
# with an alpha lies over the third (the pane's own background)
PAIRS: tuple[tuple[str, str, str], ...] = (
    # the entry list
    ("foreground", "surface", "background"),
    ("veille-unread", "surface", "background"),
    ("veille-starred", "surface", "background"),
    ("veille-archived", "surface", "background"),
    ("veille-date", "surface", "background"),
    ("veille-source", "surface", "background"),
    ("veille-cve", "surface", "background"),  # the KEV mark: the same pair, reversed
    ("block-cursor-foreground", "block-cursor-background", "surface"),
    ("block-cursor-blurred-foreground", "block-cursor-blurred-background", "surface"),
    # the article
    ("foreground", "background", "background"),
    ("veille-tag", "background", "background"),
    ("veille-cve", "background", "background"),
    ("veille-starred", "background", "background"),
    ("text-accent", "background", "background"),  # links, the full-text mark
    ("text-error", "background", "background"),  # KEV
    # the sidebar, the status line, the key bar
    ("foreground", "panel", "background"),
    ("text-accent", "panel", "background"),
    ("text-error", "panel", "background"),
    ("text-warning", "panel", "background"),
    ("footer-key-foreground", "footer-background", "background"),
    ("footer-description-foreground", "footer-background", "background"),
    # Textual's own widgets in the dialogs (the query line, the pickers, the help)
    ("text", "panel", "background"),
    ("text", "background", "background"),
)


class Pair(NamedTuple):
    text: str
    background: str
    ratio: float  # the lowest, over the backgrounds the terminal may have


def theme_variables(theme: Theme, defaults: dict[str, str]) -> dict[str, str]:
    """The variables the app's CSS sees with `theme` (as `App.get_css_variables` merges them)."""
    return {**defaults, **theme.to_color_system().generate(), **theme.variables}


def _parse(value: str, under: Color) -> Color:
    """A variable's colour over `under` (`auto 87%`: the contrasting text, at 87 %)."""
    words = value.split()
    alpha = float(words[1].rstrip("%")) / 100 if len(words) > 1 and words[1].endswith("%") else 1.0
    if words[0] == "auto":
        colour = under.get_contrast_text(alpha)
    else:
        colour = Color.parse(words[0])
        if alpha < 1:
            colour = colour.with_alpha(colour.a * alpha)
    if colour.ansi is not None:
        return colour
    return colour if colour.a >= 1 else under + colour


def _index(colour: Color) -> int:
    """The ANSI colour number the terminal is sent (DEFAULT: its own)."""
    if colour.ansi is not None:
        return colour.ansi
    number = RichColor.from_rgb(colour.r, colour.g, colour.b).downgrade(ColorSystem.STANDARD).number
    return number if number is not None else DEFAULT


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _resolve(variables: dict[str, str], name: str, under: Color) -> Color:
    value = variables.get(name, "transparent")
    seen = 0
    while value.startswith("$") and seen < 8:  # a variable naming another
        value, seen = variables.get(value[1:].split()[0], "transparent"), seen + 1
    if value.split()[0] in ("transparent", "initial"):
        return under
    return _parse(value, under)


def pair_contrast(variables: dict[str, str], text: str, background: str, base: str) -> float:
    """The contrast of `text` over `background` (over `base`) at 16 colours, xterm's palette."""
    root = _resolve(variables, "background", Color(0, 0, 0))
    under = _resolve(variables, base, root) if base != "background" else root
    back = _resolve(variables, background, under)
    fore = _resolve(variables, text, back)
    back_index, fore_index = _index(back), _index(fore)
    if back_index == DEFAULT and fore_index == DEFAULT:
        return 21.0  # the terminal's own pair
    backs = DEFAULT_BACKGROUNDS if back_index == DEFAULT else (back_index,)
    lowest = 21.0
    for b in backs:
        # the terminal's own text on a background it does not choose: its default is black on
        # white (xterm) or white on black, taken as the opposite of that background
        f = fore_index if fore_index != DEFAULT else (15 if _luminance(XTERM_16[b]) < 0.5 else 0)
        lowest = min(lowest, ratio(XTERM_16[f], XTERM_16[b]))
    return lowest


def contrast_16(theme: Theme, defaults: dict[str, str]) -> list[Pair]:
    """Every pair of `PAIRS` in `theme` at 16 colours, lowest ratio first."""
    variables = theme_variables(theme, defaults)
    pairs = [Pair(text, back, pair_contrast(variables, text, back, base)) for text, back, base in PAIRS]
    return sorted(pairs, key=lambda p: p.ratio)
