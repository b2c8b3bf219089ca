"""A target's apprise URL: given in the config (owner-only), the first line of an owner-only file,
or the first line a command prints (run at each send, as the sync password's)."""

from __future__ import annotations

from veille_tui.core.errors import NotifyError
from veille_tui.core.models_notify import NotifyTarget
from veille_tui.core.secret_files import read_secret_line, secret_from_command

COMMAND_TIMEOUT = 30.0


def target_url(target: NotifyTarget) -> str:
    """The URL of a target; NotifyError says why it cannot be had."""
    if target.url is not None:
        return target.url
    if target.url_file is not None:
        return read_secret_line(target.url_file, f"[[notify]] {target.label}: url_file", NotifyError)
    what = f"{target.label}: url_command"  # the command itself is not shown: it may hold the token
    return secret_from_command(target.url_command or "", what, "URL", NotifyError, COMMAND_TIMEOUT)
