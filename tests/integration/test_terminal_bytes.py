"""The driver (tui/cells.py, tui/sgr.py, tui/driver.py) in a real terminal: the real app twice in
tmux side by side, once with Textual's own driver and once with ours, given the same keys; after
each step the screens tmux holds and the cursor must be the same, and ours must have been sent in
fewer bytes. The screens are compared as a person sees them: every character with its colours and
attributes, except that a space shows only its background (and its colour under reverse, underline
or strike): ours writes a space in whatever colour is in force, and erases runs of spaces (ECH,
TERM=xterm-256color has bce). The steps cover cursor moves with the article following, jumps, a
screen switch, two resizes, a suspend for an editor that scribbles on the terminal, and a post with
wide characters, emoji, a combining accent, styles and links."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES, run_cli
from tests.unit.test_cells import Cell, Terminal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

CHILD = textwrap.dedent("""
    import subprocess, sys
    from textual.app import App
    from veille_tui.tui import app as appmod
    if sys.argv[1] == "plain":  # Textual's own driver
        appmod.VeilleApp.get_driver_class = lambda self: App.get_driver_class(self)

    def editor(self):  # as `e` runs $EDITOR on a draft: the app suspended, the terminal scribbled on
        scribble = "print('\\\\x1b[2J\\\\x1b[3;3H' + 'in the editor ' * 30)"
        with self.suspend():
            subprocess.run([sys.executable, "-c", scribble], check=False)

    appmod.VeilleApp.action_change_theme = editor  # on T
    from veille_tui.cli import main
    sys.argv = ["veille-tui", "--archive", sys.argv[2], "--offline"]
    raise SystemExit(main())
""")

WIDE_POST = """\
---
title: 'Wide 中文 😀 résumé: e\u0301 and ☀ in a title'
date: 2026-12-01
tags:
- veille-cyber
---
### 漢字 and emoji 🔐🛡️ in a heading

Some **bold**, *italic* and `code`, a [link](https://example.org/a) and 中文字符 in a paragraph,
with a combining e\u0301 and a flag 🇫🇷 and a family 👨‍👩‍👧 and a check ✓ and an arrow → in it.

| 列 | column |
| --- | --- |
| 値 😀 | value |
"""


class Pane:
    """One app in its own tmux server; what it wrote is kept in a file."""

    def __init__(self, tmp: Path, mode: str, archive: Path) -> None:
        self.tmux = ["tmux", "-L", f"veille-bytes-{mode}-{os.getpid()}"]
        self.stream = tmp / f"{mode}.out"
        child = tmp / "child.py"
        child.write_text(CHILD)
        env = {"VEILLE_TUI_DATA_DIR": str(tmp / mode / "data"), "VEILLE_TUI_CONFIG": str(tmp / mode / "config.toml")}
        env["TERM"] = "xterm-256color"  # its terminfo has bce and ech: runs of spaces are erased
        run_cli("--archive", str(archive), "index", env=env)  # indexed before: no indexing at start
        assignments = " ".join(f"{name}={value}" for name, value in env.items())
        command = f"env {assignments} {sys.executable} {child} {mode} {archive}"
        self.run("new-session", "-d", "-s", "app", "-x", "120", "-y", "36", command)
        self.run("pipe-pane", "-o", "-t", "app", f"cat >> {self.stream}")

    def run(self, *args: str) -> str:
        done = subprocess.run([*self.tmux, *args], check=True, capture_output=True, text=True)
        return done.stdout

    def screen(self) -> tuple[str, dict[tuple[int, int], Cell]]:
        """Where the cursor is, the size, and the cells a person sees (tmux's own capture, played on
        the terminal model of tests/unit/test_cells.py: a space's colour shows only as background)."""
        where = self.run(
            "display-message", "-p", "-t", "app", "#{cursor_x},#{cursor_y} #{window_width}x#{window_height}"
        )
        size = where.split()[1].split("x")
        terminal = Terminal(int(size[0]), int(size[1]))
        # -N: trailing spaces kept (tmux drops some of them, depending on how they were written)
        lines = self.run("capture-pane", "-e", "-N", "-p", "-t", "app").split("\n")
        for row, line in enumerate(lines[: terminal.rows]):
            terminal.feed(f"\x1b[{row + 1};1H{line}")
        return where, terminal.screen()

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


def settled(panes: list[Pane], timeout: float = 60.0) -> list[tuple[str, dict[tuple[int, int], Cell]]]:
    """The panes' screens once they are the same and have not changed for five polls (or the last
    ones seen, at the timeout)."""
    deadline = time.monotonic() + timeout
    seen: list[list[tuple[str, dict[tuple[int, int], Cell]]]] = []
    while time.monotonic() < deadline:
        screens = [pane.screen() for pane in panes]
        seen = [*seen[-4:], screens]
        if len(seen) == 5 and all(s == screens for s in seen) and screens[0] == screens[1]:
            return screens
        time.sleep(0.1)
    return seen[-1]


def test_same_screens_fewer_bytes(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COLORTERM", "truecolor")
    archive = tmp_path / "_posts"
    shutil.copytree(EXAMPLES, archive)
    (archive / "2026-12-01-wide.md").write_text(WIDE_POST, encoding="utf-8")
    panes = [Pane(tmp_path, "plain", archive), Pane(tmp_path, "compact", archive)]
    steps: list[tuple[str, ...]] = [
        ("start",),
        ("key", "j"),
        ("key", "j"),
        ("key", "k"),
        ("key", "k"),  # back on the post with wide characters
        ("key", "j"),
        ("key", "G"),
        ("key", "g"),
        ("key", "Enter"),  # the article's own screen, and back
        ("key", "Escape"),
        ("resize", "100", "30"),
        ("key", "j"),
        ("resize", "132", "40"),
        ("key", "j"),
        ("key", "T"),  # suspended for an editor, then back
        ("key", "k"),
    ]
    try:
        deadline = time.monotonic() + 60
        while not all("entries" in pane.run("capture-pane", "-p", "-t", "app") for pane in panes):
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.2)
            time.sleep(0.2)
        for step in steps:
            for pane in panes:
                if step[0] == "key":
                    pane.run("send-keys", "-t", "app", step[1])
                elif step[0] == "resize":
                    pane.run("resize-window", "-t", "app", "-x", step[1], "-y", step[2])
            plain, compact = settled(panes)
            assert "entries" in "".join(cell[0] for cell in plain[1].values()), step
            assert compact == plain, step
        sent = [pane.stream.stat().st_size for pane in panes]
    finally:
        for pane in panes:
            pane.close()
    assert sent[1] < sent[0] * 0.7, sent
