"""`veille-tui fetch` output: a progress bar on a terminal, one line per feed otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from veille_tui.core.library import FeedOutcome, IntelOutcome, Library
from veille_tui.core.text import clean_line


def describe(outcome: FeedOutcome) -> str:
    name = clean_line(outcome.name)
    if outcome.status == "error":
        return f"FAILED     {name}: {clean_line(outcome.error or 'failed')}"
    if outcome.status == "unchanged":
        return f"unchanged  {name}"
    if outcome.status == "deferred":
        return f"deferred   {name}: {clean_line(outcome.error or '')}"
    text = f"ok         {name}: {outcome.items} items, {outcome.new} new"
    text += f", {outcome.archived} already in the archive" if outcome.archived else ""
    return text + (f" ({clean_line(outcome.warning)})" if outcome.warning else "")


def full_text_line(done: int, failed: int) -> str:
    text = f"full text  {done} article page(s) extracted"
    return text + (f", {failed} failed (recorded with their entry; the summary is kept)" if failed else "")


def summary(outcomes: Sequence[FeedOutcome], elapsed: float) -> str:
    failed = [o for o in outcomes if o.status == "error"]
    fetched = sum(o.status == "ok" for o in outcomes)
    unchanged = sum(o.status == "unchanged" for o in outcomes)
    deferred = sum(o.status == "deferred" for o in outcomes)
    new = sum(o.new for o in outcomes)
    text = f"{len(outcomes)} feeds in {elapsed:.1f} s: {fetched} fetched, {unchanged} unchanged, {len(failed)} failed"
    text += f", {deferred} deferred (Retry-After)" if deferred else ""
    archived = sum(o.archived for o in outcomes)
    text += f"; {new} new items" + (f", {archived} already in the archive" if archived else "")
    if failed:
        text += "\nfailed (their earlier items are kept):" + "".join(
            f"\n  {clean_line(o.name)} <{clean_line(o.url)}>: {clean_line(o.error or 'failed')}" for o in failed
        )
    warned = [o for o in outcomes if o.status == "ok" and o.warning]
    if warned:
        text += "\nread with warnings (what could be read is kept):" + "".join(
            f"\n  {clean_line(o.name)} <{clean_line(o.url)}>: {clean_line(o.warning)}" for o in warned
        )
    return text


def run_fetch(
    lib: Library, names: Sequence[str], json_output: bool = False, lines_to_stderr: bool = False
) -> list[FeedOutcome]:
    """lines_to_stderr: stdout is for something else (`fetch --watch` prints its matches there)."""
    started = time.perf_counter()
    if sys.stderr.isatty() and not json_output:
        outcomes = _with_bar(lib, names)
    else:
        # one line per feed: on stdout, unless stdout carries the JSON document or the matches
        out = sys.stderr if json_output or lines_to_stderr else sys.stdout
        outcomes = lib.fetch(
            names,
            on_result=lambda o: print(describe(o), file=out, flush=True),
            on_intel=lambda o: print(f"intel      {o.describe()}", file=out, flush=True),
            on_full_text=lambda done, failed: print(full_text_line(done, failed), file=out, flush=True),
            parallel=True,  # a command: the cluster pass may fork a helper
        )
    print(summary(outcomes, time.perf_counter() - started), file=sys.stderr)
    return outcomes


def _with_bar(lib: Library, names: Sequence[str]) -> list[FeedOutcome]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("fetching"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)
        intel: list[IntelOutcome] = []

        def started(total: int) -> None:
            progress.update(task, total=total)

        def done(outcome: FeedOutcome) -> None:  # failures are listed in the summary
            progress.update(task, advance=1, description=clean_line(outcome.name)[:40])

        full: list[str] = []
        outcomes = lib.fetch(
            names,
            on_result=done,
            on_start=started,
            on_intel=intel.append,
            on_full_text=lambda d, f: full.append(full_text_line(d, f)),
            parallel=True,
        )
    for outcome in intel:
        print(f"intel: {outcome.describe()}", file=sys.stderr)
    for line in full:
        print(line, file=sys.stderr)
    return outcomes
