"""`veille-tui publish DRAFT`: move a draft (its path, or the id of the entry it drafts) into
`_posts/YYYY-MM-DD-slug.md`, dated today; print the new path."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    path = lib.publish(args.draft)  # a DraftError is reported by main, exit 1
    if args.json:
        emit_json({"path": str(path), "draft": args.draft})
    else:
        print(path)
    return 0
