"""An exception nothing caught, as the user reads it: one screen of text after the TUI closes,
never Textual's traceback panel (which prints the local variables of every frame: the Store,
the settings, a config's password). The traceback goes to the log file (cli.logfile set it up)."""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.traceback import Traceback
from textual.worker import WorkerFailed

from veille_tui.core.errors import VeilleError
from veille_tui.core.paths import log_file
from veille_tui.core.text import clean_line

MAX_LINES = 20  # one screen
MAX_LINE = 400


class Crashed(Exception):
    """What an exception nothing caught becomes: its text, rendered as it is (no markup)."""

    def __rich__(self) -> Text:
        return Text(str(self))


def crash_text(error: BaseException, explain: Callable[[BaseException], str]) -> str:
    """The one screen telling why veille-tui stopped; the full traceback is logged. `explain` is
    `Library.explain` (a database error says how to recover)."""
    if isinstance(error, WorkerFailed):  # a worker's error, wrapped by Textual
        error = error.error
    logging.getLogger("veille_tui.tui").error("veille-tui stopped on an error", exc_info=error)
    if isinstance(error, sqlite3.DatabaseError):
        text = explain(error)
    elif isinstance(error, VeilleError):  # its message names the file or entry at fault
        text = str(error)
    else:
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        text = f"veille-tui stopped on an unexpected error: {detail}"
    lines = [clean_line(line)[:MAX_LINE] for line in text.splitlines()[:MAX_LINES]]
    return "\n".join([*lines, f"(details in {log_file()})"])


def without_tracebacks(renderables: tuple[Any, ...]) -> tuple[Any, ...]:
    """What `App.panic` is given, a Rich traceback (Textual's driver gives one when its input
    thread dies) logged and told in one line instead."""
    if not any(isinstance(r, Traceback) for r in renderables):
        return renderables
    for renderable in renderables:
        if isinstance(renderable, Traceback):
            out = io.StringIO()
            Console(file=out, width=120, color_system=None).print(renderable)
            logging.getLogger("veille_tui.tui").error("veille-tui stopped on an error:\n%s", out.getvalue())
    return (Text(f"veille-tui stopped on an unexpected error of the terminal (details in {log_file()})"),)


def crashed(error: Exception, explain: Callable[[BaseException], str]) -> Crashed:
    """`error` as the exception Textual is given to end the app with (the original is its cause)."""
    try:
        text = crash_text(error, explain)
    except Exception:  # noqa: BLE001 - telling must not fail: the bare type then
        text = f"veille-tui stopped on an unexpected error: {type(error).__name__} (details in {log_file()})"
    result = Crashed(text)
    result.__cause__ = error
    return result
