"""What a part of the main screen is given: the `Host` (the screen, as the parts see it) and the
`ViewState` every part reads (the view shown, the counts, what is being marked)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from textual.message import Message
from textual.widget import Widget

from veille_tui.core.library import Library
from veille_tui.core.models import ArticleContent, FeedStatus
from veille_tui.tui.list_reader import ListReader
from veille_tui.tui.timings import Timings
from veille_tui.tui.watcher import StoreWatcher
from veille_tui.tui.widgets.article import ArticleView
from veille_tui.tui.widgets.entry_list import EntryList
from veille_tui.tui.widgets.question import Question
from veille_tui.tui.widgets.sidebar import VIEWS, Choice, Sidebar


@dataclass
class ViewState:
    """The view shown and what the screen knows of the store."""

    choice: Choice = field(default_factory=lambda: Choice("view:all", VIEWS[0][1], ""))
    query_text: str = ""  # the filter in force (a query string)
    total: int = 0  # entries in the store
    tag_counts: dict[str, int] = field(default_factory=dict)
    view_counts: dict[str, int | None] = field(default_factory=dict)  # the sidebar's views (None: not in this store)
    feeds: list[FeedStatus] | None = None
    marking: set[int] = field(default_factory=set)  # being marked read by a worker (`A`): shown read already
    full_text_ids: set[int] = field(default_factory=set)  # entries whose full text the reader asked to see
    activity: str = ""  # index / fetch progress shown in the status line
    sync: str = ""  # the team server's trouble, if any, shown in the status line
    config: str = ""  # the config read again, or why it could not be (the last good one kept)

    def view_label(self) -> str:
        return (self.query_text or "All entries") if self.choice.id == "query" else self.choice.label


class Host(Protocol):
    """The main screen as its parts see it."""

    lib: Library
    offline: bool
    state: ViewState
    timings: Timings
    watcher: StoreWatcher
    list_reader: ListReader

    @property
    def app(self) -> Any: ...
    @property
    def focused(self) -> Any: ...
    @property
    def workers(self) -> Any: ...
    @property
    def entries(self) -> EntryList: ...
    @property
    def sidebar(self) -> Sidebar: ...
    @property
    def article(self) -> ArticleView:
        """The article on screen: the reading screen's when it is shown, else the pane's."""
        ...

    @property
    def question(self) -> Question:
        """The one-key question line on screen (`A`, `M`, `P`)."""
        ...

    @property
    def keys(self) -> Widget:
        """The key bar on screen (the question takes its place)."""
        ...

    @property
    def reading(self) -> bool:
        """The article is shown full screen (the reading screen, or `z`)."""
        ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...
    def post_message(self, message: Message) -> bool: ...

    @property
    def run_worker(self) -> Callable[..., Any]: ...
    @property
    def set_timer(self) -> Callable[..., Any]: ...
    @property
    def set_interval(self) -> Callable[..., Any]: ...

    # the screen's routing, for what a part's work means for the others
    def update_status(self) -> None: ...
    def set_activity(self, text: str) -> None: ...
    def open_entry(self, entry_id: int, timing: str = "article_painted") -> None:
        """Show the entry in the article and mark it read (enter, n, N, J, K, space at the end)."""
        ...

    def show_entry(self, entry_id: int, then: Callable[[], None] | None = None) -> None:
        """Show the entry in the article (not marked read); `then` once it is shown."""
        ...

    def refresh_article(self, content: ArticleContent) -> None:
        """Something of the entry shown changed (its full text, `f`): kept, shown in place."""
        ...

    def reload_article(self, entry_id: int) -> None:
        """What is kept of the entry is stale: read again, and shown again if it is shown."""
        ...

    def apply(self, query: str, choice: Choice | None = None, *, going_back: bool = False) -> str | None: ...
    def apply_choice(self, choice_id: str) -> None: ...
    def back_to_view(self) -> None:
        """The view shown before (`backspace`)."""
        ...

    def fill_sidebar(self) -> None:
        """The sidebar from the state's counts and feeds."""
        ...

    def reload(self) -> None:
        """The store changed under the screen: counts, sidebar, list, article."""
        ...
