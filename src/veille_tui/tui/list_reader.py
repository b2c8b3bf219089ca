"""A big list shown in two steps: its first rows at once (`Library.entry_id_head`, milliseconds),
the whole list read by a thread of its own meanwhile (`Library.entry_ids`: tens of milliseconds
for a word that 44,000 entries hold), then given to the list (`EntryList.take_rest`).

`Rest` is the whole list to come. A key that needs it before it came (`G`, a move past the first
rows, `n` to an entry further down, the count of `A`) waits for it in the UI thread: which is why
the reader is a plain thread, always running, and not a Textual worker, which starts only once the
event loop runs again. It reads on a connection of its own, kept (opening one per list would cost
more than the first rows), and skips the lists replaced before it came to them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from contextlib import ExitStack

from textual.message import Message

from veille_tui.core.library import Library

WAIT = 30.0  # seconds a key waits for the whole list at most (then the first rows are the list)


class Rest:
    """The whole list of a query, being read by the `ListReader`."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.ids: list[int] | None = None
        self.dropped = False  # another list replaced this one: no need to read it
        self._done = threading.Event()

    def give(self, ids: list[int] | None) -> None:
        """In the reader's thread: the list (None: it could not be read)."""
        self.ids = ids
        self._done.set()

    def wait(self) -> list[int] | None:
        """The whole list, once read (None: it could not be)."""
        self._done.wait(WAIT)
        return self.ids


class RestRead(Message):
    """The reader read the whole list of `rest`, or could not (`error`) (to the main screen)."""

    def __init__(self, rest: Rest, error: BaseException | None = None) -> None:
        super().__init__()
        self.rest = rest
        self.error = error


class ListReader:
    """One thread that reads whole lists, in order, on its own connection."""

    def __init__(self, lib: Library, post: Callable[[Message], object]) -> None:
        self.lib = lib
        self.post = post
        self._jobs: queue.SimpleQueue[Rest | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def read(self, query: str) -> Rest:
        """Start reading the whole list of `query`."""
        rest = Rest(query)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="veille-list", daemon=True)
            self._thread.start()
        self._jobs.put(rest)
        return rest

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread = None

    def _run(self) -> None:
        with ExitStack() as stack:
            lib: Library | None = None
            while (rest := self._jobs.get()) is not None:
                if rest.dropped:
                    rest.give(None)
                    continue
                ids, error = None, None
                try:
                    if lib is None:
                        lib = stack.enter_context(self.lib.for_thread())
                    ids = lib.entry_ids(rest.query)
                except Exception as exc:  # told by the screen; the next list opens a new connection
                    error, lib = exc, None
                    stack.close()
                finally:
                    rest.give(ids)
                self.post(RestRead(rest, error))
