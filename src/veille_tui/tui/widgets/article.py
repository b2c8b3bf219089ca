"""The article view: a compact header (the title, then one line: date, source, CVE ids, watch
terms, marks), the info block `i` shows under it (widgets/article_header.py), the Markdown body
(the feed's summary, or the article's full text when one is stored and asked for: `f`), its links,
the related stories (the other entries of its cluster) and the info block again at the end.

A line-API widget: the entry is rendered once into strips (`rich.markdown.Markdown`, about 50 ms
for a 2 KB post where Textual's `Markdown` widget takes 220-390 ms), kept, and painted line by
line. Showing another entry repaints the pane once, nothing else of the screen (no layout pass,
no second paint). CVE ids are highlighted; kramdown attribute lists (`{:target="_blank"}`) are
removed first. Everything shown comes from the `ArticleContent` given (core.models, read by
`Library.article` in a worker): the widget never touches the store, and no text of it is parsed
as markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from rich.console import Console, ConsoleOptions, RenderableType
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip

from veille_tui.core.article import Link
from veille_tui.core.models import ArticleContent, CveIntel, Entry, FullText, Ioc
from veille_tui.core.text import CVE_RE, clean_line
from veille_tui.tui.bindings import set_virtual_height
from veille_tui.tui.lru import LRU
from veille_tui.tui.widgets.article_body import Body, BodyKey, article_body, markdown_class
from veille_tui.tui.widgets.article_header import info_lines, meta_line
from veille_tui.tui.widgets.entry_columns import marker_glyphs
from veille_tui.tui.widgets.lines import LineView

ABOUT = "About this entry (i: under the title)"  # the info block's heading, at the end of the article
RELATED_LIMIT = 30  # related stories listed at the end and by `L` (given one more: there are more)


class ArticleView(LineView, can_focus=True):
    """The article shown, rendered."""

    DEFAULT_CSS = """
    ArticleView {
        min-width: 20;
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """

    COMPONENT_CLASSES = {
        "article--title",
        "article--date",
        "article--source",
        "article--archived",
        "article--unread",
        "article--starred",
        "article--tag",
        "article--cve",
        "article--link",
        "article--muted",
        "article--term",
        "article--kev",
        "article--epss",
        "article--fulltext",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="article.up"),
        # `space` is the screen's: it pages the article, and at its end opens the next unread
        Binding("pagedown", "page_down", "Page down", show=False, id="article.page_down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="article.page_up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="article.bottom"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.content: ArticleContent | None = None
        self.message: str | None = None
        self.lines: list[Strip] = []
        self._key: BodyKey | None = None
        self._header_height = 0
        self._bodies: LRU[BodyKey, tuple[list[Strip], tuple[Link, ...]]] = LRU(32)
        self.terms: re.Pattern[str] | None = None  # the query's words, highlighted
        self.links: tuple[Link, ...] = ()  # the body's links, by number (`L`)
        self.showing_full = False  # the full text is shown instead of the feed's summary
        self.info_shown = False  # `i`: the info block under the header
        self._glyphs = marker_glyphs()

    @property
    def entry(self) -> Entry | None:
        return self.content.entry if self.content is not None else None

    @property
    def entry_id(self) -> int | None:
        return self.content.entry.id if self.content is not None else None

    @property
    def intel(self) -> Mapping[str, CveIntel]:
        return self.content.intel if self.content is not None else {}

    @property
    def iocs(self) -> tuple[Ioc, ...]:
        return self.content.iocs if self.content is not None else ()

    @property
    def related(self) -> tuple[Entry, ...]:
        return self.content.related if self.content is not None else ()

    @property
    def full(self) -> FullText | None:
        return self.content.full if self.content is not None else None

    # --- what to show -----------------------------------------------------------------------

    @property
    def at_end(self) -> bool:
        """The last line is on screen."""
        return self.scroll_offset.y >= self.max_scroll_y

    def show(
        self,
        content: ArticleContent,
        *,
        keep_scroll: bool = False,
        terms: re.Pattern[str] | None = None,
        showing_full: bool = False,
    ) -> None:
        """Render `content` (its entry carries its body); `terms`: the words of the query to
        highlight (`core.article.term_pattern`); `showing_full`: its stored full text instead of
        the body, when there is one."""
        same = self.entry_id == content.entry.id
        self.content = content
        self.showing_full = showing_full
        self.terms = terms
        self.message = None
        self._render_lines()
        if not (same and keep_scroll):
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def update_header(self, entry: Entry) -> None:
        """The entry's state changed (read, starred): redraw the header alone."""
        if self.content is None or self.content.entry.id != entry.id:
            return
        # the state alone: the body, the watch terms... stay as they are (a list row has none)
        entry = replace(self.content.entry, read=entry.read, starred=entry.starred)
        old = len(self.lines)
        self.content = replace(self.content, entry=entry)
        self._render_lines()
        if len(self.lines) == old:
            self.refresh_lines(0, self._header_height)
        else:
            self.refresh()

    def toggle_info(self) -> bool:
        """`i`: the info block under the header, or not (True: shown now)."""
        self.info_shown = not self.info_shown
        if self.content is not None:
            self._render_lines()
            self.refresh()
        return self.info_shown

    @property
    def shown_body(self) -> str | None:
        """The Markdown shown: the full text when asked for and there is one, else the entry's."""
        if self.full_text_shown and self.full is not None:
            return self.full.markdown
        return self.entry.body if self.entry is not None else None

    @property
    def full_text_shown(self) -> bool:
        return self.showing_full and self.full is not None and self.full.ok

    def show_message(self, text: str) -> None:
        self.content = None
        self.showing_full = False
        self.links = ()
        self.message = text
        self._render_lines()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    # --- rendering --------------------------------------------------------------------------

    def _styles(self) -> tuple[Style, ...]:
        return tuple(self.get_component_rich_style(name) for name in sorted(self.COMPONENT_CLASSES))

    def _style(self, name: str) -> Style:
        # not partial: colours with an alpha ($text-muted) are blended with the background here
        return self.get_component_rich_style(f"article--{name}")

    def _strips(self, text: RenderableType, console: Console, options: ConsoleOptions) -> list[Strip]:
        return [Strip(line) for line in console.render_lines(Body(text, None, Style()), options, pad=False)]

    def _render_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            self.lines = []
            self._key = None
            return
        styles = self._styles()
        console = self.app.console
        options = console.options.update(width=width, highlight=False, markup=False)
        if self.content is None:
            self.lines = self._strips(Text(self.message or "", style=self._style("muted")), console, options)
            self._key = None
            self._set_height()
            return
        entry = self.content.entry
        lines = self._title(entry, console, options)
        lines += self._strips(meta_line(entry, self.intel, self._glyphs, self._style), console, options)[:1]
        if self.info_shown:
            lines += self._info(console, options)
        self._header_height = len(lines)
        body_text = self.shown_body
        key = (entry.id, hash(body_text), width, styles, self.terms.pattern if self.terms else "")
        rendered = self._bodies.get(key)
        if rendered is None:
            rendered = self._render_body(body_text, console, options)
            self._bodies[key] = rendered
        body, self.links = rendered
        about = self._strips(Text(ABOUT, style=self._style("muted")), console, options)
        self.lines = (
            lines + body + self._related_list(console, options) + [Strip([]), *about, *self._info(console, options)]
        )
        self._key = key
        self._set_height()

    def _title(self, entry: Entry, console: Console, options: ConsoleOptions) -> list[Strip]:
        """The title on two lines at most (cut with `…`)."""
        title = clean_line(entry.title) or "(untitled)"
        lines = self._strips(Text(title, style=self._style("title")), console, options)
        if len(lines) <= 2:
            return lines
        width = max(options.max_width - 3, 1)
        second = lines[1].text.strip()
        cut = Text((second[: width - 1] if len(second) >= width else second) + "…", style=self._style("title"))
        return [lines[0], *self._strips(cut, console, options)[:1]]

    def _info(self, console: Console, options: ConsoleOptions) -> list[Strip]:
        entry = self.content.entry if self.content is not None else None
        if entry is None:
            return []
        lines = info_lines(entry, self.intel, self.full, self.full_text_shown, self._style, self.iocs)
        return self._strips(Text("\n").join(lines), console, options)

    def _render_body(
        self, body_text: str | None, console: Console, options: ConsoleOptions
    ) -> tuple[list[Strip], tuple[Link, ...]]:
        article = article_body(body_text)
        if not article.markdown:
            text = Text(" (no text in this entry: o opens its link)", style=self._style("muted"))
            return [Strip(line) for line in console.render_lines(text, options, pad=False)], ()
        markdown = markdown_class()(article.markdown, hyperlinks=True)
        body = Body(
            markdown, CVE_RE, self._style("cve"), terms=self.terms, term_style=self._style("term"), squeeze=True
        )
        lines = [Strip(line) for line in console.render_lines(body, options, pad=False)]
        if article.links:
            lines += [Strip([]), *self._links_list(article.links, console, options)]
        return lines, article.links

    def _links_list(self, links: tuple[Link, ...], console: Console, options: ConsoleOptions) -> list[Strip]:
        """`Links` and each link as `[n] URL` (L picks one to open or copy)."""
        width = len(str(len(links))) + 2
        items = [Text("Links (L: open or copy one)", style=self._style("muted"))]
        for link in links:
            number = f"[{link.number}]".rjust(width) + " "
            items.append(Text.assemble((number, self._style("muted")), (clean_line(link.url), self._style("link"))))
        return self._strips(Text("\n").join(items), console, options)

    def _related_list(self, console: Console, options: ConsoleOptions) -> list[Strip]:
        """`Related stories` and each other story of the cluster: date, source, title."""
        if not self.related:
            return []
        items = [Text("Related stories (L: open one)", style=self._style("muted"))]
        for other in self.related[:RELATED_LIMIT]:
            items.append(
                Text.assemble(
                    ((other.date or "")[:10] + "  ", self._style("date")),
                    (clean_line(other.source) + "  " if other.source else "", self._style("source")),
                    (clean_line(other.title) or "(untitled)", Style()),
                )
            )
        if len(self.related) > RELATED_LIMIT:
            items.append(Text("and more in this cluster (M marks it all read)", style=self._style("muted")))
        return [Strip([]), *self._strips(Text("\n").join(items), console, options)]

    def _set_height(self) -> None:
        size = Size(0, len(self.lines))
        if size == self.virtual_size:
            return
        if not self.is_mounted or not self.container_size:
            self.virtual_size = size
            return
        set_virtual_height(self, size.height)  # the scrollbar is always there: no layout pass

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        base = self._base_style()
        if 0 <= index < len(self.lines):
            return self.lines[index].apply_style(base).adjust_cell_length(width, base)
        return Strip.blank(width, base)

    def on_resize(self, event: events.Resize) -> None:
        if self.content is not None or self.message is not None:
            self._render_lines()
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # a theme change restyles the text; a focus change (also a style update) does not
        if (self.content is not None or self.message is not None) and self.is_mounted:
            styles = self._styles()
            if self._key is not None and self._key[3] == styles:
                return
            self.call_later(self._rerender)

    def _rerender(self) -> None:
        self._render_lines()
        self.refresh()

    def header(self, entry: Entry) -> Text:
        """Everything the article says of the entry besides its body, as text: title, the meta
        line, the info block."""
        meta = meta_line(entry, self.intel, self._glyphs, self._style)
        info = info_lines(entry, self.intel, self.full, self.full_text_shown, self._style, self.iocs)
        return Text("\n").join([Text(clean_line(entry.title) or "(untitled)"), meta, *info])

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and the log)."""
        return "\n".join(line.text.rstrip() for line in self.lines)
