"""`c`: the CVE view. The CVE ids named by the entries of the view shown (from an article: that
article's CVE ids first), one line each in a line-API table, by trend: entries, first and last seen,
KEV, EPSS, trend; below it, the highlighted CVE in full (its KEV record, EPSS, sources, NVD page).
Typing filters (the CVE id, KEV vendor, product or name); `tab` changes the order; `enter` lists
the entries that name the CVE, and `backspace` or `escape` from that list comes back here;
`escape` (or `backspace` with nothing typed) goes back to the list.

The rows are read in a worker, the head of the table first (those with a trend, or the article's:
a few milliseconds), then the whole of it (`Library.cves`: one SQL statement, ~110 ms at 52,772
entries); they are kept for the view and the store's data version, so that coming back is
instant, and those of a big view are read ahead while the reader rests on it (bench/intel_bench.py:
first rows painted 55 ms after `c`, the whole table 295 ms; 60 ms when held).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from veille_tui.core.library import Library
from veille_tui.core.models import CveSummary
from veille_tui.core.text import clean_line
from veille_tui.tui.timings import Timings
from veille_tui.tui.widgets.cve_table import CveTable
from veille_tui.tui.workers import failure_notice

if TYPE_CHECKING:
    from veille_tui.tui.screens.parts.host import Host

SORTS = ("trend", "count", "recent", "epss")
SORT_LABELS = {"trend": "by trend", "count": "by entries", "recent": "by last seen", "epss": "by EPSS"}


def sort_rows(rows: Sequence[CveSummary], sort: str) -> list[CveSummary]:
    """The orders of `Library.cves(sort=...)`, for rows held (tab changes the order)."""
    keys: dict[str, Callable[[CveSummary], tuple[Any, ...]]] = {
        "trend": lambda c: (-round(c.trend, 9), -round(c.change, 9), -c.last_ts, -c.entries, c.cve),
        "count": lambda c: (-c.entries, -c.last_ts, c.cve),
        "recent": lambda c: (-c.last_ts, -c.entries, c.cve),
        "epss": lambda c: (-(c.epss if c.epss is not None else -1.0), -c.entries, c.cve),
    }
    return sorted(rows, key=keys[sort])


def matches(row: CveSummary, needle: str) -> bool:
    """Does `needle` (lower case) occur in the CVE id or its KEV vendor, product or name?"""
    if needle in row.cve.lower():
        return True
    kev = row.kev
    return kev is not None and needle in f"{kev.vendor} {kev.product} {kev.name}".lower()


def details(row: CveSummary | None, kev_loaded: bool = True, affects: Sequence[str] = ()) -> Content:
    """The highlighted CVE in full, for the pane below the table (kev_loaded: whether a KEV
    catalogue is loaded at all: without one, "not in it" would say what nobody checked; affects:
    the names of the assets it touches)."""
    if row is None:
        return Content("")
    lines = [
        Content.assemble(
            (row.cve, "bold $text-accent"),
            f"  {row.entries} {'entry' if row.entries == 1 else 'entries'}, first {row.first_seen[:10]},"
            f" last {row.last_seen[:10]}",
        )
    ]
    kev = row.kev
    if kev is not None:
        what = " ".join(clean_line(p) for p in (kev.vendor, kev.product) if p)
        lines.append(Content.assemble((kev.summary(), "bold $text-error"), f"  {what}: {clean_line(kev.name)}"))
    elif kev_loaded:
        lines.append(Content.styled("not in the KEV catalogue (as loaded)", "$text-muted"))
    else:
        lines.append(Content.styled("KEV catalogue not loaded: `veille-tui intel update` downloads it", "$text-muted"))
    if affects:
        lines.append(Content.styled("affects: " + ", ".join(clean_line(a) for a in affects), "bold $text-warning"))
    if row.epss is not None:
        pct = f", {int(row.percentile * 100)}th percentile" if row.percentile is not None else ""
        lines.append(Content(f"EPSS {row.epss:.3f}{pct}"))
    trend = f"trend {row.trend:.2f} (the window before: {row.previous:.2f})"
    lines.append(Content.styled(trend, "$text-muted"))
    if row.sources:
        lines.append(Content.styled("sources: " + ", ".join(clean_line(s) for s in row.sources), "$text-muted"))
    lines.append(Content.styled(f"https://nvd.nist.gov/vuln/detail/{row.cve}", "$text-accent"))
    return Content("\n").join(lines)


@dataclass
class CveState:
    """What the CVE view shows, kept while its entries are listed (coming back restores it)."""

    query: str  # the view's query
    label: str  # the view's name
    focus: tuple[str, ...] = ()  # an article's CVE ids: shown alone until something is typed
    typed: str = ""
    sort: str = "trend"
    cve: str | None = None  # the highlighted one
    rows: list[CveSummary] | None = None  # by trend, every CVE of the view
    pivot: str = ""  # the query that lists the chosen CVE's entries (`cve:ID`)
    key: tuple[Any, ...] | None = field(default=None, repr=False)  # what `rows` were read for (CvePivot.key)
    kev_loaded: bool = True  # is a KEV catalogue loaded? (read with the rows)
    affects: dict[str, list[str]] = field(default_factory=dict)  # CVE id -> the assets it touches


class CveScreen(Screen[str | None]):
    """Dismissed with the CVE id whose entries to list, or None."""

    DEFAULT_CSS = """
    CveScreen { background: $surface; }
    CveScreen > Vertical { height: 1fr; }
    CveScreen #cves-title { height: 1; background: $panel; color: $text-accent; text-style: bold; padding: 0 1; }
    CveScreen #cves-filter { height: 1; background: $panel; padding: 0 1; }
    CveScreen #cves-head { height: 1; color: $text-muted; text-style: bold; }
    CveScreen CveTable { height: 1fr; }
    CveScreen #cves-detail { height: 8; border-top: hkey $primary; padding: 0 1; }
    CveScreen #cves-keys { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    CveTable > .cve-table--cursor { background: $block-cursor-blurred-background; }
    CveTable:focus > .cve-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    CveTable > .cve-table--cve { color: $veille-cve; }
    CveTable > .cve-table--kev { color: $text-error; text-style: bold; }
    CveTable > .cve-table--muted { color: $text-muted; }
    CveTable > .cve-table--empty { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="cves.back"),
        Binding("backspace", "erase", "Erase / back", show=False, id="cves.erase"),
        Binding("ctrl+u", "clear", "Clear what is typed", show=False, id="cves.clear"),
        Binding("tab", "next_sort", "Order", id="cves.sort"),
    ]

    @dataclass
    class Loaded(Message):
        """The worker read the view's CVEs."""

        rows: list[CveSummary]
        seconds: float
        first: bool = False  # the head of the table only (the trending ones, or the article's)
        kev_loaded: bool = True
        affects: dict[str, list[str]] = field(default_factory=dict)  # CVE id -> the assets it touches

    def __init__(self, lib: Library, state: CveState, timings: Timings | None = None, started: float = 0.0) -> None:
        super().__init__()
        self.lib = lib
        self.state = state
        self.timings = timings if timings is not None else Timings()
        self.started = started or time.perf_counter()
        self._first: list[CveSummary] = []  # shown while the whole table is read
        self._first_painted = threading.Event()  # the worker reads the rest once the head is on screen

    @property
    def table(self) -> CveTable:
        return self.query_one("#cves-table", CveTable)

    def compose(self) -> ComposeResult:
        # fixed heights, so that what changes is repainted without a layout pass (update(layout=False))
        title, line = self._title_texts([])
        with Vertical():
            yield Static(title, id="cves-title", markup=False)
            yield Static(line, id="cves-filter", markup=False)
            yield Static(CveTable.header_text(self.app.size.width), id="cves-head", markup=False)
            yield CveTable(id="cves-table", empty_text="Reading the CVE ids of this view…")
            yield Static(id="cves-detail")
            yield Static(
                "type: filter · tab: order · enter: the entries naming it · esc: back",
                id="cves-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        self.table.focus()
        if self.state.rows is not None:
            self._show_rows()
            self.timings.until_painted(self, "cves_painted", self.started)
        else:
            self.timings.until_painted(self, "cves_shown", self.started)
            self.load(self.state.query)

    def on_resize(self) -> None:
        width = self.table.scrollable_content_region.width
        self.query_one("#cves-head", Static).update(CveTable.header_text(width), layout=False)

    # --- data -------------------------------------------------------------------------------

    @work(thread=True, group="cves", exclusive=True, exit_on_error=False)
    def load(self, query: str) -> None:
        """The head of the table first (the article's CVE ids, or those with a trend: a few
        milliseconds), then the whole of it (~150 ms at 52,772 entries)."""
        started = time.perf_counter()
        focus = self.state.focus
        with self.lib.for_thread() as lib:
            kev_loaded, affects = lib.kev_loaded(), lib.cve_affects()
            first = lib.cves(query or None, only=focus) if focus else lib.cves(query or None, recent=True)
            seconds = time.perf_counter() - started
            self.post_message(self.Loaded(first, seconds, first=True, kev_loaded=kev_loaded, affects=affects))
            self._first_painted.wait(1.0)  # the rest holds the GIL at times: not while the screen paints
            rows = lib.cves(query or None)
        self.post_message(self.Loaded(rows, time.perf_counter() - started, kev_loaded=kev_loaded, affects=affects))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.state.kev_loaded, self.state.affects = message.kev_loaded, message.affects
        if message.first:
            if self.state.rows is None and message.rows:
                self._first = message.rows
                self._show_rows()
                self.timings.record("cves_first_loaded", message.seconds)
                self.timings.until_painted(self, "cves_first_painted", self.started)
            self.call_after_refresh(self._first_painted.set)
            return
        self.state.rows = message.rows
        self._first = []
        self.timings.record("cves_loaded", message.seconds)
        self._show_rows()
        self.timings.until_painted(self, "cves_painted", self.started)

    @on(Worker.StateChanged)
    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        self.table.empty_text = "The CVE ids could not be read."
        self.table.set_rows([])
        notice = failure_notice("cves", event.worker.error, self.lib.explain)
        if notice is not None:
            self.notify(notice.text, severity=notice.severity, markup=False)

    def shown_rows(self) -> list[CveSummary]:
        """The rows held, filtered by what is typed (or an article's CVE ids), in the order chosen."""
        state = self.state
        rows = state.rows if state.rows is not None else self._first
        if state.typed:
            needle = state.typed.lower()
            rows = [row for row in rows if matches(row, needle)]
        elif state.focus:
            wanted = set(state.focus)
            rows = [row for row in rows if row.cve in wanted]
        return rows if state.sort == "trend" else sort_rows(rows, state.sort)

    def _show_rows(self) -> None:
        state = self.state
        rows = self.shown_rows()
        if state.rows is not None:
            if not state.rows:
                self.table.empty_text = "No entry of this view names a CVE id."
            elif not rows:
                self.table.empty_text = f"No CVE id matches {state.typed!r} (backspace erases)."
        self.table.set_rows(rows, keep=state.cve)
        self._show_title()

    def _title_texts(self, rows: Sequence[CveSummary]) -> tuple[str, str]:
        """The title line (view, counts, order) and the filter line, for the rows shown."""
        state = self.state
        held = state.rows
        shown = len(rows)
        if held is None:
            count = f"{shown:,} so far, reading the others…" if shown else "…"
        else:
            count = f"{shown:,}" if shown == len(held) else f"{shown:,} of {len(held):,}"
        kev = sum(1 for row in rows if row.kev)
        title = f"CVEs of {clean_line(state.label)}: {count}" + (f", {kev:,} in KEV" if kev else "")
        if state.typed:
            line = f"filter: {state.typed}▏"
        elif state.focus:
            line = "the CVE ids of this article (type to search them all)"
        else:
            line = "type to filter (CVE id, KEV vendor or product)"
        return f"{title} · {SORT_LABELS[state.sort]}", line

    def _show_title(self) -> None:
        title, line = self._title_texts(self.table.rows)
        self.query_one("#cves-title", Static).update(title, layout=False)
        self.query_one("#cves-filter", Static).update(line, layout=False)

    # --- keys -------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char and len(char) == 1 and char.isprintable() and event.key not in ("tab", "enter"):
            event.stop()
            event.prevent_default()
            self.state.typed += char
            self._show_rows()

    def action_erase(self) -> None:
        state = self.state
        if state.typed:
            state.typed = state.typed[:-1]
            self._show_rows()
        else:
            self.dismiss(None)

    def action_clear(self) -> None:
        self.state.typed = ""
        self._show_rows()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_next_sort(self) -> None:
        state = self.state
        state.sort = SORTS[(SORTS.index(state.sort) + 1) % len(SORTS)]
        self._show_rows()

    @on(CveTable.Highlighted)
    def highlighted(self, event: CveTable.Highlighted) -> None:
        if event.row is not None:
            self.state.cve = event.row.cve
        state = self.state
        affects = state.affects.get(event.row.cve, ()) if event.row is not None else ()
        self.query_one("#cves-detail", Static).update(details(event.row, state.kev_loaded, affects), layout=False)

    @on(CveTable.Chosen)
    def chosen(self, event: CveTable.Chosen) -> None:
        self.dismiss(event.row.cve)


class CvePivot:
    """The main screen's side of the CVE view: `c` opens it over the view shown; `enter` there
    lists the entries naming a CVE; `backspace` or `escape` from that list comes back to it (the
    view shown before under it, the CVE view as it was left).

    The rows of a view are kept (the last few views) for as long as the store and the view's
    entries stay the same, and those of a big view (PREFETCH_FROM entries and more) are read in
    the background once the reader rests on it, so that `c` shows them at once."""

    PREFETCH_FROM = 5000  # entries: below, reading them when `c` is pressed is quick enough
    KEEP = 4  # views whose rows are kept

    def __init__(self, screen: Host) -> None:
        self.screen = screen
        self.state: CveState | None = None  # the CVE view to come back to
        self._held: dict[str, CveState] = {}  # rows by the view's query, with what they were read for
        self._focus: Widget | None = None  # focused when `c` was pressed: focused again after

    def key(self) -> tuple[Any, ...]:
        """What the rows of the view shown depend on: its query, the store (the data version of
        the other connections' commits) and its entries."""
        screen = self.screen
        ids = screen.entries.ids
        return (screen.state.query_text, screen.lib.data_version(), len(ids), ids[:1], ids[-1:])

    def _keep(self, state: CveState) -> None:
        if state.rows is None or state.key is None:
            return
        self._held.pop(state.query, None)
        self._held[state.query] = state
        while len(self._held) > self.KEEP:
            del self._held[next(iter(self._held))]

    def held(self, key: tuple[Any, ...]) -> list[CveSummary] | None:
        state = self._held.get(key[0])
        if state is None or state.key != key or key[1] is None:
            return None
        return state.rows

    def open(self, in_article: bool = False) -> None:
        screen = self.screen
        started = time.perf_counter()
        self._focus = screen.focused
        article = screen.article.entry
        in_article = in_article or screen.focused is screen.article or screen.reading
        focus = tuple(article.cves) if in_article and article is not None else ()
        key = self.key()
        rows = self.held(key)
        state = CveState(screen.state.query_text, screen.state.view_label(), focus=focus, rows=rows, key=key)
        if rows is not None:
            held = self._held[key[0]]
            state.kev_loaded, state.affects = held.kev_loaded, held.affects
        self._push(state, started)

    def _push(self, state: CveState, started: float) -> None:
        screen = self.screen

        def chosen(cve: str | None) -> None:
            self._keep(state)
            if cve is None:
                self.state = None
                (self._focus if self._focus is not None and self._focus.is_attached else screen.entries).focus()
                return
            state.pivot = f"cve:{cve}"
            error = screen.apply(state.pivot)
            if error:
                screen.notify(error, severity="error", markup=False)
                self.state = None
                return
            self.state = state

        screen.app.push_screen(CveScreen(screen.lib, state, screen.timings, started), chosen)

    def back(self) -> bool:
        """`backspace` / `escape` on the main screen: when it lists a CVE's entries chosen in the
        CVE view, the view before comes back under the CVE view (True: done)."""

        state, screen = self.state, self.screen
        if state is None or screen.reading:  # zoomed: backspace first shows the three panes again
            return False
        self.state = None
        if screen.state.query_text != state.pivot:  # the reader has gone elsewhere since
            return False
        screen.back_to_view()  # the view the CVE view was opened over
        self._push(state, time.perf_counter())
        return True

    # --- reading ahead ----------------------------------------------------------------------

    def prefetch(self) -> None:
        """Now and then (a timer of the main screen): the rows of a big view shown, when they are
        not held, read in a worker."""
        screen = self.screen
        count, more = screen.entries.shown_count  # a list still being read: at the next look
        if more or count < self.PREFETCH_FROM or screen.app.screen is not screen:
            return
        key = self.key()
        if self.held(key) is not None or any(w.group == "cves-prefetch" and w.is_running for w in screen.workers):
            return
        screen.run_worker(
            functools.partial(self._read, key),
            thread=True,
            group="cves-prefetch",
            exclusive=True,
            exit_on_error=False,
        )

    def _read(self, key: tuple[Any, ...]) -> None:
        started = time.perf_counter()
        with self.screen.lib.for_thread() as lib:
            rows = lib.cves(key[0] or None)
            kev_loaded, affects = lib.kev_loaded(), lib.cve_affects()
        self.screen.timings.since("cves_prefetch", started)
        state = CveState(key[0], "", rows=rows, key=key, kev_loaded=kev_loaded, affects=affects)
        self.screen.app.call_from_thread(self._keep, state)
