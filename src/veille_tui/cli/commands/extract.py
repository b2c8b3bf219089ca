"""`veille-tui extract ID|URL|FILE.html`: the main text of an article page as Markdown (an entry
id: its link fetched and the result stored with the entry)."""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from veille_tui.cli.output import emit_json, render_full_text
from veille_tui.core.library import Library


def run(args: Namespace, lib: Library) -> int:
    target: int | str | Path
    text = args.target.strip()
    if text.isdigit():
        target = int(text)
    elif "://" in text or text.lower().startswith(("http:", "https:")):
        target = text
    else:
        target = Path(text).expanduser()
    found = lib.extract(target)  # FullTextError: main prints it, exit 1
    if args.json:
        emit_json(found.to_json())
    else:
        print(render_full_text(found))
    return 0
