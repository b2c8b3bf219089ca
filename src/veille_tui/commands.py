"""The sub-commands. Data goes to stdout (one JSON document with --json); messages to stderr."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from veille_tui.cli import emit_json, err
from veille_tui.core.library import NO_ARCHIVE, DraftError, Library
from veille_tui.core.models import Entry
from veille_tui.core.text import clean, clean_line


def dispatch(args: Namespace) -> int:
    handler = {
        "index": cmd_index, "tags": cmd_tags, "list": cmd_list, "show": cmd_show, "archive": cmd_archive,
        "fetch": cmd_fetch, "feeds": cmd_feeds, "themes": cmd_themes, "state": cmd_state,
    }[args.command]
    return handler(args)


def _open(args: Namespace) -> Library:
    return Library.open(config=args.config, archive=args.archive)


def _quiet_index(lib: Library) -> None:
    """Bring the index up to date before answering (cheap when nothing changed)."""
    try:
        report = lib.index(parallel=True)
    except FileNotFoundError as exc:
        err(f"veille-tui: {exc}")
        return
    if report and report.problems:
        err(f"veille-tui: {len(report.problems)} archive file(s) could not be read; `veille-tui index` lists them")


def cmd_index(args: Namespace) -> int:
    lib = _open(args)
    if lib.archive is None:
        err(f"veille-tui: {NO_ARCHIVE}")
        return 2
    try:
        report = lib.index(parallel=True)
    except FileNotFoundError as exc:
        err(f"veille-tui: {exc}")
        return 2
    if args.json:
        emit_json(report.to_json())
    else:
        print(f"{report.indexed} posts indexed ({report.unchanged} unchanged), {report.skipped} skipped, "
              f"{len(report.problems)} problems — {lib.archive}")
        for file, reason in report.problems:
            print(f"  problem: {file}: {reason}")
    return 0


def cmd_tags(args: Namespace) -> int:
    lib = _open(args)
    _quiet_index(lib)
    counts = lib.store.tag_counts()
    if args.json:
        emit_json(counts)
    else:
        width = max((len(t) for t in counts), default=0)
        for tag, count in counts.items():
            print(f"{tag:<{width}}  {count:>6}")
    return 0


def _row(entry: Entry) -> str:
    marks = ("N" if not entry.read else " ") + ("*" if entry.starred else " ") + ("A" if entry.archived else " ")
    cves = f" [{len(entry.cves)} CVE]" if entry.cves else ""
    return f"{entry.id:>6} {marks} {entry.date[:10]}  {entry.source[:14]:<14} {entry.title}{cves}"


def cmd_list(args: Namespace) -> int:
    lib = _open(args)
    _quiet_index(lib)
    query = " ".join(args.query)
    entries = lib.store.entries(query, limit=max(args.limit, 0))
    if args.json:
        emit_json([e.to_json() for e in entries])
    else:
        for entry in entries:
            print(_row(entry))
        total = lib.store.count(query)
        if total > len(entries):
            err(f"({len(entries)} of {total} shown; --limit 0 for all)")
    return 0


def render_plain(entry: Entry) -> str:
    from veille_tui.core.text import strip_attribute_lists

    lines = [
        clean_line(entry.title),
        f"{entry.date}  {entry.source}  {'archived' if entry.archived else 'not archived'}",
        "tags: " + " ".join(entry.tags),
    ]
    if entry.link:
        lines.append(f"link: {clean_line(entry.link)}")
    if entry.feeds:
        lines.append("feeds: " + ", ".join(entry.feeds))
    if entry.cves:
        lines.append("CVEs: " + " ".join(entry.cves))
    lines += ["", clean(strip_attribute_lists(entry.body or "")).strip()]
    return "\n".join(lines)


def cmd_show(args: Namespace) -> int:
    lib = _open(args)
    entry = lib.store.entry(args.id)
    if entry is None:
        err(f"veille-tui: no entry with id {args.id} (ids are in `veille-tui list`)")
        return 1
    if args.json:
        emit_json(entry.to_json())
    else:
        print(render_plain(entry))
    return 0


def cmd_archive(args: Namespace) -> int:
    lib = _open(args)
    try:
        path = lib.write_draft(args.id, args.tag)
    except DraftError as exc:
        err(f"veille-tui: {exc}")
        return 1
    if args.json:
        emit_json({"path": str(path), "id": args.id})
    else:
        print(path)
    return 0


def cmd_fetch(args: Namespace) -> int:
    lib = _open(args)
    from veille_tui.fetch_progress import run_fetch

    outcomes = run_fetch(lib, args.feeds, json_output=args.json)
    if args.feeds and not outcomes:
        err("veille-tui: no subscribed feed matches " + " ".join(args.feeds))
        return 1
    if args.json:
        emit_json([o.__dict__ for o in outcomes])
    return 1 if any(o.status == "error" for o in outcomes) else 0


def cmd_feeds(args: Namespace) -> int:
    from veille_tui import feeds_cli

    return feeds_cli.run(args)


def cmd_themes(args: Namespace) -> int:
    from veille_tui.core import paths

    try:
        from veille_tui.themes import discover_themes
    except ImportError as exc:  # pragma: no cover
        err(f"veille-tui: themes unavailable: {exc}")
        return 1
    config_path = paths.config_file(args.config)
    themes, errors = discover_themes(config_path.parent)
    if args.json:
        emit_json({
            "themes": [{"name": name, "origin": origin, "file": str(path)} for name, (_t, path, origin) in sorted(themes.items())],
            "errors": [str(e) for e in errors],
        })
    else:
        for name, (_theme, path, origin) in sorted(themes.items()):
            print(f"{name:<20} {origin:<8} {path}")
        for error in errors:
            err(f"veille-tui: {error}")
    return 0


def cmd_state(args: Namespace) -> int:
    lib = _open(args)
    if args.state_command == "export":
        data = lib.store.export_state()
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
    _quiet_index(lib)
    changed = lib.store.import_state(records)
    err(f"{changed} of {len(records)} states applied from {args.file}")
    return 0
