"""What several commands share."""

from __future__ import annotations

from veille_tui.cli.output import err
from veille_tui.core.library import Library


def refresh_index(lib: Library) -> None:
    """Bring the index up to date before answering (cheap when nothing changed)."""
    try:
        report = lib.index(parallel=True)
    except FileNotFoundError as exc:
        err(f"veille-tui: {exc}")
        return
    if report and report.problems:
        err(f"veille-tui: {len(report.problems)} archive file(s) could not be read; `veille-tui index` lists them")
