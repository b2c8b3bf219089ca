"""`veille-tui mark ID... | --query Q  --read|--unread|--star|--unstar`: state from scripts."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    if args.read and args.unread or args.star and args.unstar:
        err("veille-tui: mark: --read and --unread (or --star and --unstar) contradict each other")
        return 2
    if not (args.read or args.unread or args.star or args.unstar):
        err("veille-tui: mark: say what: --read, --unread, --star or --unstar")
        return 2
    if bool(args.ids) == bool(args.query):
        err("veille-tui: mark: give entry IDs or --query Q (one of the two)")
        return 2
    if args.query:
        ids = lib.entry_ids(args.query)
    else:
        found = {e.id for e in lib.entries_by_ids(args.ids)}
        missing = [i for i in args.ids if i not in found]
        if missing:
            err(f"veille-tui: mark: no entry with id {', '.join(map(str, missing))}")
            return 1
        ids = list(dict.fromkeys(args.ids))
    read = True if args.read else False if args.unread else None
    starred = True if args.star else False if args.unstar else None
    changed = lib.mark(ids, read=read, starred=starred)
    pending, _error = lib.sync_state()
    if args.json:
        emit_json({"entries": len(ids), "changed": changed, "pending": pending})
    if lib.sync_configured:
        err(f"{len(ids)} entries, {changed} change(s) made; {pending} change(s) wait for the team server")
    else:
        err(f"{len(ids)} entries, {changed} change(s) made (queued: pushed once a [sync] server is set)")
    return 0
