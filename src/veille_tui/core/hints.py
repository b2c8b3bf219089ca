"""What to say when a query finds nothing because it names a tag no entry has (`+fortinet`):
the tags it may have meant, and the words search that finds something."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from veille_tui.core.query import Query


@dataclass(frozen=True)
class TagHint:
    """`message` for the user; `query`, the same query with those tags searched as words, and how
    many entries it finds (`query` None: it finds nothing either)."""

    message: str
    query: str | None
    count: int


def tag_hint(query: Query, tags: Collection[str], count: Callable[[str], int]) -> TagHint | None:
    """None when every `+tag` of `query` is one of `tags`; `count` counts a query's entries."""
    missing = [tag for tag in query.tags if tag not in tags]
    if not missing:
        return None
    known = list(tags)
    parts = []
    for tag in missing:
        text = f"no entry has the tag {tag}"
        close = difflib.get_close_matches(tag, known, n=3, cutoff=0.7)
        if close:
            text += "; did you mean " + " or ".join("+" + c for c in close) + "?"
        parts.append(text)
    words = query.text
    for tag in missing:
        words = re.sub(rf"(?<!\S)\+{re.escape(tag)}(?!\S)", tag, words, flags=re.IGNORECASE)
    words = " ".join(words.split())
    found = count(words)
    message = "; ".join(parts)
    if found:
        noun = "entry" if found == 1 else "entries"
        message += f". The words search `{words}` finds {found} {noun}"
        return TagHint(message, words, found)
    return TagHint(message + f" (nor does the words search `{words}`)", None, 0)
