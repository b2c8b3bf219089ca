"""The query history (the TUI's `/`, `up`/`down`), kept across runs: a text file of the last
queries, one a line, oldest first, in the data folder beside the database."""

from __future__ import annotations

import os
from pathlib import Path

KEEP = 100  # queries kept
FILE_NAME = "query-history.txt"


def load(path: Path) -> list[str]:
    """The queries kept, oldest first ([] when the file is missing or unreadable)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    queries = [line.strip() for line in text.splitlines()]
    return [q for q in queries if q][-KEEP:]


def remember(path: Path, query: str) -> list[str]:
    """Add `query` as the newest (an earlier copy of it goes), keep the last KEEP, write the file
    atomically; returns the history. A file that cannot be written is left as it was."""
    query = " ".join(query.split())
    history = load(path)
    if not query:
        return history
    history = [q for q in history if q != query] + [query]
    history = history[-KEEP:]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("\n".join(history) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return history
