"""Fewer bytes to the terminal for the same screen: SGR (colour and attribute) sequences rewritten as
changes from the state the terminal is already in.

Textual writes every run of text as `ESC[<whole style>m text ESC[0m`: a cursor move in the list
re-sends both truecolor colours (about 40 bytes) for each run of a line, although most runs of a
line share their background and often their colours. `SgrCompactor` follows the style the
terminal is in and the one the text asks for, and writes only the difference, just before the
text that needs it; a reset is held back until something other than text or a cursor move comes
(a line feed, any other sequence), so that style-free positioning never costs a reset. The line
feed Textual writes between the lines of an update, each of which starts with its own cursor move,
is left out (it would only ever scroll the screen, at the bottom row), and so is a cursor move to
where the cursor is already (after text of known width: Latin characters only). Every
character is written with exactly the attributes and colours it had (tests/unit/test_sgr.py checks
this on a model of the screen); a sequence it does not know is passed through, and the style is
then written whole again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# A token: an SGR sequence (group 1: its parameters), a cursor move (CUP / VPA), any other
# sequence (CSI, OSC, DCS, two-byte escapes), a control character; text is what lies between.
_TOKEN = re.compile(
    r"\x1b\[([0-9;:]*)m"
    r"|(\x1b\[[0-9;]*[Hd])"
    r"|\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[()*+][ -~]"
    r"|\x1b[ -~]?"
    r"|[\x00-\x1f\x7f]"
)
# SGR attributes: on code -> name, and the code that turns each off (22 turns off bold and dim)
_ON = {"1": "bold", "2": "dim", "3": "italic", "4": "underline", "5": "blink", "7": "reverse", "8": "conceal"}
_ON["9"] = "strike"
_OFF = {"bold": "22", "dim": "22", "italic": "23", "underline": "24", "blink": "25", "reverse": "27"}
_OFF.update(conceal="28", strike="29")
_CODE = {name: code for code, name in _ON.items()}
_MOVE = re.compile(r"\x1b\[[0-9;]*[Hd]")
# text whose width is one column a character in every terminal: printable Latin-1 and Latin
# Extended, no soft hyphen; after any other text the cursor's column is taken as not known
_NARROW = re.compile(r"[\x20-\x7e\xa0-\xac\xae-\u02ff]*")


class Style(NamedTuple):
    attrs: frozenset[str]
    fg: str | None  # the SGR parameters that set it ("38;2;r;g;b", "31", "38;5;n"), None: default
    bg: str | None


DEFAULT = Style(frozenset(), None, None)


@lru_cache(maxsize=4096)  # a screen has a few dozen styles: each is worked out once
def apply(style: Style, params: str) -> Style | None:
    """`style` after the SGR parameters `params`, or None when one of them is not understood."""
    codes = params.split(";") if params else ["0"]
    attrs, fg, bg = set(style.attrs), style.fg, style.bg
    i = 0
    while i < len(codes):
        code = codes[i]
        if code in ("0", ""):
            attrs, fg, bg = set(), None, None
        elif code in _ON:
            attrs.add(_ON[code])
        elif code == "22":
            attrs -= {"bold", "dim"}
        elif code in ("23", "24", "25", "27", "28", "29"):
            attrs -= {name for name, off in _OFF.items() if off == code}
        elif code in ("38", "48"):
            mode = codes[i + 1] if i + 1 < len(codes) else ""
            width = 5 if mode == "2" else 3 if mode == "5" else 0
            if not width or i + width > len(codes) or not all(c.isdigit() for c in codes[i + 1 : i + width]):
                return None
            value = ";".join(codes[i : i + width])
            fg, bg = (value, bg) if code == "38" else (fg, value)
            i += width - 1
        elif code == "39":
            fg = None
        elif code == "49":
            bg = None
        elif code.isdigit() and (30 <= int(code) <= 37 or 90 <= int(code) <= 97):
            fg = code
        elif code.isdigit() and (40 <= int(code) <= 47 or 100 <= int(code) <= 107):
            bg = code
        else:
            return None
        i += 1
    return Style(frozenset(attrs), fg, bg)


@lru_cache(maxsize=4096)
def change(current: Style | None, wanted: Style) -> str:
    """The shortest of: the SGR sequence from `current` to `wanted`, and `wanted` from a reset."""
    whole = ["0", *sorted(_CODE[a] for a in wanted.attrs)]
    whole += [c for c in (wanted.fg, wanted.bg) if c is not None]
    if current is None:
        return f"\x1b[{';'.join(whole)}m"
    if wanted == DEFAULT:
        return "\x1b[0m"
    off = {_OFF[a] for a in current.attrs - wanted.attrs}
    on = set(wanted.attrs - current.attrs)
    if "22" in off:  # 22 turns off both bold and dim: the one kept is turned on again
        on |= wanted.attrs & {"bold", "dim"}
    steps = sorted(off) + sorted(_CODE[a] for a in on)
    if wanted.fg != current.fg:
        steps.append(wanted.fg or "39")
    if wanted.bg != current.bg:
        steps.append(wanted.bg or "49")
    best = steps if len(";".join(steps)) < len(";".join(whole)) else whole
    return f"\x1b[{';'.join(best)}m"


def _shorter(at: tuple[int, int], row: int, col: int) -> list[str]:
    """Moves from `at` (known: after a move and text of known width) to (row, col): the absolute one
    and those relative to where the cursor is, when they are shorter. The row and the columns to the
    left of `at` are exact even when text reached the right edge (the cursor stays in the last column
    there, `at` is one further)."""
    here_row, here_col = at
    moves = [f"\x1b[{row};{col}H"]
    if row == here_row:
        moves.append("\r" if col == 1 else f"\x1b[{col}G")
        if col > here_col:
            moves.append("\x1b[C" if col == here_col + 1 else f"\x1b[{col - here_col}C")
    elif col == here_col:
        moves.append(f"\x1b[{row}d")
    return moves


class SgrCompactor:
    """Rewrites what is written to one terminal; holds the style that terminal is in."""

    def __init__(self) -> None:
        self.current: Style | None = DEFAULT  # the terminal's style; None: not known
        self.wanted: Style | None = DEFAULT  # the style the next text is to have
        self.at: tuple[int, int] | None = None  # the cursor (row, column), when known
        self.going: tuple[int, int] | None = None  # a move not written yet (the next one replaces it)

    def _text(self, text: str) -> None:
        if self.at is not None and _NARROW.fullmatch(text):
            self.at = (self.at[0], self.at[1] + len(text))
        else:
            self.at = None

    def _move(self, sequence: str, out: list[str]) -> None:
        """A cursor move, held until something is written there: a move followed by another one
        (Textual moves to a part of a line it then leaves empty) is left out, and so is a move to
        where the cursor is already (Textual moves before each run of a line it repaints, the one
        just after the text before it included)."""
        params = sequence[2:-1].split(";")
        if sequence.endswith("H"):
            self.going = (int(params[0] or 1), (int(params[1] or 1) if len(params) > 1 else 1))
            return
        self._go(out)  # VPA: the row only
        self.at = (int(params[0] or 1), self.at[1]) if self.at is not None else None
        out.append(sequence)

    def _go(self, out: list[str]) -> None:
        """The move held, written: the shortest way from where the cursor is, when that is known."""
        if self.going is None:
            return
        row, col = self.going
        self.going = None
        if (row, col) == self.at:
            return
        sequence = f"\x1b[{row};{col}H"
        if self.at is not None:
            sequence = min(_shorter(self.at, row, col), key=len, default=sequence)
        self.at = (row, col)
        out.append(sequence)

    def _settle(self, out: list[str]) -> None:
        self._go(out)
        if self.wanted is not None and self.wanted != self.current:
            out.append(change(self.current, self.wanted))
        self.current = self.wanted

    def __call__(self, data: str) -> str:
        out: list[str] = []
        at = 0
        self.at = None  # a resize between two writes may have moved it: each update starts with a move
        self.going = None
        for token in _TOKEN.finditer(data):
            if token.start() > at:  # text: in the style asked for
                self._settle(out)
                out.append(data[at : token.start()])
                self._text(data[at : token.start()])
            at = token.end()
            params = token.group(1)
            if params is not None:
                resets = params.split(";")[0] in ("", "0")
                base = DEFAULT if resets else self.wanted
                style = apply(base, params) if base is not None else None
                if style is None:  # not understood: pass it through, and forget the style
                    self._settle(out)
                    out.append(token.group(0))
                    self.current = self.wanted = None
                else:
                    self.wanted = style
            elif token.group(2) is not None:  # a cursor move does not depend on the style
                self._move(token.group(0), out)
            elif token.group(0) == "\n" and _MOVE.match(data, at):
                pass  # a line feed before a cursor move: only a scroll at the bottom row would come of it
            else:  # a line feed (a scroll fills with the background) or another sequence
                self._settle(out)
                out.append(token.group(0))
                self.at = (self.at[0], 1) if token.group(0) == "\r" and self.at is not None else None
        if at < len(data):
            self._settle(out)
            out.append(data[at:])
            self._text(data[at:])
        self._settle(out)  # the cursor where it was sent, the terminal in the style asked for
        return "".join(out)
