"""`veille-tui list [QUERY]`: the matching entries, newest first."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.commands.common import refresh_index
from veille_tui.cli.output import emit_json, entry_row, err
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    refresh_index(lib)
    query = " ".join(args.query)
    entries = lib.entries(query, limit=max(args.limit, 0))
    if not entries:
        hint = lib.tag_hint(query)  # `+fortinet`, a tag no entry has: say so, and what finds some
        if hint is not None:
            err(f"veille-tui: {hint.message}")
    if args.json:
        emit_json([e.to_json() for e in entries])
    else:
        for entry in entries:
            print(entry_row(entry))
        total = lib.count(query)
        if total > len(entries):
            err(f"({len(entries)} of {total} shown; --limit 0 for all)")
    return 0
