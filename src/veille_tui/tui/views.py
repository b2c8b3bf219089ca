"""What the reader is looking at: each view's cursor and scroll, kept when another view is shown
(`]` then `[`, a query then `escape` come back to the same entry, at the same height), the views
left, newest last, for `backspace`, and the words of a view's query (highlighted in the
article)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from veille_tui.core.article import term_pattern
from veille_tui.core.errors import QueryError
from veille_tui.core.query import parse
from veille_tui.tui.widgets.sidebar import Choice

BACK_DEPTH = 50  # views `backspace` can go back through
KEEP = 200  # views whose place is remembered


@dataclass(frozen=True)
class Place:
    """A view (its sidebar choice and query), the entry under its cursor and the list's scroll."""

    choice: Choice
    query: str
    entry_id: int | None
    top: int


class ViewHistory:
    def __init__(self) -> None:
        self.back: list[Place] = []
        self._places: dict[str, Place] = {}  # by query: the same query is the same list

    def leave(self, place: Place, *, going_back: bool = False) -> None:
        """The list leaves `place` for another view (not pushed when going back to one)."""
        self._places.pop(place.query, None)
        self._places[place.query] = place
        while len(self._places) > KEEP:
            del self._places[next(iter(self._places))]
        if going_back:
            return
        if self.back and self.back[-1].query == place.query:
            self.back[-1] = place
        else:
            self.back.append(place)
            del self.back[:-BACK_DEPTH]

    def place(self, query: str) -> Place | None:
        """Where the list was when it last showed `query` (None: never shown)."""
        return self._places.get(query)

    def pop(self, current_query: str) -> Place | None:
        """The view to go back to (not the one shown)."""
        while self.back:
            place = self.back.pop()
            if place.query != current_query:
                return place
        return None


def query_terms(query: str) -> re.Pattern[str] | None:
    """The full-text words of a query, as a pattern for the article's highlighting (None: none)."""
    try:
        parsed = parse(query)
    except QueryError:
        return None
    return term_pattern(parsed.words, parsed.phrases)
