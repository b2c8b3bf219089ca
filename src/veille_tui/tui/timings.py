"""Recent durations inside the app, by name: `bench/tui_bench.py` and `bench/triage_bench.py` dump
`MainScreen.timings` at exit (`apply`, `apply_painted`, `article_render`, `article_painted`,
`article_after_rest`, `startup_load`; `next_unread`, `next_unread_painted`, `mark_view_read_asked`,
`mark_view_read`, `mark_view_read_painted`, `mark_view_read_committed`; bench/reading_bench.py:
`reading_open_painted`, `next_unread_article_painted`, `undo_painted`). Recording one costs a
deque append."""

from __future__ import annotations

import time
from collections import deque

from textual.message_pump import MessagePump

KEEP = 200  # durations kept per name


class Timings(dict[str, deque[float]]):
    """name -> the last durations, in seconds."""

    def record(self, name: str, seconds: float) -> None:
        self.setdefault(name, deque(maxlen=KEEP)).append(seconds)

    def since(self, name: str, started: float) -> None:
        """Record the time from `started` (a `time.perf_counter()`) until now."""
        self.record(name, time.perf_counter() - started)

    def until_painted(self, node: MessagePump, name: str, started: float) -> None:
        """Record the time from `started` until the screen refresh after this one has run."""
        node.call_after_refresh(self.since, name, started)
