"""The sub-commands, one module each: `run(args, lib) -> int`, the exit status.

A new sub-command: a module here with `run`, its arguments in `cli/parser.py`, its name below.
"""

from __future__ import annotations

import importlib
from argparse import Namespace
from collections.abc import Callable
from types import ModuleType

from veille_tui.core.library import Library

COMMANDS = (
    "index",
    "tags",
    "list",
    "show",
    "archive",
    "publish",
    "fetch",
    "feeds",
    "themes",
    "state",
    "cves",
    "iocs",
    "export",
    "intel",
    "digest",
    "doctor",
    "sync",
    "mark",
    "rules",
    "extract",
    "assets",
    "notify",
)


def _module(args: Namespace) -> ModuleType:
    return importlib.import_module(f"veille_tui.cli.commands.{args.command}")


def open_library(args: Namespace) -> Library:
    """The library a command runs on. A command that writes the config file may be given one that
    does not exist yet: its module says so with `config_required(args) -> bool`. A command that must
    run whatever the config holds (`doctor`) opens its own: `open_library(args) -> Library`."""
    own: Callable[[Namespace], Library] | None = getattr(_module(args), "open_library", None)
    if own is not None:
        return own(args)
    required: Callable[[Namespace], bool] = getattr(_module(args), "config_required", lambda _args: True)
    return Library.open(config=args.config, archive=args.archive, config_must_exist=required(args))


def dispatch(args: Namespace, lib: Library) -> int:
    run: Callable[[Namespace, Library], int] = _module(args).run
    return run(args, lib)
