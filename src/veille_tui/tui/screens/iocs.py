"""`I`: the IOC view. The indicators of compromise named by the entries of the view shown, one line
each (type, the indicator DEFANGED, entries, first and last seen), the most named first; `enter`
lists the entries that name the highlighted one (the query `ioc:VALUE`, in its defanged form), and
`backspace` or `escape` from that list comes back here; `escape` or `backspace` goes back to the list.

`y` copies the defanged form (nothing in it can be clicked); `Y` the refanged (live) one, the
notification saying so before the copy is told. Rows are read in a worker (`Library.iocs`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from veille_tui.core.library import Library
from veille_tui.core.models import IocSummary
from veille_tui.core.text import clean_line
from veille_tui.tui.workers import failure_notice

if TYPE_CHECKING:
    from veille_tui.tui.screens.parts.host import Host

LIVE = "The live (refanged) form, which can be clicked: "  # said before `Y`'s copy is told


def shown(row: IocSummary) -> str:
    """The indicator as the view shows and `y` copies it: defanged, on one clean line."""
    return clean_line(row.defanged)


@dataclass
class IocState:
    """What the IOC view shows, kept while an indicator's entries are listed."""

    query: str  # the view's query
    label: str  # the view's name
    rows: list[IocSummary] | None = None  # every indicator of the view, the most named first
    value: str | None = None  # the highlighted one (stored, refanged)
    pivot: str = ""  # the query that lists the chosen indicator's entries (`ioc:DEFANGED`)


class IocScreen(Screen[str | None]):
    """Dismissed with the query listing the chosen indicator's entries, or None."""

    DEFAULT_CSS = """
    IocScreen { background: $surface; }
    IocScreen > Vertical { height: 1fr; }
    IocScreen #iocs-title { height: 1; background: $panel; color: $text-accent; text-style: bold; padding: 0 1; }
    IocScreen DataTable { height: 1fr; }
    IocScreen #iocs-keys { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="iocs.back"),
        Binding("y", "copy", "Copy (defanged)", id="iocs.copy"),
        Binding("Y", "copy_live", "Copy the live form", id="iocs.copy_live"),
    ]

    class Loaded(Message):
        """The worker read the view's indicators."""

        def __init__(self, rows: list[IocSummary]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, lib: Library, state: IocState, copy: Callable[[str, str], None]) -> None:
        super().__init__()
        self.lib = lib
        self.state = state
        self.copy = copy  # (text, said before) -> the app's copy path (parts/links.py)

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#iocs-table", DataTable)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title(), id="iocs-title", markup=False)
            table: DataTable[Text] = DataTable(id="iocs-table", cursor_type="row", zebra_stripes=False)
            table.add_columns("type", "indicator", "entries", "first seen", "last seen")
            yield table
            yield Static(
                "enter: the entries naming it · y: copy (defanged) · Y: copy the live form · esc: back",
                id="iocs-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        self.table.focus()
        if self.state.rows is not None:
            self._show_rows()
        else:
            self.load(self.state.query)

    @work(thread=True, group="iocs", exclusive=True, exit_on_error=False)
    def load(self, query: str) -> None:
        with self.lib.for_thread() as lib:
            rows = lib.iocs(query or None)
        self.post_message(self.Loaded(rows))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.state.rows = message.rows
        self._show_rows()

    @on(Worker.StateChanged)
    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        self.query_one("#iocs-title", Static).update("The indicators could not be read.")
        notice = failure_notice("iocs", event.worker.error, self.lib.explain)
        if notice is not None:
            self.notify(notice.text, severity=notice.severity, markup=False)

    def _title(self) -> str:
        rows = self.state.rows
        label = clean_line(self.state.label)
        if rows is None:
            return f"Indicators of {label}: reading…"
        if not rows:
            return f"Indicators of {label}: none (no entry of this view names one)"
        return f"Indicators of {label}: {len(rows):,}"

    def _show_rows(self) -> None:
        table = self.table
        table.clear()
        for row in self.state.rows or []:
            table.add_row(
                Text(row.type),
                Text(shown(row)),
                Text(str(row.entries), justify="right"),
                Text(row.first_seen[:10]),
                Text(row.last_seen[:10]),
                key=row.value,
            )
        keys = [row.value for row in self.state.rows or []]
        if self.state.value in keys:
            table.move_cursor(row=keys.index(self.state.value))
        self.query_one("#iocs-title", Static).update(self._title())

    def current(self) -> IocSummary | None:
        rows = self.state.rows or []
        index = self.table.cursor_row
        return rows[index] if rows and 0 <= index < len(rows) else None

    @on(DataTable.RowHighlighted)
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.current()
        if row is not None:
            self.state.value = row.value

    @on(DataTable.RowSelected)
    def chosen(self, event: DataTable.RowSelected) -> None:
        row = self.current()
        if row is not None:
            self.dismiss(f"ioc:{shown(row)}")

    def action_back(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        row = self.current()
        if row is not None:
            self.copy(shown(row), "")

    def action_copy_live(self) -> None:
        row = self.current()
        if row is not None:
            self.copy(clean_line(row.value), LIVE)


class IocPivot:
    """The main screen's side of the IOC view: `I` opens it over the view shown; `enter` there
    lists the entries naming an indicator; `backspace` or `escape` from that list comes back to it."""

    def __init__(self, screen: Host, copy: Callable[[str, str], None]) -> None:
        self.screen = screen
        self.copy = copy
        self.state: IocState | None = None  # the IOC view to come back to
        self._focus: Widget | None = None

    def open(self) -> None:
        screen = self.screen
        self._focus = screen.focused
        self._push(IocState(screen.state.query_text, screen.state.view_label()))

    def _push(self, state: IocState) -> None:
        screen = self.screen

        def chosen(pivot: str | None) -> None:
            if pivot is None:
                self.state = None
                (self._focus if self._focus is not None and self._focus.is_attached else screen.entries).focus()
                return
            state.pivot = pivot
            error = screen.apply(pivot)
            if error:
                screen.notify(error, severity="error", markup=False)
                self.state = None
                return
            self.state = state

        screen.app.push_screen(IocScreen(screen.lib, state, self.copy), chosen)

    def back(self) -> bool:
        """`backspace` / `escape` on the main screen: when it lists an indicator's entries chosen
        in the IOC view, the view before comes back under the IOC view (True: done)."""
        state, screen = self.state, self.screen
        if state is None or screen.reading:
            return False
        self.state = None
        if screen.state.query_text != state.pivot:
            return False
        screen.back_to_view()
        self._push(state)
        return True
