"""`veille-tui cves [QUERY]`: the CVE ids named by the matching entries, with their intel and trend."""

from __future__ import annotations

import sys
from argparse import Namespace

from veille_tui.cli.commands.common import refresh_index
from veille_tui.cli.output import cve_row, cves_header, emit_json, err
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    refresh_index(lib)
    query = " ".join(args.query)
    found = lib.cves(query or None, since=args.since, sort=args.sort, limit=args.limit)
    if args.json:
        emit_json([c.to_json() for c in found])
        return 0
    if not found:
        err("(no CVE id in these entries)" if query else "(no entry names a CVE id)")
        return 0
    sys.stdout.write("\n".join([cves_header(), *(cve_row(summary) for summary in found)]) + "\n")
    if not any(s.kev or s.epss is not None for s in found):
        err("(no KEV or EPSS data for these: `veille-tui intel update`, or `intel import FILE`)")
    return 0
