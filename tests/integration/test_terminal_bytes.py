"""The compacting driver (tui/sgr.py, tui/driver.py) in a real terminal: the real app in tmux, with
Textual's own driver and with ours, the same keys; the screens tmux holds (with their colours and
attributes) must be the same, and ours must have been sent in fewer bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

CHILD = textwrap.dedent("""
    import sys
    from textual.app import App
    from veille_tui.tui import app as appmod
    if sys.argv[1] == "plain":  # Textual's own driver, as before
        appmod.VeilleApp.get_driver_class = lambda self: App.get_driver_class(self)
    from veille_tui.cli import main
    sys.argv = ["veille-tui", "--archive", sys.argv[2], "--offline"]
    raise SystemExit(main())
""")


def run(tmp: Path, mode: str, keys: list[str]) -> tuple[str, int]:
    """The pane after `keys` (with escapes), and the bytes the app wrote from its start."""
    session = f"veille-bytes-{mode}-{os.getpid()}-{id(tmp)}"
    child = tmp / "child.py"
    child.write_text(CHILD)
    stream = tmp / f"{mode}.out"
    command = f"{sys.executable} {child} {mode} {EXAMPLES}"
    tmux = ["tmux", "-L", session]
    subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", "120", "-y", "36", command], check=True)
    try:
        subprocess.run([*tmux, "pipe-pane", "-o", "-t", session, f"cat >> {stream}"], check=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pane = subprocess.run([*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True)
            if "entries" in pane.stdout:
                break
            time.sleep(0.2)
        time.sleep(1.5)
        for key in keys:
            subprocess.run([*tmux, "send-keys", "-t", session, key], check=True)
            time.sleep(0.5)
        time.sleep(1.0)
        pane = subprocess.run([*tmux, "capture-pane", "-e", "-p", "-t", session], capture_output=True, text=True)
        return pane.stdout, stream.stat().st_size
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def test_same_screen_fewer_bytes(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COLORTERM", "truecolor")
    keys = ["j", "j", "j", "k", "G", "g"]
    (tmp_path / "plain").mkdir()
    (tmp_path / "compact").mkdir()
    plain, plain_bytes = run(tmp_path / "plain", "plain", keys)
    compact, compact_bytes = run(tmp_path / "compact", "compact", keys)
    assert "entries" in plain
    assert compact == plain
    assert compact_bytes < plain_bytes * 0.85
