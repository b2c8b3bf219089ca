"""`veille-tui` without a sub-command: open the library, run the app, return the exit status."""

from __future__ import annotations

from argparse import Namespace


def run_tui(args: Namespace) -> int:
    from veille_tui.core.library import Library

    lib = Library.open(config=getattr(args, "config", None), archive=getattr(args, "archive", None))
    try:
        from veille_tui.app import VeilleApp

        app = VeilleApp(lib, offline=bool(getattr(args, "offline", False)), cli_theme=getattr(args, "theme", None))
        app.run()
    finally:
        lib.close()
    return app.return_code or 0
