"""The entry list's columns: the markers' glyphs, the short date, the source's short name, the
widths of the columns for a width of the list (tui/widgets/entry_list.py draws the rows)."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass

from rich.cells import cell_len, chop_cells

from veille_tui.tui.widgets.lines import fit

# Markers: unread, starred, archived (or drafted, in the same column). ASCII on a Linux console,
# whose font lacks the symbols.
_GLYPHS = {"unread": "●", "starred": "★", "archived": "◆", "drafted": "◇"}
_ASCII_GLYPHS = {"unread": "N", "starred": "!", "archived": "A", "drafted": "D"}


def marker_glyphs() -> dict[str, str]:
    if os.environ.get("TERM", "") in {"linux", "vt100", "vt220", "dumb"} or os.environ.get("VEILLE_TUI_ASCII"):
        return dict(_ASCII_GLYPHS)
    return dict(_GLYPHS)


def this_year() -> int:
    return time.localtime().tm_year


def short_date(date: str | None, year: int) -> str:
    """A list date in 5 cells: `MM-DD` in `year` (the current one), the year alone otherwise
    (the article shows the full date)."""
    date = date or ""
    if len(date) < 10:
        return date[:5]
    return date[5:10] if date[:4] == str(year) else date[:4]


def cut(text: str, width: int) -> str:
    """`text` cut to `width` cells without an ellipsis, padded."""
    return fit(chop_cells(text, width)[0] if cell_len(text) > width else text, width)


def source_name(source: str) -> str:
    """The source column's one rule, for a post's source tag and a feed's title alike: a short
    name in lowercase without spaces. A tag (`hackernews`, `sans-isc`) stays as it is; a title
    loses a leading "The" and its spaces and punctuation (`The Hacker News` -> `hackernews`); a
    host its `www.` and its top-level domain (`www.bleepingcomputer.com` -> `bleepingcomputer`).
    The column cuts it without an ellipsis, as the archive's tags are cut."""
    if source == source.lower() and re.fullmatch(r"[\w-]+", source):
        return source
    if "." in source and not any(c.isspace() for c in source):  # a host
        source = source.lower().removeprefix("www.").rsplit(".", 1)[0]
    words = re.findall(r"[^\W_]+", source.lower())
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return "".join(words)


@dataclass(frozen=True)
class Columns:
    """Cell widths of the columns for one list width."""

    markers: int
    date: int
    source: int
    title: int
    cve: int  # a space, the KEV mark's own cell, then `  3 CVE`: never touching the title

    @classmethod
    def for_width(cls, width: int) -> Columns:
        source = 12 if width >= 56 else 8 if width >= 44 else 0  # a short name (source_name): 12 cells
        date = 5
        cve = 9 if width >= 56 else 0
        markers = 3
        title = max(width - markers - 1 - (date + 1) - (source + 1 if source else 0) - cve, 1)
        return cls(markers, date, source, title, cve)
