"""`veille-tui show ID`: one entry as plain text."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err, render_plain
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    entry = lib.entry(args.id)
    if entry is None:
        err(f"veille-tui: no entry with id {args.id} (ids are in `veille-tui list`)")
        return 1
    intel = lib.cve_intel(entry.cves)
    if args.json:
        emit_json(
            {
                **entry.to_json(),
                "watch_terms": list(entry.watch_terms),
                "cve_intel": [intel[cve].to_json() for cve in entry.cves],
            }
        )
    else:
        print(render_plain(entry, intel))
    return 0
