"""What the TUI's start does without: the parsers of every command (`tui_arguments` reads the
global options the full parser would), and the modules of what only later screens and keys need
(imported when first needed, after the first frame)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from veille_tui.cli.parser import build_parser, tui_arguments

ARGVS = [
    [],
    ["--offline"],
    ["--json"],
    ["--archive", "posts", "--offline"],
    ["--config=c.toml", "--theme", "veille-light"],
    ["--config", "a.toml", "--config", "b.toml"],
    ["--theme=high-contrast,veille-dark"],
    ["--config", ""],
    ["--archive="],
    ["--offline", "--offline", "--json", "--theme", "x"],
    # not a TUI start, or not spelt whole: the full parser's answer
    ["list"],
    ["--offline", "list", "+cve"],
    ["--off"],
    ["--arch", "posts"],
    ["--archive", "-x"],
    ["--archive"],
    ["--", "--offline"],
    ["--help"],
    ["-h"],
    ["--version"],
    ["fetch", "--json"],
    ["--unknown"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_tui_arguments_answer_as_the_full_parser(argv: list[str]) -> None:
    fast = tui_arguments(argv)
    if fast is None:
        return  # the full parser reads it, as before
    full, extras = build_parser().parse_known_args(argv)
    assert not extras
    assert vars(fast) == vars(full)


def test_tui_arguments_leave_commands_and_help_to_the_parser() -> None:
    for argv in (["list"], ["--help"], ["--version"], ["--off"], ["--archive", "-x"], ["--archive"]):
        assert tui_arguments(argv) is None, argv
    assert tui_arguments(["--archive", "p", "--offline"]) is not None


LATER = [
    "veille_tui.tui.screens.cves",
    "veille_tui.tui.screens.iocs",
    "veille_tui.tui.screens.draft",
    "veille_tui.tui.screens.reading",
    "veille_tui.tui.screens.parts.export",
    "veille_tui.tui.widgets.cve_table",
    "veille_tui.core.iocs.extract",
    "veille_tui.core.drafting",
    "veille_tui.tui.screens.dialogs",
    "veille_tui.tui.screens.feeds",
    "webbrowser",
    "csv",
    "hashlib",
]

# The main screen calls `veille_tui.tui.first_frame_out` once its first frame is out: what is
# imported then is what the first frame needed.
FIRST_FRAME = """
import asyncio, gc, sys
import veille_tui.tui
from veille_tui.core.library import Library
from veille_tui.tui.app import VeilleApp

seen = []
told = veille_tui.tui.first_frame_out
def first_frame_out():
    if not seen:
        seen.append(sorted(set(sys.argv[1:]) & set(sys.modules)))
    told()
veille_tui.tui.first_frame_out = first_frame_out

async def main():
    gc.disable()  # as run_tui does
    app = VeilleApp(Library.open(archive=None), offline=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "MainScreen", screen
        assert "entries" in str(screen.query_one("#status").render())
        for _ in range(100):
            if seen:
                break
            await pilot.pause(0.05)
        print("LOADED", seen)
        print("GC", gc.isenabled())

asyncio.run(main())
"""


def test_the_first_frame_imports_none_of_the_later_screens(tmp_path: Path) -> None:
    env = {
        "VEILLE_TUI_DATA_DIR": str(tmp_path / "data"),
        "VEILLE_TUI_CONFIG": str(tmp_path / "none.toml"),
        "VEILLE_TUI_INTEL": "off",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, *LATER], capture_output=True, text=True, timeout=120, env=env
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "LOADED [[]]" in out.stdout, out.stdout
    assert "GC True" in out.stdout, out.stdout  # the collector runs again once the frame is out
