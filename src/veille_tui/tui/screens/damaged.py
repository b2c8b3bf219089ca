"""The screen shown instead of the main one when the database cannot be opened: what the command
line says (the file, what is wrong, how to recover), the repair offered when the file is damaged
(`r`: what `veille-tui doctor --repair` does), `q` to quit with the same text left in the terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from veille_tui.core.errors import DatabaseDamaged, StoreError
from veille_tui.core.library import Library
from veille_tui.tui.crash import crash_text

REPAIR_KEYS = "r: repair now (as `veille-tui doctor --repair`)   q: quit"
QUIT_KEYS = "q: quit"
OPEN_KEYS = "enter: open veille-tui   q: quit"


class DamagedScreen(Screen[None]):
    """The database's problem, the repair (`r`, when damaged), quit (`q`), then open (`enter`)."""

    DEFAULT_CSS = """
    DamagedScreen { align: center middle; }
    DamagedScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $error; padding: 0 1;
    }
    DamagedScreen #damaged-keys { margin-top: 1; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "repair", "Repair the database", id="damaged.repair"),
        Binding("enter", "open", "Open veille-tui", id="damaged.open"),
        Binding("q,escape", "leave", "Quit", id="damaged.quit"),
    ]

    def __init__(self, lib: Library, problem: StoreError, main: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.lib = lib
        self.problem = str(problem)
        self.repairable = isinstance(problem, DatabaseDamaged)
        self.main = main  # the main screen, made once the database opens
        self.state = "asking"  # asking, repairing, repaired (enter opens), failed, opened

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.problem, id="damaged-text", markup=False)
            yield Static(REPAIR_KEYS if self.repairable else QUIT_KEYS, id="damaged-keys", markup=False)

    def _say(self, text: str, keys: str) -> None:
        self.query_one("#damaged-text", Static).update(Text(text))
        self.query_one("#damaged-keys", Static).update(Text(keys))

    def action_repair(self) -> None:
        if not self.repairable or self.state != "asking":
            return
        self.state = "repairing"
        self._say(f"{self.problem}\n\nRepairing: the damaged file is moved aside, the archive indexed…", "")
        self._repair()

    @work(thread=True, exclusive=True, group="repair", exit_on_error=False)
    def _repair(self) -> list[str]:
        with self.lib.for_thread() as lib:
            lines = lib.repair_database().lines()
            lib.open_database()  # the rebuilt one opens, or says why not
        return lines

    @on(Worker.StateChanged)
    def _repaired(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "repair":
            return
        if worker.state == WorkerState.SUCCESS:
            self.state = "repaired"
            self.problem = "The database was repaired:\n" + "\n".join(f"- {line}" for line in worker.result or [])
            self._say(self.problem, OPEN_KEYS)
        elif worker.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.state = "failed"
            error = worker.error or RuntimeError("cancelled")
            self.problem = f"The repair failed: {crash_text(error, self.lib.explain)}"
            self._say(self.problem, QUIT_KEYS)

    def action_open(self) -> None:
        if self.state == "repaired":
            self.state = "opened"
            self.app.push_screen(self.main())  # over this one (Textual's first screen stays at the bottom)

    def action_leave(self) -> None:
        if self.state == "repairing":
            return  # the file is being moved and rebuilt: not left half done
        code = 0 if self.state == "repaired" else 2  # as the command line's exit for a damaged database
        self.app.exit(return_code=code, message=None if code == 0 else Text(self.problem))
