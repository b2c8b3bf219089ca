"""The panes: `tab` and `shift+tab` move the focus (the sidebar a drawer below 100 columns), `z`
shows the article alone in the main screen and back; the line between list and article marks
the article focused."""

from __future__ import annotations

from textual.widget import Widget

from veille_tui.tui.screens.parts.host import Host

# Side by side, list and article each need what they hold: titles (9 in 10 of the real archive's
# are 89 cells or less) beside the list's other columns, and a reading measure of 72 cells with
# links and paths of that length whole. Below that width the two panes share it badly (at 160
# columns: titles cut at ~50 cells, the article ~52 cells wrapping every URL): they are stacked,
# each the full width (the main screen's `-wide` class from this width).
SIDE_BY_SIDE = 26 + (4 + 6 + 13 + 9 + 89) + 1 + 72  # sidebar, list, rule, article: 220


class Panes:
    """The panes part of the main screen (whose `-zoom` and `-drawer` classes it sets)."""

    def __init__(self, host: Host, screen: Widget) -> None:
        self.host = host
        self.screen = screen  # the screen whose classes say the layout

    @property
    def zoomed(self) -> bool:
        return self.screen.has_class("-zoom")

    def zoom(self) -> None:
        host = self.host
        zoom = not self.zoomed
        self.screen.remove_class("-drawer")
        self.screen.set_class(zoom, "-zoom")
        if zoom:
            self.screen.watch(host.article, "scroll_y", host.update_status, init=False)
            entry_id = host.entries.current_id
            if entry_id is not None and entry_id != host.article.entry_id:
                host.show_entry(entry_id)
            host.article.focus()
        else:
            host.entries.focus()
        host.update_status()

    def focus_pane(self, step: int) -> None:
        host = self.host
        if self.zoomed:  # back to the three panes
            self.zoom()
            return
        panes: list[Widget] = [host.sidebar, host.entries, host.article]
        index = next((n for n, pane in enumerate(panes) if host.focused is pane), 1)
        target = panes[(index + step) % len(panes)]
        if target is host.sidebar and self.screen.has_class("-narrow"):
            self.screen.add_class("-drawer")
            self.screen.call_after_refresh(target.focus)
            return
        target.focus()

    def blurred(self, widget: Widget) -> None:
        if widget is self.host.sidebar:
            self.screen.remove_class("-drawer")
        elif widget is self.host.article:
            self.screen.query_one("#rule").remove_class("-focus")

    def focused_on(self, widget: Widget) -> None:
        if widget is self.host.article:
            self.screen.query_one("#rule").add_class("-focus")
