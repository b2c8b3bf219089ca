"""`veille-tui archive ID`: write an archive draft for an entry."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    path = lib.write_draft(args.id, args.tag)  # a DraftError is reported by main, exit 1
    if args.json:
        emit_json({"path": str(path), "id": args.id})
    else:
        print(path)
    return 0
