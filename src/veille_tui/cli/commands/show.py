"""`veille-tui show ID`: one entry as plain text, with its CVE intelligence, related stories, indicators (its
full text when one is stored)."""

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
    related = lib.related(entry.id)
    full = lib.full_text(entry.id)
    affects = lib.affects(entry.id)
    iocs = lib.entry_iocs(entry.id)
    if args.json:
        data = {
            **entry.to_json(),
            "watch_terms": list(entry.watch_terms),
            "affects": affects,
            "watch_where": dict(zip(entry.watch_terms, map(list, entry.watch_where), strict=False)),
            "cve_intel": [intel[cve].to_json() for cve in entry.cves],
            "related": [other.id for other in related],
            "iocs": [ioc.to_json() for ioc in iocs],
        }
        if full is not None:
            data["full_text"] = {**full.to_json(), "fetched": full.fetched, "error": full.error}
        emit_json(data)
    else:
        print(render_plain(entry, intel, full, related, affects, iocs))
    return 0
