"""`veille-tui notify test`: a test message to every [[notify]] target, and what each answered.

Exit status: 0 every target took it, 1 one failed (or there is none)."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import Library
from veille_tui.core.text import clean_line


def run(args: Namespace, lib: Library) -> int:
    if not lib.settings.notify:
        err(f'veille-tui: no [[notify]] target in {lib.settings.path} (url = "ntfy://ntfy.sh/TOPIC")')
        return 1
    outcomes = lib.notify_test()
    if getattr(args, "json", False):
        emit_json([o.to_json() for o in outcomes])
    else:
        for told in outcomes:
            print(f"{clean_line(told.target)}\t{'ok' if told.ok else 'FAILED'}\t{clean_line(told.detail)}")
    return 0 if all(o.ok for o in outcomes) else 1
