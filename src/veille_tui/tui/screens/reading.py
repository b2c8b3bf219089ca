"""The reading mode: the article full screen, opened by `enter` below 100 columns (or at any
width with `[tui] reading = "full"`). Its keys are the main screen's moves and entry keys (same
bindings, same ids: screens/keys.py), run by the main screen on the article shown; `backspace`,
`escape` or `q` go back to the list, its cursor on the entry last read. The screen is made once
and pushed again each time (nothing to compose: `enter` paints the article at once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen

from veille_tui.tui.bindings import key_bar_items
from veille_tui.tui.screens.keys import ENTRY_KEYS, MOVE_KEYS, READING_BAR, READING_KEYS
from veille_tui.tui.widgets.article import ArticleView
from veille_tui.tui.widgets.keybar import KeyBar
from veille_tui.tui.widgets.question import Question
from veille_tui.tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from veille_tui.tui.screens.cves import CvePivot
    from veille_tui.tui.screens.iocs import IocPivot
    from veille_tui.tui.screens.parts.host import Host

    class Main(Host, Protocol):
        """The main screen, as this screen sees it."""

        @property
        def cve_pivot(self) -> CvePivot: ...

        @property
        def ioc_pivot(self) -> IocPivot: ...

        def answered(self, topic: str, yes: bool) -> None: ...


READING_BELOW = 100  # columns: below, `enter` opens the article full screen ([tui] reading = "auto")
# the actions the main screen runs for this screen (on the article shown)
FORWARDED = frozenset(b.action for b in (*MOVE_KEYS, *ENTRY_KEYS) if isinstance(b, Binding))


class ReadingScreen(Screen[None]):
    """The article full screen, a status line and the key bar."""

    BINDINGS: ClassVar[list[BindingType]] = READING_KEYS

    def __init__(self, main: Main) -> None:
        super().__init__(id="reading-screen")
        self.main = main
        self.is_open = False
        self.article = ArticleView(id="reading-article")
        self.status = StatusLine(id="reading-status")
        self.keys = KeyBar(id="reading-keys")
        self.question = Question(id="reading-question")

    def compose(self) -> ComposeResult:
        yield self.article
        with Vertical(id="reading-bottom"):
            yield self.status
            yield self.keys
            yield self.question

    def on_mount(self) -> None:
        self.keys.set_items(key_bar_items(self.app, (self.article, self.app, self), order=READING_BAR))
        self.watch(self.article, "scroll_y", self.main.update_status, init=False)

    def wanted(self) -> bool:
        """`enter` opens the article here: `[tui] reading`, or below 100 columns."""
        mode = self.main.lib.settings.reading
        return mode == "full" or (mode == "auto" and self.app.size.width < READING_BELOW)

    def status_lines(self) -> list[StatusLine]:
        return [self.status] if self.is_open else []

    def open(self) -> None:
        """Shown over the main screen (the article shown next goes here)."""
        if self.is_open:
            return
        self.is_open = True
        if not self.app.is_screen_installed(self):
            self.app.install_screen(self, "reading")
        self.app.push_screen(self)
        self.article.focus()

    def action_leave(self) -> None:
        """Back to the list, its cursor on the entry last read."""
        if not self.is_open:
            return
        self.is_open = False
        self.app.pop_screen()
        main = self.main
        entry_id = main.entries.current_id
        if entry_id is not None:
            main.show_entry(entry_id)
        main.entries.focus()
        main.update_status()

    def action_cves(self) -> None:
        """`c`: the CVE view, of this article's CVE ids first, over the list."""
        self.action_leave()
        self.main.cve_pivot.open(in_article=True)

    def action_iocs(self) -> None:
        """`I`: the IOC view of the list, over it."""
        self.action_leave()
        self.main.ioc_pivot.open()

    @on(Question.Answered, "#reading-question")
    def answered(self, event: Question.Answered) -> None:
        event.stop()
        self.main.answered(event.topic, event.yes)

    def __getattr__(self, name: str) -> Any:
        """`action_<name>` of the moves and entry keys: the main screen's."""
        if name.startswith("action_") and name.removeprefix("action_") in FORWARDED:
            return getattr(self.main, name)
        raise AttributeError(name)
