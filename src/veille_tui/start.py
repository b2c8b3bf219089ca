"""The `veille-tui` command's entry point (and `python -m veille_tui`'s): the cyclic garbage
collector off before anything is imported, then the command line (veille_tui.cli).

Importing Textual and our modules and building the TUI's first screen allocate hundreds of
thousands of objects that live as long as the process; the collector would walk them again and
again (about a tenth of the TUI's start). A command turns it back on once its arguments are read
(cli `_main`), the TUI once its first frame is out (tui `first_frame_out`). Reference counting
frees as before meanwhile: only cycles wait, for a fraction of a second.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    try:
        from veille_tui.cli import main as cli_main

        return cli_main()
    finally:
        gc.enable()
