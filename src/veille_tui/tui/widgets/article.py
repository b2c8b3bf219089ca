"""The article view: a header (title, date, source, tags, watch terms, link), the Markdown body
(the feed's summary, or the article's full text when one is stored and asked for: `f`, marked in
the header), its links and the related stories (the other entries of its cluster).

A line-API widget: the entry is rendered once into strips (`rich.markdown.Markdown`, about 50 ms
for a 2 KB post where Textual's `Markdown` widget takes 220-390 ms), kept, and painted line by
line. Showing another entry repaints the pane once, nothing else of the screen (no layout pass,
no second paint). CVE ids are highlighted; kramdown attribute lists (`{:target="_blank"}`) are
removed first. Everything shown comes from the entry given: the widget never touches the store,
and no text of it is parsed as markup.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip

from veille_tui.core.article import Article, Link, find_terms, prepare
from veille_tui.core.models import CveIntel, Entry, FullText
from veille_tui.core.text import CVE_RE, clean, clean_line, strip_attribute_lists
from veille_tui.tui.bindings import set_virtual_height
from veille_tui.tui.lru import LRU
from veille_tui.tui.widgets.lines import LineView

if TYPE_CHECKING:
    from rich.markdown import Markdown

CVE_LINES = 8  # CVE ids of the header shown with their KEV and EPSS data (the others on one line)
RELATED_LIMIT = 30  # related stories listed at the end and by `L` (given one more: there are more)


class Body:
    """A Rich renderable for the article body: another renderable (the Markdown) with a margin
    of one cell each side, the matches of a regex (CVE ids) styled, and as few segments per
    line as it can (margins and trailing spaces join their neighbours: every segment costs an
    SGR sequence on a slow link). Matches are expected not to span a line break."""

    def __init__(
        self,
        renderable: RenderableType,
        pattern: re.Pattern[str] | None,
        style: Style,
        margin: int = 1,
        *,
        terms: re.Pattern[str] | None = None,
        term_style: Style | None = None,
        squeeze: bool = False,
    ) -> None:
        self.renderable = renderable
        self.pattern = pattern
        self.style = style
        self.margin = margin
        self.terms = terms  # a query's words (core.article.term_pattern), found accents ignored
        self.term_style = term_style or style
        self.squeeze = squeeze  # runs of blank lines shown as one (around code blocks and tables)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        inner = max(width - 2 * self.margin, 1)
        lines = console.render_lines(self.renderable, options.update_width(inner), pad=False, new_lines=False)
        new_line = Segment.line()
        blank = True  # no blank line first, nor two in a row, when squeezed
        for line in lines:
            text = "".join(segment.text for segment in line)
            if self.squeeze:
                if not text.strip():
                    if blank:
                        continue
                    blank = True
                else:
                    blank = False
            if self.pattern is not None and self.pattern.search(text):
                line = list(_restyle(line, [(m.start(), m.end()) for m in self.pattern.finditer(text)], self.style))
            if self.terms is not None:
                spans = find_terms(text, self.terms)
                if spans:
                    line = list(_restyle(line, spans, self.term_style))
            yield from _tidy(line, width, self.margin)
            yield new_line


def _restyle(line: list[Segment], spans: list[tuple[int, int]], style: Style) -> Iterable[Segment]:
    """The segments of `line`, cut at `spans` (offsets in the line's text), spans styled."""
    position = 0
    for segment in line:
        if segment.control:
            yield segment
            continue
        start, end = position, position + len(segment.text)
        position = end
        cuts = sorted({start, end, *(p for s, e in spans for p in (s, e) if start < p < end)})
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = segment.text[a - start : b - start]
            inside = any(s <= a and b <= e for s, e in spans)
            yield Segment(
                piece, (segment.style + style) if inside and segment.style else style if inside else segment.style
            )


# what a rendered body is kept under: (entry id, hash of its body, width, the component styles,
# the query's words highlighted)
BodyKey = tuple[int, int, int, tuple[Style, ...], str]

_VISIBLE_ON_SPACES = ("underline", "strike", "reverse", "overline", "underline2")


def _blank_safe(style: Style | None) -> bool:
    """Spaces in this style look like plain spaces (same background, no lines)."""
    if style is None:
        return True
    return style.bgcolor is None and not any(getattr(style, attr, False) for attr in _VISIBLE_ON_SPACES)


def _tidy(line: list[Segment], width: int, margin: int) -> list[Segment]:
    segments = [s for s in line if s.text or s.control]
    segments = list(Segment.simplify(segments))
    length = sum(cell_len(s.text) for s in segments if not s.control)
    left, right = " " * margin, " " * max(width - length - margin, 0)
    if segments and _blank_safe(segments[0].style) and not segments[0].control:
        segments[0] = Segment(left + segments[0].text, segments[0].style)
    else:
        segments.insert(0, Segment(left))
    if segments and _blank_safe(segments[-1].style) and not segments[-1].control:
        segments[-1] = Segment(segments[-1].text + right, segments[-1].style)
    elif right:
        segments.append(Segment(right))
    # a space between two segments can go to either: give it to the one before
    merged: list[Segment] = []
    for segment in segments:
        if (
            merged
            and segment.text.isspace()
            and _blank_safe(segment.style)
            and _blank_safe(merged[-1].style)
            and not merged[-1].control
        ):
            merged[-1] = Segment(merged[-1].text + segment.text, merged[-1].style)
        else:
            merged.append(segment)
    return merged


def body_markdown(body: str | None) -> str:
    """The Markdown to show for a body: cleaned, attribute lists removed."""
    return strip_attribute_lists(clean(body or "")).strip()


def article_body(body: str | None) -> Article:
    """The body as shown: its links numbered (listed at the end), images as `[image: alt]`."""
    return prepare(body_markdown(body))


@functools.cache
def _markdown_class() -> type[Markdown]:
    """Rich's Markdown, its code blocks without the padding line above and below (imported on
    first use: not needed for the first paint)."""
    from rich.markdown import CodeBlock, Markdown
    from rich.syntax import Syntax

    class Code(CodeBlock):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            code = str(self.text).rstrip()
            yield Syntax(code, self.lexer_name, theme=self.theme, word_wrap=True, padding=(0, 1))

    class ArticleMarkdown(Markdown):
        elements = {**Markdown.elements, "fence": Code, "code_block": Code}

    return ArticleMarkdown


class ArticleView(LineView, can_focus=True):
    """The selected entry, rendered."""

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
        self.entry: Entry | None = None
        self.message: str | None = None
        self.lines: list[Strip] = []
        self._key: BodyKey | None = None
        self._header_height = 0
        self._bodies: LRU[BodyKey, tuple[list[Strip], tuple[Link, ...]]] = LRU(32)
        self.terms: re.Pattern[str] | None = None  # the query's words, highlighted
        self.links: tuple[Link, ...] = ()  # the body's links, by number (`L`)
        self.intel: Mapping[str, CveIntel] = {}  # the KEV and EPSS data of the entry's CVE ids
        self.related: tuple[Entry, ...] = ()  # the other stories of its cluster, listed at the end (`L`)
        self.full: FullText | None = None  # the entry's stored full text (or its last failure)
        self.showing_full = False  # the full text is shown instead of the feed's summary

    @property
    def entry_id(self) -> int | None:
        return self.entry.id if self.entry else None

    # --- what to show -----------------------------------------------------------------------

    @property
    def at_end(self) -> bool:
        """The last line is on screen."""
        return self.scroll_offset.y >= self.max_scroll_y

    def show(
        self,
        entry: Entry,
        *,
        keep_scroll: bool = False,
        terms: re.Pattern[str] | None = None,
        intel: Mapping[str, CveIntel] | None = None,
        full: FullText | None = None,
        showing_full: bool | None = None,
        related: Sequence[Entry] | None = None,
    ) -> None:
        """Render `entry` (which must carry its body); `terms`: the words of the query to
        highlight (`core.article.term_pattern`); `intel`: what is known of its CVE ids (KEV,
        EPSS); `full`: its stored full text, shown instead of the body when `showing_full`;
        `related`: the other stories of its cluster (all kept when the same entry is shown again
        without them)."""
        same = self.entry is not None and self.entry.id == entry.id
        if intel is not None or not same:
            self.intel = intel or {}
        if full is not None or not same:
            self.full = full
        if showing_full is not None or not same:
            self.showing_full = bool(showing_full)
        if related is not None or not same:
            self.related = tuple(related or ())
        self.entry = entry
        self.terms = terms
        self.message = None
        self._render_lines()
        if not (same and keep_scroll):
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def update_header(self, entry: Entry) -> None:
        """The entry's state changed (read, starred, archived): redraw the header alone."""
        if self.entry is None or self.entry.id != entry.id:
            return
        if entry.body != self.entry.body:  # the header alone: the body stays as it is
            from dataclasses import replace

            entry = replace(entry, body=self.entry.body)
        old = len(self.lines)
        self.entry = entry
        self._render_lines()
        if len(self.lines) == old:
            self.refresh_lines(0, self._header_height)
        else:
            self.refresh()

    @property
    def shown_body(self) -> str | None:
        """The Markdown shown: the full text when asked for and there is one, else the entry's."""
        if self.showing_full and self.full is not None and self.full.ok:
            return self.full.markdown
        return self.entry.body if self.entry is not None else None

    @property
    def full_text_shown(self) -> bool:
        return self.showing_full and self.full is not None and self.full.ok

    def show_message(self, text: str) -> None:
        self.entry = None
        self.full, self.showing_full = None, False
        self.links = ()
        self.related = ()
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

    def _render_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            self.lines = []
            self._key = None
            return
        styles = self._styles()
        console = self.app.console
        options = console.options.update(width=width, highlight=False, markup=False)
        if self.entry is None:
            text = Body(Text(self.message or "", style=self._style("muted")), None, Style(), margin=1)
            lines = [Strip(line) for line in console.render_lines(text, options, pad=False)]
            self.lines, self._key = lines, None
            self._set_height()
            return
        entry = self.entry
        header = Body(self.header(entry), None, Style(), margin=1)
        lines = [Strip(line) for line in console.render_lines(header, options, pad=False)]
        self._header_height = len(lines) + 1
        lines.append(Strip([]))
        body_text = self.shown_body
        key = (entry.id, hash(body_text), width, styles, self.terms.pattern if self.terms else "")
        rendered = self._bodies.get(key)
        if rendered is None:
            rendered = self._render_body(body_text, console, options)
            self._bodies[key] = rendered
        body, self.links = rendered
        self.lines = lines + body + self._related_list(console, options)
        self._key = key
        self._set_height()

    def _render_body(
        self, body_text: str | None, console: Console, options: ConsoleOptions
    ) -> tuple[list[Strip], tuple[Link, ...]]:
        article = article_body(body_text)
        if not article.markdown:
            text = Text(" (no text in this entry: o opens its link)", style=self._style("muted"))
            return [Strip(line) for line in console.render_lines(text, options, pad=False)], ()
        markdown = _markdown_class()(article.markdown, hyperlinks=True)
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
        text = Body(Text("\n").join(items), None, Style(), margin=1)
        return [Strip(line) for line in console.render_lines(text, options, pad=False)]

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
        text = Body(Text("\n").join(items), None, Style(), margin=1)
        return [Strip([]), *(Strip(line) for line in console.render_lines(text, options, pad=False))]

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
        if self.entry is not None or self.message is not None:
            self._render_lines()
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # a theme change restyles the text; a focus change (also a style update) does not
        if (self.entry is not None or self.message is not None) and self.is_mounted:
            styles = self._styles()
            if self._key is not None and self._key[3] == styles:
                return
            self.call_later(self._rerender)

    def _rerender(self) -> None:
        self._render_lines()
        self.refresh()

    def header(self, entry: Entry) -> Text:
        """Title, then date · source · state, tags, watch terms, CVE ids, link, feeds, file. Separators take
        the style of the part before them (fewer segments to send)."""
        style = self._style
        lines: list[Text] = [Text(clean_line(entry.title) or "(untitled)", style=style("title"))]
        meta = [((entry.date or "")[:16].replace("T", " "), style("date"))]
        if entry.source:
            meta.append((clean_line(entry.source), style("source")))
        if entry.archived:
            meta.append(("archived", style("archived")))
        elif entry.drafted:
            meta.append((f"drafted: {clean_line(entry.draft)}", style("archived")))
        else:
            meta.append(("not archived", style("muted")))
        if not entry.read:
            meta.append(("unread", style("unread")))
        if entry.starred:
            meta.append(("starred", style("starred")))
        lines.append(
            Text.assemble(*[(text + (" · " if n < len(meta) - 1 else ""), st) for n, (text, st) in enumerate(meta)])
        )
        if entry.tags:
            lines.append(Text(" ".join("#" + tag for tag in entry.tags), style=style("tag")))
        if entry.watch_terms:
            terms = clean_line(entry.watch_line())
            lines.append(Text.assemble(("watch: ", style("muted")), (terms, style("tag"))))
        lines += self.cve_lines(entry)
        if entry.link:
            lines.append(Text(clean_line(entry.link), style=style("link")))
        if entry.feeds:
            lines.append(Text("via " + ", ".join(clean_line(f) for f in entry.feeds), style=style("muted")))
        if entry.file:
            lines.append(Text(clean_line(entry.file), style=style("muted")))
        note = self.full_text_note()
        if note is not None:
            lines.append(note)
        return Text("\n").join(lines)

    def full_text_note(self) -> Text | None:
        """The header's full text line: shown (marked), stored, or why the last fetch failed."""
        full, style = self.full, self._style
        if full is None:
            return None
        failed = f"full text: {clean_line(full.error)}" if full.error else ""
        if self.full_text_shown:
            words = f"full text · {full.words} words · {clean_line(full.source)} (f: the feed's summary)"
            return Text(
                words + (f" · last try failed: {clean_line(full.error)}" if full.error else ""), style("fulltext")
            )
        if full.ok:
            return Text("full text stored (f shows it)" + (f" · {failed}" if failed else ""), style=style("muted"))
        return Text(f"{failed} (the feed's summary is shown)", style=style("fulltext"))

    def cve_lines(self, entry: Entry, detailed: int = CVE_LINES) -> list[Text]:
        """Each CVE id with its KEV record (added, due, known ransomware use) and EPSS score, then
        its NVD page as text (copyable); past `detailed` of them, the others on one line."""
        style = self._style
        lines: list[Text] = []
        for cve in entry.cves[:detailed]:
            known = self.intel.get(cve) or CveIntel(cve)
            epss = known.epss_text()
            lines.append(Text.assemble((cve, style("cve")), ("  " + epss if epss else "", style("epss"))))
            if known.kev is not None:
                lines.append(Text("  " + known.kev.summary(), style=style("kev")))
            # the NVD page, its CVE id in the CVE style as everywhere
            page = known.nvd.removesuffix(cve)
            lines.append(Text.assemble(("  " + page, style("muted")), (cve, style("cve"))))
        rest = entry.cves[detailed:]
        if rest:
            kev = sum(1 for cve in rest if getattr(self.intel.get(cve), "kev", None) is not None)
            more = f"{len(rest)} more" + (f" ({kev} in KEV)" if kev else "") + " (c: the CVE view): "
            lines.append(Text.assemble((more, style("muted")), (" ".join(rest), style("cve"))))
        return lines

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and the log)."""
        return "\n".join(line.text.rstrip() for line in self.lines)
