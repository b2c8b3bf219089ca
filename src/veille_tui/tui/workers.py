"""The main screen's background work, as the worker threads run it, and its one error path.

A worker runs in a thread on a database connection of its own (`with lib.for_thread() as wlib:`),
sends its result as a message (tui/messages.py) and never catches: when it raises, Textual marks
it failed and the screen's one `@on(Worker.StateChanged)` handler turns it into a notification
(`failure_notice`) after tidying what the work left (the status line's activity, the poll's data
version). A database error says how to recover (`Library.explain`), a `VeilleError` is shown as
its message, anything else with its type.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.notifications import SeverityLevel
from textual.worker import Worker

from veille_tui.core.errors import VeilleError
from veille_tui.core.library import Library
from veille_tui.core.models import FeedOutcome, IndexReport, NotifyOutcome, SyncOutcome
from veille_tui.core.paths import log_file
from veille_tui.core.text import clean_line
from veille_tui.tui.browser import LinkNotOpened
from veille_tui.tui.messages import FetchDone, FetchProgress, FetchStarted, IndexDone, IndexProgress, SyncDone

Post = Callable[[Message], object]

PROGRESS_SECONDS = 0.2  # the index posts its progress at most this often

# What a failure of each group of workers is called in its notification ("" : the error alone).
FAILURE_TITLES: dict[str, str] = {
    "index": "Archive",
    "fetch": "Refresh failed",
    "draft": "",
    "mark": "Not marked read",
    "sync": "Sync failed",
    "fulltext": "Full text",
}
# Groups whose failure is not told: "changes" (the next poll reads again), "feeds" (the sidebar
# shows no feeds; the next index or fetch loads them again), "cves-prefetch" (the CVE view's rows
# read ahead: `c` reads them itself).
QUIET_GROUPS = frozenset({"changes", "feeds", "cves-prefetch"})
# Groups that show their progress in the status line (cleared when they fail).
ACTIVITY_GROUPS = frozenset({"index", "fetch", "draft", "fulltext"})
# Groups that write to the store: the poll for other processes' commits waits for them.
WRITER_GROUPS = frozenset({"index", "fetch", "draft", "changes", "mark", "fulltext", "sync"})


@dataclass(frozen=True)
class Notice:
    """A notification: `App.notify(notice.text, severity=notice.severity, markup=False)`."""

    text: str
    severity: SeverityLevel = "error"


def describe(error: BaseException, explain: Callable[[BaseException], str]) -> str:
    """An error as the user should read it; `explain` is `Library.explain`."""
    if isinstance(error, sqlite3.DatabaseError):  # locked for too long, or damaged
        return explain(error)
    if isinstance(error, VeilleError):  # its message names the file or entry at fault
        return str(error)
    # unforeseen: the traceback to the log file (cli.logfile set it up), one line on the screen
    logging.getLogger("veille_tui.tui").error("a background task failed", exc_info=error)
    return f"{type(error).__name__}: {error} (details in {log_file()})"


def failure_notice(group: str, error: BaseException, explain: Callable[[BaseException], str]) -> Notice | None:
    """What to tell of a failed worker of `group` (None: nothing)."""
    if isinstance(error, LinkNotOpened):
        return Notice(f"The browser did not open: link copied.\n{error.link}", "information")
    if group in QUIET_GROUPS:
        return None
    title = FAILURE_TITLES.get(group, "")
    text = describe(error, explain)
    return Notice(f"{title}: {text}" if title else text)


# --- in the worker thread ------------------------------------------------------------------


def run_index(lib: Library, post: Post, worker: Worker[Any]) -> IndexDone:
    """Index the archive, posting its progress now and then."""
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last > PROGRESS_SECONDS and not worker.is_cancelled:
            last = now
            post(IndexProgress(done, total))

    return IndexDone(lib.index(progress=progress))


def run_fetch(lib: Library, names: Sequence[str], post: Post, alert_mark: int = 0) -> FetchDone:
    """Fetch the feeds named (all: none named), posting a progress message per feed; with the
    watch alerts after alert_mark (those the fetch brought, and any that came meanwhile)."""
    done = total = 0

    def on_start(count: int) -> None:
        nonlocal total
        total = count
        post(FetchStarted(count))

    def on_result(outcome: FeedOutcome) -> None:
        nonlocal done
        done += 1
        post(FetchProgress(outcome, done, total))

    outcomes = lib.fetch(names, on_result=on_result, on_start=on_start)
    mark, alerts = lib.watch_alerts(alert_mark)
    return FetchDone(outcomes, mark, alerts, notified=list(lib.notified))


def run_sync(lib: Library, fetched: list[FeedOutcome] | None = None) -> SyncDone:
    """One sync with the team server (a server that fails is in the outcome, never raised);
    fetched: the feeds' outcomes of the `r`/`R` it follows."""
    outcome = lib.sync()
    return SyncDone(outcome, outcome.pending, outcome.error, fetched)


# --- what the results say --------------------------------------------------------------------


def sync_note(pending: int, error: str | None) -> str:
    """The status line's word on the team server: nothing when the last sync worked and nothing
    waits long; else that it cannot be reached (or why it failed) and how many changes wait."""
    if error is None:
        return ""
    reason = "server unreachable" if "cannot be reached" in error or "timeout" in error else "sync failed"
    return f"{reason} · {pending} change{'' if pending == 1 else 's'} wait{'s' if pending == 1 else ''}"


def notify_notices(notified: Sequence[NotifyOutcome]) -> list[Notice]:
    """The [[notify]] targets that failed after a fetch, one warning each (as the CLI says them on
    stderr): the target, why, and how many messages wait for the next fetch."""
    return [
        Notice(
            f"notify {clean_line(told.target)}: not sent ({clean_line(told.detail)}); "
            f"{told.waiting} waiting for the next fetch",
            "warning",
        )
        for told in notified
        if not told.ok
    ]


def fetch_notice(outcomes: Sequence[FeedOutcome], sync: SyncOutcome | None = None) -> Notice:
    """How many feeds were refreshed, how many new items, and the first failures; then what the
    sync with the team server that followed did (with only the server's feeds, that alone)."""
    new = sum(o.new for o in outcomes)
    archived = sum(o.archived for o in outcomes)
    failed = [o for o in outcomes if o.status == "error"]
    warned = [o for o in outcomes if o.status != "error" and o.warning]
    text = f"{len(outcomes)} feed(s) refreshed: {new} new" if outcomes or sync is None else ""
    if archived:
        text += f", {archived} already in the archive"
    if failed:
        text += f"; {len(failed)} failed: " + "; ".join(
            f"{clean_line(o.name)}: {clean_line(o.error or '')}" for o in failed[:3]
        )
    if warned:  # read, but not whole (malformed XML: the items before the fault kept)
        text += f"; {len(warned)} with a warning: " + "; ".join(
            f"{clean_line(o.name)}: {clean_line(o.warning or '')}" for o in warned[: max(3 - len(failed), 1)]
        )
    if sync is not None:
        text += ("; " if text else "") + sync_summary(sync)
    return Notice(text, "warning" if failed or warned or (sync is not None and not sync.ok) else "information")


def sync_summary(sync: SyncOutcome) -> str:
    """What one sync did, in a few words (the notice of `r`/`R`)."""
    if not sync.ok:
        return f"team server failed ({sync.pending} change{'' if sync.pending == 1 else 's'} wait)"
    text = (
        f"team server: {sync.items} new item{'' if sync.items == 1 else 's'},"
        f" {sync.pushed} change{'' if sync.pushed == 1 else 's'} pushed, {sync.pulled} pulled"
    )
    if sync.new_feeds:
        text += f", {sync.new_feeds} new feed{'' if sync.new_feeds == 1 else 's'}"
    if sync.pending:
        text += f", {sync.pending} waiting"
    return text


def index_changed(report: IndexReport) -> bool:
    """Did the index add, change or remove posts, or mark entries drafted (or no more)?"""
    return bool((report.indexed - report.unchanged) + report.removed + report.drafts_changed)


def index_notice(report: IndexReport) -> Notice | None:
    if not report.problems:
        return None
    return Notice(
        f"{len(report.problems)} archive file(s) could not be read; `veille-tui index` lists them.", "warning"
    )
