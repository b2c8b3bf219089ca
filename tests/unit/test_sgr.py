"""tui/sgr.py: what the terminal shows is the same, with fewer bytes.

A small model of a terminal (its own SGR reading, not the module's) places every character with
the attributes and colours in force when it was written; the screens of the original and of the
compacted output must be equal, cell by cell."""

from __future__ import annotations

import random
import re

from veille_tui.tui.sgr import SgrCompactor

Cell = tuple[str, frozenset[str], str, str]


def screen(data: str) -> dict[tuple[int, int], Cell]:
    """Cells written (row, col) -> (char, attributes, fg, bg), by a terminal model."""
    cells: dict[tuple[int, int], Cell] = {}
    row = col = 0
    attrs: set[str] = set()
    fg = bg = "default"
    pos = 0
    token = re.compile(r"\x1b\[([0-9;:]*)([A-Za-z])|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b.|[\x00-\x1f]")
    while pos < len(data):
        m = token.match(data, pos)
        if m is None:
            cells[(row, col)] = (data[pos], frozenset(attrs), fg, bg)
            col += 1
            pos += 1
            continue
        pos = m.end()
        text = m.group(0)
        if m.group(2) == "H":
            r, _, c = (m.group(1) or "1;1").partition(";")
            row, col = int(r or 1) - 1, int(c or 1) - 1
        elif m.group(2) == "d":
            row = int(m.group(1) or 1) - 1
        elif m.group(2) == "G":
            col = int(m.group(1) or 1) - 1
        elif m.group(2) == "C":
            col += int(m.group(1) or 1)
        elif m.group(2) == "m":
            codes = (m.group(1) or "0").split(";")
            i = 0
            while i < len(codes):
                c = codes[i] or "0"
                if c == "0":
                    attrs, fg, bg = set(), "default", "default"
                elif c in ("38", "48"):
                    n = 5 if codes[i + 1] == "2" else 3
                    value = ":".join(codes[i + 1 : i + n])
                    fg, bg = (value, bg) if c == "38" else (fg, value)
                    i += n - 1
                elif c == "39":
                    fg = "default"
                elif c == "49":
                    bg = "default"
                elif c == "22":
                    attrs -= {"1", "2"}
                elif c in ("23", "24", "25", "27", "28", "29"):
                    attrs.discard(str(int(c) - 20))
                elif 30 <= int(c.split(":")[0]) <= 37 or 90 <= int(c.split(":")[0]) <= 97:
                    fg = c
                elif 40 <= int(c.split(":")[0]) <= 47 or 100 <= int(c.split(":")[0]) <= 107:
                    bg = c
                else:
                    attrs.add(c)
                i += 1
        elif text == "\r":
            col = 0
        elif text == "\n":
            row += 1
    return cells


COLOURS = ["38;2;216;222;230", "38;2;141;152;168", "38;5;244", "31", "97", ""]
BACKS = ["48;2;20;23;28", "48;2;27;32;39", "48;5;236", "44", ""]
ATTRS = ["", "1", "2", "1;2", "3", "7", "4", "1;7", "9"]


def frame(rng: random.Random, width: int = 40, rows: int = 8) -> str:
    """An update as Textual writes one: each line a cursor move then runs of `ESC[style]m text ESC[0m`,
    a line feed between lines."""
    lines = []
    for y in range(rows):
        x0 = rng.randint(1, 5)
        parts = [f"\x1b[{y + 2};{x0}H"]
        col = 0
        while col < width:
            if rng.random() < 0.3:  # a move to where the cursor is (Textual's next run of the line)
                parts.append(f"\x1b[{y + 2};{x0 + col}H")
            n = rng.randint(1, 12)
            style = ";".join(p for p in (rng.choice(ATTRS), rng.choice(COLOURS), rng.choice(BACKS)) if p)
            text = "".join(rng.choice("abc é·◆ -") for _ in range(n))
            parts.append(f"\x1b[{style}m{text}\x1b[0m" if style else text)
            col += n
        lines.append("".join(parts))
    return "\n".join(lines)


def test_random_frames_show_the_same_screen_with_fewer_bytes() -> None:
    rng = random.Random(7)
    compact = SgrCompactor()
    before = after = 0
    for _ in range(300):
        data = frame(rng)
        out = compact(data)
        assert screen(out) == screen(data)
        before, after = before + len(data), after + len(out)
    assert after < before * 0.85


def test_state_carries_over_between_writes() -> None:
    compact = SgrCompactor()
    first = "\x1b[1;38;2;1;2;3;48;2;4;5;6mab"  # left in that style
    second = "cd\x1b[0m\x1b[3;1H\x1b[38;2;1;2;3;48;2;4;5;6mef\x1b[0m"
    out = compact(first) + compact(second)
    assert screen(out) == screen(first + second)
    assert out.count("48;2;4;5;6") == 1  # the background is not sent again


def test_same_style_across_runs_is_sent_once() -> None:
    data = "\x1b[1;1H\x1b[38;2;9;9;9;48;2;1;1;1mone\x1b[0m\x1b[38;2;9;9;9;48;2;1;1;1m two\x1b[0m"
    out = SgrCompactor()(data)
    assert out == "\x1b[1;1H\x1b[38;2;9;9;9;48;2;1;1;1mone two\x1b[0m"


def test_bold_off_keeps_dim_and_reverse_off_is_explicit() -> None:
    data = "\x1b[1;2;7;31mA\x1b[0m\x1b[2;31mB\x1b[0m\x1b[31mC\x1b[0m"
    out = SgrCompactor()(data)
    assert screen(out) == screen(data)
    assert len(out) < len(data)


def test_unknown_and_other_sequences_pass_through() -> None:
    osc = "\x1b]52;c;aGVsbG8gd29ybGQ=\x07"  # a clipboard write: letters inside, left whole
    data = (
        "\x1b[?25l\x1b[1;1H\x1b[53;31mover\x1b[0m\x1b[4:3mcurly\x1b[0m"
        + osc
        + "\x1b(B\x1b[31mred\x1b[0m\r\nplain\x1b[?25h"
    )
    out = SgrCompactor()(data)
    assert screen(out) == screen(data)
    assert osc in out and "\x1b[?25l" in out and "\x1b[?25h" in out and "\x1b(B" in out
    assert "\x1b[53" in out or "53;" in out


def test_line_feed_before_a_cursor_move_is_left_out_and_others_kept() -> None:
    data = "\x1b[1;1H\x1b[44mtop\x1b[0m\n\x1b[2;1H\x1b[44mnext\x1b[0m\nbare"
    out = SgrCompactor()(data)
    assert screen(out) == screen(data)
    assert out.count("\n") == 1  # the last one is followed by text, not by a cursor move
    assert "\x1b[0m\n" in out  # ... and the reset is written before it (a scroll fills with the background)


def test_a_move_to_where_the_cursor_is_is_left_out_after_latin_text_only() -> None:
    data = "\x1b[3;1H\x1b[31mcafé ab\x1b[0m\x1b[3;8H\x1b[7m \x1b[0m\n\x1b[4;1H◆ x\x1b[4;4Hy\x1b[5;1H\x1b[6;1Hz"
    out = SgrCompactor()(data)
    assert screen(out) == screen(data)
    assert "\x1b[3;8H" not in out  # "café ab" is 7 columns: the cursor is at column 8 already
    assert "\x1b[4;4H" in out  # after "◆" (its width differs between terminals) the move is kept
    assert "\x1b[5;1H" not in out and "\x1b[6;1H" in out  # a move followed by another: left out


def test_each_write_starts_without_a_known_cursor() -> None:
    compact = SgrCompactor()
    compact("\x1b[1;1Habc")
    assert compact("\x1b[1;4Hd").startswith("\x1b[1;4H")  # a resize in between may have moved it


def test_moves_from_a_known_place_are_written_short() -> None:
    data = (
        "\x1b[3;1H\x1b[31mabc\x1b[0m\x1b[3;12Hd\x1b[3;2He\x1b[3;1Hf"  # same row: forward, back, first column
        "\x1b[7;2Hg"  # same column, another row
        "\x1b[9;30Hh"  # elsewhere
    )
    out = SgrCompactor()(data)
    assert screen(out) == screen(data)
    assert "\x1b[8C" in out and "\x1b[2G" in out and "\rf" in out and "\x1b[7d" in out and "\x1b[9;30H" in out


def test_the_last_move_of_a_write_is_kept_where_the_cursor_is_to_be() -> None:
    out = SgrCompactor()("\x1b[2;1Hab\x1b[1;80H\x1b[5;7H")
    assert out.endswith("\x1b[5;7H") and "\x1b[1;80H" not in out
