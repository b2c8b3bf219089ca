"""`veille-tui iocs [QUERY] [--type T] [--json|--csv]`: the indicators of compromise named by the
matching entries, each shown defanged, with its type, entry count, first and last seen.
`veille-tui iocs --from FILE... [--json]`: those of saved pages or text files (HTML or text,
`.gz` too), nothing stored; `--json` gives them refanged, by file and type."""

from __future__ import annotations

import csv
import sys
from argparse import Namespace
from typing import Any

from veille_tui.cli.commands.common import refresh_index
from veille_tui.cli.output import emit_json, err, ioc_row, iocs_header
from veille_tui.core.library import Library
from veille_tui.core.models import Ioc
from veille_tui.core.text import clean_line


def run(args: Namespace, lib: Library) -> int:
    if args.files:
        return _from_files(args, lib)
    refresh_index(lib)
    query = " ".join(args.query)
    found = lib.iocs(query or None, kind=args.kind, limit=args.limit)
    if args.json:
        emit_json([i.to_json() for i in found])
        return 0
    if args.csv:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["type", "indicator", "entries", "first_seen", "last_seen"])
        out.writerows([i.type, clean_line(i.defanged), i.entries, i.first_seen, i.last_seen] for i in found)
        return 0
    if not found:
        err("(no indicator in these entries)" if query else "(no entry names an indicator)")
        return 0
    sys.stdout.write("\n".join([iocs_header(), *(ioc_row(i) for i in found)]) + "\n")
    return 0


def _from_files(args: Namespace, lib: Library) -> int:
    if args.query:
        err("veille-tui: iocs --from reads files, not a query (give one or the other)")
        return 2
    results = lib.iocs_from_files(args.files)
    status = 0
    listed: list[dict[str, Any]] = []
    for path, found in results:
        if isinstance(found, str):
            err(f"veille-tui: {clean_line(str(path))}: {clean_line(found)}")
            status = 1
            continue
        if args.kind:
            found = {args.kind: found[args.kind]} if args.kind in found else {}
        listed.append({"file": str(path), "iocs": found})
    if args.json:
        emit_json(listed)
        return status
    for item in listed:
        print(f"{clean_line(str(item['file']))}:")
        for kind, values in item["iocs"].items():
            for value in values:
                print(f"  {kind:<7} {clean_line(Ioc(kind, value).defanged)}")
        if not item["iocs"]:
            print("  (no indicator)")
    return status
