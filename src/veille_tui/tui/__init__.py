"""`veille-tui` without a sub-command: open the library, run the app, return the exit status."""

from __future__ import annotations

import gc
import threading
from argparse import Namespace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from veille_tui.core.library import Library


FIRST_ROWS = 150  # the first rows of a list shown before the whole of it is read (two screens at least)


class Preload:
    """What the first screen shows (its first rows, the tag counts, how many entries there are),
    read by a thread while the main thread imports Textual: SQLite does this work without holding
    the GIL. The rest of a big list is read after the first frame (tui/list_reader.py), as for
    any view."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self.ids: list[int] | None = None
        self.tag_counts: dict[str, int] | None = None
        self.total = 0
        self._thread = threading.Thread(target=self._run, name="veille-preload", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self.lib.for_thread() as lib:
                ids = lib.entry_id_head("", FIRST_ROWS + 1)
                self.total = lib.count(None) if len(ids) > FIRST_ROWS else len(ids)
                self.tag_counts = lib.tag_counts()
                self.ids = ids
        except Exception:  # the screen reads them itself then
            self.ids = self.tag_counts = None

    def get(self, timeout: float = 5.0) -> tuple[list[int], dict[str, int], int] | None:
        """(the first FIRST_ROWS + 1 ids of all entries, the tag counts, how many entries)."""
        self._thread.join(timeout)
        if self.ids is None or self.tag_counts is None:
            return None
        return self.ids, self.tag_counts, self.total


def first_frame_out() -> None:
    """The first frame is on the terminal: the cyclic garbage collector runs again, over what is
    made from now on. What the start made (Textual, our modules, the first screen: objects that
    live as long as the app) is frozen first (`gc.freeze`): no collection walks it again, so that
    turning the collector back on does not pay then what its pause saved."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run_tui(args: Namespace) -> int:
    from veille_tui.core.library import Library

    # Until the first frame is out (`first_frame_out`, called by the main screen), no cyclic
    # garbage collection (veille_tui/start.py says why; it turned it off already when the
    # `veille-tui` command started).
    gc.disable()
    try:
        lib = Library.open(config=getattr(args, "config", None), archive=getattr(args, "archive", None))
        try:
            preload = Preload(lib)
            from veille_tui.tui.app import VeilleApp

            app = VeilleApp(
                lib,
                offline=bool(getattr(args, "offline", False)),
                cli_theme=getattr(args, "theme", None),
                preload=preload,
            )
            app.run()
        finally:
            lib.close()
    finally:
        gc.enable()
    return app.return_code or 0
