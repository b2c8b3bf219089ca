"""The sidebar: views, tags with their counts, feeds with their unread counts, saved queries.

Each choice is an `OptionList` option whose id says what it selects (`view:all`, `tag:NAME`,
`feed:ID`, `query:N`); section titles are disabled options the cursor skips. Prompts are `Content`
built from plain text (feed titles are untrusted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from veille_tui.core.models import FeedStatus
from veille_tui.core.text import clean_line

VIEWS: tuple[tuple[str, str, str], ...] = (
    # id, label, query
    ("all", "All entries", ""),
    ("unread", "Unread", "is:unread"),
    ("starred", "Starred", "is:starred"),
)


@dataclass(frozen=True)
class Choice:
    """What a sidebar option selects: a query, and how to name it."""

    id: str
    label: str
    query: str

    @property
    def kind(self) -> str:
        return self.id.partition(":")[0]


def _quote(value: str) -> str:
    return '"' + value.replace('"', "") + '"' if any(c.isspace() for c in value) else value


class Sidebar(OptionList):
    """Views, tags, feeds and saved queries. Enter (or a click) selects one."""

    DEFAULT_CSS = """
    Sidebar {
        min-width: 16;
        & > .option-list--option-disabled { color: $text-muted; text-style: bold; }
    }
    """

    BINDINGS: list[BindingType] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="sidebar.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="sidebar.up"),
        Binding("home,g", "first", "First", show=False, id="sidebar.first"),
        Binding("end,G", "last", "Last", show=False, id="sidebar.last"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.choices: dict[str, Choice] = {}
        self.tag_ids: list[str] = []
        self._counts: dict[str, int] = {}
        self._feeds: dict[str, FeedStatus] = {}

    def fill(
        self,
        tag_counts: Mapping[str, int],
        feeds: Sequence[FeedStatus] | None,
        queries: Iterable[tuple[str, str]],
        view_counts: Mapping[str, int] | None = None,
        active: str | None = None,
    ) -> None:
        """(Re)build the options; the highlight stays on `active` (or the current one)."""
        keep = active or self.highlighted_id
        if feeds is None:  # not loaded yet: keep those shown
            feeds = list(self._feeds.values())
        choices: dict[str, Choice] = {}
        options: list[Option] = []
        width = max(self.scrollable_content_region.width, 14)
        view_counts = view_counts or {}
        options.append(Option(Content("Views"), id="head:views", disabled=True))
        for view_id, label, query in VIEWS:
            choice = Choice(f"view:{view_id}", label, query)
            choices[choice.id] = choice
            options.append(Option(self._prompt(label, view_counts.get(view_id), width), id=choice.id))
        self.tag_ids = []
        if tag_counts:
            options.append(Option(Content("Tags"), id="head:tags", disabled=True))
            for tag, count in tag_counts.items():
                choice = Choice(f"tag:{tag}", tag, "+" + tag)
                choices[choice.id] = choice
                self.tag_ids.append(choice.id)
                options.append(Option(self._prompt(tag, count, width), id=choice.id))
        self._feeds = {}
        if feeds:
            options.append(Option(Content("Feeds"), id="head:feeds", disabled=True))
            for feed in feeds:
                title = clean_line(feed.title) or clean_line(feed.url)
                choice = Choice(f"feed:{feed.id}", title, "feed:" + _quote(feed.url))
                choices[choice.id] = choice
                self._feeds[choice.id] = feed
                options.append(Option(self._feed_prompt(feed, width), id=choice.id))
        queries = list(queries)
        if queries:
            options.append(Option(Content("Queries"), id="head:queries", disabled=True))
            for n, (name, query) in enumerate(queries):
                choice = Choice(f"query:{n}", clean_line(name), query)
                choices[choice.id] = choice
                options.append(Option(self._prompt(clean_line(name), None, width), id=choice.id))
        self.choices = choices
        self._counts = dict(tag_counts)
        self.set_options(options)
        self.highlight_id(keep if keep in choices else "view:all")

    def _prompt(self, label: str, count: int | None, width: int) -> Content:
        if count is None:
            return Content(label)
        number = f"{count:,}".replace(",", "\u202f") if count >= 10_000 else str(count)
        room = max(width - cell_len(number) - 1, 1)
        label = label if cell_len(label) <= room else label[: max(room - 1, 1)] + "…"
        return Content.assemble(label, " " * max(width - cell_len(label) - cell_len(number), 1), (number, "$text-muted"))

    def _feed_prompt(self, feed: FeedStatus, width: int) -> Content:
        title = clean_line(feed.title) or clean_line(feed.url)
        prompt = self._prompt(title, feed.unread if feed.unread else None, width)
        if feed.last_error:
            prompt = Content.assemble(("! ", "$text-error"), prompt)
        return prompt

    @property
    def highlighted_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def highlight_id(self, choice_id: str) -> None:
        try:
            self.highlighted = self.get_option_index(choice_id)
        except Exception:  # OptionDoesNotExist
            pass

    def feed(self, choice_id: str) -> FeedStatus | None:
        return self._feeds.get(choice_id)

    def feed_by_title(self, title: str) -> FeedStatus | None:
        for feed in self._feeds.values():
            if feed.title == title or feed.url == title:
                return feed
        return None

    def adjust_unread(self, feed_titles: Iterable[str], delta: int) -> None:
        """An entry of these feeds was read (-1) or marked unread (+1): update their counts."""
        width = max(self.scrollable_content_region.width, 14)
        for title in feed_titles:
            for choice_id, feed in self._feeds.items():
                if feed.title == title:
                    from dataclasses import replace

                    feed = replace(feed, unread=max(feed.unread + delta, 0))
                    self._feeds[choice_id] = feed
                    self.replace_option_prompt(choice_id, self._feed_prompt(feed, width))

    def next_tag(self, current: str | None, step: int) -> str | None:
        """The tag after (step=1) or before (step=-1) `current`, wrapping around."""
        if not self.tag_ids:
            return None
        if current not in self.tag_ids:
            return self.tag_ids[0] if step > 0 else self.tag_ids[-1]
        index = (self.tag_ids.index(current) + step) % len(self.tag_ids)
        return self.tag_ids[index]
