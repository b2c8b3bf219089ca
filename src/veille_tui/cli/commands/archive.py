"""`veille-tui archive ID [--tag T]... [--post]`: write an archive draft for an entry (into
`_drafts/`, or straight into `_posts/`), print its path."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    to_posts = True if args.post else None  # None: the [draft] folder of the config
    path = lib.write_draft(args.id, args.tag, source=args.source, to_posts=to_posts)  # DraftError: main, exit 1
    if args.json:
        emit_json({"path": str(path), "id": args.id})
    else:
        print(path)
    return 0
