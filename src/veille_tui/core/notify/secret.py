"""A target's apprise URL: given in the config (owner-only), the first line of an owner-only file,
or the first line a command prints (run at each send, as the sync password's)."""

from __future__ import annotations

import subprocess

from veille_tui.core.errors import NotifyError
from veille_tui.core.models_notify import NotifyTarget
from veille_tui.core.secret_files import read_secret_line

COMMAND_TIMEOUT = 30.0


def target_url(target: NotifyTarget) -> str:
    """The URL of a target; NotifyError says why it cannot be had."""
    if target.url is not None:
        return target.url
    if target.url_file is not None:
        return read_secret_line(target.url_file, f"[[notify]] {target.label}: url_file", NotifyError)
    command = target.url_command or ""
    try:
        done = subprocess.run(
            ["/bin/sh", "-c", command], capture_output=True, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise NotifyError(f"{target.label}: url_command gave no URL in {COMMAND_TIMEOUT:.0f} s") from None
    except OSError as exc:
        raise NotifyError(f"{target.label}: url_command cannot be run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        raise NotifyError(f"{target.label}: url_command failed (exit {done.returncode})")
    first = done.stdout.decode("utf-8", "replace").splitlines()[:1]
    if not first or not first[0].strip():
        raise NotifyError(f"{target.label}: url_command printed no URL")
    return first[0].strip()
