"""`veille-tui sync`: one sync with the team server of [sync]."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    outcome = lib.sync()
    if args.json:
        emit_json(outcome.__dict__)
    err(outcome.summary() if outcome.ok else f"veille-tui: {outcome.summary()}")
    return 0 if outcome.ok else 1
