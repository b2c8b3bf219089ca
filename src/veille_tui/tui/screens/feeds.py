"""`F`: the feeds' health. One line per feed (failing ones first): its name, last success,
failures in a row, unread and items; below, the highlighted feed in full: URL, last success,
last fetch, the reason of its last failure. `enter` lists its entries, `r` refreshes it.

Given the feeds' statuses (the main screen reads them in a worker and hands them over again when
a refresh ends); it never touches the library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from veille_tui.core.models import FeedStatus
from veille_tui.core.text import clean_line
from veille_tui.tui.widgets.lines import fit, fit_middle
from veille_tui.tui.widgets.sidebar import feed_label


def ordered(feeds: Sequence[FeedStatus]) -> list[FeedStatus]:
    """Failing feeds first (most failures first), then those read but not whole (a warning),
    then the others, each by name."""
    return sorted(feeds, key=lambda f: (not f.failing, not f.warned, -f.failures, feed_label(f).lower()))


def summary(feeds: Sequence[FeedStatus]) -> str:
    failing = sum(f.failing for f in feeds)
    warned = sum(f.warned for f in feeds)
    text = f"Feeds: {len(feeds)}"
    if not failing and not warned:
        return text + ", all well"
    return text + (f", {failing} failing" if failing else "") + (f", {warned} with a warning" if warned else "")


def feed_line(feed: FeedStatus, width: int) -> Content:
    """`! name   ok 08-25 10:00   3 failed   12/340`: what fits in `width` cells (`~ name  warn 08-25
    10:00  warning`: read, but not whole)."""
    ok = f"ok {feed.last_ok[5:]}" if feed.last_ok else "never ok" if feed.last_fetch else "never fetched"
    if feed.warned and feed.last_ok:
        ok = f"warn {feed.last_ok[5:]}"
    failed = f"{feed.failures} failed" if feed.failures else ("failed" if feed.failing else "")
    if feed.warned:
        failed = "warning"
    counts = f"{feed.unread}/{feed.total}"
    tail = f"  {ok:<14} {failed:>9} {counts:>11}" if width >= 60 else f" {failed or ok:>9} {counts:>9}"
    name_width = max(width - 2 - cell_len(tail), 4)
    label = feed_label(feed)
    untitled = not feed.title or feed.title == feed.url
    name = fit_middle(label, name_width) if untitled else fit(label, name_width)
    mark = ("! ", "$text-error bold") if feed.failing else ("~ ", "$text-warning bold") if feed.warned else ("  ", "")
    colour = "$text-error" if feed.failing else "$text-warning" if feed.warned else ""
    return Content.assemble(mark, (name, colour), (tail, "$text-muted"))


def feed_details(feed: FeedStatus) -> Content:
    """The highlighted feed in full."""
    lines = [
        Content.styled(feed_label(feed), "bold"),
        Content.styled(clean_line(feed.url), "$text-accent"),
        Content(f"last success: {feed.last_ok or 'never'} · last fetch: {feed.last_fetch or 'never'}"),
        Content(f"items: {feed.total} · unread: {feed.unread}" + (f" · tags: {' '.join(feed.tags)}" * bool(feed.tags))),
    ]
    if feed.failing:
        times = f" ({feed.failures} times in a row)" if feed.failures > 1 else ""
        lines.append(Content.assemble(("failing", "$text-error bold"), f"{times}: {clean_line(feed.last_error)}"))
    elif feed.warned:
        lines.append(
            Content.assemble(("warning", "$text-warning bold"), f": read, not whole: {clean_line(feed.warning)}")
        )
    return Content("\n").join(lines)


class FeedsScreen(ModalScreen[int | None]):
    """Dismissed with the id of the feed whose entries to list, or None."""

    DEFAULT_CSS = """
    FeedsScreen { align: center middle; }
    FeedsScreen > Vertical {
        width: 110; max-width: 100%; height: 100%; max-height: 40;
        background: $panel; border: round $primary; padding: 0 1;
    }
    FeedsScreen #feeds-title { text-style: bold; color: $text-accent; }
    FeedsScreen OptionList, FeedsScreen OptionList:focus { height: 1fr; border: none; padding: 0; background: $panel; }
    FeedsScreen #feed-detail { height: auto; max-height: 8; border-top: hkey $primary; }
    FeedsScreen #feeds-keys { color: $text-muted; height: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,F", "close", "Close", id="feeds.close"),
        Binding("enter", "open", "List its entries", id="feeds.open"),
        Binding("r", "refresh_feed", "Refresh this feed", id="feeds.refresh"),
        Binding("down,j", "move(1)", "Down", show=False, id="feeds.down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="feeds.up"),
    ]

    def __init__(self, feeds: Sequence[FeedStatus], refresh: Callable[[str], None], current: int | None = None) -> None:
        super().__init__()
        self.feeds = ordered(feeds)
        self.fetch_feed = refresh
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="feeds-title", markup=False)
            yield OptionList(id="feed-list")
            yield Static(id="feed-detail", markup=False)
            yield Static(Content("enter: list its entries · r: refresh it · esc: back"), id="feeds-keys", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        self.show_feeds(self.feeds, keep=self.current)

    def on_resize(self) -> None:
        self.show_feeds(self.feeds, keep=self.feed.id if self.feed else None)

    def show_feeds(self, feeds: Sequence[FeedStatus], keep: int | None = None) -> None:
        """(Again) the feeds given, the cursor on the feed `keep` (or the one it was on)."""
        if keep is None and self.feed is not None:
            keep = self.feed.id
        self.feeds = ordered(feeds)
        self.query_one("#feeds-title", Static).update(Content(summary(self.feeds)))
        options = self.query_one(OptionList)
        width = max(options.scrollable_content_region.width or self.app.size.width - 6, 20)
        options.set_options(Option(feed_line(feed, width), id=str(feed.id)) for feed in self.feeds)
        if not self.feeds:
            self.query_one("#feed-detail", Static).update(Content("No feeds: `veille-tui feeds add URL` adds one."))
            return
        index = next((n for n, f in enumerate(self.feeds) if f.id == keep), 0)
        options.highlighted = index
        self._detail()

    @property
    def feed(self) -> FeedStatus | None:
        if not self.is_mounted:
            return None
        option = self.query_one(OptionList).highlighted_option
        if option is None:
            return None
        return next((f for f in self.feeds if str(f.id) == option.id), None)

    @on(OptionList.OptionHighlighted)
    def _detail(self) -> None:
        feed = self.feed
        if feed is not None:
            self.query_one("#feed-detail", Static).update(feed_details(feed))

    @on(OptionList.OptionSelected)
    def selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        feed = self.feed
        if feed is not None:
            self.dismiss(feed.id)

    def action_refresh_feed(self) -> None:
        feed = self.feed
        if feed is not None:
            self.fetch_feed(feed.url)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        options.action_cursor_down() if step > 0 else options.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
