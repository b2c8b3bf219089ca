"""`veille-tui doctor [--repair] [--json]`: every check with how to fix what fails; exit 0 when all
hold, 1 otherwise. `--repair` first repairs a damaged database (core/doctor.py)."""

from __future__ import annotations

from argparse import Namespace
from typing import TYPE_CHECKING

from veille_tui.cli.output import emit_json, err
from veille_tui.core import config as config_mod
from veille_tui.core import paths
from veille_tui.core.errors import ConfigError
from veille_tui.core.library import Library

if TYPE_CHECKING:
    from veille_tui.core.doctor import Check, Repair
from veille_tui.core.text import clean_line


def open_library(args: Namespace) -> Library:
    """The doctor runs whatever the config holds: a config that cannot be read is its first finding,
    and the rest is checked with the built-in defaults."""
    try:
        return Library.open(config=args.config, archive=args.archive)
    except ConfigError as exc:
        args.config_error = str(exc)  # for run()
        settings = config_mod.Settings(path=paths.config_file(args.config))
        return Library(settings, config_mod.resolve_archive(args.archive, settings))


def run(args: Namespace, lib: Library) -> int:
    repaired: Repair | None = None
    if args.repair:
        repaired = lib.repair_database()
        if not args.json:
            _print_repair(repaired)
    checks = lib.doctor(getattr(args, "config_error", None))
    ok = all(c.ok for c in checks)
    if args.json:
        emit_json(
            {"ok": ok, "checks": [c.to_json() for c in checks], "repair": repaired.to_json() if repaired else None}
        )
    else:
        _print_checks(checks)
    return 0 if ok else 1


def _print_checks(checks: list[Check]) -> None:
    width = max(len(c.name) for c in checks)
    for c in checks:
        print(f"{'ok  ' if c.ok else 'FAIL'}  {c.name:<{width}}  {clean_line(c.detail)}")
        if c.fix and not c.ok:
            print(f"      {'':<{width}}  fix: {clean_line(c.fix)}")
    failed = sum(not c.ok for c in checks)
    print(f"{len(checks) - failed} of {len(checks)} checks hold" + (f", {failed} failed" if failed else ""))


def _print_repair(r: Repair) -> None:
    for line in r.lines():
        err(f"doctor: {line}")
