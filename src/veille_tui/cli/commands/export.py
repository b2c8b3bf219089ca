"""`veille-tui export [QUERY] --stix FILE | --misp DIR [--tlp clear|green|amber|red] [--author NAME]`:
the matching entries (without QUERY: the starred ones) as a STIX 2.1 bundle or a MISP feed folder."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.commands.common import refresh_index
from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import Library
from veille_tui.core.text import clean_line


def run(args: Namespace, lib: Library) -> int:
    if args.stix is None and args.misp is None:
        err("veille-tui: export needs --stix FILE or --misp DIR")
        return 2
    refresh_index(lib)
    query = " ".join(args.query) or None
    count = lib.export(query, stix=args.stix, misp=args.misp, tlp=args.tlp, author=args.author)
    where = [str(p) for p in (args.stix, args.misp) if p is not None]
    if args.json:
        emit_json({"entries": count, "written": where, "tlp": args.tlp})
    else:
        err(f"{count} entries exported (TLP:{args.tlp.upper()}) to {', '.join(clean_line(w) for w in where)}")
    return 0
