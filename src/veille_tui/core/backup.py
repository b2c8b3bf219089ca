"""Daily backups of the read/starred state, beside the database: `state-YYYY-MM-DD.json` (the
records of `state export`), written atomically by the first command (or TUI start) of the day
that opens the database, the last `KEEP` kept. `doctor --repair` restores the newest one."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from veille_tui.core.errors import VeilleError

log = logging.getLogger(__name__)

KEEP = 7
_NAME = re.compile(r"^state-(\d{4}-\d{2}-\d{2})\.json$")


class BackupError(VeilleError):
    """A backup file cannot be read."""


def path_for(folder: Path, day: date) -> Path:
    return folder / f"state-{day.isoformat()}.json"


def backups(folder: Path) -> list[Path]:
    """The backup files of the folder, newest first."""
    try:
        names = [name for name in os.listdir(folder) if _NAME.match(name)]
    except OSError:
        return []
    return [folder / name for name in sorted(names, reverse=True)]


def newest(folder: Path) -> Path | None:
    found = backups(folder)
    return found[0] if found else None


def write(folder: Path, records: list[dict[str, Any]], day: date, keep: int = KEEP) -> Path:
    """Write the day's backup atomically (a temporary file renamed over it), then keep the newest."""
    target = path_for(folder, day)
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    # one record a line: readable, and written by the C encoder (indent= would be the slow Python one)
    data = "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n"
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    for old in backups(folder)[keep:]:
        try:
            old.unlink()
        except OSError:
            pass
    return target


def daily(folder: Path, export: Callable[[], list[dict[str, Any]]], today: date | None = None) -> Path | None:
    """Today's backup when there is none yet and there is some state to keep; never raises (a
    backup that cannot be written is logged, the command goes on)."""
    day = today or date.today()
    if path_for(folder, day).exists():
        return None
    try:
        records = export()
        if not records:  # an empty database: nothing worth a file (nor worth hiding an older one)
            return None
        return write(folder, records, day)
    except Exception as exc:  # a backup must never stop the command that triggered it
        log.warning("state backup in %s failed: %s", folder, exc)
        return None


def read(path: Path) -> list[dict[str, Any]]:
    """The records of a backup file; BackupError when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(f"{path}: cannot read the backup: {exc}") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise BackupError(f"{path}: not a veille-tui state backup (a JSON list of states)")
    return data
