"""`veille-tui doctor`: what could stop veille-tui from working here, as checks (`Check`: name, ok,
detail, fix), and the repair of a damaged database.

The checks never migrate nor write the database (store/health.py reads it on a read-only
connection), so that they can run on a damaged file. The repair moves the damaged file aside,
rebuilds the index from the archive and restores the read/starred state from the newest daily
backup (core/backup.py); the state of feed items waits for them (they come back with the next
fetch) and is applied then.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from veille_tui.core import backup, intel
from veille_tui.core.archive import hugo
from veille_tui.core.archive.indexer import index_archive
from veille_tui.core.config import Settings
from veille_tui.core.models import IndexReport
from veille_tui.core.store import Store, health
from veille_tui.core.update import open_store

REPAIR = "veille-tui doctor --repair"
INTEL_STALE = 3 * 86400.0  # `fetch` refreshes it daily: three days old means it has stopped
SYNC_TIMEOUT = 10.0  # seconds the team server has to answer the doctor's login
SYNC_LATE = 86400.0  # a change waiting longer than this for the server is worth a word


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _ago(seconds: float) -> str:
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def run_checks(
    settings: Settings,
    archive: Path | None,
    db_path: Path,
    config_error: str | None = None,
    env: Mapping[str, str] | None = None,
    now: float | None = None,
) -> list[Check]:
    env = os.environ if env is None else env
    now = time.time() if now is None else now
    db = health.probe(db_path, now)
    return [
        _config(settings, config_error),
        _database(db, db_path),
        _schema(db),
        _archive(settings, archive, db),
        _feeds(db),
        _intel(db, db_path, settings, now),
        *(_sync(settings, db, now) if settings.sync is not None else []),
        _backups(db_path.parent, now),
        _terminal(env),
        _clipboard(env),
        *([_notify(settings, db)] if settings.notify or db.notify_waiting else []),
    ]


def _notify(settings: Settings, db: health.DatabaseHealth) -> Check:
    """[[notify]]: the messages waiting for a target that did not take them, and its last error."""
    labels = {t.key: t.label for t in settings.notify}
    if not db.notify_waiting:
        return Check("notify", True, f"{len(settings.notify)} target(s), no message waiting")
    said = [
        f"{labels.get(key, 'a target no longer in the config')}: {count} waiting" + (f" ({error})" if error else "")
        for key, (count, error) in sorted(db.notify_waiting.items())
    ]
    return Check("notify", False, "; ".join(said), "`veille-tui notify test` says what each target answers")


def _sync(settings: Settings, db: health.DatabaseHealth, now: float) -> list[Check]:
    """The team server of [sync]: reachable, and the login it takes; the changes waiting for it
    (how many, since when) and the last sync that went through."""
    from veille_tui.core.errors import SyncError
    from veille_tui.core.sync.engine import connect

    assert settings.sync is not None
    url = settings.sync.url
    try:
        with connect(settings.sync, timeout=SYNC_TIMEOUT) as client:
            client.login()
    except SyncError as exc:
        server = Check("sync server", False, str(exc), "check [sync] url, user and password; `veille-tui sync` tries")
    else:
        server = Check("sync server", True, f"{url}: reachable, login of {settings.sync.user!r} accepted")
    last = f"last good sync {_ago(now - db.sync_last_ok)} ago" if db.sync_last_ok else "no sync has gone through yet"
    if db.sync_last_error:
        last += f"; the last one failed: {db.sync_last_error}"
    if not db.queued:
        return [server, Check("sync queue", True, f"no change waiting; {last}")]
    waiting = f"{db.queued} change(s) waiting since {_ago(now - (db.queued_oldest or now))}; {last}"
    late = db.sync_last_ok is None or (db.queued_oldest or now) < now - SYNC_LATE
    return [server, Check("sync queue", not late, waiting, "veille-tui sync" if late else None)]


def _config(settings: Settings, error: str | None) -> Check:
    if error:
        return Check("config", False, error, "fix the file (the message names the line), or move it aside")
    if not settings.exists:
        return Check("config", True, f"no config file at {settings.path}: the built-in defaults")
    feeds = f"{len(settings.feeds)} feeds"
    return Check("config", True, f"{settings.path}: {feeds}, archive_format {settings.archive_format}")


def _database(db: health.DatabaseHealth, path: Path) -> Check:
    if not db.exists:
        return Check("database", True, f"none yet at {path} (`veille-tui index` or `fetch` makes it)")
    if db.error or db.problems:
        found = db.error or "; ".join(db.problems[:3])
        return Check(
            "database",
            False,
            f"{path}: damaged: {found}",
            f"{REPAIR} (moves it aside, rebuilds it from the archive, restores read/starred state from"
            " the newest daily backup)",
        )
    return Check("database", True, f"{path}: quick_check ok, {db.entries} entries")


def _schema(db: health.DatabaseHealth) -> Check:
    if db.version is None:
        detail = "unknown (the database cannot be read)" if db.exists else "no database to read"
        return Check("schema", True, detail)
    if db.version > db.current:
        detail = f"version {db.version}, made by a newer veille-tui (this one knows {db.current})"
        return Check("schema", False, detail, "upgrade veille-tui")
    if db.version < db.current:
        return Check("schema", True, f"version {db.version}: migrated to {db.current} by the next command")
    return Check("schema", True, f"version {db.version} (current)")


def _archive(settings: Settings, archive: Path | None, db: health.DatabaseHealth) -> Check:
    if archive is None:
        how = 'give --archive DIR, VEILLE_TUI_ARCHIVE, or archive = "..." in the config'
        return Check("archive", True, "none set: feeds only", how)
    if not archive.is_dir():
        how = "check the path (--archive, VEILLE_TUI_ARCHIVE, the config)"
        return Check("archive", False, f"{archive}: not a folder", how)
    if not os.access(archive, os.R_OK | os.X_OK):
        return Check("archive", False, f"{archive}: not readable", f"chmod u+rx '{archive}'")
    layout = hugo.detect(archive, settings.archive_format)
    detail = f"{layout.root}: read as {layout.format} ({layout.why})"
    if db.index_problems:
        detail += f"; {db.index_problems} file(s) could not be read at the last index (`veille-tui index` lists them)"
    return Check("archive", True, detail)


def _feeds(db: health.DatabaseHealth) -> Check:
    if not db.ok:
        return Check("feeds", True, "not checked (the database cannot be read)")
    if not db.failing:
        return Check("feeds", True, "none failing for a day or more")
    named = ", ".join(f"{f.name} ({f.error[:80]})" for f in db.failing[:5])
    more = f" and {len(db.failing) - 5} more" if len(db.failing) > 5 else ""
    return Check(
        "feeds",
        False,
        f"{len(db.failing)} failing for a day or more: {named}{more}",
        "`veille-tui feeds list` shows them: fix the URL, or `veille-tui feeds remove NAME`",
    )


def _intel(db: health.DatabaseHealth, path: Path, settings: Settings, now: float) -> Check:
    if not db.ok or db.version != db.current:
        return Check("intel", True, "not checked (the database cannot be read as it is)")
    with Store(path) as store:
        sources = intel.status(store)
    loaded = [s for s in sources if s.loaded is not None]
    if not loaded:
        return Check("intel", True, "no KEV or EPSS data loaded (`veille-tui intel update`, or `intel import FILE`)")
    stale = [s for s in loaded if (s.age(now) or 0) > INTEL_STALE]
    ages = ", ".join(f"{s.label} {_ago(s.age(now) or 0)} old" for s in loaded)
    if stale:
        how = "veille-tui intel update" if settings.intel.enabled else "veille-tui intel import FILE"
        return Check("intel", False, f"{ages}: refreshed daily by `fetch`, it has stopped", how)
    return Check("intel", True, ages)


def _backups(folder: Path, now: float) -> Check:
    found = backup.backups(folder)
    if not found:
        return Check("backups", True, f"none yet in {folder} (the first command of each day writes one)")
    return Check("backups", True, f"{len(found)} in {folder}, the newest {found[0].name}")


def _terminal(env: Mapping[str, str]) -> Check:
    term = env.get("TERM", "")
    colorterm = env.get("COLORTERM", "").lower()
    forced = env.get("TEXTUAL_COLOR_SYSTEM")
    if not term or term == "dumb":
        detail = f"TERM is {term or 'not set'}: the TUI needs a terminal"
        return Check("terminal", False, detail, "export TERM=xterm-256color")
    if forced:
        return Check("terminal", True, f"TERM={term}, TEXTUAL_COLOR_SYSTEM={forced}")
    if colorterm in ("truecolor", "24bit"):
        return Check("terminal", True, f"TERM={term}, truecolor")
    if "256color" in term:
        return Check("terminal", True, f"TERM={term}: 256 colours (over SSH COLORTERM is not forwarded)")
    return Check(
        "terminal",
        True,
        f"TERM={term}: 16 colours; `--theme jumphost-16` is made for them"
        " (TERM=xterm-256color if the terminal has 256)",
    )


def _clipboard(env: Mapping[str, str]) -> Check:
    if not env.get("TMUX"):
        where = " (over SSH it reaches your local terminal)" if env.get("SSH_CONNECTION") else ""
        return Check("clipboard", True, f"OSC 52{where}: the terminal must allow it")
    tmux = shutil.which("tmux")
    if tmux is None:
        return Check("clipboard", True, "in tmux, but the tmux command is not found to ask it")
    try:
        value = subprocess.run(
            [tmux, "show-options", "-gv", "set-clipboard"], capture_output=True, text=True, timeout=3, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return Check("clipboard", True, "in tmux, which did not answer")
    if value == "off":
        return Check(
            "clipboard",
            False,
            "in tmux with set-clipboard off: `y` and `o` cannot copy (OSC 52 is dropped)",
            "tmux set -g set-clipboard on (and `set -g set-clipboard on` in ~/.tmux.conf)",
        )
    return Check("clipboard", True, f"in tmux, set-clipboard {value or 'unknown'}: OSC 52 goes through")


# --- repair -------------------------------------------------------------------------------------


@dataclass
class Repair:
    needed: bool
    moved_to: Path | None = None
    index: IndexReport | None = None
    backup: Path | None = None
    restored: int = 0
    pending: int = 0  # states waiting for their feed items (the next fetch)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What the repair did, a sentence a line (`doctor --repair` and the TUI tell the same)."""
        if not self.needed:
            return ["the database is not damaged: nothing to repair"]
        said = [f"the damaged database was moved to {self.moved_to}"]
        if self.index is not None:
            said.append(f"rebuilt from the archive: {self.index.indexed} posts indexed, {self.index.skipped} skipped")
        if self.backup is not None:
            said.append(f"{self.restored} read/starred states restored from {self.backup}")
            if self.pending:
                said.append(f"{self.pending} more wait for their feed items and are applied as they come back")
        return said + self.notes

    def to_json(self) -> dict[str, Any]:
        return {
            "needed": self.needed,
            "moved_to": str(self.moved_to) if self.moved_to else None,
            "indexed": self.index.indexed if self.index else None,
            "backup": str(self.backup) if self.backup else None,
            "restored": self.restored,
            "pending": self.pending,
            "notes": self.notes,
        }


def repair(settings: Settings, archive: Path | None, db_path: Path) -> Repair:
    """Repair a damaged database (nothing is done to a healthy one)."""
    db = health.probe(db_path)
    if not db.exists or (db.error is None and not db.problems):
        return Repair(needed=False)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    os.replace(db_path, aside)
    for suffix in ("-wal", "-shm"):  # kept with it, for `sqlite3 FILE .recover`
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    result = Repair(needed=True, moved_to=aside, backup=backup.newest(db_path.parent))
    with open_store(
        db_path, watch=settings.watch, rules=settings.rules, assets=settings.assets, config_stamp=settings.stamp
    ) as store:
        store.sync_feeds(settings.feeds)
        if archive is not None and archive.is_dir():
            result.index = index_archive(store, archive, archive_format=settings.archive_format)
        else:
            result.notes.append("no archive to rebuild the posts from")
        if result.backup is None:
            result.notes.append(f"no state backup in {db_path.parent}: read/starred state starts afresh")
        else:
            try:
                records = backup.read(result.backup)
            except backup.BackupError as exc:
                result.notes.append(str(exc))
                records = []
            unmatched: list[dict[str, Any]] = []
            result.restored = store.import_state(records, unmatched=unmatched)
            store.keep_pending_state(unmatched)
            result.pending = len(unmatched)
    result.notes.append("the feed items come back with the next `veille-tui fetch`")
    return result
