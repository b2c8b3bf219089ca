"""The screen as the terminal holds it, cell by cell, so that an update writes only what changed.

Textual repaints whole regions: the entry list's two rows on a cursor move, the article pane and the
scrollbars when the article follows. `Cells` keeps what every cell of the terminal shows (its
character, SGR style and hyperlink) and rewrites an update of Textual's (cursor moves, SGR runs of
text, OSC 8 links, line feeds; tui/driver.py hands each one over) into the cells that differ, as
ncurses does: a run of changed cells is written after a cursor move; a short stretch of unchanged
cells between two changed ones is written again when that is shorter than a move. `SgrCompactor`
(tui/sgr.py) then shortens the styles and moves of what is left.

What the model cannot know, it does not guess:
- an update it does not recognise (any other sequence), or a write that may change the screen (a
  clear, the alternate screen, a scroll) empties it: every cell is then written again as Textual
  sent it, until it knows the cell again;
- text whose width terminals disagree on (wide characters, emoji, combining marks, anything past
  U+25FF or whose width is not one column) is written as Textual sent it, and the cells from it
  to the end of the row are taken as not known;
- a change of the terminal's size (the driver asks before each write), and a full-screen repaint
  (Textual sends one on a resize, a screen switch, a return from a suspend), empty it too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rich.cells import get_character_cell_size

from veille_tui.tui.sgr import DEFAULT, Style, apply, change

# The tokens of an update: SGR (1: parameters), a cursor move (2: row, 3: column), an OSC 8 link
# (4: its URI, empty when it closes one), a line feed; anything else makes it not an update.
_UPDATE = re.compile(
    r"\x1b\[([0-9;:]*)m"
    r"|\x1b\[(\d*);?(\d*)H"
    r"|\x1b\]8;[^;\x07\x1b]*;([^\x07\x1b]*)(?:\x07|\x1b\\)"
    r"|(\n)"
    r"|(\x1b|[\x00-\x1f\x7f])"
)
# text of one column a character in every terminal (see `_simple`)
_LATIN = re.compile(r"[\x20-\x7e\xa0-\xac\xae-\u02ff]*")
# writes that leave the screen's cells as they are: private modes other than the alternate screen,
# the keyboard protocols, queries, titles and pointer shapes, the cursor's shape, SGR
_HARMLESS = re.compile(
    r"(?:\x1b\[\?(?!(?:1049|1047|47|3|5|6|69)[hl;$])[0-9;]*(?:\$p|[hl])"
    r"|\x1b\[[<>=]?[0-9;]*u"
    r"|\x1b\][0-9]*;[^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b\[[0-9]* q"
    r"|\x1b\[[0-9;:]*m)*"
)


class Pen(NamedTuple):
    """What a cell is written with: its SGR style and the OSC 8 sequence that opens its link."""

    style: Style
    link: str | None


# what shows on a space besides its background
_ON_BLANK = frozenset({"reverse", "underline", "strike"})


@lru_cache(maxsize=4096)
def _simple(char: str) -> bool:
    """One column wide in every terminal: rich says one, and nothing past U+25FF (symbols, emoji,
    CJK: their width depends on the terminal, its fonts and its locale)."""
    return char < "\u2600" and get_character_cell_size(char) == 1


def _narrow_prefix(text: str) -> int:
    """How many characters from the start of `text` are one column wide in every terminal."""
    latin = _LATIN.match(text)
    end = latin.end() if latin else 0
    while end < len(text) and _simple(text[end]):
        end += 1
    if 0 < end < len(text) and get_character_cell_size(text[end]) == 0:
        end -= 1  # a combining mark goes with the character before it
    return end


class _Run(NamedTuple):
    row: int
    col: int
    text: str
    pen: Pen
    raw: str | None  # text of uncertain width: what to write, as Textual wrote it


class Cells:
    """The terminal's cells (0-based rows and columns), and the rewriting of Textual's updates."""

    def __init__(self, erase: bool = False) -> None:
        self.erase = erase  # the terminal erases characters (ECH) in the background colour (bce)
        self.size: tuple[int, int] = (0, 0)  # columns, rows
        self.chars: list[list[str | None]] = []  # None: not known
        self.pens: list[list[Pen | None]] = []
        self._pens: dict[Pen, Pen] = {}  # one object a pen: compared by identity
        self._styles: dict[tuple[Style, str], Style | None] = {}
        self._blanks: dict[Pen, Pen] = {}
        self._last: Style | None = None

    def reset(self, size: tuple[int, int] | None = None) -> None:
        """Nothing known of the screen (of `size` columns and rows, when given)."""
        if size is not None:
            self.size = size
        width, height = self.size
        self.chars = [[None] * width for _ in range(height)]
        self.pens = [[None] * width for _ in range(height)]

    def __call__(self, data: str, size: tuple[int, int] | None) -> str:
        """What to write for `data`, a write of Textual's to a terminal of `size` (columns, rows;
        None when not known: the model is then not used)."""
        if size != self.size or size is None:
            self.reset(size or (0, 0))
        if not size or _HARMLESS.fullmatch(data):
            return data
        update = self.update(data)
        return data if update is None else update

    def _pen(self, style: Style, link: str | None) -> Pen:
        pen = Pen(style, link)
        return self._pens.setdefault(pen, pen)

    def _blank(self, pen: Pen) -> Pen:
        """The pen a space in `pen` is kept with: only its background, when nothing else of it shows
        on a space (two spaces that look the same are the same cell)."""
        blank = self._blanks.get(pen)
        if blank is None:
            style = pen.style
            if pen.link is None and not style.attrs & _ON_BLANK:
                blank = self._pen(Style(frozenset(), None, style.bg), None)
            else:
                blank = pen
            self._blanks[pen] = blank
        return blank

    def _style(self, style: Style, params: str) -> Style | None:
        key = (style, params)
        if key not in self._styles:
            if len(self._styles) > 4096:
                self._styles.clear()
            base = DEFAULT if params.split(";")[0] in ("", "0") else style
            self._styles[key] = apply(base, params)
        return self._styles[key]

    def _parse(self, data: str) -> tuple[list[_Run], tuple[int, int] | None, list[tuple[int, int]]] | None:
        """The runs of text of an update, where it leaves the cursor, and its moves; None when it is
        not one of Textual's updates."""
        runs: list[_Run] = []
        moves: list[tuple[int, int]] = []
        style, link = DEFAULT, None
        at: tuple[int, int] | None = None
        drift = False  # after text of uncertain width, the column is not known until the next move
        width, height = self.size
        pos = 0

        def text(chunk: str) -> bool:
            nonlocal at, drift
            if at is None:
                return False
            pen = self._pen(style, link)
            if not drift and at[1] + len(chunk) <= width:
                narrow = _narrow_prefix(chunk)
                if narrow:
                    runs.append(_Run(at[0], at[1], chunk[:narrow], pen, None))
                    at = (at[0], at[1] + narrow)
                    chunk = chunk[narrow:]
                    if not chunk:
                        return True
            if drift or chunk:
                raw = _sgr(pen, chunk)
                if drift:
                    runs[-1] = runs[-1]._replace(raw=f"{runs[-1].raw}{raw}")
                else:
                    runs.append(_Run(at[0], at[1], chunk, pen, raw))
                drift = True
            return True

        for token in _UPDATE.finditer(data):
            if token.start() > pos and not text(data[pos : token.start()]):
                return None
            pos = token.end()
            if token.group(1) is not None:
                new = self._style(style, token.group(1))
                if new is None:
                    return None
                style = new
            elif token.group(2) is not None:
                at = (int(token.group(2) or 1) - 1, int(token.group(3) or 1) - 1)
                if not (0 <= at[0] < height and 0 <= at[1] < width):
                    return None
                moves.append(at)
                drift = False
            elif token.group(4) is not None:
                link = token.group(0) if token.group(4) else None
            elif token.group(5) is not None:
                at = None  # a line feed: Textual's next line starts with a move
            else:
                return None
        if pos < len(data) and not text(data[pos:]):
            return None
        return runs, None if drift else at, moves

    def _full(self, moves: list[tuple[int, int]]) -> bool:
        """Textual's full-screen repaint: each row, once, from its first column."""
        height = self.size[1]
        return len(moves) >= height and all(move == (row, 0) for row, move in enumerate(moves[:height]))

    def update(self, data: str) -> str | None:
        """What to write for Textual's update `data`, or None when it is not one (the model then
        forgets the screen, and `data` is to be written as it is)."""
        parsed = self._parse(data)
        if parsed is None:
            self.reset()
            return None
        runs, cursor, moves = parsed
        if self._full(moves):
            self.reset()
        width = self.size[0]
        # per row: the changed stretches (start, end), and the runs written as Textual sent them
        dirty: dict[int, list[tuple[int, int]]] = {}
        raw: dict[int, list[tuple[int, str]]] = {}
        whole = True  # every cell of every run changed: Textual's own update says it
        for row, col, text, pen, sent in runs:
            chars, pens = self.chars[row], self.pens[row]
            if sent is not None:
                raw.setdefault(row, []).append((col, sent))
                chars[col:] = [None] * (width - col)
                pens[col:] = [None] * (width - col)
                continue
            end = col + len(text)
            old = chars[col:end]
            blank = self._blank(pen)
            new = [pen] * len(text) if blank is pen or " " not in text else [blank if c == " " else pen for c in text]
            if old.count(None) == len(text):
                dirty.setdefault(row, []).append((col, end))
            elif old == list(text) and pens[col:end] == new:
                whole = False
                continue
            else:
                spans = _changed(old, text, pens[col:end], new, col)
                whole = whole and spans == [(col, end)]
                dirty.setdefault(row, []).extend(spans)
            chars[col:end] = text
            pens[col:end] = new
        if whole:
            return data
        return self._write(dirty, raw, cursor)

    def _write(
        self,
        dirty: dict[int, list[tuple[int, int]]],
        raw: dict[int, list[tuple[int, str]]],
        cursor: tuple[int, int] | None,
    ) -> str:
        out: list[str] = []
        self._last = None  # the style the last cells written are in
        for row in sorted(dirty.keys() | raw.keys()):
            chars = self.chars[row]
            items: list[tuple[int, int, str | None]] = [(a, b, None) for a, b in _merge(dirty.get(row, []), chars)]
            items += [(col, col, text) for col, text in raw.get(row, [])]
            items.sort(key=lambda item: item[0])
            for start, end, text in items:
                out.append(f"\x1b[{row + 1};{start + 1}H")
                if text is not None:
                    out.append(text)
                    self._last = None
                    continue
                self._cells(out, row, start, end)
        if out:
            out.append("\x1b[0m")
        if cursor is not None:
            out.append(f"\x1b[{cursor[0] + 1};{cursor[1] + 1}H")
        return "".join(out)

    def _cells(self, out: list[str], row: int, start: int, end: int) -> None:
        """The cells [start, end) of `row` written from the model, the cursor at `start`."""
        chars, pens = self.chars[row], self.pens[row]
        last = self._last
        i = start
        while i < end:
            pen = pens[i]
            assert pen is not None
            j = i + 1
            while j < end and pens[j] is pen:
                j += 1
            text = "".join(chars[i:j])  # type: ignore[arg-type]
            style = pen.style
            blank = pen.link is None and not style.attrs and style.fg is None and not text.strip(" ")
            if blank and last is not None and last.bg == style.bg and not last.attrs & _ON_BLANK:
                style = last  # spaces: in the style before them, whatever its colour (no change to send)
            erase = f"\x1b[{j - i}X" + (f"\x1b[{row + 1};{j + 1}H" if j < end else "")
            if blank and self.erase and len(erase) < j - i:
                out.append(f"{change(None, style)}{erase}")  # erased in the background colour
            else:
                out.append(_sgr(Pen(style, pen.link), text))
            last = style
            i = j
        self._last = last


def _sgr(pen: Pen, text: str) -> str:
    """`text` written in `pen` from any state of the terminal."""
    sgr = change(None, pen.style)
    return f"{pen.link}{sgr}{text}\x1b]8;;\x1b\\" if pen.link else f"{sgr}{text}"


def _changed(
    old: list[str | None], text: str, pens: list[Pen | None], new: list[Pen], col: int
) -> list[tuple[int, int]]:
    """The stretches (start, end) where `text` in pens `new` from column `col` differs from what is there."""
    spans: list[tuple[int, int]] = []
    start = None
    for i, (was, char, had, pen) in enumerate(zip(old, text, pens, new, strict=True), col):
        if was != char or had is not pen:
            if start is None:
                start = i
        elif start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, col + len(text)))
    return spans


def _merge(spans: list[tuple[int, int]], chars: list[str | None]) -> list[tuple[int, int]]:
    """The changed stretches of a row in order, joined when the unchanged cells between two are fewer
    bytes than a cursor move (about 8) and all known."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged:
            last_start, last_end = merged[-1]
            gap = chars[last_end:start]
            if start <= last_end or (
                None not in gap and len("".join(gap).encode()) < 7  # type: ignore[arg-type]
            ):
                merged[-1] = (last_start, max(end, last_end))
                continue
        merged.append((start, end))
    return merged
