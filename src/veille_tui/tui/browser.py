"""Opening a link: in a browser that opens a window, never in a text browser that would take over
this terminal; over SSH (no display) there is none, and the screen copies the link instead."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import webbrowser

TEXT_BROWSERS = {"www-browser", "lynx", "links", "links2", "elinks", "w3m", "browsh"}


class LinkNotOpened(Exception):
    """The browser did not open `link` (the screen copies it instead)."""

    def __init__(self, link: str) -> None:
        super().__init__(link)
        self.link = link


def gui_browser() -> webbrowser.BaseBrowser | None:
    """A browser that opens a window, or None (no display, or only a text browser that would
    take over this terminal)."""
    if sys.platform != "darwin" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None
    import webbrowser  # here, not at start: the TUI's first frame does not need it

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    name = (getattr(browser, "name", "") or type(browser).__name__).lower()
    if os.path.basename(name) in TEXT_BROWSERS or type(browser).__name__ == "GenericBrowser":
        return None
    return browser


def open_link(browser: webbrowser.BaseBrowser, link: str) -> None:
    """Open `link` in a new tab of `browser` (this blocks: run it in a worker).

    Raises:
        LinkNotOpened: the browser said no, or failed in its own way (each platform's
            launcher raises something else).
    """
    try:
        opened = browser.open(link, new=2)
    except Exception as exc:  # webbrowser's launchers raise OSError, webbrowser.Error, ...
        raise LinkNotOpened(link) from exc
    if not opened:
        raise LinkNotOpened(link)
