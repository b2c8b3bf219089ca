"""The article's body as a Rich renderable: the Markdown with a margin, CVE ids and a query's
words styled, as few segments per line as it can (every segment costs an SGR sequence on a slow
link); the body prepared (links numbered, images as text)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from veille_tui.core.article import Article, find_terms, prepare
from veille_tui.core.text import clean, strip_attribute_lists

if TYPE_CHECKING:
    from rich.markdown import Markdown


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
def markdown_class() -> type[Markdown]:
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
