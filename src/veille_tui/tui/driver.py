"""The terminal driver: Textual's own, with what it writes passed through `SgrCompactor` (fewer
bytes for the same screen; see tui/sgr.py). Other platforms' drivers, and a driver named by
TEXTUAL_DRIVER, are used as they are."""

from __future__ import annotations

from typing import Any

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from veille_tui.tui.sgr import SgrCompactor


class CompactLinuxDriver(LinuxDriver):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._compact = SgrCompactor()

    def write(self, data: str) -> None:
        super().write(self._compact(data))


def compact(driver_class: type[Driver]) -> type[Driver]:
    """The compacting driver in place of Textual's Linux driver; any other driver unchanged."""
    return CompactLinuxDriver if driver_class is LinuxDriver else driver_class
