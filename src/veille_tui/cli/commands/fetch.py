"""`veille-tui fetch [FEED...] [--watch]`: refresh the feeds; with --watch, print the entries that
newly match the watch list.

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
    if watch and not lib.settings.watch:
        err(f'veille-tui: no watch list (watch = ["..."] in {lib.settings.path}): --watch finds nothing')
    mark = lib.watch_mark() if watch else 0
    outcomes = run_fetch(lib, args.feeds, json_output=args.json, lines_to_stderr=watch)
    if args.feeds and not outcomes:
        err("veille-tui: no subscribed feed matches " + " ".join(args.feeds))
        return EXIT_FAILED
    failed = any(o.status == "error" for o in outcomes)
    if lib.sync_configured and not args.feeds:  # the team server too, at the end of a full fetch
        sync = lib.sync()
        err(sync.summary() if sync.ok else f"veille-tui: {sync.summary()}")
        failed = failed or not sync.ok
    if not watch:
        if args.json:
            emit_json([o.__dict__ for o in outcomes])
        return EXIT_FAILED if failed else 0
    _, matches = lib.watch_alerts(mark)
    # the status is the fetch's, whether the reader reads the matches to the end or not (`| head -3`)
    status = EXIT_WATCH if matches else EXIT_FAILED if failed else 0
    if args.json:
        print_lines([json.dumps([m.to_json() for m in matches], ensure_ascii=False, indent=1)])
    else:
        print_lines([watch_match_line(match) for match in matches])
    if matches:
        err(f"{len(matches)} new watch match{'es' if len(matches) != 1 else ''}")
    return status
