"""Watch alerts in the TUI: when a fetch (`r`/`R`, or a `veille-tui fetch` from another process
seen by tui/watcher.py) makes entries match the watch list for the first time, one bell and one
notification naming up to SHOWN of them.

Alerts are numbered in the store (core/store/watch.py); the screen keeps the number it has told,
so that a fetch seen twice (its own worker, then the poll) rings once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from veille_tui.core.models import WatchMatch
from veille_tui.core.text import clean_line

SHOWN = 5
TITLE_WIDTH = 70


@dataclass
class Alert:
    title: str
    text: str


class WatchAlerts:
    """The alerts told so far: `mark` is the number of the newest."""

    def __init__(self, mark: int) -> None:
        self.mark = mark

    def take(self, mark: int, matches: Sequence[WatchMatch]) -> Alert | None:
        """What to tell of alerts read up to `mark` (None: nothing new, or already told)."""
        if mark <= self.mark:
            return None
        self.mark = mark
        return alert(matches) if matches else None


def alert(matches: Sequence[WatchMatch]) -> Alert:
    """`Watch: 7 new matches` and the first SHOWN titles, each with its terms, then `+N more`."""
    count = len(matches)
    lines = []
    for match in matches[:SHOWN]:
        title = clean_line(match.title) or "(untitled)"
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 1] + "…"
        terms = ", ".join(clean_line(t) for t in match.terms)
        lines.append(f"• {title} [{terms}]")
    if count > SHOWN:
        lines.append(f"+{count - SHOWN} more (the Watch view lists them)")
    return Alert(f"Watch: {count} new match{'es' if count != 1 else ''}", "\n".join(lines))
