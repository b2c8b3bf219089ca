"""tui/cells.py (with tui/sgr.py after it, as the driver writes): the terminal shows the same screen
after every update as with Textual's own bytes, in fewer bytes.

A terminal model of the test's own (line wrap off, as Textual sets it; wide characters by
unicodedata; SGR, OSC 8, cursor moves) plays both streams; after each update of a random sequence
(partial repaints, full repaints, a resize, writes that are not updates) both screens must be equal,
cell by cell."""

from __future__ import annotations

import random
import re
import unicodedata

from veille_tui.tui.cells import Cells
from veille_tui.tui.sgr import SgrCompactor

Cell = tuple[str, tuple[str, ...], str]


def width(char: str) -> int:
    if not char or unicodedata.combining(char) or char in "\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


class Terminal:
    """Cells (char, SGR state, link) of a screen without line wrap."""

    TOKEN = re.compile(
        r"\x1b\[([0-9;:?]*)([A-Za-z@])|\x1b\]8;[^;]*;([^\x1b\x07]*)(?:\x1b\\|\x07)|\x1b\][^\x07]*\x07|[\x00-\x1f]"
    )

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.cells: dict[tuple[int, int], Cell] = {}
        self.row = self.col = 0
        self.sgr: list[str] = []
        self.link = ""

    def resize(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.cells = {k: v for k, v in self.cells.items() if k[0] < rows and k[1] < cols}

    def put(self, char: str) -> None:
        w = width(char)
        if w == 0:  # joins the cell before
            key = (self.row, max(self.col - 1, 0))
            text, sgr, link = self.cells.get(key, (" ", (), ""))
            self.cells[key] = (text + char, sgr, link)
            return
        col = min(self.col, self.cols - w)
        for c in range(col, col + w):  # the other half of a wide character overwritten is cleared
            text, _, _ = self.cells.get((self.row, c), (" ", (), ""))
            other = c - 1 if text == "" else c + 1 if width(text[:1]) == 2 else None
            if other is not None and 0 <= other < self.cols:
                _, sgr, link = self.cells.get((self.row, other), (" ", (), ""))
                self.cells[(self.row, other)] = (" ", sgr, link)
        state = (tuple(self.sgr), self.link)
        self.cells[(self.row, col)] = (char, *state)
        if w == 2:
            self.cells[(self.row, col + 1)] = ("", *state)
        self.col = col + w if col + w < self.cols else self.cols - 1

    def feed(self, data: str) -> None:
        pos = 0
        while pos < len(data):
            m = self.TOKEN.match(data, pos)
            if m is None:
                self.put(data[pos])
                pos += 1
                continue
            pos = m.end()
            params, final = m.group(1) or "", m.group(2)
            if m.group(0).startswith("\x1b]8"):
                self.link = m.group(3) or ""
            elif final == "H":
                r, _, c = params.partition(";")
                self.row, self.col = min(int(r or 1), self.rows) - 1, min(int(c or 1), self.cols) - 1
            elif final == "d":
                self.row = min(int(params or 1), self.rows) - 1
            elif final == "G":
                self.col = min(int(params or 1), self.cols) - 1
            elif final == "C":
                self.col = min(self.col + int(params or 1), self.cols - 1)
            elif final == "m":
                self.sgr = self.apply(self.sgr, params)
            elif final == "X":  # erased in the background colour, nothing else (as xterm and tmux do)
                bg = tuple(a for a in self.sgr if a.startswith("b"))
                for c in range(self.col, min(self.col + int(params or 1), self.cols)):
                    self.cells[(self.row, c)] = (" ", bg, "")
            elif final == "J" and params == "2":
                self.cells = {}
            elif m.group(0) == "\r":
                self.col = 0

    @staticmethod
    def apply(state: list[str], params: str) -> list[str]:
        """SGR as a terminal applies it: kept as a sorted set of (kind, value)."""
        codes = params.split(";") if params else ["0"]
        attrs = {s for s in state if s.startswith("a")}
        fg = next((s for s in state if s.startswith("f")), "f")
        bg = next((s for s in state if s.startswith("b")), "b")
        i = 0
        while i < len(codes):
            c = codes[i] or "0"
            if c == "0":
                attrs, fg, bg = set(), "f", "b"
            elif c in ("38", "48"):
                n = 5 if codes[i + 1] == "2" else 3
                value = ":".join(codes[i + 1 : i + n])
                fg, bg = (f"f{value}", bg) if c == "38" else (fg, f"b{value}")
                i += n - 1
            elif c == "39":
                fg = "f"
            elif c == "49":
                bg = "b"
            elif c == "22":
                attrs -= {"a1", "a2"}
            elif c in ("23", "24", "25", "27", "28", "29"):
                attrs.discard(f"a{int(c) - 20}")
            elif 30 <= int(c) <= 37 or 90 <= int(c) <= 97:
                fg = f"f{c}"
            elif 40 <= int(c) <= 47 or 100 <= int(c) <= 107:
                bg = f"b{c}"
            else:
                attrs.add(f"a{c}")
            i += 1
        return sorted(attrs | {fg, bg})

    def screen(self) -> dict[tuple[int, int], Cell]:
        """What a person sees: a space shows its background only (and a reverse, underline or strike:
        then the colour too)."""
        seen = {}
        for key, (char, sgr, link) in self.cells.items():
            if char == " " and not link and not {"a4", "a7", "a9"} & set(sgr):
                sgr = tuple(a for a in sgr if a.startswith("b") and a != "b")
            seen[key] = (char, sgr, link)
        return seen


COLOURS = ["38;2;216;222;230", "38;2;141;152;168", "38;5;244", "31", ""]
BACKS = ["48;2;20;23;28", "48;2;27;32;39", "44", ""]
ATTRS = ["", "1", "2", "7", "4", "1;7"]
LATIN = "abcdé·● -…▏▃"
WIDE = LATIN + "中😀" + "e\u0301"
LINK = "\x1b]8;id=12;https://example.org/a\x1b\\"


class Textual:
    """A screen of styled cells, and updates of regions of it written as Textual writes them
    (tui/driver.py gets one a frame): each line of the region a cursor move then runs of
    `ESC[style]m text ESC[0m` (some in an OSC 8 link), a line feed between lines, the cursor's
    move at the end. Between two updates some cells change: text, style, or both."""

    def __init__(self, rng: random.Random, cols: int, rows: int, alphabet: str) -> None:
        self.rng, self.cols, self.rows, self.alphabet = rng, cols, rows, alphabet
        self.styles = [
            ";".join(p for p in (rng.choice(ATTRS), rng.choice(COLOURS), rng.choice(BACKS)) if p) for _ in range(6)
        ]
        self.styles += [f"{LINK}{self.styles[0]}"]  # a style with a link
        self.grid = [[(" ", 0)] * cols for _ in range(rows)]  # (char, style); "" right of a wide one
        for row in range(rows):
            self.change(row, 0, cols)

    def change(self, row: int, x0: int, x1: int) -> None:
        """New text in new styles over [x0, x1) of `row` (wide characters kept whole)."""
        line, col = self.grid[row], x0
        while col < x1:
            n = min(self.rng.randint(1, 24), x1 - col)
            style = self.rng.randrange(len(self.styles))
            end = col + n
            blank = self.rng.random() < 0.3  # a stretch of spaces (the end of a line, an empty one)
            while col < end:
                char = " " if blank else self.rng.choice(self.alphabet)
                w = width(char[0])
                if col + w > end:
                    char, w = " ", 1
                line[col] = (char, style)
                if w == 2:
                    line[col + 1] = ("", style)
                col += w
        if x1 < self.cols and line[x1][0] == "":  # a wide character cut: made a space
            line[x1] = (" ", line[x1][1])
        if x0 > 0 and width(line[x0 - 1][0][:1]) == 2 and line[x0][0] != "":
            line[x0 - 1] = (" ", line[x0 - 1][1])

    def restyle(self, row: int, x0: int, x1: int) -> None:
        style = self.rng.randrange(len(self.styles) - 1)
        line = self.grid[row]
        x0 -= x0 > 0 and line[x0][0] == ""
        x1 += x1 < self.cols and line[x1][0] == ""
        line[x0:x1] = [(char, style) for char, _ in line[x0:x1]]

    def line(self, row: int, x0: int, x1: int) -> str:
        line = self.grid[row]
        while x0 > 0 and line[x0][0] == "":
            x0 -= 1
        parts, col = [f"\x1b[{row + 1};{x0 + 1}H"], x0
        while col < x1:
            style = line[col][1]
            end = col
            while end < x1 and line[end][1] == style and end - col < 12:
                end += 1
            text = "".join(char for char, _ in line[col:end])
            sgr = self.styles[style]
            link = sgr.startswith("\x1b]")
            sgr = sgr[len(LINK) :] if link else sgr
            run = f"\x1b[{sgr}m{text}\x1b[0m" if sgr else text
            parts.append(f"{LINK}{run}\x1b]8;;\x1b\\" if link else run)
            col = end
        return "".join(parts)

    def update(self, full: bool = False) -> str:
        rng = self.rng
        if full:
            top, bottom, x0, x1 = 0, self.rows, 0, self.cols
        else:
            top = rng.randrange(self.rows)
            bottom = rng.randint(top + 1, self.rows)
            x0 = rng.randrange(self.cols)
            x1 = rng.randint(x0 + 1, self.cols)
        for _ in range(rng.randint(0, 3)):  # what changed since the last frame
            row = rng.randrange(top, bottom)
            a = rng.randrange(x0, x1)
            b = rng.randint(a + 1, x1)
            (self.change if rng.random() < 0.6 else self.restyle)(row, a, b)
        lines = [self.line(row, x0, x1) for row in range(top, bottom)]
        return "\n".join(lines) + f"\x1b[{rng.randint(1, self.rows)};{rng.randint(1, self.cols)}H"


def play(seed: int, alphabet: str, updates: int = 120, erase: bool = False) -> tuple[int, int]:
    """Random updates through Cells + SgrCompactor and as they are; the two screens after each."""
    rng = random.Random(seed)
    cols, rows = 40, 10
    textual = Textual(rng, cols, rows, alphabet)
    plain, ours = Terminal(cols, rows), Terminal(cols, rows)
    cells, compact = Cells(erase=erase), SgrCompactor()
    sent = written = 0
    for i in range(updates):
        if i == 60:  # a resize: Textual repaints all, the driver sees the new size
            cols, rows = 30, 12
            textual = Textual(rng, cols, rows, alphabet)
            plain.resize(cols, rows)
            ours.resize(cols, rows)
        if i % 25 == 7:  # a write that is not an update (a clear): the model forgets the screen
            for data in ("\x1b[?25l", "\x1b[2J"):
                plain.feed(data)
                ours.feed(compact(cells(data, (cols, rows))))
        data = textual.update(full=i in (0, 60))
        out = compact(cells(data, (cols, rows)))
        plain.feed(data)
        ours.feed(out)
        assert ours.screen() == plain.screen(), f"update {i}: {data!r} -> {out!r}"
        assert (ours.row, ours.col) == (plain.row, plain.col)  # the cursor where Textual put it
        sent, written = sent + len(data), written + len(out)
    return sent, written


def test_random_updates_show_the_same_screen_in_fewer_bytes() -> None:
    for seed in range(4):
        sent, written = play(seed, LATIN, erase=seed % 2 == 1)
        assert written < sent * 0.5, (seed, sent, written)


def test_wide_characters_emoji_and_combining_marks() -> None:
    for seed in range(4):
        play(100 + seed, WIDE, erase=seed % 2 == 1)


def test_runs_of_spaces_are_erased_when_the_terminal_fills_with_the_background() -> None:
    before = "\x1b[2;1H\x1b[38;2;1;2;3;48;2;9;9;9mword" + "x" * 30 + "end\x1b[0m\x1b[1;1H"
    after = before.replace("x" * 30, " " * 30)
    for erase in (False, True):
        cells, ours, plain = Cells(erase=erase), Terminal(40, 3), Terminal(40, 3)
        for frame in (before, after):
            out = cells(frame, (40, 3))
            ours.feed(out)
            plain.feed(frame)
        assert ("\x1b[30X" in out) == erase, out
        assert ours.screen() == plain.screen()


def test_an_unchanged_repaint_writes_only_the_cursor() -> None:
    cells = Cells()
    frame = "\x1b[1;1H\x1b[1;31mhello\x1b[0m world\n\x1b[2;1H\x1b[44m  \x1b[0m\x1b[2;3H"
    assert cells(frame, (11, 3)) == frame  # nothing known yet: written as it is
    assert cells(frame, (11, 3)) == "\x1b[2;3H"
    assert cells(frame.replace("world", "wOrld"), (11, 3)) == "\x1b[1;8H\x1b[0mO\x1b[0m\x1b[2;3H"


def test_a_restyled_cell_is_written_and_a_short_gap_joined() -> None:
    cells = Cells()
    cells("\x1b[1;1Habcdefghijklmnopqrst\x1b[1;1H", (20, 2))
    out = cells("\x1b[1;1H\x1b[1mab\x1b[0mcde\x1b[1mf\x1b[0mghijklmnopqrs\x1b[1mt\x1b[0m\x1b[1;1H", (20, 2))
    assert out.startswith("\x1b[1;1H\x1b[0;1mab\x1b[0mcde\x1b[0;1mf")  # three unchanged cells: cheaper than a move
    assert "\x1b[1;20H\x1b[0;1mt" in out  # thirteen: a move


def test_a_change_of_size_or_a_full_repaint_forgets_the_screen() -> None:
    cells = Cells()
    frame = "\x1b[1;1Hab\n\x1b[2;1Hcd\x1b[1;1H"
    cells(frame, (2, 2))
    assert cells(frame, (2, 2)) == frame  # each row from its first column: a full repaint, sent whole
    partial = "\x1b[2;1Hcd\x1b[1;1H"
    assert cells(partial, (2, 2)) == "\x1b[1;1H"
    assert cells(partial, (3, 2)) == partial  # resized: nothing known


def test_writes_that_may_change_the_screen_forget_it() -> None:
    cells = Cells()
    cells("\x1b[1;1Hab\x1b[1;1H", (4, 2))
    assert cells("\x1b[?2026h", (4, 2)) == "\x1b[?2026h"
    assert cells("\x1b[1;1Hab\x1b[1;1H", (4, 2)) == "\x1b[1;1H"  # a synchronized-output mark keeps it
    cells("\x1b[?1049h", (4, 2))  # the alternate screen: a new, empty screen
    assert cells("\x1b[1;1Hab\x1b[1;1H", (4, 2)) == "\x1b[1;1Hab\x1b[1;1H"
    cells("\x1b[1;1H\x1b[5Sab", (4, 2))  # not an update (a scroll inside): passed on, forgotten
    assert cells("\x1b[1;1Hab\x1b[1;1H", (4, 2)) == "\x1b[1;1Hab\x1b[1;1H"


def test_text_of_uncertain_width_is_sent_as_it_is_and_what_follows_it_forgotten() -> None:
    cells = Cells()
    frame = "\x1b[1;1Hab😀cd\x1b[1mef\x1b[0m\x1b[1;1H"
    cells(frame, (10, 2))
    out = cells(frame, (10, 2))
    assert "ab" not in out  # known, unchanged
    assert "\x1b[1;3H\x1b[0m😀cd\x1b[0;1mef" in out  # the emoji and all after it, as one piece
    accent = "\x1b[1;1Hxye\u0301z\x1b[1;1H"
    cells(accent, (10, 2))
    assert "\x1b[1;3H\x1b[0me\u0301z" in cells(accent, (10, 2))  # a combining mark with its letter
