"""`veille-tui digest [QUERY] [--since 7d] [-o FILE]`: the matching entries of the period as
Markdown (or JSON), by tag, clusters folded, with their CVE ids (KEV, EPSS)."""

from __future__ import annotations

import os
import sys
import tempfile
from argparse import Namespace
from pathlib import Path

from veille_tui.cli.commands.common import refresh_index
from veille_tui.cli.output import emit_json, err
from veille_tui.core.library import Library


def write_atomically(path: Path, text: str) -> None:
    """The whole text or nothing: written beside the target, then moved over it."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: Namespace, lib: Library) -> int:
    refresh_index(lib)
    digest = lib.digest(" ".join(args.query), since=args.since)
    if args.json:
        import json

        text = json.dumps(digest.to_json(), ensure_ascii=False, indent=1) + "\n"
    else:
        text = digest.markdown()
    if args.output is None:
        if args.json:
            emit_json(digest.to_json())
        else:
            sys.stdout.write(text)
        return 0
    target = Path(args.output)
    try:
        write_atomically(target, text)
    except OSError as exc:
        err(f"veille-tui: {target}: cannot write the digest: {exc.strerror or exc}")
        return 1
    err(f"{target}: {digest.entries} entries in {digest.stories} stories, {len(digest.sections)} sections")
    return 0
