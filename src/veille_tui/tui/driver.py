"""The terminal driver: Textual's own, with what it writes passed through `Cells` (only the cells
that changed since the last frame; see tui/cells.py) and `SgrCompactor` (fewer bytes for the
same styles; see tui/sgr.py). Other platforms' drivers, and a driver named by TEXTUAL_DRIVER, are
used as they are."""

from __future__ import annotations

import os
import sys
from typing import Any

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from veille_tui.tui.cells import Cells
from veille_tui.tui.sgr import SgrCompactor


class CompactLinuxDriver(LinuxDriver):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compact = SgrCompactor()
        self._cells = Cells(erase=erases_in_background())

    def _screen_size(self) -> tuple[int, int] | None:
        """The terminal's columns and rows now (a resize empties the model of its cells)."""
        if self._file is None:
            return None
        try:
            columns, rows = os.get_terminal_size(self._file.fileno())
        except (AttributeError, OSError, ValueError):
            return None
        return (columns, rows) if columns > 0 and rows > 0 else None

    def start_application_mode(self) -> None:
        self._cells.reset()  # a new alternate screen: at start, and back from a suspend ($EDITOR)
        super().start_application_mode()  # type: ignore[no-untyped-call]

    def write(self, data: str) -> None:
        super().write(self._compact(self._cells(data, self._screen_size())))


def erases_in_background() -> bool:
    """Whether the terminal (its terminfo entry, as ncurses reads it) erases characters (ECH) and
    fills what it erases with the background colour (bce): a run of spaces is then one short
    sequence. Without both, or without terminfo, spaces are written."""
    try:
        import curses

        curses.setupterm(os.environ.get("TERM") or "dumb", sys.__stderr__.fileno() if sys.__stderr__ else -1)
        return bool(curses.tigetflag("bce") == 1 and curses.tigetstr("ech"))
    except Exception:  # no curses, no terminfo entry for TERM, no terminal
        return False


def compact(driver_class: type[Driver]) -> type[Driver]:
    """The compacting driver in place of Textual's Linux driver; any other driver unchanged."""
    return CompactLinuxDriver if driver_class is LinuxDriver else driver_class
