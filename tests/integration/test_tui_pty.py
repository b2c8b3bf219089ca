"""`veille-tui` in a real terminal (a pty), as a user starts it, on a damaged database (issue 26,
item 1): the recovery text and the repair offered on the screen, `r` repairs, `enter` opens the
main screen, `q` quits; or `q` at once leaves the text in the terminal, exit 2. Never a
"Traceback" anywhere in what the terminal received."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

import pytest
from tests.conftest import EXAMPLES, run_cli

from veille_tui.core.paths import database_file

ESCAPES = re.compile(rb"\x1b\[[0-9;?<>]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


class Terminal:
    """A child process on a pty of 110x36; what it printed, escapes removed, as it comes."""

    def __init__(self, *args: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.execv(sys.executable, [sys.executable, "-m", "veille_tui", *args])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 110, 0, 0))
        os.kill(self.pid, signal.SIGWINCH)
        self.raw = b""
        self.status: int | None = None

    def text(self) -> str:
        return " ".join(ESCAPES.sub(b" ", self.raw).decode("utf-8", "replace").split())

    def packed(self) -> str:
        """The text without spaces and box lines: what the screen wrapped inside its border."""
        return re.sub(r"[\s\u2500-\u257f\u2580-\u259f]", "", self.text())

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.raw += data
        return bool(data)

    def wait_for(self, words: str, timeout: float = 60) -> None:
        start = len(self.raw)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tail = " ".join(ESCAPES.sub(b" ", self.raw[max(0, start - 2000) :]).decode("utf-8", "replace").split())
            if words in tail:
                return
            if not self._read(0.2):
                break
        raise AssertionError(f"{words!r} never shown; the terminal had: {self.text()[-3000:]}")

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def end(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.2):
            pass
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("the TUI did not exit")


@pytest.fixture
def damaged(monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    run_cli("--archive", str(EXAMPLES), "index")
    path = database_file()
    raw = path.read_bytes()
    path.write_bytes(raw[:100] + bytes(range(256)) * (len(raw) // 256))  # a good header, garbage after
    return path


def test_damaged_database_in_a_real_terminal_quit(damaged) -> None:
    term = Terminal("--archive", str(EXAMPLES), "--offline")
    term.wait_for("r: repair now")
    assert "thedatabaseisdamaged" in term.packed() and str(damaged) in term.packed()
    term.send(b"q")
    assert term.end() == 2
    said = term.text()
    assert "Traceback" not in said and "locals" not in said
    assert said.rstrip().endswith("can salvage what the file holds).")  # the text left in the terminal


def test_damaged_database_in_a_real_terminal_repaired(damaged) -> None:
    term = Terminal("--archive", str(EXAMPLES), "--offline")
    term.wait_for("r: repair now")
    term.send(b"r")
    term.wait_for("enter: open veille-tui")
    term.send(b"\r")
    term.wait_for("24 entries")
    term.send(b"q")
    assert term.end() == 0
    assert "Traceback" not in term.text()
    assert list(damaged.parent.glob(f"{damaged.name}.damaged-*"))
