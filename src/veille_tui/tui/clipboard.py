"""Whether a copy (OSC 52, `App.copy_to_clipboard`) can reach the clipboard.

The terminal is never asked (nothing answers an OSC 52 write), but inside tmux the answer is
known: tmux passes an application's OSC 52 on only with `set-clipboard on` (its default,
`external`, and `off` drop it). Asked at each copy (a few milliseconds), so that turning it on
while veille-tui runs is seen at once.
"""

from __future__ import annotations

import os
import subprocess


def tmux_set_clipboard() -> str | None:
    """tmux's `set-clipboard` option ("on", "external", "off"), None outside tmux or when tmux
    cannot be asked."""
    if not os.environ.get("TMUX"):
        return None
    try:
        done = subprocess.run(
            ["tmux", "show-options", "-gv", "set-clipboard"],
            capture_output=True,
            text=True,
            timeout=1.0,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = done.stdout.strip()
    return value if done.returncode == 0 and value else None


SENT = "Sent to the terminal (OSC 52)"  # whether the terminal copies it, nothing tells


def clipboard_problem(setting: str | None = None) -> str | None:
    """Why a copy will not reach the clipboard, with how to fix it (None: no known reason)."""
    if setting is None or setting == "on":
        return None
    # one line at 80 columns: the link below it takes the notification's other two
    return f"Not copied (tmux set-clipboard is {setting}): tmux set -g set-clipboard on"


def copy_told() -> tuple[str, bool]:
    """What to say of a copy just written (OSC 52), and whether it is a warning. The terminal
    never answers: only tmux's own buffer is known to have it (set-clipboard on); otherwise
    (outside tmux, or in a tmux on the other side of SSH) it was sent, no more."""
    setting = tmux_set_clipboard()
    problem = clipboard_problem(setting)
    if problem is not None:
        return problem, True
    if setting == "on":
        return f"In tmux's buffer; {SENT[0].lower()}{SENT[1:]}", False
    return SENT, False
