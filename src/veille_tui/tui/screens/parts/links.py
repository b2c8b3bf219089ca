"""Links: `o` opens the entry's link (a browser where one opens a window, else copied: a jump
host), `y` copies it (sent to the terminal (OSC 52), in tmux's buffer, or why tmux will not let it
through), `L` picks one of the article's links or related stories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from veille_tui.core.models import Entry
from veille_tui.core.text import clean_line
from veille_tui.tui.browser import open_link
from veille_tui.tui.clipboard import copy_told
from veille_tui.tui.screens.parts.host import Host
from veille_tui.tui.widgets.article import RELATED_LIMIT

if TYPE_CHECKING:
    import webbrowser


class Links:
    """The links part of the main screen."""

    def __init__(self, host: Host) -> None:
        self.host = host

    def copy(self, text: str, before: str = "") -> None:
        """Copy `text` (OSC 52) and say what is known of it (sent to the terminal; in tmux's
        buffer; dropped by tmux, and how to fix it), with the text shown either way."""
        host = self.host
        host.app.copy_to_clipboard(text)
        told, problem = copy_told()
        if before:
            told = told[0].lower() + told[1:]
        if problem:
            host.notify(f"{before}{told}\n{text}", severity="warning", markup=False, timeout=12)
        else:
            host.notify(f"{before}{told}: {text}", markup=False, timeout=6)

    def _link(self, entry: Entry) -> str | None:
        if not entry.link:
            self.host.notify("This entry has no link.", severity="warning")
            return None
        return clean_line(entry.link)

    def copy_link(self, entry: Entry) -> None:
        link = self._link(entry)
        if link:
            self.copy(link)

    def open_link(self, entry: Entry) -> None:
        link = self._link(entry)
        if link:
            self.open_url(link)

    def open_url(self, link: str) -> None:
        """In a browser where one opens a window, else copied and shown (a jump host)."""
        from veille_tui.tui.browser import gui_browser

        browser = gui_browser()
        if browser is None:
            self.copy(link, "No browser here: ")
            return
        self.host.run_worker(lambda: self._open(browser, link), thread=True, group="browser", exit_on_error=False)

    def _open(self, browser: webbrowser.BaseBrowser, link: str) -> None:
        """In the worker thread."""
        open_link(browser, link)
        self.host.app.call_from_thread(self.host.notify, f"Opened in the browser: {link}", markup=False, timeout=3)

    def pick(self, entry_id: int) -> None:
        """`L`: once the article shows the entry, its links and related stories to choose from."""
        if self.host.article.entry_id != entry_id:
            self.host.show_entry(entry_id, then=self._pick)
            return
        self._pick()

    def _pick(self) -> None:
        from veille_tui.tui.screens.links import LinkPicker

        host = self.host
        links, related = host.article.links, host.article.related[:RELATED_LIMIT]
        if not links and not related:
            host.notify(
                "No links in this article and no related story (o opens the entry's own link).",
                markup=False,
                timeout=4,
            )
            return

        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            action, value = result
            if action == "entry":
                index = host.entries.index_of(int(value))
                if index is not None:
                    host.entries.cursor = index
                host.open_entry(int(value))
            elif action == "copy":
                self.copy(value)
            else:
                self.open_url(value)

        blink = host.app.animation_level != "none"
        host.app.push_screen(LinkPicker(links, cursor_blink=blink, related=related), chosen)
