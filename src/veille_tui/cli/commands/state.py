"""`veille-tui state export|import`: read/starred state as JSON."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from veille_tui.cli.commands.common import refresh_index
from veille_tui.cli.output import err
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    if args.state_command == "export":
        data = lib.export_state()
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        if args.file:
            Path(args.file).write_text(text, encoding="utf-8")
            err(f"{len(data)} states written to {args.file}")
        else:
            sys.stdout.write(text)
        return 0
    try:
        records = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        err(f"veille-tui: {args.file}: cannot read state: {exc}")
        return 1
    if not isinstance(records, list):
        err(f"veille-tui: {args.file}: expected a JSON list of states")
        return 1
    refresh_index(lib)
    changed = lib.import_state(records)
    err(f"{changed} of {len(records)} states applied from {args.file}")
    return 0
