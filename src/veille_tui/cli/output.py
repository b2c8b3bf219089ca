"""What the commands print: messages on stderr, one JSON document or plain rows on stdout."""

from __future__ import annotations

import json
import sys
from typing import Any

from veille_tui.core.models import Entry
from veille_tui.core.text import clean, clean_line, strip_attribute_lists


def err(message: str) -> None:
    """A message for the user, on stderr, with terminal escapes removed."""
    print(clean(message), file=sys.stderr)


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def entry_row(entry: Entry) -> str:
    """One line of `list`: id, state marks, date, source, title, CVE count."""
    marks = ("N" if not entry.read else " ") + ("*" if entry.starred else " ") + ("A" if entry.archived else " ")
    cves = f" [{len(entry.cves)} CVE]" if entry.cves else ""
    return f"{entry.id:>6} {marks} {entry.date[:10]}  {entry.source[:14]:<14} {entry.title}{cves}"


def render_plain(entry: Entry) -> str:
    """One entry as plain text, for `show`."""
    lines = [
        clean_line(entry.title),
        f"{entry.date}  {entry.source}  {'archived' if entry.archived else 'not archived'}",
        "tags: " + " ".join(entry.tags),
    ]
    if entry.link:
        lines.append(f"link: {clean_line(entry.link)}")
    if entry.feeds:
        lines.append("feeds: " + ", ".join(entry.feeds))
    if entry.cves:
        lines.append("CVEs: " + " ".join(entry.cves))
    lines += ["", clean(strip_attribute_lists(entry.body or "")).strip()]
    return "\n".join(lines)
