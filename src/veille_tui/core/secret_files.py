"""Files that hold a secret (a password in the config, [sync] password_file, a notification's URL
file): used only when nobody but their owner can read or write them, as ssh does with its keys.
A file that others can read is refused, naming it and the `chmod 600` that fixes it."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from veille_tui.core.errors import VeilleError

MAX_SECRET = 64 * 1024  # a secret file is a line: more is not one


def exposed(path: Path, mode: int | None = None) -> str | None:
    """Why a secret in `path` is not safe there (others can read or write it), None when it is (or
    on a system without POSIX modes). `mode`: its st_mode when already known; else the file is
    looked at (OSError when it cannot be)."""
    if os.name == "nt":
        return None
    if mode is None:
        mode = path.stat().st_mode
    if mode & 0o077:
        return f"others can read it (mode {stat.S_IMODE(mode):o}): `chmod 600 {path}`"
    return None


def check_owner_only(path: Path, what: str, error: type[VeilleError]) -> None:
    """Raise `error` when others can read the file; `what` names the setting ("[sync] password_file")."""
    try:
        problem = exposed(path)
    except OSError as exc:
        raise error(f"{what} {path}: cannot check its permissions: {exc.strerror or exc}") from None
    if problem:
        raise error(f"{what} {path}: {problem}")


def read_secret_line(path: Path, what: str, error: type[VeilleError]) -> str:
    """The first line of an owner-only file, stripped; `error` says what is wrong (others can read
    it, it cannot be read, its first line is empty), naming `what` and the file. The mode checked is
    that of the file opened (not of a name that may change in between)."""
    try:
        with path.open("rb") as handle:
            problem = exposed(path, os.fstat(handle.fileno()).st_mode)
            data = b"" if problem else handle.read(MAX_SECRET)
        line = data.decode("utf-8-sig").splitlines()[:1]
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise error(f"{what} {path}: cannot read it: {reason}") from None
    if problem:
        raise error(f"{what} {path}: {problem}")
    if not line or not line[0].strip():
        raise error(f"{what} {path}: its first line is empty")
    return line[0].strip()


def secret_from_command(command: str, what: str, noun: str, error: type[VeilleError], timeout: float) -> str:
    """The first line a command prints (`password_command`, `url_command`: a password manager, a
    vault), run without standard input and killed after `timeout`; `error` says why there is none.
    `what` names the setting in each message ("[sync] password_command: pass show x"), `noun` what
    it should print ("password", "URL")."""
    try:
        done = subprocess.run(
            ["/bin/sh", "-c", command], capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise error(f"{what}: gave no {noun} in {timeout:.0f} s") from None
    except OSError as exc:
        raise error(f"{what}: cannot be run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        raise error(f"{what}: failed (exit {done.returncode})")
    first = done.stdout.decode("utf-8", "replace").splitlines()[:1]
    if not first or not first[0].strip():
        raise error(f"{what}: printed no {noun}")
    return first[0].strip()
