"""What to say when a query finds nothing because it names a tag no entry has (`+fortinet`):
the tags it may have meant, and the words search that finds something; or because it reads CVE
intelligence that is not loaded (`+kev`, `epss:0.5`): what is missing and how to load it."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from veille_tui.core.query import Query


@dataclass(frozen=True)
class TagHint:
    """`message` for the user; `query`, the same query with those tags searched as words, and how
    many entries it finds (`query` None: it finds nothing either)."""

    message: str
    query: str | None
    count: int


KEV_MISSING = (
    "the KEV catalogue is not loaded, so no entry has the tag kev: `veille-tui intel update` downloads it"
    " (or `veille-tui intel import FILE` loads a copy of known_exploited_vulnerabilities.json)"
)
EPSS_MISSING = (
    "no EPSS scores are loaded, so epss: matches nothing: `veille-tui intel update` downloads them"
    " (or `veille-tui intel import FILE` loads a copy of epss_scores-current.csv.gz)"
)


def intel_hint(query: Query, loaded: Mapping[str, int]) -> TagHint | None:
    """When `query` reads intelligence that is not loaded (`loaded`: rows held, by source)."""
    parts = []
    if "kev" in (*query.tags, *query.not_tags) and not loaded.get("kev"):
        parts.append(KEV_MISSING)
    if query.epss and not loaded.get("epss"):
        parts.append(EPSS_MISSING)
    return TagHint("; ".join(parts), None, 0) if parts else None


def tag_hint(query: Query, tags: Collection[str], count: Callable[[str], int]) -> TagHint | None:
    """None when every `+tag` of `query` is one of `tags`; `count` counts a query's entries."""
    missing = [tag for tag in query.tags if tag not in tags]
    if not missing:
        return None
    import difflib  # here: only a query naming an unknown tag asks (a CLI start need not import it)

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
