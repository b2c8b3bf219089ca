"""One message summing up a fetch's new matches for one target: how many, the first titles with
what they matched and their links, "+N more".

Feed text is untrusted: escapes, controls and bidi characters removed, and what a Markdown or HTML
message format would read as markup neutralised (brackets, angle brackets, backticks, emphasis
and table marks), so that a title cannot make a link or a tag; links only http(s), and only when
they hold no character that could end them early."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from veille_tui.core.models import WatchMatch
from veille_tui.core.text import clean_line, shorten

FIRST = 10  # matches listed by title; the others counted ("+N more")
_MARKUP = str.maketrans({"[": "(", "]": ")", "<": "‹", ">": "›", "`": "'", "*": "·", "|": "/", "~": "-", "#": "＃"})
_SAFE_LINK = re.compile(r"https?://[^\s<>\[\]()`\"'\\{}|^*]+", re.IGNORECASE)
_ENTITY = re.compile(r"&(?=[#\w]+;)")


def plain(text: str | None, limit: int = 200) -> str:
    """Feed text as one line with nothing a message format reads as markup."""
    cleaned = clean_line(text).translate(_MARKUP)
    cleaned = _ENTITY.sub("& ", cleaned)  # no HTML entity either (`&lt;` would come back as `<`)
    return shorten(cleaned, limit)


def safe_link(link: str | None) -> str | None:
    """An http(s) link as it is, or None (another scheme, or a character that could end it early)."""
    if not link:
        return None
    link = link.strip()
    return link if _SAFE_LINK.fullmatch(link) else None


def compose(matches: Sequence[WatchMatch]) -> tuple[str, str]:
    """(title, body) of the message for these matches."""
    kinds = Counter(m.kind for m in matches)
    what = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    count = len(matches)
    title = f"veille-tui: {count} new match{'es' if count != 1 else ''} ({what})"
    lines = []
    for match in matches[:FIRST]:
        terms = ", ".join(plain(t, 60) for t in match.terms)
        lines.append(f"- {match.kind}{': ' + terms if terms else ''} - {plain(match.title)}")
        link = safe_link(match.link)
        if link:
            lines.append(f"  {link}")
    if count > FIRST:
        lines.append(f"+{count - FIRST} more")
    return title, "\n".join(lines)
