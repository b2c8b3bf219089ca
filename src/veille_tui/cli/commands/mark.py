"""`veille-tui mark ID... | --query Q  --read|--unread|--star|--unstar`: state from scripts;
`mark --undo`: the last read/starred change taken back (as `U` in the TUI)."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    if args.undo:
        return undo(args, lib)
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


def undo(args: Namespace, lib: Library) -> int:
    if args.ids or args.query or args.read or args.unread or args.star or args.unstar:
        err("veille-tui: mark: --undo takes nothing else (it undoes the last change, whatever it was)")
        return 2
    done = lib.undo()
    if done is None:
        err("veille-tui: mark: nothing to undo")
        return 1
    pending, _error = lib.sync_state()
    left = lib.undo_steps()
    if args.json:
        emit_json({"undone": done.what, "entries": done.entries, "pending": pending, "left": left})
    noun = "entry" if done.entries == 1 else "entries"
    err(f"undone: {done.what} ({done.entries:,} {noun} as they were; {left} more change(s) can be undone)")
    return 0
