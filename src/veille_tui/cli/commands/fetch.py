"""`veille-tui fetch [FEED...] [--watch]`: refresh the feeds; with --watch, print the entries that
newly match the watch list or touch an asset (a `kind` column: watch, asset).

Exit status: 0 every feed fetched or unchanged, 1 some failed (the others are kept), 3 with
--watch when there are new matches: 3 wins over 1 (the failures are still listed on stderr), so
that a script's `case $?` sees the matches first.
"""

from __future__ import annotations

import json
from argparse import Namespace

from veille_tui.cli.output import emit_json, err, print_lines, watch_match_line
from veille_tui.cli.progress import run_fetch
from veille_tui.core.library import Library

EXIT_FAILED = 1
EXIT_WATCH = 3


def run(args: Namespace, lib: Library) -> int:
    watch = getattr(args, "watch", False)
    if watch and not lib.settings.watch and not lib.settings.assets:
        err(f'veille-tui: no watch list (watch = ["..."] in {lib.settings.path}) nor [[assets]]: --watch finds nothing')
    mark = lib.alerts_mark() if watch else (0, 0)
    outcomes = run_fetch(lib, args.feeds, json_output=args.json, lines_to_stderr=watch)
    if args.feeds and not outcomes:
        err("veille-tui: no subscribed feed matches " + " ".join(args.feeds))
        return EXIT_FAILED
    failed = any(o.status == "error" for o in outcomes)
    for told in lib.notified:  # a target that fails is said, never the fetch's failure
        if told.ok:
            err(f"notify {told.target}: {told.sent} message{'s' if told.sent != 1 else ''} sent")
        else:
            waiting = f"{told.waiting} waiting for the next fetch"
            err(f"veille-tui: notify {told.target}: not sent ({told.detail}); {waiting}")
    if lib.sync_configured and not args.feeds:  # the team server too, at the end of a full fetch
        sync = lib.sync()
        err(sync.summary() if sync.ok else f"veille-tui: {sync.summary()}")
        failed = failed or not sync.ok
    if not watch:
        if args.json:
            emit_json([o.__dict__ for o in outcomes])
        return EXIT_FAILED if failed else 0
    _, matches = lib.new_alerts(mark)
    # the status is the fetch's, whether the reader reads the matches to the end or not (`| head -3`)
    status = EXIT_WATCH if matches else EXIT_FAILED if failed else 0
    if args.json:
        print_lines([json.dumps([m.to_json() for m in matches], ensure_ascii=False, indent=1)])
    else:
        print_lines([watch_match_line(match) for match in matches])
    if matches:
        kinds = {m.kind for m in matches}
        what = "watch and asset" if len(kinds) > 1 else next(iter(kinds))
        err(f"{len(matches)} new {what} match{'es' if len(matches) != 1 else ''}")
    return status
