"""`veille-tui archive ID [--tag T]... [--post]`: write an archive draft for an entry (into
`_drafts/`, or straight into `_posts/`), print its path."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    to_posts = True if args.post else None  # None: the [draft] folder of the config
    notes: list[str] = []
    path = lib.write_draft(args.id, args.tag, source=args.source, to_posts=to_posts, notes=notes)  # DraftError: exit 1
    for note in notes:  # the command's output cut: the draft holds its head
        err(f"veille-tui: {note}")
    if args.json:
        emit_json({"path": str(path), "id": args.id})
    else:
        print(path)
    return 0
