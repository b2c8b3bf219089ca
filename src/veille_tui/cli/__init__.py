"""Command line: parse, open the library, dispatch to the sub-command, turn errors into exit codes.

The command line never imports Textual, except through the lazy TUI entry below (and `themes`,
which validates themes with Textual's own classes): `index` and `list` start fast.
"""

from __future__ import annotations

import gc
import sqlite3
import sys

from veille_tui.cli.logfile import log_to_file, unexpected
from veille_tui.cli.output import err, reader_gone
from veille_tui.cli.parser import build_parser, tui_arguments
from veille_tui.core.errors import VeilleError, explain_database_error


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # outside a command (starting, parsing the arguments)
        err("veille-tui: interrupted")
        return 130


def _main(argv: list[str] | None) -> int:
    args = tui_arguments(sys.argv[1:] if argv is None else argv)  # the TUI's start: no parser to build
    if args is None:
        parser = build_parser()
        args, extras = parser.parse_known_args(argv)
        if extras:
            # `list +cve -krebs`: a '-tag' term looks like an option to argparse; give it back to the query
            if args.command in ("list", "cves") and not any(e.startswith("--") for e in extras):
                args.query = [*args.query, *extras]
            else:
                parser.error("unrecognized arguments: " + " ".join(extras))
    from veille_tui.core.library import Library

    if args.command is not None:
        gc.enable()  # off since the start (veille_tui/start.py); the TUI turns it on after its first frame
    log_to_file()
    lib: Library | None = None
    try:
        if args.command is None:
            # the lazy TUI entry: Textual is imported only here
            from veille_tui.tui import run_tui

            return run_tui(args)
        from veille_tui.cli.commands import dispatch, open_library

        lib = open_library(args)
        return dispatch(args, lib)
    except VeilleError as exc:
        err(f"veille-tui: {exc}")
        return exc.exit_code
    except sqlite3.DatabaseError as exc:  # damaged after it was opened, or busy past the timeout
        from veille_tui.core.paths import database_file

        err(f"veille-tui: {explain_database_error(lib.db_path if lib else database_file(), exc)}")
        return 2
    except KeyboardInterrupt:
        err("veille-tui: interrupted")
        return 130
    except BrokenPipeError:  # the reader of stdout went away (`| head`): nothing more to say
        reader_gone()
        return 0
    except Exception as exc:  # a bug, or a failure nobody foresaw: one line, the rest in the log
        what = args.command or "the TUI"
        if args.command in ("feeds", "state"):
            what = f"{args.command} {getattr(args, f'{args.command}_command', '')}".strip()
        err(unexpected(what, exc))
        return 1
    finally:
        if lib is not None:
            lib.close()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
