"""The article view: a header (title, date, source, tags, link) and the Markdown body.

The body is rendered by `rich.markdown.Markdown` in a `Static` (about 50 ms for a 2 KB post, where
Textual's `Markdown` widget takes 220-390 ms), wrapped so that CVE ids are highlighted. Kramdown
attribute lists (`{:target="_blank"}`) are removed first. Everything shown comes from the entry
given: the widget never touches the store, and no text of it is parsed as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from veille_tui.core.models import Entry
from veille_tui.core.text import CVE_RE, clean, clean_line, strip_attribute_lists


class RegexHighlight:
    """A Rich renderable that adds a style to what a regex matches, line by line, in the
    output of another renderable (matches are expected not to span a line break)."""

    def __init__(self, renderable: RenderableType, pattern: re.Pattern[str], style: Style) -> None:
        self.renderable = renderable
        self.pattern = pattern
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = console.render_lines(self.renderable, options, pad=False, new_lines=False)
        new_line = Segment.line()
        for line in lines:
            text = "".join(segment.text for segment in line)
            if self.pattern.search(text):
                yield from _restyle(line, text, self.pattern, self.style)
            else:
                yield from line
            yield new_line


def _restyle(line: list[Segment], text: str, pattern: re.Pattern[str], style: Style) -> Iterable[Segment]:
    # character offsets of every segment boundary and match boundary
    spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
    position = 0
    for segment in line:
        if segment.control:
            yield segment
            continue
        start, end = position, position + len(segment.text)
        position = end
        cuts = sorted({start, end, *(p for s, e in spans for p in (s, e) if start < p < end)})
        for a, b in zip(cuts, cuts[1:]):
            piece = segment.text[a - start:b - start]
            inside = any(s <= a and b <= e for s, e in spans)
            yield Segment(piece, (segment.style + style) if inside and segment.style else style if inside else segment.style)


def body_markdown(entry: Entry) -> str:
    """The Markdown to show for an entry: cleaned, attribute lists removed."""
    return strip_attribute_lists(clean(entry.body or "")).strip()


class ArticleView(VerticalScroll, can_focus=True):
    """The selected entry, rendered."""

    DEFAULT_CSS = """
    ArticleView {
        min-width: 20;
        padding: 0 1;
        #article-header { width: 1fr; height: auto; padding-bottom: 1; }
        #article-body { width: 1fr; height: auto; }
    }
    """

    COMPONENT_CLASSES = {"article--cve"}

    BINDINGS: list[BindingType] = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("space,pagedown", "page_down", "Page down", show=False, id="article.page_down"),
        Binding("b,pageup", "page_up", "Page up", show=False, id="article.page_up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="article.bottom"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.entry: Entry | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="article-header", markup=False)
        yield Static(id="article-body", markup=False)

    @property
    def entry_id(self) -> int | None:
        return self.entry.id if self.entry else None

    def show(self, entry: Entry, *, keep_scroll: bool = False) -> None:
        """Render `entry` (which must carry its body)."""
        same = self.entry is not None and self.entry.id == entry.id
        self.entry = entry
        self.query_one("#article-header", Static).update(self.header(entry))
        markdown = body_markdown(entry)
        body: RenderableType | Content
        if markdown:
            from rich.markdown import Markdown  # imported on first use: not needed for the first paint

            body = RegexHighlight(Markdown(markdown, hyperlinks=True), CVE_RE, self.get_component_rich_style("article--cve"))
        else:
            body = Content.styled("(no text in this entry: o opens its link)", "$text-muted italic")
        self.query_one("#article-body", Static).update(body)
        if not (same and keep_scroll):
            self.scroll_home(animate=False, immediate=True)

    def update_header(self, entry: Entry) -> None:
        """The entry's state changed (read, starred, archived): redraw the header alone."""
        if self.entry is not None and self.entry.id == entry.id:
            self.entry = entry if entry.body is not None else _with_body(entry, self.entry.body)
            self.query_one("#article-header", Static).update(self.header(self.entry))

    def show_message(self, text: str) -> None:
        self.entry = None
        self.query_one("#article-header", Static).update(Content.styled(text, "$text-muted"))
        self.query_one("#article-body", Static).update("")

    def header(self, entry: Entry) -> Content:
        parts: list[Content] = [Content.styled(clean_line(entry.title) or "(untitled)", "bold")]
        meta = [Content.styled((entry.date or "")[:16].replace("T", " "), "$veille-date")]
        if entry.source:
            meta.append(Content.styled(clean_line(entry.source), "$veille-source"))
        meta.append(Content.styled("archived", "$veille-archived") if entry.archived else Content.styled("not archived", "$text-muted"))
        if not entry.read:
            meta.append(Content.styled("unread", "$veille-unread"))
        if entry.starred:
            meta.append(Content.styled("starred", "$veille-starred"))
        parts.append(Content(" · ").join(meta))
        if entry.tags:
            parts.append(Content(" ").join(Content.styled("#" + tag, "$veille-tag") for tag in entry.tags))
        if entry.cves:
            parts.append(Content(" ").join(Content.styled(cve, "bold $veille-cve") for cve in entry.cves))
        if entry.link:
            parts.append(Content.styled(clean_line(entry.link), "underline $text-accent"))
        if entry.feeds:
            parts.append(Content.styled("via " + ", ".join(clean_line(f) for f in entry.feeds), "$text-muted"))
        if entry.file:
            parts.append(Content.styled(clean_line(entry.file), "$text-muted"))
        return Content("\n").join(parts)


def _with_body(entry: Entry, body: str | None) -> Entry:
    from dataclasses import replace

    return replace(entry, body=body)
