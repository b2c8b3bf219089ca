"""`veille-tui themes`: the available themes and where each comes from."""

from __future__ import annotations

from argparse import Namespace

from veille_tui.cli.output import emit_json, err
from veille_tui.core import paths
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    # a theme is validated by Textual's own Theme and Color: the one command that imports the TUI
    from veille_tui.tui.themes import discover_themes

    config_path = paths.config_file(args.config)
    themes, errors = discover_themes(config_path.parent)
    if args.json:
        emit_json(
            {
                "themes": [
                    {"name": name, "origin": origin, "file": str(path)}
                    for name, (_t, path, origin) in sorted(themes.items())
                ],
                "errors": [str(e) for e in errors],
            }
        )
    else:
        for name, (_theme, path, origin) in sorted(themes.items()):
            print(f"{name:<20} {origin:<8} {path}")
        for error in errors:
            err(f"veille-tui: {error}")
    return 0
