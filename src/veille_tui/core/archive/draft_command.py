"""The `[draft] command`: a program (a summariser, an LLM client, a script) given the article as
Markdown on stdin and VEILLE_TITLE, VEILLE_LINK, VEILLE_SOURCE in its environment; its stdout is
the draft's body.

It runs through `/bin/sh -c` (the config is the user's own: a pipe or a one-liner works), in a
session of its own so that a timeout or a cancel kills it and whatever it started. Its output is
untrusted: read up to a cap (a longer one is cut there, and the cut said), control characters and
escape sequences removed. A non-zero exit, a timeout or an empty output is a DraftCommandError
carrying its stderr (cleaned, capped)."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from typing import IO, NamedTuple

from veille_tui.core.errors import DraftError
from veille_tui.core.text import clean, clean_line

MAX_OUTPUT = 512 * 1024  # bytes of stdout read: a body longer than this is cut
MAX_STDERR = 600  # characters of stderr told
POLL = 0.05  # seconds between two looks at the process


class Output(NamedTuple):
    """The draft's body, and what to tell of it (its output cut at MAX_OUTPUT), or None."""

    body: str
    cut: str | None = None


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    return f"{n / 1024:.0f} KiB" if n >= 1024 else f"{n} bytes"


class DraftCommandError(DraftError):
    """The draft command failed (exit status, timeout, empty output, cancelled); nothing written."""


class DraftCancelled(DraftCommandError):
    """The draft command was cancelled (escape in the form)."""


def _tail(handle: IO[bytes]) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - 16 * 1024))
    text = clean(handle.read().decode("utf-8", "replace")).strip()
    lines = [clean_line(line) for line in text.splitlines() if line.strip()]
    told = " | ".join(lines[-6:])
    return told if len(told) <= MAX_STDERR else "…" + told[-(MAX_STDERR - 1) :]


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _feed(process: subprocess.Popen[bytes], data: bytes) -> None:
    assert process.stdin is not None
    try:
        process.stdin.write(data)
    except (BrokenPipeError, OSError):  # the command need not read all of it
        pass
    finally:
        try:
            process.stdin.close()
        except OSError:
            pass


def run(
    command: str,
    article: str,
    env: Mapping[str, str],
    timeout: float,
    cancelled: Callable[[], bool] = lambda: False,
) -> Output:
    """The body the command writes for this article (Markdown, cleaned), and whether it was cut;
    raises DraftCommandError. `cancelled` is asked every few milliseconds: True kills the command."""
    name = clean_line(command)[:80]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(
                ["/bin/sh", "-c", command],
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=err,
                env={**os.environ, **env},
                start_new_session=True,
            )
        except OSError as exc:
            raise DraftCommandError(f"draft command {name!r}: cannot start it: {exc.strerror or exc}") from None
        feeder = threading.Thread(target=_feed, args=(process, article.encode("utf-8")), daemon=True)
        feeder.start()
        deadline = time.monotonic() + timeout
        runaway = False  # more output than a body needs: killed, the head kept
        try:
            while process.poll() is None:
                if cancelled():
                    _kill(process)
                    raise DraftCancelled(f"draft command {name!r}: cancelled")
                if time.monotonic() > deadline:
                    _kill(process)
                    raise DraftCommandError(
                        f"draft command {name!r}: no answer after {timeout:g} s ([draft] timeout); killed"
                        + (f"; it said: {told}" if (told := _tail(err)) else "")
                    )
                if os.fstat(out.fileno()).st_size > MAX_OUTPUT:
                    _kill(process)
                    runaway = True
                    break
                time.sleep(POLL)
        finally:
            if process.poll() is None:
                _kill(process)
            feeder.join(timeout=1)
        status = process.returncode
        if status != 0 and not runaway:
            told = _tail(err)
            raise DraftCommandError(
                f"draft command {name!r} failed (exit status {status})" + (f": {told}" if told else "; it said nothing")
            )
        written = os.fstat(out.fileno()).st_size
        out.seek(0)
        head = out.read(MAX_OUTPUT)
        cut = None
        if written > MAX_OUTPUT:
            head = head.decode("utf-8", "ignore").encode("utf-8")  # not a character cut in two
            how = f"more than {_size(written)}: stopped" if runaway else f"{_size(written)}"
            cut = (
                f"draft command {name!r} wrote {how}; the draft keeps its first {_size(MAX_OUTPUT)}"
                f" ({'at least ' if runaway else ''}{_size(written - MAX_OUTPUT)} cut)"
            )
        body = clean(head.decode("utf-8", "replace")).strip()
        if not body:
            told = _tail(err)
            raise DraftCommandError(
                f"draft command {name!r} wrote nothing on its output" + (f": {told}" if told else "")
            )
        return Output(body, cut)
