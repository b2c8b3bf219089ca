"""`veille-tui tags`: every tag with its count of entries."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.commands.common import refresh_index
from veille_tui.cli.output import emit_json
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    refresh_index(lib)
    counts = lib.tag_counts()
    if args.json:
        emit_json(counts)
    else:
        width = max((len(t) for t in counts), default=0)
        for tag, count in counts.items():
            print(f"{tag:<{width}}  {count:>6}")
    return 0
