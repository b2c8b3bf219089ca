"""`veille-tui fetch [FEED...]`: refresh the feeds."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err
from veille_tui.cli.progress import run_fetch
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    outcomes = run_fetch(lib, args.feeds, json_output=args.json)
    if args.feeds and not outcomes:
        err("veille-tui: no subscribed feed matches " + " ".join(args.feeds))
        return 1
    if args.json:
        emit_json([o.__dict__ for o in outcomes])
    failed = any(o.status == "error" for o in outcomes)
    if lib.sync_configured and not args.feeds:  # the team server too, at the end of a full fetch
        sync = lib.sync()
        err(sync.summary() if sync.ok else f"veille-tui: {sync.summary()}")
        failed = failed or not sync.ok
    return 1 if failed else 0
