"""The log file in the data folder: where an unexpected error is told in full, while the terminal
gets one line (no Python traceback ever reaches the user)."""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path

from veille_tui import __version__
from veille_tui.core.paths import log_file
from veille_tui.core.text import clean_line


class _LogFile(logging.FileHandler):
    """The log file, created at the first record; a failure to write it is never shown as a
    logging traceback."""

    def __init__(self, path: str) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.setLevel(logging.WARNING)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            os.makedirs(os.path.dirname(self.baseFilename), exist_ok=True)
        except OSError:
            return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def log_to_file() -> Path:
    """veille-tui's warnings and errors go to the log file, not to stderr as tracebacks (without
    a handler, logging's last resort prints them there). Returns the file."""
    logger = logging.getLogger("veille_tui")
    path = log_file()
    wanted = os.path.abspath(path)
    for handler in [h for h in logger.handlers if isinstance(h, _LogFile)]:
        if handler.baseFilename == wanted:
            return path
        logger.removeHandler(handler)  # main() called again with another data folder (tests)
        handler.close()
    logger.addHandler(_LogFile(wanted))
    return path


def unexpected(what: str, exc: BaseException) -> str:
    """One line for an error nobody foresaw; its traceback goes to the log file."""
    detail = clean_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:300]
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            out.write(
                f"{time.strftime('%Y-%m-%d %H:%M:%S')} veille-tui {__version__}: {what} failed "
                f"(arguments: {sys.argv[1:]!r})\n"
            )
            out.write("".join(traceback.format_exception(exc)))
        where = f"details in {path}"
    except OSError as log_exc:
        where = f"no details: {path}: {log_exc.strerror or log_exc}"
    return f"veille-tui: {what} failed: {detail} ({where})"
