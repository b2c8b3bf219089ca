"""`veille-tui rules test QUERY`: what a rule with this query would match now."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.commands.common import refresh_index
from veille_tui.cli.output import emit_json, entry_row, err
from veille_tui.core.library import Library

SHOWN = 20


def run(args: Namespace, lib: Library) -> int:
    refresh_index(lib)
    query = " ".join(args.query)
    count, first = lib.rule_matches(query, limit=SHOWN)
    if args.json:
        emit_json({"query": query, "count": count, "entries": [e.to_json() for e in first]})
        return 0
    print(
        f"{count} entr{'y' if count == 1 else 'ies'} match {query!r}"
        + (f"; the first {SHOWN}:" if count > SHOWN else ":" if count else "")
    )
    for entry in first:
        print(entry_row(entry))
    if not count:
        hint = lib.tag_hint(query)  # a tag no entry has, intelligence not loaded: say so
        if hint is not None:
            err(f"veille-tui: {hint.message}")
    return 0
