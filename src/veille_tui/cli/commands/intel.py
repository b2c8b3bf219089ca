"""`veille-tui intel update | import FILE | status`: the KEV catalogue and the EPSS scores."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from veille_tui.cli.output import emit_json, intel_status_lines
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    action = args.intel_command
    if action == "status":
        statuses = lib.intel_status()
        if args.json:
            emit_json({"enabled": lib.settings.intel.enabled, "sources": [s.to_json() for s in statuses]})
        else:
            for line in intel_status_lines(statuses, lib.settings.intel.enabled):
                print(line)
        return 0
    if action == "import":
        outcomes = [lib.import_intel(Path(args.file))]  # a bad file: IntelError, reported by main
    else:
        outcomes = lib.update_intel()
    if args.json:
        emit_json([o.to_json() for o in outcomes])
    else:
        for outcome in outcomes:
            print(outcome.describe())
    return 1 if any(o.status == "error" for o in outcomes) else 0
