"""`veille-tui index`: (re)index the archive."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import NO_ARCHIVE, Library
from veille_tui.core.text import clean_line

SKIPPED_SHOWN = 10  # skipped files named on the terminal (all of them in --json)


def run(args: Namespace, lib: Library) -> int:
    if lib.archive is None:
        err(f"veille-tui: {NO_ARCHIVE}")
        return 2
    try:
        report = lib.index(parallel=True)
    except FileNotFoundError as exc:
        err(f"veille-tui: {exc}")
        return 2
    assert report is not None  # an archive is set
    if args.json:
        emit_json(report.to_json())
    else:
        print(
            f"{report.indexed} posts indexed ({report.unchanged} unchanged), {report.skipped} skipped, "
            f"{len(report.problems)} problems — {lib.archive} ({report.format})"
            + (f"; {report.drafts} draft{'s' if report.drafts != 1 else ''}" if report.drafts else "")
        )
        for file, reason in report.problems:
            print(f"  problem: {file}: {reason}")
        for file, reason in report.skipped_files[:SKIPPED_SHOWN]:
            print(f"  skipped: {clean_line(file)}: {clean_line(reason)}")
        if report.skipped > SKIPPED_SHOWN:
            print(f"  ... and {report.skipped - SKIPPED_SHOWN} more skipped (`veille-tui index --json` lists them all)")
    return 0
